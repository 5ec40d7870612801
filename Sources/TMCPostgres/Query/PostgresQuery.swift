/// SQL with its parameters. Built by interpolation, every interpolated value becomes a bound
/// `$N` parameter, never text in the SQL: `"SELECT * FROM users WHERE id = \(id)"`.
/// Raw SQL fragments need the deliberately loud `\(unsafeSQL: "...")`.
public struct PostgresQuery: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public var sql: String
    public var binds: [PostgresBind]

    public init(unsafeSQL sql: String, binds: [PostgresBind] = []) {
        self.sql = sql
        self.binds = binds
    }

    public init(stringLiteral value: String) {
        self.sql = value
        self.binds = []
    }

    public init(stringInterpolation: StringInterpolation) {
        self.sql = stringInterpolation.sql
        self.binds = stringInterpolation.binds
    }

    /// SQL with bound values shown as `****`, safe for logs.
    public var description: String { "\(sql) [\(binds.map { _ in "****" }.joined(separator: ", "))]" }

    public struct StringInterpolation: StringInterpolationProtocol {
        public var sql: String = ""
        public var binds: [PostgresBind] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql.reserveCapacity(literalCapacity + interpolationCount * 3)
        }

        public mutating func appendLiteral(_ literal: String) { sql += literal }

        public mutating func appendInterpolation(_ value: some PostgresEncodable) {
            binds.append(PostgresBind(value.postgresText))
            sql += "$\(binds.count)"
        }

        public mutating func appendInterpolation<T: PostgresEncodable>(_ value: T?) {
            binds.append(PostgresBind(value?.postgresText))
            sql += "$\(binds.count)"
        }

        /// Appends raw SQL. Only for identifiers and fragments the program itself chose.
        public mutating func appendInterpolation(unsafeSQL fragment: String) { sql += fragment }
    }
}

/// One parameter in PostgreSQL's text format; nil is SQL NULL.
public struct PostgresBind: Sendable, Equatable {
    public var text: String?
    public init(_ text: String?) { self.text = text }
}
