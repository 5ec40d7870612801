import Foundation

/// A police force, identified by its data.police.uk id (`code`).
public struct Force: Sendable, Equatable, Encodable {
    public var id: UUID
    public var code: String
    public var name: String
    /// Officer time one online report saves, for the force's statistics.
    public var minutesSavedPerReport: Int
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: UUID, code: String, name: String, minutesSavedPerReport: Int, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.code = code
        self.name = name
        self.minutesSavedPerReport = minutesSavedPerReport
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, code, name, minutesSavedPerReport, createdAt, updatedAt
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id.lowercasedString, forKey: .id)
        try c.encode(code, forKey: .code)
        try c.encode(name, forKey: .name)
        try c.encode(minutesSavedPerReport, forKey: .minutesSavedPerReport)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
    }
}
