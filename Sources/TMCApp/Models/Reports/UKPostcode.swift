/// UK postcodes: an outward code (`SW1A`, `M1`, `B33`) and an inward code (digit, two
/// letters), written in upper case with one space between them.
public enum UKPostcode {
    /// The postcode in its standard form (`sw1a1aa`, ` SW1A  1AA ` → `SW1A 1AA`), or nil when
    /// it is not shaped like a UK postcode. `GIR 0AA` (Girobank) is accepted too.
    public static func normalised(_ text: String) -> String? {
        let compact = text.unicodeScalars.filter { $0 != " " && $0 != "\t" }.map(Character.init)
        guard (5...7).contains(compact.count), compact.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else { return nil }
        let upper = String(compact).uppercased()
        let outward = Array(upper.dropLast(3))
        let inward = Array(upper.suffix(3))
        guard upper == "GIR0AA" || (isOutward(outward) && isInward(inward)) else { return nil }
        return String(outward) + " " + String(inward)
    }

    /// `A9`, `A99`, `A9A`, `AA9`, `AA99`, `AA9A`.
    private static func isOutward(_ c: [Character]) -> Bool {
        guard (2...4).contains(c.count), c[0].isLetter else { return false }
        let area = c[1].isLetter ? 2 : 1
        let district = c[area...]
        guard let first = district.first else { return false }
        return first.isNumber && district.count <= 2
    }

    /// Digit, letter, letter.
    private static func isInward(_ c: [Character]) -> Bool {
        c.count == 3 && c[0].isNumber && c[1].isLetter && c[2].isLetter
    }
}
