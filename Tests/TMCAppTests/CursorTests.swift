import Foundation
import TMCApp
import XCTest

final class CursorTests: XCTestCase {
    func testRoundTripAndRejection() {
        let id = UUID()
        XCTAssertEqual(Cursor.decode(Cursor.encode(id)), id)
        XCTAssertNil(Cursor.decode("!!"))
        XCTAssertNil(Cursor.decode(SecretGenerator.base64URL(Array("not a uuid".utf8))))
    }

    func testAPageFromOneRowTooMany() {
        let ids = (0..<3).map { _ in UUID() }
        let page = Cursor.page(ids, limit: 2, id: { $0 })
        XCTAssertEqual(page.items, Array(ids.prefix(2)))
        XCTAssertEqual(page.nextCursor, Cursor.encode(ids[1]))
        XCTAssertNil(Cursor.page(Array(ids.prefix(2)), limit: 2, id: { $0 }).nextCursor)
    }

    func testTheLastPageEncodesANullCursor() {
        let text = String(decoding: JSON.encodeBytes(Page<Int>(items: [1], nextCursor: nil)), as: UTF8.self)
        XCTAssertEqual(text, #"{"items":[1],"next_cursor":null}"#)
    }
}
