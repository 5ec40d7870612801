import Foundation

/// Dates as `timestamptz`. Written as RFC 3339 UTC with microseconds
/// (`2026-12-04T15:05:32.123456Z`); read from the server's ISO output
/// (`2026-12-04 15:05:32.123456+00`). Both directions are done by hand: a Foundation formatter per
/// value would cost more than the query's own parsing. `Date.distantFuture`/`distantPast`
/// stand for PostgreSQL's `infinity`/`-infinity` both ways.
extension Date: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? {
        if self == .distantFuture { return "infinity" }
        if self == .distantPast { return "-infinity" }
        let micros = Int64((timeIntervalSince1970 * 1_000_000).rounded())
        let (seconds, fraction) = floorDivMod(micros, 1_000_000)
        let (days, secondOfDay) = floorDivMod(seconds, 86_400)
        let (year, month, day) = civilFromDays(days)
        var s = ""
        s.reserveCapacity(27)
        pad(&s, year, 4); s += "-"; pad(&s, month, 2); s += "-"; pad(&s, day, 2); s += "T"
        pad(&s, secondOfDay / 3600, 2); s += ":"; pad(&s, secondOfDay % 3600 / 60, 2); s += ":"
        pad(&s, secondOfDay % 60, 2); s += "."; pad(&s, fraction, 6); s += "Z"
        return s
    }

    public init(postgresText: String) throws {
        switch postgresText {
        case "infinity": self = .distantFuture
        case "-infinity": self = .distantPast
        default:
            var text = postgresText
            guard let interval = text.withUTF8({ TimestampParser.parse($0) }) else {
                throw PostgresTextError(type: "Date", text: postgresText)
            }
            self.init(timeIntervalSince1970: interval)
        }
    }
}

private func pad(_ s: inout String, _ value: Int64, _ width: Int) {
    let digits = String(value)
    if digits.utf8.count < width { s += String(repeating: "0", count: width - digits.utf8.count) }
    s += digits
}

@inline(__always)
func floorDivMod(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
    var q = a / b
    var r = a % b
    if r < 0 { q -= 1; r += b }
    return (q, r)
}

/// Howard Hinnant's days-from-civil algorithm (proleptic Gregorian, day 0 = 1970-01-01).
func daysFromCivil(_ year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (month + 9) % 12
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
}

/// The inverse of `daysFromCivil`.
func civilFromDays(_ days: Int64) -> (Int64, Int64, Int64) {
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let day = doy - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
}

/// Reads `YYYY-MM-DD[( |T)HH:MM[:SS[.fff…]]][Z|±HH[:MM[:SS]]][ BC]`: timestamptz and timestamp
/// output in ISO DateStyle, `date` output, and RFC 3339 text.
enum TimestampParser {
    static func parse(_ s: UnsafeBufferPointer<UInt8>) -> TimeInterval? {
        var i = 0
        func number(minDigits: Int, maxDigits: Int) -> Int64? {
            var value: Int64 = 0
            let start = i
            while i < s.count, i - start < maxDigits, s[i] >= 0x30, s[i] <= 0x39 {
                value = value * 10 + Int64(s[i] - 0x30)
                i += 1
            }
            return i - start >= minDigits ? value : nil
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < s.count, s[i] == c else { return false }
            i += 1
            return true
        }
        guard var year = number(minDigits: 4, maxDigits: 9), expect(0x2D),
              let month = number(minDigits: 2, maxDigits: 2), expect(0x2D),
              let day = number(minDigits: 2, maxDigits: 2),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        var secondOfDay: Int64 = 0
        var micros: Int64 = 0
        var extraFraction: Double = 0
        if i < s.count, s[i] == 0x20 || s[i] == 0x54 || s[i] == 0x74 {
            i += 1
            guard let hour = number(minDigits: 2, maxDigits: 2), expect(0x3A),
                  let minute = number(minDigits: 2, maxDigits: 2) else { return nil }
            var second: Int64 = 0
            if expect(0x3A) {
                guard let sec = number(minDigits: 2, maxDigits: 2) else { return nil }
                second = sec
                if expect(0x2E) {
                    // Any number of digits: the first six exactly, the rest as a Double remainder.
                    var digits = 0
                    var scale = 1e-7
                    while i < s.count, s[i] >= 0x30, s[i] <= 0x39 {
                        let d = Int64(s[i] - 0x30)
                        if digits < 6 { micros = micros * 10 + d } else { extraFraction += Double(d) * scale; scale /= 10 }
                        digits += 1
                        i += 1
                    }
                    guard digits > 0 else { return nil }
                    for _ in digits..<max(digits, 6) { micros *= 10 }
                }
            }
            guard hour <= 24, minute < 60, second <= 60 else { return nil }
            secondOfDay = hour * 3600 + minute * 60 + second
        }
        var offset: Int64 = 0
        if i < s.count, s[i] == 0x5A || s[i] == 0x7A {
            i += 1
        } else if i < s.count, s[i] == 0x2B || s[i] == 0x2D {
            let sign: Int64 = s[i] == 0x2D ? -1 : 1
            i += 1
            guard let h = number(minDigits: 2, maxDigits: 2) else { return nil }
            var m: Int64 = 0, sec: Int64 = 0
            if expect(0x3A) { guard let v = number(minDigits: 2, maxDigits: 2) else { return nil }; m = v }
            if expect(0x3A) { guard let v = number(minDigits: 2, maxDigits: 2) else { return nil }; sec = v }
            offset = sign * (h * 3600 + m * 60 + sec)
        }
        if s.count - i == 3, s[i] == 0x20, s[i + 1] == 0x42, s[i + 2] == 0x43 {
            year = 1 - year // 1 BC is year 0 in the proleptic calendar
            i += 3
        }
        guard i == s.count else { return nil }
        let seconds = daysFromCivil(year, month, day) * 86_400 + secondOfDay - offset
        // Whole microseconds divided once: the nearest Double to the decimal the server wrote.
        let total = Double(seconds * 1_000_000 + micros) / 1_000_000
        return extraFraction == 0 ? total : total + extraFraction
    }
}

extension Date: PostgresArrayElement {}
