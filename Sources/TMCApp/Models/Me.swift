import Foundation

/// `GET /v1/me`: the caller's account; victims also see their contact preferences. For an
/// integration key, `id` is the key's id, `name` its name and `email` null.
public struct Me: Sendable, Encodable {
    public var id: UUID
    public var email: String?
    public var name: String
    public var role: Role
    public var force: String?
    public var phone: String?
    public var status: UserStatus
    public var createdAt: Date?
    public var contactPreferences: ContactPreferences?

    enum CodingKeys: String, CodingKey {
        case id, email, name, role, force, phone, status, createdAt, contactPreferences
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
        try c.encodeIfPresent(createdAt, forKey: .createdAt)
        try c.encodeIfPresent(contactPreferences, forKey: .contactPreferences)
    }
}
