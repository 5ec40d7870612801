import Foundation
import XCTest
@testable import TMCPostgres

final class PostgresListenerTests: PostgresTestCase, @unchecked Sendable {
    private let channels = ["cases", "odd \"channel\" name"]

    /// True once the listener's backend has run its last LISTEN (it is then idle on it).
    private func isListening(_ admin: PostgresPool) async throws -> Bool {
        let row = try await admin.queryFirst("""
            SELECT count(*) AS n FROM pg_stat_activity
            WHERE datname = \(databaseName) AND state = 'idle' AND query LIKE 'LISTEN "odd%'
            """)
        return try row?.decode("n", as: Int.self) == 1
    }

    private func next(_ iterator: inout AsyncStream<PostgresListenerEvent>.Iterator) async throws -> PostgresListenerEvent? {
        // The iterator is not Sendable: hand it to the timed task and back.
        let box = IteratorBox(iterator)
        let event = try await withTimeout(5) { await box.next() }
        iterator = box.iterator
        return event
    }

    func testReceivesNotificationsAndSurvivesTermination() async throws {
        let pool = makePool(size: 1)
        let admin = try TestDatabase.adminPool()
        let messages = Locked<[String]>([])
        let listener = PostgresListener(url: databaseURL, channels: channels, log: { line in messages.withLock { $0.append(line) } })
        var events = listener.events().makeAsyncIterator()
        listener.start()
        let listening = try await eventually { try await isListening(admin) }
        XCTAssertTrue(listening)

        try await pool.execute("SELECT pg_notify(\(channels[0]), \("case 1 changed"))")
        try await pool.execute("SELECT pg_notify(\(channels[1]), \("ünï 'payload'"))")
        let first = try await next(&events)
        XCTAssertEqual(first, .notification(PostgresNotification(channel: channels[0], payload: "case 1 changed")))
        let second = try await next(&events)
        XCTAssertEqual(second, .notification(PostgresNotification(channel: channels[1], payload: "ünï 'payload'")))

        let killed = try await terminateBackends(admin, matching: "LISTEN%")
        XCTAssertEqual(killed, 1)
        let reconnected = try await next(&events)
        XCTAssertEqual(reconnected, .reconnected)
        XCTAssertFalse(messages.withLock { $0 }.isEmpty, "the break is logged")
        let again = try await eventually { try await isListening(admin) }
        XCTAssertTrue(again)
        try await pool.execute("SELECT pg_notify(\(channels[0]), \("after"))")
        let later = try await next(&events)
        XCTAssertEqual(later, .notification(PostgresNotification(channel: channels[0], payload: "after")))

        let start = Date()
        await listener.stop()
        XCTAssertLessThan(Date().timeIntervalSince(start), 1)
        let end = try await next(&events)
        XCTAssertNil(end, "the stream ends after stop()")
        let closed = try await eventually { try await libraryBackendCount(admin) == 1 } // only the pool's
        XCTAssertTrue(closed)
        await admin.shutdown()
    }

    func testStopWithoutStartEndsTheStream() async throws {
        let listener = PostgresListener(url: databaseURL, channels: ["x"], log: { _ in })
        var events = listener.events().makeAsyncIterator()
        await listener.stop()
        let end = try await next(&events)
        XCTAssertNil(end)
    }

    func testKeepsRetryingWhileTheDatabaseIsUnreachable() async throws {
        let attempts = Locked(0)
        let listener = PostgresListener(url: "postgresql://postgres@127.0.0.1:1/postgres", channels: ["x"],
                                        log: { _ in attempts.withLock { $0 += 1 } })
        listener.start()
        let retried = await eventually(3) { attempts.withLock { $0 } >= 3 }
        XCTAssertTrue(retried)
        let start = Date()
        await listener.stop()
        XCTAssertLessThan(Date().timeIntervalSince(start), 1, "stop() interrupts the backoff")
    }
}

/// Moves a stream iterator into a `@Sendable` closure and back.
final class IteratorBox: @unchecked Sendable {
    var iterator: AsyncStream<PostgresListenerEvent>.Iterator
    init(_ iterator: AsyncStream<PostgresListenerEvent>.Iterator) { self.iterator = iterator }
    func next() async -> PostgresListenerEvent? { await iterator.next() }
}
