import Foundation
import TMCApp
import TMCPostgres
import XCTest

/// Fresh databases for tests: the migrations are applied once per test process to a template,
/// and each test gets its own copy (`CREATE DATABASE … TEMPLATE`), dropped afterwards.
enum TestDatabase {
    static var adminURL: String {
        guard let url = ProcessInfo.processInfo.environment["TEST_DATABASE_URL"], !url.isEmpty else {
            fatalError("TEST_DATABASE_URL is not set: run the suite with scripts/test.sh, which starts PostgreSQL")
        }
        return url
    }

    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var migrationsDirectory: URL { repositoryRoot.appendingPathComponent("migrations") }

    /// The URL of database `name` on the test cluster.
    static func url(database name: String) -> String {
        guard var components = URLComponents(string: adminURL) else { fatalError("bad TEST_DATABASE_URL") }
        components.path = "/" + name
        return components.string!
    }

    private static let templateName = "tmc_template_\(ProcessInfo.processInfo.processIdentifier)"
    private static let templateReady = TemplateState()

    /// Creates a migrated database and returns its URL.
    static func create() async throws -> (name: String, url: String) {
        try await templateReady.ensure {
            _ = try await withAdmin { admin in
                try await admin.execute(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(templateName)"))
                try await admin.execute(PostgresQuery(unsafeSQL: "CREATE DATABASE \(templateName)"))
            }
            let pool = PostgresPool(configuration: PostgresPoolConfiguration(url: url(database: templateName)))
            do {
                try await Migrator(pool: pool, migrations: try Migrator.load(directory: migrationsDirectory)).migrate()
            } catch {
                await pool.shutdown()
                throw error
            }
            await pool.shutdown()
        }
        let name = "tmc_test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased())"
        _ = try await withAdmin { admin in
            try await admin.execute(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name) TEMPLATE \(templateName)"))
        }
        return (name, url(database: name))
    }

    static func drop(_ name: String) async {
        _ = try? await withAdmin { admin in
            try await admin.execute(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"))
        }
    }

    static func withAdmin<T: Sendable>(_ body: (PostgresPool) async throws -> T) async throws -> T {
        var configuration = PostgresPoolConfiguration(url: adminURL)
        configuration.size = 1
        let pool = PostgresPool(configuration: configuration)
        do {
            let result = try await body(pool)
            await pool.shutdown()
            return result
        } catch {
            await pool.shutdown()
            throw error
        }
    }
}

/// Runs the template set-up once, even when tests ask concurrently.
actor TemplateState {
    private var done = false
    func ensure(_ make: () async throws -> Void) async throws {
        if done { return }
        try await make()
        done = true
    }
}
