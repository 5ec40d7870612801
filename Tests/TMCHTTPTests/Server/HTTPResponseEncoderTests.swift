import XCTest
@testable import TMCHTTP

final class HTTPResponseEncoderTests: XCTestCase {
    let date = Array("Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n".utf8)

    func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    func testHeadWithLengthAndClose() {
        var headers: HTTPHeaders = ["Content-Type": "text/plain", "content-length": "7", "DATE": "x", "Connection": "upgrade", "Transfer-Encoding": "gzip"]
        headers.add("Set-Cookie", "a=1")
        headers.add("Set-Cookie", "b=2")
        let head = HTTPResponseEncoder.head(status: 404, headers: headers, framing: .length(12345), connection: .close, date: date)
        XCTAssertEqual(text(head), "HTTP/1.1 404 Not Found\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Type: text/plain\r\n"
            + "Set-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 12345\r\nConnection: close\r\n\r\n")
    }

    func testChunkedAndNoFraming() {
        XCTAssertEqual(text(HTTPResponseEncoder.head(status: 200, headers: [:], framing: .chunked, connection: .none, date: date)),
                       "HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nTransfer-Encoding: chunked\r\n\r\n")
        XCTAssertEqual(text(HTTPResponseEncoder.head(status: 304, headers: [:], framing: .none, connection: .keepAlive, date: date)),
                       "HTTP/1.1 304 Not Modified\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nConnection: keep-alive\r\n\r\n")
    }

    func testHeaderInjectionIsNeutralised() {
        let head = HTTPResponseEncoder.head(status: 200, headers: ["X-A": "1\r\nSet-Cookie: evil"], framing: .length(0), connection: .none, date: [])
        XCTAssertTrue(text(head).contains("X-A: 1  Set-Cookie: evil\r\n"))
    }

    func testOutOfRangeStatusBecomes500() {
        XCTAssertTrue(text(HTTPResponseEncoder.head(status: 42, headers: [:], framing: .length(0), connection: .none, date: [])).hasPrefix("HTTP/1.1 500 "))
    }

    func testChunkFraming() {
        XCTAssertEqual(text(HTTPResponseEncoder.chunk(Array("hello".utf8))), "5\r\nhello\r\n")
        XCTAssertEqual(Array(HTTPResponseEncoder.chunk([UInt8](repeating: 0x61, count: 300)).prefix(5)), Array("12c\r\n".utf8))
    }

    func testBodylessStatuses() {
        for status in [100, 101, 199, 204, 304] { XCTAssertFalse(HTTPResponseEncoder.allowsBody(status)) }
        for status in [200, 201, 301, 400, 500] { XCTAssertTrue(HTTPResponseEncoder.allowsBody(status)) }
    }

    func testDecimal() {
        for n in [0, 7, 10, 99, 1_000_000, Int.max] {
            var out: [UInt8] = []
            HTTPResponseEncoder.appendDecimal(n, to: &out)
            XCTAssertEqual(text(out), "\(n)")
        }
    }
}

final class HTTPDateCacheTests: XCTestCase {
    func testIMFFixdate() {
        XCTAssertEqual(String(decoding: HTTPDateCache.format(784111777), as: UTF8.self), "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n")
        XCTAssertEqual(String(decoding: HTTPDateCache.format(0), as: UTF8.self), "Date: Thu, 01 Jan 1970 00:00:00 GMT\r\n")
    }
}
