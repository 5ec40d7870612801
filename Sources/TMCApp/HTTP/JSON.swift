import Foundation
import TMCHTTP

/// The one JSON configuration of the API: snake_case keys, RFC 3339 UTC dates.
public enum JSON {
    public static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.keyEncodingStrategy = .convertToSnakeCase
        e.dateEncodingStrategy = .custom { date, encoder in
            var c = encoder.singleValueContainer()
            try c.encode(RFC3339.string(from: date))
        }
        e.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return e
    }

    /// Encodes a value the API returns. Encoding our own response types cannot fail short of a
    /// programming error, which is reported as `{}` rather than crashing the server.
    public static func encodeBytes<T: Encodable>(_ value: T) -> [UInt8] {
        do { return Array(try encoder().encode(value)) } catch {
            assertionFailure("encoding \(T.self) failed: \(error)")
            return Array("{}".utf8)
        }
    }
}

extension HTTPResponse {
    /// A JSON response with `status`.
    public static func json<T: Encodable>(_ value: T, status: Int = 200, headers: HTTPHeaders = HTTPHeaders()) -> HTTPResponse {
        var h = headers
        h.set("Content-Type", "application/json")
        return HTTPResponse(status: status, headers: h, body: .bytes(JSON.encodeBytes(value)))
    }

    public static func noContent(headers: HTTPHeaders = HTTPHeaders()) -> HTTPResponse {
        HTTPResponse(status: 204, headers: headers)
    }
}
