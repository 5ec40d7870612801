import Foundation
import Glibc

public struct PostgresNotification: Sendable, Equatable {
    public var channel: String
    public var payload: String
    public init(channel: String, payload: String) {
        self.channel = channel
        self.payload = payload
    }
}

public enum PostgresListenerEvent: Sendable, Equatable {
    case notification(PostgresNotification)
    case reconnected
}

/// LISTEN on one dedicated connection; reconnects (and re-LISTENs) by itself when it breaks.
///
/// The connection lives on a thread of its own, which waits in `poll()` on the connection's
/// socket and on a wake-up pipe, so `stop()` is noticed at once. After a break it reconnects
/// with exponential backoff (50 ms doubling up to 5 s), LISTENs again, then yields `.reconnected`.
public final class PostgresListener: Sendable {
    private let settings: ConnectionSettings
    private let channels: [String]
    private let log: @Sendable (String) -> Void
    private let stream: AsyncStream<PostgresListenerEvent>
    private let continuation: AsyncStream<PostgresListenerEvent>.Continuation
    private let control = Locked(Control())
    /// Written by `stop()` to wake the thread's `poll()`; read end first.
    private let wakePipe: (read: Int32, write: Int32)

    private struct Control {
        var started = false
        var stopping = false
        var finished = false
        var stopWaiters: [CheckedContinuation<Void, Never>] = []
    }

    public init(url: String, channels: [String], log: @escaping @Sendable (String) -> Void = { print($0) }) {
        self.settings = ConnectionSettings(url: url, connectTimeout: .seconds(5), preparedStatementCacheSize: 1)
        self.channels = channels
        self.log = log
        (stream, continuation) = AsyncStream.makeStream(of: PostgresListenerEvent.self, bufferingPolicy: .unbounded)
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        }
        wakePipe = (fds[0], fds[1])
    }

    /// Every notification on the channels, in arrival order. `reconnected` events tell a consumer
    /// that notifications may have been missed while the connection was down.
    ///
    /// There is one stream per listener: every call returns the same stream, which must have a
    /// single consumer. It buffers without limit and ends after `stop()`.
    public func events() -> AsyncStream<PostgresListenerEvent> { stream }

    /// Starts the listening thread (once; later calls do nothing).
    public func start() {
        let shouldStart = control.withLock { c -> Bool in
            guard !c.started, !c.stopping else { return false }
            c.started = true
            return true
        }
        guard shouldStart else { return }
        let thread = Thread { [self] in run() }
        thread.name = "postgres-listener"
        thread.stackSize = 512 * 1024
        thread.start()
    }

    /// Ends the stream and closes the connection; returns once the thread is done.
    public func stop() async {
        await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
            let (resumeNow, finishStream) = control.withLock { c -> (Bool, Bool) in
                if c.finished { return (true, false) }
                c.stopping = true
                guard c.started else {
                    c.finished = true
                    return (true, true)
                }
                c.stopWaiters.append(waiter)
                // Under the lock: the thread closes the pipe only after marking itself finished.
                wakeThread()
                return (false, false)
            }
            if finishStream { finish() }
            if resumeNow { waiter.resume() }
        }
    }

    private var isStopping: Bool { control.withLock { $0.stopping } }

    private func wakeThread() {
        var byte: UInt8 = 1
        _ = write(wakePipe.write, &byte, 1)
    }

    private func finish() {
        continuation.finish()
        close(wakePipe.read)
        close(wakePipe.write)
    }

    // MARK: The thread

    private func run() {
        var failures = 0
        var connectedBefore = false
        while !isStopping {
            do throws(PostgresError) {
                let handle = try PGConnectionHandle(settings: settings)
                defer { handle.close() }
                for channel in channels {
                    _ = try handle.simpleQuery("LISTEN " + handle.quoteIdentifier(channel))
                }
                failures = 0
                if connectedBefore { continuation.yield(.reconnected) }
                connectedBefore = true
                try listen(on: handle)
            } catch {
                if isStopping { break }
                failures += 1
                let delay = min(50 * (1 << min(failures - 1, 7)), 5_000)
                log("postgres listener: \(error.message); reconnecting in \(delay) ms")
                waitForWake(milliseconds: Int32(delay))
            }
        }
        let waiters = control.withLock { c -> [CheckedContinuation<Void, Never>] in
            c.finished = true
            defer { c.stopWaiters.removeAll() }
            return c.stopWaiters
        }
        finish()
        for waiter in waiters { waiter.resume() }
    }

    /// Delivers notifications until `stop()` or until the connection breaks (then throws).
    private func listen(on handle: PGConnectionHandle) throws(PostgresError) {
        var quietPolls = 0
        // Notifications that came in with the LISTEN replies are already in libpq's queue.
        for notification in try handle.receiveNotifications() {
            continuation.yield(.notification(notification))
        }
        while !isStopping {
            var fds = [pollfd(fd: handle.socket, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: wakePipe.read, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, 2, 1_000)
            if ready < 0 {
                if errno == EINTR { continue }
                throw PostgresError(code: .connectionFailure, message: "poll failed: errno \(errno)")
            }
            if fds[1].revents != 0 { drainWakePipe() }
            if fds[0].revents != 0 {
                quietPolls = 0
                for notification in try handle.receiveNotifications() {
                    continuation.yield(.notification(notification))
                }
            } else if ready == 0 {
                // A connection that died without a word (network gone) only shows when used:
                // check it after 30 quiet seconds. Notifications arriving meanwhile are kept.
                quietPolls += 1
                if quietPolls >= 30 {
                    quietPolls = 0
                    _ = try handle.simpleQuery("SELECT 1")
                    for notification in try handle.receiveNotifications() {
                        continuation.yield(.notification(notification))
                    }
                }
            }
        }
    }

    private func waitForWake(milliseconds: Int32) {
        var fd = pollfd(fd: wakePipe.read, events: Int16(POLLIN), revents: 0)
        if poll(&fd, 1, milliseconds) > 0 { drainWakePipe() }
    }

    private func drainWakePipe() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(wakePipe.read, &buffer, buffer.count) > 0 {}
    }
}
