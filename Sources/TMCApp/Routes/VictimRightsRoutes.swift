import Foundation
import TMCHTTP

/// The Victim Personal Statement and the Right to Review of a case.
enum VictimRightsRoutes {
    static func register(in router: inout Router, _ services: CaseServices) {
        router.post("/v1/cases/{id}/statement") { context in
            let principal = try context.requirePrincipal()
            try CasePolicy.require(principal, [.victim], "Only a victim of the case makes a Victim Personal Statement.")
            let body = try JSONBody(context.request)
            let text = body.string("text", maxLength: 20_000, trim: false)
            try body.finish()
            guard let text else { throw Problem.validation(body.errors) }
            let view = try await services.statements.add(principal, caseID: context.optionalUUIDParameter("id"), text: text,
                                                         origin: context.origin)
            return .caseJSON(view, status: 201)
        }

        router.get("/v1/cases/{id}/statement") { context in
            let principal = try context.requirePrincipal()
            return .caseJSON(try await services.statements.list(principal, caseID: context.optionalUUIDParameter("id"), origin: context.origin))
        }

        router.post("/v1/cases/{id}/review-request") { context in
            let principal = try context.requirePrincipal()
            try CasePolicy.require(principal, [.victim], "Only a victim of the case may ask for a review.")
            let body = try JSONBody(context.request)
            let reason = body.string("reason", maxLength: 5000)
            try body.finish()
            guard let reason else { throw Problem.validation(body.errors) }
            let view = try await services.reviews.request(principal, caseID: context.optionalUUIDParameter("id"), reason: reason,
                                                          origin: context.origin)
            return .caseJSON(view, status: 201)
        }

        router.get("/v1/cases/{id}/review-request") { context in
            let principal = try context.requirePrincipal()
            return .caseJSON(try await services.reviews.list(principal, caseID: context.optionalUUIDParameter("id"), origin: context.origin))
        }

        router.post("/v1/cases/{id}/review-request/acknowledge") { context in
            let principal = try context.requirePrincipal()
            return .caseJSON(try await services.reviews.acknowledge(principal, caseID: context.optionalUUIDParameter("id"), origin: context.origin))
        }

        router.post("/v1/cases/{id}/review-request/decide") { context in
            let principal = try context.requirePrincipal()
            try CasePolicy.requireReviewDecider(principal)
            let body = try JSONBody(context.request)
            let upheld = body.bool("upheld")
            let message = body.string("message", maxLength: 5000)
            try body.finish()
            guard let upheld, let message else { throw Problem.validation(body.errors) }
            return .caseJSON(try await services.reviews.decide(principal, caseID: context.optionalUUIDParameter("id"), upheld: upheld,
                                                               message: message, origin: context.origin))
        }
    }
}
