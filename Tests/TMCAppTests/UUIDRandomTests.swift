import Foundation
import TMCApp
import XCTest

final class UUIDRandomTests: XCTestCase {
    /// Version 4, RFC 9562 variant, and no repeats among many.
    func testRandomUUIDsAreVersion4AndDistinct() {
        var seen = Set<UUID>()
        for _ in 0..<10_000 {
            let id = UUID.random()
            let text = id.lowercasedString
            XCTAssertEqual(Array(text)[14], "4", text)
            XCTAssertTrue("89ab".contains(Array(text)[19]), text)
            XCTAssertEqual(UUID(uuidString: text), id)
            seen.insert(id)
        }
        XCTAssertEqual(seen.count, 10_000)
    }
}
