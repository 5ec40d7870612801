import Foundation
import TMCApp
import XCTest

/// The operational endpoints and the behaviour every route shares (request ids, problems,
/// 404/405), over a real loopback socket against a real database.
final class OperationsRoutesTests: XCTestCase {
    var server: TestServer!

    override func setUp() async throws {
        server = try await TestServer.start()
    }

    override func tearDown() async throws {
        await server?.stop()
    }

    func testHealthz() async throws {
        let r = try await server.client.get("/healthz")
        XCTAssertEqual(r.status, 200)
        XCTAssertEqual(r.json["status"] as? String, "ok")
        XCTAssertEqual(r.header("Content-Type"), "application/json")
        XCTAssertNotNil(r.header("Date"))
        XCTAssertEqual(r.header("Content-Length"), String(r.body.count))
    }

    func testReadyzWhenDatabaseReachableAndMigrated() async throws {
        let r = try await server.client.get("/readyz")
        XCTAssertEqual(r.status, 200, r.text)
        XCTAssertEqual(r.json["status"] as? String, "ready")
        XCTAssertEqual(r.json["migrations"] as? String, "current")
    }

    func testReadyzIs503WhenMigrationsArePending() async throws {
        try await server.database.execute("DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)")
        let r = try await server.client.get("/readyz")
        XCTAssertEqual(r.status, 503)
        XCTAssertEqual(r.json["migrations"] as? String, "pending")
    }

    func testMetricsCountRequestsByRouteAndShowPool() async throws {
        _ = try await server.client.get("/healthz")
        _ = try await server.client.get("/nowhere")
        let r = try await server.client.get("/metrics")
        XCTAssertEqual(r.status, 200)
        XCTAssertTrue(r.header("Content-Type")?.hasPrefix("text/plain") ?? false)
        XCTAssertTrue(r.text.contains("http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 1"), r.text)
        XCTAssertTrue(r.text.contains("status=\"404\""))
        XCTAssertTrue(r.text.contains("http_request_duration_seconds_bucket{route=\"/healthz\",le=\"+Inf\"} 1"))
        XCTAssertTrue(r.text.contains("db_pool_in_use"))
        XCTAssertTrue(r.text.contains("db_pool_waiting"))
    }

    func testOpenAPIDocumentIsServed() async throws {
        let r = try await server.client.get("/openapi.yaml")
        XCTAssertEqual(r.status, 200)
        XCTAssertTrue(r.text.hasPrefix("openapi: 3."))
    }

    func testUnknownPathIsProblem404() async throws {
        let r = try await server.client.get("/v1/nowhere")
        XCTAssertEqual(r.status, 404)
        XCTAssertEqual(r.header("Content-Type"), "application/problem+json")
        XCTAssertEqual(r.problemCode, "not_found")
        XCTAssertEqual(r.json["status"] as? Int, 404)
        XCTAssertNotNil(r.json["title"])
        XCTAssertNotNil(r.json["type"])
        XCTAssertNotNil(r.json["detail"])
    }

    func testWrongMethodIs405WithAllow() async throws {
        let r = try await server.client.send("DELETE", "/healthz")
        XCTAssertEqual(r.status, 405)
        XCTAssertEqual(r.problemCode, "method_not_allowed")
        XCTAssertEqual(r.header("Allow"), "GET, HEAD")
    }

    func testHeadHasNoBodyButTheSameLength() async throws {
        let get = try await server.client.get("/healthz")
        let head = try await server.client.send("HEAD", "/healthz")
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.body.count, 0)
        XCTAssertEqual(head.header("Content-Length"), get.header("Content-Length"))
    }

    func testSaneRequestIdIsEchoedAndOtherwiseGenerated() async throws {
        let echoed = try await server.client.get("/healthz", headers: [("X-Request-Id", "abc-123_x.y")])
        XCTAssertEqual(echoed.header("X-Request-Id"), "abc-123_x.y")
        let replaced = try await server.client.get("/healthz", headers: [("X-Request-Id", "bad id!")])
        let generated = try XCTUnwrap(replaced.header("X-Request-Id"))
        XCTAssertNotEqual(generated, "bad id!")
        XCTAssertFalse(generated.isEmpty)
        let tooLong = try await server.client.get("/healthz", headers: [("X-Request-Id", String(repeating: "a", count: 129))])
        XCTAssertNotEqual(tooLong.header("X-Request-Id"), String(repeating: "a", count: 129))
        XCTAssertTrue(tooLong.header("X-Request-Id").map { $0.count >= 18 && $0.count <= 128 } ?? false)
        let none = try await server.client.get("/nowhere")
        XCTAssertEqual(none.json["request_id"] as? String, none.header("X-Request-Id"))
    }

    func testFramingErrorsAreProblemsWithARequestId() async throws {
        let raw = Array("GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        let bytes = try await TestHTTPClient.exchange(host: "127.0.0.1", port: server.port, request: raw, timeout: 5)
        let r = try TestHTTPClient.parse(bytes, method: "GET")
        XCTAssertEqual(r.status, 400)
        XCTAssertEqual(r.header("Content-Type"), "application/problem+json")
        XCTAssertEqual(r.problemCode, "bad_request")
        XCTAssertNotNil(r.header("X-Request-Id"))
    }
}
