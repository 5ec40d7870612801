/// A connection lent by the pool; valid only inside the closure it was lent to.
public final class PostgresConnection: PostgresQueryable {
    let backend: PostgresBackend
    private let lent = Locked(true)

    init(backend: PostgresBackend) { self.backend = backend }

    public func query(_ query: PostgresQuery) async throws -> PostgresResult {
        try checkLent()
        return try await backend.query(query)
    }

    /// Runs SQL without parameters through the simple protocol: several statements separated by
    /// `;` are allowed (migration files). Returns the last statement's result. Never build `sql`
    /// from values: use `query` with interpolation for those.
    public func simpleQuery(_ sql: String) async throws -> PostgresResult {
        try checkLent()
        return try await backend.simpleQuery(sql)
    }

    /// The command tag of the last statement (`COMMIT`, `ROLLBACK`, …).
    func command(_ sql: String) async throws -> String {
        try checkLent()
        return try await backend.command(sql)
    }

    /// Ends the loan: later calls throw.
    func invalidate() { lent.withLock { $0 = false } }

    private func checkLent() throws(PostgresError) {
        guard lent.withLock({ $0 }) else {
            throw PostgresError(code: ResultReader.clientErrorCode,
                                message: "a PostgresConnection was used after the closure it was lent to returned")
        }
    }
}
