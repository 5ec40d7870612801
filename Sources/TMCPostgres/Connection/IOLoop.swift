import Foundation
import Glibc

/// The one thread that performs a pool's libpq I/O. Every connection is non-blocking; the loop
/// waits in `poll()` on all their sockets (and a wake-up pipe), sends what callers submitted and
/// resumes their continuations when results are complete.
///
/// Why not a thread per connection: each query then costs two sleeps of that thread (for the
/// request, then for the reply) plus the caller's wake-up. One loop serves many replies per
/// wake-up under load and never sleeps for a request while replies are pending.
final class IOLoop: @unchecked Sendable {
    enum Message {
        case submit(LoopConnection, LoopConnection.Request)
        case register(LoopConnection)
        case close(LoopConnection, @Sendable () -> Void)
        case reconnected(LoopConnection, Result<PGConnectionPointer, PostgresError>)
        case stop(@Sendable () -> Void)
    }

    private let lock = NSLock()
    // Guarded by `lock`.
    private var inbox: [Message] = []
    private var sleeping = false
    private var woken = false
    private var stopped = false
    private let wakeRead: Int32
    private let wakeWrite: Int32

    // Loop thread only.
    private var connections: [LoopConnection] = []
    private var pollSet: [pollfd] = []

    init(name: String) {
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) == 0 {
            for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        }
        wakeRead = fds[0]
        wakeWrite = fds[1]
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.stackSize = 1 << 20
        thread.start()
    }

    /// Hands `message` to the loop thread; wakes it only if it sleeps in `poll()`.
    func send(_ message: Message) {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else {
            // Only after `stop`: answer what still arrives so that no caller waits forever.
            Self.reject(message)
            return
        }
        inbox.append(message)
        if sleeping && !woken {
            woken = true
            var byte: UInt8 = 1
            // Under the lock: the loop closes the pipe only after setting `stopped` under it.
            _ = write(wakeWrite, &byte, 1)
        }
    }

    private static func reject(_ message: Message) {
        let closed = PostgresError(code: .connectionFailure, message: "the pool is shut down")
        switch message {
        case .submit(_, let request): request.continuation.resume(returning: .init(result: .failure(closed), tag: ""))
        case .close(_, let done), .stop(let done): done()
        case .register, .reconnected: break
        }
    }

    private func run() {
        var running = true
        while running {
            let messages: [Message] = lock.withLock {
                let taken = inbox
                inbox.removeAll(keepingCapacity: true)
                sleeping = taken.isEmpty
                return taken
            }
            for message in messages where running {
                running = handle(message)
            }
            guard running else { break }

            pollSet.removeAll(keepingCapacity: true)
            pollSet.append(pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0))
            for connection in connections {
                pollSet.append(pollfd(fd: connection.socket, events: connection.pollEvents, revents: 0))
            }
            let ready = poll(&pollSet, nfds_t(pollSet.count), messages.isEmpty ? -1 : 0)
            lock.withLock {
                sleeping = false
                woken = false
            }
            guard ready > 0 else { continue }
            if pollSet[0].revents != 0 { drainWakePipe() }
            // `connections` may shrink while handling events: match by socket, not by index.
            for (index, connection) in connections.enumerated() where index + 1 < pollSet.count {
                let entry = pollSet[index + 1]
                if entry.revents != 0, entry.fd == connection.socket { connection.handleSocketEvent(entry.revents) }
            }
            connections.removeAll { $0.isClosed }
        }
        let late: [Message] = lock.withLock {
            stopped = true
            close(wakeRead)
            close(wakeWrite)
            defer { inbox.removeAll() }
            return inbox
        }
        late.forEach(Self.reject)
    }

    /// Returns false when the loop must end.
    private func handle(_ message: Message) -> Bool {
        switch message {
        case .submit(let connection, let request):
            connection.submit(request)
        case .register(let connection):
            connection.loop = self
            connections.append(connection)
        case .close(let connection, let done):
            connection.close()
            connections.removeAll { $0 === connection }
            done()
        case .reconnected(let connection, let result):
            connection.reconnected(result)
        case .stop(let done):
            for connection in connections { connection.close() }
            connections.removeAll()
            done()
            return false
        }
        return true
    }

    private func drainWakePipe() {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(wakeRead, &buffer, buffer.count) > 0 {}
    }
}

/// A `PGconn *` handed from the thread that opened it to the loop; used by one thread at a time.
struct PGConnectionPointer: @unchecked Sendable {
    let pointer: OpaquePointer
}
