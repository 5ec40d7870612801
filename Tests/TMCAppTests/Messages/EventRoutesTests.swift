import Foundation
import TMCApp
import TMCPostgres
import XCTest

/// `GET /v1/events` and `POST /v1/events/ticket`, end to end over real sockets.
final class EventRoutesTests: XCTestCase {
    var f: CasesFixture!
    var caseID = ""
    var otherCaseID = ""
    var extraServers: [TestServer] = []

    override func setUp() async throws {
        f = try await CasesFixture.make { $0.eventsHeartbeatInterval = .milliseconds(300) }
        caseID = try await f.createCase(victims: [["email": f.victim1.email, "name": "Val", "enhanced": false],
                                                  ["email": f.victim2.email, "name": "Vic", "enhanced": false]])["id"] as? String ?? ""
        otherCaseID = try await f.createCase(victims: [["email": f.victim3.email, "name": "Olly", "enhanced": false]])["id"] as? String ?? ""
    }

    override func tearDown() async throws {
        for s in extraServers { await s.stop(dropDatabase: false) }
        await f?.stop()
    }

    /// A second instance on the same database.
    private func secondInstance() async throws -> TestServer {
        let s = try await TestServer.start({ $0.eventsHeartbeatInterval = .milliseconds(300) },
                                           database: (f.server.databaseName, f.server.databaseURL))
        extraServers.append(s)
        return s
    }

    private func open(_ person: CasesFixture.Person, port: Int? = nil, headers: [(String, String)] = []) async throws -> SSETestClient {
        let client = try SSETestClient(port: port ?? f.server.port, path: "/v1/events", token: person.token, headers: headers)
        let head = try await client.responseHead()
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.header("Content-Type"), "text/event-stream; charset=utf-8")
        XCTAssertEqual(head.header("Cache-Control"), "no-store")
        return client
    }

    @discardableResult
    private func post(_ caseID: String, _ body: String, as person: CasesFixture.Person, to victim: CasesFixture.Person? = nil,
                      port: Int? = nil) async throws -> [String: Any] {
        var json: [String: Any] = ["body": body]
        if let victim { json["victim_id"] = victim.idString }
        let client = port.map { TestHTTPClient(port: $0) } ?? f.client
        let r = try await client.post("/v1/cases/\(caseID)/messages", token: person.token, json: json)
        XCTAssertEqual(r.status, 201, r.text)
        return r.json
    }

    func testAMessageReachesExactlyThoseWhoMaySeeIt() async throws {
        let victim1 = try await open(f.victim1), victim2 = try await open(f.victim2), victim3 = try await open(f.victim3)
        let officerA = try await open(f.officerA), integration = try await open(f.integrationA), officerB = try await open(f.officerB)
        let admin = try SSETestClient(port: f.server.port, path: "/v1/events", token: f.adminA.token)
        assertEqual(try await admin.responseHead().status, 403)

        let started = ContinuousClock.now
        let sent = try await post(caseID, "We have a suspect.", as: f.officerA, to: f.victim1)
        let got = try await victim1.waitForEvents(1, within: .seconds(1))
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(1))
        XCTAssertEqual(got.count, 1)
        XCTAssertEqual(got.first?.event, "message.created")
        XCTAssertNotNil(got.first?.id.flatMap { Int64($0) })
        let data = got.first?.json ?? [:]
        XCTAssertEqual(data["id"] as? String, sent["id"] as? String)
        XCTAssertEqual(data["body"] as? String, "We have a suspect.")
        XCTAssertEqual(data["victim_id"] as? String, f.victim1.idString)
        XCTAssertEqual(data["case_id"] as? String, caseID)
        XCTAssertTrue((data["sender"] as? [String: Any])?["id"] is NSNull, "the shared view hides staff ids")
        assertEqual(try await officerA.waitForEvents(1).count, 1)
        assertEqual(try await integration.waitForEvents(1).count, 1)

        // A victim's own message reaches them and the force, not the other victim.
        let thanks = try await post(caseID, "Thank you", as: f.victim1)
        let own = try await victim1.waitForEvents(2)
        XCTAssertEqual(own.count, 2)
        let ownData = own.last?.json ?? [:]
        XCTAssertEqual(ownData["id"] as? String, thanks["id"] as? String)
        XCTAssertEqual(ownData["victim_id"] as? String, f.victim1.idString)
        let sender = ownData["sender"] as? [String: Any] ?? [:]
        XCTAssertEqual(sender["id"] as? String, f.victim1.idString, "a victim sender's id is shown")
        XCTAssertEqual(sender["role"] as? String, "victim")
        XCTAssertEqual(sender["name"] as? String, (thanks["sender"] as? [String: Any])?["name"] as? String)
        let victimName = try await f.db.queryFirst("SELECT name FROM users WHERE id = \(f.victim1.id)")?.decode("name", as: String.self)
        XCTAssertEqual(sender["name"] as? String, victimName)
        assertEqual(try await officerA.waitForEvents(2).count, 2)
        try await Task.sleep(for: .milliseconds(700))
        XCTAssertEqual(victim2.receivedEvents.count, 0, "another victim of the same case")
        XCTAssertEqual(victim3.receivedEvents.count, 0, "a victim of another case")
        XCTAssertEqual(officerB.receivedEvents.count, 0, "another force")
        XCTAssertFalse(victim2.receivedComments.filter { $0 == "heartbeat" }.isEmpty, "heartbeats keep idle streams alive")
    }

    func testCaseUpdatesReachTheCasesVictimsOnlyOncePublished() async throws {
        let victim1 = try await open(f.victim1), victim2 = try await open(f.victim2), victim3 = try await open(f.victim3)
        let officer = try await open(f.officerA)
        let draft = try await f.postUpdate(caseID, ["event": "suspect_arrested"])
        let updateID = draft.json["id"] as? String ?? ""
        let staffOnly = try await officer.waitForEvents(1)
        XCTAssertEqual(staffOnly.first?.event, "case.updated")
        XCTAssertEqual(staffOnly.first?.json["change"] as? String, "update_recorded")
        let published = try await f.client.post("/v1/cases/\(caseID)/updates/\(updateID)/publish", token: f.officerA.token,
                                                json: ["message": "We have arrested a suspect."])
        XCTAssertEqual(published.status, 200, published.text)
        for stream in [victim1, victim2] {
            let got = try await stream.waitForEvents(1)
            XCTAssertEqual(got.map(\.event), ["case.updated"])
            XCTAssertEqual(got.first?.json["update_id"] as? String, updateID)
            XCTAssertEqual(got.first?.json["case_id"] as? String, caseID)
        }
        assertEqual(try await officer.waitForEvents(2).count, 2)
        try await Task.sleep(for: .milliseconds(300))
        XCTAssertEqual(victim1.receivedEvents.count, 1, "the unpublished update was not sent to victims")
        XCTAssertEqual(victim3.receivedEvents.count, 0)
    }

    func testLastEventIDResumesWithExactlyTheMissedEvents() async throws {
        let first = try await open(f.victim1)
        try await post(caseID, "one", as: f.officerA, to: f.victim1)
        let seen = try await first.waitForEvents(1)
        let lastID = try XCTUnwrap(seen.first?.id)
        first.disconnect()
        _ = await first.waitClosed()
        try await post(caseID, "two", as: f.officerA, to: f.victim1)
        try await post(caseID, "not yours", as: f.officerA, to: f.victim2)
        try await post(caseID, "three", as: f.victim1)
        // Let the missed events be sequenced before reconnecting.
        let officer = try await open(f.officerA)
        try await Task.sleep(for: .milliseconds(300))
        _ = officer

        let resumed = try await open(f.victim1, headers: [("Last-Event-ID", lastID)])
        let replay = try await resumed.waitForEvents(2)
        XCTAssertEqual(replay.map { $0.json["body"] as? String }, ["two", "three"])
        try await post(caseID, "four", as: f.officerA, to: f.victim1)
        let all = try await resumed.waitForEvents(3)
        try await Task.sleep(for: .milliseconds(300))
        XCTAssertEqual(resumed.receivedEvents.map { $0.json["body"] as? String }, ["two", "three", "four"], "no loss, no repeat")
        XCTAssertEqual(all.compactMap { $0.id.flatMap { Int64($0) } }, all.compactMap { $0.id.flatMap { Int64($0) } }.sorted())

        // The query parameter does the same for clients that cannot set the header.
        let byQuery = try SSETestClient(port: f.server.port, path: "/v1/events?last_event_id=\(lastID)", token: f.victim1.token)
        assertEqual(try await byQuery.waitForEvents(3).map { $0.json["body"] as? String }, ["two", "three", "four"])
        let bad = try SSETestClient(port: f.server.port, path: "/v1/events", token: f.victim1.token, headers: [("Last-Event-ID", "abc")])
        assertEqual(try await bad.responseHead().status, 422)
    }

    func testTwoInstancesDeliverAndRevokeAcrossTheDatabase() async throws {
        let b = try await secondInstance()
        let onB = try await open(f.victim1, port: b.port)
        let officerOnB = try await open(f.officerA, port: b.port)
        try await post(caseID, "Written through instance A", as: f.officerA, to: f.victim1)
        let got = try await onB.waitForEvents(1, within: .seconds(2))
        XCTAssertEqual(got.first?.json["body"] as? String, "Written through instance A")
        try await post(caseID, "Written through instance B", as: f.victim1, port: b.port)
        assertEqual(try await officerOnB.waitForEvents(2, within: .seconds(2)).count, 2)

        // Logging out on A ends the stream held on B, cleanly.
        let logout = try await f.client.post("/v1/auth/logout", token: f.victim1.token)
        XCTAssertEqual(logout.status, 204, logout.text)
        let closed = await onB.waitClosed(within: .seconds(3))
        XCTAssertTrue(closed.closed, "revocation ends the stream")
        XCTAssertTrue(closed.cleanly, "with the final chunk")
        XCTAssertTrue(onB.receivedComments.contains { $0.contains("revoked") })
        let officerClosed = await officerOnB.waitClosed(within: .milliseconds(300))
        XCTAssertFalse(officerClosed.closed, "others' streams stay open")
        assertEqual(try await f.client.get("/v1/events", token: f.victim1.token).status, 401)
    }

    func testTicketsWorkOnceWithinAMinuteAndOnAnyInstance() async throws {
        let issued = try await f.client.post("/v1/events/ticket", token: f.victim1.token)
        XCTAssertEqual(issued.status, 201, issued.text)
        let ticket = try XCTUnwrap(issued.json["ticket"] as? String)
        XCTAssertNotNil(issued.json["expires_at"] as? String)
        XCTAssertEqual(issued.header("Cache-Control"), "no-store")
        let b = try await secondInstance()
        let stream = try SSETestClient(port: b.port, path: "/v1/events?ticket=\(ticket)")
        assertEqual(try await stream.responseHead().status, 200)
        try await post(caseID, "via ticket", as: f.officerA, to: f.victim1)
        assertEqual(try await stream.waitForEvents(1).first?.json["body"] as? String, "via ticket")
        let again = try SSETestClient(port: f.server.port, path: "/v1/events?ticket=\(ticket)")
        assertEqual(try await again.responseHead().status, 401, "single use")
        assertEqual(try await f.client.get("/v1/events?ticket=tmct_unknown").status, 401)

        let expired = try await f.client.post("/v1/events/ticket", token: f.victim2.token).json["ticket"] as? String ?? ""
        try await f.db.execute("UPDATE event_tickets SET expires_at = now() - interval '1 second' WHERE used_at IS NULL")
        assertEqual(try await f.client.get("/v1/events?ticket=\(expired)").status, 401, "expired")
        let both = try await f.client.post("/v1/events/ticket", token: f.victim2.token).json["ticket"] as? String ?? ""
        assertEqual(try await f.client.get("/v1/events?ticket=\(both)", token: f.victim2.token).status, 400)

        assertEqual(try await f.client.post("/v1/events/ticket").status, 401)
        assertEqual(try await f.client.post("/v1/events/ticket", token: f.adminA.token).status, 403)
        assertEqual(try await f.client.post("/v1/events/ticket", token: f.sysadmin.token).status, 403)
        assertEqual(try await f.client.get("/v1/events").status, 401)
        let key = try await f.client.post("/v1/events/ticket", token: f.integrationA.token)
        XCTAssertEqual(key.status, 201, "integration keys subscribe too")

        // A ticket dies with the token it stands for.
        let orphan = try await f.client.post("/v1/events/ticket", token: f.victim3.token).json["ticket"] as? String ?? ""
        assertEqual(try await f.client.post("/v1/auth/logout", token: f.victim3.token).status, 204)
        assertEqual(try await f.client.get("/v1/events?ticket=\(orphan)").status, 401)
    }

    func testShutdownEndsStreamsCleanly() async throws {
        let b = try await secondInstance()
        let stream = try await open(f.victim1, port: b.port)
        extraServers.removeAll()
        await b.stop(dropDatabase: false)
        let closed = await stream.waitClosed(within: .seconds(3))
        XCTAssertTrue(closed.closed)
        XCTAssertTrue(closed.cleanly, "the chunked body is finished before the connection closes")
        XCTAssertTrue(stream.receivedComments.contains { $0.contains("shutdown") })
    }

    func testASlowClientIsDroppedWithoutHoldingUpOthers() async throws {
        await f.stop()
        f = try await CasesFixture.make {
            $0.http.maxStreamBufferBytes = 16 * 1024
            $0.eventsBufferLimit = 50
        }
        caseID = try await f.createCase()["id"] as? String ?? ""
        let slow = try SSETestClient(port: f.server.port, path: "/v1/events", token: f.officerA.token, reading: false, receiveBuffer: 2048)
        let fast = try await open(f.supervisorA)
        let body = String(repeating: "x", count: 9_000)
        let client = f.client, caseID = self.caseID, token = f.officerA.token
        // More than the kernel's socket buffers (4 MiB send at most here) can absorb.
        for batch in 0..<30 {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        let r = try await client.post("/v1/cases/\(caseID)/messages", token: token, json: ["body": body + "\(batch)"])
                        XCTAssertEqual(r.status, 201)
                    }
                }
                try await group.waitForAll()
            }
        }
        assertEqual(try await fast.waitForEvents(600, within: .seconds(20)).count, 600, "the reading client gets everything")
        slow.startReading()
        let closed = await slow.waitClosed(within: .seconds(10))
        XCTAssertTrue(closed.closed, "the slow client was disconnected")
        XCTAssertLessThan(slow.receivedEvents.count, 600)
        XCTAssertFalse(closed.cleanly)
    }
}
