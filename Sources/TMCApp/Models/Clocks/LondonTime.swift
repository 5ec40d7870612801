import Foundation

/// Europe/London wall-clock conversions: Victims' Code days are London days, whatever the
/// server's own time zone.
public enum LondonTime {
    static let zone: TimeZone = TimeZone(identifier: "Europe/London") ?? TimeZone(secondsFromGMT: 0)!

    /// The London calendar day an instant falls on.
    public static func date(of instant: Date) -> CivilDate {
        let local = Int(floor(instant.timeIntervalSince1970)) + zone.secondsFromGMT(for: instant)
        return CivilDate(dayNumber: Int(floor(Double(local) / 86_400)))
    }

    /// The instant of a London wall-clock time on `day` (`seconds` after local midnight).
    /// Times in the spring-forward gap or autumn overlap never arise here: the clocks change
    /// at 01:00 UTC, and this is used for 23:59:59.
    public static func instant(on day: CivilDate, secondsAfterMidnight seconds: Int) -> Date {
        let wall = Double(day.dayNumber * 86_400 + seconds)
        var guess = Date(timeIntervalSince1970: wall)
        // Two passes settle the offset across a change of clocks.
        for _ in 0..<2 {
            guess = Date(timeIntervalSince1970: wall - Double(zone.secondsFromGMT(for: guess)))
        }
        return guess
    }

    /// 23:59:59 London time on `day`.
    public static func endOfDay(_ day: CivilDate) -> Date {
        instant(on: day, secondsAfterMidnight: 86_399)
    }
}
