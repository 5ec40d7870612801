import Foundation
import TMCHTTP

extension RequestContext {
    /// The version an `If-Match: "<version>"` names: `428` without the header, `412` when it
    /// cannot match any version (a weak or malformed tag).
    func ifMatchVersion() throws -> Int {
        guard let version = try optionalIfMatchVersion() else { throw Problem.preconditionRequired() }
        return version
    }

    /// As `ifMatchVersion`, nil without the header.
    func optionalIfMatchVersion() throws -> Int? {
        guard let raw = request.headers["If-Match"] else { return nil }
        let tag = raw.trimmingCharacters(in: .whitespaces)
        guard tag.count >= 3, tag.hasPrefix("\""), tag.hasSuffix("\""), let version = Int(tag.dropFirst().dropLast()) else {
            throw Problem.preconditionFailed("If-Match must be the resource's current ETag, such as \"3\".")
        }
        return version
    }
}

extension QueryParameters {
    /// `?cursor=` of a list ordered by `(timestamp, id)`.
    func keysetCursor() throws -> KeysetCursor? {
        try KeysetCursor.decode(self["cursor"])
    }

    /// An RFC 3339 timestamp parameter; `422` when malformed.
    func timestamp(_ name: String) throws -> Date? {
        guard let text = self[name] else { return nil }
        guard let date = RFC3339.date(from: text) else {
            throw Problem.validation(field: name, "must be an RFC 3339 timestamp such as 2026-12-04T15:05:32Z")
        }
        return date
    }

    /// One of a fixed set of values; `422` listing them.
    func oneOf<T: RawRepresentable & CaseIterable>(_ name: String, _ type: T.Type) throws -> T? where T.RawValue == String {
        guard let text = self[name] else { return nil }
        guard let value = T(rawValue: text) else {
            throw Problem.validation(field: name, "must be one of: \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }
}

extension HTTPResponse {
    /// A JSON response about a case: never cached by shared caches or browsers.
    static func caseJSON<T: Encodable>(_ value: T, status: Int = 200, etag: String? = nil, location: String? = nil) -> HTTPResponse {
        var headers: HTTPHeaders = ["Cache-Control": "no-store"]
        if let etag { headers.set("ETag", etag) }
        if let location { headers.set("Location", location) }
        return .json(value, status: status, headers: headers)
    }
}

extension JSONBody {
    /// Fails every key of the body that `allowed` does not name: for `PATCH`, where a field
    /// that cannot be changed must not be silently ignored.
    func rejectKeys(except allowed: Set<String>) {
        for key in keys.subtracting(allowed).sorted() { fail(key, "cannot be changed here") }
    }

    /// A merge-patch field that may be cleared: absent, `null`, or a value read by `read`.
    func patch<T: Sendable & Equatable>(_ key: String, _ read: (String) -> T?) -> FieldPatch<T> {
        guard has(key) else { return .unchanged }
        if isNull(key) { return .clear }
        return read(key).map { .set($0) } ?? .unchanged
    }

    /// A merge-patch field that cannot be cleared: absent, or a value (`null` fails).
    func required<T>(_ key: String, _ read: (String) -> T?) -> T? {
        guard has(key) else { return nil }
        if isNull(key) { fail(key, "cannot be removed"); return nil }
        return read(key)
    }
}
