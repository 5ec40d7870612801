import Foundation
import TMCPostgres

/// Stolen and damaged property on a case. Each item belongs to one victim of the case: that
/// victim sees and edits it (other victims do not see it: `404`); officers and supervisors see
/// and edit every item of their force's cases, and alone set `recovered` or `returned`. A
/// victim withdraws an item with `DELETE` (kept, `status: withdrawn`); staff never delete.
/// Integration keys read. Every change is a new version; all versions are kept.
public struct PropertyService: Sendable {
    let database: PostgresPool
    let audit: CaseAudit
    static let writers: Set<Role> = [.victim, .officer, .supervisor]

    public init(database: PostgresPool, audit: AuditLog) {
        self.database = database
        self.audit = CaseAudit(log: audit)
    }

    /// `POST /v1/cases/{id}/property`. Staff name the victim the item belongs to with
    /// `victimID` (needed when the case has more than one victim).
    public func add(_ principal: Principal, caseID: UUID?, _ fields: PropertyFields, victimID: UUID?, origin: RequestOrigin) async throws -> PropertyItemView {
        try CasePolicy.require(principal, Self.writers, "Only the case's victims and staff add property.")
        return try await database.transaction { db in
            let access = try await CaseAccess.resolve(db, principal, caseID: caseID, roles: Self.writers)
            let owner: UUID
            if let me = access.victimID {
                if let victimID, victimID != me { throw Problem.validation(field: "victim_id", "must be left out: you add your own property") }
                owner = me
            } else {
                let victims = try await CaseRepository.victims(db, caseID: access.caseID)
                if let victimID {
                    guard victims.contains(where: { $0.userID == victimID }) else {
                        throw Problem.validation(field: "victim_id", "must be a victim of this case")
                    }
                    owner = victimID
                } else if victims.count == 1 {
                    owner = victims[0].userID
                } else {
                    throw Problem.validation(field: "victim_id", "is required when the case has more than one victim")
                }
            }
            let item = try await PropertyRepository.insert(db, caseID: access.caseID, forceID: access.forceID, victimID: owner, fields,
                                                           by: principal.userID, role: principal.role)
            try await CaseRepository.touch(db, id: access.caseID)
            try await audit.change(db, principal, caseID: access.caseID, forceID: access.forceID, action: "case.property.created",
                                   resourceType: "case.property", resourceID: item.id, origin: origin)
            try await EventRepository.append(db, CaseChangeEvents.propertyAdded(item, forceID: access.forceID, by: principal.role))
            return PropertyItemView(item)
        }
    }

    /// `GET /v1/cases/{id}/property`.
    public func list(_ principal: Principal, caseID: UUID?, cursor: KeysetCursor?, limit: Int, origin: RequestOrigin) async throws -> Page<PropertyItemView> {
        try await database.withConnection { db in
            let access = try await CaseAccess.resolve(db, principal, caseID: caseID)
            let rows = try await PropertyRepository.list(db, caseID: access.caseID, victimID: access.victimID, after: cursor, limit: limit)
            try await audit.read(db, principal, access, what: "case.property", origin: origin)
            let items = Array(rows.prefix(limit))
            let next = rows.count > limit ? items.last.map { KeysetCursor(at: $0.createdAt, id: $0.id).encoded } : nil
            return Page(items: items.map(PropertyItemView.init), nextCursor: next)
        }
    }

    /// `GET …/property/{item_id}`.
    public func get(_ principal: Principal, caseID: UUID?, itemID: UUID?, origin: RequestOrigin) async throws -> PropertyItemView {
        try await database.withConnection { db in
            let access = try await CaseAccess.resolve(db, principal, caseID: caseID)
            let item = try await Self.item(db, access, itemID)
            try await audit.read(db, principal, access, what: "case.property", resourceID: item.id, origin: origin)
            return PropertyItemView(item)
        }
    }

    /// `GET …/property/{item_id}/versions`: every version, oldest first.
    public func versions(_ principal: Principal, caseID: UUID?, itemID: UUID?, origin: RequestOrigin) async throws -> ItemList<PropertyItemView> {
        try await database.withConnection { db in
            let access = try await CaseAccess.resolve(db, principal, caseID: caseID)
            let item = try await Self.item(db, access, itemID)
            let rows = try await PropertyRepository.versions(db, itemID: item.id)
            try await audit.read(db, principal, access, what: "case.property", resourceID: item.id, origin: origin)
            return ItemList(items: rows.map(PropertyItemView.init))
        }
    }

    /// `PATCH …/property/{item_id}` with `If-Match`.
    public func patch(_ principal: Principal, caseID: UUID?, itemID: UUID?, ifMatch: Int, _ patch: PropertyPatch, origin: RequestOrigin) async throws -> PropertyItemView {
        try CasePolicy.require(principal, Self.writers, "Only the case's victims and staff change property.")
        if principal.role == .victim && patch.status != nil {
            throw Problem.forbidden("Only the police mark property recovered or returned.")
        }
        return try await database.transaction { db in
            let access = try await CaseAccess.resolve(db, principal, caseID: caseID, roles: Self.writers)
            let item = try await Self.item(db, access, itemID)
            guard item.version == ifMatch else { throw Problem.preconditionFailed() }
            guard item.status != .withdrawn else { throw Problem.conflict("This item was withdrawn and can no longer be changed.") }
            let fields = patch.applied(to: item)
            guard fields != item.fields else { return PropertyItemView(item) }
            guard let updated = try await PropertyRepository.update(db, id: item.id, expectedVersion: ifMatch, fields,
                                                                    by: principal.userID, role: principal.role) else {
                throw Problem.preconditionFailed()
            }
            try await audit.change(db, principal, caseID: access.caseID, forceID: access.forceID, action: "case.property.updated",
                                   resourceType: "case.property", resourceID: item.id, origin: origin,
                                   details: ["version": String(updated.version)])
            return PropertyItemView(updated)
        }
    }

    /// `DELETE …/property/{item_id}`: the victim the item belongs to withdraws it (it is kept);
    /// withdrawing twice changes nothing. `ifMatch`, when given, must be current.
    public func withdraw(_ principal: Principal, caseID: UUID?, itemID: UUID?, ifMatch: Int?, origin: RequestOrigin) async throws -> PropertyItemView {
        try CasePolicy.require(principal, [.victim], "Property is never deleted; a victim may withdraw their own item.")
        return try await database.transaction { db in
            let access = try await CaseAccess.resolve(db, principal, caseID: caseID, roles: [.victim])
            let item = try await Self.item(db, access, itemID)
            if let ifMatch, ifMatch != item.version { throw Problem.preconditionFailed() }
            guard item.status != .withdrawn else { return PropertyItemView(item) }
            var fields = item.fields
            fields.status = .withdrawn
            guard let updated = try await PropertyRepository.update(db, id: item.id, expectedVersion: item.version, fields,
                                                                    by: principal.userID, role: principal.role) else {
                throw Problem.preconditionFailed()
            }
            try await audit.change(db, principal, caseID: access.caseID, forceID: access.forceID, action: "case.property.withdrawn",
                                   resourceType: "case.property", resourceID: item.id, origin: origin)
            return PropertyItemView(updated)
        }
    }

    /// The item, if the caller may see it: a victim only their own.
    private static func item(_ db: any PostgresQueryable, _ access: CaseAccess, _ itemID: UUID?) async throws -> PropertyItemRecord {
        guard let itemID, let item = try await PropertyRepository.find(db, caseID: access.caseID, id: itemID),
              access.victimID == nil || access.victimID == item.victimID else {
            throw Problem.notFound("No such property item on this case.")
        }
        return item
    }
}
