#if canImport(Glibc)
import Glibc
#endif
import CEpoll

/// A failed system call: which call, and its errno.
struct SyscallError: Error, CustomStringConvertible, Sendable {
    var call: String
    var errno: Int32

    var description: String { "\(call): \(String(cString: strerror(errno))) (errno \(errno))" }
}

/// The outcome of a non-blocking call.
enum IOResult<T> {
    case done(T)
    case wouldBlock
}

/// Thin wrappers around the system calls the server makes: they retry EINTR, map EAGAIN to
/// `.wouldBlock` and throw `SyscallError` naming the call otherwise.
enum Syscall {
    @inline(__always)
    static func retrying<T: FixedWidthInteger>(_ call: StaticString, _ body: () -> T) throws(SyscallError) -> IOResult<T> {
        while true {
            let result = body()
            if result >= 0 { return .done(result) }
            let err = Glibc.errno
            if err == EINTR { continue }
            if err == EAGAIN || err == EWOULDBLOCK { return .wouldBlock }
            throw SyscallError(call: "\(call)", errno: err)
        }
    }

    /// For calls that cannot block: EAGAIN is an error too.
    @inline(__always)
    static func must<T: FixedWidthInteger>(_ call: StaticString, _ body: () -> T) throws(SyscallError) -> T {
        while true {
            let result = body()
            if result >= 0 { return result }
            let err = Glibc.errno
            if err == EINTR { continue }
            throw SyscallError(call: "\(call)", errno: err)
        }
    }

    static func read(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer) throws(SyscallError) -> IOResult<Int> {
        try retrying("read") { Glibc.read(fd, buffer.baseAddress, buffer.count) }
    }

    static func write(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) throws(SyscallError) -> IOResult<Int> {
        // MSG_NOSIGNAL: a vanished peer must give EPIPE, not kill the process with SIGPIPE.
        try retrying("send") { Glibc.send(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL)) }
    }

    static func close(_ fd: Int32) {
        // Never retry close on EINTR: on Linux the descriptor is released either way.
        _ = Glibc.close(fd)
    }

    static func setNonBlocking(_ fd: Int32) throws(SyscallError) {
        let flags = try must("fcntl(F_GETFL)") { fcntl(fd, F_GETFL) }
        _ = try must("fcntl(F_SETFL)") { fcntl(fd, F_SETFL, flags | O_NONBLOCK) }
    }

    static func setOption(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32, _ what: StaticString) throws(SyscallError) {
        var v = value
        _ = try must(what) { setsockopt(fd, level, name, &v, socklen_t(MemoryLayout<Int32>.size)) }
    }

    static func epollControl(_ epfd: Int32, _ op: Int32, _ fd: Int32, events: UInt32, data: UInt64) throws(SyscallError) {
        var event = epoll_event()
        event.events = events
        event.data.u64 = data
        _ = try must("epoll_ctl") { epoll_ctl(epfd, op, fd, &event) }
    }
}

/// Nanoseconds on the monotonic clock.
@inline(__always)
func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

extension Duration {
    /// Whole nanoseconds, saturating; negative durations count as zero.
    var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        if seconds < 0 { return 0 }
        if seconds > 1_000_000_000 { return UInt64(seconds) * 1_000_000_000 }
        return UInt64(seconds) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
    }
}
