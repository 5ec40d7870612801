import Foundation
import TMCApp
import XCTest

/// CORS for `CORS_ALLOWED_ORIGINS` only.
final class CORSPolicyTests: XCTestCase {
    func testPreflightFromAnAllowedOriginIsAnsweredAndOthersGetNothing() async throws {
        try await withServer({ $0.corsAllowedOrigins = ["https://app.example"] }) { server in
            let preflight = try await server.client.send("OPTIONS", "/v1/auth/login", headers: [
                ("Origin", "https://app.example"), ("Access-Control-Request-Method", "POST"),
                ("Access-Control-Request-Headers", "content-type, idempotency-key")])
            XCTAssertEqual(preflight.status, 204)
            XCTAssertEqual(preflight.header("Access-Control-Allow-Origin"), "https://app.example")
            XCTAssertEqual(preflight.header("Access-Control-Allow-Methods"), "POST")
            let allowed = preflight.header("Access-Control-Allow-Headers") ?? ""
            for header in ["Authorization", "Content-Type", "Idempotency-Key"] { XCTAssertTrue(allowed.contains(header)) }

            let foreign = try await server.client.send("OPTIONS", "/v1/auth/login", headers: [
                ("Origin", "https://evil.example"), ("Access-Control-Request-Method", "POST")])
            XCTAssertNil(foreign.header("Access-Control-Allow-Origin"))
            XCTAssertNotEqual(foreign.status, 204)

            let actual = try await server.client.get("/v1/forces", headers: [("Origin", "https://app.example")])
            XCTAssertEqual(actual.header("Access-Control-Allow-Origin"), "https://app.example")
            XCTAssertTrue(actual.header("Access-Control-Expose-Headers")?.contains("Retry-After") ?? false)
            let other = try await server.client.get("/v1/forces", headers: [("Origin", "https://evil.example")])
            XCTAssertEqual(other.status, 200)
            XCTAssertNil(other.header("Access-Control-Allow-Origin"))
        }
    }
}
