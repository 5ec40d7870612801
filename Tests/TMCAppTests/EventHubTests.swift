import Foundation
import TMCApp
import TMCPostgres
import XCTest

/// The event log against real PostgreSQL: commit-ordered numbering, visibility, fan-out.
final class EventHubTests: XCTestCase {
    var db: (name: String, url: String)!
    var pool: PostgresPool!
    var forceID: UUID!
    var otherForceID: UUID!

    override func setUp() async throws {
        db = try await TestDatabase.create()
        var configuration = PostgresPoolConfiguration(url: db.url)
        configuration.size = 12
        pool = PostgresPool(configuration: configuration)
        forceID = try await pool.queryFirst("INSERT INTO forces (code, name) VALUES ('kent', 'Kent Police') RETURNING id")!.decode("id")
        otherForceID = try await pool.queryFirst("INSERT INTO forces (code, name) VALUES ('surrey', 'Surrey Police') RETURNING id")!.decode("id")
    }

    override func tearDown() async throws {
        await pool?.shutdown()
        if let db { await TestDatabase.drop(db.name) }
    }

    private func principal(_ role: Role, force: UUID?) -> Principal {
        Principal(userID: UUID(), role: role, forceID: force, forceCode: nil, credentialID: UUID(), name: "t")
    }

    func testSequencingNumbersOnlyCommittedRowsAndNeverSkips() async throws {
        // A transaction that inserts first but commits last must not be overtaken by a reader.
        let pool = self.pool!, forceID = self.forceID!
        let slow = Task {
            try await pool.transaction { conn in
                try await EventRepository.append(conn, NewEvent(type: "slow", forceID: forceID, inChangeFeed: true))
                try await Task.sleep(for: .milliseconds(600))
            }
        }
        try await Task.sleep(for: .milliseconds(150))
        try await EventRepository.append(pool, NewEvent(type: "fast", forceID: forceID, inChangeFeed: true))
        _ = try await EventRepository.sequencePending(pool)
        let first = try await EventRepository.after(pool, seq: 0, limit: 10)
        XCTAssertEqual(first.map(\.type), ["fast"])
        try await slow.value
        _ = try await EventRepository.sequencePending(pool)
        let next = try await EventRepository.after(pool, seq: first.last!.seq, limit: 10)
        XCTAssertEqual(next.map(\.type), ["slow"], "the late committer comes after, not lost behind the cursor")
    }

    func testConcurrentWritersAreEachSeenExactlyOnceByAPollingReader() async throws {
        let writers = 10, perWriter = 30
        let pool = self.pool!, forceID = self.forceID!
        let hub = EventHub(pool: pool, databaseURL: db.url, logger: Logger(sink: TestServer.logSink))
        await hub.start()
        defer { Task { await hub.stop() } }
        async let written: Void = withThrowingTaskGroup(of: Void.self) { group in
            for w in 0..<writers {
                group.addTask {
                    for i in 0..<perWriter {
                        try await pool.transaction { conn in
                            try await EventRepository.append(conn, NewEvent(type: "w\(w)-\(i)", forceID: forceID, inChangeFeed: true))
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        var seen: [String] = []
        var cursor: Int64 = 0
        let deadline = ContinuousClock.now + .seconds(30)
        while seen.count < writers * perWriter && ContinuousClock.now < deadline {
            let page = try await EventRepository.after(pool, seq: cursor, limit: 37)
            if let last = page.last { cursor = last.seq } else { try await Task.sleep(for: .milliseconds(20)) }
            seen += page.map(\.type)
        }
        try await written
        XCTAssertEqual(seen.count, writers * perWriter)
        XCTAssertEqual(Set(seen).count, writers * perWriter, "no event twice")
    }

    func testVisibility() {
        let victim = principal(.victim, force: nil)
        let officer = principal(.officer, force: forceID)
        let otherOfficer = principal(.officer, force: otherForceID)
        let admin = principal(.admin, force: forceID)
        let event = SequencedEvent(seq: 1, type: "message.created", forceID: forceID, caseID: UUID(), reportID: nil, resourceID: nil,
                                   recipientIDs: [victim.userID], staffVisible: true, data: "{}", createdAt: Date())
        XCTAssertTrue(event.isVisible(to: victim))
        XCTAssertTrue(event.isVisible(to: officer))
        XCTAssertFalse(event.isVisible(to: otherOfficer))
        XCTAssertFalse(event.isVisible(to: admin))
        XCTAssertFalse(event.isVisible(to: principal(.victim, force: nil)))
        XCTAssertTrue(event.isVisible(to: principal(.integration, force: forceID)))
    }

    func testHubDeliversToVisibleSubscribersOnlyAndEndsRevokedOnes() async throws {
        let hub = EventHub(pool: pool, databaseURL: db.url, logger: Logger(sink: TestServer.logSink))
        await hub.start()
        let victim = principal(.victim, force: nil)
        let stranger = principal(.victim, force: nil)
        let ended = EndRecorder()
        let (_, victimStream) = hub.subscribe(victim) { ended.record($0) }
        let (_, strangerStream) = hub.subscribe(stranger) { _ in }
        try await Task.sleep(for: .milliseconds(300))
        try await EventRepository.append(pool, NewEvent(type: "message.created", forceID: forceID, recipientIDs: [victim.userID]))
        let got = try await first(victimStream, within: .seconds(5))
        guard case .event(let e)? = got else { return XCTFail("no event delivered: \(String(describing: got))") }
        XCTAssertEqual(e.type, "message.created")
        let strangerGot = try await first(strangerStream, within: .milliseconds(800))
        XCTAssertNil(strangerGot)
        try await pool.execute("SELECT pg_notify('tmc_revocations', \("credential:" + victim.credentialID.uuidString))")
        for _ in 0..<50 where ended.reasons.isEmpty { try await Task.sleep(for: .milliseconds(50)) }
        XCTAssertEqual(ended.reasons, [.revoked])
        await hub.stop()
    }

    func testASubscriberThatFallsTooFarBehindIsEndedAndOthersStillReceive() async throws {
        let hub = EventHub(pool: pool, databaseURL: db.url, logger: Logger(sink: TestServer.logSink), bufferLimit: 3)
        await hub.start()
        let staff = principal(.officer, force: forceID)
        let ended = EndRecorder()
        let (_, stalled) = hub.subscribe(staff) { ended.record($0) }
        let (_, reader) = hub.subscribe(principal(.supervisor, force: forceID)) { _ in }
        var received = 0
        let consume = Task {
            for await item in reader { if case .event = item { received += 1; if received == 5 { return received } } }
            return received
        }
        // One at a time, so that each arrives in its own batch and the reader keeps up.
        for i in 0..<5 {
            try await EventRepository.append(pool, NewEvent(type: "e\(i)", forceID: forceID))
            hub.nudge()
            try await Task.sleep(for: .milliseconds(100))
        }
        let count = await consume.value
        XCTAssertEqual(count, 5)
        XCTAssertEqual(ended.reasons, [.tooSlow])
        var buffered = 0
        for await _ in stalled { buffered += 1 }
        XCTAssertLessThan(buffered, 5, "what was buffered is still readable, then the stream ends")
        await hub.stop()
    }

    private func first(_ stream: AsyncStream<EventHub.Item>, within: Duration) async throws -> EventHub.Item? {
        await withTaskGroup(of: EventHub.Item?.self) { group in
            group.addTask {
                for await item in stream where item != .heartbeat { return item }
                return nil
            }
            group.addTask {
                try? await Task.sleep(for: within)
                return nil
            }
            let result = await group.next() ?? nil
            group.cancelAll()
            return result
        }
    }
}

final class EndRecorder: Sendable {
    private let lock = NSLock()
    nonisolated(unsafe) private var storage: [EventHub.EndReason] = []
    func record(_ r: EventHub.EndReason) { lock.withLock { storage.append(r) } }
    var reasons: [EventHub.EndReason] { lock.withLock { storage } }
}
