import Foundation
import TMCPostgres

/// How a force's delivery system drains the notifications outbox: it leases a batch, sends
/// each one, and confirms it. A lease keeps other drainers off a row for `leaseDuration`; a row
/// not confirmed by then is handed out again (at-least-once delivery).
public struct NotificationDrainService: Sendable {
    public static let leaseDuration: Duration = .seconds(5 * 60)
    let database: PostgresPool

    public init(database: PostgresPool) { self.database = database }

    /// `GET /v1/forces/{code}/notifications?status=pending&limit=`.
    public func lease(_ principal: Principal, forceCode: String, limit: Int) async throws -> ItemList<NotificationView> {
        try ReportPolicy.requireNotificationDrainer(principal)
        guard principal.forceCode == forceCode, let forceID = principal.forceID else { throw Problem.notFound("No such force.") }
        let rows = try await NotificationRepository.lease(database, forceID: forceID, limit: limit, lease: Self.leaseDuration)
        return ItemList(items: rows.map(NotificationView.init))
    }

    /// `POST /v1/notifications/{id}/delivered`: idempotent; `404` for another force's.
    public func markDelivered(_ principal: Principal, notificationID: UUID?) async throws {
        try ReportPolicy.requireNotificationDrainer(principal)
        guard let notificationID, let forceID = principal.forceID,
              try await NotificationRepository.markDelivered(database, id: notificationID, forceID: forceID) else {
            throw Problem.notFound("No such notification.")
        }
    }
}
