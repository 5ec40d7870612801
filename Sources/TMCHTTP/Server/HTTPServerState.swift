import Foundation

/// The server's lifecycle, shared by whoever calls `start`, `shutdown` and `waitUntilStopped`.
final class HTTPServerState: @unchecked Sendable {
    enum Phase {
        case idle
        case starting
        case running
        case stopping
        case stopped
    }

    private let lock = NSLock()
    private var phase: Phase = .idle
    private var core: HTTPServerCore?
    private var port = 0
    private var loopsRunning = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    /// Moves idle → starting; false when already started.
    func beginStart() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard phase == .idle else { return false }
        phase = .starting
        return true
    }

    func startFailed() {
        lock.lock()
        phase = .idle
        lock.unlock()
    }

    func started(core: HTTPServerCore, port: Int) {
        lock.lock()
        self.core = core
        self.port = port
        self.loopsRunning = core.loops.count
        phase = .running
        lock.unlock()
    }

    var localPort: Int {
        lock.lock()
        defer { lock.unlock() }
        return port
    }

    /// Moves running → stopping and returns the core to shut down; nil if someone else does it
    /// (or it never ran, in which case the server counts as stopped).
    func beginShutdown() -> HTTPServerCore? {
        lock.lock()
        switch phase {
        case .running:
            phase = .stopping
            let core = self.core
            lock.unlock()
            return core
        case .idle:
            phase = .stopped
            let toResume = waiters
            waiters = []
            lock.unlock()
            toResume.forEach { $0.resume() }
            return nil
        case .starting, .stopping, .stopped:
            lock.unlock()
            return nil
        }
    }

    /// Called by each loop thread as it exits.
    func loopStopped() {
        lock.lock()
        loopsRunning -= 1
        guard loopsRunning <= 0 else {
            lock.unlock()
            return
        }
        phase = .stopped
        core = nil
        let toResume = waiters
        waiters = []
        lock.unlock()
        toResume.forEach { $0.resume() }
    }

    func waitUntilStopped() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            lock.lock()
            if phase == .stopped || phase == .idle {
                lock.unlock()
                continuation.resume()
                return
            }
            waiters.append(continuation)
            lock.unlock()
        }
    }
}
