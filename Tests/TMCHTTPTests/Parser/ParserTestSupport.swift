import XCTest
@testable import TMCHTTP

/// What the parser produced, flattened so that different ways of feeding can be compared.
enum ParseOutcome: Equatable, CustomStringConvertible {
    case request(method: String, target: String, minor: Int, headers: [String], body: [UInt8], keepAlive: Bool)
    case error(Int)

    var description: String {
        switch self {
        case .request(let m, let t, let minor, let h, let b, let k):
            return "\(m) \(t) 1.\(minor) \(h) body=\(String(decoding: b, as: UTF8.self)) keepAlive=\(k)"
        case .error(let s): return "error \(s)"
        }
    }

    var status: Int? {
        if case .error(let s) = self { return s }
        return nil
    }
}

enum FeedMode {
    case whole
    case byteByByte
    case split(at: Int)
}

/// Feeds `input` to a fresh parser as `mode` says and collects every request or error.
func parse(_ input: String, limits: HTTPParserLimits = HTTPParserLimits(), mode: FeedMode = .whole) -> [ParseOutcome] {
    parse(Array(input.utf8), limits: limits, mode: mode)
}

func parse(_ bytes: [UInt8], limits: HTTPParserLimits = HTTPParserLimits(), mode: FeedMode = .whole) -> [ParseOutcome] {
    var parser = HTTPRequestParser(limits: limits)
    var outcomes: [ParseOutcome] = []
    func drain() -> Bool {
        while true {
            switch parser.next() {
            case .needMoreData: return true
            case .failure(let f):
                outcomes.append(.error(f.error.status))
                return false
            case .request(let r, let keepAlive):
                outcomes.append(.request(
                    method: r.method, target: r.target, minor: r.versionMinor,
                    headers: r.headers.fields.map { "\($0.name): \($0.value)" }, body: r.body, keepAlive: keepAlive))
            }
        }
    }
    let pieces: [ArraySlice<UInt8>]
    switch mode {
    case .whole: pieces = [bytes[...]]
    case .byteByByte: pieces = bytes.indices.map { bytes[$0...$0] }
    case .split(let at): pieces = [bytes[..<at], bytes[at...]]
    }
    for piece in pieces {
        Array(piece).withUnsafeBytes { parser.append($0) }
        if !drain() { break }
    }
    return outcomes
}

/// Asserts that feeding whole, byte by byte, and split at every position give the same outcomes.
func assertSameInEveryFeeding(_ input: String, limits: HTTPParserLimits = HTTPParserLimits(), file: StaticString = #filePath, line: UInt = #line) -> [ParseOutcome] {
    let whole = parse(input, limits: limits)
    XCTAssertEqual(parse(input, limits: limits, mode: .byteByByte), whole, "byte by byte", file: file, line: line)
    let count = input.utf8.count
    for at in 0...count {
        let split = parse(input, limits: limits, mode: .split(at: at))
        if split != whole {
            XCTFail("split at \(at): \(split) != \(whole)", file: file, line: line)
            break
        }
    }
    return whole
}
