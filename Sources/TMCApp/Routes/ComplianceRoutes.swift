import Foundation
import TMCHTTP

/// The supervisors' views: a force's Victims' Code compliance and a case's audit trail.
enum ComplianceRoutes {
    static func register(in router: inout Router, _ services: CaseServices) {
        router.get("/v1/forces/{code}/compliance") { context in
            let principal = try context.requirePrincipal()
            let query = context.query
            let report = try await services.compliance.report(principal, forceCode: try context.parameter("code"),
                                                              cursor: try query.keysetCursor(), limit: try query.limit())
            return .caseJSON(report)
        }

        router.get("/v1/cases/{id}/audit") { context in
            let principal = try context.requirePrincipal()
            let query = context.query
            let page = try await services.compliance.auditTrail(principal, caseID: context.optionalUUIDParameter("id"),
                                                                cursor: query["cursor"], limit: try query.limit())
            return .caseJSON(page)
        }
    }
}
