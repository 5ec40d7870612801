import Synchronization

/// A sticky wake-up for a background loop: a signal sent while the loop is busy is not lost,
/// and many signals before the next wait count as one.
final class WakeSignal: Sendable {
    private struct State {
        var signalled = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    func signal() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            if let w = s.waiter {
                s.waiter = nil
                return w
            }
            s.signalled = true
            return nil
        }
        waiter?.resume()
    }

    /// Returns when signalled (or at once if a signal is pending), or after `timeout`.
    func wait(timeout: Duration) async {
        let timer = Task { [self] in
            // A cancelled timer (the wait ended by a real signal) must not signal: that would
            // wake the next wait at once and spin the loop.
            do { try await Task.sleep(for: timeout) } catch { return }
            signal()
        }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { s -> Bool in
                if s.signalled {
                    s.signalled = false
                    return true
                }
                s.waiter = c
                return false
            }
            if resumeNow { c.resume() }
        }
        timer.cancel()
    }
}
