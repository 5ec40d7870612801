import Foundation
import TMCHTTP

/// `/v1/reports`: online crime reports and their triage.
enum ReportRoutes {
    static func register(in router: inout Router, _ services: ReportServices) {
        router.post("/v1/reports") { context in
            try ReportPolicy.requireMaySubmit(context.principal)
            let body = try JSONBody(context.request)
            let draft = readNewReport(body, signedIn: context.principal != nil)
            if let code = draft.forceCode, try await !services.reports.forceExists(code) {
                body.fail("force", "is not a police force that takes reports")
            }
            try body.finish()
            guard let input = draft.input else { throw Problem.validation(body.errors) }
            let view = try await services.reports.submit(context.principal, input, origin: context.origin)
            return .privateJSON(view, status: 201, location: "/v1/reports/\(view.id)")
        }

        router.get("/v1/reports") { context in
            let principal = try context.requirePrincipal()
            try ReportPolicy.requireReader(principal)
            let query = context.query
            return .privateJSON(try await services.reports.list(principal, status: try query.oneOf("status", ReportStatus.self),
                                                                cursor: try query.keysetCursor(), limit: try query.limit()))
        }

        router.get("/v1/reports/{id}") { context in
            let principal = try context.requirePrincipal()
            return .privateJSON(try await services.reports.get(principal, reportID: context.optionalUUIDParameter("id")))
        }

        router.post("/v1/reports/{id}/triage") { context in
            let principal = try context.requirePrincipal()
            try ReportPolicy.requireTriager(principal)
            let input = try readTriage(try JSONBody(context.request))
            let result = try await services.triage.triage(principal, reportID: context.optionalUUIDParameter("id"), input,
                                                          origin: context.origin)
            return .privateJSON(result)
        }
    }

    /// Lengths, in Unicode code points after trimming.
    static let descriptionLength = 10...5000
    /// An occurrence a few minutes ahead of our clock is a skewed clock, not the future.
    static let futureTolerance: TimeInterval = 300

    /// Reads `POST /v1/reports`, collecting every bad field. `forceCode` is returned whenever
    /// it is well-formed, so that the route can check the force exists before answering.
    static func readNewReport(_ body: JSONBody, signedIn: Bool, now: Date = Date()) -> (forceCode: String?, input: NewReportInput?) {
        if body.raw("not_an_emergency") != .bool(true) {
            body.fail("not_an_emergency", "must be true: this service is not for emergencies (call 999)")
        }
        var forceCode = body.string("force", maxLength: 64)
        if let code = forceCode, AccountRules.forceCodeProblem(code) != nil {
            body.fail("force", "is not a police force that takes reports")
            forceCode = nil
        }
        let category = body.oneOf("category", OffenceCategory.self)
        let description = body.string("description", minLength: descriptionLength.lowerBound, maxLength: descriptionLength.upperBound)
        let latest = now.addingTimeInterval(futureTolerance)
        var occurredFrom = body.date("occurred_from")
        if let from = occurredFrom, from > latest {
            body.fail("occurred_from", "must not be in the future")
            occurredFrom = nil
        }
        let occurredTo = body.date("occurred_to", required: false)
        if let to = occurredTo {
            if to > latest {
                body.fail("occurred_to", "must not be in the future")
            } else if let from = occurredFrom, to < from {
                body.fail("occurred_to", "must not be before occurred_from")
            }
        }
        let location = body.object("location").flatMap(readLocation)
        var reporter: ReporterContact?
        if signedIn {
            if body.has("reporter"), !body.isNull("reporter") {
                body.fail("reporter", "must be left out when you are signed in: your account's details are used")
            }
        } else if !body.has("reporter") || body.isNull("reporter") {
            body.fail("reporter", "is required unless you are signed in: how can the police contact you?")
        } else if let r = body.object("reporter") {
            let name = r.displayName("name")
            let email = r.email("email")
            let phone = r.phone("phone")
            if let name, let email { reporter = ReporterContact(name: name, email: email, phone: phone) }
        }
        let property = (body.objects("property", required: false, maxCount: 20) ?? []).map(PropertyRoutes.readNewItem)
        let suspect = body.string("suspect_description", required: false, maxLength: 2000)
        let witnesses = (body.objects("witnesses", required: false, maxCount: 10) ?? []).map(readWitness)
        guard body.errors.isEmpty, let forceCode, let category, let description, let occurredFrom, let location,
              signedIn || reporter != nil else {
            return (forceCode, nil)
        }
        return (forceCode, NewReportInput(
            forceCode: forceCode, category: category, description: description, occurredFrom: occurredFrom, occurredTo: occurredTo,
            location: location, reporter: reporter, property: property.compactMap { $0.map(ReportPropertyItem.init) },
            suspectDescription: suspect, witnesses: witnesses.compactMap { $0 }))
    }

    /// `{description, postcode?, latitude?, longitude?}`: a UK postcode (normalised), and
    /// coordinates in range, both or neither.
    static func readLocation(_ body: JSONBody) -> ReportLocation? {
        let description = body.string("description", maxLength: 500)
        var postcode: String?
        if let raw = body.string("postcode", required: false, maxLength: 16) {
            postcode = UKPostcode.normalised(raw)
            if postcode == nil { body.fail("postcode", "must be a UK postcode such as SW1A 1AA") }
        }
        let latitude = body.double("latitude", required: false, min: -90, max: 90)
        let longitude = body.double("longitude", required: false, min: -180, max: 180)
        let hasLatitude = body.has("latitude") && !body.isNull("latitude")
        let hasLongitude = body.has("longitude") && !body.isNull("longitude")
        if hasLatitude && !hasLongitude { body.fail("longitude", "is required with latitude") }
        if hasLongitude && !hasLatitude { body.fail("latitude", "is required with longitude") }
        guard let description else { return nil }
        return ReportLocation(description: description, postcode: postcode, latitude: latitude, longitude: longitude)
    }

    /// `{name, phone?, email?, notes?}`: someone who saw what happened.
    static func readWitness(_ body: JSONBody) -> ReportWitness? {
        let name = body.displayName("name")
        let phone = body.phone("phone")
        let email = body.email("email", required: false)
        let notes = body.string("notes", required: false, maxLength: 1000)
        guard let name else { return nil }
        return ReportWitness(name: name, phone: phone, email: email, notes: notes)
    }

    /// Reads `POST /v1/reports/{id}/triage`.
    static func readTriage(_ body: JSONBody) throws -> TriageInput {
        let decision = body.oneOf("decision", TriageDecision.self)
        let note = body.string("note", maxLength: 2000)
        let crimeReference = body.string("crime_reference", required: false, maxLength: 64)
        let transferTo = body.string("transfer_to", required: false, maxLength: 64)
        let given = { (key: String) in body.has(key) && !body.isNull(key) }
        if let decision {
            if decision != .crimeRecorded, given("crime_reference") {
                body.fail("crime_reference", "is only for decision crime_recorded")
            }
            if decision == .transferred, !given("transfer_to") {
                body.fail("transfer_to", "is required to transfer the report: the receiving force's code")
            }
            if decision != .transferred, given("transfer_to") {
                body.fail("transfer_to", "is only for decision transferred")
            }
        }
        try body.finish()
        guard let decision, let note else { throw Problem.validation(body.errors) }
        return TriageInput(decision: decision, note: note, crimeReference: crimeReference, transferTo: transferTo)
    }
}

extension HTTPResponse {
    /// A JSON response about someone's report or case data: never stored by caches.
    static func privateJSON<T: Encodable>(_ value: T, status: Int = 200, location: String? = nil) -> HTTPResponse {
        var headers: HTTPHeaders = ["Cache-Control": "no-store"]
        if let location { headers.set("Location", location) }
        return .json(value, status: status, headers: headers)
    }
}
