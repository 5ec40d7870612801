import Foundation

/// Counts open connections across all loops against `maxConnections`; remembers whether the
/// acceptor paused because of it, so that the first close can resume accepting.
final class ConnectionLimiter: @unchecked Sendable {
    private let lock = NSLock()
    private let max: Int
    private var count = 0
    private var paused = false

    init(max: Int) {
        self.max = Swift.max(1, max)
    }

    /// Takes a slot; false (and marks accepting as paused) when none is free.
    func tryAcquire() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if count >= max {
            paused = true
            return false
        }
        count += 1
        return true
    }

    /// Frees a slot; true when accepting was paused and should resume now.
    func release() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        count -= 1
        if paused && count < max {
            paused = false
            return true
        }
        return false
    }

    var openCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }
}
