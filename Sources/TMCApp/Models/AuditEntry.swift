import Foundation

/// One line of the audit trail: who (`actor`, nil when anonymous or failed), did what
/// (`action`, e.g. `login.failed`, `case.read`), to which resource, from where.
public struct AuditEntry: Sendable, Equatable {
    public var actor: Principal?
    public var action: String
    public var resourceType: String
    public var resourceID: String?
    public var forceID: UUID?
    public var caseID: UUID?
    public var origin: RequestOrigin
    /// Extra facts (changed fields, reasons). Never secrets: no passwords, tokens or codes.
    public var details: [String: String]

    public init(actor: Principal?, action: String, resourceType: String, resourceID: String? = nil,
                forceID: UUID? = nil, caseID: UUID? = nil, origin: RequestOrigin, details: [String: String] = [:]) {
        self.actor = actor
        self.action = action
        self.resourceType = resourceType
        self.resourceID = resourceID
        self.forceID = forceID ?? actor?.forceID
        self.caseID = caseID
        self.origin = origin
        self.details = details
    }
}
