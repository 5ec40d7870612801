#if canImport(Glibc)
import Glibc
#endif
import CEpoll
import Dispatch
import Foundation

/// One I/O thread: epoll over non-blocking sockets, an eventfd for wake-ups, a job queue, and a
/// coarse timer tick. It is also a `TaskExecutor`, so `Task(executorPreference: loop)` runs a
/// request's handler on the thread that owns its connection, with no thread hop.
///
/// Everything not marked otherwise is confined to the loop thread; only `execute`, `enqueue`
/// (jobs) and `inEventLoop` may be used from other threads.
final class EventLoop: TaskExecutor, @unchecked Sendable {
    /// Timeouts are checked this often.
    static let tickNanoseconds: UInt64 = 50_000_000
    static let readBufferSize = 64 * 1024
    private static let wakeToken = UInt64.max

    let index: Int
    private let epfd: Int32
    private let wakeFD: Int32

    // Shared with other threads, guarded by `lock`.
    private let lock = NSLock()
    private var jobs: [EventLoopJob] = []
    private var wakePending = false
    private var stopped = false

    // Written once by the loop thread before `start()` returns.
    private var threadID: pthread_t?
    private let started = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)

    // Loop thread only.
    private var handlers: [Int32: any EventLoopHandler] = [:]
    private var timers: [(deadline: UInt64, action: () -> Void)] = []
    private var spareJobs: [EventLoopJob] = []
    private var stopRequested = false
    private var nextTick: UInt64 = 0
    /// Monotonic nanoseconds, refreshed after every epoll_wait.
    private(set) var now: UInt64 = monotonicNanoseconds()
    /// One reusable read buffer for every connection of this loop.
    let readBuffer: UnsafeMutableRawBufferPointer
    var dateCache = HTTPDateCache()
    /// Runs on the loop thread as its very last action.
    var onStop: (() -> Void)?

    init(index: Int) throws(SyscallError) {
        self.index = index
        epfd = try Syscall.must("epoll_create1") { epoll_create1(Int32(EPOLL_CLOEXEC)) }
        do {
            wakeFD = try Syscall.must("eventfd") { eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC)) }
        } catch {
            Syscall.close(epfd)
            throw error
        }
        readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.readBufferSize, alignment: 16)
        do {
            try Syscall.epollControl(epfd, EPOLL_CTL_ADD, wakeFD, events: EPOLLIN.rawValue, data: Self.wakeToken)
        } catch {
            Syscall.close(epfd)
            Syscall.close(wakeFD)
            readBuffer.deallocate()
            throw error
        }
    }

    deinit {
        readBuffer.deallocate()
    }

    /// Starts the thread; returns once it runs.
    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "tmc-http-loop-\(index)"
        thread.start()
        started.wait()
    }

    /// Blocks the caller until the loop thread has exited. Not for the cooperative pool.
    func waitUntilFinished() {
        finished.wait()
        finished.signal()
    }

    var inEventLoop: Bool {
        guard let id = threadID else { return false }
        return pthread_equal(pthread_self(), id) != 0
    }

    /// Runs `body` on the loop thread, later. After the loop stopped it runs at once on the
    /// caller's thread, so that nothing waiting on it is left hanging.
    func execute(_ body: @escaping @Sendable () -> Void) {
        if !push(.closure(body)) { body() }
    }

    /// Runs `body` now if called on the loop thread, else queues it.
    func runOnLoop(_ body: @escaping @Sendable () -> Void) {
        if inEventLoop { body() } else { execute(body) }
    }

    // MARK: TaskExecutor

    func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        if !push(.task(unowned)) {
            // The loop is gone (a handler outlived shutdown): keep the task alive elsewhere.
            let executor = asUnownedTaskExecutor()
            DispatchQueue.global().async { unowned.runSynchronously(on: executor) }
        }
    }

    func asUnownedTaskExecutor() -> UnownedTaskExecutor {
        UnownedTaskExecutor(ordinary: self)
    }

    /// Queues a job; false when the loop has stopped.
    private func push(_ job: EventLoopJob) -> Bool {
        let onLoop = inEventLoop
        lock.lock()
        if stopped {
            lock.unlock()
            return false
        }
        jobs.append(job)
        // The loop drains its queue before it sleeps, so only other threads need to wake it,
        // and only once per drain.
        let wake = !onLoop && !wakePending
        if wake { wakePending = true }
        lock.unlock()
        if wake {
            var one: UInt64 = 1
            _ = Glibc.write(wakeFD, &one, 8)
        }
        return true
    }

    // MARK: Registration (loop thread)

    /// Registers `fd` edge-triggered for reads, writes and peer hang-ups.
    func register(_ fd: Int32, handler: any EventLoopHandler) throws(SyscallError) {
        let events = EPOLLIN.rawValue | EPOLLOUT.rawValue | EPOLLRDHUP.rawValue | EPOLLET.rawValue
        try Syscall.epollControl(epfd, EPOLL_CTL_ADD, fd, events: events, data: UInt64(UInt32(bitPattern: fd)))
        handlers[fd] = handler
    }

    /// Registers a listening socket, level-triggered, read only.
    func registerListener(_ fd: Int32, handler: any EventLoopHandler) throws(SyscallError) {
        try Syscall.epollControl(epfd, EPOLL_CTL_ADD, fd, events: EPOLLIN.rawValue, data: UInt64(UInt32(bitPattern: fd)))
        handlers[fd] = handler
    }

    /// Removes `fd` from the epoll set (call before closing it).
    func deregister(_ fd: Int32) {
        var event = epoll_event()
        _ = epoll_ctl(epfd, EPOLL_CTL_DEL, fd, &event)
        handlers[fd] = nil
    }

    /// Keeps the handler known (for ticks) but stops epoll reporting `fd`.
    func pauseEvents(_ fd: Int32) {
        var event = epoll_event()
        _ = epoll_ctl(epfd, EPOLL_CTL_DEL, fd, &event)
    }

    func resumeListenerEvents(_ fd: Int32) throws(SyscallError) {
        try Syscall.epollControl(epfd, EPOLL_CTL_ADD, fd, events: EPOLLIN.rawValue, data: UInt64(UInt32(bitPattern: fd)))
    }

    var handlerCount: Int { handlers.count }

    var allHandlers: [any EventLoopHandler] { Array(handlers.values) }

    /// Runs `action` on the loop thread once `delay` nanoseconds have passed (tick precision).
    func schedule(after delay: UInt64, _ action: @escaping () -> Void) {
        timers.append((now &+ delay, action))
    }

    /// Makes the loop exit after the current iteration.
    func requestStop() {
        stopRequested = true
    }

    // MARK: The loop

    private func run() {
        threadID = pthread_self()
        started.signal()
        let maxEvents: Int32 = 256
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: Int(maxEvents))
        defer { events.deallocate() }
        now = monotonicNanoseconds()
        nextTick = now + Self.tickNanoseconds

        while !stopRequested {
            let moreJobs = runJobs()
            if stopRequested { break }
            var timeout: Int32 = 0
            if !moreJobs {
                timeout = nextTick > now ? Int32((nextTick - now + 999_999) / 1_000_000) : 0
            }
            let n = epoll_wait(epfd, events, maxEvents, timeout)
            now = monotonicNanoseconds()
            if n > 0 {
                for i in 0..<Int(n) {
                    let event = events[i]
                    let data = event.data.u64
                    if data == Self.wakeToken {
                        var value: UInt64 = 0
                        _ = Glibc.read(wakeFD, &value, 8)
                    } else if let handler = handlers[Int32(bitPattern: UInt32(truncatingIfNeeded: data))] {
                        handler.handleEvents(event.events)
                    }
                }
            }
            if now >= nextTick {
                nextTick = now + Self.tickNanoseconds
                runTimers()
                for handler in handlers.values { handler.tick(now: now) }
            }
        }

        handlers.removeAll()
        timers.removeAll()
        // From now on, jobs go elsewhere (see `push` callers); hand over what is still queued.
        lock.lock()
        stopped = true
        let leftover = jobs
        jobs.removeAll()
        lock.unlock()
        let executor = asUnownedTaskExecutor()
        for job in leftover {
            switch job {
            case .task(let unowned): DispatchQueue.global().async { unowned.runSynchronously(on: executor) }
            case .closure(let body): body()
            }
        }
        Syscall.close(wakeFD)
        Syscall.close(epfd)
        finished.signal()
        onStop?()
        onStop = nil
    }

    /// Runs the queued jobs; true when more were queued meanwhile.
    private func runJobs() -> Bool {
        lock.lock()
        swap(&jobs, &spareJobs)
        wakePending = false
        lock.unlock()
        if spareJobs.isEmpty { return false }
        let executor = asUnownedTaskExecutor()
        for job in spareJobs {
            switch job {
            case .task(let unowned): unowned.runSynchronously(on: executor)
            case .closure(let body): body()
            }
        }
        spareJobs.removeAll(keepingCapacity: true)
        lock.lock()
        let more = !jobs.isEmpty
        lock.unlock()
        return more
    }

    private func runTimers() {
        guard !timers.isEmpty else { return }
        let due = timers.filter { $0.deadline <= now }
        guard !due.isEmpty else { return }
        timers.removeAll { $0.deadline <= now }
        for timer in due { timer.action() }
    }
}

extension EventLoop {
    /// Runs `body` on the loop thread and returns its result: at once when already there (the
    /// usual case for handler Tasks, whose executor is this loop), else by a hop.
    func perform<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        if inEventLoop { return body() }
        return await withCheckedContinuation { continuation in
            execute { continuation.resume(returning: body()) }
        }
    }
}

extension EventLoop {
    /// Releases the descriptors of a loop whose thread was never started.
    func discardUnstarted() {
        lock.lock()
        stopped = true
        lock.unlock()
        Syscall.close(wakeFD)
        Syscall.close(epfd)
    }
}
