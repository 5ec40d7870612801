import Foundation

/// One entry of a case's audit trail.
public struct AuditEventView: Sendable, Encodable {
    public var id: String
    public var at: Date
    public var actorId: String?
    public var actorRole: String?
    public var action: String
    public var resourceType: String
    public var resourceId: String?
    public var clientAddress: String
    public var requestId: String
    public var details: [String: String]
}
