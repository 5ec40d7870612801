import Foundation
import TMCPostgres

/// Secure messages between each victim of a case and the force's staff (API.md, "Messages").
///
/// Each victim has a private thread: they read and post only there. Officers and supervisors
/// of the case's force read every thread and post to one (`victim_id`, needed when the case has
/// more than one victim). Integration keys read (the force's records system may pull what
/// victims wrote) but never post or keep read markers. Admins and sysadmins: `403`. Messages
/// are immutable. Case access is `CaseAccess.resolve`, the cases module's one rule.
public struct MessageService: Sendable {
    let database: PostgresPool
    let events: EventHub
    let audit: CaseAudit
    /// Victims' posts by bearer token, several to a statement under load (`BatchQueue`), no two
    /// of one case in a batch (a statement bumps a case's counter row once). They run in the
    /// system scope, before any principal exists: like the victim case read
    /// (tmc_victim_cases_by_tokens, migration 0011), the statement's own WHERE clause is the
    /// victim rule (a valid session token of a victim named on the case), row by row.
    let victimPosts: BatchQueue<VictimPostByToken, UUID, (credential: ResolvedCredential, result: MessageInsertResult?)?>

    /// Who reads a case's messages.
    public static let readers: Set<Role> = [.victim, .officer, .supervisor, .integration]
    /// Who posts messages and keeps read markers: people, not systems.
    public static let writers: Set<Role> = [.victim, .officer, .supervisor]
    /// The creating `POST` routes of this area, for `Idempotency-Key` (a ticket is not one:
    /// every call must issue a new single-use ticket).
    public static let creatingRoutes: Set<String> = ["/v1/cases/{id}/messages"]
    /// Longest body, in Unicode code points after trimming.
    public static let maxBodyLength = 10_000

    public init(database: PostgresPool, events: EventHub, audit: AuditLog = AuditLog()) {
        self.database = database
        self.events = events
        self.audit = CaseAudit(log: audit)
        let notification = Self.notification(from: .victim, body: "")
        victimPosts = BatchQueue(maxBatch: Self.maxPostsPerStatement, maxRunning: Self.postStatementsRunning,
                                 retrySeparately: PostgresError.isRefusedStatement) { posts in
            try await DatabaseScope.runAsSystem {
                try await MessageRepository.insertAuthenticatingVictims(database, posts, notification: notification)
            }
        }
    }

    /// Most victims' posts written by one statement.
    static let maxPostsPerStatement = 64
    /// Most statements of victims' posts running at once (each holds a pooled connection): one
    /// batch runs while the other waits for its commit. Measured on two cores with 64 clients
    /// (bench/authenticated.sh): 2 gave ~2,000 posts/s, 1 ~1,770, 3 to 6 ~1,650 to 1,900.
    static let postStatementsRunning = 2

    /// `POST /v1/cases/{id}/messages`: one statement checks the case is the sender's to see
    /// (`CaseAccess.resolve`'s rule, in SQL: the post is the hot path) and writes the message,
    /// its event and its notification (no audit entry: the message is the record).
    public func post(_ principal: Principal, caseID: UUID?, _ new: NewMessage) async throws -> MessageView {
        try CasePolicy.require(principal, Self.writers, "Only the case's victims and staff post messages.")
        let caseID = try CasePolicy.caseID(caseID)
        let fromVictim = principal.role == .victim
        let forceID = fromVictim ? nil : try CasePolicy.force(of: principal)
        if fromVictim, let asked = new.victimID, asked != principal.userID {
            throw Problem.validation(field: "victim_id", "must be left out: victims post to their own thread")
        }
        let thread = fromVictim ? principal.userID : new.victimID
        let id = UUID.random()
        // Whole microseconds: exactly what PostgreSQL stores, so every later read shows the same time.
        let at = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1_000_000).rounded() / 1_000_000)
        let draft = MessageRecord(id: id, caseID: caseID, forceID: forceID ?? id,
                                  victimID: thread ?? id, position: 0, senderID: principal.userID,
                                  senderRole: principal.role, senderName: principal.name, body: new.body, createdAt: at)
        // The statement sets `victim_id` (staff may leave the thread to be found); `force_id` is
        // not part of the view.
        let eventData = String(decoding: MessageView.shared(draft).jsonBytes, as: UTF8.self)
        let result = try await MessageRepository.insert(
            database, id: id, caseID: caseID, victimID: thread, sender: principal, body: new.body,
            at: at, eventData: eventData, notification: Self.notification(from: principal.role, body: new.body))
        guard result.caseVisible else { throw Problem.notFound("No such case.") }
        guard let message = result.message else {
            if fromVictim { throw Problem.notFound("No such case.") }
            if new.victimID != nil { throw Problem.validation(field: "victim_id", "must be a victim of this case") }
            throw Problem.validation(field: "victim_id", "is required when the case has more than one victim")
        }
        events.nudge()
        return MessageView(message, viewer: principal)
    }

    /// What `post(bearer:…)` did.
    public enum AuthenticatingPost: Sendable {
        /// A victim's message, written.
        case posted(MessageView)
        /// The credential belongs to someone else than a victim: nothing was written; post as
        /// `principal` the usual way.
        case authenticated(Principal)
        /// Not tried, or no valid session token matched (it may still be an API key):
        /// authenticate the usual way.
        case unresolved
    }

    /// `POST /v1/cases/{id}/messages` by a victim, authenticated in the same statement as the
    /// post (`AuthenticationMiddleware.deferredRoutes`): one round trip. `new` must be a valid
    /// body (the route parses it first). It is only tried for a plausible credential, a case id
    /// and no `victim_id` (a victim naming a thread is refused by the usual path); when it
    /// writes, it does what `post(principal…)` does for a victim.
    public func post(bearer: String, caseID: UUID?, _ new: NewMessage, authentication: AuthenticationService) async throws -> AuthenticatingPost {
        guard new.victimID == nil, let caseID, AuthenticationService.isPlausible(bearer) else { return .unresolved }
        let id = UUID.random()
        let at = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 * 1_000_000).rounded() / 1_000_000)
        // The sender's id and name (and the thread, theirs) are filled in by the statement from
        // the token's user.
        let draft = MessageRecord(id: id, caseID: caseID, forceID: id, victimID: id, position: 0, senderID: id,
                                  senderRole: .victim, senderName: "", body: new.body, createdAt: at)
        let post = VictimPostByToken(bearer: bearer, id: id, caseID: caseID, body: new.body, at: at,
                                     eventData: String(decoding: MessageView.shared(draft).jsonBytes, as: UTF8.self))
        guard let (credential, result) = try await victimPosts.run(post, key: caseID) else { return .unresolved }
        guard let result else { return .authenticated(try await authentication.accept(credential)) }
        guard result.caseVisible, let message = result.message else { throw Problem.notFound("No such case.") }
        events.nudge()
        return .posted(MessageView(message, viewer: credential.principal))
    }

    /// The notification texts of a post by someone of `role` (the sender's name goes before
    /// `bodyAfterSenderName`): a victim's names no content, a staff message carries it.
    static func notification(from role: Role, body: String) -> MessageNotification {
        role == .victim
            ? MessageNotification(subjectPrefix: "New message from a victim on case ",
                                  bodyAfterSenderName: " sent a message on one of your cases. Sign in to TrackMyCrime to read it and reply.")
            : MessageNotification(subjectPrefix: "New message about your case ",
                                  bodyAfterSenderName: " (\(roleLabel(role))) wrote:\n\n\(body)\n\nSign in to TrackMyCrime to reply.")
    }

    /// `GET /v1/cases/{id}/messages`: oldest first, after the message `after` (which the caller
    /// must be able to see); `next_cursor` is the last item's id while more may follow.
    public func list(_ principal: Principal, caseID: UUID?, after: UUID?, limit: Int, origin: RequestOrigin) async throws -> Page<MessageView> {
        try CasePolicy.require(principal, Self.readers, "Your role may not read messages.")
        return try await database.withConnection { db in
            let access = try await CaseAccess.resolve(db, principal, caseID: caseID, roles: Self.readers)
            var position: Int64 = 0
            if let after {
                guard let p = try await MessageRepository.position(db, caseID: access.caseID, messageID: after, victimID: access.victimID) else {
                    throw Problem.validation(field: "after", "must be the id of a message of this case that you can see")
                }
                position = p
            }
            let rows = try await MessageRepository.list(db, caseID: access.caseID, victimID: access.victimID, after: position, limit: limit + 1)
            try await audit.read(db, principal, access, what: "case.messages", origin: origin)
            let items = Array(rows.prefix(limit))
            let next = rows.count > limit ? items.last?.id.lowercasedString : nil
            return Page(items: items.map { MessageView($0, viewer: principal) }, nextCursor: next)
        }
    }

    /// `GET /v1/cases/{id}/messages/{message_id}`.
    public func get(_ principal: Principal, caseID: UUID?, messageID: UUID?, origin: RequestOrigin) async throws -> MessageView {
        try CasePolicy.require(principal, Self.readers, "Your role may not read messages.")
        return try await database.withConnection { db in
            let access = try await CaseAccess.resolve(db, principal, caseID: caseID, roles: Self.readers)
            guard let messageID,
                  let m = try await MessageRepository.find(db, caseID: access.caseID, messageID: messageID, victimID: access.victimID) else {
                throw Problem.notFound("No such message.")
            }
            try await audit.read(db, principal, access, what: "case.messages", resourceID: m.id, origin: origin)
            return MessageView(m, viewer: principal)
        }
    }

    /// `POST /v1/cases/{id}/messages/read`: the marker moves forward to `upTo`, never back.
    public func markRead(_ principal: Principal, caseID: UUID?, upTo: UUID) async throws -> ReadMarkerView {
        try CasePolicy.require(principal, Self.writers, "Only people keep read markers.")
        return try await database.withConnection { db in
            let access = try await CaseAccess.resolve(db, principal, caseID: caseID, roles: Self.writers)
            guard let marker = try await MessageRepository.markRead(db, userID: principal.userID, caseID: access.caseID,
                                                                    messageID: upTo, victimID: access.victimID) else {
                throw Problem.validation(field: "up_to", "must be the id of a message of this case that you can see")
            }
            return ReadMarkerView(caseId: access.caseID.lowercasedString, upTo: marker.upTo.lowercasedString, unread: marker.unread)
        }
    }

    /// `GET /v1/me/unread`: victims count staff messages in their threads; officers victims'
    /// messages in the cases they are in charge of; supervisors in every case of their force.
    public func unread(_ principal: Principal) async throws -> UnreadSummary {
        try CasePolicy.require(principal, Self.writers, "Only victims and staff have unread messages.")
        let rows: [(caseID: UUID, unread: Int)]
        switch principal.role {
        case .victim:
            rows = try await MessageRepository.unreadForVictim(database, userID: principal.userID)
        default:
            let force = try CasePolicy.force(of: principal)
            rows = try await MessageRepository.unreadForStaff(database, userID: principal.userID, forceID: force,
                                                              officerID: principal.role == .officer ? principal.userID : nil)
        }
        return UnreadSummary(total: rows.reduce(0) { $0 + $1.unread },
                             items: rows.map { UnreadSummary.Item(caseId: $0.caseID.lowercasedString, unread: $0.unread) })
    }

    static func roleLabel(_ role: Role) -> String {
        switch role {
        case .officer: return "Officer"
        case .supervisor: return "Supervisor"
        default: return role.rawValue.capitalized
        }
    }
}
