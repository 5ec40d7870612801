import Foundation

/// RFC 3339 timestamps in UTC, as the API reads and writes them.
public enum RFC3339 {
    /// `2026-12-04T15:05:32Z`, or with milliseconds when the instant has them. Digits are
    /// written in place (every message, case and event carries timestamps, and `String(format:)`
    /// cost more than the rest of a message's JSON).
    public static func string(from date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        let whole = floor(seconds)
        let millis = Int(((seconds - whole) * 1000).rounded(.down))
        var t = time_t(whole)
        var tmValue = tm()
        gmtime_r(&t, &tmValue)
        let fields = [(Int(tmValue.tm_year) + 1900, 4), (Int(tmValue.tm_mon) + 1, 2), (Int(tmValue.tm_mday), 2),
                      (Int(tmValue.tm_hour), 2), (Int(tmValue.tm_min), 2), (Int(tmValue.tm_sec), 2)]
        guard (0...9999).contains(fields[0].0) else {
            // Years of other widths than four digits: never stored by the API, but printable.
            let base = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", fields[0].0, fields[1].0, fields[2].0, fields[3].0, fields[4].0, fields[5].0)
            return millis == 0 ? base + "Z" : base + String(format: ".%03dZ", millis)
        }
        let separators: [UInt8] = [UInt8(ascii: "-"), UInt8(ascii: "-"), UInt8(ascii: "T"), UInt8(ascii: ":"), UInt8(ascii: ":")]
        return String(unsafeUninitializedCapacity: 24) { out in
            var at = 0
            func put(_ value: Int, width: Int) {
                var v = value
                for i in stride(from: at + width - 1, through: at, by: -1) {
                    out[i] = UInt8(48 + v % 10)
                    v /= 10
                }
                at += width
            }
            for (n, field) in fields.enumerated() {
                put(field.0, width: field.1)
                if n < separators.count {
                    out[at] = separators[n]
                    at += 1
                }
            }
            if millis != 0 {
                out[at] = UInt8(ascii: ".")
                at += 1
                put(millis, width: 3)
            }
            out[at] = UInt8(ascii: "Z")
            return at + 1
        }
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`; nil when it is not RFC 3339.
    public static func date(from text: String) -> Date? {
        let b = Array(text.utf8)
        func digits(_ at: Int, _ n: Int) -> Int? {
            guard at + n <= b.count else { return nil }
            var v = 0
            for i in at..<(at + n) {
                let c = b[i]
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int(c - 48)
            }
            return v
        }
        guard b.count >= 20,
              let year = digits(0, 4), b[4] == 45, let month = digits(5, 2), b[7] == 45, let day = digits(8, 2),
              b[10] == 84 || b[10] == 116 || b[10] == 32,
              let hour = digits(11, 2), b[13] == 58, let minute = digits(14, 2), b[16] == 58, let second = digits(17, 2)
        else { return nil }
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var i = 19
        var fraction = 0.0
        if i < b.count, b[i] == 46 {
            i += 1
            var scale = 0.1
            let start = i
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                fraction += Double(b[i] - 48) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        guard i < b.count else { return nil }
        var offsetSeconds = 0
        if b[i] == 90 || b[i] == 122 {
            i += 1
        } else if b[i] == 43 || b[i] == 45 {
            guard let oh = digits(i + 1, 2), i + 3 < b.count, b[i + 3] == 58, let om = digits(i + 4, 2),
                  oh < 24, om < 60 else { return nil }
            offsetSeconds = (oh * 3600 + om * 60) * (b[i] == 45 ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == b.count else { return nil }
        var components = DateComponents()
        components.year = year
        components.month = month
        components.day = day
        components.hour = hour
        components.minute = minute
        components.second = min(second, 59)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let base = calendar.date(from: components),
              calendar.component(.day, from: base) == day else { return nil }
        return base.addingTimeInterval(fraction - Double(offsetSeconds))
    }
}
