/// Turns the bytes of one complete request head into a `ParsedHead`, applying RFC 9112's
/// framing defences. The caller has already found the head's end and checked its line endings
/// (every LF is preceded by CR, no bare CR), and enforced the size limits while scanning.
enum HTTPHeadParser {
    /// - Parameters:
    ///   - head: request line, header lines and the terminating empty line, all ending in CRLF.
    ///   - fieldCount: the number of header lines (known from the scan), to reserve storage.
    static func parse(_ head: UnsafeBufferPointer<UInt8>, fieldCount: Int, limits: HTTPParserLimits) throws(HTTPParseFailure) -> ParsedHead {
        guard let requestLineEnd = findCR(head, from: 0) else { throw HTTPParseFailure(400, "Malformed request line.") }
        let line = try parseRequestLine(head, 0..<requestLineEnd)

        var fields: [HTTPField] = []
        fields.reserveCapacity(fieldCount)
        var hostCount = 0
        var contentLengthCount = 0
        var contentLength: Int? = nil
        var contentLengthValid = true
        var transferEncodingCount = 0
        var transferEncodingIsChunked = false
        var connectionClose = false
        var connectionKeepAlive = false
        var expectContinue = false

        var lineStart = requestLineEnd + 2
        while lineStart < head.count {
            guard let cr = findCR(head, from: lineStart) else { throw HTTPParseFailure(400, "Malformed header section.") }
            if cr == lineStart { break }  // the empty line ending the head
            let first = head[lineStart]
            if ASCII.isOWS(first) { throw HTTPParseFailure(400, "Obsolete line folding is not accepted.") }
            var colon = lineStart
            while colon < cr, head[colon] != ASCII.colon {
                // Also catches whitespace between the name and the colon.
                guard ASCII.isToken(head[colon]) else { throw HTTPParseFailure(400, "Invalid header field name.") }
                colon += 1
            }
            guard colon < cr, colon > lineStart else { throw HTTPParseFailure(400, "Invalid header field.") }
            let nameRange = lineStart..<colon
            let valueRange = ASCII.trimOWS(head, (colon + 1)..<cr)
            for i in valueRange where !ASCII.isFieldValueByte(head[i]) {
                throw HTTPParseFailure(400, "Invalid character in header field value.")
            }

            switch nameRange.count {
            case 4 where ASCII.equalsLowercase(head, nameRange, "host"):
                hostCount += 1
            case 6 where ASCII.equalsLowercase(head, nameRange, "expect"):
                if ASCII.equalsLowercase(head, valueRange, "100-continue") { expectContinue = true }
            case 10 where ASCII.equalsLowercase(head, nameRange, "connection"):
                scanConnectionTokens(head, valueRange, close: &connectionClose, keepAlive: &connectionKeepAlive)
            case 14 where ASCII.equalsLowercase(head, nameRange, "content-length"):
                contentLengthCount += 1
                if let n = parseDecimal(head, valueRange) { contentLength = n } else { contentLengthValid = false }
            case 17 where ASCII.equalsLowercase(head, nameRange, "transfer-encoding"):
                transferEncodingCount += 1
                transferEncodingIsChunked = ASCII.equalsLowercase(head, valueRange, "chunked")
            default:
                break
            }
            fields.append(HTTPField(name: ASCII.string(head, nameRange), value: ASCII.string(head, valueRange)))
            lineStart = cr + 2
        }

        let request = HTTPRequest(
            method: line.method, target: line.target, versionMajor: 1, versionMinor: line.minor,
            headers: HTTPHeaders(fields)
        )

        if hostCount > 1 { throw HTTPParseFailure(400, "More than one Host header.", request: request) }
        if hostCount == 0 && line.minor == 1 { throw HTTPParseFailure(400, "Missing Host header.", request: request) }

        let framing: HTTPBodyFraming
        if transferEncodingCount > 0 {
            if contentLengthCount > 0 {
                throw HTTPParseFailure(400, "Both Content-Length and Transfer-Encoding are present.", request: request)
            }
            guard transferEncodingCount == 1, transferEncodingIsChunked else {
                throw HTTPParseFailure(501, "Only the chunked transfer coding is supported.", request: request)
            }
            framing = .chunked
        } else if contentLengthCount > 0 {
            guard contentLengthCount == 1 else { throw HTTPParseFailure(400, "Duplicate Content-Length header.", request: request) }
            guard contentLengthValid, let length = contentLength else {
                throw HTTPParseFailure(400, "Invalid Content-Length header.", request: request)
            }
            guard length <= limits.maxBodyBytes else {
                throw HTTPParseFailure(413, "The request body exceeds \(limits.maxBodyBytes) bytes.", request: request)
            }
            framing = length == 0 ? .none : .length(length)
        } else {
            framing = .none
        }

        let keepAlive = line.minor == 1 ? !connectionClose : (connectionKeepAlive && !connectionClose)
        return ParsedHead(request: request, keepAlive: keepAlive, expectContinue: expectContinue && line.minor == 1, framing: framing)
    }

    struct RequestLine {
        var method: String
        var target: String
        var minor: Int
    }

    /// `method SP request-target SP HTTP-version`, single spaces, nothing else.
    static func parseRequestLine(_ head: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) throws(HTTPParseFailure) -> RequestLine {
        var i = range.lowerBound
        while i < range.upperBound, ASCII.isToken(head[i]) { i += 1 }
        guard i > range.lowerBound, i < range.upperBound, head[i] == ASCII.sp else {
            throw HTTPParseFailure(400, "Malformed request line.")
        }
        let methodRange = range.lowerBound..<i
        i += 1
        let targetStart = i
        while i < range.upperBound, head[i] != ASCII.sp {
            guard ASCII.isTargetByte(head[i]) else { throw HTTPParseFailure(400, "Invalid character in request target.") }
            i += 1
        }
        guard i > targetStart, i < range.upperBound else { throw HTTPParseFailure(400, "Malformed request line.") }
        let targetRange = targetStart..<i
        let versionRange = (i + 1)..<range.upperBound
        let minor = try parseVersion(head, versionRange)
        return RequestLine(method: ASCII.string(head, methodRange), target: ASCII.string(head, targetRange), minor: minor)
    }

    /// Returns the minor version of HTTP/1.0 or HTTP/1.1; other `HTTP/d.d` → 505, anything else → 400.
    static func parseVersion(_ head: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) throws(HTTPParseFailure) -> Int {
        let prefix: StaticString = "HTTP/"
        guard range.count == 8 else { throw HTTPParseFailure(400, "Malformed HTTP version.") }
        let p = prefix.utf8Start
        for k in 0..<5 where head[range.lowerBound + k] != p[k] { throw HTTPParseFailure(400, "Malformed HTTP version.") }
        let major = head[range.lowerBound + 5], dot = head[range.lowerBound + 6], minor = head[range.lowerBound + 7]
        guard (48...57).contains(major), dot == UInt8(ascii: "."), (48...57).contains(minor) else {
            throw HTTPParseFailure(400, "Malformed HTTP version.")
        }
        guard major == UInt8(ascii: "1"), minor == UInt8(ascii: "0") || minor == UInt8(ascii: "1") else {
            throw HTTPParseFailure(505, "Only HTTP/1.0 and HTTP/1.1 are supported.")
        }
        return Int(minor - 48)
    }

    /// 1*DIGIT with no sign, no list, at most 18 digits (no overflow); nil otherwise.
    static func parseDecimal(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        guard !range.isEmpty, range.count <= 18 else { return nil }
        var value = 0
        for i in range {
            let b = bytes[i]
            guard b >= 48 && b <= 57 else { return nil }
            value = value * 10 + Int(b - 48)
        }
        return value
    }

    static func scanConnectionTokens(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, close: inout Bool, keepAlive: inout Bool) {
        var start = range.lowerBound
        while start <= range.upperBound {
            var end = start
            while end < range.upperBound, bytes[end] != ASCII.comma { end += 1 }
            let token = ASCII.trimOWS(bytes, start..<end)
            if ASCII.equalsLowercase(bytes, token, "close") { close = true }
            if ASCII.equalsLowercase(bytes, token, "keep-alive") { keepAlive = true }
            start = end + 1
        }
    }

    @inline(__always)
    static func findCR(_ bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        var i = from
        while i < bytes.count {
            if bytes[i] == ASCII.cr { return i }
            i += 1
        }
        return nil
    }
}
