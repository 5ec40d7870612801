import Foundation

/// The opaque `cursor` of keyset-paged lists: the last item's id, base64url-encoded. Lists
/// order by `(created_at, id)`, so rows added between pages never cause duplicates or gaps.
public enum Cursor {
    public static func encode(_ id: UUID) -> String {
        SecretGenerator.base64URL(Array(id.lowercasedString.utf8))
    }

    /// The id in a cursor, or nil when it is not one of ours.
    public static func decode(_ text: String) -> UUID? {
        var b64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b64.utf8.count % 4 != 0 { b64 += "=" }
        guard let data = Data(base64Encoded: b64) else { return nil }
        return UUID(uuidString: String(decoding: data, as: UTF8.self))
    }

    /// A page from `limit + 1` fetched rows: the extra row only says there is a next page.
    public static func page<T>(_ rows: [T], limit: Int, id: (T) -> UUID) -> Page<T> {
        guard rows.count > limit else { return Page(items: rows, nextCursor: nil) }
        let items = Array(rows.prefix(limit))
        return Page(items: items, nextCursor: items.last.map { encode(id($0)) })
    }
}
