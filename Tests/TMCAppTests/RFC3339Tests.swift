import Foundation
import TMCApp
import XCTest

final class RFC3339Tests: XCTestCase {
    func testFormatsUTCWithZ() {
        XCTAssertEqual(RFC3339.string(from: Date(timeIntervalSince1970: 0)), "1970-01-01T00:00:00Z")
        XCTAssertEqual(RFC3339.string(from: Date(timeIntervalSince1970: 1_796_396_732)), "2026-12-04T15:05:32Z")
        XCTAssertEqual(RFC3339.string(from: Date(timeIntervalSince1970: 1_796_396_732.25)), "2026-12-04T15:05:32.250Z")
    }

    func testParsesZuluOffsetsAndFractions() {
        XCTAssertEqual(RFC3339.date(from: "2026-12-04T15:05:32Z")?.timeIntervalSince1970, 1_796_396_732)
        XCTAssertEqual(RFC3339.date(from: "2026-12-04T16:05:32+01:00")?.timeIntervalSince1970, 1_796_396_732)
        XCTAssertEqual(RFC3339.date(from: "2026-12-04T15:05:32.5Z")?.timeIntervalSince1970, 1_796_396_732.5)
        XCTAssertEqual(RFC3339.date(from: "2026-12-04t15:05:32z")?.timeIntervalSince1970, 1_796_396_732)
    }

    func testRejectsWhatIsNotRFC3339() {
        for bad in ["", "2026-12-04", "2026-12-04T15:05:32", "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z",
                    "2026-12-04T25:00:00Z", "2026-12-04T15:05:32+0100", "2026-12-04T15:05:32Zjunk", "yesterday"] {
            XCTAssertNil(RFC3339.date(from: bad), bad)
        }
    }

    func testRoundTrip() {
        let d = Date(timeIntervalSince1970: 1_700_000_000.123)
        XCTAssertEqual(RFC3339.date(from: RFC3339.string(from: d))!.timeIntervalSince1970, 1_700_000_000.123, accuracy: 0.001)
    }
}
