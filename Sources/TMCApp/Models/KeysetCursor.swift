import Foundation

/// The opaque `cursor` of a keyset-paginated list: the sort key of the last row of the page,
/// `(timestamp, id)`, as base64url text. Clients must not build or parse it.
public struct KeysetCursor: Sendable, Equatable {
    public var at: Date
    public var id: UUID

    public init(at: Date, id: UUID) {
        self.at = at
        self.id = id
    }

    /// Microseconds keep the timestamp exactly as PostgreSQL stores it.
    public var encoded: String {
        let micros = Int64((at.timeIntervalSince1970 * 1_000_000).rounded())
        let text = "\(micros)|\(id.uuidString.lowercased())"
        return Data(text.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Reads `?cursor=`; nil when absent, `422` when it is not one this API gave out.
    public static func decode(_ text: String?) throws -> KeysetCursor? {
        guard let text else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard text.count <= 100, let data = Data(base64Encoded: base64),
              let decoded = String(data: data, encoding: .utf8) else { throw invalid }
        let parts = decoded.split(separator: "|")
        guard parts.count == 2, let micros = Int64(parts[0]), let id = UUID(uuidString: String(parts[1])) else { throw invalid }
        return KeysetCursor(at: Date(timeIntervalSince1970: Double(micros) / 1_000_000), id: id)
    }

    private static var invalid: Problem {
        Problem.validation(field: "cursor", "is not a cursor from this list; start again without one")
    }
}
