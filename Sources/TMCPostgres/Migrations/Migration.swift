import Foundation

/// One migration file: `NNNN_name.sql`.
public struct Migration: Sendable, Equatable {
    public var version: Int
    public var name: String
    public var sql: String
    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// The file name it was (or would be) loaded from, for messages.
    public var fileName: String {
        let digits = String(version)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits + "_" + name + ".sql"
    }

    /// `(version, name)` when `fileName` is `NNNN_name.sql` (4 or more digits), else nil.
    static func parseFileName(_ fileName: String) -> (version: Int, name: String)? {
        guard fileName.hasSuffix(".sql"), let underscore = fileName.firstIndex(of: "_") else { return nil }
        let digits = fileName[..<underscore]
        let name = fileName[fileName.index(after: underscore)..<fileName.index(fileName.endIndex, offsetBy: -4)]
        guard digits.count >= 4, digits.allSatisfy({ $0.isASCII && $0.isNumber }), !name.isEmpty,
              let version = Int(digits) else { return nil }
        return (version, String(name))
    }
}

/// Where a migration stands in the database.
public struct MigrationStatus: Sendable, Equatable {
    public var version: Int
    public var name: String
    /// When it was applied; nil while pending.
    public var appliedAt: Date?
    public init(version: Int, name: String, appliedAt: Date?) {
        self.version = version
        self.name = name
        self.appliedAt = appliedAt
    }
}

/// Why migrating is refused or failed; the message names the file.
public struct MigrationError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
