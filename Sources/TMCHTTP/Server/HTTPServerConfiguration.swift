/// Everything the server can be told; defaults follow the project's limits.
public struct HTTPServerConfiguration: Sendable {
    public var host: String = "127.0.0.1"
    /// 0 picks a free port (see `HTTPServer.localPort`).
    public var port: Int = 8080
    public var eventLoopCount: Int = 2
    public var backlog: Int = 1024
    /// Connections open at once; more wait in the backlog until one closes.
    public var maxConnections: Int = 10_000
    public var maxRequestLineBytes: Int = 8 * 1024
    public var maxHeaderBytes: Int = 32 * 1024
    public var maxHeaderCount: Int = 100
    public var maxBodyBytes: Int = 1024 * 1024
    /// A request's head must arrive within this (408 and close).
    public var headTimeout: Duration = .seconds(10)
    /// An idle keep-alive connection is closed after this.
    public var idleTimeout: Duration = .seconds(60)
    /// A body that stops arriving for this long is cut off (408 and close).
    public var bodyTimeout: Duration = .seconds(30)
    /// How long shutdown waits for in-flight requests.
    public var drainTimeout: Duration = .seconds(10)
    /// Unsent bytes a streaming response may queue before the client is dropped as too slow.
    public var maxStreamBufferBytes: Int = 1024 * 1024

    public init() {}
}
