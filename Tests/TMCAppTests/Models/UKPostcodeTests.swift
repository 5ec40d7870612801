import TMCApp
import XCTest

final class UKPostcodeTests: XCTestCase {
    func testEveryShapeIsNormalised() {
        let good = ["m1 1ae": "M1 1AE", "M601NW": "M60 1NW", "cr26xh": "CR2 6XH", "DN55 1PT": "DN55 1PT", "w1a 0ax": "W1A 0AX",
                    "EC1A 1BB": "EC1A 1BB", " sw1a  1aa ": "SW1A 1AA", "gir 0aa": "GIR 0AA", "b33\t8th": "B33 8TH"]
        for (given, expected) in good { XCTAssertEqual(UKPostcode.normalised(given), expected, given) }
    }

    func testOtherTextIsRefused() {
        for bad in ["", "12345", "SW1A", "SW1A 1A", "SW1A 1AAA", "1W1A 1AA", "SWA 1AA", "SW1A-1AA", "SW1A 11A", "ŚW1A 1AA", "AAA1 1AA"] {
            XCTAssertNil(UKPostcode.normalised(bad), bad)
        }
    }
}
