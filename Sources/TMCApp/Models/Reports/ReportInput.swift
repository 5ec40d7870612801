import Foundation

/// Where the reported crime happened.
public struct ReportLocation: Sendable, Equatable, Codable {
    public var description: String
    /// Normalised: upper case, one space before the inward code.
    public var postcode: String?
    public var latitude: Double?
    public var longitude: Double?

    public init(description: String, postcode: String? = nil, latitude: Double? = nil, longitude: Double? = nil) {
        self.description = description
        self.postcode = postcode
        self.latitude = latitude
        self.longitude = longitude
    }
}

/// How to reach the person who reported.
public struct ReporterContact: Sendable, Equatable, Codable {
    public var name: String
    public var email: String
    public var phone: String?

    public init(name: String, email: String, phone: String? = nil) {
        self.name = name
        self.email = email
        self.phone = phone
    }
}

/// Someone who saw what happened.
public struct ReportWitness: Sendable, Equatable, Codable {
    public var name: String
    public var phone: String?
    public var email: String?
    public var notes: String?

    public init(name: String, phone: String? = nil, email: String? = nil, notes: String? = nil) {
        self.name = name
        self.phone = phone
        self.email = email
        self.notes = notes
    }
}

/// A stolen or damaged item named on a report, in the fields of a case's property item; it
/// becomes one when a crime is recorded.
public struct ReportPropertyItem: Sendable, Equatable, Codable {
    public var kind: PropertyKind
    public var category: PropertyCategory
    public var description: String
    public var make: String?
    public var model: String?
    public var serialNumber: String?
    public var colour: String?
    public var estimatedValuePence: Int?

    public init(_ f: PropertyFields) {
        kind = f.kind
        category = f.category
        description = f.description
        make = f.make
        model = f.model
        serialNumber = f.serialNumber
        colour = f.colour
        estimatedValuePence = f.estimatedValuePence
    }

    public var fields: PropertyFields {
        PropertyFields(kind: kind, category: category, description: description, make: make, model: model,
                       serialNumber: serialNumber, colour: colour, estimatedValuePence: estimatedValuePence)
    }
}

/// The body of `POST /v1/reports`, checked for form by the route.
public struct NewReportInput: Sendable, Equatable {
    public var forceCode: String
    public var category: OffenceCategory
    public var description: String
    public var occurredFrom: Date
    public var occurredTo: Date?
    public var location: ReportLocation
    /// Required when anonymous; must be left out when signed in (the account's details are used).
    public var reporter: ReporterContact?
    public var property: [ReportPropertyItem]
    public var suspectDescription: String?
    public var witnesses: [ReportWitness]

    public init(forceCode: String, category: OffenceCategory, description: String, occurredFrom: Date, occurredTo: Date? = nil,
                location: ReportLocation, reporter: ReporterContact?, property: [ReportPropertyItem] = [],
                suspectDescription: String? = nil, witnesses: [ReportWitness] = []) {
        self.forceCode = forceCode
        self.category = category
        self.description = description
        self.occurredFrom = occurredFrom
        self.occurredTo = occurredTo
        self.location = location
        self.reporter = reporter
        self.property = property
        self.suspectDescription = suspectDescription
        self.witnesses = witnesses
    }
}

/// The body of `POST /v1/reports/{id}/triage`.
public struct TriageInput: Sendable, Equatable {
    public var decision: TriageDecision
    /// Shown to the reporter.
    public var note: String
    /// `crime_recorded` only; the report's reference when left out.
    public var crimeReference: String?
    /// `transferred` only: the receiving force's code.
    public var transferTo: String?

    public init(decision: TriageDecision, note: String, crimeReference: String? = nil, transferTo: String? = nil) {
        self.decision = decision
        self.note = note
        self.crimeReference = crimeReference
        self.transferTo = transferTo
    }
}
