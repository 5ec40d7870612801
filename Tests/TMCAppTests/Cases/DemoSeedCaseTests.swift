import Foundation
import TMCApp
import TMCPostgres
import XCTest

/// `seed-demo` adds a demo case with the demo victim and officer, once.
final class DemoSeedCaseTests: XCTestCase {
    func testDemoCaseIsSeededOnceAndVisibleToTheDemoVictim() async throws {
        let server = try await TestServer.start()
        defer { Task { await server.stop() } }
        let seed = DemoSeed(database: server.database, bcryptCost: 4)
        let seeded = try await seed.run()
        let first = try await seed.ensureCase(force: seeded.force, users: seeded.users)
        let second = try await seed.ensureCase(force: seeded.force, users: seeded.users)
        XCTAssertNotNil(first)
        XCTAssertEqual(first, second)
        let count = try await server.database.queryFirst("SELECT count(*) AS n FROM cases")?.decode("n", as: Int.self)
        XCTAssertEqual(count, 1)

        let victim = seeded.users.first { $0.role == .victim }!
        let token = "tmc_test_\(UUID().uuidString)"
        try await server.database.execute("""
            INSERT INTO tokens (token_hash, user_id, expires_at) VALUES (sha256(convert_to(\(token), 'UTF8')), \(victim.id), now() + interval '1 hour')
            """)
        let c = try await server.client.get("/v1/cases/\(first!.uuidString.lowercased())", token: token)
        XCTAssertEqual(c.status, 200, c.text)
        XCTAssertEqual(c.json["status"] as? String, "under_investigation")
        let updates = try await server.client.get("/v1/cases/\(first!.uuidString.lowercased())/updates", token: token)
        XCTAssertEqual(updates.items.count, 1)
        let property = try await server.client.get("/v1/cases/\(first!.uuidString.lowercased())/property", token: token)
        XCTAssertEqual(property.items.count, 1)
    }
}
