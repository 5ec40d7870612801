import Foundation

/// Change-feed entries for what victims (and staff) add to a case, so that the force's
/// records system can pull them: `property_added`, `statement_added`, `review_requested`.
/// Appended by the case services inside their transactions; change feed only (not on
/// `/v1/events`).
enum CaseChangeEvents {
    static func propertyAdded(_ item: PropertyItemRecord, forceID: UUID, by role: Role) -> NewEvent {
        struct Data: Encodable {
            var item: PropertyItemView
            var addedByRole: Role
        }
        return NewEvent(type: "property_added", forceID: forceID, caseID: item.caseID, resourceID: item.id.lowercasedString,
                        staffVisible: false, inChangeFeed: true,
                        data: NewEvent.encodeData(Data(item: PropertyItemView(item), addedByRole: role)))
    }

    /// `resource_id` is `<victim_id>:<version>`: each victim's statement is versioned.
    static func statementAdded(_ s: StatementRecord, caseID: UUID, forceID: UUID) -> NewEvent {
        struct Data: Encodable {
            var victimId: String
            var version: Int
            var text: String
            var createdAt: Date
        }
        return NewEvent(type: "statement_added", forceID: forceID, caseID: caseID,
                        resourceID: "\(s.victimID.lowercasedString):\(s.version)", staffVisible: false, inChangeFeed: true,
                        data: NewEvent.encodeData(Data(victimId: s.victimID.lowercasedString, version: s.version, text: s.text,
                                                       createdAt: s.createdAt)))
    }

    static func reviewRequested(_ r: ReviewRequestRecord, forceID: UUID) -> NewEvent {
        struct Data: Encodable {
            var reviewRequestId: String
            var victimId: String
            var decisionUpdateId: String
            var reason: String
            var createdAt: Date
        }
        return NewEvent(type: "review_requested", forceID: forceID, caseID: r.caseID, resourceID: r.id.lowercasedString,
                        staffVisible: false, inChangeFeed: true,
                        data: NewEvent.encodeData(Data(reviewRequestId: r.id.lowercasedString, victimId: r.victimID.lowercasedString,
                                                       decisionUpdateId: r.decisionUpdateID.lowercasedString, reason: r.reason,
                                                       createdAt: r.createdAt)))
    }
}
