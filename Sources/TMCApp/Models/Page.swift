/// One page of a list: `{"items": [...], "next_cursor": "…" | null}`.
public struct Page<Item: Encodable & Sendable>: Encodable, Sendable {
    public var items: [Item]
    /// Opaque; pass it back as `?cursor=` for the next page. Nil on the last page.
    public var nextCursor: String?

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }

    enum CodingKeys: String, CodingKey { case items, nextCursor }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(items, forKey: .items)
        try c.encode(nextCursor, forKey: .nextCursor) // null on the last page, not absent
    }
}

/// A bounded collection: `{"items": [...]}` without paging.
public struct ItemList<Item: Encodable & Sendable>: Encodable, Sendable {
    public var items: [Item]
    public init(items: [Item]) { self.items = items }
}
