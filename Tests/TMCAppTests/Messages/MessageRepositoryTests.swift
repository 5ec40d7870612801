import Foundation
@testable import TMCApp
import TMCPostgres
import XCTest

/// Unread counts over 1,000,000 seeded messages: answered from the counters, not by scanning
/// messages. Prints the plans' execution times (figures, not assertions).
final class MessageRepositoryTests: XCTestCase {
    func testUnreadCountsOverAMillionMessagesUseCountersNotScans() async throws {
        let db = try await TestDatabase.create()
        var configuration = PostgresPoolConfiguration(url: db.url)
        configuration.size = 2
        let pool = PostgresPool(configuration: configuration)
        defer { Task { await pool.shutdown(); await TestDatabase.drop(db.name) } }

        let force = UUID(), officer = UUID(), supervisor = UUID()
        let cases = 10_000, perCase = 100
        let started = ContinuousClock.now
        try await pool.withConnection { conn in
            // Seeding only: skip foreign-key and immutability triggers (the test cluster's superuser).
            try await conn.execute("SET session_replication_role = replica")
            try await conn.execute("INSERT INTO forces (id, code, name) VALUES (\(force), 'kent', 'Kent Police')")
            try await conn.execute("""
                INSERT INTO users (id, force_id, role, email, name, password_hash) VALUES
                  (\(officer), \(force), 'officer', 'o@kent.example', 'Officer', 'x'),
                  (\(supervisor), \(force), 'supervisor', 's@kent.example', 'Sergeant', 'x')
                """)
            try await conn.execute("""
                CREATE TEMP TABLE seed AS
                SELECT g AS n, gen_random_uuid() AS case_id, gen_random_uuid() AS victim_id FROM generate_series(1, \(cases)) g
                """)
            try await conn.execute("""
                INSERT INTO users (id, role, email, name, password_hash)
                SELECT victim_id, 'victim', 'v' || n || '@example.com', 'Victim ' || n, 'x' FROM seed
                """)
            // The officer is in charge of one case in ten.
            try await conn.execute("""
                INSERT INTO cases (id, force_id, crime_reference, offence_category, summary, officer_id)
                SELECT case_id, \(force), 'KT/' || n, 'burglary', 'Seeded', CASE WHEN n % 10 = 0 THEN \(officer)::uuid END FROM seed
                """)
            try await conn.execute("INSERT INTO case_victims (case_id, user_id) SELECT case_id, victim_id FROM seed")
            // Message j of each case: odd j from the victim, even j from the officer. Ids that
            // increase with insertion order keep the seeding fast (appends to the primary key).
            try await conn.execute("SET synchronous_commit = off")
            try await conn.execute("""
                INSERT INTO messages (id, case_id, force_id, victim_id, position, sender_id, sender_role, sender_name, body,
                                      thread_staff_count, case_victim_count, created_at)
                SELECT lpad(to_hex(s.n * 1000 + j), 32, '0')::uuid, s.case_id, \(force), s.victim_id, j,
                       CASE WHEN j % 2 = 1 THEN s.victim_id ELSE \(officer)::uuid END,
                       CASE WHEN j % 2 = 1 THEN 'victim' ELSE 'officer' END, 'Someone', 'Seeded message ' || j,
                       j / 2, (j + 1) / 2, now() - make_interval(secs => \(perCase) - j)
                FROM seed s CROSS JOIN generate_series(1, \(perCase)) j
                ORDER BY s.n, j
                """)
            try await conn.execute("""
                INSERT INTO message_cases (case_id, force_id, last_position, victim_messages)
                SELECT case_id, \(force), \(perCase), \(perCase / 2) FROM seed
                """)
            try await conn.execute("""
                INSERT INTO message_threads (case_id, victim_id, last_position, staff_messages)
                SELECT case_id, victim_id, \(perCase), \(perCase / 2) FROM seed
                """)
            // Every victim has read up to position 40 (20 staff messages); the supervisor has
            // read one case in two up to position 60 (30 victims' messages).
            try await conn.execute("""
                INSERT INTO message_reads (user_id, case_id, message_id, position, read_count)
                SELECT s.victim_id, s.case_id, m.id, 40, 20 FROM seed s JOIN messages m ON m.case_id = s.case_id AND m.position = 40
                """)
            try await conn.execute("""
                INSERT INTO message_reads (user_id, case_id, message_id, position, read_count)
                SELECT \(supervisor), s.case_id, m.id, 60, 30 FROM seed s JOIN messages m ON m.case_id = s.case_id AND m.position = 60
                WHERE s.n % 2 = 0
                """)
            try await conn.execute("SET session_replication_role = origin")
            try await conn.execute("ANALYZE")
        }
        let count = try await pool.queryFirst("SELECT count(*) AS n FROM messages")?.decode("n", as: Int.self)
        XCTAssertEqual(count, cases * perCase)
        print("seeded \(count ?? 0) messages in \(ContinuousClock.now - started)")

        let victimID = try await pool.queryFirst("SELECT user_id FROM case_victims LIMIT 1")!.decode("user_id", as: UUID.self)
        let victim = Principal(userID: victimID, role: .victim, forceID: nil, forceCode: nil, credentialID: UUID(), name: "V")
        let service = MessageService(database: pool, events: EventHub(pool: pool, databaseURL: db.url, logger: Logger(sink: TestServer.logSink)))
        var t = ContinuousClock.now
        let mine = try await service.unread(victim)
        print("victim unread: \(mine.total) in \(ContinuousClock.now - t)")
        XCTAssertEqual(mine.total, 30)
        XCTAssertEqual(mine.items.count, 1)

        let sergeant = Principal(userID: supervisor, role: .supervisor, forceID: force, forceCode: "kent", credentialID: UUID(), name: "S")
        t = ContinuousClock.now
        let all = try await service.unread(sergeant)
        print("supervisor unread over \(cases) cases: \(all.total) in \(ContinuousClock.now - t)")
        XCTAssertEqual(all.total, cases / 2 * 50 + cases / 2 * 20)
        XCTAssertEqual(all.items.count, cases)

        let inCharge = Principal(userID: officer, role: .officer, forceID: force, forceCode: "kent", credentialID: UUID(), name: "O")
        t = ContinuousClock.now
        let officers = try await service.unread(inCharge)
        print("officer unread over \(cases / 10) cases: \(officers.total) in \(ContinuousClock.now - t)")
        XCTAssertEqual(officers.total, cases / 10 * 50)

        // The plans: no scan of messages anywhere.
        for (label, sql) in [
            ("victim", PostgresQuery(unsafeSQL: """
                EXPLAIN (ANALYZE, BUFFERS, FORMAT TEXT)
                SELECT t.case_id, t.staff_messages - coalesce(r.read_count, 0) AS unread
                FROM message_threads t LEFT JOIN message_reads r ON r.user_id = t.victim_id AND r.case_id = t.case_id
                WHERE t.victim_id = '\(victimID.lowercasedString)' AND t.staff_messages > coalesce(r.read_count, 0)
                """)),
            ("supervisor", PostgresQuery(unsafeSQL: """
                EXPLAIN (ANALYZE, BUFFERS, FORMAT TEXT)
                SELECT m.case_id, m.victim_messages - coalesce(r.read_count, 0) AS unread
                FROM message_cases m LEFT JOIN message_reads r ON r.user_id = '\(supervisor.lowercasedString)' AND r.case_id = m.case_id
                WHERE m.force_id = '\(force.lowercasedString)' AND m.victim_messages > coalesce(r.read_count, 0)
                """)),
        ] {
            let plan = try await pool.query(sql).rows.map { try $0.decode("QUERY PLAN", as: String.self) }
            print("EXPLAIN \(label):\n  " + plan.joined(separator: "\n  "))
            XCTAssertFalse(plan.contains { $0.contains("on messages") }, "\(label) must not read messages")
        }
        // A victim's thread page and a read marker stay index lookups too.
        let caseID = try await pool.queryFirst("SELECT case_id FROM case_victims WHERE user_id = \(victimID)")!.decode("case_id", as: UUID.self)
        t = ContinuousClock.now
        let page = try await MessageRepository.list(pool, caseID: caseID, victimID: victimID, after: 90, limit: 50)
        XCTAssertEqual(page.map(\.position), Array(91...100))
        let lastID = try XCTUnwrap(page.last?.id)
        let marker = try await MessageRepository.markRead(pool, userID: victimID, caseID: caseID, messageID: lastID, victimID: victimID)
        XCTAssertEqual(marker?.unread, 0)
        print("thread page + read marker in \(ContinuousClock.now - t)")
    }
}
