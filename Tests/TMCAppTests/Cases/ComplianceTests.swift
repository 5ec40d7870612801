import Foundation
@testable import TMCApp
import TMCPostgres
import XCTest

/// Victims' Code clocks in SQL: the compliance counts over a small fixed data set, the SQL
/// working-day function against the Swift calendar, and the report over HTTP.
final class ComplianceTests: XCTestCase {
    private func utc(_ s: String) -> Date { RFC3339.date(from: s)! }

    func testSQLWorkingDaysAgreeWithTheSwiftCalendarEveryDay2024To2028() async throws {
        let f = try await CasesFixture.make()
        defer { Task { await f.stop() } }
        let calendar = try await BankHolidayRepository.calendar(f.db, from: CivilDate("2024-01-01")!)
        XCTAssertEqual(calendar.holidays.count, 40)
        let rows = try await f.db.query("""
            SELECT d::date AS day, n, add_working_days(d::date, n) AS result
            FROM generate_series(date '2024-01-01', date '2028-12-31', interval '1 day') d, unnest(ARRAY[1, 5, 10, 30]) n
            """)
        XCTAssertEqual(rows.rows.count, 1827 * 4)
        for row in rows {
            let day = try row.decode("day", as: CivilDate.self)
            let n = try row.decode("n", as: Int.self)
            XCTAssertEqual(try row.decode("result", as: CivilDate.self), calendar.adding(workingDays: n, to: day), "\(day) + \(n)")
        }
        // Deadlines, in both time zones.
        for instant in ["2026-01-09T23:30:00Z", "2026-06-11T23:30:00Z", "2026-03-27T12:00:00Z", "2026-10-23T12:00:00Z", "2027-12-24T09:00:00Z"] {
            let sql = try await f.db.queryFirst("SELECT working_day_deadline(\(utc(instant))::timestamptz, 1) AS d")?.decode("d", as: Date.self)
            XCTAssertEqual(sql, calendar.deadline(workingDays: 1, after: utc(instant)), instant)
        }
    }

    func testCountsOverAFixedDataSet() async throws {
        let f = try await CasesFixture.make()
        defer { Task { await f.stop() } }
        let otherForceCase = UUID()
        try await f.db.execute("""
            INSERT INTO cases (id, force_id, crime_reference, offence_category, summary)
            VALUES (\(otherForceCase), \(f.forceB.id), 'OTHER-1', 'robbery', 's')
            """)
        // "Now" is Friday 12 June 2026, 10:00 BST; due soon = by Monday 15 June 23:59:59 BST.
        let now = utc("2026-06-12T09:00:00Z")
        let deadline = utc("2026-06-10T22:59:59Z")
        // One case per clock: a case has at most one open agreed-contact clock.
        func clock(deadline: Date, met: Date? = nil, force: UUID? = nil, caseID c: UUID? = nil) async throws {
            let onCase = c ?? UUID()
            if c == nil {
                try await f.db.execute("""
                    INSERT INTO cases (id, force_id, crime_reference, offence_category, summary)
                    VALUES (\(onCase), \(f.forceA.id), \("FIX-" + onCase.uuidString), 'robbery', 's')
                    """)
            }
            try await f.db.execute("""
                INSERT INTO case_clocks (force_id, case_id, rule, review_request_id, update_id, started_at, deadline, met_at, on_time)
                VALUES (\(force ?? f.forceA.id), \(onCase), 'agreed_contact', NULL, NULL, \(deadline.addingTimeInterval(-86_400 * 7)),
                        \(deadline), \(met), \(met.map { ClockState.isOnTime(metAt: $0, deadline: deadline) }))
                """)
        }
        try await clock(deadline: deadline, met: deadline.addingTimeInterval(-3600))          // on time
        try await clock(deadline: deadline, met: deadline.addingTimeInterval(0.5))            // on time (same second)
        try await clock(deadline: deadline, met: deadline.addingTimeInterval(1))              // late
        try await clock(deadline: deadline)                                                   // overdue
        try await clock(deadline: utc("2026-06-12T22:59:59Z"))                                // due soon (today)
        try await clock(deadline: utc("2026-06-15T22:59:59Z"))                                // due soon (Monday)
        try await clock(deadline: utc("2026-06-16T22:59:59Z"))                                // open, not due soon
        try await clock(deadline: deadline, force: f.forceB.id, caseID: otherForceCase)       // another force
        let counts = try await ClockRepository.counts(f.db, forceID: f.forceA.id, now: now)
        XCTAssertEqual(counts, ComplianceCounts(onTime: 2, late: 1, overdue: 1, dueSoon: 2, dueSoonHorizon: utc("2026-06-15T22:59:59Z")))
        let items = try await ClockRepository.dueItems(f.db, forceID: f.forceA.id, horizon: counts.dueSoonHorizon, after: nil, limit: 10)
        XCTAssertEqual(items.map(\.clock.deadline), [deadline, utc("2026-06-12T22:59:59Z"), utc("2026-06-15T22:59:59Z")])
        XCTAssertTrue(items.allSatisfy { $0.crimeReference.hasPrefix("FIX-") })
        let page = try await ClockRepository.dueItems(f.db, forceID: f.forceA.id, horizon: counts.dueSoonHorizon,
                                                      after: KeysetCursor(at: items[0].clock.deadline, id: items[0].clock.id), limit: 1)
        XCTAssertEqual(page.map(\.clock.id), [items[1].clock.id, items[2].clock.id], "limit + 1 rows, after the cursor")
    }

    func testReportOverHTTP() async throws {
        let f = try await CasesFixture.make()
        defer { Task { await f.stop() } }
        let enhanced = try await f.createCase(victims: [["email": f.victim1.email, "name": "Val", "enhanced": true]])
        let id = enhanced["id"] as? String ?? ""
        // An arrest a week ago, not yet told: with enhanced entitlement the deadline was 1 working day.
        let weekAgo = RFC3339.string(from: Date().addingTimeInterval(-7 * 86_400))
        let r = try await f.postUpdate(id, ["event": "suspect_arrested", "occurred_at": weekAgo])
        XCTAssertEqual((r.json["clock"] as? [String: Any])?["state"] as? String, "overdue")
        // A court hearing today, told at once: on time.
        try await f.postUpdate(id, ["event": "court_hearing_scheduled", "message": "The first hearing is on 3 July."])

        let report = try await f.client.get("/v1/forces/kent/compliance", token: f.supervisorA.token)
        XCTAssertEqual(report.status, 200, report.text)
        XCTAssertEqual(report.json["on_time"] as? Int, 2, "the court update and the agreed contact it met")
        XCTAssertEqual(report.json["late"] as? Int, 0)
        XCTAssertEqual(report.json["overdue"] as? Int, 1)
        let item = report.items.first ?? [:]
        XCTAssertEqual(item["rule"] as? String, "right_6")
        XCTAssertEqual(item["state"] as? String, "overdue")
        XCTAssertEqual(item["case_id"] as? String, id)
        XCTAssertEqual(item["update_id"] as? String, r.json["id"] as? String)
        XCTAssertNotNil(report.json["due_soon_before"])

        for (who, status) in [(f.officerA!, 403), (f.adminA!, 403), (f.integrationA!, 403), (f.victim1!, 403), (f.supervisorB!, 404)] {
            assertEqual(try await f.client.get("/v1/forces/kent/compliance", token: who.token).status, status, who.email)
        }
        assertEqual(try await f.client.get("/v1/forces/kent/compliance").status, 401)
        assertEqual(try await f.client.get("/v1/forces/kent/compliance?cursor=zz", token: f.supervisorA.token).status, 422)
    }

    func testOutboxHonoursContactPreferences() async throws {
        let f = try await CasesFixture.make()
        defer { Task { await f.stop() } }
        try await f.db.execute("UPDATE users SET contact_channel = 'sms' WHERE id = \(f.victim1.id)")
        try await f.db.execute("UPDATE users SET contact_channel = 'sms', safe_contact = true WHERE id = \(f.victim2.id)")
        try await f.db.execute("UPDATE users SET contact_channel = 'none' WHERE id = \(f.victim3.id)")
        for v in [f.victim1!, f.victim2!, f.victim3!] {
            try await NotificationOutbox.enqueue(f.db, forceID: f.forceA.id, userID: v.id, caseID: nil, kind: .caseUpdate,
                                                 subject: "Update on KT/1", body: "The suspect was charged with burglary.")
        }
        let rows = try await f.db.query("SELECT user_id, channel, recipient, subject, body FROM notifications ORDER BY created_at, id")
        XCTAssertEqual(rows.rows.count, 2, "channel none queues nothing")
        let byUser = Dictionary(uniqueKeysWithValues: try rows.map { (try $0.decode("user_id", as: UUID.self), $0) })
        XCTAssertEqual(try byUser[f.victim1.id]?.decode("channel", as: String.self), "sms")
        XCTAssertEqual(try byUser[f.victim1.id]?.decode("recipient", as: String.self), "+447700900001")
        XCTAssertEqual(try byUser[f.victim1.id]?.decode("body", as: String.self), "The suspect was charged with burglary.")
        // Victim 2 asked for SMS but has no phone: email, and safe contact hides the details.
        XCTAssertEqual(try byUser[f.victim2.id]?.decode("channel", as: String.self), "email")
        XCTAssertEqual(try byUser[f.victim2.id]?.decode("recipient", as: String.self), f.victim2.email)
        XCTAssertEqual(try byUser[f.victim2.id]?.decode("body", as: String.self), NotificationOutbox.safeBody)
        XCTAssertFalse(try byUser[f.victim2.id]!.decode("subject", as: String.self).contains("KT/1"))
    }
}
