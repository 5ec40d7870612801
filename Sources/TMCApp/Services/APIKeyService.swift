import Foundation
import TMCPostgres

/// A force's integration API keys, managed by its admin. A key is shown once, at creation.
public struct APIKeyService: Sendable {
    let database: PostgresPool
    let forces: ForceService
    let audit: AuditLog

    init(database: PostgresPool, forces: ForceService, audit: AuditLog) {
        self.database = database
        self.forces = forces
        self.audit = audit
    }

    public func create(_ principal: Principal, forceCode: String, name: String, origin: RequestOrigin) async throws -> CreatedAPIKey {
        let force = try await adminForce(principal, forceCode)
        let secret = SecretGenerator.token(prefix: "tmck_")
        return try await database.transaction { db in
            let key = try await APIKeyRepository.insert(db, forceID: force.id, name: name, key: secret, createdBy: principal.userID)
            try await audit.record(db, AuditEntry(actor: principal, action: "api_key.created", resourceType: "api_key",
                                                  resourceID: key.id.lowercasedString, forceID: force.id, origin: origin,
                                                  details: ["name": name]))
            return CreatedAPIKey(id: key.id, name: key.name, key: secret, createdAt: key.createdAt)
        }
    }

    /// The force's live keys, never the keys themselves.
    public func list(_ principal: Principal, forceCode: String, limit: Int, after cursor: UUID?) async throws -> Page<APIKey> {
        let force = try await adminForce(principal, forceCode)
        let rows = try await APIKeyRepository.list(database, forceID: force.id, after: cursor, limit: limit + 1)
        return Cursor.page(rows, limit: limit, id: \.id)
    }

    /// Revokes the key at once; revoking a revoked key changes nothing. `404` for a key of
    /// another force or none (or a malformed id, nil).
    public func revoke(_ principal: Principal, forceCode: String, keyID: UUID?, origin: RequestOrigin) async throws {
        let force = try await adminForce(principal, forceCode)
        guard let keyID else { throw Problem.notFound() }
        try await database.transaction { db in
            guard let revokedNow = try await APIKeyRepository.revoke(db, forceID: force.id, id: keyID) else { throw Problem.notFound() }
            if revokedNow {
                try await audit.record(db, AuditEntry(actor: principal, action: "api_key.revoked", resourceType: "api_key",
                                                      resourceID: keyID.lowercasedString, forceID: force.id, origin: origin))
            }
        }
    }

    private func adminForce(_ principal: Principal, _ code: String) async throws -> Force {
        try Policy.requireRole(principal, [.admin])
        let force = try await forces.find(database, code: code)
        try Policy.requireForceAdmin(principal, forceID: force.id)
        return force
    }
}
