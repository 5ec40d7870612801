import Foundation

/// An integration API key as listed: never the key itself.
public struct APIKey: Sendable, Equatable, Encodable {
    public var id: UUID
    public var name: String
    public var createdAt: Date
    public var lastUsedAt: Date?

    public init(id: UUID, name: String, createdAt: Date, lastUsedAt: Date?) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
    }

    enum CodingKeys: String, CodingKey { case id, name, createdAt, lastUsedAt }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id.lowercasedString, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(lastUsedAt, forKey: .lastUsedAt)
    }
}

/// A key just created: the only time `key` is ever shown.
public struct CreatedAPIKey: Sendable, Encodable {
    public var id: UUID
    public var name: String
    public var key: String
    public var createdAt: Date

    enum CodingKeys: String, CodingKey { case id, name, key, createdAt }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id.lowercasedString, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(key, forKey: .key)
        try c.encode(createdAt, forKey: .createdAt)
    }
}
