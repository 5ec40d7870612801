import Foundation
import TMCApp
import TMCPostgres
import XCTest

/// Two forces with staff, an integration key and victims, written straight into the database
/// (no bcrypt, no HTTP) so that case tests start fast. Bearer tokens are seeded as their
/// SHA-256 digests, exactly as login would store them.
struct CasesFixture {
    let server: TestServer
    var client: TestHTTPClient { server.client }
    var db: PostgresPool { server.database }

    struct Person {
        var id: UUID
        var email: String
        var token: String
        var idString: String { id.uuidString.lowercased() }
    }

    var forceA = (id: UUID(), code: "kent")
    var forceB = (id: UUID(), code: "surrey")
    var officerA: Person!
    var officer2A: Person!
    var supervisorA: Person!
    var adminA: Person!
    var integrationA: Person!
    var officerB: Person!
    var supervisorB: Person!
    var adminB: Person!
    var sysadmin: Person!
    var victim1: Person!
    var victim2: Person!
    var victim3: Person!

    /// `configure` may change the server's configuration (small limits) before it starts;
    /// `database` is one to use instead of a new one on the shared test cluster.
    static func make(_ configure: (inout AppConfiguration) -> Void = { _ in },
                     database: (name: String, url: String)? = nil) async throws -> CasesFixture {
        let server = try await TestServer.start(configure, database: database)
        var f = CasesFixture(server: server)
        for force in [f.forceA, f.forceB] {
            try await f.db.execute("INSERT INTO forces (id, code, name) VALUES (\(force.id), \(force.code), \(force.code + " Police"))")
        }
        f.officerA = try await f.user("officer@kent.example", role: "officer", force: f.forceA.id)
        f.officer2A = try await f.user("officer2@kent.example", role: "officer", force: f.forceA.id)
        f.supervisorA = try await f.user("sergeant@kent.example", role: "supervisor", force: f.forceA.id)
        f.adminA = try await f.user("admin@kent.example", role: "admin", force: f.forceA.id)
        f.officerB = try await f.user("officer@surrey.example", role: "officer", force: f.forceB.id)
        f.supervisorB = try await f.user("sergeant@surrey.example", role: "supervisor", force: f.forceB.id)
        f.adminB = try await f.user("admin@surrey.example", role: "admin", force: f.forceB.id)
        f.sysadmin = try await f.user("ops@platform.example", role: "sysadmin", force: nil)
        f.victim1 = try await f.user("val@example.com", role: "victim", force: nil, phone: "+447700900001")
        f.victim2 = try await f.user("vic@example.com", role: "victim", force: nil)
        f.victim3 = try await f.user("other@example.com", role: "victim", force: nil)
        let keyID = UUID()
        let key = "tmck_test_\(UUID().uuidString)"
        try await f.db.execute("""
            INSERT INTO api_keys (id, force_id, name, key_hash) VALUES (\(keyID), \(f.forceA.id), 'RMS', sha256(convert_to(\(key), 'UTF8')))
            """)
        f.integrationA = Person(id: keyID, email: "", token: key)
        return f
    }

    func stop() async { await server.stop() }

    /// An active account with a token.
    func user(_ email: String, role: String, force: UUID?, phone: String? = nil) async throws -> Person {
        let id = UUID()
        let token = "tmc_test_\(UUID().uuidString)"
        try await db.execute("""
            INSERT INTO users (id, force_id, role, email, name, phone, password_hash, status)
            VALUES (\(id), \(force), \(role), \(email), \(email.split(separator: "@")[0].capitalized), \(phone), 'not-a-login', 'active')
            """)
        try await db.execute("""
            INSERT INTO tokens (token_hash, user_id, expires_at) VALUES (sha256(convert_to(\(token), 'UTF8')), \(id), now() + interval '1 day')
            """)
        return Person(id: id, email: email, token: token)
    }

    /// Creates a case through the API as `by` (default officer A) and returns its JSON.
    @discardableResult
    func createCase(_ reference: String = "KT/\(UUID().uuidString.prefix(8))", victims: [[String: Any]]? = nil, by: Person? = nil,
                    extra: [String: Any] = [:], file: StaticString = #filePath, line: UInt = #line) async throws -> [String: Any] {
        var body: [String: Any] = [
            "crime_reference": reference, "offence_category": "burglary", "summary": "Break-in at the victim's home",
            "victims": victims ?? [["email": victim1.email, "name": "Val", "enhanced": false]],
        ]
        for (k, v) in extra { body[k] = v }
        let r = try await client.post("/v1/cases", token: (by ?? officerA).token, json: body)
        XCTAssertEqual(r.status, 201, r.text, file: file, line: line)
        return r.json["case"] as? [String: Any] ?? [:]
    }

    /// Records a timeline update as `by` (default officer A).
    @discardableResult
    func postUpdate(_ caseID: String, _ body: [String: Any], by: Person? = nil, expect: Int = 201,
                    file: StaticString = #filePath, line: UInt = #line) async throws -> TestResponse {
        let r = try await client.post("/v1/cases/\(caseID)/updates", token: (by ?? officerA).token, json: body)
        XCTAssertEqual(r.status, expect, r.text, file: file, line: line)
        return r
    }

    func patch(_ path: String, token: String, json: Any, ifMatch: String?, contentType: String = "application/merge-patch+json") async throws -> TestResponse {
        var headers: [(String, String)] = [("Content-Type", contentType)]
        if let ifMatch { headers.append(("If-Match", ifMatch)) }
        return try await client.send("PATCH", path, token: token, headers: headers, json: json)
    }

    /// How many audit entries with `action` the case has.
    func auditCount(_ caseID: String, action: String) async throws -> Int {
        try await db.queryFirst("""
            SELECT count(*) AS n FROM audit_events WHERE case_id = \(UUID(uuidString: caseID)!) AND action = \(action)
            """)?.decode("n", as: Int.self) ?? -1
    }
}

extension TestResponse {
    /// The body's `items` array (of objects).
    var items: [[String: Any]] { json["items"] as? [[String: Any]] ?? [] }
}

/// `XCTAssertEqual` for values computed with `await` (XCTest's autoclosures cannot await):
/// `assertEqual(try await client.get(path).status, 404)`.
func assertEqual<T: Equatable>(_ a: T, _ b: T, _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a, b, message, file: file, line: line)
}
