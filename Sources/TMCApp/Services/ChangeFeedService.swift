import Foundation
import TMCPostgres

/// A force's change feed for its records system: what victims and staff did, in commit order,
/// read with a cursor (`after`) that never skips or repeats an event.
public struct ChangeFeedService: Sendable {
    let database: PostgresPool

    public init(database: PostgresPool) { self.database = database }

    /// `GET /v1/forces/{code}/changes?after=&limit=`.
    public func changes(_ principal: Principal, forceCode: String, after: Int64, limit: Int) async throws -> ChangeFeedPage {
        try ReportPolicy.requireChangeFeedReader(principal, forceCode: forceCode)
        let forceID = try CasePolicy.force(of: principal)
        let events = try await EventRepository.changes(database, forceID: forceID, after: after, limit: limit)
        return ChangeFeedPage(items: events.map(ChangeView.init), nextAfter: events.last?.seq ?? after)
    }
}
