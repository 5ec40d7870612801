import XCTest
@testable import TMCPostgres

final class PreparedStatementCacheTests: XCTestCase {
    func testEvictsLeastRecentlyUsed() {
        var cache = PreparedStatementCache(capacity: 2)
        let a = cache.makeName(), b = cache.makeName(), c = cache.makeName()
        XCTAssertEqual([a, b, c], ["s1", "s2", "s3"])
        XCTAssertNil(cache.insert("A", name: a))
        XCTAssertNil(cache.insert("B", name: b))
        XCTAssertNotNil(cache.lookup("A"))
        XCTAssertEqual(cache.insert("C", name: c), "s2")
        XCTAssertNil(cache.lookup("B"))
        XCTAssertEqual(cache.lookup("C")?.name, "s3")
        XCTAssertEqual(cache.count, 2)
    }
}
