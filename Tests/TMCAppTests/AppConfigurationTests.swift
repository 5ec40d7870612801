import TMCApp
import XCTest

final class AppConfigurationTests: XCTestCase {
    func testDefaults() throws {
        let c = try AppConfiguration.fromEnvironment([:])
        XCTAssertNil(c.databaseURL)
        XCTAssertEqual(c.http.host, "127.0.0.1")
        XCTAssertEqual(c.http.port, 8080)
        XCTAssertEqual(c.rateLimitReportsPerHour, 30)
        XCTAssertEqual(c.rateLimitRegistrationsPerHour, 30)
        XCTAssertEqual(c.staffTokenLifetime, .seconds(12 * 3600))
        XCTAssertEqual(c.victimTokenLifetime, .seconds(30 * 24 * 3600))
        XCTAssertEqual(c.http.maxBodyBytes, 1024 * 1024)
        XCTAssertEqual(c.corsAllowedOrigins, [])
    }

    func testValuesAreRead() throws {
        let c = try AppConfiguration.fromEnvironment([
            "DATABASE_URL": "postgresql://u@127.0.0.1:5432/db", "HOST": "::1", "PORT": "9000",
            "CORS_ALLOWED_ORIGINS": "https://a.example, https://b.example", "DB_POOL_SIZE": "4",
            "HEAD_TIMEOUT_MS": "250", "LOG_REQUESTS": "false", "RATE_LIMIT_REPORTS_PER_HOUR": "5",
        ])
        XCTAssertEqual(c.databaseURL, "postgresql://u@127.0.0.1:5432/db")
        XCTAssertEqual(c.http.host, "::1")
        XCTAssertEqual(c.http.port, 9000)
        XCTAssertEqual(c.corsAllowedOrigins, ["https://a.example", "https://b.example"])
        XCTAssertEqual(c.poolSize, 4)
        XCTAssertEqual(c.http.headTimeout, .milliseconds(250))
        XCTAssertFalse(c.logRequests)
        XCTAssertEqual(c.rateLimitReportsPerHour, 5)
    }

    func testEveryBadValueIsReportedTogether() {
        XCTAssertThrowsError(try AppConfiguration.fromEnvironment([
            "PORT": "eighty", "DB_POOL_SIZE": "0", "LOG_REQUESTS": "maybe", "DATABASE_URL": "mysql://x",
        ])) { error in
            let problems = (error as? AppConfiguration.Error)?.problems ?? []
            XCTAssertEqual(problems.count, 4, "\(problems)")
            XCTAssertTrue(problems.contains { $0.hasPrefix("PORT=eighty") })
        }
    }
}
