import Foundation
@testable import TMCApp
import TMCPostgres
import XCTest

/// Victims' posts and case reads by bearer token share statements under load (BatchQueue,
/// migration 0011): each request in a batch is still judged on its own token alone, and the
/// per-case positions stay gap-free.
final class VictimPostBatchTests: XCTestCase {
    var f: CasesFixture!
    var sharedCase = ""
    var otherCase = ""
    var thirdCase = ""

    override func setUp() async throws {
        f = try await CasesFixture.make()
        sharedCase = try await f.createCase(victims: [["email": f.victim1.email, "name": "Val", "enhanced": false],
                                                      ["email": f.victim2.email, "name": "Vic", "enhanced": false]])["id"] as? String ?? ""
        otherCase = try await f.createCase(victims: [["email": f.victim3.email, "name": "Olly", "enhanced": false]])["id"] as? String ?? ""
        thirdCase = try await f.createCase(victims: [["email": f.victim2.email, "name": "Vic", "enhanced": false]])["id"] as? String ?? ""
    }

    override func tearDown() async throws {
        await f?.stop()
    }

    /// The server's own pool: the statement runs as tmc_app, under row-level security.
    private var appPool: PostgresPool { f.server.app.dependencies.database }

    private func post(_ bearer: String, _ caseID: String, _ body: String) -> VictimPostByToken {
        let id = UUID()
        let draft = MessageRecord(id: id, caseID: UUID(uuidString: caseID)!, forceID: id, victimID: id, position: 0, senderID: id,
                                  senderRole: .victim, senderName: "", body: body, createdAt: Date(timeIntervalSince1970: 1_800_000_000.25))
        return VictimPostByToken(bearer: bearer, id: id, caseID: draft.caseID, body: body, at: draft.createdAt,
                                 eventData: String(decoding: MessageView.shared(draft).jsonBytes, as: UTF8.self))
    }

    func testOneStatementJudgesEachPostOnItsOwnToken() async throws {
        // No two posts of one case in a statement (BatchQueue's key), so the second post to the
        // shared case goes in a second statement.
        let first = [post(f.victim1.token, sharedCase, "one"), post(f.victim3.token, thirdCase, "not my case"),
                     post(f.officerA.token, UUID().uuidString, "staff take the usual path"),
                     post("tmc_not_a_token", UUID().uuidString, "nobody"), post(f.victim3.token, otherCase, "three")]
        let answers = try await DatabaseScope.runAsSystem {
            try await MessageRepository.insertAuthenticatingVictims(appPool, first, notification: MessageService.notification(from: .victim, body: ""))
        }
        XCTAssertEqual(answers.count, 5, "one answer per post, in order")
        XCTAssertEqual(answers[0]?.credential.principal.userID, f.victim1.id)
        XCTAssertEqual(answers[0]?.result?.message?.position, 1)
        XCTAssertEqual(answers[0]?.result?.message?.senderID, f.victim1.id)
        XCTAssertEqual(answers[0]?.result?.message?.senderName, "Val")
        XCTAssertEqual(answers[1]?.credential.principal.userID, f.victim3.id)
        XCTAssertEqual(answers[1]?.result?.caseVisible, false, "another victim's case: 404, nothing written")
        XCTAssertNil(answers[1]?.result?.message)
        XCTAssertEqual(answers[2]?.credential.principal.role, .officer)
        XCTAssertNil(answers[2]?.result, "not a victim: nothing written, authenticate the usual way")
        XCTAssertNil(answers[3], "no valid token")
        XCTAssertEqual(answers[4]?.result?.message?.position, 1)
        XCTAssertEqual(answers[4]?.result?.message?.victimID, f.victim3.id)

        let second = try await DatabaseScope.runAsSystem {
            try await MessageRepository.insertAuthenticatingVictims(appPool, [post(f.victim2.token, sharedCase, "two")], notification: MessageService.notification(from: .victim, body: ""))
        }
        XCTAssertEqual(second.first??.result?.message?.position, 2)

        let rows = try await f.db.query("""
            SELECT m.body, m.position, m.sender_id, m.victim_id, (SELECT count(*) FROM events e WHERE e.resource_id = m.id::text) AS events
            FROM messages m ORDER BY m.body
            """)
        XCTAssertEqual(try rows.map { try $0.decode("body", as: String.self) }, ["one", "three", "two"], "only the victims' own posts")
        for row in rows {
            XCTAssertEqual(try row.decode("sender_id", as: UUID.self), try row.decode("victim_id", as: UUID.self))
            XCTAssertEqual(try row.decode("events", as: Int.self), 1)
        }
        let notified = try await f.db.queryFirst("SELECT count(*) AS n FROM notifications WHERE kind = 'message' AND user_id = \(f.officerA.id)")
        XCTAssertEqual(try notified?.decode("n", as: Int.self), 3, "the officer in charge hears of each message")
    }

    func testConcurrentPostsAndReadsByManyVictimsAreEachAnsweredRightly() async throws {
        let client = f.client
        let plan: [(token: String, caseID: String, status: Int)] =
            Array(repeating: (f.victim1.token, sharedCase, 201), count: 12)
            + Array(repeating: (f.victim2.token, sharedCase, 201), count: 12)
            + Array(repeating: (f.victim3.token, otherCase, 201), count: 12)
            + Array(repeating: (f.victim3.token, sharedCase, 404), count: 6)
            + Array(repeating: ("tmc_\(UUID().uuidString)", otherCase, 401), count: 6)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (n, step) in plan.enumerated() {
                group.addTask {
                    let r = try await client.post("/v1/cases/\(step.caseID)/messages", token: step.token, json: ["body": "m\(n)"])
                    XCTAssertEqual(r.status, step.status, r.text)
                    let read = try await client.get("/v1/cases/\(step.caseID)", token: step.token)
                    XCTAssertEqual(read.status, step.status == 201 ? 200 : step.status, read.text)
                    if step.status == 201 {
                        XCTAssertEqual(read.json["id"] as? String, step.caseID)
                        XCTAssertEqual(r.json["victim_id"] as? String, (r.json["sender"] as? [String: Any])?["id"] as? String)
                    }
                }
            }
            try await group.waitForAll()
        }
        for (caseID, expected) in [(sharedCase, 24), (otherCase, 12)] {
            let positions = try await f.db.query("SELECT position FROM messages WHERE case_id = \(UUID(uuidString: caseID)!) ORDER BY position")
                .map { try $0.decode("position", as: Int64.self) }
            XCTAssertEqual(positions, Array(1...expected).map(Int64.init), "no gaps, no repeats")
        }
        let senders = try await f.db.query("""
            SELECT sender_id, count(*) AS n FROM messages WHERE sender_id = victim_id GROUP BY sender_id
            """).map { (try $0.decode("sender_id", as: UUID.self), try $0.decode("n", as: Int.self)) }
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: senders), [f.victim1.id: 12, f.victim2.id: 12, f.victim3.id: 12])
        let counters = try await f.db.query("SELECT victim_messages FROM message_cases ORDER BY victim_messages")
            .map { try $0.decode("victim_messages", as: Int.self) }
        XCTAssertEqual(counters, [12, 24])
    }
}
