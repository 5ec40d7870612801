import Foundation

/// A Swift value that can be sent as a parameter, in PostgreSQL's text format.
public protocol PostgresEncodable: Sendable {
    var postgresText: String? { get }
}

/// A Swift value that can be read from a column in PostgreSQL's text format.
public protocol PostgresDecodable: Sendable {
    init(postgresText: String) throws
}

/// A column value that could not be turned into the asked type.
public struct PostgresDecodingError: Error, Sendable, CustomStringConvertible {
    public var column: String
    public var type: String
    public var value: String?
    public init(column: String, type: String, value: String?) {
        self.column = column
        self.type = type
        self.value = value
    }
    public var description: String { "cannot decode column \(column) as \(type)" }
}
