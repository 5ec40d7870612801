import Foundation

/// What login and activation return: a bearer token and the account.
public struct Session: Sendable, Encodable {
    public var token: String
    public var tokenType = "Bearer"
    public var expiresAt: Date
    public var user: User

    public init(token: String, expiresAt: Date, user: User) {
        self.token = token
        self.expiresAt = expiresAt
        self.user = user
    }
}

/// What registration returns (`201 {user, token, expires_at}`).
public struct Registration: Sendable, Encodable {
    public var user: User
    public var token: String
    public var tokenType = "Bearer"
    public var expiresAt: Date
}
