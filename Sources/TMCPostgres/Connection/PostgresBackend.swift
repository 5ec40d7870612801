import Foundation

/// A pooled connection as the pool sees it: requests go to the pool's `IOLoop`, which alone
/// touches the libpq connection.
final class PostgresBackend: Sendable {
    enum TransactionState: Sendable {
        case idle
        /// In a transaction block, healthy or failed: a ROLLBACK brings it back.
        case inBlock
        /// Broken, or a statement still running: nobody knows.
        case unknown
    }

    let id: Int
    private let loop: IOLoop
    private let connection: LoopConnection
    /// Set when a lease starts, consumed by its first request.
    private let leaseStarting = Locked(false)

    private init(id: Int, loop: IOLoop, connection: LoopConnection) {
        self.id = id
        self.loop = loop
        self.connection = connection
    }

    /// Opens a connection on a helper thread (connecting blocks), then registers it with `loop`.
    /// `completion` runs on that thread.
    static func connect(id: Int, settings: ConnectionSettings, loop: IOLoop,
                        completion: @escaping @Sendable (Result<PostgresBackend, PostgresError>) -> Void) {
        let thread = Thread {
            do throws(PostgresError) {
                let pointer = PGConnectionPointer(pointer: try PGConnectionHandle.open(settings))
                let connection = LoopConnection(pointer, settings: settings)
                loop.send(.register(connection))
                completion(.success(PostgresBackend(id: id, loop: loop, connection: connection)))
            } catch {
                completion(.failure(error))
            }
        }
        thread.name = "postgres-connect-\(id)"
        thread.start()
    }

    /// Marks the start of a lease: the next request may reopen a connection found dead.
    func startLease() { leaseStarting.withLock { $0 = true } }

    var isUsable: Bool { connection.status.withLock { $0.isUsable } }
    var transactionState: TransactionState { connection.status.withLock { $0.transactionState } }
    /// Safe to lend again as it is.
    var isReusable: Bool { connection.status.withLock { $0.isUsable && $0.transactionState == .idle } }

    func query(_ query: PostgresQuery) async throws -> PostgresResult {
        try Self.unwrap(await send(.query(query)))
    }

    func simpleQuery(_ sql: String) async throws -> PostgresResult {
        try Self.unwrap(await send(.simple(sql)))
    }

    /// The command tag of the last statement of `sql` (`COMMIT`, `ROLLBACK`, …).
    func command(_ sql: String) async throws -> String {
        let reply = await send(.simple(sql))
        _ = try Self.unwrap(reply)
        return reply.tag
    }

    private static func unwrap(_ reply: LoopConnection.Reply) throws -> PostgresResult {
        switch reply.result {
        case .success(let result):
            return result
        case .failure(let error) where reply.reopenFailed:
            throw PostgresPoolUnavailableError(reason: "cannot connect to the database: \(error.message)")
        case .failure(let error):
            throw error
        }
    }

    private func send(_ kind: LoopConnection.Request.Kind) async -> LoopConnection.Reply {
        let first = leaseStarting.withLock { starting in
            defer { starting = false }
            return starting
        }
        let settings = PostgresSessionSettings.current
        return await withCheckedContinuation { continuation in
            loop.send(.submit(connection, .init(kind: kind, isFirstOfLease: first, settings: settings, continuation: continuation)))
        }
    }

    /// Closes the connection; returns once done.
    func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            loop.send(.close(connection, { continuation.resume() }))
        }
    }

    /// Closes the connection without waiting.
    func closeSoon() { loop.send(.close(connection, {})) }
}
