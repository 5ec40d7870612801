/// Something that runs queries: the pool (one pooled connection per call) or a connection
/// lent inside `withConnection` / `transaction`.
public protocol PostgresQueryable: Sendable {
    func query(_ query: PostgresQuery) async throws -> PostgresResult
}

extension PostgresQueryable {
    /// Runs `query` and returns its first row, or nil.
    public func queryFirst(_ query: PostgresQuery) async throws -> PostgresRow? {
        try await self.query(query).first
    }

    /// Runs `query` for its effect; returns the affected row count.
    @discardableResult
    public func execute(_ query: PostgresQuery) async throws -> Int {
        try await self.query(query).affectedRows
    }
}
