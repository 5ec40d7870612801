import TMCApp

/// Commands beyond serve and migrate, keyed by name.
struct ExtraCommand: Sendable {
    var help: String
    var run: @Sendable ([String], AppConfiguration) async throws -> Int32
}

enum ExtraCommands {
    static let all: [String: ExtraCommand] = [:]
}
