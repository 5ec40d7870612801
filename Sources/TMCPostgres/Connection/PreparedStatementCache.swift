/// The statements prepared on one connection, keyed by SQL text, least recently used evicted.
///
/// Eviction scans for the oldest entry: O(n) but only when a new statement arrives in a full
/// cache, which costs a server round trip anyway.
struct PreparedStatementCache {
    struct Entry {
        var name: String
        /// Column names of the statement's result, learnt at its first execution and shared by
        /// every later result so that rows do not rebuild the name index per query.
        var columns: PostgresColumns?
        var lastUse: UInt64
    }

    let capacity: Int
    private var entries: [String: Entry] = [:]
    private var clock: UInt64 = 0
    private var nextNumber = 1

    init(capacity: Int) { self.capacity = max(1, capacity) }

    var count: Int { entries.count }

    /// The entry for `sql`, marked as just used.
    mutating func lookup(_ sql: String) -> Entry? {
        clock &+= 1
        guard var entry = entries[sql] else { return nil }
        entry.lastUse = clock
        entries[sql] = entry
        return entry
    }

    /// A fresh statement name (`s1`, `s2`, …), never reused on this connection.
    mutating func makeName() -> String {
        defer { nextNumber += 1 }
        return "s\(nextNumber)"
    }

    /// Records `name` as prepared for `sql`; returns the evicted entry's name, to DEALLOCATE.
    mutating func insert(_ sql: String, name: String) -> String? {
        clock &+= 1
        var evicted: String?
        if entries[sql] == nil, entries.count >= capacity,
           let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
            evicted = oldest.value.name
            entries[oldest.key] = nil
        }
        entries[sql] = Entry(name: name, columns: nil, lastUse: clock)
        return evicted
    }

    mutating func setColumns(_ columns: PostgresColumns, for sql: String) {
        entries[sql]?.columns = columns
    }

    mutating func remove(_ sql: String) { entries[sql] = nil }

    /// After a reconnect: the new session has none of the statements.
    mutating func removeAll() { entries.removeAll() }
}
