import XCTest
final class PlaceholderTMCAppTests: XCTestCase { func testBuilds() { XCTAssertTrue(true) } }
