import Foundation
import TMCPostgres

/// Publishing events for `/v1/events` (and the change feed) from any module. Call these inside
/// the transaction that makes the change: the event commits with it, or not at all, and is
/// numbered and delivered on every instance after commit.
public enum EventPublisher {
    /// Any event (see `NewEvent`).
    public static func publish(_ db: any PostgresQueryable, _ event: NewEvent) async throws {
        try await EventRepository.append(db, event)
    }

    /// `case.updated`: the force's staff and integration keys always receive it; the victims in
    /// `victimIDs` too (pass them when the change is visible to victims, e.g. a published
    /// update, and none for internal changes). `data` is the event's JSON (`case_id` is added).
    public static func caseUpdated(_ db: any PostgresQueryable, caseID: UUID, forceID: UUID, victimIDs: [UUID],
                                   data: [String: String] = [:], resourceID: String? = nil) async throws {
        var fields = data
        fields["case_id"] = caseID.lowercasedString
        try await publish(db, NewEvent(type: "case.updated", forceID: forceID, caseID: caseID, resourceID: resourceID,
                                       recipientIDs: victimIDs, staffVisible: true, data: NewEvent.encodeData(fields)))
    }

    /// `report.updated`: the force's staff and integration keys, and the signed-in reporter
    /// (`reporterID`) when the change is theirs to see.
    public static func reportUpdated(_ db: any PostgresQueryable, reportID: UUID, forceID: UUID, reporterID: UUID?,
                                     data: [String: String] = [:], inChangeFeed: Bool = false) async throws {
        var fields = data
        fields["report_id"] = reportID.lowercasedString
        try await publish(db, NewEvent(type: "report.updated", forceID: forceID, reportID: reportID,
                                       resourceID: reportID.lowercasedString, recipientIDs: reporterID.map { [$0] } ?? [],
                                       staffVisible: true, inChangeFeed: inChangeFeed, data: NewEvent.encodeData(fields)))
    }
}
