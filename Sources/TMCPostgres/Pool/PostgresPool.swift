import Dispatch
import Foundation

/// A bounded pool of connections. Blocking libpq work never runs on Swift's cooperative pool:
/// the connections are non-blocking and driven by one I/O thread per pool (`IOLoop`); only
/// opening a connection blocks, on a short-lived helper thread.
///
/// Connections open lazily, up to `size`, and stay open. Callers wait in FIFO order for at most
/// `acquireTimeout`; a connection that broke is closed and replaced on the next demand, and when
/// the database refuses connections the waiters fail at once with `PostgresPoolUnavailableError`.
public final class PostgresPool: PostgresQueryable {
    public let configuration: PostgresPoolConfiguration
    private let core: PoolCore

    public init(configuration: PostgresPoolConfiguration) {
        self.configuration = configuration
        self.core = PoolCore(configuration: configuration)
    }

    deinit { core.stopTimer() }

    public func query(_ query: PostgresQuery) async throws -> PostgresResult {
        let backend = try await core.acquire()
        do {
            let result = try await backend.query(query)
            core.release(backend)
            return result
        } catch {
            core.release(backend)
            throw error
        }
    }

    /// Runs SQL without parameters through the simple protocol (several statements allowed).
    /// Never build `sql` from values: use `query` with interpolation for those.
    public func simpleQuery(_ sql: String) async throws -> PostgresResult {
        try await withConnection { try await $0.simpleQuery(sql) }
    }

    /// Lends one connection for the closure's duration. A transaction left open by the closure is
    /// rolled back; a connection in an unknown state afterwards is closed rather than reused.
    public func withConnection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        let backend = try await core.acquire()
        let connection = PostgresConnection(backend: backend)
        let value: T
        do {
            value = try await body(connection)
        } catch {
            connection.invalidate()
            await finishLease(backend)
            throw error
        }
        connection.invalidate()
        await finishLease(backend)
        return value
    }

    private func finishLease(_ backend: PostgresBackend) async {
        if backend.isUsable, backend.transactionState == .inBlock {
            _ = try? await backend.command("ROLLBACK")
        }
        core.release(backend)
    }

    /// BEGIN, the closure, COMMIT; ROLLBACK when it throws. Runs the closure again (up to
    /// `maxAttempts`) on serialization failure or deadlock.
    ///
    /// Errors stay apart: a failing BEGIN or COMMIT throws its own `PostgresError`; when the
    /// closure throws, that error is rethrown as it is, never the ROLLBACK's (a failed ROLLBACK
    /// only means the connection is discarded). A COMMIT that the server turned into a ROLLBACK
    /// (the closure swallowed an error) throws `25P02`.
    public func transaction<T: Sendable>(
        isolation: PostgresIsolation = .readCommitted, maxAttempts: Int = 3,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await withConnection { connection in
                    try await Self.runTransaction(on: connection, isolation: isolation, body)
                }
            } catch let error as PostgresError where error.isRetryableTransactionFailure && attempt < max(1, maxAttempts) {
                attempt += 1
                // A little jitter so that the transactions that collided do not collide again.
                try await Task.sleep(nanoseconds: UInt64.random(in: 1_000_000...5_000_000) * UInt64(attempt))
            }
        }
    }

    private static func runTransaction<T>(
        on connection: PostgresConnection, isolation: PostgresIsolation,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        _ = try await connection.command(isolation.beginStatement)
        let value: T
        do {
            value = try await body(connection)
        } catch {
            // Whatever ROLLBACK says, the caller wants the closure's error; a failed ROLLBACK leaves
            // the connection in an unknown state, and `withConnection` then discards it.
            _ = try? await connection.command("ROLLBACK")
            throw error
        }
        let tag = try await connection.command("COMMIT")
        if tag == "ROLLBACK" {
            throw PostgresError(code: .init("25P02"),
                                message: "COMMIT rolled back: a statement of the transaction had failed")
        }
        return value
    }

    public var statistics: PostgresPoolStatistics { core.statistics }

    /// Closes every connection; later calls fail.
    public func shutdown() async { await core.shutdown() }
}
