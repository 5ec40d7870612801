import XCTest
@testable import TMCHTTP

/// Inputs the fuzzer (fuzz/run.sh) found, kept so they stay fixed.
final class HTTPRequestParserFuzzRegressionTests: XCTestCase {
    /// Found 2026-12-04: a trailer line that pushed the trailer section past its limit and ended
    /// in a bare LF was a 400 when it arrived whole but a 431 when it arrived in pieces.
    func testOversizedTrailerEndingInBareLFIsAnsweredTheSameHoweverItArrives() {
        let limits = HTTPParserLimits(maxRequestLineBytes: 256, maxHeaderBytes: 64, maxHeaderCount: 16, maxBodyBytes: 2048)
        let input = "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n"
            + "X-One: 0123456789012345678901234567890123456789\r\n"
            + "X-Two: 0123456789012345678901234567890123456789\n"
        XCTAssertEqual(assertSameInEveryFeeding(input, limits: limits), [.error(431)])
    }

    func testBareLFInASmallTrailerIsStillA400() {
        let input = "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-One: 1\n\r\n"
        XCTAssertEqual(assertSameInEveryFeeding(input), [.error(400)])
    }
}
