import Foundation
import TMCApp
import XCTest

/// `JSONValue.parse` (our parser) against Foundation's JSONDecoder, which it replaced: the same
/// verdict and the same value for hand-picked edge cases and for many random mutations of
/// well-formed documents.
final class JSONParserTests: XCTestCase {
    private func foundation(_ bytes: [UInt8]) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(bytes))
    }

    /// Equal answers, or one of the differences where ours is stricter by design (see
    /// JSONParser): a trailing comma, a leading NUL byte, a name given twice in an object.
    private func assertAgrees(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) {
        let ours = JSONValue.parse(bytes), theirs = foundation(bytes)
        if ours == nil, theirs != nil, hasTrailingComma(bytes) || bytes.first == 0 || repeatsAName(bytes) { return }
        XCTAssertEqual(ours, theirs, "\(String(decoding: bytes, as: UTF8.self).debugDescription) \(bytes.prefix(40))", file: file, line: line)
    }

    private func hasTrailingComma(_ bytes: [UInt8]) -> Bool {
        let significant = bytes.filter { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }
        return zip(significant, significant.dropFirst()).contains { $0 == UInt8(ascii: ",") && ($1 == UInt8(ascii: "]") || $1 == UInt8(ascii: "}")) }
    }

    /// Some `"name":` twice in the text (in one object or not: an approximation that only ever
    /// excuses a refusal).
    private func repeatsAName(_ bytes: [UInt8]) -> Bool {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let pattern = try? NSRegularExpression(pattern: #""[^"\\]*"\s*:"#) else { return false }
        let names = pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { Range($0.range, in: text).map { text[$0].filter { !$0.isWhitespace } } }
        return Set(names).count < names.count
    }

    func testStricterThanFoundationWhereJSONIsAmbiguousOrNotJSON() {
        for text in ["[1,]", "{\"a\":1,}", "{\"a\":1,\"a\":2}", "{\"a\":{\"b\":1,\"b\":1}}"] {
            XCTAssertNil(JSONValue.parse(Array(text.utf8)), text)
        }
        XCTAssertNil(JSONValue.parse([0x00, 0x31]))
        XCTAssertEqual(JSONValue.parse(Array("[{\"a\":1},{\"a\":2}]".utf8)), .array([.object(["a": .number(1)]), .object(["a": .number(2)])]),
                       "one name in two objects")
        XCTAssertEqual(JSONValue.parse(Array("1e-400".utf8)), .number(0), "too small for a Double: zero (JSONDecoder refused it)")
    }

    func testValuesAndEscapes() {
        XCTAssertEqual(JSONValue.parse(Array(#"{"body":"Hi \"you\"\n\u00e9\ud83d\ude80","n":-1.5e2,"ok":true,"x":null,"a":[1,{}]}"#.utf8)),
                       .object(["body": .string("Hi \"you\"\né🚀"), "n": .number(-150), "ok": .bool(true), "x": .null,
                                "a": .array([.number(1), .object([:])])]))
        XCTAssertEqual(JSONValue.parse(Array(" \t\r\n[]\n".utf8)), .array([]))
        XCTAssertEqual(JSONValue.parse(Array("\"\\/\\b\\f\\r\\t\\u0000\"".utf8)), .string("/\u{8}\u{c}\r\t\u{0}"))
    }

    func testEdgeCasesAgreeWithFoundation() {
        let cases = [
            "", " ", "{", "}", "[", "]", "[1,]", "{\"a\":1,}", "{,}", "[,1]", "{\"a\" 1}", "{\"a\":}", "{a:1}", "{'a':1}",
            "01", "-", "-0", "0.", ".5", "1.e3", "1e", "1e+", "1E400", "-1e400", "123456789012345678901234567890",
            "0x10", "+1", "NaN", "Infinity", "tru", "truee", "nul", "null null", "[] []", "\"abc", "\"a\tb\"", "\"a\nb\"",
            "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"\\ud83d\\ude80\"",
            "\"\\uD83D\\uDE80\"", "{\"a\":1,\"a\":2}", "[1,2,3]  ", "  \"x\"", "true", "false", "null", "7", "-7.25E-3",
            "/* c */ 1", "[1] // c", "{\"a\":[{\"b\":[[]]}]}", "\u{feff}{}", "{\"\":\"\"}", "[\"\\\"\"]",
        ]
        for text in cases { assertAgrees(Array(text.utf8)) }
        for bytes: [UInt8] in [[0x22, 0xFF, 0x22], [0x22, 0xC3, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],
                               [0x22, 0xC0, 0xAF, 0x22], [0x5B, 0x31, 0x00, 0x5D], [0xEF, 0xBB, 0xBF, 0x31], [0x22, 0x7F, 0x22]] {
            assertAgrees(bytes)
        }
    }

    func testDeepNestingIsRefusedNotRecursedWithoutEnd() {
        let nested = 100
        XCTAssertNotNil(JSONValue.parse(Array((String(repeating: "[", count: nested) + String(repeating: "]", count: nested)).utf8)))
        let deep = 100_000
        XCTAssertNil(JSONValue.parse(Array((String(repeating: "[", count: deep) + String(repeating: "]", count: deep)).utf8)))
        XCTAssertNil(JSONValue.parse(Array(String(repeating: "{\"a\":", count: deep).utf8)))
    }

    /// Random documents, then random byte edits of them: both parsers give the same answer.
    func testRandomMutationsAgreeWithFoundation() {
        var rng = SplitMix64(seed: 0x7A11_C0DE)
        let atoms = ["0", "-1", "3.25", "1e3", "true", "false", "null", "\"\"", "\"text\"", "\"é🚀\\n\\u00e9\"", "\"\\ud83d\\ude80\""]
        func document(_ depth: Int) -> String {
            switch depth > 3 ? 0 : rng.next() % 4 {
            case 0, 1: return atoms[Int(rng.next() % UInt64(atoms.count))]
            case 2: return "[" + (0..<Int(rng.next() % 4)).map { _ in document(depth + 1) }.joined(separator: ",") + "]"
            default: return "{" + (0..<Int(rng.next() % 4)).map { n in "\"k\(n)\": " + document(depth + 1) }.joined(separator: ", ") + "}"
            }
        }
        let alphabet = Array("{}[],:\"\\ -+.0123456789eEtrfalsnu/\t\n".utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xA9, 0xED, 0xFF]
        var accepted = 0
        for _ in 0..<4_000 {
            var bytes = Array(document(0).utf8)
            for _ in 0..<Int(rng.next() % 3) where !bytes.isEmpty {
                let at = Int(rng.next() % UInt64(bytes.count))
                switch rng.next() % 3 {
                case 0: bytes[at] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                case 1: bytes.remove(at: at)
                default: bytes.insert(alphabet[Int(rng.next() % UInt64(alphabet.count))], at: at)
                }
            }
            if JSONValue.parse(bytes) != nil { accepted += 1 }
            assertAgrees(bytes)
        }
        XCTAssertGreaterThan(accepted, 1_000, "well-formed documents among them")
        XCTAssertLessThan(accepted, 4_000, "malformed ones too")
    }
}

/// A small seeded generator, so that a failure repeats.
private struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
