import Foundation
import TMCApp
import XCTest

/// Two server instances on two ports against one database behave as one.
final class MultiInstanceTests: XCTestCase {
    static func configure(_ c: inout AppConfiguration) {
        c.loginLockoutThreshold = 4
        c.loginLockoutWindow = .seconds(60)
        c.loginLockoutDuration = .seconds(60)
    }

    func testLogoutAndLockoutHoldAcrossInstances() async throws {
        let first = try await TestServer.start(Self.configure)
        let second: TestServer
        do {
            second = try await TestServer.start(Self.configure, database: (first.databaseName, first.databaseURL))
        } catch {
            await first.stop()
            throw error
        }
        do {
            let victim = try await first.accounts.victim("both@example.com")
            let onSecond = try await second.client.get("/v1/me", token: victim.token)
            XCTAssertEqual(onSecond.status, 200)
            let out = try await first.client.post("/v1/auth/logout", token: victim.token)
            XCTAssertEqual(out.status, 204)
            let refused = try await second.client.get("/v1/me", token: victim.token)
            XCTAssertEqual(refused.status, 401)

            // Failures on both instances add up to one lock, seen by both.
            for server in [first, second, first, second] {
                let r = try await server.client.post("/v1/auth/login", json: ["email": victim.email, "password": "wrong password!"])
                XCTAssertEqual(r.status, 401)
            }
            for server in [first, second] {
                let r = try await server.client.post("/v1/auth/login", json: ["email": victim.email, "password": AccountsFixture.password])
                XCTAssertEqual(r.status, 429)
            }
        } catch {
            await second.stop(dropDatabase: false)
            await first.stop()
            throw error
        }
        await second.stop(dropDatabase: false)
        await first.stop()
    }
}
