import Foundation
@testable import TMCApp
import XCTest

/// The status and outcome an update leaves on a case (`TimelineService.nextState`).
final class TimelineRulesTests: XCTestCase {
    private func record(_ status: CaseStatus, outcome: String? = nil) -> CaseRecord {
        CaseRecord(id: UUID(), forceID: UUID(), forceCode: "kent", crimeReference: "R", offenceCategory: .burglary,
                   offenceDescription: nil, summary: "s", occurredAt: nil, officerID: nil, officerName: nil, status: status,
                   outcome: outcome, publicStatus: status, publicOutcome: outcome, nextUpdateDue: nil, version: 1,
                   createdAt: Date(), updatedAt: Date())
    }

    private func status(_ error: any Error) -> Int? { (error as? Problem)?.status }

    func testOutcomeRules() throws {
        let charged = NewUpdateInput(event: .suspectCharged, outcome: .charged)
        XCTAssertEqual(try TimelineService.nextState(record(.withCPS), charged, role: .officer).1, "charged", "an outcome without a move")
        let court = NewUpdateInput(event: .courtHearingScheduled, status: .atCourt)
        XCTAssertEqual(try TimelineService.nextState(record(.withCPS, outcome: "charged"), court, role: .officer).1, "charged", "kept")
        let close = NewUpdateInput(event: .caseClosed, status: .closed)
        XCTAssertThrowsError(try TimelineService.nextState(record(.atCourt), close, role: .officer)) { XCTAssertEqual(status($0), 422) }
        let reopen = NewUpdateInput(event: .generalUpdate, status: .underInvestigation)
        let reopened = try TimelineService.nextState(record(.closed, outcome: "no-further-action"), reopen, role: .supervisor)
        XCTAssertEqual(reopened.0, .underInvestigation)
        XCTAssertNil(reopened.1, "reopening clears the outcome")
        XCTAssertThrowsError(try TimelineService.nextState(record(.closed), reopen, role: .officer)) { XCTAssertEqual(status($0), 403) }
        XCTAssertThrowsError(try TimelineService.nextState(record(.recorded), court, role: .supervisor)) { XCTAssertEqual(status($0), 409) }
    }

    func testMergePatchFields() {
        XCTAssertEqual(FieldPatch<String>.unchanged.applied(to: "a"), "a")
        XCTAssertNil(FieldPatch<String>.clear.applied(to: "a"))
        XCTAssertEqual(FieldPatch.set("b").applied(to: "a"), "b")
    }
}
