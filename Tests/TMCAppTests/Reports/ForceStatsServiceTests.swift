import Foundation
import TMCApp
import TMCPostgres
import XCTest

/// `GET /v1/forces/{code}/stats` over a small fixed data set.
final class ForceStatsServiceTests: XCTestCase {
    var f: CasesFixture!

    override func setUp() async throws { f = try await CasesFixture.make { $0.rateLimitReportsPerHour = 1000 } }
    override func tearDown() async throws { await f?.stop() }

    func testStatsOverAFixedDataSet() async throws {
        // Reports: kent records one, finds no crime in one, transfers one to surrey, keeps one.
        var ids: [String] = []
        for _ in 0..<4 { ids.append(try await f.submitReport()["id"] as? String ?? "") }
        try await f.triage(ids[0], ["decision": "crime_recorded", "note": "Recorded."], by: f.officerA)
        try await f.triage(ids[1], ["decision": "no_crime", "note": "Lost, not stolen."], by: f.officerA)
        try await f.triage(ids[2], ["decision": "transferred", "transfer_to": "surrey", "note": "Surrey's area."], by: f.supervisorA)
        try await f.db.execute("UPDATE forces SET minutes_saved_per_report = 30 WHERE id = \(f.forceA.id)")

        // Cases: the recorded one plus three with a fixed history. First published updates come
        // 2, 4 and 10 hours after creation (median 4); one case has none; the report's case has
        // none either.
        let base = Date(timeIntervalSince1970: 1_780_000_000)
        let statuses = ["with_cps", "closed", "closed", "under_investigation"]
        let firstUpdateHours: [Double?] = [2, 10, 4, nil]
        for (i, status) in statuses.enumerated() {
            let caseID = UUID()
            let created = base.addingTimeInterval(Double(i) * 86_400)
            try await f.db.execute("""
                INSERT INTO cases (id, force_id, crime_reference, offence_category, summary, status, created_at)
                VALUES (\(caseID), \(f.forceA.id), \("KT/STATS/\(i)"), 'burglary', 'Fixed', \(status), \(created))
                """)
            for (offset, published) in firstUpdateHours[i].map({ [($0, true), ($0 + 5, true), ($0 / 2, false)] }) ?? [] {
                let at = created.addingTimeInterval(offset * 3600)
                try await f.db.execute("""
                    INSERT INTO case_updates (case_id, force_id, event, message, occurred_at, published_at, created_by, created_by_role)
                    VALUES (\(caseID), \(f.forceA.id), 'general_update', \(published ? "Update" : nil), \(at), \(published ? at : nil),
                            \(f.officerA.id), 'officer')
                    """)
            }
            // Victims' Code clocks: 3 met on time, 1 met late (case 0), 1 overdue (case 1) and 1
            // open and not yet due (case 2; one open agreed-contact clock per case).
            let clocks: [[(deadline: Double, metAt: Double?)]] = [[(10, 5), (10, 9), (10, 10), (10, 30)], [(-48, nil)], [(48, nil)], []]
            for c in clocks[i] {
                let deadline = c.metAt == nil ? Date().addingTimeInterval(c.deadline * 3600) : created.addingTimeInterval(c.deadline * 3600)
                let met = c.metAt.map { created.addingTimeInterval($0 * 3600) }
                try await f.db.execute("""
                    INSERT INTO case_clocks (force_id, case_id, rule, started_at, deadline, met_at, on_time)
                    VALUES (\(f.forceA.id), \(caseID), 'agreed_contact', \(created), \(deadline), \(met), \(met.map { $0 <= deadline }))
                    """)
            }
        }
        // Another force's data does not count.
        try await f.createCase("SY/1", by: f.officerB)

        let r = try await f.client.get("/v1/forces/kent/stats", token: f.supervisorA.token)
        XCTAssertEqual(r.status, 200, r.text)
        let stats = r.json
        XCTAssertEqual(stats["reports"] as? [String: Int], ["submitted": 1, "crime_recorded": 1, "no_crime": 1, "transferred": 1])
        XCTAssertEqual(stats["cases"] as? [String: Int],
                       ["recorded": 1, "under_investigation": 1, "with_cps": 1, "at_court": 0, "closed": 2])
        XCTAssertEqual(stats["median_hours_to_first_update"] as? Double, 4)
        XCTAssertEqual(stats["compliance_rate"] as? Double, 0.6, "3 on time of 3 + 1 late + 1 overdue")
        XCTAssertEqual(stats["minutes_saved_per_report"] as? Int, 30)
        XCTAssertEqual(stats["officer_hours_saved"] as? Double, 1.5, "3 reports handled × 30 minutes")

        let surrey = try await f.client.get("/v1/forces/surrey/stats", token: f.supervisorB.token)
        XCTAssertEqual(surrey.json["reports"] as? [String: Int], ["submitted": 1, "crime_recorded": 0, "no_crime": 0, "transferred": 0])
        XCTAssertEqual(surrey.json["officer_hours_saved"] as? Double, 0)
        XCTAssertTrue(surrey.json["median_hours_to_first_update"] is NSNull, "null while no case has a published update")
        XCTAssertTrue(surrey.json["compliance_rate"] is NSNull, "null while no clock is met or missed")
    }

    func testStatsAreForTheForcesSupervisorsAndAdmins() async throws {
        try await expectEqual(200) { try await self.f.client.get("/v1/forces/kent/stats", token: self.f.adminA.token).status }
        for (who, status) in [(f.officerA!, 403), (f.integrationA!, 403), (f.victim1!, 403), (f.sysadmin!, 403),
                              (f.supervisorB!, 404), (f.adminB!, 404)] {
            try await expectEqual(status) { try await self.f.client.get("/v1/forces/kent/stats", token: who.token).status }
        }
        try await expectEqual(404) { try await self.f.client.get("/v1/forces/atlantis/stats", token: self.f.adminA.token).status }
        try await expectEqual(401) { try await self.f.client.get("/v1/forces/kent/stats").status }
    }
}
