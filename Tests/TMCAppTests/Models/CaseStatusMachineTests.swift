import TMCApp
import XCTest

/// Every (from, to) pair for every role that may post updates: the legal moves of API.md and
/// nothing else.
final class CaseStatusMachineTests: XCTestCase {
    private typealias S = CaseStatus
    private let legal: Set<String> = [
        "recorded>under_investigation",
        "under_investigation>with_cps",
        "with_cps>at_court",
        "with_cps>under_investigation",
        "recorded>closed", "under_investigation>closed", "with_cps>closed", "at_court>closed",
        "closed>under_investigation",
    ]

    func testEveryPairForEveryRole() {
        for from in S.allCases {
            for to in S.allCases {
                let key = "\(from.rawValue)>\(to.rawValue)"
                for role in [Role.officer, .supervisor, .integration] {
                    let verdict = CaseStatusMachine.verdict(from: from, to: to, role: role)
                    if !legal.contains(key) {
                        XCTAssertEqual(verdict, .illegal, "\(key) as \(role)")
                    } else if from == .closed {
                        XCTAssertEqual(verdict, role == .supervisor ? .allowed : .forbiddenForRole, "\(key) as \(role)")
                    } else {
                        XCTAssertEqual(verdict, .allowed, "\(key) as \(role)")
                    }
                }
            }
        }
    }

    func testStayingInTheSameStatusIsNotAMove() {
        for s in S.allCases { XCTAssertFalse(CaseStatusMachine.isLegal(from: s, to: s), s.rawValue) }
    }

    func testReopeningIsForSupervisorsOnly() {
        XCTAssertEqual(CaseStatusMachine.verdict(from: .closed, to: .underInvestigation, role: .supervisor), .allowed)
        XCTAssertEqual(CaseStatusMachine.verdict(from: .closed, to: .underInvestigation, role: .officer), .forbiddenForRole)
        XCTAssertEqual(CaseStatusMachine.verdict(from: .closed, to: .recorded, role: .supervisor), .illegal)
        XCTAssertEqual(CaseStatusMachine.verdict(from: .closed, to: .withCPS, role: .supervisor), .illegal)
    }

    func testOnlyClosingNeedsAnOutcome() {
        for s in S.allCases { XCTAssertEqual(CaseStatusMachine.requiresOutcome(s), s == .closed) }
    }

    func testSkippingAheadIsIllegal() {
        XCTAssertFalse(CaseStatusMachine.isLegal(from: .recorded, to: .withCPS))
        XCTAssertFalse(CaseStatusMachine.isLegal(from: .recorded, to: .atCourt))
        XCTAssertFalse(CaseStatusMachine.isLegal(from: .underInvestigation, to: .atCourt))
        XCTAssertFalse(CaseStatusMachine.isLegal(from: .atCourt, to: .withCPS))
        XCTAssertFalse(CaseStatusMachine.isLegal(from: .atCourt, to: .underInvestigation))
        XCTAssertFalse(CaseStatusMachine.isLegal(from: .underInvestigation, to: .recorded))
    }
}
