import Foundation
import TMCApp
import XCTest

final class KeysetCursorTests: XCTestCase {
    func testRoundTripKeepsMicroseconds() throws {
        let at = Date(timeIntervalSince1970: 1_796_000_000.123456)
        let id = UUID()
        let cursor = KeysetCursor(at: at, id: id)
        let decoded = try KeysetCursor.decode(cursor.encoded)
        XCTAssertEqual(decoded?.id, id)
        XCTAssertEqual(decoded?.at.timeIntervalSince1970 ?? 0, at.timeIntervalSince1970, accuracy: 0.000001)
        XCTAssertFalse(cursor.encoded.contains("="))
        XCTAssertNil(try KeysetCursor.decode(nil))
    }

    func testForeignTextIsA422() {
        for bad in ["", "!!", "abc", Data("12|not-a-uuid".utf8).base64EncodedString(), String(repeating: "A", count: 200)] {
            XCTAssertThrowsError(try KeysetCursor.decode(bad), bad) { error in
                XCTAssertEqual((error as? Problem)?.status, 422)
            }
        }
    }
}
