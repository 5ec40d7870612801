import TMCApp
import XCTest

final class CivilDateTests: XCTestCase {
    func testRoundTripAndWeekdays() {
        XCTAssertEqual(CivilDate("1970-01-01")?.dayNumber, 0)
        XCTAssertEqual(CivilDate("1970-01-01")?.isoWeekday, 4)
        XCTAssertEqual(CivilDate("2026-12-04")?.isoWeekday, 5)
        XCTAssertEqual(CivilDate("2028-02-29")?.description, "2028-02-29")
        XCTAssertNil(CivilDate("2027-02-29"))
        XCTAssertNil(CivilDate("2027-13-01"))
        XCTAssertNil(CivilDate("27-01-01"))
        XCTAssertEqual(CivilDate("1969-12-31")?.dayNumber, -1)
        XCTAssertEqual(CivilDate("1969-12-31")?.isoWeekday, 3)
        var d = CivilDate("2024-01-01")!
        for _ in 0..<2000 {
            XCTAssertEqual(CivilDate(d.description), d)
            d = d.adding(days: 1)
        }
    }
}
