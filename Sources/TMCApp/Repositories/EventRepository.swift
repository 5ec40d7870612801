import Foundation
import TMCPostgres

/// SQL for the event log (`events`, see migration 0006).
public enum EventRepository {
    /// The NOTIFY channel that tells sequencers there are new rows to number.
    public static let newEventsChannel = "tmc_events_new"
    /// The NOTIFY channel that tells every instance that new sequence numbers are visible.
    public static let sequencedChannel = "tmc_events_sequenced"

    /// Appends an event inside the caller's transaction; it gets its `seq` after commit. No
    /// RETURNING: the caller may append an event it may not read (row-level security). The
    /// NOTIFY on `newEventsChannel` wakes a sequencer on some instance. A NOTIFY serialises
    /// commits (PostgreSQL holds its queue lock through the commit's WAL flush), so hot paths
    /// (message posts) write their event without one and call `EventHub.nudge()` after commit.
    public static func append(_ db: any PostgresQueryable, _ event: NewEvent) async throws {
        try await db.execute("""
            WITH e AS (
              INSERT INTO events (type, force_id, case_id, report_id, resource_id, recipient_ids, staff_visible, in_change_feed, data)
              VALUES (\(event.type), \(event.forceID), \(event.caseID), \(event.reportID), \(event.resourceID),
                      \(event.recipientIDs)::uuid[], \(event.staffVisible), \(event.inChangeFeed), \(event.data)::jsonb))
            SELECT pg_notify(\(newEventsChannel), '')
            """)
    }

    /// What one sequencer pass did.
    public enum SequencingResult: Sendable, Equatable {
        /// Another instance holds the sequencer lock.
        case busy
        /// Nothing was waiting.
        case idle
        /// Rows were numbered up to this seq.
        case numbered(Int64)
    }

    /// Numbers committed, unnumbered rows, if no other sequencer is at work; returns the
    /// highest seq assigned (nil when nothing was done). The advisory lock is held to commit, so
    /// each batch becomes visible before the next one is numbered.
    public static func sequencePending(_ pool: PostgresPool, batch: Int = 5000) async throws -> Int64? {
        if case .numbered(let high) = try await sequence(pool, batch: batch) { return high }
        return nil
    }

    /// As `sequencePending`, telling a lock held elsewhere apart from an empty queue.
    ///
    /// One statement, so one round trip and one implicit transaction: the lock is tried first
    /// (a one-time filter), then the oldest unnumbered rows are numbered and the NOTIFY is
    /// queued for commit. The statement's snapshot may predate the lock: a row that an earlier
    /// pass numbered after that snapshot is re-checked by the UPDATE against its newest version
    /// (`seq IS NULL` no longer holds, so it keeps its number), and rows committed after the
    /// snapshot wait for the next pass. Only the lock holder writes `seq`, so the rows need no
    /// row locks of their own (FOR UPDATE cost each row a WAL record). Numbers are still handed
    /// out only under the lock and made visible by its commit, in order.
    public static func sequence(_ pool: PostgresPool, batch: Int = 5000) async throws -> SequencingResult {
        let row = try await pool.queryFirst("""
            WITH lock AS MATERIALIZED (
              SELECT pg_try_advisory_xact_lock(\(Self.sequencerLockKey)) AS locked),
            numbered AS (
              UPDATE events e SET seq = nextval('events_seq')
              WHERE e.seq IS NULL AND e.id = ANY (ARRAY(
                SELECT id FROM events WHERE (SELECT locked FROM lock) AND seq IS NULL ORDER BY id LIMIT \(batch)))
              RETURNING e.seq),
            high AS (
              SELECT max(seq) AS high FROM numbered)
            SELECT (SELECT locked FROM lock) AS locked, high.high,
                   CASE WHEN high.high IS NOT NULL THEN pg_notify(\(sequencedChannel), high.high::text) END AS notified
            FROM high
            """)
        guard let row, try row.decode("locked", as: Bool.self) else { return .busy }
        guard let high = try row.decode("high", as: Int64?.self) else { return .idle }
        return .numbered(high)
    }

    static let sequencerLockKey: Int64 = 0x746D_635F_7365_7131 // "tmc_seq1"

    /// Sequenced events after `seq`, oldest first.
    public static func after(_ db: any PostgresQueryable, seq: Int64, limit: Int) async throws -> [SequencedEvent] {
        try await db.query("""
            SELECT seq, type, force_id, case_id, report_id, resource_id, recipient_ids, staff_visible, data::text AS data, created_at
            FROM events WHERE seq > \(seq) ORDER BY seq LIMIT \(limit)
            """).rows.map(decode)
    }

    /// Events after `seq` that `principal` may receive, no older than `since`, oldest first.
    public static func visibleAfter(_ db: any PostgresQueryable, seq: Int64, principal: Principal, since: Date, limit: Int) async throws -> [SequencedEvent] {
        let staff = principal.role == .officer || principal.role == .supervisor || principal.role == .integration
        return try await db.query("""
            SELECT seq, type, force_id, case_id, report_id, resource_id, recipient_ids, staff_visible, data::text AS data, created_at
            FROM events
            WHERE seq > \(seq) AND created_at >= \(since)
              AND (\(principal.userID) = ANY(recipient_ids)
                   OR (\(staff) AND staff_visible AND force_id = \(principal.forceID)))
            ORDER BY seq LIMIT \(limit)
            """).rows.map(decode)
    }

    /// The highest visible seq (0 when none).
    public static func highestSeq(_ db: any PostgresQueryable) async throws -> Int64 {
        try await db.queryFirst("SELECT coalesce(max(seq), 0) AS high FROM events")?.decode("high", as: Int64.self) ?? 0
    }

    /// Drops events only `/v1/events` needed, once older than `before` (change-feed rows stay).
    public static func prune(_ db: any PostgresQueryable, before: Date) async throws -> Int {
        try await db.execute("DELETE FROM events WHERE NOT in_change_feed AND seq IS NOT NULL AND created_at < \(before)")
    }

    static func decode(_ row: PostgresRow) throws -> SequencedEvent {
        SequencedEvent(
            seq: try row.decode("seq"), type: try row.decode("type"), forceID: try row.decode("force_id", as: UUID?.self),
            caseID: try row.decode("case_id", as: UUID?.self), reportID: try row.decode("report_id", as: UUID?.self),
            resourceID: try row.decode("resource_id", as: String?.self), recipientIDs: try row.decode("recipient_ids"),
            staffVisible: try row.decode("staff_visible"), data: try row.decode("data"), createdAt: try row.decode("created_at"))
    }
}
