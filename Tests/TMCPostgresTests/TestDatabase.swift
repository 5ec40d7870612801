import Foundation
import XCTest
@testable import TMCPostgres

/// A database of its own for each test class, created on first use through the admin URL in
/// `TEST_DATABASE_URL` (set by `scripts/test.sh`) and dropped when the class ends.
enum TestDatabase {
    struct Missing: Error, CustomStringConvertible {
        var description: String {
            "TEST_DATABASE_URL is not set: run the suite through scripts/test.sh, or start a PostgreSQL 15 "
                + "cluster and export TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:PORT/postgres"
        }
    }

    private static let databases = Locked<[String: String]>([:])

    static var adminURL: String? {
        guard let url = ProcessInfo.processInfo.environment["TEST_DATABASE_URL"], !url.isEmpty else { return nil }
        return url
    }

    /// The URL of the database for `owner` (a test class name), created on first call.
    static func url(for owner: String) async throws -> String {
        guard let admin = adminURL else { throw Missing() }
        if let existing = databases.withLock({ $0[owner] }) { return existing }
        let name = "tmc_test_\(owner.lowercased().filter { $0.isLetter || $0.isNumber })_\(UInt32.random(in: 0...UInt32.max))"
        let pool = PostgresPool(configuration: adminConfiguration(admin))
        // An identifier cannot be a bound parameter; `name` is built above from letters and digits.
        let error = await capture { try await pool.query("CREATE DATABASE \(unsafeSQL: name)") }
        await pool.shutdown()
        if let error { throw error }
        let url = replacingDatabase(in: admin, with: name)
        databases.withLock { $0[owner] = url }
        return url
    }

    /// Drops `owner`'s database, if it made one (called from a class `tearDown`).
    static func drop(for owner: String) async {
        guard let admin = adminURL, let url = databases.withLock({ $0.removeValue(forKey: owner) }),
              let name = URLComponents(string: url)?.path.dropFirst() else { return }
        let pool = PostgresPool(configuration: adminConfiguration(admin))
        _ = try? await pool.query("DROP DATABASE IF EXISTS \(unsafeSQL: String(name)) WITH (FORCE)")
        await pool.shutdown()
    }

    static func adminPool() throws -> PostgresPool {
        guard let admin = adminURL else { throw Missing() }
        return PostgresPool(configuration: adminConfiguration(admin))
    }

    private static func adminConfiguration(_ url: String) -> PostgresPoolConfiguration {
        var configuration = PostgresPoolConfiguration(url: url)
        configuration.size = 2
        configuration.acquireTimeout = .seconds(10)
        return configuration
    }

    static func replacingDatabase(in url: String, with name: String) -> String {
        var components = URLComponents(string: url)!
        components.path = "/" + name
        return components.string!
    }
}

/// Base class: a fresh database per class, pools shut down after each test.
class PostgresTestCase: XCTestCase, @unchecked Sendable {
    private var pools: [PostgresPool] = []
    private(set) var databaseURL = ""

    override func setUp() async throws {
        try await super.setUp()
        do {
            databaseURL = try await TestDatabase.url(for: String(describing: type(of: self)))
        } catch let error as TestDatabase.Missing {
            XCTFail(error.description)
            throw error
        }
    }

    override func tearDown() async throws {
        for pool in pools { await pool.shutdown() }
        pools.removeAll()
        try await super.tearDown()
    }

    override class func tearDown() {
        let owner = String(describing: self)
        let done = DispatchSemaphore(value: 0)
        Task {
            await TestDatabase.drop(for: owner)
            done.signal()
        }
        _ = done.wait(timeout: .now() + 30)
        super.tearDown()
    }

    /// A pool on this class's database, shut down after the test.
    func makePool(size: Int = 4, acquireTimeout: Duration = .seconds(5), cacheSize: Int = 256,
                  url: String? = nil, role: String? = nil) -> PostgresPool {
        var configuration = PostgresPoolConfiguration(url: url ?? databaseURL)
        configuration.role = role
        configuration.size = size
        configuration.acquireTimeout = acquireTimeout
        configuration.connectTimeout = .seconds(3)
        configuration.preparedStatementCacheSize = cacheSize
        let pool = PostgresPool(configuration: configuration)
        pools.append(pool)
        return pool
    }
}

struct TimedOut: Error {}

/// Runs `operation`, failing with `TimedOut` after `seconds`: no test waits forever.
func withTimeout<T: Sendable>(_ seconds: Double, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
            throw TimedOut()
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}

/// Runs `body` and returns the error it threw (nil if none).
func capture<T>(_ body: () async throws -> T) async -> (any Error)? {
    do {
        _ = try await body()
        return nil
    } catch {
        return error
    }
}
