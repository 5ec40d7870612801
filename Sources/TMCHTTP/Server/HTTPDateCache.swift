#if canImport(Glibc)
import Glibc
#endif

/// The `Date` header line (IMF-fixdate, RFC 9110 §5.6.7), formatted at most once a second.
struct HTTPDateCache {
    private var second: time_t = -1
    private var line: [UInt8] = []

    /// `Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n`
    mutating func headerLine() -> [UInt8] {
        let t = time(nil)
        if t != second {
            second = t
            line = Self.format(t)
        }
        return line
    }

    static func format(_ t: time_t) -> [UInt8] {
        var clock = t
        var tm = Glibc.tm()
        gmtime_r(&clock, &tm)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let day = days[Int(max(0, min(6, tm.tm_wday)))]
        let month = months[Int(max(0, min(11, tm.tm_mon)))]
        let text = "Date: \(day), \(two(tm.tm_mday)) \(month) \(tm.tm_year + 1900) \(two(tm.tm_hour)):\(two(tm.tm_min)):\(two(tm.tm_sec)) GMT\r\n"
        return Array(text.utf8)
    }
}
