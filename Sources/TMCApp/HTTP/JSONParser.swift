import Foundation

/// Strict JSON text to `JSONValue`, in one pass over the bytes: every request body goes through
/// it, and Foundation's JSONDecoder (through Codable, value by value) cost a tenth of a message
/// post's CPU. It reads RFC 8259 JSON in the I-JSON profile (RFC 7493): UTF-8 only (a leading
/// byte order mark is skipped), white space of space, tab, CR and LF only, no comments or bare
/// words, control characters escaped in strings, surrogate escapes in pairs, finite numbers, and
/// no name twice in an object (which of two would count is ambiguous, so neither does).
/// Nesting deeper than `maxDepth` is refused rather than recursed.
///
/// JSONParserTests compares it with JSONDecoder, which it replaced. Where they differ, this one
/// is stricter by design: JSONDecoder took trailing commas (`[1,]`), skipped leading NUL bytes
/// and kept the first of repeated names. One difference goes the other way: a number too small
/// for a Double (`1e-400`) reads as 0, as RFC 8259 allows, where JSONDecoder refused it.
struct JSONParser {
    static let maxDepth = 512

    private let bytes: [UInt8]
    private var at = 0

    private struct Malformed: Error {}

    /// Nil when `bytes` is not one well-formed JSON value (white space around it allowed).
    static func parse(_ bytes: [UInt8]) -> JSONValue? {
        var parser = JSONParser(bytes: bytes)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { parser.at = 3 }
        do {
            let value = try parser.value(depth: 0)
            parser.skipWhiteSpace()
            return parser.at == bytes.count ? value : nil
        } catch {
            return nil
        }
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private mutating func skipWhiteSpace() {
        while at < bytes.count {
            switch bytes[at] {
            case 0x20, 0x09, 0x0A, 0x0D: at += 1
            default: return
            }
        }
    }

    private mutating func value(depth: Int) throws -> JSONValue {
        skipWhiteSpace()
        guard at < bytes.count else { throw Malformed() }
        switch bytes[at] {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return .number(try number())
        }
    }

    private mutating func literal(_ word: StaticString) throws {
        let count = word.utf8CodeUnitCount
        guard at + count <= bytes.count else { throw Malformed() }
        for i in 0..<count where bytes[at + i] != word.utf8Start[i] { throw Malformed() }
        at += count
    }

    private mutating func object(depth: Int) throws -> JSONValue {
        guard depth <= Self.maxDepth else { throw Malformed() }
        at += 1  // {
        var members: [String: JSONValue] = [:]
        skipWhiteSpace()
        if at < bytes.count, bytes[at] == UInt8(ascii: "}") {
            at += 1
            return .object(members)
        }
        while true {
            skipWhiteSpace()
            guard at < bytes.count, bytes[at] == UInt8(ascii: "\"") else { throw Malformed() }
            let name = try string()
            skipWhiteSpace()
            guard at < bytes.count, bytes[at] == UInt8(ascii: ":") else { throw Malformed() }
            at += 1
            let member = try value(depth: depth)
            guard members.updateValue(member, forKey: name) == nil else { throw Malformed() }
            skipWhiteSpace()
            guard at < bytes.count else { throw Malformed() }
            if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
            guard bytes[at] == UInt8(ascii: "}") else { throw Malformed() }
            at += 1
            return .object(members)
        }
    }

    private mutating func array(depth: Int) throws -> JSONValue {
        guard depth <= Self.maxDepth else { throw Malformed() }
        at += 1  // [
        var elements: [JSONValue] = []
        skipWhiteSpace()
        if at < bytes.count, bytes[at] == UInt8(ascii: "]") {
            at += 1
            return .array(elements)
        }
        while true {
            elements.append(try value(depth: depth))
            skipWhiteSpace()
            guard at < bytes.count else { throw Malformed() }
            if bytes[at] == UInt8(ascii: ",") { at += 1; continue }
            guard bytes[at] == UInt8(ascii: "]") else { throw Malformed() }
            at += 1
            return .array(elements)
        }
    }

    /// A string at `at` (its opening quote), unescaped and checked to be UTF-8.
    private mutating func string() throws -> String {
        at += 1  // "
        let start = at
        // The common case: no escapes, so the bytes are the string.
        while at < bytes.count {
            let byte = bytes[at]
            if byte == UInt8(ascii: "\"") {
                let text = try Self.utf8(bytes[start..<at])
                at += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            guard byte >= 0x20 else { throw Malformed() }
            at += 1
        }
        var unescaped = Array(bytes[start..<at])
        while at < bytes.count {
            let byte = bytes[at]
            switch byte {
            case UInt8(ascii: "\""):
                at += 1
                return try Self.utf8(unescaped[...])
            case UInt8(ascii: "\\"):
                at += 1
                guard at < bytes.count else { throw Malformed() }
                let escape = bytes[at]
                at += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): unescaped.append(escape)
                case UInt8(ascii: "b"): unescaped.append(0x08)
                case UInt8(ascii: "f"): unescaped.append(0x0C)
                case UInt8(ascii: "n"): unescaped.append(0x0A)
                case UInt8(ascii: "r"): unescaped.append(0x0D)
                case UInt8(ascii: "t"): unescaped.append(0x09)
                case UInt8(ascii: "u"): unescaped.append(contentsOf: try unicodeEscape())
                default: throw Malformed()
                }
            default:
                guard byte >= 0x20 else { throw Malformed() }
                unescaped.append(byte)
                at += 1
            }
        }
        throw Malformed()
    }

    /// The UTF-8 of a `\uXXXX` escape (after `\u`), with the `\uXXXX` of its low surrogate
    /// when it is a high one.
    private mutating func unicodeEscape() throws -> [UInt8] {
        var code = try hex4()
        if (0xD800...0xDBFF).contains(code) {
            guard at + 1 < bytes.count, bytes[at] == UInt8(ascii: "\\"), bytes[at + 1] == UInt8(ascii: "u") else { throw Malformed() }
            at += 2
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw Malformed() }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(code) {
            throw Malformed()
        }
        guard let scalar = Unicode.Scalar(code) else { throw Malformed() }
        return Array(String(Character(scalar)).utf8)
    }

    private mutating func hex4() throws -> UInt32 {
        guard at + 4 <= bytes.count else { throw Malformed() }
        var code: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[at]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw Malformed()
            }
            code = code << 4 | UInt32(digit)
            at += 1
        }
        return code
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, finite as a Double.
    private mutating func number() throws -> Double {
        let start = at
        func digits() throws {
            let first = at
            while at < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[at]) { at += 1 }
            guard at > first else { throw Malformed() }
        }
        if at < bytes.count, bytes[at] == UInt8(ascii: "-") { at += 1 }
        guard at < bytes.count else { throw Malformed() }
        if bytes[at] == UInt8(ascii: "0") {
            at += 1
        } else {
            try digits()
        }
        if at < bytes.count, bytes[at] == UInt8(ascii: ".") {
            at += 1
            try digits()
        }
        if at < bytes.count, bytes[at] == UInt8(ascii: "e") || bytes[at] == UInt8(ascii: "E") {
            at += 1
            if at < bytes.count, bytes[at] == UInt8(ascii: "+") || bytes[at] == UInt8(ascii: "-") { at += 1 }
            try digits()
        }
        guard let value = Double(String(decoding: bytes[start..<at], as: UTF8.self)), value.isFinite else { throw Malformed() }
        return value
    }

    private static func utf8(_ slice: ArraySlice<UInt8>) throws -> String {
        guard let text = String(validating: slice, as: UTF8.self) else { throw Malformed() }
        return text
    }
}
