import XCTest
@testable import TMCHTTP

final class HTTPServerTests: XCTestCase {
    func testSmoke() async throws {
        try await withServer { server, port in
            XCTAssertGreaterThan(port, 0)
            let client = try TestClient(port: port)
            try client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            let r = try client.readResponse()
            XCTAssertEqual(r.statusLine, "HTTP/1.1 200 OK")
            XCTAssertEqual(r.bodyText, "hello")
        }
    }
}
