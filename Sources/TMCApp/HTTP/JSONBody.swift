import Foundation
import TMCHTTP

/// Reads a JSON request body field by field and collects every problem, so that one `422`
/// names all bad fields at once (Codable stops at the first). Use: read every field, then
/// `try body.finish()`.
public final class JSONBody {
    private final class Collector {
        var errors: [Problem.FieldError] = []
    }

    private let object: [String: JSONValue]
    private let prefix: String
    private let collector: Collector

    /// Checks the media type (`415`), parses (`400` when malformed) and requires an object (`422`).
    public convenience init(_ request: HTTPRequest, allowMergePatch: Bool = false) throws {
        try JSONBody.requireJSONMediaType(request, allowMergePatch: allowMergePatch)
        guard let value = JSONValue.parse(request.body) else {
            throw Problem.badRequest("The body is not well-formed JSON (RFC 8259 in UTF-8, each name at most once per object).")
        }
        guard case .object(let object) = value else {
            throw Problem.validation(field: "", "The body must be a JSON object.")
        }
        self.init(object: object, prefix: "", collector: Collector())
    }

    public convenience init(object: [String: JSONValue]) {
        self.init(object: object, prefix: "", collector: Collector())
    }

    private init(object: [String: JSONValue], prefix: String, collector: Collector) {
        self.object = object
        self.prefix = prefix
        self.collector = collector
    }

    /// `s` without surrounding white space and newlines, as `trimmingCharacters(in:)` gives it;
    /// most values have none, and the check is far cheaper than Foundation's trimming.
    static func trimmed(_ s: String) -> String {
        let scalars = s.unicodeScalars
        guard let first = scalars.first, let last = scalars.last,
              CharacterSet.whitespacesAndNewlines.contains(first) || CharacterSet.whitespacesAndNewlines.contains(last) else { return s }
        return s.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public static func requireJSONMediaType(_ request: HTTPRequest, allowMergePatch: Bool = false) throws {
        guard let type = request.headers["Content-Type"] else {
            throw Problem.unsupportedMediaType("A Content-Type of application/json is required.")
        }
        let essence = mediaTypeEssence(type)
        if essence == "application/json" { return }
        if allowMergePatch && essence == "application/merge-patch+json" { return }
        throw Problem.unsupportedMediaType(allowMergePatch
            ? "The body must be application/json or application/merge-patch+json."
            : "The body must be application/json.")
    }

    /// `type/subtype` of a media type in lower case, without parameters and the white space
    /// (SP, HTAB) around it. Byte by byte: every request with a body asks.
    static func mediaTypeEssence(_ value: String) -> String {
        var bytes = Array(value.utf8.prefix { $0 != UInt8(ascii: ";") })
        let blank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        let end = (bytes.lastIndex { !blank($0) } ?? -1) + 1
        let start = bytes.firstIndex { !blank($0) } ?? end
        bytes = Array(bytes[start..<end])
        for i in bytes.indices where (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(bytes[i]) { bytes[i] += 0x20 }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The field's full path, e.g. `victims[0].email`.
    public func path(_ key: String) -> String { prefix.isEmpty ? key : "\(prefix).\(key)" }

    public func fail(_ key: String, _ message: String) {
        collector.errors.append(Problem.FieldError(field: path(key), message: message))
    }

    public var errors: [Problem.FieldError] { collector.errors }

    /// Throws `422` naming every bad field, if any.
    public func finish() throws {
        if !collector.errors.isEmpty { throw Problem.validation(collector.errors) }
    }

    public var keys: Set<String> { Set(object.keys) }

    /// True when the key is present (even as null): merge-patch needs the difference.
    public func has(_ key: String) -> Bool { object[key] != nil }

    /// True when the key is present with the value null.
    public func isNull(_ key: String) -> Bool { object[key] == .null }

    private func value(_ key: String, required: Bool) -> JSONValue? {
        switch object[key] {
        case nil, .null?:
            if required { fail(key, "is required") }
            return nil
        case let v?:
            return v
        }
    }

    /// A string, trimmed of surrounding white space; `minLength`/`maxLength` count Unicode
    /// code points after trimming.
    public func string(_ key: String, required: Bool = true, minLength: Int = 1, maxLength: Int = 1000, trim: Bool = true) -> String? {
        guard let v = value(key, required: required) else { return nil }
        guard case .string(let raw) = v else { fail(key, "must be a string"); return nil }
        let s = trim ? JSONBody.trimmed(raw) : raw
        let n = s.unicodeScalars.count
        if n < minLength {
            fail(key, minLength <= 1 ? "must not be blank" : "must be at least \(minLength) characters")
            return nil
        }
        if n > maxLength { fail(key, "must be at most \(maxLength) characters"); return nil }
        if s.unicodeScalars.contains(where: { $0.value == 0 }) { fail(key, "must not contain NUL characters"); return nil }
        return s
    }

    public func bool(_ key: String, required: Bool = true) -> Bool? {
        guard let v = value(key, required: required) else { return nil }
        guard case .bool(let b) = v else { fail(key, "must be true or false"); return nil }
        return b
    }

    public func int(_ key: String, required: Bool = true, min: Int = Int.min, max: Int = Int.max) -> Int? {
        guard let v = value(key, required: required) else { return nil }
        guard case .number(let d) = v, d.rounded() == d, abs(d) <= 9_007_199_254_740_991 else {
            fail(key, "must be a whole number"); return nil
        }
        let i = Int(d)
        if i < min || i > max { fail(key, "must be between \(min) and \(max)"); return nil }
        return i
    }

    public func double(_ key: String, required: Bool = true, min: Double = -.greatestFiniteMagnitude, max: Double = .greatestFiniteMagnitude) -> Double? {
        guard let v = value(key, required: required) else { return nil }
        guard case .number(let d) = v else { fail(key, "must be a number"); return nil }
        if d < min || d > max { fail(key, "must be between \(min) and \(max)"); return nil }
        return d
    }

    /// One of a fixed set of values; the error lists them.
    public func oneOf<T: RawRepresentable & CaseIterable>(_ key: String, _ type: T.Type, required: Bool = true) -> T? where T.RawValue == String {
        guard let v = value(key, required: required) else { return nil }
        guard case .string(let s) = v, let t = T(rawValue: s) else {
            fail(key, "must be one of: \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return t
    }

    public func uuid(_ key: String, required: Bool = true) -> UUID? {
        guard let v = value(key, required: required) else { return nil }
        guard case .string(let s) = v, let id = UUID(uuidString: s) else { fail(key, "must be a UUID"); return nil }
        return id
    }

    /// An RFC 3339 timestamp.
    public func date(_ key: String, required: Bool = true) -> Date? {
        guard let v = value(key, required: required) else { return nil }
        guard case .string(let s) = v, let d = RFC3339.date(from: s) else {
            fail(key, "must be an RFC 3339 timestamp such as 2026-12-04T15:05:32Z"); return nil
        }
        return d
    }

    /// A nested object, read with the same error list (`location.postcode`).
    public func object(_ key: String, required: Bool = true) -> JSONBody? {
        guard let v = value(key, required: required) else { return nil }
        guard case .object(let o) = v else { fail(key, "must be an object"); return nil }
        return JSONBody(object: o, prefix: path(key), collector: collector)
    }

    /// An array of objects, each read with the same error list (`victims[0].email`).
    public func objects(_ key: String, required: Bool = true, minCount: Int = 0, maxCount: Int = 100) -> [JSONBody]? {
        guard let v = value(key, required: required) else { return nil }
        guard case .array(let items) = v else { fail(key, "must be an array"); return nil }
        if items.count < minCount { fail(key, "must have at least \(minCount) item\(minCount == 1 ? "" : "s")"); return nil }
        if items.count > maxCount { fail(key, "must have at most \(maxCount) items"); return nil }
        var readers: [JSONBody] = []
        for (i, item) in items.enumerated() {
            guard case .object(let o) = item else { fail("\(key)[\(i)]", "must be an object"); continue }
            readers.append(JSONBody(object: o, prefix: path("\(key)[\(i)]"), collector: collector))
        }
        return readers
    }

    public func raw(_ key: String) -> JSONValue? { object[key] }
}
