import Foundation
import TMCHTTP

/// `/v1/cases` and `/v1/cases/{id}`.
enum CaseRoutes {
    static func register(in router: inout Router, _ services: CaseServices) {
        router.post("/v1/cases") { context in
            let principal = try context.requirePrincipal()
            let input = try readNewCase(try JSONBody(context.request))
            let created = try await services.cases.create(principal, input, origin: context.origin)
            return .caseJSON(created, status: 201, etag: created.case.etag, location: "/v1/cases/\(created.case.id)")
        }

        router.get("/v1/cases") { context in
            let principal = try context.requirePrincipal()
            let query = context.query
            let page = try await services.cases.list(principal, status: try query.oneOf("status", CaseStatus.self),
                                                     updatedSince: try query.timestamp("updated_since"),
                                                     cursor: try query.keysetCursor(), limit: try query.limit())
            return HTTPResponse(status: 200, headers: ["Content-Type": "application/json", "Cache-Control": "no-store"],
                                body: .bytes(page.jsonBytes))
        }

        // Authenticated here, not by the middleware: a victim's read is then one round trip.
        router.get("/v1/cases/{id}") { context in
            let view: CaseView
            if let bearer = context.deferredBearer {
                view = try await services.cases.get(bearer: bearer, caseID: context.optionalUUIDParameter("id"), origin: context.origin,
                                                    authentication: services.authentication)
            } else {
                view = try await services.cases.get(try context.requirePrincipal(), caseID: context.optionalUUIDParameter("id"),
                                                    origin: context.origin)
            }
            return HTTPResponse(status: 200, headers: ["Content-Type": "application/json", "Cache-Control": "no-store", "ETag": view.etag],
                                body: .bytes(view.jsonBytes))
        }

        router.patch("/v1/cases/{id}") { context in
            let principal = try context.requirePrincipal()
            try CasePolicy.require(principal, CasePolicy.staff, "Only officers and supervisors edit cases.")
            let version = try context.ifMatchVersion()
            let patch = try readCasePatch(try JSONBody(context.request, allowMergePatch: true))
            let view = try await services.cases.patch(principal, caseID: context.optionalUUIDParameter("id"), ifMatch: version,
                                                      patch, origin: context.origin)
            return .caseJSON(view, etag: view.etag)
        }
    }

    static func readNewCase(_ body: JSONBody) throws -> NewCaseInput {
        let reference = body.string("crime_reference", maxLength: 64)
        let category = body.oneOf("offence_category", OffenceCategory.self)
        let description = body.string("offence_description", required: false, maxLength: 2000)
        let summary = body.string("summary", maxLength: 5000)
        let occurredAt = body.date("occurred_at", required: false)
        if let occurredAt, occurredAt > Date().addingTimeInterval(TimelineService.futureTolerance) {
            body.fail("occurred_at", "must not be in the future")
        }
        let officerID = body.uuid("officer_id", required: false)
        var victims: [CaseVictimInput] = []
        for v in body.objects("victims", minCount: 1, maxCount: 20) ?? [] {
            let email = v.email("email")
            let name = v.displayName("name")
            let phone = v.phone("phone")
            let enhanced = v.bool("enhanced")
            let every = v.int("update_every_days", required: false, min: 1, max: 365)
            if let email, let name, let enhanced {
                victims.append(CaseVictimInput(email: email, name: name, phone: phone, enhanced: enhanced, updateEveryDays: every))
            }
        }
        try body.finish()
        guard let reference, let category, let summary else { throw Problem.validation(body.errors) }
        return NewCaseInput(crimeReference: reference, offenceCategory: category, offenceDescription: description, summary: summary,
                            occurredAt: occurredAt, officerID: officerID, victims: victims)
    }

    static func readCasePatch(_ body: JSONBody) throws -> CasePatch {
        body.rejectKeys(except: ["officer_id", "summary", "offence_category", "offence_description"])
        var patch = CasePatch()
        patch.officerID = body.patch("officer_id") { body.uuid($0) }
        patch.summary = body.required("summary") { body.string($0, maxLength: 5000) }
        patch.offenceCategory = body.required("offence_category") { body.oneOf($0, OffenceCategory.self) }
        patch.offenceDescription = body.patch("offence_description") { body.string($0, maxLength: 2000) }
        try body.finish()
        return patch
    }
}
