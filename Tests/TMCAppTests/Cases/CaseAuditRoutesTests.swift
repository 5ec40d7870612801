import Foundation
import TMCApp
import TMCPostgres
import XCTest

/// `GET /v1/cases/{id}/audit`: who read or changed the case.
final class CaseAuditRoutesTests: XCTestCase {
    func testStaffReadsAndChangesAreListedNewestFirst() async throws {
        let f = try await CasesFixture.make()
        defer { Task { await f.stop() } }
        let id = try await f.createCase()["id"] as? String ?? ""
        _ = try await f.client.get("/v1/cases/\(id)", token: f.officerA.token)
        _ = try await f.client.get("/v1/cases/\(id)/updates", token: f.integrationA.token)
        _ = try await f.client.get("/v1/cases/\(id)", token: f.victim1.token)
        let trail = try await f.client.get("/v1/cases/\(id)/audit?limit=2", token: f.supervisorA.token)
        XCTAssertEqual(trail.status, 200, trail.text)
        XCTAssertEqual(trail.items.map { $0["action"] as? String }, ["case.updates.read", "case.read"])
        XCTAssertEqual(trail.items.first?["actor_role"] as? String, "integration")
        XCTAssertNotNil(trail.items.last?["client_address"])
        let cursor = trail.json["next_cursor"] as? String ?? ""
        let rest = try await f.client.get("/v1/cases/\(id)/audit?cursor=\(cursor)", token: f.adminA.token)
        XCTAssertEqual(rest.items.map { $0["action"] as? String }, ["case.created"], "the victim's read is not audited")
        XCTAssertEqual(rest.json["next_cursor"] as? NSNull, NSNull())

        for (who, status) in [(f.officerA!, 403), (f.victim1!, 403), (f.integrationA!, 403), (f.adminB!, 404), (f.supervisorB!, 404)] {
            assertEqual(try await f.client.get("/v1/cases/\(id)/audit", token: who.token).status, status, who.email)
        }
        assertEqual(try await f.client.get("/v1/cases/\(id)/audit?cursor=bad", token: f.supervisorA.token).status, 422)
    }
}
