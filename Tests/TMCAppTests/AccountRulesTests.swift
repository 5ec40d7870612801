import Foundation
import TMCApp
import XCTest

final class AccountRulesTests: XCTestCase {
    func testPasswordsAre10To128CodePoints() {
        XCTAssertNotNil(AccountRules.passwordProblem("123456789"))
        XCTAssertNil(AccountRules.passwordProblem("1234567890"))
        XCTAssertNil(AccountRules.passwordProblem(String(repeating: "é", count: 128)))
        XCTAssertNotNil(AccountRules.passwordProblem(String(repeating: "a", count: 129)))
        XCTAssertNotNil(AccountRules.passwordProblem("1234567890\u{0}"))
    }

    func testEmails() {
        for good in ["a@b.uk", "first.last+tag@police.example", "Ü@example.com"] { XCTAssertNil(AccountRules.emailProblem(good), good) }
        for bad in ["", "plain", "@b.uk", "a@b", "a@@b.uk", "a b@c.uk", "a@.uk", "a@b..uk", "a@b.uk.",
                    String(repeating: "a", count: 65) + "@b.uk"] {
            XCTAssertNotNil(AccountRules.emailProblem(bad), bad)
        }
    }

    func testPhones() {
        for good in ["+44 7700 900123", "01622 690690", "(01622) 690-690"] { XCTAssertNil(AccountRules.phoneProblem(good), good) }
        for bad in ["123", "call me", "+44 7700 900123 ext 4", "44+7700900123", String(repeating: "1", count: 16)] {
            XCTAssertNotNil(AccountRules.phoneProblem(bad), bad)
        }
    }

    func testForceCodes() {
        for good in ["kent", "avon-and-somerset", "west-midlands", "btp2"] { XCTAssertNil(AccountRules.forceCodeProblem(good), good) }
        for bad in ["", "Kent", "avon--somerset", "-kent", "kent-", "kent police", String(repeating: "a", count: 65)] {
            XCTAssertNotNil(AccountRules.forceCodeProblem(bad), bad)
        }
    }
}
