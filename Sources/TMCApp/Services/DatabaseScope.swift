import Foundation
import TMCPostgres

/// The row-level security scope a task's statements run under (migration 0010): the
/// authenticated principal's force or own rows, or `system` for work done before anyone is
/// authenticated or on no one's behalf. Statements outside any scope see none of the
/// protected rows, so a forgotten scope fails loudly instead of leaking.
public enum DatabaseScope {
    public static let system = PostgresSessionSettings([("tmc.scope", "system"), ("tmc.force_id", ""), ("tmc.user_id", "")])

    /// Every scope sets the same three names, so that a change costs one statement.
    public static func settings(for principal: Principal) -> PostgresSessionSettings {
        let scope: String
        switch principal.role {
        case .victim: scope = "victim"
        case .sysadmin: scope = "sysadmin"
        case .officer, .supervisor, .admin, .integration: scope = "force"
        }
        let force = scope == "force" ? principal.forceID.map { $0.uuidString.lowercased() } ?? "" : ""
        return PostgresSessionSettings([("tmc.scope", scope), ("tmc.force_id", force),
                                        ("tmc.user_id", principal.userID.uuidString.lowercased())])
    }

    public static func run<T>(as principal: Principal, _ body: () async throws -> T) async rethrows -> T {
        try await PostgresSessionSettings.$current.withValue(settings(for: principal), operation: body)
    }

    public static func runAsSystem<T>(_ body: () async throws -> T) async rethrows -> T {
        try await PostgresSessionSettings.$current.withValue(system, operation: body)
    }
}
