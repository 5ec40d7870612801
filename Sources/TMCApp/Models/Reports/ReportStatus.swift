/// Where an online report stands in its force's queue. A transferred report is `submitted`
/// again in its new force.
public enum ReportStatus: String, Sendable, CaseIterable, Codable {
    case submitted
    case crimeRecorded = "crime_recorded"
    case noCrime = "no_crime"
}

/// What triage decided about a report.
public enum TriageDecision: String, Sendable, CaseIterable, Codable {
    case crimeRecorded = "crime_recorded"
    case noCrime = "no_crime"
    case transferred
}
