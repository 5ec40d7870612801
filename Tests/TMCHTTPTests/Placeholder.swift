import XCTest
final class PlaceholderTMCHTTPTests: XCTestCase { func testBuilds() { XCTAssertTrue(true) } }
