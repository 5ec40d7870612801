import Foundation
import TMCHTTP

/// `/v1/cases/{id}/property`: stolen and damaged items, their versions, withdrawal.
enum PropertyRoutes {
    static func register(in router: inout Router, _ services: CaseServices) {
        router.post("/v1/cases/{id}/property") { context in
            let principal = try context.requirePrincipal()
            try CasePolicy.require(principal, PropertyService.writers, "Only the case's victims and staff add property.")
            let body = try JSONBody(context.request)
            let fields = readNewItem(body)
            let victimID = body.uuid("victim_id", required: false)
            try body.finish()
            guard let fields else { throw Problem.validation(body.errors) }
            let caseID = context.optionalUUIDParameter("id")
            let item = try await services.property.add(principal, caseID: caseID, fields, victimID: victimID, origin: context.origin)
            return .caseJSON(item, status: 201, etag: item.etag, location: "/v1/cases/\(item.caseId)/property/\(item.id)")
        }

        router.get("/v1/cases/{id}/property") { context in
            let principal = try context.requirePrincipal()
            let query = context.query
            return .caseJSON(try await services.property.list(principal, caseID: context.optionalUUIDParameter("id"),
                                                              cursor: try query.keysetCursor(), limit: try query.limit(),
                                                              origin: context.origin))
        }

        router.get("/v1/cases/{id}/property/{item_id}") { context in
            let principal = try context.requirePrincipal()
            let item = try await services.property.get(principal, caseID: context.optionalUUIDParameter("id"),
                                                       itemID: context.optionalUUIDParameter("item_id"), origin: context.origin)
            return .caseJSON(item, etag: item.etag)
        }

        router.get("/v1/cases/{id}/property/{item_id}/versions") { context in
            let principal = try context.requirePrincipal()
            return .caseJSON(try await services.property.versions(principal, caseID: context.optionalUUIDParameter("id"),
                                                                  itemID: context.optionalUUIDParameter("item_id"), origin: context.origin))
        }

        router.patch("/v1/cases/{id}/property/{item_id}") { context in
            let principal = try context.requirePrincipal()
            try CasePolicy.require(principal, PropertyService.writers, "Only the case's victims and staff change property.")
            let version = try context.ifMatchVersion()
            let patch = try readPatch(try JSONBody(context.request, allowMergePatch: true))
            let item = try await services.property.patch(principal, caseID: context.optionalUUIDParameter("id"),
                                                         itemID: context.optionalUUIDParameter("item_id"), ifMatch: version, patch,
                                                         origin: context.origin)
            return .caseJSON(item, etag: item.etag)
        }

        router.delete("/v1/cases/{id}/property/{item_id}") { context in
            let principal = try context.requirePrincipal()
            let item = try await services.property.withdraw(principal, caseID: context.optionalUUIDParameter("id"),
                                                            itemID: context.optionalUUIDParameter("item_id"),
                                                            ifMatch: try context.optionalIfMatchVersion(), origin: context.origin)
            return .caseJSON(item, etag: item.etag)
        }
    }

    static let maxValuePence = 10_000_000_000 // £100 million

    static func readNewItem(_ body: JSONBody) -> PropertyFields? {
        let kind = body.oneOf("kind", PropertyKind.self)
        let category = body.oneOf("category", PropertyCategory.self)
        let description = body.string("description", maxLength: 2000)
        let make = body.string("make", required: false, maxLength: 200)
        let model = body.string("model", required: false, maxLength: 200)
        let serial = body.string("serial_number", required: false, maxLength: 200)
        let colour = body.string("colour", required: false, maxLength: 100)
        let value = body.int("estimated_value_pence", required: false, min: 0, max: maxValuePence)
        if body.has("status") { body.fail("status", "is set by the police later (recovered, returned) or by withdrawing the item") }
        guard let kind, let category, let description else { return nil }
        return PropertyFields(kind: kind, category: category, description: description, make: make, model: model,
                              serialNumber: serial, colour: colour, estimatedValuePence: value)
    }

    static func readPatch(_ body: JSONBody) throws -> PropertyPatch {
        body.rejectKeys(except: ["kind", "category", "description", "make", "model", "serial_number", "colour",
                                 "estimated_value_pence", "status"])
        var patch = PropertyPatch()
        patch.kind = body.required("kind") { body.oneOf($0, PropertyKind.self) }
        patch.category = body.required("category") { body.oneOf($0, PropertyCategory.self) }
        patch.description = body.required("description") { body.string($0, maxLength: 2000) }
        patch.make = body.patch("make") { body.string($0, maxLength: 200) }
        patch.model = body.patch("model") { body.string($0, maxLength: 200) }
        patch.serialNumber = body.patch("serial_number") { body.string($0, maxLength: 200) }
        patch.colour = body.patch("colour") { body.string($0, maxLength: 100) }
        patch.estimatedValuePence = body.patch("estimated_value_pence") { body.int($0, min: 0, max: maxValuePence) }
        patch.status = body.required("status") { body.oneOf($0, PropertyStatus.StaffSettable.self) }
        try body.finish()
        return patch
    }
}
