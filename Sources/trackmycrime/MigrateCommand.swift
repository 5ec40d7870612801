import Foundation
import TMCApp

enum MigrateCommand {
    static func run(configuration: AppConfiguration, statusOnly: Bool) async throws -> Int32 {
        let app = try Application(configuration: configuration.asOwner)
        defer { Task { await app.dependencies.database.shutdown() } }
        if statusOnly {
            for m in try await app.dependencies.migrator.status() {
                let when = m.appliedAt.map { "applied \(RFC3339.string(from: $0))" } ?? "pending"
                print(String(format: "%04d", m.version) + "  \(m.name.padding(toLength: 40, withPad: " ", startingAt: 0)) \(when)")
            }
            return 0
        }
        let applied = try await app.migrate()
        print(applied.isEmpty ? "nothing to apply" : "applied " + applied.map { String(format: "%04d", $0) }.joined(separator: ", "))
        return 0
    }
}
