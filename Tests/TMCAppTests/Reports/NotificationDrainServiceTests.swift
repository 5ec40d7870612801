import Foundation
import TMCApp
import TMCPostgres
import XCTest

/// Draining the notifications outbox: leases, expiry, delivery confirmations.
final class NotificationDrainServiceTests: XCTestCase {
    var f: CasesFixture!

    override func setUp() async throws { f = try await CasesFixture.make() }
    override func tearDown() async throws { await f?.stop() }

    /// Queues `n` notifications for `force`, oldest first.
    private func queue(_ n: Int, force: UUID) async throws {
        try await f.db.execute("""
            INSERT INTO notifications (force_id, user_id, kind, channel, recipient, subject, body, created_at)
            SELECT \(force), \(f.victim1.id), 'case_update', 'email', \(f.victim1.email), 'Update ' || i, 'Body ' || i,
                   now() - interval '1 hour' + i * interval '1 millisecond'
            FROM generate_series(1, \(n)) AS i
            """)
    }

    func testTwoConcurrentDrainersNeverReceiveTheSameNotification() async throws {
        try await queue(240, force: f.forceA.id)
        let second = try await f.integrationKey(force: f.forceA.id)
        let client = f.client
        @Sendable func drain(_ token: String) async throws -> [String] {
            var got: [String] = []
            while true {
                let r = try await client.get("/v1/forces/kent/notifications?status=pending&limit=9", token: token)
                guard r.status == 200 else { throw TestHTTPClient.ClientError(description: "status \(r.status): \(r.text)") }
                let ids = r.items.compactMap { $0["id"] as? String }
                if ids.isEmpty { return got }
                got += ids
            }
        }
        let firstToken = f.integrationA.token, secondToken = second.token
        async let a = drain(firstToken)
        async let b = drain(secondToken)
        let (first, other) = try await (a, b)
        XCTAssertEqual(first.count + other.count, 240)
        XCTAssertTrue(Set(first).isDisjoint(with: other), "a notification went to both drainers")
        XCTAssertEqual(Set(first + other).count, 240)
        XCTAssertFalse(first.isEmpty || other.isEmpty, "both drainers took part (first \(first.count), other \(other.count))")
    }

    func testLeasesExpireAndDeliveryIsConfirmedOnce() async throws {
        try await queue(3, force: f.forceA.id)
        try await queue(2, force: f.forceB.id)
        let leased = try await f.client.get("/v1/forces/kent/notifications", token: f.integrationA.token)
        XCTAssertEqual(leased.status, 200, leased.text)
        XCTAssertEqual(leased.items.map { $0["subject"] as? String }, ["Update 1", "Update 2", "Update 3"], "oldest first")
        let first = leased.items[0]
        XCTAssertEqual(first["recipient"] as? String, f.victim1.email)
        XCTAssertEqual(first["channel"] as? String, "email")
        XCTAssertEqual(first["kind"] as? String, "case_update")
        XCTAssertNotNil(first["lease_until"] as? String)
        try await expectEqual(0) { try await self.f.client.get("/v1/forces/kent/notifications", token: self.f.integrationA.token).items.count }

        let id = first["id"] as? String ?? ""
        try await expectEqual(204) { try await self.f.client.post("/v1/notifications/\(id)/delivered", token: self.f.integrationA.token).status }
        try await expectEqual(204) { try await self.f.client.post("/v1/notifications/\(id)/delivered", token: self.f.integrationA.token).status }
        // Leases that ran out come back; a delivered notification never does.
        try await f.db.execute("UPDATE notifications SET lease_until = now() - interval '1 second' WHERE status = 'leased'")
        let again = try await f.client.get("/v1/forces/kent/notifications", token: f.integrationA.token)
        XCTAssertEqual(again.items.map { $0["subject"] as? String }, ["Update 2", "Update 3"])

        let surrey = try await f.integrationKey(force: f.forceB.id)
        try await expectEqual(404) { try await self.f.client.post("/v1/notifications/\(id)/delivered", token: surrey.token).status }
        try await expectEqual(404) { try await self.f.client.post("/v1/notifications/\(UUID())/delivered", token: surrey.token).status }
        try await expectEqual(404) { try await self.f.client.post("/v1/notifications/nope/delivered", token: surrey.token).status }
        try await expectEqual(2) { try await self.f.client.get("/v1/forces/surrey/notifications", token: surrey.token).items.count }
        try await expectEqual(404) { try await self.f.client.get("/v1/forces/surrey/notifications", token: self.f.integrationA.token).status }
        for person in [f.officerA!, f.supervisorA!, f.adminA!, f.victim1!, f.sysadmin!] {
            try await expectEqual(403) { try await self.f.client.get("/v1/forces/kent/notifications", token: person.token).status }
            try await expectEqual(403) { try await self.f.client.post("/v1/notifications/\(id)/delivered", token: person.token).status }
        }
        try await expectEqual(401) { try await self.f.client.get("/v1/forces/kent/notifications").status }
        try await expectEqual(422) {
            try await self.f.client.get("/v1/forces/kent/notifications?status=delivered", token: self.f.integrationA.token).status
        }
        try await expectEqual(422) { try await self.f.client.get("/v1/forces/kent/notifications?limit=500", token: self.f.integrationA.token).status }
        let delivered = try await f.db.queryFirst("SELECT status, delivered_at IS NOT NULL AS stamped FROM notifications WHERE id = \(UUID(uuidString: id)!)")
        XCTAssertEqual(try delivered?.decode("status", as: String.self), "delivered")
        XCTAssertEqual(try delivered?.decode("stamped", as: Bool.self), true)
    }
}
