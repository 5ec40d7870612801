/// The pool's bookkeeping, without I/O: which connections are idle, how many are lent or being
/// opened, who waits in which order. Each event returns the action the pool must perform (after
/// releasing its lock); nothing here blocks, sleeps or reads a clock.
///
/// Generic over the connection and waiter types so that tests drive it with plain values.
struct PoolStateMachine<Connection, Waiter> {
    struct Waiting {
        var waiter: Waiter
        /// Uptime in nanoseconds after which the waiter fails.
        var deadline: UInt64
    }

    let maxSize: Int
    /// Most recently returned last: reusing it keeps warm statement caches and lets the others idle.
    private(set) var idle: [Connection] = []
    private(set) var inUse = 0
    private(set) var connecting = 0
    private var waiters = WaiterQueue<Waiting>()
    private(set) var isShutdown = false

    init(maxSize: Int) { self.maxSize = max(1, maxSize) }

    var total: Int { idle.count + inUse + connecting }
    var waitingCount: Int { waiters.count }

    var statistics: PostgresPoolStatistics {
        PostgresPoolStatistics(size: total, inUse: inUse, idle: idle.count, waiting: waiters.count)
    }

    // MARK: Acquiring

    enum AcquireAction {
        /// Use this connection now.
        case lend(Connection)
        /// Wait; if `connect`, open one more connection first.
        case wait(connect: Bool)
        /// The pool is shut down.
        case fail(String)
    }

    /// Without queueing: an idle connection if one is free (then nobody is waiting).
    mutating func lendIdle() -> Connection? {
        guard !isShutdown, let connection = idle.popLast() else { return nil }
        inUse += 1
        return connection
    }

    mutating func acquire(id: Int, waiter: Waiter, deadline: UInt64) -> AcquireAction {
        if isShutdown { return .fail("the pool is shut down") }
        if let connection = idle.popLast() {
            inUse += 1
            return .lend(connection)
        }
        waiters.append(id: id, Waiting(waiter: waiter, deadline: deadline))
        return .wait(connect: reserveConnectIfUseful())
    }

    /// Counts a new connection as opening when one more waiter lacks a connection and there is
    /// room. Connections already opening are promised to the oldest waiters.
    private mutating func reserveConnectIfUseful() -> Bool {
        guard !isShutdown, total < maxSize, connecting < waiters.count else { return false }
        connecting += 1
        return true
    }

    // MARK: Opening

    enum ConnectedAction {
        case lend(Connection, to: Waiter)
        case keepIdle
        case close(Connection)
    }

    mutating func connectSucceeded(_ connection: Connection) -> ConnectedAction {
        connecting -= 1
        if isShutdown { return .close(connection) }
        return handOver(connection)
    }

    /// The database refused or timed out: every waiter that no other opening connection could
    /// serve fails now with `reason` instead of waiting for its timeout.
    mutating func connectFailed() -> [Waiter] {
        connecting -= 1
        var failed: [Waiter] = []
        while waiters.count > connecting, let entry = waiters.popFirst() {
            failed.append(entry.element.waiter)
        }
        return failed
    }

    // MARK: Releasing

    enum ReleaseAction {
        case lend(Connection, to: Waiter)
        case keepIdle
        /// Close the connection; if `connect`, open a replacement for a waiter.
        case close(Connection, connect: Bool)
    }

    mutating func release(_ connection: Connection, reusable: Bool) -> ReleaseAction {
        inUse -= 1
        if isShutdown { return .close(connection, connect: false) }
        guard reusable else { return .close(connection, connect: reserveConnectIfUseful()) }
        switch handOver(connection) {
        case .lend(let connection, let waiter): return .lend(connection, to: waiter)
        case .keepIdle: return .keepIdle
        case .close(let connection): return .close(connection, connect: false)
        }
    }

    private mutating func handOver(_ connection: Connection) -> ConnectedAction {
        if let entry = waiters.popFirst() {
            inUse += 1
            return .lend(connection, to: entry.element.waiter)
        }
        idle.append(connection)
        return .keepIdle
    }

    // MARK: Giving up

    /// The waiter `id` was cancelled: it leaves the queue (nil if it was already served).
    mutating func cancel(id: Int) -> Waiter? {
        waiters.remove(id: id)?.waiter
    }

    /// Waiters whose deadline passed at `now`, oldest first. Deadlines grow along the queue (one
    /// timeout for all), so only the head needs looking at.
    mutating func expire(now: UInt64) -> [Waiter] {
        var expired: [Waiter] = []
        while let first = waiters.first, first.element.deadline <= now {
            _ = waiters.popFirst()
            expired.append(first.element.waiter)
        }
        return expired
    }

    /// Idle connections to close and waiters to fail; lent and opening ones close when they come back.
    mutating func shutdown() -> (close: [Connection], fail: [Waiter]) {
        isShutdown = true
        let closing = idle
        idle.removeAll()
        return (closing, waiters.removeAll().map(\.waiter))
    }
}
