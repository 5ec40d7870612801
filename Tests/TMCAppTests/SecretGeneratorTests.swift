import Foundation
import TMCApp
import XCTest

final class SecretGeneratorTests: XCTestCase {
    func testTokensCarry256RandomBitsInBase64URL() {
        let token = SecretGenerator.token(prefix: "tmc_")
        XCTAssertTrue(token.hasPrefix("tmc_"))
        let body = token.dropFirst(4)
        XCTAssertEqual(body.count, 43) // 32 bytes, unpadded
        XCTAssertTrue(body.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        let many = Set((0..<1000).map { _ in SecretGenerator.token(prefix: "") })
        XCTAssertEqual(many.count, 1000)
    }

    func testBase64URL() {
        XCTAssertEqual(SecretGenerator.base64URL([0xFB, 0xFF]), "-_8")
        XCTAssertEqual(SecretGenerator.base64URL([]), "")
    }

    func testInvitationCodesUseTheUnambiguousAlphabet() {
        for _ in 0..<200 {
            let code = SecretGenerator.invitationCode()
            XCTAssertEqual(code.count, 14)
            let parts = code.split(separator: "-")
            XCTAssertEqual(parts.map(\.count), [4, 4, 4])
            XCTAssertTrue(parts.joined().allSatisfy { SecretGenerator.invitationAlphabet.contains($0) })
        }
        for confusable in ["0", "O", "1", "I", "L", "5", "S", "2", "Z", "8", "B"] {
            XCTAssertFalse(SecretGenerator.invitationAlphabet.contains(Character(confusable)), confusable)
        }
    }

    func testCodesAreNormalisedForComparison() {
        XCTAssertEqual(SecretGenerator.normalizeInvitationCode("acde-fghj kmnp"), "ACDEFGHJKMNP")
        XCTAssertEqual(SecretGenerator.normalizeInvitationCode("ACDE-FGHJ-KMNP"), "ACDEFGHJKMNP")
    }
}
