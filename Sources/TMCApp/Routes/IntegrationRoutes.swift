import Foundation
import TMCHTTP

/// Force IT integration: the change feed and the notifications outbox.
enum IntegrationRoutes {
    static func register(in router: inout Router, _ services: ReportServices) {
        router.get("/v1/forces/{code}/changes") { context in
            let principal = try context.requirePrincipal()
            let code = try context.parameter("code")
            try ReportPolicy.requireChangeFeedReader(principal, forceCode: code)
            let query = context.query
            var after: Int64 = 0
            if let text = query["after"] {
                guard let n = Int64(text), n >= 0 else {
                    throw Problem.validation(field: "after", "must be a whole number from 0: the next_after of the previous poll")
                }
                after = n
            }
            return .privateJSON(try await services.changes.changes(principal, forceCode: code, after: after, limit: try query.limit()))
        }

        router.get("/v1/forces/{code}/notifications") { context in
            let principal = try context.requirePrincipal()
            try ReportPolicy.requireNotificationDrainer(principal)
            let query = context.query
            if let status = query["status"], status != "pending" {
                throw Problem.validation(field: "status", "must be pending: delivered notifications are not handed out again")
            }
            return .privateJSON(try await services.notifications.lease(principal, forceCode: try context.parameter("code"),
                                                                       limit: try query.limit()))
        }

        router.post("/v1/notifications/{id}/delivered") { context in
            let principal = try context.requirePrincipal()
            try await services.notifications.markDelivered(principal, notificationID: context.optionalUUIDParameter("id"))
            return .noContent()
        }
    }
}
