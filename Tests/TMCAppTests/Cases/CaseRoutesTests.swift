import Foundation
import TMCApp
import TMCPostgres
import XCTest

/// `POST/GET /v1/cases`, `GET/PATCH /v1/cases/{id}` end to end.
final class CaseRoutesTests: XCTestCase {
    func testCreateLinksExistingVictimsAndInvitesNewOnes() async throws {
        let f = try await CasesFixture.make()
        defer { Task { await f.stop() } }
        let body: [String: Any] = [
            "crime_reference": "KT/2026/0001", "offence_category": "burglary", "summary": "Break-in",
            "occurred_at": "2026-01-05T21:00:00Z",
            "victims": [["email": "VAL@example.com", "name": "Val", "enhanced": true, "update_every_days": 14],
                        ["email": "newbie@example.com", "name": "New Person", "phone": "+447700900123", "enhanced": false]],
        ]
        // The exact same bytes both times (a dictionary's key order is not stable across encodings).
        let bytes = Array(try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]))
        let headers = [("Content-Type", "application/json"), ("Idempotency-Key", "create-1")]
        let r = try await f.client.send("POST", "/v1/cases", token: f.officerA.token, headers: headers, body: bytes)
        XCTAssertEqual(r.status, 201, r.text)
        let c = r.json["case"] as? [String: Any] ?? [:]
        let id = c["id"] as? String ?? ""
        XCTAssertEqual(r.header("Location"), "/v1/cases/\(id)")
        XCTAssertEqual(r.header("ETag"), "\"1\"")
        XCTAssertEqual(c["status"] as? String, "recorded")
        XCTAssertEqual(c["force"] as? String, "kent")
        XCTAssertEqual((c["officer"] as? [String: Any])?["id"] as? String, f.officerA.idString, "the creating officer is put in charge")
        XCTAssertEqual((c["victims"] as? [[String: Any]])?.count, 2)
        XCTAssertNotNil(c["next_update_due"])
        XCTAssertEqual((c["open_clocks"] as? [[String: Any]])?.first?["rule"] as? String, "agreed_contact")
        let invitations = r.json["invitations"] as? [[String: Any]] ?? []
        XCTAssertEqual(invitations.map { $0["email"] as? String }, ["newbie@example.com"])
        XCTAssertFalse((invitations.first?["invitation_code"] as? String ?? "").isEmpty)

        let invited = try await f.db.queryFirst("SELECT role, status FROM users WHERE email = 'newbie@example.com'")
        XCTAssertEqual(try invited?.decode("role", as: String.self), "victim")
        XCTAssertEqual(try invited?.decode("status", as: String.self), "invited")
        let kinds = try await f.db.query("SELECT kind, channel FROM notifications ORDER BY kind").map { try $0.decode("kind", as: String.self) }
        XCTAssertEqual(kinds, ["case_update", "invitation"])

        // The same key and body: the same case, nothing new.
        let again = try await f.client.send("POST", "/v1/cases", token: f.officerA.token, headers: headers, body: bytes)
        XCTAssertEqual(again.status, 201)
        XCTAssertEqual((again.json["case"] as? [String: Any])?["id"] as? String, id)
        let count = try await f.db.queryFirst("SELECT count(*) AS n FROM cases")?.decode("n", as: Int.self)
        XCTAssertEqual(count, 1)

        // Same reference in the same force: 409; in another force: fine.
        var dup = body
        dup["victims"] = [["email": f.victim2.email, "name": "Vic", "enhanced": false]]
        let conflict = try await f.client.post("/v1/cases", token: f.supervisorA.token, json: dup)
        XCTAssertEqual(conflict.status, 409, conflict.text)
        XCTAssertEqual(conflict.problemCode, "conflict")
        let elsewhere = try await f.client.post("/v1/cases", token: f.officerB.token, json: dup)
        XCTAssertEqual(elsewhere.status, 201, elsewhere.text)
        // Integration keys create cases too.
        dup["crime_reference"] = "RMS-1"
        let byKey = try await f.client.post("/v1/cases", token: f.integrationA.token, json: dup)
        XCTAssertEqual(byKey.status, 201, byKey.text)
    }

    func testCreateValidationNamesEveryBadField() async throws {
        let f = try await CasesFixture.make()
        defer { Task { await f.stop() } }
        let r = try await f.client.post("/v1/cases", token: f.officerA.token, json: [
            "offence_category": "all-crime", "summary": "", "occurred_at": "2999-01-01T00:00:00Z", "officer_id": "nope",
            "victims": [["email": "not-an-email", "enhanced": "yes", "update_every_days": 0]],
        ])
        XCTAssertEqual(r.status, 422, r.text)
        XCTAssertEqual(Set(r.invalidFields), ["crime_reference", "offence_category", "summary", "occurred_at", "officer_id",
                                              "victims[0].email", "victims[0].name", "victims[0].enhanced", "victims[0].update_every_days"])
        let category = (r.json["errors"] as? [[String: Any]])?.first { $0["field"] as? String == "offence_category" }
        XCTAssertTrue((category?["message"] as? String ?? "").contains("vehicle-crime"), "the allowed values are listed")

        let noVictims = try await f.client.post("/v1/cases", token: f.officerA.token, json: [
            "crime_reference": "X", "offence_category": "robbery", "summary": "s", "victims": [Any](),
        ])
        XCTAssertEqual(noVictims.invalidFields, ["victims"])

        // Rules that need the database: a staff email as victim, the same victim twice, an
        // officer of another force.
        let r2 = try await f.client.post("/v1/cases", token: f.officerA.token, json: [
            "crime_reference": "X", "offence_category": "robbery", "summary": "s",
            "victims": [["email": f.officerB.email, "name": "Cop", "enhanced": false],
                        ["email": f.victim1.email, "name": "Val", "enhanced": false],
                        ["email": f.victim1.email.uppercased(), "name": "Val", "enhanced": false]],
        ])
        XCTAssertEqual(r2.status, 422, r2.text)
        XCTAssertEqual(Set(r2.invalidFields), ["victims[0].email", "victims[2].email"])
        let r3 = try await f.client.post("/v1/cases", token: f.officerA.token, json: [
            "crime_reference": "X", "offence_category": "robbery", "summary": "s", "officer_id": f.officerB.idString,
            "victims": [["email": f.victim1.email, "name": "Val", "enhanced": false]],
        ])
        XCTAssertEqual(r3.invalidFields, ["officer_id"])
        let malformed = try await f.client.send("POST", "/v1/cases", token: f.officerA.token,
                                                headers: [("Content-Type", "application/json")], body: Array("{".utf8))
        XCTAssertEqual(malformed.status, 400)
        let wrongType = try await f.client.send("POST", "/v1/cases", token: f.officerA.token,
                                                headers: [("Content-Type", "text/plain")], body: Array("{}".utf8))
        XCTAssertEqual(wrongType.status, 415)
    }

    func testCreateRefusals() async throws {
        let f = try await CasesFixture.make()
        defer { Task { await f.stop() } }
        let body: [String: Any] = ["crime_reference": "X", "offence_category": "drugs", "summary": "s",
                                   "victims": [["email": f.victim1.email, "name": "Val", "enhanced": false]]]
        let anonymous = try await f.client.post("/v1/cases", json: body)
        XCTAssertEqual(anonymous.status, 401)
        XCTAssertEqual(anonymous.header("WWW-Authenticate"), "Bearer")
        for who in [f.victim1!, f.adminA!, f.sysadmin!] {
            let r = try await f.client.post("/v1/cases", token: who.token, json: body)
            XCTAssertEqual(r.status, 403, "\(who.email): \(r.text)")
        }
    }

    func testViewsByRole() async throws {
        let f = try await CasesFixture.make()
        defer { Task { await f.stop() } }
        let c = try await f.createCase(victims: [["email": f.victim1.email, "name": "Val", "enhanced": false],
                                                ["email": f.victim2.email, "name": "Vic", "enhanced": false]])
        let id = c["id"] as? String ?? ""
        try await f.postUpdate(id, ["event": "suspect_arrested", "status": "under_investigation", "internal_note": "Suspect known to us"])

        let victim = try await f.client.get("/v1/cases/\(id)", token: f.victim1.token)
        XCTAssertEqual(victim.status, 200, victim.text)
        XCTAssertEqual(victim.header("ETag"), "\"\(victim.json["version"] as? Int ?? -1)\"")
        XCTAssertEqual(victim.json["status"] as? String, "recorded", "the unpublished move is not shown to victims")
        let victims = victim.json["victims"] as? [[String: Any]] ?? []
        XCTAssertEqual(victims.map { $0["email"] as? String }, [f.victim1.email], "no other victim's details")
        XCTAssertNil(victim.json["open_clocks"])
        XCTAssertFalse(victim.text.contains("Suspect known to us"))
        XCTAssertFalse(victim.text.contains(f.victim2.email))

        let staff = try await f.client.get("/v1/cases/\(id)", token: f.officer2A.token)
        XCTAssertEqual(staff.status, 200)
        XCTAssertEqual(staff.json["status"] as? String, "under_investigation")
        XCTAssertEqual((staff.json["victims"] as? [[String: Any]])?.count, 2)
        let rules = (staff.json["open_clocks"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
        XCTAssertEqual(Set(rules), ["agreed_contact", "right_6"])
        let integration = try await f.client.get("/v1/cases/\(id)", token: f.integrationA.token)
        XCTAssertEqual(integration.status, 200)

        // Not theirs: 404 like a missing id. A role that may never: 403 whatever the id.
        for (who, status) in [(f.victim3!, 404), (f.officerB!, 404), (f.supervisorB!, 404), (f.adminA!, 403), (f.sysadmin!, 403)] {
            let r = try await f.client.get("/v1/cases/\(id)", token: who.token)
            XCTAssertEqual(r.status, status, who.email)
        }
        assertEqual(try await f.client.get("/v1/cases/\(UUID().uuidString)", token: f.officerA.token).status, 404)
        assertEqual(try await f.client.get("/v1/cases/not-a-uuid", token: f.officerA.token).status, 404)
        assertEqual(try await f.client.get("/v1/cases/not-a-uuid", token: f.adminA.token).status, 403)
        assertEqual(try await f.client.get("/v1/cases/\(id)").status, 401)

        // Staff reads are audited; victims' reads are not.
        assertEqual(try await f.auditCount(id, action: "case.read"), 2)
    }

    func testPatchNeedsIfMatchAndKeepsVersions() async throws {
        let f = try await CasesFixture.make()
        defer { Task { await f.stop() } }
        let c = try await f.createCase()
        let id = c["id"] as? String ?? ""
        let path = "/v1/cases/\(id)"
        let noMatch = try await f.patch(path, token: f.officerA.token, json: ["summary": "New"], ifMatch: nil)
        XCTAssertEqual(noMatch.status, 428)
        XCTAssertEqual(noMatch.problemCode, "precondition_required")
        let stale = try await f.patch(path, token: f.officerA.token, json: ["summary": "New"], ifMatch: "\"7\"")
        XCTAssertEqual(stale.status, 412)
        let ok = try await f.patch(path, token: f.officerA.token,
                                   json: ["summary": "New summary", "officer_id": f.officer2A.idString, "offence_description": "Rear door forced"],
                                   ifMatch: "\"1\"")
        XCTAssertEqual(ok.status, 200, ok.text)
        XCTAssertEqual(ok.header("ETag"), "\"2\"")
        XCTAssertEqual(ok.json["summary"] as? String, "New summary")
        XCTAssertEqual((ok.json["officer"] as? [String: Any])?["id"] as? String, f.officer2A.idString)
        let again = try await f.patch(path, token: f.supervisorA.token, json: ["summary": "Other"], ifMatch: "\"1\"")
        XCTAssertEqual(again.status, 412, "the first writer wins")
        let cleared = try await f.patch(path, token: f.supervisorA.token, json: ["offence_description": NSNull(), "officer_id": NSNull()],
                                        ifMatch: "\"2\"", contentType: "application/json")
        XCTAssertEqual(cleared.status, 200, cleared.text)
        XCTAssertNil(cleared.json["offence_description"])
        XCTAssertNil(cleared.json["officer"])
        XCTAssertEqual(cleared.json["version"] as? Int, 3)

        let bad = try await f.patch(path, token: f.officerA.token,
                                    json: ["summary": NSNull(), "offence_category": "all-crime", "status": "closed", "officer_id": f.officerB.idString],
                                    ifMatch: "\"3\"")
        XCTAssertEqual(bad.status, 422)
        XCTAssertEqual(Set(bad.invalidFields), ["summary", "offence_category", "status"])
        let foreignOfficer = try await f.patch(path, token: f.officerA.token, json: ["officer_id": f.officerB.idString], ifMatch: "\"3\"")
        XCTAssertEqual(foreignOfficer.invalidFields, ["officer_id"])

        for (who, status) in [(f.victim1!, 403), (f.integrationA!, 403), (f.adminA!, 403), (f.officerB!, 404)] {
            let r = try await f.patch(path, token: who.token, json: ["summary": "x"], ifMatch: "\"3\"")
            XCTAssertEqual(r.status, status, who.email)
        }
        assertEqual(try await f.auditCount(id, action: "case.updated"), 2)
    }

    func testListsPageEveryRowExactlyOnceWhileCasesAreAdded() async throws {
        let f = try await CasesFixture.make()
        defer { Task { await f.stop() } }
        // 23 cases of force A (victim 1 on each), seeded in SQL; 2 of force B.
        try await f.db.execute("""
            INSERT INTO cases (force_id, crime_reference, offence_category, summary, created_at, status)
            SELECT \(f.forceA.id), 'SEED-' || g, 'robbery', 'Seeded', now() - g * interval '1 minute' - (g % 3) * interval '1 microsecond',
                   CASE WHEN g % 2 = 0 THEN 'under_investigation' ELSE 'recorded' END
            FROM generate_series(1, 23) g
            """)
        try await f.db.execute("""
            INSERT INTO case_victims (case_id, user_id) SELECT id, \(f.victim1.id) FROM cases
            """)
        _ = try await f.createCase(by: f.officerB)
        _ = try await f.createCase(by: f.officerB)
        var seen: [String] = []
        var cursor: String?
        var inserted = 0
        repeat {
            let r = try await f.client.get("/v1/cases?limit=5" + (cursor.map { "&cursor=\($0)" } ?? ""), token: f.officerA.token)
            XCTAssertEqual(r.status, 200, r.text)
            seen += r.items.compactMap { $0["crime_reference"] as? String }
            cursor = r.json["next_cursor"] as? String
            // A new case between pages must neither repeat nor hide anything.
            inserted += 1
            _ = try await f.createCase("NEW-\(inserted)")
        } while cursor != nil
        let seeded = seen.filter { $0.hasPrefix("SEED-") }
        XCTAssertEqual(seeded.count, 23)
        XCTAssertEqual(Set(seeded).count, 23)
        XCTAssertEqual(seen.count, Set(seen).count, "no duplicates")
        XCTAssertFalse(seen.contains { $0.hasPrefix("KT/") }, "no other force's cases")

        let filtered = try await f.client.get("/v1/cases?status=under_investigation&limit=200", token: f.supervisorA.token)
        XCTAssertEqual(filtered.items.count, 11)
        let since = try await f.client.get("/v1/cases?updated_since=2999-01-01T00:00:00Z", token: f.officerA.token)
        XCTAssertEqual(since.items.count, 0)
        XCTAssertEqual(since.json["next_cursor"] as? NSNull, NSNull())

        let mine = try await f.client.get("/v1/cases?limit=200", token: f.victim1.token)
        XCTAssertEqual(mine.items.count, 23 + 2 + inserted, "victim 1 is on every force A and B case")
        assertEqual(try await f.client.get("/v1/cases", token: f.victim3.token).items.count, 0)

        for bad in ["limit=0", "limit=201", "cursor=%21%21", "status=open", "updated_since=yesterday"] {
            let r = try await f.client.get("/v1/cases?\(bad)", token: f.officerA.token)
            XCTAssertEqual(r.status, 422, bad)
        }
        assertEqual(try await f.client.get("/v1/cases", token: f.adminA.token).status, 403)
        assertEqual(try await f.client.get("/v1/cases").status, 401)
    }
}
