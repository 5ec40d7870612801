/// `GET /v1/forces/{code}/stats`.
public struct ForceStatsView: Sendable, Encodable, Equatable {
    /// Reports in the force's queue by status (every status present), plus `transferred`:
    /// reports the force passed on to another force.
    public var reports: [String: Int]
    /// The force's cases by status (every status present).
    public var cases: [String: Int]
    /// Median hours from a case's creation to its first published update (2 decimals); null
    /// while no case has one.
    public var medianHoursToFirstUpdate: Double?
    /// Victims' Code clocks met on time / (on time + late + overdue), 4 decimals; null while
    /// no clock has been met or missed.
    public var complianceRate: Double?
    public var minutesSavedPerReport: Int
    /// Reports the force handled online (decided: any triage decision) × minutes saved per
    /// report / 60, 2 decimals.
    public var officerHoursSaved: Double

    enum CodingKeys: String, CodingKey {
        case reports, cases, medianHoursToFirstUpdate, complianceRate, minutesSavedPerReport, officerHoursSaved
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(reports, forKey: .reports)
        try c.encode(cases, forKey: .cases)
        try c.encode(medianHoursToFirstUpdate, forKey: .medianHoursToFirstUpdate) // null, not absent
        try c.encode(complianceRate, forKey: .complianceRate)
        try c.encode(minutesSavedPerReport, forKey: .minutesSavedPerReport)
        try c.encode(officerHoursSaved, forKey: .officerHoursSaved)
    }
}
