/// A pooled connection: a libpq handle and the thread that alone may touch it.
///
/// `handle` and `checkBeforeNextUse` belong to the thread; the pool writes `checkBeforeNextUse`
/// only while no job runs (between leases), ordered by the job queue's lock.
final class PostgresBackend: @unchecked Sendable {
    let id: Int
    private let thread: ConnectionThread
    private var handle: PGConnectionHandle?
    /// Set when a lease starts: the first statement first checks the idle connection is alive.
    var checkBeforeNextUse = false
    /// Written by the thread at the end of every job, read by the lease holder after it resumed.
    private(set) var isUsable = false
    /// Likewise: where the session stands after the last job.
    private(set) var transactionState = TransactionState.idle

    enum TransactionState {
        case idle
        /// In a transaction block, healthy or failed: a ROLLBACK brings it back.
        case inBlock
        /// Broken, or a statement still running: nobody knows.
        case unknown
    }

    /// Safe to lend again as it is.
    var isReusable: Bool { isUsable && transactionState == .idle }

    private init(id: Int) {
        self.id = id
        self.thread = ConnectionThread(name: "postgres-\(id)")
    }

    /// Opens a connection on a new thread; `completion` runs on that thread.
    static func connect(id: Int, settings: ConnectionSettings,
                        completion: @escaping @Sendable (Result<PostgresBackend, PostgresError>) -> Void) {
        let backend = PostgresBackend(id: id)
        backend.thread.submit {
            do throws(PostgresError) {
                backend.handle = try PGConnectionHandle(settings: settings)
                backend.isUsable = true
                completion(.success(backend))
            } catch {
                backend.thread.stop()
                completion(.failure(error))
            }
        }
    }

    /// Runs `work` with the handle on the connection's thread.
    func run<T: Sendable>(_ work: @escaping @Sendable (PGConnectionHandle) throws(PostgresError) -> T) async throws(PostgresError) -> T {
        let result: Result<T, PostgresError> = await withCheckedContinuation { continuation in
            thread.submit { [self] in
                continuation.resume(returning: perform(work))
            }
        }
        return try result.get()
    }

    private func perform<T>(_ work: (PGConnectionHandle) throws(PostgresError) -> T) -> Result<T, PostgresError> {
        guard let handle else {
            return .failure(PostgresError(code: .connectionFailure, message: "connection is closed"))
        }
        defer {
            isUsable = !handle.isBroken
            transactionState = !isUsable ? .unknown : handle.isIdle ? .idle : handle.isInTransactionBlock ? .inBlock : .unknown
        }
        do {
            if checkBeforeNextUse {
                checkBeforeNextUse = false
                try handle.reviveIfDead()
            }
            return .success(try work(handle))
        } catch {
            return .failure(error)
        }
    }

    /// Closes the connection and ends its thread; returns once done.
    func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            closeThen { continuation.resume() }
        }
    }

    /// Closes the connection and ends its thread without waiting.
    func closeThen(_ done: @escaping @Sendable () -> Void = {}) {
        thread.submit { [self] in
            handle?.close()
            handle = nil
            isUsable = false
            transactionState = .unknown
            done()
        }
        thread.stop()
    }
}
