import Foundation

/// Where a Victims' Code clock stands at a given moment.
public enum ClockState: String, Sendable, CaseIterable, Codable {
    /// Met by the deadline.
    case onTime = "on_time"
    /// Met, after the deadline.
    case late
    /// Not met, and the deadline has passed.
    case overdue
    /// Not met, and the deadline ends by the end of the next working day.
    case dueSoon = "due_soon"
    /// Not met, with more time left than that.
    case open

    /// `dueSoonHorizon` is `calendar.deadline(workingDays: 1, after: now)`.
    public static func of(deadline: Date, metAt: Date?, now: Date, dueSoonHorizon: Date) -> ClockState {
        if let metAt { return isOnTime(metAt: metAt, deadline: deadline) ? .onTime : .late }
        if !isOnTime(metAt: now, deadline: deadline) { return .overdue }
        if deadline <= dueSoonHorizon { return .dueSoon }
        return .open
    }

    /// A deadline is the last second of a day (23:59:59): anything before the next day starts
    /// is in time. The SQL that meets clocks uses the same rule.
    public static func isOnTime(metAt: Date, deadline: Date) -> Bool {
        metAt < deadline.addingTimeInterval(1)
    }
}
