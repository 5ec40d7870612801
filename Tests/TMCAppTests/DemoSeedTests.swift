import Foundation
import TMCApp
import XCTest

final class DemoSeedTests: XCTestCase {
    func testSeedingTwiceChangesNothingAndTheCredentialsWork() async throws {
        try await withServer { server in
            let seed = DemoSeed(database: server.database, bcryptCost: 4)
            let first = try await seed.run()
            let second = try await seed.run()
            XCTAssertEqual(first.force, second.force)
            XCTAssertEqual(first.users.map(\.id), second.users.map(\.id))
            XCTAssertEqual(Set(first.users.map(\.role)), [.admin, .supervisor, .officer, .victim])
            for account in DemoSeed.accounts {
                let token = try await server.accounts.login(account.email, account.password)
                let me = try await server.client.get("/v1/me", token: token)
                XCTAssertEqual(me.json["role"] as? String, account.role.rawValue)
                XCTAssertEqual(me.json["force"] as? String, account.role == .victim ? nil : "kent")
            }
            let report = DemoSeed.report(force: first.force, baseURL: "http://127.0.0.1:8080")
            XCTAssertTrue(report.contains("Kent Police (demo)"))
            for account in DemoSeed.accounts {
                XCTAssertTrue(report.contains(account.password))
                XCTAssertTrue(report.contains("curl -s -X POST http://127.0.0.1:8080/v1/auth/login"))
            }
        }
    }
}
