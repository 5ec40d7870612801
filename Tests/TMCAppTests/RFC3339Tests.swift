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

    /// The digits written in place agree with printf's for instants across four centuries,
    /// before 1970 and with every millisecond value.
    func testFormattingAgreesWithPrintf() {
        func reference(_ date: Date) -> String {
            let seconds = date.timeIntervalSince1970
            let whole = floor(seconds)
            let millis = Int(((seconds - whole) * 1000).rounded(.down))
            var t = time_t(whole)
            var tmValue = tm()
            gmtime_r(&t, &tmValue)
            let base = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", Int(tmValue.tm_year) + 1900, Int(tmValue.tm_mon) + 1,
                              Int(tmValue.tm_mday), Int(tmValue.tm_hour), Int(tmValue.tm_min), Int(tmValue.tm_sec))
            return millis == 0 ? base + "Z" : base + String(format: ".%03dZ", millis)
        }
        var generator = SystemRandomNumberGenerator()
        var dates = [Date(timeIntervalSince1970: -1), Date(timeIntervalSince1970: -0.5), Date(timeIntervalSince1970: 253_402_300_799.999),
                     Date(timeIntervalSince1970: 253_402_300_800), Date(timeIntervalSince1970: -62_167_219_200)]
        for _ in 0..<2_000 {
            let millis = Double(Int.random(in: 0..<1000, using: &generator)) / 1000
            dates.append(Date(timeIntervalSince1970: Double(Int.random(in: -2_208_988_800...7_258_118_400, using: &generator)) + millis))
        }
        for date in dates { XCTAssertEqual(RFC3339.string(from: date), reference(date), "\(date.timeIntervalSince1970)") }
        XCTAssertEqual(RFC3339.string(from: Date(timeIntervalSince1970: 253_402_300_800)), "10000-01-01T00:00:00Z")
    }
}
