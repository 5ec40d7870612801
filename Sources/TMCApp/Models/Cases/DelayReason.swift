/// Why a case is waiting, with the explanation a victim reads.
public enum DelayReason: String, Sendable, CaseIterable, Codable {
    case awaitingForensicResults = "awaiting_forensic_results"
    case awaitingCPSDecision = "awaiting_cps_decision"
    case disclosure
    case courtListing = "court_listing"
    case witnessAvailability = "witness_availability"
    case suspectNotLocated = "suspect_not_located"
    case awaitingThirdPartyInformation = "awaiting_third_party_information"
    case other

    /// Plain English for victims: what is happening and why it takes time.
    public var explanation: String {
        switch self {
        case .awaitingForensicResults:
            return "We are waiting for results from forensic tests, such as fingerprints or DNA. Laboratories often take several weeks to return them."
        case .awaitingCPSDecision:
            return "We have sent the case to the Crown Prosecution Service, who decide whether to charge the suspect. We are waiting for their decision."
        case .disclosure:
            return "We are preparing material that must, by law, be shared with the defence before the case can go to court."
        case .courtListing:
            return "We are waiting for the court to give the case a hearing date."
        case .witnessAvailability:
            return "We are waiting until we can speak to a witness, or until a witness is available to attend."
        case .suspectNotLocated:
            return "We have not yet been able to find the suspect. We are still looking."
        case .awaitingThirdPartyInformation:
            return "We are waiting for information from another organisation, such as a bank, a phone company or a hospital."
        case .other:
            return "The case is waiting for something else; your officer has added the details."
        }
    }
}
