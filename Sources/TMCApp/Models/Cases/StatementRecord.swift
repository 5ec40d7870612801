import Foundation

/// One version of a Victim Personal Statement.
public struct StatementRecord: Sendable, Equatable {
    public var victimID: UUID
    public var version: Int
    public var text: String
    public var createdAt: Date
}
