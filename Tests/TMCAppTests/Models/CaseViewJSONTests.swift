import Foundation
@testable import TMCApp
import XCTest

/// The hand-written JSON of a case must equal `JSONEncoder`'s, byte for byte.
final class CaseViewJSONTests: XCTestCase {
    private func record(_ text: String, at: Date) -> CaseRecord {
        CaseRecord(id: UUID(), forceID: UUID(), forceCode: "avon-and-somerset", crimeReference: "AS/\(text)", offenceCategory: .otherTheft,
                   offenceDescription: text, summary: "Summary: \(text)", occurredAt: at, officerID: UUID(), officerName: "O'Brien \"OB\"",
                   status: .withCPS, outcome: "charged", publicStatus: .underInvestigation, publicOutcome: nil,
                   nextUpdateDue: at.addingTimeInterval(86_400 * 28), version: 12, createdAt: at, updatedAt: at.addingTimeInterval(0.5))
    }

    func testHandWrittenJSONEqualsJSONEncoder() {
        let texts = ["plain", "quote \" backslash \\ slash / tab \t newline \n cr \r", "bell \u{07} nul-free \u{1F} del \u{7F}",
                     "unicode: café 🚲 \u{2028} \u{2029}", ""]
        let dates = [Date(timeIntervalSince1970: 1_796_000_000), Date(timeIntervalSince1970: 1_796_000_000.123456),
                     Date(timeIntervalSince1970: -86_399.25), Date(timeIntervalSince1970: 253_402_300_799)]
        for text in texts {
            for at in dates {
                let r = record(text, at: at)
                let victim = CaseVictimRecord(userID: UUID(), name: "Vic \(text)", email: "v@example.com", phone: text.isEmpty ? nil : "+44 \(text)",
                                              accountStatus: "invited", enhanced: true, updateEveryDays: 14)
                let clock = ClockRecord(id: UUID(), caseID: r.id, rule: .right6, updateID: UUID(), reviewRequestID: nil,
                                        startedAt: at, deadline: at.addingTimeInterval(3600), metAt: nil)
                for view in [CaseView(victim: r, me: victim), CaseView(staff: r, victims: [victim, victim], openClocks: [ClockView(clock, state: .dueSoon)]),
                             CaseView(staff: r, victims: [], openClocks: [])] {
                    XCTAssertEqual(String(decoding: view.jsonBytes, as: UTF8.self), String(decoding: JSON.encodeBytes(view), as: UTF8.self))
                }
            }
        }
        var noOfficer = record("x", at: dates[0])
        noOfficer.officerID = nil
        noOfficer.occurredAt = nil
        noOfficer.offenceDescription = nil
        let view = CaseView(staff: noOfficer, victims: [], openClocks: [])
        XCTAssertEqual(String(decoding: view.jsonBytes, as: UTF8.self), String(decoding: JSON.encodeBytes(view), as: UTF8.self))
    }

    func testHandWrittenListJSONEqualsJSONEncoder() {
        for text in ["plain", "quote \" and \\ and \n", "café 🚲"] {
            var r = record(text, at: Date(timeIntervalSince1970: 1_796_000_000.25))
            let a = CaseSummaryView(r, publicView: false)
            r.officerID = nil
            r.nextUpdateDue = nil
            let b = CaseSummaryView(r, publicView: true)
            for page in [Page(items: [a, b], nextCursor: "abc"), Page(items: [b], nextCursor: nil), Page(items: [CaseSummaryView](), nextCursor: nil)] {
                XCTAssertEqual(String(decoding: page.jsonBytes, as: UTF8.self), String(decoding: JSON.encodeBytes(page), as: UTF8.self))
            }
        }
    }
}
