import Foundation
import TMCApp
import TMCPostgres
import XCTest

/// `GET /v1/forces/{code}/changes`: commit-ordered, never skipping or repeating an event.
final class ChangeFeedServiceTests: XCTestCase {
    var f: CasesFixture!
    var hub: EventHub!

    override func setUp() async throws {
        f = try await CasesFixture.make { $0.rateLimitReportsPerHour = 100_000 }
        // The sequencer numbers committed events; a server runs one, a test starts its own.
        hub = EventHub(pool: f.server.database, databaseURL: f.server.databaseURL, logger: Logger(sink: TestServer.logSink))
        await hub.start()
    }

    override func tearDown() async throws {
        await hub?.stop()
        await f?.stop()
    }

    /// Polls the feed as `who` until `count` items arrived (or 30 s passed).
    private func poll(_ who: CasesFixture.Person, force: String = "kent", until count: Int, limit: Int = 7,
                      after start: Int64 = 0) async throws -> (items: [[String: Any]], next: Int64) {
        var items: [[String: Any]] = []
        var after = start
        let deadline = ContinuousClock.now + .seconds(30)
        while items.count < count && ContinuousClock.now < deadline {
            let r = try await f.client.get("/v1/forces/\(force)/changes?after=\(after)&limit=\(limit)", token: who.token)
            XCTAssertEqual(r.status, 200, r.text)
            let page = r.items
            items += page
            let next = (r.json["next_after"] as? NSNumber)?.int64Value ?? -1
            if let last = page.last { XCTAssertEqual((last["seq"] as? NSNumber)?.int64Value, next) } else { XCTAssertEqual(next, after) }
            after = next
            if page.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
        }
        return (items, after)
    }

    func testTenConcurrentWritersAreEachSeenExactlyOnceByAPoller() async throws {
        let writers = 10, perWriter = 8
        let client = f.client
        let bodies = try (0..<writers).map { w in
            try (0..<perWriter).map { i in
                Array(try JSONSerialization.data(withJSONObject: f.reportBody(extra: ["description": "Writer \(w), report \(i): bike taken.",
                                                                                      "property": [], "witnesses": []])))
            }
        }
        // Another force's writes must not appear in kent's feed.
        try await f.submitReport(f.reportBody(force: "surrey"))
        async let written: [String] = withThrowingTaskGroup(of: [String].self) { group in
            for w in 0..<writers {
                group.addTask {
                    var ids: [String] = []
                    for body in bodies[w] {
                        let r = try await client.send("POST", "/v1/reports", headers: [("Content-Type", "application/json")], body: body)
                        ids.append(r.json["id"] as? String ?? "status \(r.status)")
                    }
                    return ids
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let (items, _) = try await poll(f.integrationA, until: writers * perWriter)
        let ids = try await written
        let seen = items.compactMap { $0["report_id"] as? String }
        XCTAssertEqual(seen.count, writers * perWriter)
        XCTAssertEqual(Set(seen).count, seen.count, "no event twice")
        XCTAssertEqual(Set(seen), Set(ids), "every event, kent's only")
        let seqs = items.compactMap { ($0["seq"] as? NSNumber)?.int64Value }
        XCTAssertEqual(seqs, seqs.sorted())
        XCTAssertEqual(Set(items.compactMap { $0["type"] as? String }), ["report_submitted"])
    }

    func testALateCommitterIsNotSkipped() async throws {
        let pool = f.server.database, forceID = f.forceA.id
        let slow = Task {
            try await pool.transaction { db in
                try await EventRepository.append(db, NewEvent(type: "slow", forceID: forceID, inChangeFeed: true))
                try await Task.sleep(for: .milliseconds(800))
            }
        }
        try await Task.sleep(for: .milliseconds(150))
        try await f.submitReport()
        let first = try await poll(f.supervisorA, until: 1)
        XCTAssertEqual(first.items.map { $0["type"] as? String }, ["report_submitted"])
        try await slow.value
        let second = try await poll(f.supervisorA, until: 1, after: first.next)
        XCTAssertEqual(second.items.map { $0["type"] as? String }, ["slow"], "committed later, seen after, not lost behind the cursor")
        let quiet = try await f.client.get("/v1/forces/kent/changes?after=\(second.next)", token: f.supervisorA.token)
        XCTAssertEqual(quiet.items.count, 0)
        XCTAssertEqual((quiet.json["next_after"] as? NSNumber)?.int64Value, second.next)
    }

    func testWhatVictimsAddToCasesIsInTheFeed() async throws {
        let caseID = try await f.createCase()["id"] as? String ?? ""
        let property = try await f.client.post("/v1/cases/\(caseID)/property", token: f.victim1.token,
                                               json: ["kind": "stolen", "category": "laptop_or_tablet", "description": "Grey laptop"])
        XCTAssertEqual(property.status, 201, property.text)
        let statement = try await f.client.post("/v1/cases/\(caseID)/statement", token: f.victim1.token, json: ["text": "I am scared."])
        XCTAssertEqual(statement.status, 201, statement.text)
        try await f.postUpdate(caseID, ["event": "suspect_interviewed", "message": "A suspect was interviewed."])
        try await f.postUpdate(caseID, ["event": "no_further_action", "message": "No further action."])
        let review = try await f.client.post("/v1/cases/\(caseID)/review-request", token: f.victim1.token, json: ["reason": "I disagree."])
        XCTAssertEqual(review.status, 201, review.text)
        let (items, _) = try await poll(f.integrationA, until: 3)
        XCTAssertEqual(items.map { $0["type"] as? String }, ["property_added", "statement_added", "review_requested"])
        XCTAssertEqual(items.map { $0["case_id"] as? String }, [caseID, caseID, caseID])
        XCTAssertEqual(items[0]["resource_id"] as? String, property.json["id"] as? String)
        XCTAssertEqual(((items[0]["data"] as? [String: Any])?["item"] as? [String: Any])?["description"] as? String, "Grey laptop")
        XCTAssertEqual((items[1]["data"] as? [String: Any])?["text"] as? String, "I am scared.")
        XCTAssertEqual(items[1]["resource_id"] as? String, "\(f.victim1.idString):1")
        XCTAssertEqual(items[2]["resource_id"] as? String, review.json["id"] as? String)
        XCTAssertNotNil(items[2]["at"] as? String)
    }

    func testTheFeedIsForTheForcesKeysAndSupervisors() async throws {
        let report = try await f.submitReport()
        let (items, _) = try await poll(f.supervisorA, until: 1)
        let item = try XCTUnwrap(items.first)
        XCTAssertEqual(item["type"] as? String, "report_submitted")
        XCTAssertEqual(item["report_id"] as? String, report["id"] as? String)
        XCTAssertEqual(item["resource_id"] as? String, report["id"] as? String)
        XCTAssertNil(item["case_id"])
        let data = item["data"] as? [String: Any] ?? [:]
        XCTAssertEqual((data["report"] as? [String: Any])?["reference"] as? String, report["reference"] as? String)
        for (who, status) in [(f.officerA!, 403), (f.adminA!, 403), (f.victim1!, 403), (f.sysadmin!, 403),
                              (f.supervisorB!, 404), (f.officerB!, 403)] {
            try await expectEqual(status) { try await self.f.client.get("/v1/forces/kent/changes", token: who.token).status }
        }
        try await expectEqual(404) { try await self.f.client.get("/v1/forces/atlantis/changes", token: self.f.integrationA.token).status }
        try await expectEqual(401) { try await self.f.client.get("/v1/forces/kent/changes").status }
        for bad in ["after=-1", "after=x", "limit=0", "limit=201"] {
            let r = try await f.client.get("/v1/forces/kent/changes?\(bad)", token: f.integrationA.token)
            XCTAssertEqual(r.status, 422, bad)
        }
        let surrey = try await f.integrationKey(force: f.forceB.id)
        try await expectEqual(0) { try await self.f.client.get("/v1/forces/surrey/changes", token: surrey.token).items.count }
    }
}
