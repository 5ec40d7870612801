import Foundation

/// The roles of the contract (API.md, "Who uses it").
public enum Role: String, Sendable, Codable, CaseIterable {
    case victim, officer, supervisor, admin, integration, sysadmin

    /// Officers and supervisors: "staff" in the contract.
    public var isStaff: Bool { self == .officer || self == .supervisor }
}

/// Who is calling: resolved once per request from the bearer token and handed to services.
public struct Principal: Sendable, Equatable {
    public var userID: UUID
    public var role: Role
    /// The force of staff, admins and integration keys; nil for victims and sysadmins.
    public var forceID: UUID?
    public var forceCode: String?
    /// The token (or API key) that authenticated this request.
    public var credentialID: UUID
    public var name: String
    /// The caller's account as loaded with the token, so that `GET /v1/me` needs no second
    /// query; nil for integration keys, which are not user accounts.
    public var user: User?

    public init(userID: UUID, role: Role, forceID: UUID?, forceCode: String?, credentialID: UUID, name: String, user: User? = nil) {
        self.userID = userID
        self.role = role
        self.forceID = forceID
        self.forceCode = forceCode
        self.credentialID = credentialID
        self.name = name
        self.user = user
    }

    /// True for an integration API key rather than a person.
    public var isIntegration: Bool { role == .integration }
}
