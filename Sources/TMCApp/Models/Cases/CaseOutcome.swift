/// data.police.uk outcome category ids, with the wording data.police.uk shows the public.
public enum CaseOutcome: String, Sendable, CaseIterable, Codable {
    case awaitingCourtResult = "awaiting-court-result"
    case courtResultUnavailable = "court-result-unavailable"
    case unableToProsecute = "unable-to-prosecute"
    case localResolution = "local-resolution"
    case noFurtherAction = "no-further-action"
    case deprivedOfProperty = "deprived-of-property"
    case fined
    case absoluteDischarge = "absolute-discharge"
    case cautioned
    case drugsPossessionWarning = "drugs-possession-warning"
    case penaltyNoticeIssued = "penalty-notice-issued"
    case communityPenalty = "community-penalty"
    case conditionalDischarge = "conditional-discharge"
    case suspendedSentence = "suspended-sentence"
    case imprisoned
    case otherCourtDisposal = "other-court-disposal"
    case compensation
    case sentencedInAnotherCase = "sentenced-in-another-case"
    case charged
    case notGuilty = "not-guilty"
    case sentToCrownCourt = "sent-to-crown-court"
    case unableToProceed = "unable-to-proceed"
    case offenderGivenCaution = "offender-given-caution"
    case formalActionNotInPublicInterest = "formal-action-not-in-public-interest"
    case actionTakenByAnotherOrganisation = "action-taken-by-another-organisation"
    case furtherInvestigationNotInPublicInterest = "further-investigation-not-in-public-interest"
    case furtherActionNotInPublicInterest = "further-action-not-in-public-interest"
    case underInvestigation = "under-investigation"
    case statusUpdateUnavailable = "status-update-unavailable"

    /// The plain-English name data.police.uk gives the outcome.
    public var name: String {
        switch self {
        case .awaitingCourtResult: return "Awaiting court outcome"
        case .courtResultUnavailable: return "Court result unavailable"
        case .unableToProsecute: return "Unable to prosecute suspect"
        case .localResolution: return "Local resolution"
        case .noFurtherAction: return "Investigation complete; no suspect identified"
        case .deprivedOfProperty: return "Offender deprived of property"
        case .fined: return "Offender fined"
        case .absoluteDischarge: return "Offender given absolute discharge"
        case .cautioned: return "Offender given a caution"
        case .drugsPossessionWarning: return "Offender given a drugs possession warning"
        case .penaltyNoticeIssued: return "Offender given a penalty notice"
        case .communityPenalty: return "Offender given community sentence"
        case .conditionalDischarge: return "Offender given conditional discharge"
        case .suspendedSentence: return "Offender given suspended prison sentence"
        case .imprisoned: return "Offender sent to prison"
        case .otherCourtDisposal: return "Offender otherwise dealt with"
        case .compensation: return "Offender ordered to pay compensation"
        case .sentencedInAnotherCase: return "Suspect charged as part of another case"
        case .charged: return "Suspect charged"
        case .notGuilty: return "Defendant found not guilty"
        case .sentToCrownCourt: return "Defendant sent to Crown Court"
        case .unableToProceed: return "Court case unable to proceed"
        case .offenderGivenCaution: return "Offender given a caution"
        case .formalActionNotInPublicInterest: return "Formal action is not in the public interest"
        case .actionTakenByAnotherOrganisation: return "Action to be taken by another organisation"
        case .furtherInvestigationNotInPublicInterest: return "Further investigation is not in the public interest"
        case .furtherActionNotInPublicInterest: return "Further action is not in the public interest"
        case .underInvestigation: return "Under investigation"
        case .statusUpdateUnavailable: return "Status update unavailable"
        }
    }
}
