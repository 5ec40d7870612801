// libFuzzer entry point for the HTTP/1.1 request parser (built by fuzz/run.sh together with the
// parser's sources, not by SwiftPM). Properties checked on every input:
// - the parser never crashes, hangs or trips the address sanitizer on any bytes;
// - feeding the input whole or split into pieces gives the same requests and the same failure;
// - no request exceeds the configured limits.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let limits = HTTPParserLimits(maxRequestLineBytes: 256, maxHeaderBytes: 1024, maxHeaderCount: 16, maxBodyBytes: 2048)
    let whole = parseAll([bytes], limits: limits)
    // Split points derived from the input itself, so the fuzzer explores them too.
    var pieces: [[UInt8]] = []
    var index = 0
    var step = 1
    while index < bytes.count {
        let end = min(bytes.count, index + step)
        pieces.append(Array(bytes[index..<end]))
        index = end
        step = Int(bytes[end - 1] % 7) + 1
    }
    let split = parseAll(pieces, limits: limits)
    if whole != split {
        fatalError("parser result depends on how bytes arrive: \(whole) vs \(split)")
    }
    return 0
}

/// A comparable summary of what the parser produced.
private struct Outcome: Equatable, CustomStringConvertible {
    var requests: [String] = []
    var failure: Int?
    var description: String { "\(requests) failure=\(String(describing: failure))" }
}

private func parseAll(_ pieces: [[UInt8]], limits: HTTPParserLimits) -> Outcome {
    var parser = HTTPRequestParser(limits: limits)
    var outcome = Outcome()
    for piece in pieces {
        parser.append(piece)
        loop: while true {
            switch parser.next() {
            case .needMoreData:
                break loop
            case .failure(let failure):
                outcome.failure = failure.error.status
                return outcome
            case .request(let request, let keepAlive):
                precondition(request.body.count <= limits.maxBodyBytes, "body over the limit")
                precondition(request.headers.count <= limits.maxHeaderCount, "too many headers")
                precondition(request.target.utf8.count <= limits.maxRequestLineBytes, "target over the limit")
                let headers = request.headers.map { "\($0.name)=\($0.value)" }.joined(separator: "|")
                outcome.requests.append("\(request.method) \(request.target) \(request.versionMajor).\(request.versionMinor) \(headers) body=\(request.body) keepAlive=\(keepAlive)")
                if !keepAlive { return outcome }
            }
        }
    }
    return outcome
}
