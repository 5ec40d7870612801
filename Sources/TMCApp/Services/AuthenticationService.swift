import Foundation
import TMCPostgres

/// Turns a bearer credential into the caller. Nothing is cached in memory: a logout, a
/// revocation or a disabled account takes effect at once on every instance.
public struct AuthenticationService: Sendable {
    let database: PostgresPool

    public init(database: PostgresPool) { self.database = database }

    /// The longest credential looked up; anything longer is refused without a query.
    public static let maximumCredentialLength = 512

    /// The caller for a token or API key, or nil when it is unknown, expired or revoked, or its
    /// account is not active. One query; an API key's `last_used_at` is refreshed at most
    /// once a minute.
    public func authenticate(bearer: String) async throws -> Principal? {
        guard AuthenticationService.isPlausible(bearer) else { return nil }
        guard let resolved = try await CredentialRepository.resolve(database, bearer: bearer) else { return nil }
        return try await accept(resolved)
    }

    /// The caller of a credential resolved elsewhere (in the same statement as a route's data):
    /// refreshes an API key's `last_used_at` as `authenticate` does.
    func accept(_ resolved: ResolvedCredential) async throws -> Principal {
        if resolved.principal.role == .integration,
           resolved.keyLastUsedAt.map({ $0 < Date().addingTimeInterval(-60) }) ?? true {
            try await APIKeyRepository.touch(database, id: resolved.principal.credentialID)
        }
        return resolved.principal
    }

    /// The caller for a single-use `/v1/events` ticket (see `EventTicketService`), or nil when
    /// the ticket is unknown, used, expired or its credential is no longer valid. Redeems it.
    public func authenticate(eventTicket: String) async throws -> Principal? {
        guard AuthenticationService.isPlausible(eventTicket) else { return nil }
        return try await CredentialRepository.redeemEventTicket(database, ticket: eventTicket)?.principal
    }

    /// 1–512 visible ASCII characters: tokens are `tmc_…`, keys `tmck_…`, but any sane string
    /// is looked up (tokens may be issued by other means, e.g. seeded for benchmarks).
    public static func isPlausible(_ credential: String) -> Bool {
        let bytes = credential.utf8
        return !bytes.isEmpty && bytes.count <= maximumCredentialLength && bytes.allSatisfy { $0 >= 0x21 && $0 <= 0x7E }
    }
}
