import Foundation
import TMCPostgres

/// Forces: created by sysadmins, listed publicly, configured by their admin.
public struct ForceService: Sendable {
    let database: PostgresPool
    let audit: AuditLog

    init(database: PostgresPool, audit: AuditLog) {
        self.database = database
        self.audit = audit
    }

    /// The settings a force's admin may change; nil leaves a setting as it is.
    public struct Settings: Sendable, Equatable {
        public var name: String?
        public var minutesSavedPerReport: Int?
        public init(name: String? = nil, minutesSavedPerReport: Int? = nil) {
            self.name = name
            self.minutesSavedPerReport = minutesSavedPerReport
        }
    }

    public func create(_ principal: Principal, code: String, name: String, origin: RequestOrigin) async throws -> Force {
        try Policy.requireMayCreateForce(principal)
        do {
            return try await database.transaction { db in
                let force = try await ForceRepository.insert(db, code: code, name: name)
                try await audit.record(db, AuditEntry(actor: principal, action: "force.created", resourceType: "force",
                                                      resourceID: force.code, forceID: force.id, origin: origin,
                                                      details: ["name": name]))
                return force
            }
        } catch let error as PostgresError where error.code == .uniqueViolation {
            throw Problem.conflict("A force with the code \(code) already exists.")
        }
    }

    /// Live forces, for anyone (reporting online starts by choosing one).
    public func list() async throws -> [Force] {
        try await ForceRepository.listActive(database)
    }

    /// A live force by code, or `404`.
    func find(_ db: any PostgresQueryable, code: String) async throws -> Force {
        guard let force = try await ForceRepository.find(db, code: code) else { throw Problem.notFound("There is no force \(code).") }
        return force
    }

    /// The force's admin changes its settings (JSON merge patch of `name`,
    /// `minutes_saved_per_report`).
    public func update(_ principal: Principal, code: String, _ settings: Settings, origin: RequestOrigin) async throws -> Force {
        try Policy.requireRole(principal, [.admin])
        let force = try await find(database, code: code)
        try Policy.requireForceAdmin(principal, forceID: force.id)
        if settings == Settings() { return force }
        return try await database.transaction { db in
            guard let updated = try await ForceRepository.update(db, id: force.id, name: settings.name,
                                                                 minutesSavedPerReport: settings.minutesSavedPerReport)
            else { throw Problem.notFound() }
            var details: [String: String] = [:]
            if let name = settings.name { details["name"] = name }
            if let minutes = settings.minutesSavedPerReport { details["minutes_saved_per_report"] = String(minutes) }
            try await audit.record(db, AuditEntry(actor: principal, action: "force.updated", resourceType: "force",
                                                  resourceID: force.code, forceID: force.id, origin: origin, details: details))
            return updated
        }
    }
}
