/// Work queued on an event loop: a Swift task job (the loop is a `TaskExecutor`) or a closure.
enum EventLoopJob {
    case task(UnownedJob)
    case closure(@Sendable () -> Void)
}

/// Something registered in an event loop's epoll set. Called on the loop thread only.
protocol EventLoopHandler: AnyObject {
    /// `events` is the epoll event mask.
    func handleEvents(_ events: UInt32)
    /// Called about every `EventLoop.tickNanoseconds` for timeouts; `now` is monotonic nanoseconds.
    func tick(now: UInt64)
}
