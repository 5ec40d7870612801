import Foundation
import TMCApp
import TMCPostgres
import XCTest

/// Online-report helpers on top of `CasesFixture` (kent = force A, surrey = force B).
extension CasesFixture {
    /// A valid anonymous report body for `force`; `extra` overrides fields.
    func reportBody(force: String = "kent", extra: [String: Any] = [:]) -> [String: Any] {
        var body: [String: Any] = [
            "force": force,
            "category": "bicycle-theft",
            "description": "My bicycle was taken from outside the station.",
            "occurred_from": "2026-11-30T08:00:00Z",
            "occurred_to": "2026-11-30T17:30:00Z",
            "location": ["description": "Outside Canterbury East station", "postcode": "ct1 2rb",
                         "latitude": 51.2743, "longitude": 1.0757],
            "reporter": ["name": "Rita Reporter", "email": "rita@example.com", "phone": "07700 900123"],
            "property": [["kind": "stolen", "category": "bicycle", "description": "Blue road bike", "make": "Ribble",
                          "serial_number": "WTU123", "estimated_value_pence": 85000]],
            "suspect_description": "Tall, grey hoodie",
            "witnesses": [["name": "Wendy Witness", "phone": "+44 7700 900456", "notes": "Saw someone cutting the lock"]],
            "not_an_emergency": true,
        ]
        for (k, v) in extra { body[k] = v }
        return body
    }

    /// Submits a report (anonymously unless `token`) and returns its JSON.
    @discardableResult
    func submitReport(_ body: [String: Any]? = nil, token: String? = nil, file: StaticString = #filePath, line: UInt = #line) async throws -> [String: Any] {
        var b = body ?? reportBody()
        if token != nil { b["reporter"] = nil }
        let r = try await client.post("/v1/reports", token: token, json: b)
        XCTAssertEqual(r.status, 201, r.text, file: file, line: line)
        return r.json
    }

    /// Triage as `by`; returns the response.
    @discardableResult
    func triage(_ reportID: String, _ body: [String: Any], by: Person, expect: Int = 200,
                file: StaticString = #filePath, line: UInt = #line) async throws -> TestResponse {
        let r = try await client.post("/v1/reports/\(reportID)/triage", token: by.token, json: body)
        XCTAssertEqual(r.status, expect, r.text, file: file, line: line)
        return r
    }

    /// An integration key of `force`.
    func integrationKey(force: UUID) async throws -> Person {
        let keyID = UUID()
        let key = "tmck_test_\(UUID().uuidString)"
        try await db.execute("""
            INSERT INTO api_keys (id, force_id, name, key_hash) VALUES (\(keyID), \(force), 'RMS', sha256(convert_to(\(key), 'UTF8')))
            """)
        return Person(id: keyID, email: "", token: key)
    }
}
