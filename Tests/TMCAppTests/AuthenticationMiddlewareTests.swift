import Foundation
@testable import TMCApp
import XCTest

/// Parsing `Authorization`, without a database.
final class AuthenticationMiddlewareTests: XCTestCase {
    func testBearerCredentials() {
        XCTAssertEqual(AuthenticationMiddleware.bearerCredential("Bearer tmc_abc"), "tmc_abc")
        XCTAssertEqual(AuthenticationMiddleware.bearerCredential("bearer   tmc_abc"), "tmc_abc")
        XCTAssertEqual(AuthenticationMiddleware.bearerCredential("BEARER 0123abcd"), "0123abcd")
        for bad in ["", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer a b", "Token tmc_abc",
                    "Bearer " + String(repeating: "a", count: 513), "Bearer t\u{e9}", "Bearer a\u{7f}"] {
            XCTAssertNil(AuthenticationMiddleware.bearerCredential(bad), bad)
        }
        XCTAssertNotNil(AuthenticationMiddleware.bearerCredential("Bearer " + String(repeating: "a", count: 512)))
    }
}
