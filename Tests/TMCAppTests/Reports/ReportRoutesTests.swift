import Foundation
import TMCApp
import TMCPostgres
import XCTest

/// `POST /v1/reports`, `GET /v1/reports`, `GET /v1/reports/{id}` end to end.
final class ReportRoutesTests: XCTestCase {
    var f: CasesFixture!

    override func setUp() async throws { f = try await CasesFixture.make { $0.rateLimitReportsPerHour = 1000 } }
    override func tearDown() async throws { await f?.stop() }

    private var year: Int {
        Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "Europe/London")!, from: Date()).year!
    }

    func testAnonymousSubmissionIsStoredNormalisedWithAReference() async throws {
        let r = try await f.client.post("/v1/reports", json: f.reportBody())
        XCTAssertEqual(r.status, 201, r.text)
        let report = r.json
        let id = try XCTUnwrap(report["id"] as? String)
        XCTAssertEqual(r.header("Location"), "/v1/reports/\(id)")
        XCTAssertEqual(r.header("Cache-Control"), "no-store")
        XCTAssertEqual(report["status"] as? String, "submitted")
        XCTAssertEqual(report["force"] as? String, "kent")
        XCTAssertEqual(report["anonymous"] as? Bool, true)
        XCTAssertEqual(report["not_an_emergency"] as? Bool, true)
        XCTAssertEqual(report["reference"] as? String, "OR-KENT-\(year)-000001")
        XCTAssertEqual((report["location"] as? [String: Any])?["postcode"] as? String, "CT1 2RB")
        XCTAssertEqual((report["location"] as? [String: Any])?["latitude"] as? Double, 51.2743)
        XCTAssertEqual((report["reporter"] as? [String: Any])?["email"] as? String, "rita@example.com")
        XCTAssertEqual((report["property"] as? [[String: Any]])?.first?["serial_number"] as? String, "WTU123")
        XCTAssertEqual((report["property"] as? [[String: Any]])?.first?["estimated_value_pence"] as? Int, 85000)
        XCTAssertEqual((report["witnesses"] as? [[String: Any]])?.first?["name"] as? String, "Wendy Witness")
        XCTAssertEqual(report["occurred_from"] as? String, "2026-11-30T08:00:00Z")
        XCTAssertNil(report["triage"], "the reporter's view has no staff details")
        let second = try await f.submitReport(f.reportBody(extra: ["property": [], "witnesses": []]))
        XCTAssertEqual(second["reference"] as? String, "OR-KENT-\(year)-000002")
        let surrey = try await f.submitReport(f.reportBody(force: "surrey"))
        XCTAssertEqual(surrey["reference"] as? String, "OR-SURREY-\(year)-000001", "one counter per force and year")
        // Only the required fields.
        let minimal = try await f.client.post("/v1/reports", json: [
            "force": "kent", "category": "criminal-damage-arson", "description": "Graffiti sprayed on my garage door.",
            "occurred_from": "2026-12-01T22:00:00+01:00", "location": ["description": "12 High Street"],
            "reporter": ["name": "Min", "email": "min@example.com"], "not_an_emergency": true,
        ])
        XCTAssertEqual(minimal.status, 201, minimal.text)
        XCTAssertEqual(minimal.json["occurred_from"] as? String, "2026-12-01T21:00:00Z")
    }

    func testOneRequestWithEveryFieldBadNamesEveryField() async throws {
        let r = try await f.client.post("/v1/reports", json: [
            "force": "Kent Police!",
            "category": "all-crime",
            "description": "short",
            "occurred_from": "2999-01-01T00:00:00Z",
            "occurred_to": "2999-01-02T00:00:00Z",
            "location": ["description": "", "postcode": "ABC", "latitude": 91],
            "reporter": ["name": " ", "email": "not-an-email", "phone": "call me"],
            "property": [["kind": "borrowed", "category": "spaceship", "description": "", "estimated_value_pence": -1, "status": "returned"]],
            "suspect_description": String(repeating: "x", count: 2001),
            "witnesses": [["phone": "12", "email": "nope"], "Bob"],
            "not_an_emergency": false,
        ] as [String: Any])
        XCTAssertEqual(r.status, 422, r.text)
        XCTAssertEqual(r.problemCode, "validation_failed")
        XCTAssertEqual(Set(r.invalidFields), [
            "not_an_emergency", "force", "category", "description", "occurred_from", "occurred_to",
            "location.description", "location.postcode", "location.latitude", "location.longitude",
            "reporter.name", "reporter.email", "reporter.phone",
            "property[0].kind", "property[0].category", "property[0].description", "property[0].estimated_value_pence",
            "property[0].status", "suspect_description",
            "witnesses[0].name", "witnesses[0].phone", "witnesses[0].email", "witnesses[1]",
        ])
        try await expectEqual(0) { try await self.reportCount() }
    }

    func testEachRuleOnItsOwn() async throws {
        let cases: [(String, [String: Any], [String])] = [
            ("no not_an_emergency", ["not_an_emergency": NSNull()], ["not_an_emergency"]),
            ("not_an_emergency as text", ["not_an_emergency": "true"], ["not_an_emergency"]),
            ("unknown force", ["force": "atlantis"], ["force"]),
            ("no force", ["force": NSNull()], ["force"]),
            ("category of cases only", ["category": "all-crime"], ["category"]),
            ("description too short", ["description": "   too short   "], ["description"]),
            ("description too long", ["description": String(repeating: "é", count: 5001)], ["description"]),
            ("occurred_to before occurred_from", ["occurred_to": "2026-11-30T07:59:59Z"], ["occurred_to"]),
            ("occurred_from not RFC 3339", ["occurred_from": "30/11/2026"], ["occurred_from"]),
            ("occurred_from in the future", ["occurred_from": RFC3339.string(from: Date().addingTimeInterval(3600)), "occurred_to": NSNull()],
             ["occurred_from"]),
            ("postcode shape", ["location": ["description": "x", "postcode": "12345"]], ["location.postcode"]),
            ("latitude without longitude", ["location": ["description": "x", "latitude": 51.5]], ["location.longitude"]),
            ("longitude out of range", ["location": ["description": "x", "latitude": 0, "longitude": 180.5]], ["location.longitude"]),
            ("location missing", ["location": NSNull()], ["location"]),
            ("anonymous without reporter", ["reporter": NSNull()], ["reporter"]),
            ("reporter email", ["reporter": ["name": "R", "email": "r@"]], ["reporter.email"]),
            ("property not a list", ["property": "bike"], ["property"]),
            ("too many items", ["property": Array(repeating: ["kind": "stolen", "category": "cash", "description": "£5"], count: 21)],
             ["property"]),
            ("witness email", ["witnesses": [["name": "W", "email": "w@x"]]], ["witnesses[0].email"]),
            ("too many witnesses", ["witnesses": Array(repeating: ["name": "W"], count: 11)], ["witnesses"]),
        ]
        for (name, change, fields) in cases {
            var body = f.reportBody()
            for (k, v) in change { body[k] = v is NSNull ? nil : v }
            let r = try await f.client.post("/v1/reports", json: body)
            XCTAssertEqual(r.status, 422, "\(name): \(r.text)")
            XCTAssertEqual(r.invalidFields.sorted(), fields.sorted(), name)
        }
        for (given, stored) in [("sw1a1aa", "SW1A 1AA"), (" M1  1AE ", "M1 1AE"), ("b338th", "B33 8TH"), ("cr2 6xh", "CR2 6XH"),
                                ("DN55 1PT", "DN55 1PT"), ("w1a 0ax", "W1A 0AX"), ("ec1a1bb", "EC1A 1BB")] {
            let r = try await f.client.post("/v1/reports", json: f.reportBody(extra: ["location": ["description": "x", "postcode": given]]))
            XCTAssertEqual(r.status, 201, "\(given): \(r.text)")
            XCTAssertEqual((r.json["location"] as? [String: Any])?["postcode"] as? String, stored)
        }
        let malformed = try await f.client.send("POST", "/v1/reports", headers: [("Content-Type", "application/json")], body: Array("{\"force\":".utf8))
        XCTAssertEqual(malformed.status, 400)
        let wrongType = try await f.client.send("POST", "/v1/reports", headers: [("Content-Type", "text/plain")], body: Array("hello".utf8))
        XCTAssertEqual(wrongType.status, 415)
    }

    func testSignedInVictimReportsUnderTheirAccount() async throws {
        let mine = try await f.submitReport(token: f.victim1.token)
        XCTAssertEqual(mine["anonymous"] as? Bool, false)
        XCTAssertEqual((mine["reporter"] as? [String: Any])?["email"] as? String, f.victim1.email)
        let withReporter = try await f.client.post("/v1/reports", token: f.victim1.token, json: f.reportBody())
        XCTAssertEqual(withReporter.status, 422)
        XCTAssertEqual(withReporter.invalidFields, ["reporter"])
        for person in [f.officerA!, f.supervisorA!, f.adminA!, f.integrationA!, f.sysadmin!] {
            let r = try await f.client.post("/v1/reports", token: person.token, json: f.reportBody())
            XCTAssertEqual(r.status, 403, r.text)
        }
        let badToken = try await f.client.post("/v1/reports", token: "tmc_nonsense", json: f.reportBody())
        XCTAssertEqual(badToken.status, 401)
    }

    func testIdempotentReplayReturnsTheSameReportAndCreatesNothing() async throws {
        let bytes = Array(try JSONSerialization.data(withJSONObject: f.reportBody(), options: [.sortedKeys]))
        let headers = [("Content-Type", "application/json"), ("Idempotency-Key", "report-1")]
        let first = try await f.client.send("POST", "/v1/reports", headers: headers, body: bytes)
        XCTAssertEqual(first.status, 201, first.text)
        let again = try await f.client.send("POST", "/v1/reports", headers: headers, body: bytes)
        XCTAssertEqual(again.status, 201, again.text)
        XCTAssertEqual(again.header("Idempotent-Replayed"), "true")
        XCTAssertEqual(again.json["id"] as? String, first.json["id"] as? String)
        XCTAssertEqual(again.json["reference"] as? String, first.json["reference"] as? String)
        try await expectEqual(1) { try await self.reportCount() }
        var other = f.reportBody()
        other["description"] = "Something else entirely happened here."
        let conflict = try await f.client.send("POST", "/v1/reports", headers: headers,
                                               body: Array(try JSONSerialization.data(withJSONObject: other, options: [.sortedKeys])))
        XCTAssertEqual(conflict.status, 409, conflict.text)
        XCTAssertEqual(conflict.problemCode, "conflict")
        try await expectEqual(1) { try await self.reportCount() }
        let next = try await f.submitReport()
        XCTAssertEqual(next["reference"] as? String, "OR-KENT-\(year)-000002", "a replay uses no reference number")
    }

    func testAnAnonymousReportIsNeverLinkedToTheAccountWithItsEmail() async throws {
        let anonymous = try await f.submitReport(f.reportBody(extra: ["reporter": ["name": "Val", "email": f.victim1.email.uppercased()]]))
        let id = try XCTUnwrap(anonymous["id"] as? String)
        let list = try await f.client.get("/v1/reports", token: f.victim1.token)
        XCTAssertEqual(list.status, 200)
        XCTAssertEqual(list.items.count, 0)
        try await expectEqual(404) { try await self.f.client.get("/v1/reports/\(id)", token: self.f.victim1.token).status }
        let stored = try await f.db.queryFirst("SELECT reporter_id FROM reports WHERE id = \(UUID(uuidString: id)!)")
        XCTAssertNil(try stored?.decode("reporter_id", as: UUID?.self))
    }

    func testWhoSeesWhichReports() async throws {
        let mine = try await f.submitReport(token: f.victim1.token)["id"] as? String ?? ""
        let theirs = try await f.submitReport(token: f.victim2.token)["id"] as? String ?? ""
        let anonymous = try await f.submitReport()["id"] as? String ?? ""
        let surrey = try await f.submitReport(f.reportBody(force: "surrey"))["id"] as? String ?? ""

        let victimList = try await f.client.get("/v1/reports", token: f.victim1.token)
        XCTAssertEqual(victimList.items.map { $0["id"] as? String }, [mine])
        try await expectEqual(200) { try await self.f.client.get("/v1/reports/\(mine)", token: self.f.victim1.token).status }
        for other in [theirs, anonymous, surrey] {
            try await expectEqual(404) { try await self.f.client.get("/v1/reports/\(other)", token: self.f.victim1.token).status }
        }

        for staff in [f.officerA!, f.supervisorA!, f.integrationA!] {
            let queue = try await f.client.get("/v1/reports", token: staff.token)
            XCTAssertEqual(queue.status, 200, queue.text)
            XCTAssertEqual(queue.items.map { $0["id"] as? String }, [mine, theirs, anonymous], "oldest first, kent's only")
            let one = try await f.client.get("/v1/reports/\(anonymous)", token: staff.token)
            XCTAssertEqual(one.status, 200)
            XCTAssertNotNil(one.json["triage"], "staff see the triage history")
            try await expectEqual(404) { try await self.f.client.get("/v1/reports/\(surrey)", token: staff.token).status }
        }
        try await expectEqual(404) { try await self.f.client.get("/v1/reports/\(mine)", token: self.f.officerB.token).status }
        try await expectEqual(404) { try await self.f.client.get("/v1/reports/not-a-uuid", token: self.f.officerA.token).status }
        for forbidden in [f.adminA!, f.sysadmin!] {
            try await expectEqual(403) { try await self.f.client.get("/v1/reports", token: forbidden.token).status }
            try await expectEqual(403) { try await self.f.client.get("/v1/reports/\(mine)", token: forbidden.token).status }
        }
        try await expectEqual(401) { try await self.f.client.get("/v1/reports").status }

        // Keyset pages: every report once, in order.
        var seen: [String] = []
        var cursor: String?
        repeat {
            let path = "/v1/reports?limit=1" + (cursor.map { "&cursor=\($0)" } ?? "")
            let page = try await f.client.get(path, token: f.officerA.token)
            XCTAssertEqual(page.status, 200, page.text)
            seen += page.items.compactMap { $0["id"] as? String }
            cursor = page.json["next_cursor"] as? String
        } while cursor != nil && seen.count < 10
        XCTAssertEqual(seen, [mine, theirs, anonymous])
        let filtered = try await f.client.get("/v1/reports?status=no_crime", token: f.officerA.token)
        XCTAssertEqual(filtered.items.count, 0)
        try await expectEqual(422) { try await self.f.client.get("/v1/reports?status=lost", token: self.f.officerA.token).status }
        try await expectEqual(422) { try await self.f.client.get("/v1/reports?limit=0", token: self.f.officerA.token).status }
        try await expectEqual(422) { try await self.f.client.get("/v1/reports?cursor=zzz", token: self.f.officerA.token).status }
    }

    func testConcurrentSubmissionsGetEveryReferenceOnce() async throws {
        let n = 24
        let client = f.client
        let body = Array(try JSONSerialization.data(withJSONObject: f.reportBody(extra: ["property": [], "witnesses": []])))
        let references = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<n {
                group.addTask {
                    let r = try await client.send("POST", "/v1/reports", headers: [("Content-Type", "application/json")], body: body)
                    return r.json["reference"] as? String ?? "status \(r.status)"
                }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        let expected = (1...n).map { String(format: "OR-KENT-\(year)-%06d", $0) }
        XCTAssertEqual(references.sorted(), expected, "no gaps, no duplicates")
    }

    func testSubmissionsAreLimitedPerAddress() async throws {
        await f.stop()
        f = try await CasesFixture.make { $0.rateLimitReportsPerHour = 3 }
        for _ in 0..<3 { try await f.submitReport() }
        let limited = try await f.client.post("/v1/reports", json: f.reportBody())
        XCTAssertEqual(limited.status, 429, limited.text)
        XCTAssertEqual(limited.problemCode, "rate_limited")
        XCTAssertNotNil(Int(limited.header("Retry-After") ?? ""))
        let signedIn = try await f.client.post("/v1/reports", token: f.victim1.token, json: f.reportBody(extra: ["reporter": NSNull()]))
        XCTAssertEqual(signedIn.status, 429, "the limit is per address, signed in or not")
        try await expectEqual(3) { try await self.reportCount() }
        // The limit is held in PostgreSQL: another instance on the same database agrees.
        let second = try await TestServer.start({ $0.rateLimitReportsPerHour = 3 }, database: (f.server.databaseName, f.server.databaseURL))
        let elsewhere = try await second.client.post("/v1/reports", json: f.reportBody())
        await second.stop(dropDatabase: false)
        XCTAssertEqual(elsewhere.status, 429)
    }

    private func reportCount() async throws -> Int {
        try await f.db.queryFirst("SELECT count(*) AS n FROM reports")?.decode("n", as: Int.self) ?? -1
    }
}
