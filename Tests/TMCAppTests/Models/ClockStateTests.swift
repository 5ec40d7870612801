import Foundation
import TMCApp
import XCTest

final class ClockStateTests: XCTestCase {
    private func utc(_ s: String) -> Date { RFC3339.date(from: s)! }

    func testStates() {
        let deadline = utc("2026-06-15T22:59:59Z")
        let horizon = utc("2026-06-16T22:59:59Z")
        XCTAssertEqual(ClockState.of(deadline: deadline, metAt: utc("2026-06-15T22:59:59.500Z"), now: .distantFuture, dueSoonHorizon: horizon), .onTime)
        XCTAssertEqual(ClockState.of(deadline: deadline, metAt: utc("2026-06-15T23:00:00Z"), now: .distantFuture, dueSoonHorizon: horizon), .late)
        XCTAssertEqual(ClockState.of(deadline: deadline, metAt: nil, now: utc("2026-06-15T23:00:00Z"), dueSoonHorizon: horizon), .overdue)
        XCTAssertEqual(ClockState.of(deadline: deadline, metAt: nil, now: utc("2026-06-15T10:00:00Z"), dueSoonHorizon: horizon), .dueSoon)
        XCTAssertEqual(ClockState.of(deadline: deadline, metAt: nil, now: utc("2026-06-10T10:00:00Z"), dueSoonHorizon: utc("2026-06-11T22:59:59Z")), .open)
    }

    func testEventsAndTheirClocks() {
        let right6: Set<CaseEvent> = [.suspectArrested, .suspectInterviewed, .suspectReleasedOnBail,
                                      .suspectReleasedUnderInvestigation, .suspectCharged, .noFurtherAction, .outOfCourtDisposal]
        for e in CaseEvent.allCases {
            if right6.contains(e) {
                XCTAssertEqual(e.clockRule, .right6)
                XCTAssertEqual(e.workingDaysAllowed(enhanced: false), 5)
                XCTAssertEqual(e.workingDaysAllowed(enhanced: true), 1)
            } else if e == .courtHearingScheduled || e == .courtOutcome {
                XCTAssertEqual(e.clockRule, .right8And9)
                XCTAssertEqual(e.workingDaysAllowed(enhanced: false), 1)
            } else {
                XCTAssertNil(e.clockRule, e.rawValue)
            }
        }
    }

    func testEveryDelayReasonExplainsItself() {
        for r in DelayReason.allCases { XCTAssertGreaterThan(r.explanation.count, 30, r.rawValue) }
        XCTAssertEqual(CaseOutcome.allCases.count, 29)
        XCTAssertEqual(OffenceCategory.allCases.count, 14)
        XCTAssertEqual(PropertyCategory.allCases.count, 13)
    }
}
