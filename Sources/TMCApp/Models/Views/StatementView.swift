import Foundation

/// One version of a Victim Personal Statement.
public struct StatementView: Sendable, Encodable {
    public var victimId: String
    public var version: Int
    public var text: String
    public var createdAt: Date

    public init(_ s: StatementRecord) {
        victimId = s.victimID.uuidString.lowercased()
        version = s.version
        text = s.text
        createdAt = s.createdAt
    }
}
