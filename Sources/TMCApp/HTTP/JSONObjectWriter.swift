import Foundation

/// Writes one JSON object by hand, byte for byte as `JSON.encoder()` would (keys sorted,
/// absent optionals left out, RFC 3339 UTC dates, the same string escaping). For responses on
/// the hottest paths, where Foundation's `JSONEncoder` costs more than the database query;
/// tests compare both outputs.
struct JSONObjectWriter {
    private var members: [(key: String, value: [UInt8])] = []

    init() { members.reserveCapacity(20) }

    mutating func string(_ key: String, _ value: String?) {
        guard let value else { return }
        var out: [UInt8] = []
        JSONObjectWriter.appendString(value, to: &out)
        members.append((key, out))
    }

    /// A string, or `null` when absent (for members the API always sends, like `next_cursor`).
    mutating func stringOrNull(_ key: String, _ value: String?) {
        guard let value else { members.append((key, Array("null".utf8))); return }
        string(key, value)
    }

    mutating func int(_ key: String, _ value: Int?) {
        guard let value else { return }
        members.append((key, Array(String(value).utf8)))
    }

    mutating func bool(_ key: String, _ value: Bool?) {
        guard let value else { return }
        members.append((key, Array((value ? "true" : "false").utf8)))
    }

    mutating func date(_ key: String, _ value: Date?) {
        guard let value else { return }
        var out: [UInt8] = [0x22]
        out.reserveCapacity(26)
        JSONObjectWriter.appendRFC3339(value, to: &out)
        out.append(0x22)
        members.append((key, out))
    }

    mutating func object(_ key: String, _ value: JSONObjectWriter?) {
        guard let value else { return }
        members.append((key, value.bytes))
    }

    mutating func array(_ key: String, _ values: [JSONObjectWriter]?) {
        guard let values else { return }
        var out: [UInt8] = [0x5B]
        for (i, v) in values.enumerated() {
            if i > 0 { out.append(0x2C) }
            out.append(contentsOf: v.bytes)
        }
        out.append(0x5D)
        members.append((key, out))
    }

    /// The object, keys in sorted order.
    var bytes: [UInt8] {
        var out: [UInt8] = [0x7B]
        out.reserveCapacity(members.reduce(2) { $0 + $1.key.utf8.count + $1.value.count + 4 })
        for (i, m) in members.sorted(by: { $0.key < $1.key }).enumerated() {
            if i > 0 { out.append(0x2C) }
            JSONObjectWriter.appendString(m.key, to: &out)
            out.append(0x3A)
            out.append(contentsOf: m.value)
        }
        out.append(0x7D)
        return out
    }

    /// A JSON string as Foundation writes it (`withoutEscapingSlashes`): `"` and `\` escaped,
    /// control characters as `\b \f \n \r \t` or `\u00XX`, everything else as UTF-8.
    static func appendString(_ s: String, to out: inout [UInt8]) {
        out.append(0x22)
        // Most strings need no escaping: copy them whole.
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            out.append(contentsOf: s.utf8)
            out.append(0x22)
            return
        }
        for b in s.utf8 {
            switch b {
            case 0x22: out.append(0x5C); out.append(0x22)
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x08: out.append(0x5C); out.append(0x62)
            case 0x0C: out.append(0x5C); out.append(0x66)
            case 0x0A: out.append(0x5C); out.append(0x6E)
            case 0x0D: out.append(0x5C); out.append(0x72)
            case 0x09: out.append(0x5C); out.append(0x74)
            case 0x00..<0x20:
                let hex: StaticString = "0123456789abcdef"
                let digits = hex.utf8Start
                out.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, digits[Int(b >> 4)], digits[Int(b & 0xF)]])
            default: out.append(b)
            }
        }
        out.append(0x22)
    }

    /// `RFC3339.string(from:)` without a formatter: the same digits, the same millisecond rule.
    static func appendRFC3339(_ date: Date, to out: inout [UInt8]) {
        let seconds = date.timeIntervalSince1970
        let whole = floor(seconds)
        let millis = Int(((seconds - whole) * 1000).rounded(.down))
        let total = Int(whole)
        let days = total >= 0 ? total / 86_400 : (total - 86_399) / 86_400
        let secondOfDay = total - days * 86_400
        let (y, m, d) = CivilDate(dayNumber: days).components
        guard (0...9999).contains(y) else { out.append(contentsOf: Array(RFC3339.string(from: date).utf8)); return }
        func digits(_ v: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            while divisor > 0 {
                out.append(UInt8(0x30 + v / divisor % 10))
                divisor /= 10
            }
        }
        digits(y, 4); out.append(0x2D); digits(m, 2); out.append(0x2D); digits(d, 2); out.append(0x54)
        digits(secondOfDay / 3600, 2); out.append(0x3A); digits(secondOfDay % 3600 / 60, 2); out.append(0x3A)
        digits(secondOfDay % 60, 2)
        if millis != 0 { out.append(0x2E); digits(millis, 3) }
        out.append(0x5A)
    }
}
