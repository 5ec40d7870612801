import Foundation
import TMCApp
import TMCPostgres
import XCTest

/// `/v1/cases/{id}/updates` and publishing, end to end.
final class TimelineRoutesTests: XCTestCase {
    func testStatusMovesOverHTTP() async throws {
        let f = try await CasesFixture.make()
        defer { Task { await f.stop() } }
        let id = try await f.createCase()["id"] as? String ?? ""
        try await f.postUpdate(id, ["event": "general_update", "status": "under_investigation"])
        try await f.postUpdate(id, ["event": "general_update", "status": "at_court"], expect: 409)
        try await f.postUpdate(id, ["event": "general_update", "status": "under_investigation"], expect: 409)
        try await f.postUpdate(id, ["event": "suspect_charged", "status": "with_cps"], by: f.integrationA)
        try await f.postUpdate(id, ["event": "general_update", "status": "under_investigation"])
        try await f.postUpdate(id, ["event": "general_update", "status": "with_cps", "outcome": "charged"])
        try await f.postUpdate(id, ["event": "court_hearing_scheduled", "status": "at_court"])
        let noOutcome = try await f.postUpdate(id, ["event": "court_outcome", "status": "closed"], expect: 422)
        XCTAssertEqual(noOutcome.invalidFields, ["outcome"])
        XCTAssertTrue(noOutcome.text.contains("no-further-action"), "the allowed outcomes are listed")
        let badOutcome = try await f.postUpdate(id, ["event": "court_outcome", "status": "closed", "outcome": "jailed"], expect: 422)
        XCTAssertEqual(badOutcome.invalidFields, ["outcome"])
        let closed = try await f.postUpdate(id, ["event": "case_closed", "outcome": "imprisoned", "message": "The offender was sent to prison."])
        XCTAssertEqual(closed.json["status"] as? String, "closed")
        XCTAssertEqual(closed.json["outcome_description"] as? String, "Offender sent to prison")
        try await f.postUpdate(id, ["event": "case_closed", "status": "at_court", "outcome": "fined"], expect: 422)
        try await f.postUpdate(id, ["event": "general_update", "status": "closed", "outcome": "fined"], expect: 409)
        let officerReopen = try await f.postUpdate(id, ["event": "general_update", "status": "under_investigation"], expect: 403)
        XCTAssertEqual(officerReopen.problemCode, "forbidden")
        try await f.postUpdate(id, ["event": "general_update", "status": "under_investigation"], by: f.integrationA, expect: 403)
        try await f.postUpdate(id, ["event": "general_update", "status": "under_investigation", "message": "Reopened: new evidence."],
                               by: f.supervisorA)
        let c = try await f.client.get("/v1/cases/\(id)", token: f.officerA.token)
        XCTAssertEqual(c.json["status"] as? String, "under_investigation")
        XCTAssertNil(c.json["outcome"], "reopening clears the old outcome")
        XCTAssertEqual(c.json["version"] as? Int, 10, "every change moved the version: 7 status changes, 2 publications")
    }

    func testUnpublishedUpdatesStayHiddenUntilPublished() async throws {
        let f = try await CasesFixture.make()
        defer { Task { await f.stop() } }
        let id = try await f.createCase(victims: [["email": f.victim1.email, "name": "Val", "enhanced": false],
                                                 ["email": f.victim2.email, "name": "Vic", "enhanced": false]])["id"] as? String ?? ""
        let recorded = try await f.postUpdate(id, [
            "event": "suspect_arrested", "status": "under_investigation", "internal_note": "Arrested at home address",
            "delay_reason": ["code": "awaiting_forensic_results", "detail": "Fingerprints sent to the lab"],
        ], by: f.integrationA)
        let updateID = recorded.json["id"] as? String ?? ""
        XCTAssertEqual(recorded.json["published"] as? Bool, false)
        XCTAssertEqual((recorded.json["clock"] as? [String: Any])?["rule"] as? String, "right_6")
        XCTAssertEqual((recorded.json["delay_reason"] as? [String: Any])?["explanation"] as? String,
                       DelayReason.awaitingForensicResults.explanation)
        let before = try await f.client.get("/v1/cases/\(id)/updates", token: f.victim1.token)
        XCTAssertEqual(before.status, 200)
        XCTAssertEqual(before.items.count, 0)
        assertEqual(try await f.client.get("/v1/cases/\(id)/updates", token: f.officerA.token).items.count, 1)
        let notificationsBefore = try await f.db.queryFirst("SELECT count(*) AS n FROM notifications WHERE kind = 'case_update'")?.decode("n", as: Int.self) ?? 0

        // Integration keys record; officers publish.
        let byKey = try await f.client.post("/v1/cases/\(id)/updates/\(updateID)/publish", token: f.integrationA.token, json: ["message": "x"])
        XCTAssertEqual(byKey.status, 403)
        let empty = try await f.client.post("/v1/cases/\(id)/updates/\(updateID)/publish", token: f.officerA.token, json: ["message": " "])
        XCTAssertEqual(empty.invalidFields, ["message"])
        let published = try await f.client.post("/v1/cases/\(id)/updates/\(updateID)/publish", token: f.officerA.token,
                                                json: ["message": "We have arrested a suspect."])
        XCTAssertEqual(published.status, 200, published.text)
        XCTAssertEqual(published.json["published"] as? Bool, true)
        XCTAssertEqual((published.json["clock"] as? [String: Any])?["state"] as? String, "on_time")
        let twice = try await f.client.post("/v1/cases/\(id)/updates/\(updateID)/publish", token: f.officerA.token, json: ["message": "again"])
        XCTAssertEqual(twice.status, 409)
        let unknown = try await f.client.post("/v1/cases/\(id)/updates/\(UUID().uuidString)/publish", token: f.officerA.token, json: ["message": "m"])
        XCTAssertEqual(unknown.status, 404)

        let after = try await f.client.get("/v1/cases/\(id)/updates", token: f.victim2.token)
        XCTAssertEqual(after.items.count, 1)
        let seen = after.items.first ?? [:]
        XCTAssertEqual(seen["message"] as? String, "We have arrested a suspect.")
        XCTAssertNil(seen["internal_note"])
        XCTAssertNil(seen["clock"])
        XCTAssertEqual((seen["delay_reason"] as? [String: Any])?["detail"] as? String, "Fingerprints sent to the lab")
        XCTAssertFalse(after.text.contains("Arrested at home address"))
        let c = try await f.client.get("/v1/cases/\(id)", token: f.victim1.token)
        XCTAssertEqual(c.json["status"] as? String, "under_investigation", "victims now see the move")
        let notificationsAfter = try await f.db.queryFirst("SELECT count(*) AS n FROM notifications WHERE kind = 'case_update'")?.decode("n", as: Int.self) ?? 0
        XCTAssertEqual(notificationsAfter - notificationsBefore, 2, "one per victim")
        let clocks = try await f.db.query("SELECT rule, met_at IS NOT NULL AS met FROM case_clocks ORDER BY rule, met")
            .map { "\(try $0.decode("rule", as: String.self)):\(try $0.decode("met", as: Bool.self))" }
        XCTAssertEqual(clocks, ["agreed_contact:false", "agreed_contact:true", "right_6:true"], "agreed contact met and restarted")
        assertEqual(try await f.auditCount(id, action: "case.updates.read"), 1)
    }

    func testValidationAndRefusals() async throws {
        let f = try await CasesFixture.make()
        defer { Task { await f.stop() } }
        let id = try await f.createCase()["id"] as? String ?? ""
        let bad = try await f.postUpdate(id, ["event": "party", "status": "done", "message": "", "occurred_at": "2999-01-01T00:00:00Z",
                                              "delay_reason": ["code": "bored"]], expect: 422)
        XCTAssertEqual(Set(bad.invalidFields), ["event", "status", "message", "occurred_at", "delay_reason.code"])
        let future = try await f.postUpdate(id, ["event": "general_update", "occurred_at": "2999-01-01T00:00:00Z"], expect: 422)
        XCTAssertEqual(future.invalidFields, ["occurred_at"])
        for (who, status) in [(f.victim1!, 403), (f.adminA!, 403), (f.sysadmin!, 403), (f.officerB!, 404)] {
            try await f.postUpdate(id, ["event": "general_update", "message": "m"], by: who, expect: status)
        }
        assertEqual(try await f.client.get("/v1/cases/\(id)/updates", token: f.victim3.token).status, 404)
        assertEqual(try await f.client.get("/v1/cases/\(id)/updates", token: f.adminA.token).status, 403)
        assertEqual(try await f.client.get("/v1/cases/\(id)/updates?limit=500", token: f.officerA.token).status, 422)
    }
}
