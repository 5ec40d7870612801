import Foundation
import TMCHTTP

/// Everything the server reads from its environment. A bad value is a clear start-up error.
public struct AppConfiguration: Sendable {
    public var databaseURL: String?
    /// The server's own connections (default: `databaseURL`). Migrations and the command-line
    /// tools always use `databaseURL`, which names the tables' owner.
    public var appDatabaseURL: String?
    /// The role the server's connections take on (`-c role=…`): one that owns nothing and
    /// cannot bypass row-level security (migration 0010). Nil only in tests of the owner path.
    public var databaseRole: String? = "tmc_app"
    public var http = HTTPServerConfiguration()
    public var poolSize = 16
    public var poolAcquireTimeout: Duration = .seconds(5)
    public var corsAllowedOrigins: Set<String> = []
    public var rateLimitReportsPerHour = 30
    public var rateLimitRegistrationsPerHour = 30
    public var rateLimitLoginsPerHour = 300
    public var staffTokenLifetime: Duration = .seconds(12 * 3600)
    public var victimTokenLifetime: Duration = .seconds(30 * 24 * 3600)
    public var loginLockoutThreshold = 5
    public var loginLockoutWindow: Duration = .seconds(15 * 60)
    public var loginLockoutDuration: Duration = .seconds(15 * 60)
    public var bcryptCost = 12
    public var migrationsDirectory: URL?
    public var openAPIPath: URL?
    public var logRequests = true
    /// `/v1/events`: heartbeat comment interval, events a stream may fall behind before it is
    /// dropped (it resumes with Last-Event-ID), and how long events stay resumable.
    public var eventsHeartbeatInterval: Duration = .seconds(15)
    public var eventsBufferLimit = 1000
    public var eventsRetention: Duration = .seconds(24 * 3600)

    public init() {}

    /// For the operator's tools (migrate, seed-demo, create-sysadmin): `databaseURL` as it is,
    /// acting as the tables' owner rather than the server's row-level-security role.
    public var asOwner: AppConfiguration {
        var owner = self
        owner.appDatabaseURL = nil
        owner.databaseRole = nil
        return owner
    }

    /// The variables, their meaning and defaults, as `--help` and the README show them.
    public static let documentation: [(name: String, meaning: String)] = [
        ("DATABASE_URL", "libpq connection URI of the PostgreSQL database (required)"),
        ("APP_DATABASE_URL", "URI the server itself connects with, e.g. a login role that is a member of tmc_app (default: DATABASE_URL)"),
        ("DATABASE_ROLE", "role the server's sessions take on; it must not own the tables nor bypass row-level security (default tmc_app)"),
        ("HOST", "address to listen on (default 127.0.0.1)"),
        ("PORT", "port to listen on (default 8080)"),
        ("EVENT_LOOPS", "HTTP event-loop threads (default: number of cores)"),
        ("DB_POOL_SIZE", "PostgreSQL connections per instance (default 16)"),
        ("DB_ACQUIRE_TIMEOUT_MS", "wait for a free connection before answering 503 (default 5000)"),
        ("MAX_CONNECTIONS", "HTTP connections open at once (default 10000)"),
        ("MAX_BODY_BYTES", "largest request body (default 1048576)"),
        ("HEAD_TIMEOUT_MS", "time allowed for a request's head (default 10000)"),
        ("IDLE_TIMEOUT_MS", "idle keep-alive connections close after this (default 60000)"),
        ("BODY_TIMEOUT_MS", "a stalled body read is cut off after this (default 30000)"),
        ("DRAIN_TIMEOUT_MS", "on SIGTERM, time allowed for in-flight requests (default 10000)"),
        ("CORS_ALLOWED_ORIGINS", "comma-separated browser origins allowed to call the API (default none)"),
        ("RATE_LIMIT_REPORTS_PER_HOUR", "online reports per client address per hour (default 30)"),
        ("RATE_LIMIT_REGISTRATIONS_PER_HOUR", "registrations per client address per hour (default 30)"),
        ("RATE_LIMIT_LOGINS_PER_HOUR", "login attempts per client address per hour (default 300)"),
        ("STAFF_TOKEN_TTL_SECONDS", "lifetime of staff tokens (default 43200 = 12 h)"),
        ("VICTIM_TOKEN_TTL_SECONDS", "lifetime of victims' tokens (default 2592000 = 30 days)"),
        ("LOGIN_LOCKOUT_THRESHOLD", "failed logins that lock an account (default 5)"),
        ("LOGIN_LOCKOUT_WINDOW_SECONDS", "window in which failures count (default 900)"),
        ("LOGIN_LOCKOUT_SECONDS", "how long a lock lasts (default 900)"),
        ("BCRYPT_COST", "bcrypt cost factor for new password hashes, 4-15 (default 12)"),
        ("MIGRATIONS_DIR", "folder of NNNN_name.sql files (default: ./migrations, found next to the build)"),
        ("OPENAPI_PATH", "the served openapi.yaml (default: ./openapi.yaml, found next to the build)"),
        ("LOG_REQUESTS", "one JSON line per request on stdout: true or false (default true)"),
        ("EVENTS_HEARTBEAT_MS", "/v1/events heartbeat comment interval (default 15000)"),
        ("EVENTS_BUFFER_EVENTS", "events a /v1/events stream may fall behind before it is dropped (default 1000)"),
        ("EVENTS_RETENTION_SECONDS", "how long events stay resumable with Last-Event-ID (default 86400 = 24 h)"),
    ]

    public struct Error: Swift.Error, CustomStringConvertible {
        public var problems: [String]
        public var description: String { "invalid configuration:\n  " + problems.joined(separator: "\n  ") }
    }

    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> AppConfiguration {
        var c = AppConfiguration()
        var problems: [String] = []

        func int(_ name: String, _ range: ClosedRange<Int>, _ apply: (Int) -> Void) {
            guard let raw = env[name], !raw.isEmpty else { return }
            guard let v = Int(raw.trimmingCharacters(in: .whitespaces)), range.contains(v) else {
                problems.append("\(name)=\(raw): must be a whole number from \(range.lowerBound) to \(range.upperBound)")
                return
            }
            apply(v)
        }
        func millis(_ name: String, _ apply: (Duration) -> Void) {
            int(name, 1...86_400_000) { apply(.milliseconds($0)) }
        }
        func seconds(_ name: String, _ apply: (Duration) -> Void) {
            int(name, 1...31_536_000) { apply(.seconds($0)) }
        }

        if let url = env["DATABASE_URL"], !url.isEmpty {
            if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") || url.contains("=") {
                c.databaseURL = url
            } else {
                problems.append("DATABASE_URL: must be a postgresql:// URI or a libpq key=value string")
            }
        }
        if let url = env["APP_DATABASE_URL"], !url.isEmpty {
            if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") || url.contains("=") {
                c.appDatabaseURL = url
            } else {
                problems.append("APP_DATABASE_URL: must be a postgresql:// URI or a libpq key=value string")
            }
        }
        if let role = env["DATABASE_ROLE"] {
            if !role.isEmpty, role.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }) {
                c.databaseRole = role
            } else {
                problems.append("DATABASE_ROLE=\(role): must be a role name of lower-case letters, digits and _")
            }
        }
        if let host = env["HOST"], !host.isEmpty { c.http.host = host }
        int("PORT", 0...65535) { c.http.port = $0 }
        c.http.eventLoopCount = max(1, ProcessInfo.processInfo.activeProcessorCount)
        int("EVENT_LOOPS", 1...64) { c.http.eventLoopCount = $0 }
        int("DB_POOL_SIZE", 1...500) { c.poolSize = $0 }
        millis("DB_ACQUIRE_TIMEOUT_MS") { c.poolAcquireTimeout = $0 }
        int("MAX_CONNECTIONS", 1...1_000_000) { c.http.maxConnections = $0 }
        int("MAX_BODY_BYTES", 1...(256 * 1024 * 1024)) { c.http.maxBodyBytes = $0 }
        millis("HEAD_TIMEOUT_MS") { c.http.headTimeout = $0 }
        millis("IDLE_TIMEOUT_MS") { c.http.idleTimeout = $0 }
        millis("BODY_TIMEOUT_MS") { c.http.bodyTimeout = $0 }
        millis("DRAIN_TIMEOUT_MS") { c.http.drainTimeout = $0 }
        if let origins = env["CORS_ALLOWED_ORIGINS"] {
            c.corsAllowedOrigins = Set(origins.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        }
        int("RATE_LIMIT_REPORTS_PER_HOUR", 1...1_000_000) { c.rateLimitReportsPerHour = $0 }
        int("RATE_LIMIT_REGISTRATIONS_PER_HOUR", 1...1_000_000) { c.rateLimitRegistrationsPerHour = $0 }
        int("RATE_LIMIT_LOGINS_PER_HOUR", 1...1_000_000) { c.rateLimitLoginsPerHour = $0 }
        seconds("STAFF_TOKEN_TTL_SECONDS") { c.staffTokenLifetime = $0 }
        seconds("VICTIM_TOKEN_TTL_SECONDS") { c.victimTokenLifetime = $0 }
        int("LOGIN_LOCKOUT_THRESHOLD", 1...1000) { c.loginLockoutThreshold = $0 }
        seconds("LOGIN_LOCKOUT_WINDOW_SECONDS") { c.loginLockoutWindow = $0 }
        seconds("LOGIN_LOCKOUT_SECONDS") { c.loginLockoutDuration = $0 }
        int("BCRYPT_COST", 4...15) { c.bcryptCost = $0 }
        if let dir = env["MIGRATIONS_DIR"], !dir.isEmpty { c.migrationsDirectory = URL(fileURLWithPath: dir) }
        if let path = env["OPENAPI_PATH"], !path.isEmpty { c.openAPIPath = URL(fileURLWithPath: path) }
        if let raw = env["LOG_REQUESTS"] {
            switch raw.lowercased() {
            case "true", "1", "yes": c.logRequests = true
            case "false", "0", "no": c.logRequests = false
            default: problems.append("LOG_REQUESTS=\(raw): must be true or false")
            }
        }
        millis("EVENTS_HEARTBEAT_MS") { c.eventsHeartbeatInterval = $0 }
        int("EVENTS_BUFFER_EVENTS", 1...1_000_000) { c.eventsBufferLimit = $0 }
        seconds("EVENTS_RETENTION_SECONDS") { c.eventsRetention = $0 }
        if !problems.isEmpty { throw Error(problems: problems) }
        return c
    }
}
