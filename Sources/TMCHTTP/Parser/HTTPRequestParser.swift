/// The HTTP/1.1 request parser: a value-type state machine. Feed it bytes with `append`, then
/// call `next()` until it answers `.needMoreData`; each call yields at most one complete request
/// (body included and de-chunked) or a protocol failure, after which it stays failed.
///
/// Bytes are scanned in place, incrementally: bytes fed one at a time cost no more than bytes fed
/// at once. Bare LF line endings are rejected (400), consistently in heads, chunk lines and trailers.
struct HTTPRequestParser: Sendable {
    enum Event: Sendable {
        case request(HTTPRequest, keepAlive: Bool)
        case needMoreData
        case failure(HTTPParseFailure)
    }

    /// Where the parser stands, for the connection's timeouts.
    enum Phase: Equatable, Sendable {
        /// Nothing of a next request has arrived.
        case idle
        /// Part of a request head has arrived.
        case head
        /// The head is complete, the body is arriving.
        case body
        case failed
    }

    private enum State: Sendable {
        case head
        case fixedBody
        case chunkSize
        case chunkData
        case chunkDataEnd
        case trailers
        case failed(HTTPParseFailure)
    }

    /// A chunk-size line (with extensions) longer than this is refused.
    static let maxChunkLineBytes = 4096

    let limits: HTTPParserLimits
    private var buffer: [UInt8] = []
    /// Index of the first byte not yet consumed.
    private var start = 0
    private var state: State = .head
    // Head scan, relative to `start`: how far we looked, where the current line begins, where the
    // request line ended (-1 while it has not), and how many header lines we saw.
    private var scanned = 0
    private var lineStart = 0
    private var requestLineEnd = -1
    private var fieldCount = 0
    // Body.
    private var head: ParsedHead?
    private var remaining = 0
    private var body: [UInt8] = []
    private var trailerBytes = 0
    private var continueRequested = false

    init(limits: HTTPParserLimits) {
        self.limits = limits
    }

    /// Bytes received but not yet consumed as part of a returned request.
    var bufferedByteCount: Int { buffer.count - start }

    var phase: Phase {
        switch state {
        case .head: return start == buffer.count ? .idle : .head
        case .failed: return .failed
        default: return .body
        }
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        buffer.append(contentsOf: bytes)
    }

    mutating func append(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
    }

    /// True once per request that asked `Expect: 100-continue` and whose body has not fully
    /// arrived: the connection should send `100 Continue`.
    mutating func takeContinueRequest() -> Bool {
        defer { continueRequested = false }
        return continueRequested
    }

    mutating func next() -> Event {
        switch state {
        case .failed(let failure):
            return .failure(failure)
        case .head:
            return parseHead()
        default:
            return parseBody()
        }
    }

    // MARK: - Head

    private enum HeadScanResult {
        case needMore(start: Int, scanned: Int, lineStart: Int, requestLineEnd: Int, fieldCount: Int)
        case complete(ParsedHead, end: Int)
        case failure(HTTPParseFailure)
    }

    private mutating func parseHead() -> Event {
        let limits = self.limits
        var start = self.start, lineStart = self.lineStart, requestLineEnd = self.requestLineEnd, fieldCount = self.fieldCount
        let scanFrom = self.start + self.scanned
        let result: HeadScanResult = buffer.withUnsafeBufferPointer { buf in
            var i = scanFrom
            while i < buf.count {
                let b = buf[i]
                if b == ASCII.lf {
                    guard i > start, buf[i - 1] == ASCII.cr else { return .failure(HTTPParseFailure(400, "Bare LF line ending.")) }
                    let lineLength = i - 1 - (start + lineStart)
                    if requestLineEnd < 0 {
                        if lineLength == 0 {
                            // RFC 9112 §2.2: ignore empty lines before the request line.
                            start = i + 1
                            lineStart = 0
                            i = start
                            continue
                        }
                        requestLineEnd = i + 1 - start
                    } else if lineLength == 0 {
                        let headBytes = UnsafeBufferPointer(rebasing: buf[start..<(i + 1)])
                        do throws(HTTPParseFailure) {
                            let parsed = try HTTPHeadParser.parse(headBytes, fieldCount: fieldCount, limits: limits)
                            return .complete(parsed, end: i + 1)
                        } catch {
                            return .failure(error)
                        }
                    } else {
                        fieldCount += 1
                        if fieldCount > limits.maxHeaderCount {
                            return .failure(HTTPParseFailure(431, "More than \(limits.maxHeaderCount) header fields."))
                        }
                    }
                    lineStart = i + 1 - start
                } else {
                    if i > start, buf[i - 1] == ASCII.cr { return .failure(HTTPParseFailure(400, "Bare CR in request head.")) }
                    if requestLineEnd < 0 {
                        if b != ASCII.cr, i + 1 - start > limits.maxRequestLineBytes {
                            return .failure(HTTPParseFailure(414, "The request line exceeds \(limits.maxRequestLineBytes) bytes."))
                        }
                    } else if i + 1 - (start + requestLineEnd) > limits.maxHeaderBytes {
                        return .failure(HTTPParseFailure(431, "The header section exceeds \(limits.maxHeaderBytes) bytes."))
                    }
                }
                i += 1
            }
            return .needMore(start: start, scanned: i - start, lineStart: lineStart, requestLineEnd: requestLineEnd, fieldCount: fieldCount)
        }
        switch result {
        case .needMore(let s, let sc, let ls, let rle, let fc):
            self.start = s
            self.scanned = sc
            self.lineStart = ls
            self.requestLineEnd = rle
            self.fieldCount = fc
            if s == buffer.count { compact() }
            return .needMoreData
        case .failure(let failure):
            state = .failed(failure)
            return .failure(failure)
        case .complete(let parsed, let end):
            self.start = end
            self.scanned = 0
            self.lineStart = 0
            self.requestLineEnd = -1
            self.fieldCount = 0
            switch parsed.framing {
            case .none:
                return finish(parsed)
            case .length(let n):
                head = parsed
                remaining = n
                state = .fixedBody
            case .chunked:
                head = parsed
                state = .chunkSize
            }
            let event = parseBody()
            if case .needMoreData = event, parsed.expectContinue { continueRequested = true }
            return event
        }
    }

    // MARK: - Body

    private mutating func parseBody() -> Event {
        while true {
            switch state {
            case .fixedBody:
                guard buffer.count - start >= remaining else { return .needMoreData }
                body = Array(buffer[start..<(start + remaining)])
                start += remaining
                remaining = 0
                return finishBody()
            case .chunkSize:
                guard let lf = findLF(from: start + scanned) else {
                    scanned = buffer.count - start
                    if scanned > Self.maxChunkLineBytes { return fail(400, "Chunk size line too long.") }
                    return .needMoreData
                }
                guard lf > start, buffer[lf - 1] == ASCII.cr else { return fail(400, "Malformed chunk size line.") }
                if lf - start > Self.maxChunkLineBytes { return fail(400, "Chunk size line too long.") }
                var i = start, size = 0, digits = 0
                while i < lf - 1, let v = ASCII.hexValue(buffer[i]) {
                    size = size &* 16 &+ v
                    digits += 1
                    i += 1
                }
                guard digits > 0, digits <= 15 else { return fail(400, "Invalid chunk size.") }
                // Chunk extensions (`;name=value`) are ignored, but must be introduced properly.
                while i < lf - 1, ASCII.isOWS(buffer[i]) { i += 1 }
                guard i == lf - 1 || buffer[i] == ASCII.semicolon else { return fail(400, "Invalid chunk size.") }
                guard size <= limits.maxBodyBytes - body.count else {
                    return fail(413, "The request body exceeds \(limits.maxBodyBytes) bytes.")
                }
                consume(upTo: lf + 1)
                if size == 0 {
                    state = .trailers
                } else {
                    remaining = size
                    state = .chunkData
                }
            case .chunkData:
                let take = min(remaining, buffer.count - start)
                guard take > 0 else { return .needMoreData }
                body.append(contentsOf: buffer[start..<(start + take)])
                consume(upTo: start + take)
                remaining -= take
                if remaining == 0 { state = .chunkDataEnd }
            case .chunkDataEnd:
                guard buffer.count - start >= 2 else {
                    if buffer.count - start == 1, buffer[start] != ASCII.cr { return fail(400, "Missing CRLF after chunk data.") }
                    return .needMoreData
                }
                guard buffer[start] == ASCII.cr, buffer[start + 1] == ASCII.lf else { return fail(400, "Missing CRLF after chunk data.") }
                consume(upTo: start + 2)
                state = .chunkSize
            case .trailers:
                guard let lf = findLF(from: start + scanned) else {
                    scanned = buffer.count - start
                    if trailerBytes + scanned > limits.maxHeaderBytes { return fail(431, "The trailer section is too large.") }
                    return .needMoreData
                }
                // The size check comes first, with the bytes before the LF: exactly what the
                // partial-line check above sees when the LF arrives in a later read, so the answer
                // does not depend on how the bytes were split.
                if trailerBytes + (lf - start) > limits.maxHeaderBytes { return fail(431, "The trailer section is too large.") }
                guard lf > start, buffer[lf - 1] == ASCII.cr else { return fail(400, "Bare LF line ending in trailers.") }
                let lineLength = lf - 1 - start
                if lineLength == 0 {
                    consume(upTo: lf + 1)
                    return finishBody()
                }
                trailerBytes += lineLength + 2
                if trailerBytes > limits.maxHeaderBytes { return fail(431, "The trailer section is too large.") }
                // Trailer fields are accepted and discarded; still refuse control characters.
                for k in start..<(lf - 1) where !ASCII.isFieldValueByte(buffer[k]) {
                    return fail(400, "Invalid character in trailer field.")
                }
                consume(upTo: lf + 1)
            case .head, .failed:
                return next()
            }
        }
    }

    private mutating func fail(_ status: Int, _ detail: String) -> Event {
        let failure = HTTPParseFailure(status, detail, request: head?.request)
        state = .failed(failure)
        return .failure(failure)
    }

    private mutating func consume(upTo index: Int) {
        start = index
        scanned = 0
        // Keep the buffer from growing without bound while a long chunked body streams in.
        if start > 64 * 1024 { compact() }
    }

    private func findLF(from: Int) -> Int? {
        buffer.withUnsafeBufferPointer { buf in
            var i = from
            while i < buf.count {
                if buf[i] == ASCII.lf { return i }
                i += 1
            }
            return nil
        }
    }

    private mutating func finishBody() -> Event {
        guard let parsed = head else { return fail(400, "Internal parser state error.") }
        head = nil
        trailerBytes = 0
        continueRequested = false
        return finish(parsed)
    }

    private mutating func finish(_ parsed: ParsedHead) -> Event {
        var request = parsed.request
        request.body = body
        body = []
        state = .head
        compact()
        return .request(request, keepAlive: parsed.keepAlive)
    }

    /// Drops consumed bytes; keeps a modest allocation for the next request.
    private mutating func compact() {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 64 * 1024)
        } else if start > 0 {
            buffer.removeSubrange(0..<start)
        }
        start = 0
    }
}
