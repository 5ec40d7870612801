#if canImport(Glibc)
import Glibc
#endif
import CEpoll

/// The listening socket, served by loop 0, which hands accepted connections to the loops in
/// turn. Accepting pauses (the listener leaves the epoll set, so new clients wait in the kernel
/// backlog) while `maxConnections` are open, and briefly when the process runs out of descriptors.
final class HTTPListener: EventLoopHandler {
    let fd: Int32
    let loop: EventLoop
    unowned let core: HTTPServerCore
    private var registered = false
    private var closed = false
    private var nextLoop = 0

    /// Creates, binds and listens; throws a readable `HTTPServerError`.
    static func makeSocket(host: String, port: Int, backlog: Int) throws(HTTPServerError) -> Int32 {
        let what = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        guard let address = SocketAddress(host: host, port: port) else {
            throw HTTPServerError(operation: "listen \(what)", errno: 0, message: "host must be an IPv4 or IPv6 address literal and port 0...65535")
        }
        let fd = socket(address.family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw HTTPServerError(operation: "socket \(what)", errno: errno) }
        var one: Int32 = 1
        if setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size)) != 0 {
            let err = errno
            Syscall.close(fd)
            throw HTTPServerError(operation: "setsockopt SO_REUSEADDR \(what)", errno: err)
        }
        let rc = address.withSockaddr { bind(fd, $0, $1) }
        if rc != 0 {
            let err = errno
            Syscall.close(fd)
            throw HTTPServerError(operation: "bind \(what)", errno: err)
        }
        if listen(fd, Int32(clamping: max(1, backlog))) != 0 {
            let err = errno
            Syscall.close(fd)
            throw HTTPServerError(operation: "listen \(what)", errno: err)
        }
        return fd
    }

    init(fd: Int32, loop: EventLoop, core: HTTPServerCore) {
        self.fd = fd
        self.loop = loop
        self.core = core
    }

    /// Adds the socket to loop 0's epoll set (before the loop thread starts, or on it).
    func register() throws(SyscallError) {
        try loop.registerListener(fd, handler: self)
        registered = true
    }

    func handleEvents(_ events: UInt32) {
        acceptAll()
    }

    func tick(now: UInt64) {}

    /// Accepting again after a pause; accepts what waits in the backlog.
    func resume() {
        guard !closed, !registered else { return }
        do {
            try loop.resumeListenerEvents(fd)
            registered = true
        } catch {
            core.log("http: cannot resume accepting: \(error)")
        }
    }

    func close() {
        guard !closed else { return }
        closed = true
        loop.deregister(fd)
        registered = false
        Syscall.close(fd)
    }

    private func pause() {
        guard registered else { return }
        loop.pauseEvents(fd)
        registered = false
    }

    private func acceptAll() {
        while !closed {
            guard core.limiter.tryAcquire() else {
                pause()
                return
            }
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let client = withUnsafeMutablePointer(to: &storage) { p in
                p.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    tmc_accept4(fd, $0, &length, Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue))
                }
            }
            if client < 0 {
                let err = errno
                if core.limiter.release() { resume() }
                switch err {
                case EINTR, ECONNABORTED, EPROTO:
                    continue
                case EAGAIN, EWOULDBLOCK:
                    return
                case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                    // Out of descriptors or memory: back off instead of spinning on a ready listener.
                    core.log("http: accept: \(String(cString: strerror(err))) (errno \(err)); pausing accept for 100 ms")
                    pause()
                    loop.schedule(after: 100_000_000) { [weak self] in self?.resume() }
                    return
                default:
                    core.log("http: accept: \(String(cString: strerror(err))) (errno \(err))")
                    return
                }
            }
            var one: Int32 = 1
            _ = setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            let remote = SocketAddress(storage: storage, length: length).ipText
            let target = core.loops[nextLoop % core.loops.count]
            nextLoop &+= 1
            let core = self.core
            if target === loop {
                HTTPConnection.adopt(fd: client, remoteAddress: remote, loop: target, core: core)
            } else {
                target.execute { HTTPConnection.adopt(fd: client, remoteAddress: remote, loop: target, core: core) }
            }
        }
    }
}
