import Foundation

/// Whether an account can be used: `invited` has no password yet, `disabled` can never log in.
public enum UserStatus: String, Sendable, Codable, CaseIterable {
    case invited, active, disabled
}

/// How a victim wants to be told about their cases.
public enum ContactChannel: String, Sendable, Codable, CaseIterable {
    case email, sms, none
}

/// An account as the API shows it (never its password hash). `force` is the force's code.
public struct User: Sendable, Equatable, Encodable {
    public var id: UUID
    public var email: String
    public var name: String
    public var role: Role
    public var force: String?
    public var phone: String?
    public var status: UserStatus
    public var createdAt: Date
    /// Not part of the user JSON; `GET /v1/me` shows them to victims.
    public var contactChannel: ContactChannel
    public var safeContact: Bool
    /// The force's id, for services; not encoded.
    public var forceID: UUID?

    public init(id: UUID, email: String, name: String, role: Role, force: String?, phone: String?, status: UserStatus,
                createdAt: Date, contactChannel: ContactChannel = .email, safeContact: Bool = false, forceID: UUID? = nil) {
        self.id = id
        self.email = email
        self.name = name
        self.role = role
        self.force = force
        self.phone = phone
        self.status = status
        self.createdAt = createdAt
        self.contactChannel = contactChannel
        self.safeContact = safeContact
        self.forceID = forceID
    }

    enum CodingKeys: String, CodingKey {
        case id, email, name, role, force, phone, status, createdAt
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id.lowercasedString, forKey: .id)
        try c.encode(email, forKey: .email)
        try c.encode(name, forKey: .name)
        try c.encode(role, forKey: .role)
        try c.encode(force, forKey: .force)
        try c.encode(phone, forKey: .phone)
        try c.encode(status, forKey: .status)
        try c.encode(createdAt, forKey: .createdAt)
    }
}
