import Foundation
import TMCPostgres

/// The append-only audit trail. Record inside the same transaction as the change it
/// describes (pass the transaction's connection) so that neither exists without the other.
public struct AuditLog: Sendable {
    public init() {}

    /// Appends one entry. Entries never carry secrets (passwords, tokens, codes).
    public func record(_ db: any PostgresQueryable, _ entry: AuditEntry) async throws {
        try await AuditRepository.insert(db, entry)
    }
}
