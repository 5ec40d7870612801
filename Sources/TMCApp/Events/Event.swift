import Foundation

/// Something that happened, as written to the event log and delivered on `/v1/events` and the
/// force change feed.
public struct NewEvent: Sendable {
    public var type: String
    public var forceID: UUID?
    public var caseID: UUID?
    public var reportID: UUID?
    public var resourceID: String?
    /// Users who receive it on `/v1/events` besides the force's staff.
    public var recipientIDs: [UUID]
    /// Whether the force's officers, supervisors and integration keys receive it.
    public var staffVisible: Bool
    /// Whether it appears in `GET /v1/forces/{code}/changes`.
    public var inChangeFeed: Bool
    /// The event's JSON `data`, already encoded.
    public var data: String

    public init(type: String, forceID: UUID?, caseID: UUID? = nil, reportID: UUID? = nil, resourceID: String? = nil,
                recipientIDs: [UUID] = [], staffVisible: Bool = true, inChangeFeed: Bool = false, data: String = "{}") {
        self.type = type
        self.forceID = forceID
        self.caseID = caseID
        self.reportID = reportID
        self.resourceID = resourceID
        self.recipientIDs = recipientIDs
        self.staffVisible = staffVisible
        self.inChangeFeed = inChangeFeed
        self.data = data
    }

    /// Builds `data` from an encodable value (snake_case keys, RFC 3339 dates).
    public static func encodeData<T: Encodable>(_ value: T) -> String {
        String(decoding: JSON.encodeBytes(value), as: UTF8.self)
    }
}

/// An event with its commit-ordered sequence number.
public struct SequencedEvent: Sendable, Equatable {
    public var seq: Int64
    public var type: String
    public var forceID: UUID?
    public var caseID: UUID?
    public var reportID: UUID?
    public var resourceID: String?
    public var recipientIDs: [UUID]
    public var staffVisible: Bool
    public var data: String
    public var createdAt: Date

    public init(seq: Int64, type: String, forceID: UUID?, caseID: UUID?, reportID: UUID?, resourceID: String?,
                recipientIDs: [UUID], staffVisible: Bool, data: String, createdAt: Date) {
        self.seq = seq
        self.type = type
        self.forceID = forceID
        self.caseID = caseID
        self.reportID = reportID
        self.resourceID = resourceID
        self.recipientIDs = recipientIDs
        self.staffVisible = staffVisible
        self.data = data
        self.createdAt = createdAt
    }

    /// Who may receive it on `/v1/events`: its recipients, and the staff and integration keys of
    /// its force when it is staff-visible. Admins and sysadmins read no case contents.
    public func isVisible(to principal: Principal) -> Bool {
        if recipientIDs.contains(principal.userID) { return true }
        switch principal.role {
        case .officer, .supervisor, .integration:
            return staffVisible && forceID != nil && forceID == principal.forceID
        case .victim, .admin, .sysadmin:
            return false
        }
    }
}
