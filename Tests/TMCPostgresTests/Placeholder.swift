import XCTest
final class PlaceholderTMCPostgresTests: XCTestCase { func testBuilds() { XCTAssertTrue(true) } }
