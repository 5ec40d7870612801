import Foundation
import Glibc
import TMCPostgres
import XCTest

/// Crash safety (issue 7): the real `trackmycrime serve` executable is killed with SIGKILL in
/// the middle of a concurrent stream of message posts and report submissions, several times,
/// and restarted. Every request that was answered `201` must then be in the database as it was
/// acknowledged; requests that got no answer may or may not be there, but whatever is there
/// must be whole: each message with its position, counters, event and notification, each
/// report with its event and a reference from a gap-free counter, and no event without its row.
final class CrashSafetyTests: XCTestCase {
    /// Kills in one run.
    static let rounds = 3
    /// Writes acknowledged in a round before the kill, which then comes 0–150 ms later.
    static let writesBeforeKill = 40

    /// One stream of writes, sent one after another by its own task.
    struct Writer: Sendable {
        enum Kind: Sendable {
            /// A post to the case's thread of `thread` (nil: the case's only victim, or the sender's own).
            case message(caseID: String, thread: String?)
            /// A report to `force`: anonymous without a token, else by the signed-in victim.
            case report(force: String)
        }
        var name: String
        var kind: Kind
        var token: String?
    }

    struct SentMessage: Sendable {
        var id: String
        var caseID: String
        var victimID: String
        var senderID: String
        var body: String
    }

    struct SentReport: Sendable {
        var id: String
        var reference: String
        var force: String
        var description: String
    }

    /// What the writers saw, across rounds.
    actor Ledger {
        var messages: [SentMessage] = []
        var reports: [SentReport] = []
        /// Answers other than 201 (there should be none: the database is up throughout).
        var unexpected: [String] = []
        /// Requests cut off by the kill (sent, then the connection died without an answer).
        var cutOff = 0
        var refused = 0
        var acknowledgedInRound = 0

        func newRound() { acknowledgedInRound = 0 }
        func add(_ m: SentMessage) { messages.append(m); acknowledgedInRound += 1 }
        func add(_ r: SentReport) { reports.append(r); acknowledgedInRound += 1 }
        func unexpected(_ what: String) { unexpected.append(what) }
        func lost(refused wasRefused: Bool) { if wasRefused { refused += 1 } else { cutOff += 1 } }
    }

    func testAcknowledgedWritesSurviveSIGKILLAndNothingIsHalfWritten() async throws {
        // Accounts, forces and cases through the in-process server, which then stops; the
        // child processes use the same database.
        let f = try await CasesFixture.make()
        let database = (name: f.server.databaseName, url: f.server.databaseURL)
        addTeardownBlock { await TestDatabase.drop(database.name) }
        let shared = try await f.createCase(victims: [["email": f.victim1.email, "name": "Val", "enhanced": false],
                                                      ["email": f.victim2.email, "name": "Vic", "enhanced": false]])["id"] as? String ?? ""
        let solo = try await f.createCase(victims: [["email": f.victim3.email, "name": "Olly", "enhanced": false]])["id"] as? String ?? ""
        await f.server.stop(dropDatabase: false)
        XCTAssertFalse(shared.isEmpty || solo.isEmpty)

        let writers = [
            // Both victims of the shared case and the staff writing to each of their threads: the
            // case counter, both threads and the running totals are contended.
            Writer(name: "v1", kind: .message(caseID: shared, thread: nil), token: f.victim1.token),
            Writer(name: "v2", kind: .message(caseID: shared, thread: nil), token: f.victim2.token),
            Writer(name: "o1", kind: .message(caseID: shared, thread: f.victim1.idString), token: f.officerA.token),
            Writer(name: "s2", kind: .message(caseID: shared, thread: f.victim2.idString), token: f.supervisorA.token),
            Writer(name: "v3", kind: .message(caseID: solo, thread: nil), token: f.victim3.token),
            Writer(name: "o3", kind: .message(caseID: solo, thread: nil), token: f.officer2A.token),
            // Two forces' reference counters, one of them from two writers and a signed-in victim.
            Writer(name: "rk1", kind: .report(force: f.forceA.code), token: nil),
            Writer(name: "rk2", kind: .report(force: f.forceA.code), token: nil),
            Writer(name: "rkv", kind: .report(force: f.forceA.code), token: f.victim1.token),
            Writer(name: "rs1", kind: .report(force: f.forceB.code), token: nil),
        ]
        let environment = ["RATE_LIMIT_REPORTS_PER_HOUR": "1000000"]
        let ledger = Ledger()
        var instances: [ServerProcess] = []

        for round in 1...Self.rounds {
            let server = try await ServerProcess.start(databaseURL: database.url, environment: environment)
            addTeardownBlock { await server.stop() }
            instances.append(server)
            await ledger.newRound()
            let stop = StopFlag()
            let client = server.client
            let load = Self.startWriting(writers, round: round, client: client, ledger: ledger, until: stop)
            // Kill once the stream is flowing, at a moment the writers cannot foresee.
            let deadline = Date().addingTimeInterval(60)
            while await ledger.acknowledgedInRound < Self.writesBeforeKill, Date() < deadline, server.isRunning {
                try await Task.sleep(for: .milliseconds(10))
            }
            let acknowledged = await ledger.acknowledgedInRound
            XCTAssertGreaterThanOrEqual(acknowledged, Self.writesBeforeKill, "round \(round): the stream did not get going\n\(server.log)")
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...150)))
            await server.killHard()
            stop.set()
            await load.value
            XCTAssertFalse(server.isRunning)
        }
        let unexpected = await ledger.unexpected
        XCTAssertTrue(unexpected.isEmpty, "answers other than 201 while the database was up: \(unexpected.prefix(5))")
        let cutOff = await ledger.cutOff
        XCTAssertGreaterThan(cutOff, 0, "no request was in flight at any of the kills: the test did not test anything")

        // A last instance: what was acknowledged reads back through the API, new writes continue
        // the counters, and events committed before a kill but never numbered get numbered.
        let server = try await ServerProcess.start(databaseURL: database.url, environment: environment)
        addTeardownBlock { await server.stop() }
        instances.append(server)
        let messages = await ledger.messages
        let reports = await ledger.reports
        for m in messages.shuffled().prefix(20) {
            let r = try await server.client.get("/v1/cases/\(m.caseID)/messages/\(m.id)", token: f.supervisorA.token)
            XCTAssertEqual(r.status, 200, r.text)
            XCTAssertEqual(r.json["body"] as? String, m.body)
        }
        for report in reports.shuffled().prefix(20) {
            let reader = report.force == f.forceA.code ? f.supervisorA! : f.supervisorB!
            let r = try await server.client.get("/v1/reports/\(report.id)", token: reader.token)
            XCTAssertEqual(r.status, 200, r.text)
            XCTAssertEqual(r.json["reference"] as? String, report.reference)
        }
        let after = Ledger()
        for writer in writers {
            let stop = StopFlag()
            stop.set() // exactly one request each
            await Self.write(writer, round: Self.rounds + 1, client: server.client, ledger: after, until: stop)
        }
        let afterUnexpected = await after.unexpected
        XCTAssertTrue(afterUnexpected.isEmpty, "after the restarts: \(afterUnexpected)")
        let afterMessages = await after.messages
        let afterReports = await after.reports
        XCTAssertEqual(afterMessages.count + afterReports.count, writers.count)
        let pool = PostgresPool(configuration: PostgresPoolConfiguration(url: database.url))
        defer { Task { await pool.shutdown() } }
        let sequenced = try await Self.eventually(seconds: 20) {
            try await pool.queryFirst("SELECT count(*) AS n FROM events WHERE seq IS NULL")?.decode("n", as: Int.self) == 0
        }
        XCTAssertTrue(sequenced, "events left unnumbered after the restart never reach /v1/events")
        let stoppedCleanly = await server.stop()
        XCTAssertTrue(stoppedCleanly, "the last instance did not stop on SIGTERM")

        let check = try await Self.databaseState(pool)
        Self.verifyMessages(check, acknowledged: messages + afterMessages)
        Self.verifyReports(check, acknowledged: reports + afterReports)
        if (testRun?.totalFailureCount ?? 1) > 0 {
            print("server logs kept: \(instances.map(\.logURL.path).joined(separator: " "))")
        } else {
            for instance in instances { instance.removeLog() }
        }
        let total = messages.count + reports.count
        let refused = await ledger.refused
        print("crash safety: \(Self.rounds) kills; \(messages.count) messages and \(reports.count) reports acknowledged (\(total)); "
              + "\(cutOff) requests cut off in flight; \(refused) refused while down; "
              + "\(check.messages.count - messages.count - afterMessages.count) unacknowledged messages and "
              + "\(check.reports.count - reports.count - afterReports.count) unacknowledged reports were committed")
    }

    // MARK: - Writers

    /// `writeAll` in a task of its own.
    static func startWriting(_ writers: [Writer], round: Int, client: TestHTTPClient, ledger: Ledger, until stop: StopFlag) -> Task<Void, Never> {
        Task { await writeAll(writers, round: round, client: client, ledger: ledger, until: stop) }
    }

    /// Runs every writer concurrently until `stop` is set.
    static func writeAll(_ writers: [Writer], round: Int, client: TestHTTPClient, ledger: Ledger, until stop: StopFlag) async {
        await withTaskGroup(of: Void.self) { group in
            for writer in writers {
                group.addTask { await write(writer, round: round, client: client, ledger: ledger, until: stop) }
            }
        }
    }

    /// Sends the writer's requests one after another until `stop` is set (at least one).
    static func write(_ writer: Writer, round: Int, client: TestHTTPClient, ledger: Ledger, until stop: StopFlag) async {
        var n = 0
        repeat {
            n += 1
            let tag = "\(writer.name)-\(round)-\(n)"
            switch writer.kind {
            case .message(let caseID, let thread):
                let body = "Crash test message \(tag): is there any news on my case?"
                var json: [String: String] = ["body": body]
                if let thread { json["victim_id"] = thread }
                let outcome = await RequestOutcome.of {
                    try await client.post("/v1/cases/\(caseID)/messages", token: writer.token, json: json)
                }
                switch outcome {
                case .answered(201, _, _, _, let box):
                    let o = box.object
                    guard let id = o["id"] as? String, let victim = o["victim_id"] as? String,
                          let sender = (o["sender"] as? [String: Any])?["id"] as? String else {
                        await ledger.unexpected("\(tag): 201 without id, victim_id or sender.id: \(box.text)")
                        continue
                    }
                    await ledger.add(SentMessage(id: id, caseID: caseID, victimID: victim, senderID: sender, body: body))
                case .answered(let status, _, _, _, let box):
                    await ledger.unexpected("\(tag): \(status) \(box.text)")
                case .noAnswer:
                    await ledger.lost(refused: outcome.wasRefused)
                }
            case .report(let force):
                let description = "Crash test report \(tag): my bicycle was taken from the station rack."
                let outcome = await RequestOutcome.of {
                    try await client.post("/v1/reports", token: writer.token, json: reportBody(force: force, description: description,
                                                                                                signedIn: writer.token != nil))
                }
                switch outcome {
                case .answered(201, _, _, _, let box):
                    let o = box.object
                    guard let id = o["id"] as? String, let reference = o["reference"] as? String else {
                        await ledger.unexpected("\(tag): 201 without id or reference: \(box.text)")
                        continue
                    }
                    await ledger.add(SentReport(id: id, reference: reference, force: force, description: description))
                case .answered(let status, _, _, _, let box):
                    await ledger.unexpected("\(tag): \(status) \(box.text)")
                case .noAnswer:
                    await ledger.lost(refused: outcome.wasRefused)
                }
            }
        } while !stop.isSet
    }

    static func reportBody(force: String, description: String, signedIn: Bool) -> [String: Any] {
        var body: [String: Any] = [
            "force": force, "category": "bicycle-theft", "description": description,
            "occurred_from": "2026-11-30T08:00:00Z", "occurred_to": "2026-11-30T17:30:00Z",
            "location": ["description": "Outside Canterbury East station", "postcode": "ct1 2rb"],
            "property": [["kind": "stolen", "category": "bicycle", "description": "Blue road bike", "estimated_value_pence": 85000]],
            "not_an_emergency": true,
        ]
        if !signedIn { body["reporter"] = ["name": "Rita Reporter", "email": "rita@example.com"] }
        return body
    }

    static func eventually(seconds: Double, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try await condition()
    }

    // MARK: - What the database holds

    struct MessageRow {
        var id, caseID, victimID, senderID, senderRole, body: String
        var position, threadStaffCount, caseVictimCount: Int64
    }

    struct ReportRow {
        var id, reference, forceCode, description: String
    }

    struct DatabaseState {
        var messages: [MessageRow] = []
        /// case → (last_position, victim_messages)
        var messageCases: [String: (last: Int64, victims: Int64)] = [:]
        /// "case/victim" → (last_position, staff_messages)
        var messageThreads: [String: (last: Int64, staff: Int64)] = [:]
        /// message.created events: resource id → [(case, victim)]
        var messageEvents: [String: [(caseID: String, victimID: String)]] = [:]
        /// notifications of kind message, per case
        var messageNotifications: [String: Int] = [:]
        var caseOfficers: [String: Bool] = [:]
        var reports: [ReportRow] = []
        /// "CODE/year" → last
        var counters: [String: Int] = [:]
        /// report_submitted events per report id ("" for none)
        var reportEvents: [String: Int] = [:]
    }

    static func databaseState(_ db: PostgresPool) async throws -> DatabaseState {
        var s = DatabaseState()
        func text(_ u: UUID) -> String { u.uuidString.lowercased() }
        for row in try await db.query("""
            SELECT id, case_id, victim_id, sender_id, sender_role, body, position, thread_staff_count, case_victim_count
            FROM messages ORDER BY case_id, position
            """) {
            s.messages.append(MessageRow(
                id: text(try row.decode("id")), caseID: text(try row.decode("case_id")), victimID: text(try row.decode("victim_id")),
                senderID: text(try row.decode("sender_id")), senderRole: try row.decode("sender_role"), body: try row.decode("body"),
                position: try row.decode("position"), threadStaffCount: try row.decode("thread_staff_count"),
                caseVictimCount: try row.decode("case_victim_count")))
        }
        for row in try await db.query("SELECT case_id, last_position, victim_messages FROM message_cases") {
            s.messageCases[text(try row.decode("case_id"))] = (try row.decode("last_position"), try row.decode("victim_messages"))
        }
        for row in try await db.query("SELECT case_id, victim_id, last_position, staff_messages FROM message_threads") {
            let key = text(try row.decode("case_id")) + "/" + text(try row.decode("victim_id"))
            s.messageThreads[key] = (try row.decode("last_position"), try row.decode("staff_messages"))
        }
        for row in try await db.query("""
            SELECT resource_id, case_id, data->>'victim_id' AS victim_id FROM events WHERE type = 'message.created'
            """) {
            let resource: String = try row.decode("resource_id", as: String?.self) ?? ""
            let caseID = try row.decode("case_id", as: UUID?.self).map(text) ?? ""
            s.messageEvents[resource, default: []].append((caseID, try row.decode("victim_id", as: String?.self) ?? ""))
        }
        for row in try await db.query("SELECT case_id, count(*) AS n FROM notifications WHERE kind = 'message' GROUP BY case_id") {
            s.messageNotifications[try row.decode("case_id", as: UUID?.self).map(text) ?? ""] = try row.decode("n", as: Int.self)
        }
        for row in try await db.query("SELECT id, officer_id IS NOT NULL AS has_officer FROM cases") {
            s.caseOfficers[text(try row.decode("id"))] = try row.decode("has_officer", as: Bool.self)
        }
        for row in try await db.query("""
            SELECT r.id, r.reference, f.code, r.description FROM reports r JOIN forces f ON f.id = r.submitted_force_id
            """) {
            s.reports.append(ReportRow(id: text(try row.decode("id")), reference: try row.decode("reference"),
                                       forceCode: try row.decode("code"), description: try row.decode("description")))
        }
        for row in try await db.query("""
            SELECT f.code, c.year, c.last FROM report_reference_counters c JOIN forces f ON f.id = c.force_id
            """) {
            s.counters["\(try row.decode("code", as: String.self))/\(try row.decode("year", as: Int.self))"] = try row.decode("last", as: Int.self)
        }
        for row in try await db.query("SELECT report_id, count(*) AS n FROM events WHERE type = 'report_submitted' GROUP BY report_id") {
            s.reportEvents[try row.decode("report_id", as: UUID?.self).map(text) ?? "", default: 0] += try row.decode("n", as: Int.self)
        }
        return s
    }

    // MARK: - Invariants

    /// Messages: every acknowledged one as it was sent; per case, positions 1…n and the case's
    /// counter row at n with its victims' total; per thread, the staff total; the running totals
    /// each message carries; exactly one `message.created` event per message and none for a
    /// message that is not there; one notification per message that has a recipient.
    static func verifyMessages(_ s: DatabaseState, acknowledged: [SentMessage]) {
        let caseOfficers = s.caseOfficers
        let byID = Dictionary(s.messages.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(byID.count, s.messages.count, "duplicate message ids")
        var missing: [String] = []
        for m in acknowledged {
            guard let row = byID[m.id] else { missing.append(m.id); continue }
            XCTAssertEqual(row.caseID, m.caseID, m.id)
            XCTAssertEqual(row.victimID, m.victimID, m.id)
            XCTAssertEqual(row.senderID, m.senderID, m.id)
            XCTAssertEqual(row.body, m.body, m.id)
        }
        XCTAssertTrue(missing.isEmpty, "\(missing.count) acknowledged messages are not in the database: \(missing.prefix(5))")

        let byCase = Dictionary(grouping: s.messages, by: \.caseID)
        XCTAssertEqual(Set(byCase.keys), Set(s.messageCases.keys), "a case has messages without a counter row, or a counter row without messages")
        for (caseID, rows) in byCase {
            let ordered = rows.sorted { $0.position < $1.position }
            XCTAssertEqual(ordered.map(\.position), Array(1..<(Int64(ordered.count) + 1)), "positions of case \(caseID) are not 1…n")
            XCTAssertEqual(s.messageCases[caseID]?.last, Int64(ordered.count), "message_cases.last_position of \(caseID)")
            var victims: Int64 = 0
            var staffByThread: [String: Int64] = [:]
            var lastStaffPosition: [String: Int64] = [:]
            for m in ordered {
                if m.senderRole == "victim" {
                    victims += 1
                    // A victim's message reads its thread's staff total from the statement's snapshot
                    // (MessageRepository.insert), which can miss a staff message that committed while
                    // the post waited for the case's counter lock: never ahead, possibly behind.
                    XCTAssertLessThanOrEqual(m.threadStaffCount, staffByThread[m.victimID, default: 0], "message \(m.id)")
                } else {
                    staffByThread[m.victimID, default: 0] += 1
                    lastStaffPosition[m.victimID] = m.position
                    XCTAssertEqual(m.threadStaffCount, staffByThread[m.victimID], "thread_staff_count of staff message \(m.id)")
                }
                XCTAssertEqual(m.caseVictimCount, victims, "case_victim_count of message \(m.id)")
            }
            XCTAssertEqual(s.messageCases[caseID]?.victims, victims, "message_cases.victim_messages of \(caseID)")
            for (victim, staff) in staffByThread {
                let thread = s.messageThreads["\(caseID)/\(victim)"]
                XCTAssertEqual(thread?.staff, staff, "message_threads.staff_messages of \(caseID)/\(victim)")
                XCTAssertEqual(thread?.last, lastStaffPosition[victim], "message_threads.last_position of \(caseID)/\(victim)")
            }
            let threadsOfCase = s.messageThreads.keys.filter { $0.hasPrefix(caseID + "/") }
            XCTAssertEqual(threadsOfCase.count, staffByThread.count, "thread rows of \(caseID) without staff messages")
            let expectedNotifications = ordered.filter { $0.senderRole != "victim" || caseOfficers[caseID] == true }.count
            XCTAssertEqual(s.messageNotifications[caseID, default: 0], expectedNotifications, "message notifications of case \(caseID)")
        }
        for m in s.messages {
            let events = s.messageEvents[m.id] ?? []
            XCTAssertEqual(events.count, 1, "message.created events of message \(m.id)")
            if let e = events.first {
                XCTAssertEqual(e.caseID, m.caseID)
                XCTAssertEqual(e.victimID, m.victimID)
            }
        }
        let orphans = Set(s.messageEvents.keys).subtracting(byID.keys)
        XCTAssertTrue(orphans.isEmpty, "message.created events without their message: \(orphans.sorted().prefix(5))")
        XCTAssertTrue(Set(s.messageNotifications.keys).isSubset(of: byCase.keys), "message notifications on a case without messages")
    }

    /// Reports: every acknowledged one with its reference and description; per force and year,
    /// the references numbered exactly 1…last of the counter, no gaps or duplicates; exactly one
    /// `report_submitted` event per report and none without one.
    static func verifyReports(_ s: DatabaseState, acknowledged: [SentReport]) {
        let byID = Dictionary(s.reports.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var missing: [String] = []
        for r in acknowledged {
            guard let row = byID[r.id] else { missing.append(r.reference); continue }
            XCTAssertEqual(row.reference, r.reference)
            XCTAssertEqual(row.description, r.description)
            XCTAssertEqual(row.forceCode, r.force)
        }
        XCTAssertTrue(missing.isEmpty, "\(missing.count) acknowledged reports are not in the database: \(missing.prefix(5))")

        var numbers: [String: [Int]] = [:]
        for r in s.reports {
            let parts = r.reference.split(separator: "-")
            guard parts.count == 4, parts[0] == "OR", parts[1] == r.forceCode.uppercased(), let year = Int(parts[2]),
                  let number = Int(parts[3]) else {
                XCTFail("malformed reference \(r.reference) of \(r.forceCode)")
                continue
            }
            numbers["\(r.forceCode)/\(year)", default: []].append(number)
        }
        XCTAssertEqual(Set(numbers.keys), Set(s.counters.keys), "counters and the references they numbered")
        for (key, used) in numbers {
            XCTAssertEqual(used.sorted(), Array(1..<((s.counters[key] ?? 0) + 1)), "references of \(key) are not exactly 1…counter")
        }
        for r in s.reports {
            XCTAssertEqual(s.reportEvents[r.id], 1, "report_submitted events of \(r.reference)")
        }
        let orphans = Set(s.reportEvents.keys).subtracting(byID.keys)
        XCTAssertTrue(orphans.isEmpty, "report_submitted events without their report: \(orphans.sorted().prefix(5))")
    }
}
