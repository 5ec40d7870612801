import Foundation
import TMCApp
import XCTest

/// Working-day arithmetic and Victims' Code deadlines with fixed dates, against the bank
/// holidays the migration seeds (read from the migration file itself, so the two cannot drift).
final class WorkingDayCalendarTests: XCTestCase {
    static let seeded: [CivilDate] = {
        let url = TestDatabase.repositoryRoot.appendingPathComponent("migrations/0004_cases.sql")
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        return text.components(separatedBy: "\n").compactMap { line in
            let t = line.trimmingCharacters(in: .whitespaces)
            guard t.hasPrefix("('"), t.count > 12 else { return nil }
            return CivilDate(String(t.dropFirst(2).prefix(10)))
        }
    }()

    let calendar = WorkingDayCalendar(holidays: WorkingDayCalendarTests.seeded)

    private func day(_ s: String) -> CivilDate { CivilDate(s)! }
    private func utc(_ s: String) -> Date { RFC3339.date(from: s)! }

    func testTheSeedHasEightHolidaysAYearAllOnWeekdays() {
        XCTAssertEqual(Self.seeded.count, 40)
        for year in 2024...2028 {
            XCTAssertEqual(Self.seeded.filter { $0.components.year == year }.count, 8, "\(year)")
        }
        for d in Self.seeded { XCTAssertFalse(d.isWeekend, "\(d) is a weekend day") }
    }

    func testEasterFridayAndMondayEveryYear() {
        // Easter Sundays: 2024-03-31, 2025-04-20, 2026-04-05, 2027-03-28, 2028-04-16.
        for (friday, monday) in [("2024-03-29", "2024-04-01"), ("2025-04-18", "2025-04-21"), ("2026-04-03", "2026-04-06"),
                                 ("2027-03-26", "2027-03-29"), ("2028-04-14", "2028-04-17")] {
            XCTAssertFalse(calendar.isWorkingDay(day(friday)), friday)
            XCTAssertFalse(calendar.isWorkingDay(day(monday)), monday)
            XCTAssertEqual(day(friday).isoWeekday, 5)
            XCTAssertEqual(day(monday).isoWeekday, 1)
        }
        // Maundy Thursday 2026 + 1 working day skips Good Friday, the weekend and Easter Monday.
        XCTAssertEqual(calendar.adding(workingDays: 1, to: day("2026-04-02")), day("2026-04-07"))
        // Wednesday 1 April + 5: 2, (3 and 6 are holidays) 7, 8, 9, 10.
        XCTAssertEqual(calendar.adding(workingDays: 5, to: day("2026-04-01")), day("2026-04-10"))
    }

    func testSubstituteDayWhenAHolidayFallsOnAWeekend() {
        // New Year's Day 2028 is a Saturday: Monday 3 January is the substitute.
        XCTAssertTrue(day("2028-01-01").isWeekend)
        XCTAssertFalse(calendar.isWorkingDay(day("2028-01-03")))
        XCTAssertEqual(calendar.adding(workingDays: 1, to: day("2027-12-31")), day("2028-01-04"))
    }

    func testChristmasAndBoxingDayOnAWeekend() {
        // 2026: Christmas Friday, Boxing Day Saturday → Monday 28 December substitute.
        XCTAssertFalse(calendar.isWorkingDay(day("2026-12-25")))
        XCTAssertFalse(calendar.isWorkingDay(day("2026-12-28")))
        XCTAssertEqual(calendar.adding(workingDays: 1, to: day("2026-12-24")), day("2026-12-29"))
        // 2027: both on the weekend → Monday 27 and Tuesday 28 December.
        XCTAssertFalse(calendar.isWorkingDay(day("2027-12-27")))
        XCTAssertFalse(calendar.isWorkingDay(day("2027-12-28")))
        XCTAssertEqual(calendar.adding(workingDays: 1, to: day("2027-12-24")), day("2027-12-29"))
        // Over the whole break: 24 Dec 2027 + 5 working days = 4 January 2028 is not right,
        // because 3 January 2028 is the New Year substitute: 29, 30, 31 Dec, 4, 5 Jan.
        XCTAssertEqual(calendar.adding(workingDays: 5, to: day("2027-12-24")), day("2028-01-05"))
    }

    func testADeadlineSpanningAWeekend() {
        // Thursday 11 June 2026 + 5 working days = Thursday 18 June.
        XCTAssertEqual(calendar.adding(workingDays: 5, to: day("2026-06-11")), day("2026-06-18"))
        // Friday + 1 = Monday.
        XCTAssertEqual(calendar.adding(workingDays: 1, to: day("2026-06-12")), day("2026-06-15"))
        // A Saturday start counts from the Monday.
        XCTAssertEqual(calendar.adding(workingDays: 1, to: day("2026-06-13")), day("2026-06-15"))
        XCTAssertEqual(calendar.adding(workingDays: 0, to: day("2026-06-13")), day("2026-06-13"))
    }

    func testDeadlineInGMTIsEndOfDayUTC() {
        // Winter: London is UTC+0. Friday 9 January 2026, 23:30 UTC is still Friday in London.
        XCTAssertEqual(calendar.deadline(workingDays: 5, after: utc("2026-01-09T23:30:00Z")), utc("2026-01-16T23:59:59Z"))
    }

    func testDeadlineInBSTIsOneHourEarlierInUTC() {
        // Summer: London is UTC+1. Friday 12 June 2026 → Monday 15 June 23:59:59 BST = 22:59:59 UTC.
        XCTAssertEqual(calendar.deadline(workingDays: 1, after: utc("2026-06-12T10:00:00Z")), utc("2026-06-15T22:59:59Z"))
        // 23:30 UTC on Thursday 11 June is 00:30 Friday in London: the day counted is Friday.
        XCTAssertEqual(calendar.deadline(workingDays: 1, after: utc("2026-06-11T23:30:00Z")), utc("2026-06-15T22:59:59Z"))
    }

    func testDeadlineAcrossTheClockChange() {
        // Friday 27 March 2026 (GMT) + 1 working day = Monday 30 March, after the clocks went forward.
        XCTAssertEqual(calendar.deadline(workingDays: 1, after: utc("2026-03-27T12:00:00Z")), utc("2026-03-30T22:59:59Z"))
        // Friday 23 October 2026 (BST) + 1 = Monday 26 October, after they went back.
        XCTAssertEqual(calendar.deadline(workingDays: 1, after: utc("2026-10-23T12:00:00Z")), utc("2026-10-26T23:59:59Z"))
    }

    func testRight6ForEnhancedAndOtherVictims() {
        let arrest = utc("2026-06-10T09:00:00Z") // Wednesday
        let days = CaseEvent.suspectArrested.workingDaysAllowed(enhanced: false)!
        let enhancedDays = CaseEvent.suspectArrested.workingDaysAllowed(enhanced: true)!
        XCTAssertEqual(calendar.deadline(workingDays: days, after: arrest), utc("2026-06-17T22:59:59Z"))
        XCTAssertEqual(calendar.deadline(workingDays: enhancedDays, after: arrest), utc("2026-06-11T22:59:59Z"))
    }

    func testReviewClocks() {
        // A request on Monday 7 December 2026: 10 working days → 21 December; 30 working days
        // skips 25 and 28 December and 1 January → 21 January 2027.
        let request = utc("2026-12-07T10:00:00Z")
        XCTAssertEqual(calendar.deadline(workingDays: ClockRule.reviewAcknowledgeWorkingDays, after: request), utc("2026-12-21T23:59:59Z"))
        XCTAssertEqual(calendar.deadline(workingDays: ClockRule.reviewDecideWorkingDays, after: request), utc("2027-01-21T23:59:59Z"))
    }

    func testAgreedContactCountsCalendarDays() {
        // 28 days after Tuesday 3 November 2026 (GMT) is Tuesday 1 December.
        XCTAssertEqual(WorkingDayCalendar.deadline(calendarDays: 28, after: utc("2026-11-03T15:00:00Z")), utc("2026-12-01T23:59:59Z"))
        // 28 days after 20 March 2026 (GMT) is 17 April (BST).
        XCTAssertEqual(WorkingDayCalendar.deadline(calendarDays: 28, after: utc("2026-03-20T15:00:00Z")), utc("2026-04-17T22:59:59Z"))
    }
}
