import Foundation
@testable import TMCApp
import XCTest

/// The sliding-window decision, without a database.
final class RateLimiterTests: XCTestCase {
    func testWithinTheLimitPasses() {
        XCTAssertNil(RateLimiter.retryAfter(RateLimitCounts(current: 3, previous: 0, elapsed: 10), limit: 3, window: 3600))
    }

    func testOverTheLimitWaitsForTheWindowToEnd() {
        XCTAssertEqual(RateLimiter.retryAfter(RateLimitCounts(current: 4, previous: 0, elapsed: 600), limit: 3, window: 3600), 3000)
    }

    func testThePreviousWindowCountsByItsOverlap() {
        // Half-way through: 2 now + 4 * 0.5 = 4 > 3; it falls to 3 when 2 + 4 * w = 3, w = 0.25,
        // i.e. 900 s later.
        XCTAssertEqual(RateLimiter.retryAfter(RateLimitCounts(current: 2, previous: 4, elapsed: 1800), limit: 3, window: 3600), 900)
        // Late in the window the previous one hardly counts.
        XCTAssertNil(RateLimiter.retryAfter(RateLimitCounts(current: 2, previous: 4, elapsed: 3500), limit: 3, window: 3600))
    }

    func testRetryAfterIsAtLeastOneSecond() {
        XCTAssertEqual(RateLimiter.retryAfter(RateLimitCounts(current: 9, previous: 0, elapsed: 3599.9), limit: 3, window: 3600), 1)
    }
}
