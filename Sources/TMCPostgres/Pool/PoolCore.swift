import Dispatch
import Foundation

/// The pool's shell: performs what `PoolStateMachine` decides, outside the lock.
///
/// `@unchecked` only for `timer`: it is set up in `init`, and `cancel()` is thread-safe.
final class PoolCore: @unchecked Sendable {
    typealias Waiter = CheckedContinuation<PostgresBackend, any Error>

    private struct State {
        var machine: PoolStateMachine<PostgresBackend, Waiter>
        var nextID = 1
    }

    private let settings: ConnectionSettings
    private let loop: IOLoop
    private let acquireTimeout: Duration
    private let state: Locked<State>
    private let timer: DispatchSourceTimer

    init(configuration: PostgresPoolConfiguration) {
        settings = ConnectionSettings(url: configuration.url, connectTimeout: configuration.connectTimeout,
                                      preparedStatementCacheSize: configuration.preparedStatementCacheSize,
                                      role: configuration.role)
        acquireTimeout = configuration.acquireTimeout
        loop = IOLoop(name: "postgres-io")
        state = Locked(State(machine: PoolStateMachine(maxSize: configuration.size)))
        // One timer for all waiters (their deadlines are ordered) instead of one per waiter.
        let tick = min(max(configuration.acquireTimeout.nanoseconds / 20, 5_000_000), 100_000_000)
        timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + .nanoseconds(Int(tick)), repeating: .nanoseconds(Int(tick)),
                       leeway: .nanoseconds(Int(tick / 4)))
        timer.setEventHandler { [weak self] in self?.expireWaiters() }
        timer.resume()
    }

    var statistics: PostgresPoolStatistics { state.withLock { $0.machine.statistics } }

    func stopTimer() { timer.cancel() }

    // MARK: Acquire

    func acquire() async throws -> PostgresBackend {
        // Fast path: an idle connection, no continuation needed.
        if let backend = state.withLock({ $0.machine.lendIdle() }) {
            backend.startLease()
            return backend
        }
        try Task.checkCancellation()
        let id = state.withLock { s in
            defer { s.nextID += 1 }
            return s.nextID
        }
        let backend = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (waiter: Waiter) in
                let deadline = DispatchTime.now().uptimeNanoseconds + acquireTimeout.nanoseconds
                let action = state.withLock { $0.machine.acquire(id: id, waiter: waiter, deadline: deadline) }
                switch action {
                case .lend(let backend):
                    waiter.resume(returning: backend)
                case .wait(let connect):
                    if connect { openConnection() }
                    // Cancelled before the handler could see the waiter queued.
                    if Task.isCancelled { cancelWaiter(id) }
                case .fail(let reason):
                    waiter.resume(throwing: PostgresPoolUnavailableError(reason: reason))
                }
            }
        } onCancel: {
            cancelWaiter(id)
        }
        backend.startLease()
        return backend
    }

    private func cancelWaiter(_ id: Int) {
        state.withLock { $0.machine.cancel(id: id) }?.resume(throwing: CancellationError())
    }

    private func expireWaiters() {
        let now = DispatchTime.now().uptimeNanoseconds
        let expired = state.withLock { $0.machine.expire(now: now) }
        guard !expired.isEmpty else { return }
        let error = PostgresPoolUnavailableError(reason: "no database connection became free within \(acquireTimeout)")
        for waiter in expired { waiter.resume(throwing: error) }
    }

    // MARK: Open, release

    private func openConnection() {
        let id = state.withLock { s in
            defer { s.nextID += 1 }
            return s.nextID
        }
        PostgresBackend.connect(id: id, settings: settings, loop: loop) { [self] result in
            switch result {
            case .success(let backend):
                switch state.withLock({ $0.machine.connectSucceeded(backend) }) {
                case .lend(let backend, let waiter): waiter.resume(returning: backend)
                case .keepIdle: break
                case .close(let backend): backend.closeSoon()
                }
            case .failure(let error):
                let failed = state.withLock { $0.machine.connectFailed() }
                let unavailable = PostgresPoolUnavailableError(reason: "cannot connect to the database: \(error.message)")
                for waiter in failed { waiter.resume(throwing: unavailable) }
            }
        }
    }

    /// Gives a connection back: reused if it is healthy and outside a transaction, else closed.
    func release(_ backend: PostgresBackend) {
        let reusable = backend.isReusable
        switch state.withLock({ $0.machine.release(backend, reusable: reusable) }) {
        case .lend(let backend, let waiter):
            waiter.resume(returning: backend)
        case .keepIdle:
            break
        case .close(let backend, let connect):
            backend.closeSoon()
            if connect { openConnection() }
        }
    }

    func shutdown() async {
        let (closing, failing) = state.withLock { $0.machine.shutdown() }
        timer.cancel()
        let error = PostgresPoolUnavailableError(reason: "the pool is shut down")
        for waiter in failing { waiter.resume(throwing: error) }
        await withTaskGroup(of: Void.self) { group in
            for backend in closing { group.addTask { await backend.close() } }
        }
        // Connections still lent or opening are closed by the loop as it stops.
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            loop.send(.stop({ continuation.resume() }))
        }
    }
}
