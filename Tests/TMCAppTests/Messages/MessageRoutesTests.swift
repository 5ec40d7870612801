import Foundation
import TMCApp
import TMCPostgres
import XCTest

/// `/v1/cases/{id}/messages…` and `/v1/me/unread`, end to end.
final class MessageRoutesTests: XCTestCase {
    var f: CasesFixture!
    var caseID = ""
    var soloCaseID = ""

    override func setUp() async throws {
        f = try await CasesFixture.make()
        caseID = try await f.createCase(victims: [["email": f.victim1.email, "name": "Val", "enhanced": false],
                                                  ["email": f.victim2.email, "name": "Vic", "enhanced": false]])["id"] as? String ?? ""
        soloCaseID = try await f.createCase()["id"] as? String ?? ""
    }

    override func tearDown() async throws {
        await f?.stop()
    }

    private func post(_ caseID: String, _ body: [String: Any], as person: CasesFixture.Person) async throws -> TestResponse {
        try await f.client.post("/v1/cases/\(caseID)/messages", token: person.token, json: body)
    }

    func testThreadsArePrivateAndStaffReadAll() async throws {
        let v1 = try await post(caseID, ["body": "  My shed was broken into too.  "], as: f.victim1)
        XCTAssertEqual(v1.status, 201, v1.text)
        XCTAssertEqual(v1.json["body"] as? String, "My shed was broken into too.", "trimmed")
        XCTAssertEqual(v1.json["victim_id"] as? String, f.victim1.idString)
        let sender = v1.json["sender"] as? [String: Any] ?? [:]
        XCTAssertEqual(sender["id"] as? String, f.victim1.idString)
        XCTAssertEqual(sender["role"] as? String, "victim")
        XCTAssertEqual(v1.header("Location"), "/v1/cases/\(caseID)/messages/\(v1.json["id"] as? String ?? "")")
        let v2 = try await post(caseID, ["body": "Hello from victim two"], as: f.victim2)
        XCTAssertEqual(v2.status, 201, v2.text)
        let reply = try await post(caseID, ["body": "Thanks, Val.", "victim_id": f.victim1.idString], as: f.officerA)
        XCTAssertEqual(reply.status, 201, reply.text)
        XCTAssertEqual(reply.json["victim_id"] as? String, f.victim1.idString)
        XCTAssertEqual((reply.json["sender"] as? [String: Any])?["id"] as? String, f.officerA.idString, "staff see staff ids")

        let mine = try await f.client.get("/v1/cases/\(caseID)/messages", token: f.victim1.token)
        XCTAssertEqual(mine.status, 200, mine.text)
        XCTAssertEqual(mine.items.map { $0["body"] as? String }, ["My shed was broken into too.", "Thanks, Val."])
        let staffSender = mine.items.last?["sender"] as? [String: Any] ?? [:]
        XCTAssertTrue(staffSender["id"] is NSNull, "victims see staff by name and role only")
        XCTAssertEqual(staffSender["role"] as? String, "officer")
        XCTAssertEqual(staffSender["name"] as? String, "Officer")
        XCTAssertTrue(mine.json["next_cursor"] is NSNull)
        assertEqual(try await f.client.get("/v1/cases/\(caseID)/messages", token: f.victim2.token).items.map { $0["body"] as? String },
                    ["Hello from victim two"])
        let staff = try await f.client.get("/v1/cases/\(caseID)/messages", token: f.supervisorA.token)
        XCTAssertEqual(staff.items.count, 3)
        XCTAssertEqual(staff.items.map { $0["victim_id"] as? String }, [f.victim1.idString, f.victim2.idString, f.victim1.idString])
        assertEqual(try await f.client.get("/v1/cases/\(caseID)/messages", token: f.integrationA.token).items.count, 3)

        let one = "/v1/cases/\(caseID)/messages/\(v2.json["id"] as? String ?? "")"
        assertEqual(try await f.client.get(one, token: f.victim2.token).status, 200)
        assertEqual(try await f.client.get(one, token: f.victim1.token).status, 404, "another victim's message")
        assertEqual(try await f.client.get(one, token: f.officerB.token).status, 404, "another force")
        assertEqual(try await f.client.get(one, token: f.adminA.token).status, 403)
        assertEqual(try await f.client.get(one, token: f.officerA.token).status, 200)
        assertEqual(try await f.client.get("/v1/cases/\(caseID)/messages/\(UUID())", token: f.officerA.token).status, 404)
        assertEqual(try await f.client.get("/v1/cases/\(caseID)/messages/nope", token: f.officerA.token).status, 404)

        // Immutable.
        for method in ["PATCH", "DELETE", "PUT"] {
            let r = try await f.client.send(method, one, token: f.victim2.token, json: ["body": "edited"])
            XCTAssertEqual(r.status, 405, method)
            XCTAssertEqual(r.header("Allow"), "GET, HEAD")
        }
        // Audit: staff reads. Posts are not audited separately: a message is itself the
        // immutable record of who wrote what, when.
        assertEqual(try await f.auditCount(caseID, action: "case.messages.read") >= 3, true)
        assertEqual(try await f.auditCount(caseID, action: "case.message.created"), 0)
    }

    func testARetriedPostWithTheSameIdempotencyKeySendsOnce() async throws {
        let path = "/v1/cases/\(soloCaseID)/messages"
        let first = try await f.client.post(path, token: f.victim1.token, json: ["body": "Sent twice?"], headers: [("Idempotency-Key", "m-1")])
        let again = try await f.client.post(path, token: f.victim1.token, json: ["body": "Sent twice?"], headers: [("Idempotency-Key", "m-1")])
        XCTAssertEqual(first.status, 201)
        XCTAssertEqual(again.status, 201)
        XCTAssertEqual(again.json["id"] as? String, first.json["id"] as? String)
        XCTAssertEqual(again.header("Idempotent-Replayed"), "true")
        assertEqual(try await f.client.get(path, token: f.victim1.token).items.count, 1)
    }

    func testValidationAndRefusals() async throws {
        let path = "/v1/cases/\(caseID)/messages"
        assertEqual(try await f.client.post(path, json: ["body": "x"]).status, 401)
        assertEqual(try await f.client.get(path).status, 401)
        assertEqual(try await f.client.post(path, token: "tmc_wrong", json: ["body": "x"]).status, 401)
        // A victim's post authenticates in its own statement; the refusals keep their order.
        assertEqual(try await f.client.post(path, token: "tmc_wrong", json: ["body": ""]).status, 401, "401 before 422")
        assertEqual(try await post(caseID, ["body": ""], as: f.adminA).status, 403, "403 before 422")
        assertEqual(try await post(caseID, ["body": "x", "victim_id": f.victim1.idString], as: f.victim3).invalidFields, ["victim_id"],
                    "422 (victims name no thread) before 404")
        assertEqual(try await post(caseID, ["body": "x"], as: f.victim3).status, 404, "not a victim of the case")
        assertEqual(try await post(caseID, ["body": "x", "victim_id": f.victim1.idString], as: f.officerB).status, 404, "another force")
        assertEqual(try await post(UUID().uuidString, ["body": "x"], as: f.victim1).status, 404)
        assertEqual(try await f.client.post("/v1/cases/not-a-uuid/messages", token: f.victim1.token, json: ["body": "x"]).status, 404)
        assertEqual(try await post(caseID, ["body": "x"], as: f.adminA).status, 403)
        assertEqual(try await post(caseID, ["body": "x"], as: f.sysadmin).status, 403)
        assertEqual(try await post(caseID, ["body": "x"], as: f.integrationA).status, 403, "keys read only")
        assertEqual(try await f.client.get(path, token: f.adminA.token).status, 403)
        assertEqual(try await f.client.get(path, token: f.victim3.token).status, 404)
        assertEqual(try await f.client.get(path, token: f.officerB.token).status, 404)

        let blank = try await post(caseID, ["body": " \n\t "], as: f.victim1)
        XCTAssertEqual(blank.status, 422)
        XCTAssertEqual(blank.invalidFields, ["body"])
        assertEqual(try await post(caseID, [:], as: f.victim1).invalidFields, ["body"])
        assertEqual(try await post(caseID, ["body": 5], as: f.victim1).invalidFields, ["body"])
        assertEqual(try await post(caseID, ["body": String(repeating: "é", count: 10_001)], as: f.victim1).status, 422)
        assertEqual(try await post(caseID, ["body": String(repeating: "😀", count: 10_000)], as: f.victim1).status, 201,
                    "10,000 code points, 40,000 bytes")
        assertEqual(try await post(caseID, ["body": "x", "victim_id": "nope"], as: f.officerA).invalidFields, ["victim_id"])
        let both = try await post(caseID, ["body": "", "victim_id": 3], as: f.officerA)
        XCTAssertEqual(Set(both.invalidFields), ["body", "victim_id"], "every bad field")
        let which = try await post(caseID, ["body": "To whom?"], as: f.officerA)
        XCTAssertEqual(which.status, 422)
        XCTAssertEqual(which.invalidFields, ["victim_id"], "two victims: staff must choose")
        assertEqual(try await post(caseID, ["body": "x", "victim_id": f.victim3.idString], as: f.officerA).invalidFields, ["victim_id"])
        assertEqual(try await post(caseID, ["body": "x", "victim_id": f.victim2.idString], as: f.victim1).invalidFields, ["victim_id"])
        assertEqual(try await post(soloCaseID, ["body": "One victim: no victim_id needed"], as: f.officerA).status, 201)
        assertEqual(try await f.client.send("POST", path, token: f.victim1.token, headers: [("Content-Type", "text/plain")],
                                            body: Array("hi".utf8)).status, 415)
        assertEqual(try await f.client.send("POST", path, token: f.victim1.token, headers: [("Content-Type", "application/json")],
                                            body: Array("{".utf8)).status, 400)

        assertEqual(try await f.client.get(path + "?limit=0", token: f.victim1.token).invalidFields, ["limit"])
        assertEqual(try await f.client.get(path + "?limit=201", token: f.victim1.token).invalidFields, ["limit"])
        assertEqual(try await f.client.get(path + "?after=xyz", token: f.victim1.token).invalidFields, ["after"])
        assertEqual(try await f.client.get(path + "?after=\(UUID())", token: f.victim1.token).invalidFields, ["after"])
    }

    func testPagingIsStableAndConcurrentPostsGetCommitOrderedPositions() async throws {
        // 4 writers at once on one case: every page reads each message exactly once, in order.
        let client = f.client, tokens = [f.victim1.token, f.victim2.token], officer = f.officerA.token
        let caseID = self.caseID, v1 = f.victim1.idString
        try await withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<4 {
                group.addTask {
                    for i in 0..<10 {
                        let body: [String: Any] = w == 3 ? ["body": "s\(i)", "victim_id": v1] : ["body": "w\(w)-\(i)"]
                        let r = try await client.post("/v1/cases/\(caseID)/messages", token: w == 3 ? officer : tokens[w % 2], json: body)
                        XCTAssertEqual(r.status, 201, r.text)
                    }
                }
            }
            try await group.waitForAll()
        }
        var seen: [String] = []
        var after: String?
        repeat {
            let r = try await f.client.get("/v1/cases/\(caseID)/messages?limit=7" + (after.map { "&after=\($0)" } ?? ""), token: f.officerA.token)
            XCTAssertEqual(r.status, 200, r.text)
            seen += r.items.compactMap { $0["id"] as? String }
            after = r.json["next_cursor"] as? String
        } while after != nil
        XCTAssertEqual(seen.count, 40)
        XCTAssertEqual(Set(seen).count, 40)
        let positions = try await f.db.query("SELECT position FROM messages WHERE case_id = \(UUID(uuidString: caseID)!) ORDER BY position")
            .map { try $0.decode("position", as: Int64.self) }
        XCTAssertEqual(positions, Array(1...40).map(Int64.init), "no gaps")
        // `cursor` is accepted as a synonym of `after`.
        let page = try await f.client.get("/v1/cases/\(caseID)/messages?limit=5&cursor=\(seen[4])", token: f.officerA.token)
        XCTAssertEqual(page.items.first?["id"] as? String, seen[5])
        // A victim's own thread pages the same way.
        let own = try await f.client.get("/v1/cases/\(caseID)/messages?limit=200", token: f.victim1.token)
        XCTAssertEqual(own.items.count, 20 + 10, "their 10+10 and the officer's 10")
    }

    func testReadMarkersAndUnreadCounts() async throws {
        var staffMessages: [String] = []
        for i in 0..<3 {
            let r = try await post(caseID, ["body": "update \(i)", "victim_id": f.victim1.idString], as: f.officerA)
            staffMessages.append(r.json["id"] as? String ?? "")
        }
        let own = try await post(caseID, ["body": "thanks"], as: f.victim1)
        _ = try await post(caseID, ["body": "me too"], as: f.victim2)
        _ = try await post(soloCaseID, ["body": "hello"], as: f.victim1)

        let unread = try await f.client.get("/v1/me/unread", token: f.victim1.token)
        XCTAssertEqual(unread.status, 200, unread.text)
        XCTAssertEqual(unread.json["total"] as? Int, 3, "their own messages never count")
        XCTAssertEqual(unread.items.map { $0["case_id"] as? String }, [caseID])
        assertEqual(try await f.client.get("/v1/me/unread", token: f.victim2.token).json["total"] as? Int, 0)

        let read = "/v1/cases/\(caseID)/messages/read"
        let marked = try await f.client.post(read, token: f.victim1.token, json: ["up_to": staffMessages[1]])
        XCTAssertEqual(marked.status, 200, marked.text)
        XCTAssertEqual(marked.json["unread"] as? Int, 1)
        XCTAssertEqual(marked.json["up_to"] as? String, staffMessages[1])
        let back = try await f.client.post(read, token: f.victim1.token, json: ["up_to": staffMessages[0]])
        XCTAssertEqual(back.json["up_to"] as? String, staffMessages[1], "never moves backwards")
        XCTAssertEqual(back.json["unread"] as? Int, 1)
        assertEqual(try await f.client.post(read, token: f.victim1.token, json: ["up_to": own.json["id"] as? String ?? ""]).json["unread"] as? Int, 0)
        assertEqual(try await f.client.get("/v1/me/unread", token: f.victim1.token).json["total"] as? Int, 0)

        // Staff: the officer in charge sees both cases' victims' messages; another officer none;
        // the supervisor every case of the force.
        let officer = try await f.client.get("/v1/me/unread", token: f.officerA.token)
        XCTAssertEqual(officer.json["total"] as? Int, 3)
        XCTAssertEqual(Set(officer.items.map { $0["case_id"] as? String ?? "" }), [caseID, soloCaseID])
        assertEqual(try await f.client.get("/v1/me/unread", token: f.officer2A.token).json["total"] as? Int, 0)
        assertEqual(try await f.client.get("/v1/me/unread", token: f.supervisorA.token).json["total"] as? Int, 3)
        assertEqual(try await f.client.get("/v1/me/unread", token: f.supervisorB.token).json["total"] as? Int, 0)
        let staffMark = try await f.client.post(read, token: f.officerA.token, json: ["up_to": own.json["id"] as? String ?? ""])
        XCTAssertEqual(staffMark.json["unread"] as? Int, 1, "victim two's message is later")
        assertEqual(try await f.client.get("/v1/me/unread", token: f.officerA.token).json["total"] as? Int, 2)

        // Refusals.
        assertEqual(try await f.client.post(read, token: f.victim2.token, json: ["up_to": staffMessages[0]]).invalidFields, ["up_to"],
                    "another victim's message")
        assertEqual(try await f.client.post(read, token: f.victim1.token, json: ["up_to": "x"]).invalidFields, ["up_to"])
        assertEqual(try await f.client.post(read, token: f.victim1.token, json: [:]).invalidFields, ["up_to"])
        assertEqual(try await f.client.post(read, token: f.victim3.token, json: ["up_to": staffMessages[0]]).status, 404)
        assertEqual(try await f.client.post(read, token: f.integrationA.token, json: ["up_to": staffMessages[0]]).status, 403)
        assertEqual(try await f.client.post(read, json: ["up_to": staffMessages[0]]).status, 401)
        assertEqual(try await f.client.get("/v1/me/unread", token: f.adminA.token).status, 403)
        assertEqual(try await f.client.get("/v1/me/unread", token: f.integrationA.token).status, 403)
        assertEqual(try await f.client.get("/v1/me/unread").status, 401)
    }

    func testNotificationsGoToTheOfficerAndToTheVictimRespectingPreferences() async throws {
        _ = try await post(caseID, ["body": "Any news?"], as: f.victim1)
        let toOfficer = try await f.db.query("SELECT user_id, kind, subject, body FROM notifications WHERE kind = 'message'")
        XCTAssertEqual(toOfficer.rows.count, 1)
        XCTAssertEqual(try toOfficer.first?.decode("user_id", as: UUID.self), f.officerA.id)
        XCTAssertFalse(try toOfficer.first!.decode("body", as: String.self).contains("Any news?"), "no content to staff mail")
        let victimName = try await f.db.queryFirst("SELECT name FROM users WHERE id = \(f.victim1.id)")!.decode("name", as: String.self)
        XCTAssertEqual(try toOfficer.first?.decode("body", as: String.self),
                       "\(victimName) sent a message on one of your cases. Sign in to TrackMyCrime to read it and reply.")
        XCTAssertTrue(try toOfficer.first!.decode("subject", as: String.self).hasPrefix("New message from a victim on case KT/"))

        try await f.db.execute("UPDATE users SET safe_contact = true WHERE id = \(f.victim1.id)")
        try await f.db.execute("UPDATE users SET contact_channel = 'none' WHERE id = \(f.victim2.id)")
        _ = try await post(caseID, ["body": "We have arrested someone.", "victim_id": f.victim1.idString], as: f.officerA)
        _ = try await post(caseID, ["body": "Secret", "victim_id": f.victim2.idString], as: f.officerA)
        let toVictims = try await f.db.query("SELECT user_id, subject, body FROM notifications WHERE kind = 'message' AND user_id <> \(f.officerA.id)")
        XCTAssertEqual(toVictims.rows.count, 1, "victim two asked for no notifications")
        XCTAssertEqual(try toVictims.first?.decode("body", as: String.self), NotificationOutbox.safeBody, "safe contact: no content")
        XCTAssertEqual(try toVictims.first?.decode("subject", as: String.self), NotificationOutbox.safeSubject)

        try await f.db.execute("UPDATE users SET safe_contact = false WHERE id = \(f.victim1.id)")
        _ = try await post(caseID, ["body": "Court date set.", "victim_id": f.victim1.idString], as: f.officerA)
        let plain = try await f.db.queryFirst("""
            SELECT body, subject FROM notifications WHERE user_id = \(f.victim1.id) AND kind = 'message' ORDER BY created_at DESC LIMIT 1
            """)
        XCTAssertTrue(try plain!.decode("body", as: String.self).contains("Court date set."))
        XCTAssertTrue(try plain!.decode("subject", as: String.self).hasPrefix("New message about your case KT/"))

        // One `message.created` row per message for /v1/events; only the victim's message (the
        // first) is also in the change feed, where it reads as `message_from_victim`.
        let live = try await f.db.query("SELECT in_change_feed FROM events WHERE type = 'message.created' ORDER BY id")
            .map { try $0.decode("in_change_feed", as: Bool.self) }
        XCTAssertEqual(live, [true, false, false, false])
        var feed: [[String: Any]] = []
        for _ in 0..<50 {
            let r = try await f.client.get("/v1/forces/kent/changes", token: f.integrationA.token)
            XCTAssertEqual(r.status, 200, r.text)
            feed = r.items.filter { ($0["type"] as? String)?.hasPrefix("message") == true }
            if !feed.isEmpty { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        XCTAssertEqual(feed.map { $0["type"] as? String }, ["message_from_victim"])
        XCTAssertEqual((feed.first?["data"] as? [String: Any])?["body"] as? String, "Any news?")
    }
}
