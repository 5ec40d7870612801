import Foundation
import TMCApp

/// Commands beyond serve and migrate, keyed by name.
struct ExtraCommand: Sendable {
    var help: String
    var run: @Sendable ([String], AppConfiguration) async throws -> Int32
}

enum ExtraCommands {
    static let all: [String: ExtraCommand] = [
        "create-sysadmin": ExtraCommand(help: CreateSysadminCommand.help) { arguments, configuration in
            let line = try await usage {
                try await CreateSysadminCommand.run(arguments, configuration: configuration,
                                                    standardInput: { FileHandle.standardInput.readDataToEndOfFile() })
            }
            print(line)
            return 0
        },
        "seed-demo": ExtraCommand(help: DemoSeed.help) { arguments, configuration in
            if let first = arguments.first { throw UsageError(message: "unexpected argument '\(first)' (see trackmycrime seed-demo --help)") }
            print(try await DemoSeed.run(configuration: configuration), terminator: "")
            return 0
        },
    ]

    /// Maps the app's command errors onto the executable's exit codes (64 usage, 1 failure).
    static func usage<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as CommandUsageError {
            throw UsageError(message: error.message)
        }
    }
}
