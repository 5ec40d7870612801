import Foundation
import TMCPostgres

/// A ticket for `GET /v1/events?ticket=…`.
public struct EventTicket: Sendable, Encodable, Equatable {
    public var ticket: String
    public var expiresAt: Date
}

/// The rules of `/v1/events` (API.md, "Messages"): who may subscribe, tickets for browsers,
/// and the backlog a resuming stream replays. The HTTP side is `EventRoutes`.
public struct EventStreamService: Sendable {
    let database: PostgresPool
    let authentication: AuthenticationService
    /// How far back Last-Event-ID can resume.
    let retention: Duration

    /// Who receives events: victims (theirs), staff and integration keys (their force's).
    /// Admins and sysadmins read no case contents: `403`.
    public static let subscribers: Set<Role> = [.victim, .officer, .supervisor, .integration]
    public static let ticketLifetime: Duration = .seconds(60)
    /// Events sent per backlog query while catching up.
    public static let backlogPage = 500

    public init(database: PostgresPool, authentication: AuthenticationService, retention: Duration) {
        self.database = database
        self.authentication = authentication
        self.retention = retention
    }

    public func requireSubscriber(_ principal: Principal) throws {
        try CasePolicy.require(principal, Self.subscribers, "Your role receives no events.")
    }

    /// `POST /v1/events/ticket`: a single-use ticket, valid 60 s, that stands for the caller's
    /// credential (revoking the credential voids it). Only its SHA-256 is stored, in PostgreSQL,
    /// so any instance accepts it.
    public func issueTicket(_ principal: Principal) async throws -> EventTicket {
        try requireSubscriber(principal)
        let ticket = SecretGenerator.token(prefix: "tmct_")
        let expiresAt = try await EventTicketRepository.insert(database, ticket: ticket, credentialID: principal.credentialID,
                                                              lifetime: Self.ticketLifetime)
        return EventTicket(ticket: ticket, expiresAt: expiresAt)
    }

    /// Redeems a ticket: the caller it stands for, or `401`.
    public func redeem(ticket: String) async throws -> Principal {
        guard let principal = try await authentication.authenticate(eventTicket: ticket) else {
            throw Problem.unauthenticated("The ticket is unknown, used or expired; ask for a new one.")
        }
        return principal
    }

    /// Events after `seq` that `principal` may see, oldest first, at most `backlogPage`, no
    /// older than the retention window.
    public func backlog(_ principal: Principal, after seq: Int64) async throws -> [SequencedEvent] {
        let since = Date().addingTimeInterval(-retention.seconds)
        return try await EventRepository.visibleAfter(database, seq: seq, principal: principal, since: since, limit: Self.backlogPage)
    }
}
