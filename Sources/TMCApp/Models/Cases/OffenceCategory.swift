/// The data.police.uk crime categories a case can be recorded under (`all-crime`, a search
/// filter rather than a category, is left out).
public enum OffenceCategory: String, Sendable, CaseIterable, Codable {
    case antiSocialBehaviour = "anti-social-behaviour"
    case bicycleTheft = "bicycle-theft"
    case burglary
    case criminalDamageArson = "criminal-damage-arson"
    case drugs
    case otherTheft = "other-theft"
    case possessionOfWeapons = "possession-of-weapons"
    case publicOrder = "public-order"
    case robbery
    case shoplifting
    case theftFromThePerson = "theft-from-the-person"
    case vehicleCrime = "vehicle-crime"
    case violentCrime = "violent-crime"
    case otherCrime = "other-crime"
}
