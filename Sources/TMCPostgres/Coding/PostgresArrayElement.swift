import Foundation

/// A type whose Swift arrays map to a one-dimensional PostgreSQL array (`{"a","b"}`).
///
/// `UInt8` is the exception: `[UInt8]` is `bytea` (hex format `\x…`), not an array of numbers.
public protocol PostgresArrayElement: PostgresEncodable, PostgresDecodable {
    /// The text of `elements` as one parameter.
    static func postgresArrayText(_ elements: [Self]) -> String
    /// Reads `text` as produced by the server for an array of this element type.
    static func postgresArray(fromText text: String) throws -> [Self]
}

extension PostgresArrayElement {
    public static func postgresArrayText(_ elements: [Self]) -> String {
        PostgresArrayLiteral.encode(elements.map { $0.postgresText })
    }

    public static func postgresArray(fromText text: String) throws -> [Self] {
        try PostgresArrayLiteral.decode(text).map { element in
            // NULL elements have no place in a non-optional Swift array.
            guard let element else { throw PostgresTextError(type: "array without NULL", text: text) }
            return try Self(postgresText: element)
        }
    }
}

extension Array: PostgresEncodable where Element: PostgresArrayElement {
    public var postgresText: String? { Element.postgresArrayText(self) }
}

extension Array: PostgresDecodable where Element: PostgresArrayElement {
    public init(postgresText: String) throws { self = try Element.postgresArray(fromText: postgresText) }
}

extension String: PostgresArrayElement {}
extension Int: PostgresArrayElement {}
extension Int32: PostgresArrayElement {}
extension Int64: PostgresArrayElement {}
extension Bool: PostgresArrayElement {}
extension Double: PostgresArrayElement {}
extension UUID: PostgresArrayElement {}

/// `[UInt8]` is `bytea`.
extension UInt8: PostgresArrayElement {
    public var postgresText: String? { String(self) }
    public init(postgresText: String) throws {
        guard let value = UInt8(postgresText) else { throw PostgresTextError(type: "UInt8", text: postgresText) }
        self = value
    }

    public static func postgresArrayText(_ elements: [UInt8]) -> String {
        String(unsafeUninitializedCapacity: 2 + elements.count * 2) { out in
            out[0] = UInt8(ascii: "\\")
            out[1] = UInt8(ascii: "x")
            var o = 2
            for b in elements {
                out[o] = hexDigit(b >> 4)
                out[o + 1] = hexDigit(b & 0x0F)
                o += 2
            }
            return o
        }
    }

    public static func postgresArray(fromText text: String) throws -> [UInt8] {
        var text = text
        let bytes: [UInt8]? = text.withUTF8 { s in
            // Only the hex output format; every connection sets `bytea_output=hex`.
            guard s.count >= 2, s.count % 2 == 0, s[0] == UInt8(ascii: "\\"), s[1] == UInt8(ascii: "x") else { return nil }
            var result = [UInt8](repeating: 0, count: (s.count - 2) / 2)
            var i = 2
            for n in result.indices {
                guard let hi = hexValue(s[i]), let lo = hexValue(s[i + 1]) else { return nil }
                result[n] = hi << 4 | lo
                i += 2
            }
            return result
        }
        guard let bytes else { throw PostgresTextError(type: "bytea", text: "") }
        return bytes
    }
}

/// PostgreSQL's array literal syntax, one dimension, `,` as delimiter.
enum PostgresArrayLiteral {
    /// Every element quoted, so that empty strings, `NULL` as text, spaces and braces stay values.
    /// Written byte by byte in UTF-8: `"` and `\` are single bytes that never occur inside a
    /// multi-byte character, so escaping bytes is escaping characters (and a batch of message
    /// bodies is long text).
    static func encode(_ elements: [String?]) -> String {
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        var out: [UInt8] = []
        out.reserveCapacity(elements.reduce(2) { $0 + ($1?.utf8.count ?? 4) + 3 })
        out.append(UInt8(ascii: "{"))
        for (n, element) in elements.enumerated() {
            if n > 0 { out.append(UInt8(ascii: ",")) }
            guard let element else { out.append(contentsOf: "NULL".utf8); continue }
            out.append(quote)
            for byte in element.utf8 {
                if byte == quote || byte == backslash { out.append(backslash) }
                out.append(byte)
            }
            out.append(quote)
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    /// The elements of a one-dimensional array's text output; nil for an unquoted NULL.
    static func decode(_ text: String) throws -> [String?] {
        let invalid = PostgresTextError(type: "array", text: text)
        var scalars = Substring(text).unicodeScalars[...]
        // A lower bound other than 1 is printed as a prefix: `[0:1]={a,b}`.
        if scalars.first == "[" {
            guard let eq = scalars.firstIndex(of: "=") else { throw invalid }
            scalars = scalars[scalars.index(after: eq)...]
        }
        guard scalars.first == "{", scalars.last == "}" else { throw invalid }
        scalars = scalars.dropFirst().dropLast()
        var result: [String?] = []
        if scalars.isEmpty { return result }
        var it = scalars.makeIterator()
        var pending = it.next()
        while true {
            var element = String.UnicodeScalarView()
            var quoted = false
            var c = pending
            while c == " " { c = it.next() }
            if c == "{" { throw invalid } // more than one dimension
            if c == "\"" {
                quoted = true
                c = it.next()
                while true {
                    guard let ch = c else { throw invalid }
                    if ch == "\"" { c = it.next(); break }
                    if ch == "\\" { c = it.next(); guard let escaped = c else { throw invalid }; element.append(escaped) } else { element.append(ch) }
                    c = it.next()
                }
                while c == " " { c = it.next() }
            } else {
                while let ch = c, ch != "," {
                    if ch == "\\" { c = it.next(); guard let escaped = c else { throw invalid }; element.append(escaped) } else { element.append(ch) }
                    c = it.next()
                }
                // Unquoted elements lose surrounding white space, as in the server's parser.
                while element.last == " " { element.removeLast() }
            }
            let value = String(element)
            result.append(!quoted && value.uppercased() == "NULL" ? nil : value)
            guard let next = c else { break }
            guard next == "," else { throw invalid }
            pending = it.next()
        }
        return result
    }
}
