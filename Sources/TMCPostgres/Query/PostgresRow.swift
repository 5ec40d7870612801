/// One row of a result, values in text format (nil is NULL).
public struct PostgresRow: Sendable {
    public let columns: PostgresColumns
    public let values: [String?]

    public init(columns: PostgresColumns, values: [String?]) {
        self.columns = columns
        self.values = values
    }

    /// The value of `column` as `T`; throws on NULL or a value `T` cannot read.
    public func decode<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        guard let text = try raw(column) else {
            throw PostgresDecodingError(column: column, type: String(describing: T.self), value: nil)
        }
        do { return try T(postgresText: text) } catch {
            throw PostgresDecodingError(column: column, type: String(describing: T.self), value: text)
        }
    }

    /// The value of `column` as `T`, or nil for NULL.
    public func decode<T: PostgresDecodable>(_ column: String, as type: T?.Type = T?.self) throws -> T? {
        guard let text = try raw(column) else { return nil }
        do { return try T(postgresText: text) } catch {
            throw PostgresDecodingError(column: column, type: String(describing: T.self), value: text)
        }
    }

    /// The text of `column`, nil for NULL; throws if there is no such column.
    public func raw(_ column: String) throws -> String? {
        guard let index = columns.index(of: column) else {
            throw PostgresDecodingError(column: column, type: "missing column", value: nil)
        }
        return values[index]
    }
}

/// Column names of a result, shared by its rows.
public final class PostgresColumns: Sendable {
    public let names: [String]
    private let indexByName: [String: Int]

    public init(names: [String]) {
        self.names = names
        var map: [String: Int] = [:]
        for (i, name) in names.enumerated() where map[name] == nil { map[name] = i }
        self.indexByName = map
    }

    public func index(of name: String) -> Int? { indexByName[name] }
}

/// What a statement returned: its rows and how many rows it affected.
public struct PostgresResult: Sendable, Sequence {
    public var rows: [PostgresRow]
    public var affectedRows: Int

    public init(rows: [PostgresRow], affectedRows: Int) {
        self.rows = rows
        self.affectedRows = affectedRows
    }

    public func makeIterator() -> IndexingIterator<[PostgresRow]> { rows.makeIterator() }
    public var first: PostgresRow? { rows.first }
    public var isEmpty: Bool { rows.isEmpty }
}
