import Foundation
import TMCPostgres

/// SQL for `/v1/events` tickets (migration 0007); redeeming one is
/// `CredentialRepository.redeemEventTicket`, which resolves the credential in the same statement.
enum EventTicketRepository {
    /// Stores `sha256(ticket)` for the credential, valid for `lifetime`; returns the expiry.
    /// Tickets expired a while ago are swept a few at a time on the way.
    static func insert(_ db: any PostgresQueryable, ticket: String, credentialID: UUID, lifetime: Duration) async throws -> Date {
        let row = try await db.queryFirst("""
            WITH swept AS (
              DELETE FROM event_tickets WHERE ticket_hash IN (
                SELECT ticket_hash FROM event_tickets WHERE expires_at < now() - interval '10 minutes' LIMIT 100)
              RETURNING 1),
            ticket AS (
              INSERT INTO event_tickets (ticket_hash, credential_id, expires_at)
              VALUES (\(sha256: ticket), \(credentialID), now() + \(lifetime.seconds)::float8 * interval '1 second')
              RETURNING expires_at)
            SELECT expires_at, (SELECT count(*) FROM swept) AS swept FROM ticket
            """)
        guard let row else { throw PostgresDecodingError(column: "expires_at", type: "inserted ticket", value: nil) }
        return try row.decode("expires_at", as: Date.self)
    }
}
