import Foundation

/// A value behind a lock. Closures passed to `withLock` must be short and must not block or
/// call out (resume continuations, start I/O) – they return what to do instead.
final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    @inline(__always)
    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
