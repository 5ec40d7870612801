import Foundation
import TMCPostgres

extension DemoSeed {
    /// The demo case's crime reference (unique in the demo force, so seeding stays idempotent).
    public static let demoCrimeReference = "KT/DEMO/0001"

    /// A demo burglary with the demo victim and officer, made through the services as the
    /// officer would: the case, a published "suspect arrested" update with a delay reason, and a
    /// stolen laptop. Returns the case's id; an existing demo case is left as it is.
    public func ensureCase(force: Force, users: [User]) async throws -> UUID? {
        guard let officer = users.first(where: { $0.role == .officer }),
              let victim = users.first(where: { $0.role == .victim }) else { return nil }
        if let existing = try await database.queryFirst("""
            SELECT id FROM cases WHERE force_id = \(force.id) AND crime_reference = \(DemoSeed.demoCrimeReference)
            """) {
            return try existing.decode("id", as: UUID.self)
        }
        let origin = RequestOrigin.commandLine("seed-demo")
        let asOfficer = Principal(userID: officer.id, role: .officer, forceID: force.id, forceCode: force.code,
                                  credentialID: officer.id, name: officer.name)
        let services = (cases: CaseService(database: database, audit: AuditLog(), invitations: InvitationService()),
                        timeline: TimelineService(database: database, audit: AuditLog()),
                        property: PropertyService(database: database, audit: AuditLog()))
        let created = try await services.cases.create(asOfficer, NewCaseInput(
            crimeReference: DemoSeed.demoCrimeReference, offenceCategory: .burglary,
            offenceDescription: "Entry forced through a rear window while the house was empty.",
            summary: "Burglary at the victim's home; a laptop and jewellery were taken.",
            occurredAt: Date().addingTimeInterval(-3 * 86_400), officerID: officer.id,
            victims: [CaseVictimInput(email: victim.email, name: victim.name, phone: nil, enhanced: false, updateEveryDays: 14)]),
            origin: origin)
        guard let caseID = UUID(uuidString: created.case.id) else { return nil }
        _ = try await services.timeline.create(asOfficer, caseID: caseID, NewUpdateInput(
            event: .suspectArrested,
            message: "We have arrested a man in connection with the burglary. He has been released on bail while we wait for forensic results.",
            status: .underInvestigation, delayReason: .awaitingForensicResults,
            occurredAt: Date().addingTimeInterval(-86_400), internalNote: "Suspect known to the team; fingerprints sent to the lab."),
            origin: origin)
        _ = try await services.property.add(asOfficer, caseID: caseID, PropertyFields(
            kind: .stolen, category: .laptopOrTablet, description: "Silver laptop in a black sleeve", make: "Dell",
            model: "XPS 13", serialNumber: "DEMO-5CG1234", colour: "Silver", estimatedValuePence: 95_000),
            victimID: victim.id, origin: origin)
        return caseID
    }

    /// The demo case's lines of the `seed-demo` report.
    static func caseReport(caseID: UUID?, baseURL: String) -> String {
        guard let caseID else { return "" }
        let id = caseID.uuidString.lowercased()
        return """

            Demo case: \(demoCrimeReference), id \(id) (victim: victim@demo.example, officer: officer@demo.kent.example)
              curl -s \(baseURL)/v1/cases/\(id) -H "Authorization: Bearer $TOKEN"
              curl -s \(baseURL)/v1/cases/\(id)/updates -H "Authorization: Bearer $TOKEN"

            """
    }
}
