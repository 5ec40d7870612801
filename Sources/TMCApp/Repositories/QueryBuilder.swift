import TMCPostgres

/// Builds a `PostgresQuery` piece by piece when the SQL text depends on which filters a request
/// uses (so each variant gets its own prepared statement and plan). Values still only ever go
/// in as bound parameters.
struct QueryBuilder {
    private var interpolation = PostgresQuery.StringInterpolation(literalCapacity: 512, interpolationCount: 8)

    init(_ sql: String) { interpolation.appendLiteral(sql) }

    /// Program-chosen SQL text.
    mutating func sql(_ text: String) { interpolation.appendLiteral(text) }

    /// A bound parameter (`$N`).
    mutating func bind<T: PostgresEncodable>(_ value: T) { interpolation.appendInterpolation(value) }

    var query: PostgresQuery { PostgresQuery(stringInterpolation: interpolation) }
}
