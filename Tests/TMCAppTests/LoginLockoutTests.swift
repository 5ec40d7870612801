import Foundation
import TMCApp
import TMCPostgres
import XCTest

/// Failed logins lock an email for a while, counted in PostgreSQL.
final class LoginLockoutTests: XCTestCase {
    static func configure(_ c: inout AppConfiguration) {
        c.loginLockoutThreshold = 3
        c.loginLockoutWindow = .seconds(60)
        c.loginLockoutDuration = .seconds(2)
    }

    func testThresholdFailuresLockTheAccountEvenForTheRightPasswordUntilTheLockExpires() async throws {
        try await withServer(Self.configure) { server in
            let victim = try await server.accounts.victim("lock@example.com")
            for _ in 0..<3 {
                let r = try await server.client.post("/v1/auth/login", json: ["email": victim.email, "password": "wrong password!"])
                XCTAssertEqual(r.status, 401)
            }
            let locked = try await server.client.post("/v1/auth/login", json: ["email": victim.email, "password": AccountsFixture.password])
            XCTAssertEqual(locked.status, 429)
            XCTAssertEqual(locked.problemCode, "rate_limited")
            let retryAfter = try XCTUnwrap(Int(locked.header("Retry-After") ?? ""))
            XCTAssertTrue((1...2).contains(retryAfter), "\(retryAfter)")
            // Existing tokens keep working: the lock is on logging in.
            let me = try await server.client.get("/v1/me", token: victim.token)
            XCTAssertEqual(me.status, 200)
            try await Task.sleep(for: .milliseconds(2200))
            _ = try await server.accounts.login(victim.email)
        }
    }

    func testASuccessfulLoginClearsEarlierFailures() async throws {
        try await withServer(Self.configure) { server in
            let victim = try await server.accounts.victim("clear@example.com")
            for _ in 0..<2 {
                _ = try await server.client.post("/v1/auth/login", json: ["email": victim.email, "password": "wrong password!"])
            }
            _ = try await server.accounts.login(victim.email)
            for _ in 0..<2 {
                let r = try await server.client.post("/v1/auth/login", json: ["email": victim.email, "password": "wrong password!"])
                XCTAssertEqual(r.status, 401)
            }
            _ = try await server.accounts.login(victim.email)
        }
    }

    func testUnknownEmailsLockLikeKnownOnes() async throws {
        try await withServer(Self.configure) { server in
            var statuses: [Int] = []
            for _ in 0..<4 {
                statuses.append(try await server.client.post("/v1/auth/login", json: ["email": "ghost@example.com", "password": "whatever123"]).status)
            }
            XCTAssertEqual(statuses, [401, 401, 401, 429])
        }
    }

    func testFailuresOutsideTheWindowDoNotCount() async throws {
        try await withServer({ c in
            c.loginLockoutThreshold = 2
            c.loginLockoutWindow = .seconds(1)
            c.loginLockoutDuration = .seconds(60)
        }) { server in
            let victim = try await server.accounts.victim("window@example.com")
            _ = try await server.client.post("/v1/auth/login", json: ["email": victim.email, "password": "wrong password!"])
            try await Task.sleep(for: .milliseconds(1200))
            let second = try await server.client.post("/v1/auth/login", json: ["email": victim.email, "password": "wrong password!"])
            XCTAssertEqual(second.status, 401)
            _ = try await server.accounts.login(victim.email)
        }
    }

    func testLoginIsRateLimitedPerAddress() async throws {
        try await withServer({ $0.rateLimitLoginsPerHour = 3 }) { server in
            var statuses: [Int] = []
            for i in 0..<4 {
                statuses.append(try await server.client.post("/v1/auth/login", json: ["email": "u\(i)@example.com", "password": "whatever123"]).status)
            }
            XCTAssertEqual(statuses, [401, 401, 401, 429])
        }
    }
}
