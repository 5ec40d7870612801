/// How a `PostgresPool` connects and how big it grows.
public struct PostgresPoolConfiguration: Sendable {
    /// A libpq connection URI (`postgresql://user@127.0.0.1:5432/db`).
    public var url: String
    public var size: Int = 16
    /// How long a caller waits for a free connection before `PostgresPoolUnavailableError`.
    public var acquireTimeout: Duration = .seconds(5)
    public var connectTimeout: Duration = .seconds(5)
    /// Per-connection cache of prepared statements, keyed by SQL text.
    public var preparedStatementCacheSize: Int = 256
    /// A role every connection takes on as it starts (as if by `SET ROLE`), so that statements
    /// run with that role's privileges and row-level security even when the URL names the
    /// tables' owner. Nil: the URL's user as it is.
    public var role: String?

    public init(url: String) { self.url = url }

    static func isValidRoleName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }
    }
}

/// A snapshot of the pool for metrics.
public struct PostgresPoolStatistics: Sendable, Equatable {
    /// Connections open or being opened (at most the configured size).
    public var size: Int
    /// Connections lent to callers.
    public var inUse: Int
    /// Open connections nobody uses.
    public var idle: Int
    /// Callers waiting for a connection.
    public var waiting: Int
    public init(size: Int, inUse: Int, idle: Int, waiting: Int) {
        self.size = size
        self.inUse = inUse
        self.idle = idle
        self.waiting = waiting
    }
}

/// The isolation level of a transaction.
public enum PostgresIsolation: Sendable {
    case readCommitted, repeatableRead, serializable

    var beginStatement: String {
        switch self {
        case .readCommitted: return "BEGIN ISOLATION LEVEL READ COMMITTED"
        case .repeatableRead: return "BEGIN ISOLATION LEVEL REPEATABLE READ"
        case .serializable: return "BEGIN ISOLATION LEVEL SERIALIZABLE"
        }
    }
}
