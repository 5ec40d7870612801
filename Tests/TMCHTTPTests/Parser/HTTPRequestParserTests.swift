import XCTest
@testable import TMCHTTP

final class HTTPRequestParserTests: XCTestCase {
    func statusOf(_ input: String, limits: HTTPParserLimits = HTTPParserLimits(), file: StaticString = #filePath, line: UInt = #line) -> Int? {
        let outcomes = assertSameInEveryFeeding(input, limits: limits, file: file, line: line)
        return outcomes.last?.status
    }

    // MARK: - Well-formed requests

    func testSimpleGet() {
        let out = assertSameInEveryFeeding("GET /healthz?x=1 HTTP/1.1\r\nHost: a\r\nX-A: 1\r\nx-a:  2 \r\n\r\n")
        XCTAssertEqual(out, [.request(method: "GET", target: "/healthz?x=1", minor: 1, headers: ["Host: a", "X-A: 1", "x-a: 2"], body: [], keepAlive: true)])
        var parser = HTTPRequestParser(limits: HTTPParserLimits())
        parser.append(Array("GET /a/b?c=d&e HTTP/1.1\r\nHost: a\r\n\r\n".utf8))
        guard case .request(let r, _) = parser.next() else { return XCTFail("no request") }
        XCTAssertEqual(r.path, "/a/b")
        XCTAssertEqual(r.query, "c=d&e")
        XCTAssertEqual(r.headers["HOST"], "a")
        XCTAssertEqual(parser.phase, .idle)
    }

    func testMethodIsCaseSensitiveAndKeptAsSent() {
        let out = parse("get / HTTP/1.1\r\nHost: a\r\n\r\n")
        XCTAssertEqual(out, [.request(method: "get", target: "/", minor: 1, headers: ["Host: a"], body: [], keepAlive: true)])
    }

    func testContentLengthBody() {
        let out = assertSameInEveryFeeding("POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello")
        XCTAssertEqual(out, [.request(method: "POST", target: "/p", minor: 1, headers: ["Host: a", "Content-Length: 5"], body: Array("hello".utf8), keepAlive: true)])
    }

    func testChunkedWithExtensionsAndTrailers() {
        let input = "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5;name=value\r\nhello\r\n6 ; ext\r\n world\r\nA\r\n0123456789\r\n0\r\nX-Trailer: yes\r\nOther: 2\r\n\r\n"
        let out = assertSameInEveryFeeding(input)
        XCTAssertEqual(out, [.request(method: "POST", target: "/c", minor: 1, headers: ["Host: a", "Transfer-Encoding: chunked"], body: Array("hello world0123456789".utf8), keepAlive: true)])
    }

    func testChunkedCaseInsensitiveCoding() {
        let out = parse("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n0\r\n\r\n")
        XCTAssertEqual(out.count, 1)
        XCTAssertNil(out.first?.status)
    }

    func testPipelinedRequestsInOneBuffer() {
        let input = "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"
            + "POST /2 HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
            + "POST /3 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nz\r\n0\r\n\r\n"
            + "GET /4 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
        let out = assertSameInEveryFeeding(input)
        XCTAssertEqual(out.count, 4)
        guard out.count == 4 else { return }
        XCTAssertEqual(out[0], .request(method: "GET", target: "/1", minor: 1, headers: ["Host: a"], body: [], keepAlive: true))
        XCTAssertEqual(out[1], .request(method: "POST", target: "/2", minor: 1, headers: ["Host: a", "Content-Length: 3"], body: Array("abc".utf8), keepAlive: true))
        XCTAssertEqual(out[2], .request(method: "POST", target: "/3", minor: 1, headers: ["Host: a", "Transfer-Encoding: chunked"], body: [UInt8(ascii: "z")], keepAlive: true))
        XCTAssertEqual(out[3], .request(method: "GET", target: "/4", minor: 1, headers: ["Host: a", "Connection: close"], body: [], keepAlive: false))
    }

    func testLeadingEmptyLinesAreIgnored() {
        let out = assertSameInEveryFeeding("\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\n\r\n")
        XCTAssertEqual(out.count, 2)
        XCTAssertNil(out.last?.status)
    }

    func testKeepAliveRules() {
        XCTAssertEqual(parse("GET / HTTP/1.0\r\n\r\n"), [.request(method: "GET", target: "/", minor: 0, headers: [], body: [], keepAlive: false)])
        XCTAssertEqual(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").first,
                       .request(method: "GET", target: "/", minor: 0, headers: ["Connection: Keep-Alive"], body: [], keepAlive: true))
        XCTAssertEqual(parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: foo, close\r\n\r\n").first,
                       .request(method: "GET", target: "/", minor: 1, headers: ["Host: a", "Connection: foo, close"], body: [], keepAlive: false))
    }

    func testHTTP10WithoutHostIsFine() {
        XCTAssertNil(parse("GET / HTTP/1.0\r\n\r\n").first?.status)
    }

    func testPhases() {
        var parser = HTTPRequestParser(limits: HTTPParserLimits())
        XCTAssertEqual(parser.phase, .idle)
        parser.append(Array("POST / HTTP/1.1\r\nHost: a\r\n".utf8))
        _ = parser.next()
        XCTAssertEqual(parser.phase, .head)
        parser.append(Array("Content-Length: 2\r\nExpect: 100-continue\r\n\r\nx".utf8))
        guard case .needMoreData = parser.next() else { return XCTFail("expected needMoreData") }
        XCTAssertEqual(parser.phase, .body)
        XCTAssertTrue(parser.takeContinueRequest())
        XCTAssertFalse(parser.takeContinueRequest())
        parser.append(Array("y".utf8))
        guard case .request(let r, _) = parser.next() else { return XCTFail("expected request") }
        XCTAssertEqual(r.body, Array("xy".utf8))
        XCTAssertEqual(parser.phase, .idle)
    }

    // MARK: - Framing defences (RFC 9112)

    func testContentLengthAndTransferEncodingIs400() {
        XCTAssertEqual(statusOf("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"), 400)
        XCTAssertEqual(statusOf("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"), 400)
    }

    func testDuplicateContentLengthIs400EvenWhenEqual() {
        XCTAssertEqual(statusOf("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc"), 400)
    }

    func testContentLengthListIs400() {
        XCTAssertEqual(statusOf("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4, 5\r\n\r\n"), 400)
    }

    func testInvalidContentLengthValuesAre400() {
        for value in ["pie", "-1", "+5", "", "99999999999999999999999", "1 2", "0x10"] {
            XCTAssertEqual(statusOf("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \(value)\r\n\r\n"), 400, value)
        }
    }

    func testTransferCodingOtherThanChunkedIs501() {
        for value in ["gzip, chunked", "identity", "gzip", "chunked, chunked"] {
            XCTAssertEqual(statusOf("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: \(value)\r\n\r\n"), 501, value)
        }
        XCTAssertEqual(statusOf("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"), 501)
    }

    func testObsFoldIs400() {
        XCTAssertEqual(statusOf("GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n 2\r\n\r\n"), 400)
        XCTAssertEqual(statusOf("GET / HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n\t2\r\n\r\n"), 400)
    }

    func testControlCharacterInHeaderValueIs400() {
        XCTAssertEqual(statusOf("GET / HTTP/1.1\r\nHost: a\r\nX-A: a\u{01}b\r\n\r\n"), 400)
        XCTAssertEqual(statusOf("GET / HTTP/1.1\r\nHost: a\r\nX-A: a\u{7F}b\r\n\r\n"), 400)
        XCTAssertEqual(parse("GET / HTTP/1.1\r\nHost: a\r\nX-A: a\tb\r\n\r\n").first?.status, nil)
        XCTAssertEqual(parse(Array("GET / HTTP/1.1\r\nHost: a\r\nX-A: a".utf8) + [0x00] + Array("b\r\n\r\n".utf8)).first?.status, 400)
    }

    func testControlCharacterInTargetIs400() {
        XCTAssertEqual(statusOf("GET /a\u{01}b HTTP/1.1\r\nHost: a\r\n\r\n"), 400)
        XCTAssertEqual(statusOf("GET /a\u{7F}b HTTP/1.1\r\nHost: a\r\n\r\n"), 400)
        XCTAssertEqual(statusOf("GET /a\tb HTTP/1.1\r\nHost: a\r\n\r\n"), 400)
    }

    func testInvalidHeaderNamesAre400() {
        XCTAssertEqual(statusOf("GET / HTTP/1.1\r\nHost: a\r\nX A: 1\r\n\r\n"), 400)
        XCTAssertEqual(statusOf("GET / HTTP/1.1\r\nHost: a\r\nX(A): 1\r\n\r\n"), 400)
        XCTAssertEqual(statusOf("GET / HTTP/1.1\r\nHost: a\r\n: 1\r\n\r\n"), 400)
        XCTAssertEqual(statusOf("GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n"), 400)
    }

    func testWhitespaceBeforeColonIs400() {
        XCTAssertEqual(statusOf("GET / HTTP/1.1\r\nHost : a\r\n\r\n"), 400)
        XCTAssertEqual(statusOf("GET / HTTP/1.1\r\nHost: a\r\nX-A\t: 1\r\n\r\n"), 400)
    }

    func testMissingHostIs400() {
        XCTAssertEqual(statusOf("GET / HTTP/1.1\r\nX-A: 1\r\n\r\n"), 400)
    }

    func testTwoHostsIs400() {
        XCTAssertEqual(statusOf("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400)
        XCTAssertEqual(statusOf("GET / HTTP/1.0\r\nHost: a\r\nhost: a\r\n\r\n"), 400)
    }

    func testMalformedRequestLinesAre400() {
        for line in ["GET  / HTTP/1.1", "GET / HTTP/1.1 ", " GET / HTTP/1.1", "GET", "GET /", "GET / http/1.1",
                     "G(T / HTTP/1.1", "GET / HTTP/1", "GET / HTTP/1.1x", "GET / HTTP/11.1", "GET /a b HTTP/1.1"] {
            XCTAssertEqual(statusOf("\(line)\r\nHost: a\r\n\r\n"), 400, line)
        }
    }

    func testHTTP09StyleRequestLineIs400() {
        XCTAssertEqual(statusOf("GET /\r\n\r\n"), 400)
    }

    func testUnsupportedVersionsAre505() {
        for version in ["HTTP/2.0", "HTTP/3.0", "HTTP/1.2", "HTTP/0.9", "HTTP/9.9"] {
            XCTAssertEqual(statusOf("GET / \(version)\r\nHost: a\r\n\r\n"), 505, version)
        }
    }

    func testBareLFIsRejectedEverywhere() {
        XCTAssertEqual(statusOf("GET / HTTP/1.1\nHost: a\r\n\r\n"), 400)
        XCTAssertEqual(statusOf("GET / HTTP/1.1\r\nHost: a\n\n"), 400)
        XCTAssertEqual(statusOf("\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"), 400)
        XCTAssertEqual(statusOf("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1\nz\r\n0\r\n\r\n"), 400)
        XCTAssertEqual(statusOf("GET / HTTP/1.1\rHost: a\r\n\r\n"), 400)
    }

    func testMalformedChunksAre400() {
        let head = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        XCTAssertEqual(statusOf(head + "zz\r\n"), 400)
        XCTAssertEqual(statusOf(head + "1\r\nab\r\n"), 400)
        XCTAssertEqual(statusOf(head + "-1\r\n"), 400)
        XCTAssertEqual(statusOf(head + "1 x\r\n"), 400)
        XCTAssertEqual(statusOf(head + "1000000000000000000\r\n"), 400)
    }

    // MARK: - Limits

    func testRequestLineTooLongIs414() {
        let limits = HTTPParserLimits(maxRequestLineBytes: 32)
        XCTAssertEqual(statusOf("GET /\(String(repeating: "a", count: 40)) HTTP/1.1\r\nHost: a\r\n\r\n", limits: limits), 414)
        // Exactly at the limit is fine.
        let line = "GET /" + String(repeating: "a", count: 32 - 14) + " HTTP/1.1"
        XCTAssertEqual(line.utf8.count, 32)
        XCTAssertNil(parse("\(line)\r\nHost: a\r\n\r\n", limits: limits).first?.status)
        // Detected before the line ends: a client cannot make us buffer an endless line.
        XCTAssertEqual(parse("GET /\(String(repeating: "a", count: 40))", limits: limits), [.error(414)])
    }

    func testTooManyHeadersIs431() {
        let limits = HTTPParserLimits(maxHeaderCount: 3)
        XCTAssertNil(parse("GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\n\r\n", limits: limits).first?.status)
        XCTAssertEqual(statusOf("GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n", limits: limits), 431)
    }

    func testHeaderSectionTooLargeIs431() {
        let limits = HTTPParserLimits(maxHeaderBytes: 64)
        XCTAssertEqual(statusOf("GET / HTTP/1.1\r\nHost: a\r\nX-Big: \(String(repeating: "b", count: 80))\r\n\r\n", limits: limits), 431)
        XCTAssertEqual(parse("GET / HTTP/1.1\r\nHost: a\r\nX-Big: \(String(repeating: "b", count: 80))", limits: limits), [.error(431)])
    }

    func testDeclaredBodyTooLargeIs413BeforeTheBody() {
        let limits = HTTPParserLimits(maxBodyBytes: 10)
        XCTAssertEqual(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n", limits: limits), [.error(413)])
        XCTAssertNil(parse("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n0123456789", limits: limits).first?.status)
    }

    func testChunkedBodyGrowingTooLargeIs413() {
        let limits = HTTPParserLimits(maxBodyBytes: 10)
        let head = "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        XCTAssertEqual(statusOf(head + "6\r\n012345\r\n5\r\n", limits: limits), 413)
        XCTAssertNil(parse(head + "6\r\n012345\r\n4\r\n6789\r\n0\r\n\r\n", limits: limits).first?.status)
    }

    func testFailureCarriesTheRequestHeadWhenKnown() {
        var parser = HTTPRequestParser(limits: HTTPParserLimits(maxBodyBytes: 1))
        parser.append(Array("POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\n".utf8))
        guard case .failure(let f) = parser.next() else { return XCTFail("expected failure") }
        XCTAssertEqual(f.error.status, 413)
        XCTAssertEqual(f.request?.target, "/x")
        XCTAssertEqual(parser.phase, .failed)
    }
}
