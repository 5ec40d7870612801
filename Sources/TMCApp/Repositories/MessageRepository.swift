import Foundation
import TMCPostgres

/// A victim's post by bearer token, one of a batch (`insertAuthenticatingVictims`).
struct VictimPostByToken: Sendable {
    var bearer: String
    var id: UUID
    var caseID: UUID
    var body: String
    var at: Date
    /// The message's event data, without the sender (filled in from the token's user).
    var eventData: String
}

/// What the one statement of a post did.
struct MessageInsertResult: Sendable {
    /// False when the case does not exist or is not the sender's to see (`404`).
    var caseVisible: Bool
    /// Victims of the case that matched the requested thread (0: not a victim of the case;
    /// more than 1: staff must say which).
    var matchedVictims: Int
    /// The message, when it was written.
    var message: MessageRecord?
}

/// The notification a post queues (the recipient is chosen in SQL: the case's officer for a
/// victim's message, the thread's victim for a staff message).
struct MessageNotification: Sendable {
    /// Followed by the case's crime reference.
    var subjectPrefix: String
    /// Preceded by the sender's name (which a victim's post may only learn in SQL, from the
    /// token it authenticates).
    var bodyAfterSenderName: String
}

/// SQL for messages, their counters and read markers (migration 0007). Ordering and unread
/// counting are explained there.
enum MessageRepository {
    static let columns = """
        m.id, m.case_id, m.force_id, m.victim_id, m.position, m.sender_id, m.sender_role, m.sender_name, m.body, m.created_at
        """

    static func record(_ row: PostgresRow) throws -> MessageRecord {
        MessageRecord(
            id: try row.decode("id"), caseID: try row.decode("case_id"), forceID: try row.decode("force_id"),
            victimID: try row.decode("victim_id"), position: try row.decode("position"), senderID: try row.decode("sender_id"),
            senderRole: try row.code("sender_role", as: Role.self), senderName: try row.decode("sender_name"),
            body: try row.decode("body"), createdAt: try row.decode("created_at"))
    }

    /// Writes a message in one statement (one implicit transaction, one round trip): checks the
    /// sender may see the case (the role was checked by the service), picks the thread
    /// (`victimID`, or the case's only victim when nil), takes the next position of the case
    /// under its counter row's lock, bumps the thread's counter (staff messages), inserts the
    /// message, its `message.created` event and its notification. No audit row: the message
    /// itself is the immutable record of who wrote what, when. Nothing is written when the
    /// thread does not resolve to exactly one victim of the case. The event is written without
    /// a NOTIFY (it would serialise every post's commit): the caller nudges its hub.
    ///
    /// A victim's post (the hot path) has a statement of its own: its thread is the sender's,
    /// its thread counter is only read, so the statement has none of the staff path's thread
    /// resolution and thread upsert for the executor to set up.
    static func insert(_ db: any PostgresQueryable, id: UUID, caseID: UUID, victimID: UUID?, sender: Principal, body: String,
                       at: Date, eventData: String, notification: MessageNotification) async throws -> MessageInsertResult {
        if sender.role == .victim {
            return try await insertFromVictim(db, id: id, caseID: caseID, sender: sender, body: body, at: at,
                                              eventData: eventData, notification: notification)
        }
        // `visible` is CaseAccess.resolve's rule for staff (the case is of their force), inlined
        // so that the post stays one round trip after authentication.
        let row = try await db.queryFirst("""
            WITH visible AS (
              SELECT c.id AS case_id, c.force_id, c.crime_reference
              FROM cases c
              WHERE c.id = \(caseID) AND c.force_id = \(sender.forceID)),
            target AS (
              SELECT cv.user_id AS victim_id, count(*) OVER () AS n
              FROM case_victims cv JOIN visible ON cv.case_id = visible.case_id
              WHERE (\(victimID)::uuid IS NULL OR cv.user_id = \(victimID))),
            chosen AS (
              SELECT visible.case_id, visible.force_id, visible.crime_reference, t.victim_id
              FROM visible JOIN target t ON t.n = 1),
            counter AS (
              INSERT INTO message_cases AS mc (case_id, force_id, last_position, victim_messages)
              SELECT case_id, force_id, 1, 0 FROM chosen
              ON CONFLICT (case_id) DO UPDATE SET last_position = mc.last_position + 1
              RETURNING case_id, last_position, victim_messages),
            thread AS (
              INSERT INTO message_threads AS mt (case_id, victim_id, last_position, staff_messages)
              SELECT chosen.case_id, chosen.victim_id, counter.last_position, 1
              FROM chosen JOIN counter ON counter.case_id = chosen.case_id
              ON CONFLICT (case_id, victim_id) DO UPDATE
                SET last_position = EXCLUDED.last_position, staff_messages = mt.staff_messages + 1
              RETURNING staff_messages),
            msg AS (
              INSERT INTO messages (id, case_id, force_id, victim_id, position, sender_id, sender_role, sender_name, body,
                                    thread_staff_count, case_victim_count, created_at)
              SELECT \(id), chosen.case_id, chosen.force_id, chosen.victim_id, counter.last_position, \(sender.userID),
                     \(sender.role.rawValue), \(sender.name), \(body), thread.staff_messages, counter.victim_messages, \(at)
              FROM chosen, counter, thread
              RETURNING \(unsafeSQL: Self.returned)),
            -- One event row: `message.created` on /v1/events for the thread's victim and the
            -- force's staff (a staff message is not part of the change feed).
            event AS (
              INSERT INTO events (type, force_id, case_id, resource_id, recipient_ids, staff_visible, in_change_feed, data)
              SELECT 'message.created', msg.force_id, msg.case_id, msg.id::text, ARRAY[msg.victim_id], true, false,
                     \(eventData)::jsonb || jsonb_build_object('victim_id', msg.victim_id)
              FROM msg),
            -- The thread's victim, as their contact preferences say (migration 0009).
            notified AS (
              INSERT INTO notifications (force_id, user_id, case_id, kind, channel, recipient, subject, body)
              SELECT msg.force_id, r.user_id, msg.case_id, 'message', r.channel, r.recipient,
                     CASE WHEN r.safe_contact THEN \(NotificationOutbox.safeSubject) ELSE \(notification.subjectPrefix) || chosen.crime_reference END,
                     CASE WHEN r.safe_contact THEN \(NotificationOutbox.safeBody) ELSE \(sender.name)::text || \(notification.bodyAfterSenderName) END
              FROM chosen JOIN msg ON true CROSS JOIN LATERAL notification_route(msg.victim_id) r)
            SELECT EXISTS (SELECT 1 FROM visible) AS visible, (SELECT count(*) FROM target) AS matched, m.*
            FROM (SELECT 1) one LEFT JOIN msg m ON true
            """)
        guard let row, try row.decode("visible", as: Bool.self) else { return MessageInsertResult(caseVisible: false, matchedVictims: 0, message: nil) }
        let matched = try row.decode("matched", as: Int.self)
        guard try row.decode("id", as: UUID?.self) != nil else { return MessageInsertResult(caseVisible: true, matchedVictims: matched, message: nil) }
        return MessageInsertResult(caseVisible: true, matchedVictims: matched, message: try record(row))
    }

    /// A victim's post: CaseAccess.resolve's rule for victims (named on the case) picks the case,
    /// and the thread is the sender's own.
    private static func insertFromVictim(_ db: any PostgresQueryable, id: UUID, caseID: UUID, sender: Principal, body: String,
                                         at: Date, eventData: String, notification: MessageNotification) async throws -> MessageInsertResult {
        let row = try await db.queryFirst("""
            WITH chosen AS (
              SELECT c.id AS case_id, c.force_id, c.officer_id, c.crime_reference,
                     \(sender.userID)::uuid AS sender_id, \(sender.name)::text AS sender_name,
                     \(id)::uuid AS message_id, \(body)::text AS body, \(at)::timestamptz AS created_at, \(eventData)::jsonb AS event_data,
                     \(notification.subjectPrefix)::text AS subject_prefix, \(notification.bodyAfterSenderName)::text AS body_after_sender_name,
                     \(NotificationOutbox.safeSubject)::text AS safe_subject, \(NotificationOutbox.safeBody)::text AS safe_body
              FROM cases c JOIN case_victims cv ON cv.case_id = c.id AND cv.user_id = \(sender.userID)
              WHERE c.id = \(caseID)),
            \(unsafeSQL: victimPostWrites)
            SELECT EXISTS (SELECT 1 FROM chosen) AS visible, m.*
            FROM (SELECT 1) one LEFT JOIN msg m ON true
            """)
        guard let row, try row.decode("visible", as: Bool.self) else { return MessageInsertResult(caseVisible: false, matchedVictims: 0, message: nil) }
        guard try row.decode("id", as: UUID?.self) != nil else { return MessageInsertResult(caseVisible: true, matchedVictims: 1, message: nil) }
        return MessageInsertResult(caseVisible: true, matchedVictims: 1, message: try record(row))
    }

    /// Posts by whoever holds each post's session token, in one statement with the tokens'
    /// lookups (`POST /v1/cases/{id}/messages` by victims, the hot path: one round trip for a
    /// whole batch, see `MessageService.victimPosts`). A post writes only when its token is a
    /// victim's and the victim is named on its case, as `insertFromVictim` does; the sender's id
    /// and name come from the token's user. No two posts may name one case. One answer per post,
    /// in order: nil when no valid session token matches (API keys are not searched); otherwise
    /// the credential and, for a victim's token, what the post did (nil for any other role:
    /// nothing was written).
    ///
    /// The arrays reach `unnest` through a subquery the planner may not flatten (`OFFSET 0`),
    /// so that it cannot see how many posts a call has: its estimate, and so its plan, is the
    /// same for every call, and PostgreSQL settles on one plan for the prepared statement
    /// instead of planning every call again (planning this statement costs more than running it
    /// for one post, and a plan made for one post was cheaper on paper than the shared one).
    static func insertAuthenticatingVictims(_ db: any PostgresQueryable, _ posts: [VictimPostByToken], notification: MessageNotification) async throws
        -> [(credential: ResolvedCredential, result: MessageInsertResult?)?] {
        let rows = try await db.query("""
            WITH given AS (
              SELECT \(posts.map(\.bearer))::text[] AS bearers, \(posts.map(\.caseID))::uuid[] AS case_ids,
                     \(posts.map(\.id))::uuid[] AS message_ids, \(posts.map(\.body))::text[] AS bodies,
                     \(posts.map(\.at))::timestamptz[] AS created_ats, \(posts.map(\.eventData))::jsonb[] AS event_data
              OFFSET 0),
            post AS (
              SELECT p.* FROM given, unnest(given.bearers, given.case_ids, given.message_ids, given.bodies, given.created_ats, given.event_data)
                WITH ORDINALITY AS p(bearer, case_id, message_id, body, created_at, event_data, n)),
            cred AS (
              SELECT post.n AS post_n, tc.*
              FROM post CROSS JOIN LATERAL (
                \(unsafeSQL: CredentialRepository.tokenSelect)
                WHERE t.token_hash = sha256(convert_to(post.bearer, 'UTF8')) AND \(unsafeSQL: CredentialRepository.tokenIsValid)) tc),
            chosen AS (
              SELECT c.id AS case_id, c.force_id, c.officer_id, c.crime_reference,
                     cred.id AS sender_id, cred.name AS sender_name,
                     post.message_id, post.body, post.created_at, post.event_data,
                     \(notification.subjectPrefix)::text AS subject_prefix, \(notification.bodyAfterSenderName)::text AS body_after_sender_name,
                     \(NotificationOutbox.safeSubject)::text AS safe_subject, \(NotificationOutbox.safeBody)::text AS safe_body
              FROM post JOIN cred ON cred.post_n = post.n
              JOIN case_victims cv ON cv.user_id = cred.id AND cv.case_id = post.case_id
              JOIN cases c ON c.id = cv.case_id
              WHERE cred.role = 'victim'),
            \(unsafeSQL: victimPostWrites)
            SELECT cred.*, NULL AS post_part, chosen.message_id IS NOT NULL AS visible, m.*
            FROM post LEFT JOIN cred ON cred.post_n = post.n
            LEFT JOIN chosen ON chosen.message_id = post.message_id
            LEFT JOIN msg m ON m.id = post.message_id
            ORDER BY post.n
            """)
        return try rows.map { row in
            guard let (resolved, post) = try CredentialRepository.splitCredential(row, at: "post_part") else { return nil }
            guard resolved.principal.role == .victim else { return (resolved, nil) }
            guard try post.decode("visible", as: Bool.self) else { return (resolved, MessageInsertResult(caseVisible: false, matchedVictims: 0, message: nil)) }
            guard try post.decode("id", as: UUID?.self) != nil else { return (resolved, MessageInsertResult(caseVisible: true, matchedVictims: 1, message: nil)) }
            return (resolved, MessageInsertResult(caseVisible: true, matchedVictims: 1, message: try record(post)))
        }
    }

    /// The writes of victims' posts, after a `chosen` CTE of one row per post, no two of one
    /// case: the case (`case_id`, `force_id`, `officer_id`, `crime_reference`), the sender
    /// (`sender_id`, `sender_name`) and the post's values (`message_id`, `body`, `created_at`,
    /// `event_data` and the notification's texts). Constant SQL: every value is a column of
    /// `chosen`. The counter rows are locked in case order, so that two batches never wait for
    /// each other's locks in a cycle. The thread's staff-message count is read, not locked: a
    /// staff message in the thread takes the case's counter row first, and holds it to commit.
    private static let victimPostWrites = """
        counter AS (
          INSERT INTO message_cases AS mc (case_id, force_id, last_position, victim_messages)
          SELECT case_id, force_id, 1, 1 FROM chosen ORDER BY case_id
          ON CONFLICT (case_id) DO UPDATE
            SET last_position = mc.last_position + 1, victim_messages = mc.victim_messages + 1
          RETURNING case_id, last_position, victim_messages),
        msg AS (
          INSERT INTO messages (id, case_id, force_id, victim_id, position, sender_id, sender_role, sender_name, body,
                                thread_staff_count, case_victim_count, created_at)
          SELECT chosen.message_id, chosen.case_id, chosen.force_id, chosen.sender_id, counter.last_position, chosen.sender_id,
                 'victim', chosen.sender_name, chosen.body,
                 coalesce((SELECT mt.staff_messages FROM message_threads mt
                           WHERE mt.case_id = chosen.case_id AND mt.victim_id = chosen.sender_id), 0),
                 counter.victim_messages, chosen.created_at
          FROM chosen JOIN counter ON counter.case_id = chosen.case_id
          RETURNING id, case_id, force_id, victim_id, position, sender_id, sender_role, sender_name, body, created_at),
        -- One event row per message: `message.created` on /v1/events for the victim and the
        -- force's staff, and on the force's change feed (where it reads as
        -- `message_from_victim`, see EventRepository.changes). The sender's id and name are the
        -- message's.
        event AS (
          INSERT INTO events (type, force_id, case_id, resource_id, recipient_ids, staff_visible, in_change_feed, data)
          SELECT 'message.created', msg.force_id, msg.case_id, msg.id::text, ARRAY[msg.victim_id], true, true,
                 jsonb_set(jsonb_set(chosen.event_data, '{sender,id}', to_jsonb(msg.sender_id)), '{sender,name}', to_jsonb(msg.sender_name))
                   || jsonb_build_object('victim_id', msg.victim_id)
          FROM chosen JOIN msg ON msg.id = chosen.message_id),
        -- The officer in charge, if any, as their contact preferences say (migration 0009).
        notified AS (
          INSERT INTO notifications (force_id, user_id, case_id, kind, channel, recipient, subject, body)
          SELECT msg.force_id, r.user_id, msg.case_id, 'message', r.channel, r.recipient,
                 CASE WHEN r.safe_contact THEN chosen.safe_subject ELSE chosen.subject_prefix || chosen.crime_reference END,
                 CASE WHEN r.safe_contact THEN chosen.safe_body ELSE msg.sender_name || chosen.body_after_sender_name END
          FROM chosen JOIN msg ON msg.id = chosen.message_id CROSS JOIN LATERAL notification_route(chosen.officer_id) r)
        """

    /// What the post statements return of the message (`columns` without the alias).
    private static let returned = "id, case_id, force_id, victim_id, position, sender_id, sender_role, sender_name, body, created_at"

    /// The position of a message of the case, when `victimID` (a victim's own thread) or any
    /// thread (nil, staff) can see it.
    static func position(_ db: any PostgresQueryable, caseID: UUID, messageID: UUID, victimID: UUID?) async throws -> Int64? {
        try await db.queryFirst("""
            SELECT position FROM messages
            WHERE id = \(messageID) AND case_id = \(caseID) AND (\(victimID)::uuid IS NULL OR victim_id = \(victimID))
            """)?.decode("position", as: Int64.self)
    }

    /// A page of the case's messages after `position`, oldest first: one victim's thread, or
    /// every thread (nil, staff).
    static func list(_ db: any PostgresQueryable, caseID: UUID, victimID: UUID?, after position: Int64, limit: Int) async throws -> [MessageRecord] {
        if let victimID {
            return try await db.query("""
                SELECT \(unsafeSQL: columns) FROM messages m
                WHERE m.case_id = \(caseID) AND m.victim_id = \(victimID) AND m.position > \(position)
                ORDER BY m.position LIMIT \(limit)
                """).map(record)
        }
        return try await db.query("""
            SELECT \(unsafeSQL: columns) FROM messages m
            WHERE m.case_id = \(caseID) AND m.position > \(position)
            ORDER BY m.position LIMIT \(limit)
            """).map(record)
    }

    static func find(_ db: any PostgresQueryable, caseID: UUID, messageID: UUID, victimID: UUID?) async throws -> MessageRecord? {
        try await db.queryFirst("""
            SELECT \(unsafeSQL: columns) FROM messages m
            WHERE m.id = \(messageID) AND m.case_id = \(caseID) AND (\(victimID)::uuid IS NULL OR m.victim_id = \(victimID))
            """).map(record)
    }

    /// Moves the reader's marker on the case to `messageID` unless it is already further on,
    /// and returns where it is and how many messages remain unread, in one statement. A victim
    /// (`victimID` = the reader) counts the staff messages of their thread; staff (nil) the
    /// victims' messages of every thread. Nil when the message is not one the reader can see.
    static func markRead(_ db: any PostgresQueryable, userID: UUID, caseID: UUID, messageID: UUID, victimID: UUID?) async throws -> (upTo: UUID, unread: Int)? {
        let row = try await db.queryFirst("""
            WITH target AS (
              SELECT id, position, CASE WHEN \(victimID)::uuid IS NULL THEN case_victim_count ELSE thread_staff_count END AS read_count
              FROM messages
              WHERE id = \(messageID) AND case_id = \(caseID) AND (\(victimID)::uuid IS NULL OR victim_id = \(victimID))),
            marker AS (
              INSERT INTO message_reads AS r (user_id, case_id, message_id, position, read_count)
              SELECT \(userID), \(caseID), id, position, read_count FROM target
              ON CONFLICT (user_id, case_id) DO UPDATE
                SET message_id = EXCLUDED.message_id, position = EXCLUDED.position, read_count = EXCLUDED.read_count,
                    updated_at = now()
                WHERE r.position < EXCLUDED.position
              RETURNING message_id, read_count),
            current AS (
              SELECT message_id, read_count FROM marker
              UNION ALL
              SELECT message_id, read_count FROM message_reads
              WHERE user_id = \(userID) AND case_id = \(caseID) AND NOT EXISTS (SELECT 1 FROM marker))
            SELECT cur.message_id, greatest(0,
                     CASE WHEN \(victimID)::uuid IS NULL
                          THEN (SELECT victim_messages FROM message_cases WHERE case_id = \(caseID))
                          ELSE (SELECT staff_messages FROM message_threads WHERE case_id = \(caseID) AND victim_id = \(victimID)) END
                     - cur.read_count) AS unread
            FROM target, current cur
            LIMIT 1
            """)
        guard let row else { return nil }
        return (try row.decode("message_id", as: UUID.self), try row.decode("unread", as: Int.self))
    }

    /// A victim's unread messages per case: their threads' staff-message totals less their
    /// markers (one index-only scan of their threads, one primary-key probe per case).
    static func unreadForVictim(_ db: any PostgresQueryable, userID: UUID) async throws -> [(caseID: UUID, unread: Int)] {
        try await db.query("""
            SELECT t.case_id, t.staff_messages - coalesce(r.read_count, 0) AS unread
            FROM message_threads t
            LEFT JOIN message_reads r ON r.user_id = t.victim_id AND r.case_id = t.case_id
            WHERE t.victim_id = \(userID) AND t.staff_messages > coalesce(r.read_count, 0)
            ORDER BY t.case_id
            """).map { (try $0.decode("case_id", as: UUID.self), try $0.decode("unread", as: Int.self)) }
    }

    /// Staff's unread victims' messages per case: every case of the force with messages
    /// (`officerID` nil, supervisors), or the cases the officer is in charge of.
    static func unreadForStaff(_ db: any PostgresQueryable, userID: UUID, forceID: UUID, officerID: UUID?) async throws -> [(caseID: UUID, unread: Int)] {
        let rows: PostgresResult
        if let officerID {
            rows = try await db.query("""
                SELECT m.case_id, m.victim_messages - coalesce(r.read_count, 0) AS unread
                FROM cases c
                JOIN message_cases m ON m.case_id = c.id
                LEFT JOIN message_reads r ON r.user_id = \(userID) AND r.case_id = m.case_id
                WHERE c.officer_id = \(officerID) AND c.force_id = \(forceID) AND m.victim_messages > coalesce(r.read_count, 0)
                ORDER BY m.case_id
                """)
        } else {
            rows = try await db.query("""
                SELECT m.case_id, m.victim_messages - coalesce(r.read_count, 0) AS unread
                FROM message_cases m
                LEFT JOIN message_reads r ON r.user_id = \(userID) AND r.case_id = m.case_id
                WHERE m.force_id = \(forceID) AND m.victim_messages > coalesce(r.read_count, 0)
                ORDER BY m.case_id
                """)
        }
        return try rows.map { (try $0.decode("case_id", as: UUID.self), try $0.decode("unread", as: Int.self)) }
    }
}
