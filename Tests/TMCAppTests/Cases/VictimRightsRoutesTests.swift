import Foundation
import TMCApp
import TMCPostgres
import XCTest

/// Victim Personal Statements and the Right to Review, end to end.
final class VictimRightsRoutesTests: XCTestCase {
    func testStatementsAreVersionedPerVictim() async throws {
        let f = try await CasesFixture.make()
        defer { Task { await f.stop() } }
        let id = try await f.createCase(victims: [["email": f.victim1.email, "name": "Val", "enhanced": false],
                                                 ["email": f.victim2.email, "name": "Vic", "enhanced": false]])["id"] as? String ?? ""
        let path = "/v1/cases/\(id)/statement"
        let first = try await f.client.post(path, token: f.victim1.token, json: ["text": "I no longer feel safe at home."])
        XCTAssertEqual(first.status, 201, first.text)
        XCTAssertEqual(first.json["version"] as? Int, 1)
        let second = try await f.client.post(path, token: f.victim1.token, json: ["text": "I have had to move out."])
        XCTAssertEqual(second.json["version"] as? Int, 2)
        let mine = try await f.client.get(path, token: f.victim1.token)
        XCTAssertEqual(mine.items.map { $0["version"] as? Int }, [1, 2])
        XCTAssertEqual(mine.items.first?["text"] as? String, "I no longer feel safe at home.", "never overwritten")
        assertEqual(try await f.client.get(path, token: f.victim2.token).items.count, 0, "another victim's statement is theirs")
        assertEqual(try await f.client.get(path, token: f.officerA.token).items.count, 2)
        assertEqual(try await f.client.get(path, token: f.integrationA.token).items.count, 2)
        assertEqual(try await f.auditCount(id, action: "case.statement.read"), 2)

        assertEqual(try await f.client.post(path, token: f.victim1.token, json: ["text": ""]).invalidFields, ["text"])
        for (who, status) in [(f.officerA!, 403), (f.integrationA!, 403), (f.victim3!, 404)] {
            assertEqual(try await f.client.post(path, token: who.token, json: ["text": "t"]).status, status, who.email)
        }
        for (who, status) in [(f.victim3!, 404), (f.officerB!, 404), (f.adminA!, 403)] {
            assertEqual(try await f.client.get(path, token: who.token).status, status, who.email)
        }
    }

    func testRightToReview() async throws {
        let f = try await CasesFixture.make()
        defer { Task { await f.stop() } }
        let id = try await f.createCase(victims: [["email": f.victim1.email, "name": "Val", "enhanced": false],
                                                 ["email": f.victim2.email, "name": "Vic", "enhanced": false]])["id"] as? String ?? ""
        let path = "/v1/cases/\(id)/review-request"
        let early = try await f.client.post(path, token: f.victim1.token, json: ["reason": "I disagree"])
        XCTAssertEqual(early.status, 409, "no decision yet")
        // A no-further-action decision without an interview is not reviewable under the scheme.
        try await f.postUpdate(id, ["event": "no_further_action", "message": "No suspect identified."])
        assertEqual(try await f.client.post(path, token: f.victim1.token, json: ["reason": "I disagree"]).status, 409)
        try await f.postUpdate(id, ["event": "suspect_interviewed", "message": "A suspect was interviewed."])
        // Recorded but unpublished: still not reviewable.
        let nfa = try await f.postUpdate(id, ["event": "no_further_action", "status": "closed", "outcome": "unable-to-prosecute"])
        assertEqual(try await f.client.post(path, token: f.victim1.token, json: ["reason": "I disagree"]).status, 409)
        let nfaID = nfa.json["id"] as? String ?? ""
        let pub = try await f.client.post("/v1/cases/\(id)/updates/\(nfaID)/publish", token: f.officerA.token,
                                          json: ["message": "We will take no further action."])
        XCTAssertEqual(pub.status, 200, pub.text)

        for (who, status) in [(f.officerA!, 403), (f.victim3!, 404)] {
            assertEqual(try await f.client.post(path, token: who.token, json: ["reason": "r"]).status, status, who.email)
        }
        assertEqual(try await f.client.post(path, token: f.victim1.token, json: [String: Any]()).invalidFields, ["reason"])
        let request = try await f.client.post(path, token: f.victim1.token, json: ["reason": "The suspect admitted it to a neighbour."])
        XCTAssertEqual(request.status, 201, request.text)
        XCTAssertEqual(request.json["state"] as? String, "requested")
        XCTAssertEqual(request.json["decision_update_id"] as? String, nfaID)
        XCTAssertNotNil(request.json["acknowledge_by"])
        XCTAssertNotNil(request.json["decide_by"])
        assertEqual(try await f.client.post(path, token: f.victim1.token, json: ["reason": "again"]).status, 409, "once per decision")
        assertEqual(try await f.client.get(path, token: f.victim2.token).items.count, 0)
        assertEqual(try await f.client.get(path, token: f.officerA.token).items.count, 1)

        let ackPath = path + "/acknowledge"
        assertEqual(try await f.client.post(ackPath, token: f.victim1.token).status, 403)
        assertEqual(try await f.client.post(ackPath, token: f.officerB.token).status, 404)
        let ack = try await f.client.post(ackPath, token: f.officerA.token)
        XCTAssertEqual(ack.status, 200, ack.text)
        XCTAssertEqual(ack.items.first?["state"] as? String, "acknowledged")
        assertEqual(try await f.client.post(ackPath, token: f.officerA.token).status, 409, "nothing left to acknowledge")

        let decidePath = path + "/decide"
        let byOfficer = try await f.client.post(decidePath, token: f.officerA.token, json: ["upheld": false, "message": "m"])
        XCTAssertEqual(byOfficer.status, 403)
        assertEqual(Set(try await f.client.post(decidePath, token: f.supervisorA.token, json: ["upheld": "no"]).invalidFields),
                       ["upheld", "message"])
        let decided = try await f.client.post(decidePath, token: f.supervisorA.token,
                                              json: ["upheld": false, "message": "The original decision stands."])
        XCTAssertEqual(decided.status, 200, decided.text)
        XCTAssertEqual(decided.items.first?["state"] as? String, "decided")
        XCTAssertEqual(decided.items.first?["upheld"] as? Bool, false)
        assertEqual(try await f.client.post(decidePath, token: f.supervisorA.token, json: ["upheld": true, "message": "m"]).status, 409)

        let review = try await f.db.query("""
            SELECT rule, on_time FROM case_clocks WHERE rule IN ('review_acknowledge', 'review_decide') ORDER BY rule
            """).map { "\(try $0.decode("rule", as: String.self)):\(try $0.decode("on_time", as: Bool.self))" }
        XCTAssertEqual(review, ["review_acknowledge:true", "review_decide:true"])
        let notified = try await f.db.queryFirst("""
            SELECT count(*) AS n FROM notifications WHERE user_id = \(f.victim1.id) AND body LIKE 'The original decision stands.%'
            """)?.decode("n", as: Int.self)
        XCTAssertEqual(notified, 1)
    }

    func testReviewWindowIsThreeMonths() async throws {
        let f = try await CasesFixture.make()
        defer { Task { await f.stop() } }
        let id = try await f.createCase()["id"] as? String ?? ""
        try await f.postUpdate(id, ["event": "suspect_interviewed", "message": "Interviewed."])
        try await f.postUpdate(id, ["event": "no_further_action", "message": "No further action."])
        // Move the publication four months back.
        try await f.db.execute("UPDATE case_updates SET published_at = published_at - interval '4 months', occurred_at = occurred_at - interval '4 months' WHERE event = 'no_further_action'")
        try await f.db.execute("UPDATE case_updates SET occurred_at = occurred_at - interval '5 months' WHERE event = 'suspect_interviewed'")
        let late = try await f.client.post("/v1/cases/\(id)/review-request", token: f.victim1.token, json: ["reason": "r"])
        XCTAssertEqual(late.status, 409, late.text)
        XCTAssertTrue(late.text.contains("3 months"))
    }
}
