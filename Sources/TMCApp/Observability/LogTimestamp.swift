import Foundation
import Synchronization

/// The current time as RFC 3339 with milliseconds, cheap enough for a log line per request:
/// the `YYYY-MM-DDTHH:MM:SS` part is formatted once a second.
enum LogTimestamp {
    private struct Cache {
        var second: Int = -1
        var prefix: String = ""
    }

    private static let cache = Mutex(Cache())

    static func now() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        let second = ts.tv_sec
        let prefix = cache.withLock { c -> String in
            if c.second != second {
                c.second = second
                c.prefix = String(RFC3339.string(from: Date(timeIntervalSince1970: TimeInterval(second))).dropLast())
            }
            return c.prefix
        }
        let millis = ts.tv_nsec / 1_000_000
        return prefix + "." + digits(millis, 3) + "Z"
    }

    /// `n` as exactly `width` decimal digits, zero-padded.
    static func digits(_ n: Int, _ width: Int) -> String {
        var s = String(n)
        while s.utf8.count < width { s = "0" + s }
        return s
    }
}
