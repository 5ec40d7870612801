import Foundation

/// Working days in England and Wales: Monday to Friday, except bank holidays. The holidays
/// come from the `bank_holidays` table (the same data the SQL function `add_working_days`
/// uses), so this type and the database always agree.
public struct WorkingDayCalendar: Sendable {
    public let holidays: Set<CivilDate>

    public init(holidays: some Sequence<CivilDate>) { self.holidays = Set(holidays) }

    public func isWorkingDay(_ day: CivilDate) -> Bool { !day.isWeekend && !holidays.contains(day) }

    /// The `n`-th working day after `day` (`day` itself when n ≤ 0). The day itself never
    /// counts, even when it is a working day: that matches "N working days after".
    public func adding(workingDays n: Int, to day: CivilDate) -> CivilDate {
        var current = day
        var remaining = n
        while remaining > 0 {
            current = current.adding(days: 1)
            if isWorkingDay(current) { remaining -= 1 }
        }
        return current
    }

    /// A Victims' Code deadline: the end (23:59:59 Europe/London) of the `n`-th working day
    /// after the London day of `instant`.
    public func deadline(workingDays n: Int, after instant: Date) -> Date {
        LondonTime.endOfDay(adding(workingDays: n, to: LondonTime.date(of: instant)))
    }

    /// The agreed-contact deadline: the end of the London day `days` calendar days after the
    /// London day of `instant`.
    public static func deadline(calendarDays days: Int, after instant: Date) -> Date {
        LondonTime.endOfDay(LondonTime.date(of: instant).adding(days: days))
    }
}
