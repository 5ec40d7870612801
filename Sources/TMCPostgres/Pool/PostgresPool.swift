/// INTERFACE STUB — to be replaced by the real implementation.

public struct PostgresPoolConfiguration: Sendable {
    /// A libpq connection URI (`postgresql://user@127.0.0.1:5432/db`).
    public var url: String
    public var size: Int = 16
    /// How long a caller waits for a free connection before `PostgresPoolUnavailableError`.
    public var acquireTimeout: Duration = .seconds(5)
    public var connectTimeout: Duration = .seconds(5)
    /// Per-connection cache of prepared statements, keyed by SQL text.
    public var preparedStatementCacheSize: Int = 256

    public init(url: String) { self.url = url }
}

public struct PostgresPoolStatistics: Sendable, Equatable {
    public var size: Int
    public var inUse: Int
    public var idle: Int
    public var waiting: Int
    public init(size: Int, inUse: Int, idle: Int, waiting: Int) {
        self.size = size
        self.inUse = inUse
        self.idle = idle
        self.waiting = waiting
    }
}

public enum PostgresIsolation: Sendable {
    case readCommitted, repeatableRead, serializable
}

/// A bounded pool of connections. Blocking libpq work never runs on Swift's cooperative pool.
public final class PostgresPool: PostgresQueryable {
    public let configuration: PostgresPoolConfiguration

    public init(configuration: PostgresPoolConfiguration) {
        self.configuration = configuration
        fatalError("unimplemented")
    }

    public func query(_ query: PostgresQuery) async throws -> PostgresResult { fatalError("unimplemented") }

    /// Lends one connection for the closure's duration.
    public func withConnection<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        fatalError("unimplemented")
    }

    /// BEGIN, the closure, COMMIT; ROLLBACK when it throws. Runs the closure again (up to
    /// `maxAttempts`) on serialization failure or deadlock.
    public func transaction<T: Sendable>(
        isolation: PostgresIsolation = .readCommitted, maxAttempts: Int = 3,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        fatalError("unimplemented")
    }

    public var statistics: PostgresPoolStatistics { fatalError("unimplemented") }

    /// Closes every connection; later calls fail.
    public func shutdown() async { fatalError("unimplemented") }
}

/// A connection lent by the pool; valid only inside the closure it was lent to.
public final class PostgresConnection: PostgresQueryable {
    public func query(_ query: PostgresQuery) async throws -> PostgresResult { fatalError("unimplemented") }
}
