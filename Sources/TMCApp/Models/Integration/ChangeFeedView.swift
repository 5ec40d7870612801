import Foundation

/// One entry of a force's change feed.
public struct ChangeView: Sendable, Encodable {
    public var seq: Int64
    public var type: String
    public var at: Date
    public var caseId: String?
    public var reportId: String?
    public var resourceId: String
    public var data: JSONValue

    public init(_ e: SequencedEvent) {
        seq = e.seq
        type = e.type
        at = e.createdAt
        caseId = e.caseID?.lowercasedString
        reportId = e.reportID?.lowercasedString
        resourceId = e.resourceID ?? ""
        data = JSONValue.parse(Array(e.data.utf8)) ?? .object([:])
    }
}

/// `GET /v1/forces/{code}/changes`: poll again with `after=next_after`.
public struct ChangeFeedPage: Sendable, Encodable {
    public var items: [ChangeView]
    /// The last `seq` returned, or the `after` asked for when nothing new has happened.
    public var nextAfter: Int64
}
