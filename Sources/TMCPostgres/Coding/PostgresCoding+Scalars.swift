/// Text-format conformances for the scalar types PostgreSQL and Swift share.

extension String: PostgresEncodable, PostgresDecodable {
    @inlinable public var postgresText: String? { self }
    @inlinable public init(postgresText: String) { self = postgresText }
}

extension Int: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { String(self) }
    public init(postgresText: String) throws {
        guard let value = Int(postgresText) else { throw PostgresTextError(type: "Int", text: postgresText) }
        self = value
    }
}

extension Int32: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { String(self) }
    public init(postgresText: String) throws {
        guard let value = Int32(postgresText) else { throw PostgresTextError(type: "Int32", text: postgresText) }
        self = value
    }
}

extension Int64: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { String(self) }
    public init(postgresText: String) throws {
        guard let value = Int64(postgresText) else { throw PostgresTextError(type: "Int64", text: postgresText) }
        self = value
    }
}

extension Bool: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { self ? "t" : "f" }
    public init(postgresText: String) throws {
        // The server writes `t`/`f`; the long forms come from text columns or casts to text.
        switch postgresText {
        case "t", "true", "TRUE": self = true
        case "f", "false", "FALSE": self = false
        default: throw PostgresTextError(type: "Bool", text: postgresText)
        }
    }
}

extension Double: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? {
        // Swift prints the shortest text that reads back exactly; only the specials differ.
        if isNaN { return "NaN" }
        if isInfinite { return self < 0 ? "-Infinity" : "Infinity" }
        return description
    }
    public init(postgresText: String) throws {
        switch postgresText {
        case "NaN": self = .nan
        case "Infinity": self = .infinity
        case "-Infinity": self = -.infinity
        default:
            guard let value = Double(postgresText) else { throw PostgresTextError(type: "Double", text: postgresText) }
            self = value
        }
    }
}

/// A text value that is not valid for the Swift type; `PostgresRow.decode` turns it into a
/// `PostgresDecodingError` naming the column.
struct PostgresTextError: Error, Sendable, CustomStringConvertible {
    var type: String
    var text: String
    var description: String { "invalid \(type) text" }
}
