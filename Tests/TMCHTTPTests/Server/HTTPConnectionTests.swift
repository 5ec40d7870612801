import Foundation
import XCTest
@testable import TMCHTTP

/// End-to-end behaviour of one connection, over real loopback sockets.
final class HTTPConnectionTests: XCTestCase {
    func testKeepAliveServesTwoRequestsOnOneConnection() async throws {
        try await withServer { _, port in
            let client = try TestClient(port: port)
            for _ in 0..<2 {
                try client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                let r = try client.readResponse()
                XCTAssertEqual(r.statusLine, "HTTP/1.1 200 OK")
                XCTAssertEqual(r.header("Content-Length"), "5")
                XCTAssertEqual(r.header("Content-Type"), "text/plain")
                XCTAssertNil(r.header("Connection"))
                XCTAssertTrue(r.header("Date")?.hasSuffix(" GMT") ?? false)
                XCTAssertEqual(r.bodyText, "hello")
            }
        }
    }

    func testPipelinedRequestsAreAnsweredInOrder() async throws {
        try await withServer { _, port in
            let client = try TestClient(port: port)
            try client.send(
                "GET /slow?200 HTTP/1.1\r\nHost: x\r\n\r\n"
                + "GET / HTTP/1.1\r\nHost: x\r\n\r\n"
                + "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nlast")
            XCTAssertEqual(try client.readResponse().bodyText, "slow 200")
            XCTAssertEqual(try client.readResponse().bodyText, "hello")
            XCTAssertEqual(try client.readResponse().bodyText, "last")
        }
    }

    func testHeadHasGetHeadersButNoBody() async throws {
        try await withServer { _, port in
            let client = try TestClient(port: port)
            try client.send("HEAD / HTTP/1.1\r\nHost: x\r\n\r\n")
            let r = try client.readResponse(head: true)
            XCTAssertEqual(r.status, 200)
            XCTAssertEqual(r.header("Content-Length"), "5")
            // The next response must follow directly: no body bytes were sent.
            try client.send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n")
            let next = try client.readResponse()
            XCTAssertEqual(next.status, 200)
            XCTAssertEqual(next.header("X-Method"), "GET")
        }
    }

    func testConnectionCloseIsHonoured() async throws {
        try await withServer { _, port in
            let client = try TestClient(port: port)
            try client.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let r = try client.readResponse()
            XCTAssertEqual(r.header("Connection"), "close")
            XCTAssertEqual(r.bodyText, "hello")
            XCTAssertTrue(try client.isClosedByServer())
        }
    }

    func testHTTP10ClosesUnlessKeepAlive() async throws {
        try await withServer { _, port in
            let client = try TestClient(port: port)
            try client.send("GET /echo HTTP/1.0\r\n\r\n")
            let r = try client.readResponse()
            XCTAssertEqual(r.statusLine, "HTTP/1.1 200 OK")
            XCTAssertEqual(r.header("X-Version"), "1.0")
            XCTAssertEqual(r.header("Connection"), "close")
            XCTAssertTrue(try client.isClosedByServer())

            let kept = try TestClient(port: port)
            for _ in 0..<2 {
                try kept.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                let k = try kept.readResponse()
                XCTAssertEqual(k.header("Connection"), "keep-alive")
                XCTAssertEqual(k.bodyText, "hello")
            }
        }
    }

    func testChunkedRequestBodyIsEchoed() async throws {
        try await withServer { _, port in
            let client = try TestClient(port: port)
            try client.send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;ext=1\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nTrailer: t\r\n\r\n")
            let r = try client.readResponse()
            XCTAssertEqual(r.status, 200)
            XCTAssertEqual(r.bodyText, "hello world")
            XCTAssertEqual(r.header("Content-Length"), "11")
        }
    }

    func testRequestFieldsReachTheResponder() async throws {
        try await withServer { _, port in
            let client = try TestClient(port: port)
            try client.send("PoST /echo?a=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi")
            let r = try client.readResponse()
            XCTAssertEqual(r.header("X-Method"), "PoST")
            XCTAssertEqual(r.header("X-Target"), "/echo?a=1")
            XCTAssertEqual(r.header("X-Remote"), "127.0.0.1")
            XCTAssertEqual(r.bodyText, "hi")
        }
    }

    func testServerManagedHeadersWinOverTheResponders() async throws {
        try await withServer { _, port in
            let client = try TestClient(port: port)
            try client.send("GET /managed HTTP/1.1\r\nHost: x\r\n\r\n")
            let r = try client.readResponse()
            XCTAssertEqual(r.header("Content-Length"), "3")
            XCTAssertEqual(r.headerCount("Content-Length"), 1)
            XCTAssertNil(r.header("Transfer-Encoding"))
            XCTAssertEqual(r.headerCount("Date"), 1)
            XCTAssertNotEqual(r.header("Date"), "yesterday")
            XCTAssertNil(r.header("Connection"))
            XCTAssertEqual(r.header("X-Kept"), "yes")
            XCTAssertEqual(r.bodyText, "abc")
        }
    }

    func testNoContentHasNoBodyAndNoContentLength() async throws {
        try await withServer { _, port in
            let client = try TestClient(port: port)
            try client.send("GET /nocontent HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")
            let r = try client.readResponse()
            XCTAssertEqual(r.statusLine, "HTTP/1.1 204 No Content")
            XCTAssertNil(r.header("Content-Length"))
            XCTAssertEqual(try client.readResponse().bodyText, "hello")
        }
    }

    func testExpectContinueGets100First() async throws {
        try await withServer { _, port in
            let client = try TestClient(port: port)
            try client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n")
            let interim = try client.readResponse()
            XCTAssertEqual(interim.statusLine, "HTTP/1.1 100 Continue")
            try client.send("abc")
            XCTAssertEqual(try client.readResponse().bodyText, "abc")
        }
    }

    // MARK: - Refusals

    func refusal(_ request: String, configure: (inout HTTPServerConfiguration) -> Void = { _ in }) async throws -> TestResponse {
        var response: TestResponse?
        try await withServer(configure) { _, port in
            let client = try TestClient(port: port)
            try client.send(request)
            response = try client.readResponse()
            XCTAssertEqual(response?.header("Connection"), "close")
            XCTAssertTrue(try client.isClosedByServer())
        }
        return try XCTUnwrap(response)
    }

    func testBadRequestIs400AndCloses() async throws {
        let r = try await refusal("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx")
        XCTAssertEqual(r.statusLine, "HTTP/1.1 400 Bad Request")
        XCTAssertEqual(r.header("Content-Type"), "application/problem+json")
        XCTAssertTrue(r.bodyText.contains("\"status\":400"))
    }

    func testUnsupportedVersionIs505() async throws {
        let r = try await refusal("GET / HTTP/2.0\r\nHost: a\r\n\r\n")
        XCTAssertEqual(r.status, 505)
    }

    func testUnsupportedTransferCodingIs501() async throws {
        let r = try await refusal("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")
        XCTAssertEqual(r.status, 501)
    }

    func testRequestLineTooLongIs414() async throws {
        let r = try await refusal("GET /\(String(repeating: "a", count: 200)) HTTP/1.1\r\nHost: a\r\n\r\n") { $0.maxRequestLineBytes = 100 }
        XCTAssertEqual(r.status, 414)
    }

    func testTooManyHeadersIs431() async throws {
        let headers = (0..<10).map { "X-\($0): v\r\n" }.joined()
        let r = try await refusal("GET / HTTP/1.1\r\nHost: a\r\n\(headers)\r\n") { $0.maxHeaderCount = 5 }
        XCTAssertEqual(r.status, 431)
    }

    func testHeaderSectionTooLargeIs431() async throws {
        let r = try await refusal("GET / HTTP/1.1\r\nHost: a\r\nX-Big: \(String(repeating: "b", count: 500))\r\n\r\n") { $0.maxHeaderBytes = 256 }
        XCTAssertEqual(r.status, 431)
    }

    func testDeclaredBodyTooLargeIs413() async throws {
        // Only the head is sent: the limit is checked before reading the body.
        let r = try await refusal("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\n") { $0.maxBodyBytes = 100 }
        XCTAssertEqual(r.status, 413)
    }

    func testChunkedBodyTooLargeIs413() async throws {
        let chunk = String(repeating: "z", count: 60)
        let r = try await refusal("POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3c\r\n\(chunk)\r\n3c\r\n\(chunk)\r\n") { $0.maxBodyBytes = 100 }
        XCTAssertEqual(r.status, 413)
    }

    func testProtocolErrorResponseClosureIsUsed() async throws {
        let seen = Probe<[String]>([])
        try await withServer(protocolErrorResponse: { error, request in
            seen.mutate { $0.append("\(error.status) \(request?.target ?? "-")") }
            return HTTPResponse(status: error.status, headers: ["X-Custom": "1"], body: .bytes(Array("custom \(error.status)".utf8)))
        }) { _, port in
            let client = try TestClient(port: port)
            try client.send("POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n")
            let r = try client.readResponse()
            XCTAssertEqual(r.status, 501)
            XCTAssertEqual(r.header("X-Custom"), "1")
            XCTAssertEqual(r.header("Connection"), "close")
            XCTAssertEqual(r.bodyText, "custom 501")
        }
        XCTAssertEqual(seen.value, ["501 /up"])
    }

    func testErrorAfterAPipelinedResponseComesAfterIt() async throws {
        try await withServer { _, port in
            let client = try TestClient(port: port)
            try client.send("GET /slow?100 HTTP/1.1\r\nHost: x\r\n\r\nGARBAGE\r\n\r\n")
            let first = try client.readResponse()
            XCTAssertEqual(first.bodyText, "slow 100")
            XCTAssertNil(first.header("Connection"))
            let second = try client.readResponse()
            XCTAssertEqual(second.status, 400)
            XCTAssertEqual(second.header("Connection"), "close")
            XCTAssertTrue(try client.isClosedByServer())
        }
    }

    // MARK: - Timeouts

    func testHeadTimeoutIs408() async throws {
        try await withServer({ $0.headTimeout = .milliseconds(300) }) { _, port in
            let client = try TestClient(port: port)
            let start = Date()
            try client.send("GET / HTTP/1.1\r\nHost:")
            let r = try client.readResponse()
            XCTAssertEqual(r.status, 408)
            XCTAssertEqual(r.header("Connection"), "close")
            XCTAssertLessThan(Date().timeIntervalSince(start), 1.5)
            XCTAssertTrue(try client.isClosedByServer())
        }
    }

    func testSlowlorisTrickleDoesNotExtendTheHeadTimeout() async throws {
        try await withServer({ $0.headTimeout = .milliseconds(300) }) { _, port in
            let client = try TestClient(port: port)
            let start = Date()
            let fd = client.fd
            let stop = Probe(false)
            let done = DispatchSemaphore(value: 0)
            // The thread must end before the client closes its socket: the descriptor number
            // would otherwise be reused by a later test's socket.
            let trickler = Thread {
                defer { done.signal() }
                for b in "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa".utf8 {
                    if stop.value { return }
                    var byte = b
                    if Glibc.send(fd, &byte, 1, Int32(MSG_NOSIGNAL)) != 1 { return }
                    usleep(30_000)
                }
            }
            trickler.start()
            let r = try client.readResponse()
            stop.value = true
            done.wait()
            XCTAssertEqual(r.status, 408)
            XCTAssertLessThan(Date().timeIntervalSince(start), 1.0)
        }
    }

    func testIdleKeepAliveConnectionClosesSilently() async throws {
        try await withServer({ $0.idleTimeout = .milliseconds(300) }) { _, port in
            let client = try TestClient(port: port)
            try client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            XCTAssertEqual(try client.readResponse().status, 200)
            let start = Date()
            XCTAssertTrue(try client.isClosedByServer())
            let waited = Date().timeIntervalSince(start)
            XCTAssertGreaterThan(waited, 0.2)
            XCTAssertLessThan(waited, 1.5)
        }
    }

    func testStalledBodyIs408() async throws {
        try await withServer({ $0.bodyTimeout = .milliseconds(300) }) { _, port in
            let client = try TestClient(port: port)
            try client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc")
            let start = Date()
            let r = try client.readResponse()
            XCTAssertEqual(r.status, 408)
            XCTAssertGreaterThan(Date().timeIntervalSince(start), 0.2)
            XCTAssertTrue(try client.isClosedByServer())
        }
    }

    func testSlowButSteadyBodyIsNotCutOff() async throws {
        try await withServer({ $0.bodyTimeout = .milliseconds(300) }) { _, port in
            let client = try TestClient(port: port)
            try client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n")
            try client.trickle("abcde", interval: 0.15)
            XCTAssertEqual(try client.readResponse().bodyText, "abcde")
        }
    }
}

final class HTTPConnectionLargeBodyTests: XCTestCase {
    func testLargeResponseIsWrittenCompletelyAcrossPartialWrites() async throws {
        let big = (0..<(3 * 1024 * 1024)).map { UInt8(truncatingIfNeeded: $0 % 251) }
        let responder = ClosureResponder { _ in HTTPResponse(status: 200, body: .bytes(big)) }
        try await withServer(responder: responder) { _, port in
            let client = try TestClient(port: port)
            try client.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\nGET /big HTTP/1.1\r\nHost: x\r\n\r\n")
            usleep(200_000)  // let the server fill the socket and wait for EPOLLOUT
            XCTAssertEqual(try client.readResponse().body, big)
            XCTAssertEqual(try client.readResponse().body, big)
        }
    }

    func testLargeRequestBodyArrivesWhole() async throws {
        let body = String(repeating: "0123456789", count: 90_000)
        try await withServer { _, port in
            let client = try TestClient(port: port)
            try client.send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)")
            XCTAssertEqual(try client.readResponse().bodyText, body)
        }
    }
}
