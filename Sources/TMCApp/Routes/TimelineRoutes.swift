import Foundation
import TMCHTTP

/// `/v1/cases/{id}/updates`: the timeline, and publishing an update to the victims.
enum TimelineRoutes {
    static func register(in router: inout Router, _ services: CaseServices) {
        router.get("/v1/cases/{id}/updates") { context in
            let principal = try context.requirePrincipal()
            let query = context.query
            let page = try await services.timeline.list(principal, caseID: context.optionalUUIDParameter("id"),
                                                        cursor: try query.keysetCursor(), limit: try query.limit(), origin: context.origin)
            return .caseJSON(page)
        }

        router.post("/v1/cases/{id}/updates") { context in
            let principal = try context.requirePrincipal()
            try CasePolicy.require(principal, CasePolicy.recorders, "Only staff and force systems record case events.")
            let input = try readUpdate(try JSONBody(context.request))
            let caseID = context.optionalUUIDParameter("id")
            let view = try await services.timeline.create(principal, caseID: caseID, input, origin: context.origin)
            return .caseJSON(view, status: 201, location: "/v1/cases/\(caseID?.uuidString.lowercased() ?? "")/updates/\(view.id)")
        }

        router.post("/v1/cases/{id}/updates/{update_id}/publish") { context in
            let principal = try context.requirePrincipal()
            try CasePolicy.require(principal, CasePolicy.staff, "Only officers and supervisors publish updates to victims.")
            let body = try JSONBody(context.request)
            let message = body.string("message", maxLength: 10_000)
            try body.finish()
            guard let message else { throw Problem.validation(body.errors) }
            let view = try await services.timeline.publish(principal, caseID: context.optionalUUIDParameter("id"),
                                                           updateID: context.optionalUUIDParameter("update_id"), message: message,
                                                           origin: context.origin)
            return .caseJSON(view)
        }
    }

    static func readUpdate(_ body: JSONBody) throws -> NewUpdateInput {
        let event = body.oneOf("event", CaseEvent.self)
        let message = body.string("message", required: false, maxLength: 10_000)
        var status = body.oneOf("status", CaseStatus.self, required: false)
        let outcome = body.oneOf("outcome", CaseOutcome.self, required: false)
        var delayReason: DelayReason?
        var delayDetail: String?
        if let reason = body.object("delay_reason", required: false) {
            delayReason = reason.oneOf("code", DelayReason.self)
            delayDetail = reason.string("detail", required: false, maxLength: 2000)
        }
        let occurredAt = body.date("occurred_at", required: false)
        if let occurredAt, occurredAt > Date().addingTimeInterval(TimelineService.futureTolerance) {
            body.fail("occurred_at", "must not be in the future")
        }
        let note = body.string("internal_note", required: false, maxLength: 10_000)
        // `case_closed` is the closing event: it closes the case.
        if event == .caseClosed {
            if status == nil && !body.has("status") { status = .closed }
            if let s = status, s != .closed { body.fail("status", "must be closed (or left out) for a case_closed event") }
        }
        if status == .closed && outcome == nil && !body.has("outcome") {
            body.fail("outcome", "is required when closing a case; one of: \(CaseOutcome.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        try body.finish()
        guard let event else { throw Problem.validation(body.errors) }
        return NewUpdateInput(event: event, message: message, status: status, outcome: outcome, delayReason: delayReason,
                              delayReasonDetail: delayDetail, occurredAt: occurredAt, internalNote: note)
    }
}
