import Foundation
import TMCApp
import TMCPostgres
import XCTest

/// `POST /v1/reports/{id}/triage` in each direction, end to end.
final class TriageServiceTests: XCTestCase {
    var f: CasesFixture!

    override func setUp() async throws { f = try await CasesFixture.make { $0.rateLimitReportsPerHour = 1000 } }
    override func tearDown() async throws { await f?.stop() }

    func testCrimeRecordedForAnAnonymousReporterWithoutAnAccountInvitesThemAndCopiesTheProperty() async throws {
        let report = try await f.submitReport(f.reportBody(extra: ["reporter": ["name": "Nina New", "email": "nina@example.com"]]))
        let id = report["id"] as? String ?? ""
        let r = try await f.triage(id, ["decision": "crime_recorded", "note": "Recorded; an officer will call you."], by: f.officerA)
        let after = r.json["report"] as? [String: Any] ?? [:]
        XCTAssertEqual(after["status"] as? String, "crime_recorded")
        let kase = try XCTUnwrap(r.json["case"] as? [String: Any])
        let caseID = try XCTUnwrap(kase["id"] as? String)
        XCTAssertEqual(after["case_id"] as? String, caseID)
        XCTAssertEqual(kase["crime_reference"] as? String, report["reference"] as? String, "the report's reference by default")
        XCTAssertEqual(kase["offence_category"] as? String, "bicycle-theft")
        XCTAssertEqual((kase["officer"] as? [String: Any])?["id"] as? String, f.officerA.idString)
        let victims = kase["victims"] as? [[String: Any]] ?? []
        XCTAssertEqual(victims.map { $0["email"] as? String }, ["nina@example.com"])
        XCTAssertEqual(victims.first?["account_status"] as? String, "invited")
        let invitations = r.json["invitations"] as? [[String: Any]] ?? []
        XCTAssertEqual(invitations.map { $0["email"] as? String }, ["nina@example.com"])
        XCTAssertEqual((after["outcome"] as? [String: Any])?["decision"] as? String, "crime_recorded")
        XCTAssertEqual((after["triage"] as? [[String: Any]])?.first?["decided_by"] as? String, f.officerA.idString)

        let property = try await f.client.get("/v1/cases/\(caseID)/property", token: f.officerA.token)
        XCTAssertEqual(property.items.map { $0["serial_number"] as? String }, ["WTU123"])
        XCTAssertEqual(property.items.first?["victim_id"] as? String, victims.first?["id"] as? String)

        let notes = try await f.db.query("""
            SELECT kind, recipient, user_id, report_id FROM notifications ORDER BY kind
            """).map { (try $0.decode("kind", as: String.self), try $0.decode("recipient", as: String.self),
                        try $0.decode("user_id", as: UUID?.self), try $0.decode("report_id", as: UUID?.self)) }
        XCTAssertEqual(notes.map(\.0), ["invitation", "report_outcome"])
        XCTAssertEqual(notes.last?.1, "nina@example.com")
        XCTAssertNil(notes.last?.2, "an anonymous reporter is told at the address they gave")
        XCTAssertEqual(notes.last?.3?.uuidString.lowercased(), id)

        let again = try await f.triage(id, ["decision": "no_crime", "note": "Second thoughts"], by: f.supervisorA, expect: 409)
        XCTAssertEqual(again.problemCode, "conflict")
        let audit = try await f.db.queryFirst("SELECT count(*) AS n FROM audit_events WHERE action = 'report.triaged'")
        XCTAssertEqual(try audit?.decode("n", as: Int.self), 1)
    }

    func testCrimeRecordedLinksTheAccountWithTheReportersEmailButNotTheReport() async throws {
        let report = try await f.submitReport(f.reportBody(extra: ["reporter": ["name": "Vic", "email": f.victim2.email]]))
        let id = report["id"] as? String ?? ""
        let r = try await f.triage(id, ["decision": "crime_recorded", "crime_reference": "KT/2026/77", "note": "Recorded."], by: f.supervisorA)
        let kase = r.json["case"] as? [String: Any] ?? [:]
        XCTAssertEqual(kase["crime_reference"] as? String, "KT/2026/77")
        XCTAssertEqual((kase["victims"] as? [[String: Any]])?.map { $0["id"] as? String }, [f.victim2.idString])
        XCTAssertEqual((r.json["invitations"] as? [Any])?.count, 0)
        let caseID = kase["id"] as? String ?? ""
        try await expectEqual(200) { try await self.f.client.get("/v1/cases/\(caseID)", token: self.f.victim2.token).status }
        try await expectEqual(404) { try await self.f.client.get("/v1/reports/\(id)", token: self.f.victim2.token).status }
    }

    func testCrimeRecordedForASignedInReporter() async throws {
        let report = try await f.submitReport(token: f.victim1.token)
        let id = report["id"] as? String ?? ""
        let r = try await f.triage(id, ["decision": "crime_recorded", "crime_reference": "KT/1", "note": "We will investigate."], by: f.officerA)
        let caseID = (r.json["case"] as? [String: Any])?["id"] as? String ?? ""
        let mine = try await f.client.get("/v1/reports/\(id)", token: f.victim1.token)
        XCTAssertEqual(mine.json["status"] as? String, "crime_recorded")
        XCTAssertEqual(mine.json["case_id"] as? String, caseID)
        XCTAssertEqual((mine.json["outcome"] as? [String: Any])?["note"] as? String, "We will investigate.")
        XCTAssertNil(mine.json["triage"])
        let kase = try await f.client.get("/v1/cases/\(caseID)", token: f.victim1.token)
        XCTAssertEqual(kase.status, 200, kase.text)
        let updates = try await f.db.query("""
            SELECT type, recipient_ids, staff_visible, in_change_feed FROM events WHERE report_id = \(UUID(uuidString: id)!) ORDER BY id
            """).map { (try $0.decode("type", as: String.self), try $0.decode("recipient_ids", as: [UUID].self)) }
        XCTAssertEqual(updates.map(\.0), ["report_submitted", "report_triaged", "report.updated"])
        XCTAssertEqual(updates.last?.1, [f.victim1.id], "report.updated goes to the signed-in reporter")
        let outcome = try await f.db.queryFirst("SELECT user_id, recipient FROM notifications WHERE kind = 'report_outcome'")
        XCTAssertEqual(try outcome?.decode("user_id", as: UUID?.self), f.victim1.id)
    }

    func testNoCrimeTellsTheReporterWhy() async throws {
        let signedIn = try await f.submitReport(token: f.victim1.token)["id"] as? String ?? ""
        let anonymous = try await f.submitReport()["id"] as? String ?? ""
        let reason = "The bicycle was found chained at the next station: it was not stolen."
        for id in [signedIn, anonymous] {
            let r = try await f.triage(id, ["decision": "no_crime", "note": reason], by: f.officerA)
            XCTAssertEqual((r.json["report"] as? [String: Any])?["status"] as? String, "no_crime")
            XCTAssertNil(r.json["case"])
        }
        let mine = try await f.client.get("/v1/reports/\(signedIn)", token: f.victim1.token)
        XCTAssertEqual(mine.json["status"] as? String, "no_crime")
        XCTAssertEqual((mine.json["outcome"] as? [String: Any])?["note"] as? String, reason)
        let told = try await f.db.queryFirst("""
            SELECT body, channel FROM notifications WHERE kind = 'report_outcome' AND user_id IS NULL
            """)
        XCTAssertTrue(try told?.decode("body", as: String.self).contains(reason) ?? false)
        XCTAssertEqual(try told?.decode("channel", as: String.self), "email")
        try await f.triage(anonymous, ["decision": "crime_recorded", "note": "Actually…"], by: f.officerA, expect: 409)
        try await expectEqual(0) { try await self.f.db.queryFirst("SELECT count(*) AS n FROM cases")?.decode("n", as: Int.self) ?? -1 }
    }

    func testSafeContactIsHonouredForAnonymousReportersWithAnAccount() async throws {
        try await f.db.execute("UPDATE users SET safe_contact = true WHERE id = \(f.victim3.id)")
        let id = try await f.submitReport(f.reportBody(extra: ["reporter": ["name": "O", "email": f.victim3.email]]))["id"] as? String ?? ""
        try await f.triage(id, ["decision": "no_crime", "note": "Not a crime."], by: f.officerA)
        let told = try await f.db.queryFirst("SELECT subject, body FROM notifications WHERE kind = 'report_outcome'")
        XCTAssertEqual(try told?.decode("body", as: String.self), NotificationOutbox.safeBody)
    }

    func testTransferMovesTheReportToTheOtherForcesQueue() async throws {
        let id = try await f.submitReport(token: f.victim1.token)["id"] as? String ?? ""
        let r = try await f.triage(id, ["decision": "transferred", "transfer_to": "surrey", "note": "It happened in Surrey."], by: f.officerA)
        let moved = r.json["report"] as? [String: Any] ?? [:]
        XCTAssertEqual(moved["status"] as? String, "submitted")
        XCTAssertEqual(moved["force"] as? String, "surrey")
        try await expectEqual(404) { try await self.f.client.get("/v1/reports/\(id)", token: self.f.officerA.token).status }
        try await expectEqual(0) { try await self.f.client.get("/v1/reports", token: self.f.officerA.token).items.count }
        let there = try await f.client.get("/v1/reports", token: f.officerB.token)
        XCTAssertEqual(there.items.map { $0["id"] as? String }, [id])
        let transfers = there.items.first?["transfers"] as? [[String: Any]] ?? []
        XCTAssertEqual(transfers.first?["from"] as? String, "kent")
        XCTAssertEqual(transfers.first?["to"] as? String, "surrey")
        let mine = try await f.client.get("/v1/reports/\(id)", token: f.victim1.token)
        XCTAssertEqual(mine.json["force"] as? String, "surrey", "the reporter follows it")

        try await f.triage(id, ["decision": "no_crime", "note": "Again?"], by: f.officerA, expect: 404)
        let decided = try await f.triage(id, ["decision": "no_crime", "note": "Civil matter."], by: f.supervisorB)
        XCTAssertEqual((decided.json["report"] as? [String: Any])?["status"] as? String, "no_crime")
        try await f.triage(id, ["decision": "no_crime", "note": "Twice"], by: f.officerB, expect: 409)
        let feedTypes = try await f.db.query("""
            SELECT e.type, f.code FROM events e JOIN forces f ON f.id = e.force_id WHERE e.in_change_feed ORDER BY e.id
            """).map { "\(try $0.decode("code", as: String.self)):\(try $0.decode("type", as: String.self))" }
        XCTAssertEqual(feedTypes, ["kent:report_submitted", "kent:report_triaged", "surrey:report_submitted", "surrey:report_triaged"])
    }

    func testRefusals() async throws {
        let id = try await f.submitReport()["id"] as? String ?? ""
        let body: [String: Any] = ["decision": "no_crime", "note": "n"]
        for person in [f.victim1!, f.adminA!, f.integrationA!, f.sysadmin!] {
            try await f.triage(id, body, by: person, expect: 403)
        }
        try await expectEqual(401) { try await self.f.client.post("/v1/reports/\(id)/triage", json: body).status }
        try await f.triage(id, body, by: f.officerB, expect: 404)
        try await f.triage(UUID().uuidString, body, by: f.officerA, expect: 404)
        try await f.triage("nope", body, by: f.officerA, expect: 404)

        let checks: [([String: Any], [String])] = [
            ([:], ["decision", "note"]),
            (["decision": "dismissed", "note": ""], ["decision", "note"]),
            (["decision": "transferred", "note": "n"], ["transfer_to"]),
            (["decision": "no_crime", "note": "n", "crime_reference": "X", "transfer_to": "surrey"], ["crime_reference", "transfer_to"]),
            (["decision": "transferred", "note": "n", "transfer_to": "atlantis"], ["transfer_to"]),
            (["decision": "transferred", "note": "n", "transfer_to": "kent"], ["transfer_to"]),
            (["decision": "crime_recorded", "note": "n", "crime_reference": String(repeating: "R", count: 65)], ["crime_reference"]),
        ]
        for (b, fields) in checks {
            let r = try await f.triage(id, b, by: f.officerA, expect: 422)
            XCTAssertEqual(r.invalidFields.sorted(), fields.sorted(), "\(b)")
        }
        // A crime reference the force already uses: 409, and nothing of the attempt is left.
        try await f.createCase("KT/TAKEN")
        let taken = try await f.triage(id, ["decision": "crime_recorded", "crime_reference": "KT/TAKEN", "note": "n"], by: f.officerA, expect: 409)
        XCTAssertEqual(taken.problemCode, "conflict")
        try await expectEqual("submitted") {
            try await self.f.client.get("/v1/reports/\(id)", token: self.f.officerA.token).json["status"] as? String ?? ""
        }
        try await expectEqual(0) {
            try await self.f.db.queryFirst("SELECT count(*) AS n FROM users WHERE email = 'rita@example.com'")?.decode("n", as: Int.self) ?? -1
        }
        // The reporter's email is a police account's: it cannot be a victim.
        let staffEmail = try await f.submitReport(f.reportBody(extra: ["reporter": ["name": "PC", "email": f.officer2A.email]]))["id"] as? String ?? ""
        try await f.triage(staffEmail, ["decision": "crime_recorded", "note": "n"], by: f.officerA, expect: 409)
    }

    func testARetriedTriageWithTheSameKeyIsReplayed() async throws {
        let id = try await f.submitReport()["id"] as? String ?? ""
        let bytes = Array(#"{"decision":"crime_recorded","note":"Recorded."}"#.utf8)
        let headers = [("Content-Type", "application/json"), ("Idempotency-Key", "triage-1"), ("Authorization", "Bearer \(f.officerA.token)")]
        let first = try await f.client.send("POST", "/v1/reports/\(id)/triage", headers: headers, body: bytes)
        XCTAssertEqual(first.status, 200, first.text)
        let again = try await f.client.send("POST", "/v1/reports/\(id)/triage", headers: headers, body: bytes)
        XCTAssertEqual(again.status, 200)
        XCTAssertEqual(again.header("Idempotent-Replayed"), "true")
        XCTAssertEqual(again.body, first.body)
        try await expectEqual(1) { try await self.f.db.queryFirst("SELECT count(*) AS n FROM cases")?.decode("n", as: Int.self) ?? -1 }
    }
}
