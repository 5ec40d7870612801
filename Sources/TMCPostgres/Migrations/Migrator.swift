/// INTERFACE STUB — to be replaced by the real implementation.
import Foundation

public struct Migration: Sendable, Equatable {
    public var version: Int
    public var name: String
    public var sql: String
    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}

public struct MigrationStatus: Sendable, Equatable {
    public var version: Int
    public var name: String
    public var appliedAt: Date?
}

public struct MigrationError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Applies `migrations/NNNN_name.sql` files in order, each in its own transaction, recorded with
/// a checksum; refuses an applied file that changed; an advisory lock serialises instances.
public struct Migrator: Sendable {
    public init(pool: PostgresPool, migrations: [Migration]) { fatalError("unimplemented") }

    /// Reads `NNNN_name.sql` files from a directory.
    public static func load(directory: URL) throws -> [Migration] { fatalError("unimplemented") }

    /// Applies what is pending; returns the versions applied now.
    @discardableResult
    public func migrate() async throws -> [Int] { fatalError("unimplemented") }

    public func status() async throws -> [MigrationStatus] { fatalError("unimplemented") }

    /// True when every known migration is applied and none changed.
    public func isCurrent() async throws -> Bool { fatalError("unimplemented") }
}
