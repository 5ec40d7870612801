/// Custom settings (`tmc.scope`, …) that every statement of a task runs under, typically read by
/// row-level security policies through `current_setting`.
///
/// The settings travel with the task (`PostgresSessionSettings.$current`), not with the
/// connection: before a pooled connection runs a statement it makes the session's settings
/// equal to those of the task that sent it, resetting to empty any name it set for an earlier
/// task. Only a change costs a statement. A task without settings runs with every name empty.
public struct PostgresSessionSettings: Sendable, Equatable {
    /// Name and value pairs in a fixed order. Names are custom settings (`prefix.name`).
    public private(set) var values: [(name: String, value: String)]

    /// `names` must be custom setting names chosen by the program (letters, digits, `_`, one
    /// `.`): never caller input.
    public init(_ values: [(name: String, value: String)]) {
        for pair in values { precondition(Self.isValidName(pair.name), "not a custom setting name: \(pair.name)") }
        self.values = values
    }

    public static let empty = PostgresSessionSettings([])

    @TaskLocal public static var current: PostgresSessionSettings = .empty

    public func value(_ name: String) -> String? { values.first { $0.name == name }?.value }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.values.count == rhs.values.count
            && zip(lhs.values, rhs.values).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    static func isValidName(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { part in
            !part.isEmpty && part.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }
        }
    }

    /// The one statement that changes settings, prepared once per connection: names and values
    /// go as two text arrays.
    static let applySQL = "SELECT set_config(s.name, s.value, false) FROM unnest($1::text[], $2::text[]) AS s(name, value)"

    /// The parameters of `applySQL` that turn a session set to `previous` (nil: unknown, so
    /// `known` names are all reset) into `self`; nil when nothing changes.
    func transition(from previous: PostgresSessionSettings?, known: Set<String>) -> [String]? {
        guard previous.map({ $0 != self }) ?? true else { return nil }
        var pairs = values.map { ($0.name, $0.value) }
        let mine = Set(values.map(\.name))
        let stale = (previous.map { Set($0.values.map(\.name)) } ?? known).subtracting(mine)
        pairs += stale.sorted().map { ($0, "") }
        guard !pairs.isEmpty else { return nil }
        return [PostgresArrayLiteral.encode(pairs.map(\.0)), PostgresArrayLiteral.encode(pairs.map(\.1))]
    }
}
