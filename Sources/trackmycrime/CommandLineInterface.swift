import Foundation
import TMCApp

/// `trackmycrime serve | migrate [--status] | create-sysadmin | seed-demo | --help`.
enum CommandLineInterface {
    static let usage = """
    trackmycrime — the TrackMyCrime API server

    Usage:
      trackmycrime serve                 migrate if needed, then serve HTTP until SIGTERM/SIGINT
      trackmycrime migrate [--status]    apply pending migrations and exit; --status lists them
      trackmycrime create-sysadmin --email E --name N --password-stdin
                                         create the first platform operator (password on stdin)
      trackmycrime seed-demo             create a demo force, staff, a victim and a case; print credentials
      trackmycrime <command> --help      help for one command

    Configuration comes from environment variables:
    """

    static func environmentHelp() -> String {
        AppConfiguration.documentation.map { "  \($0.name.padding(toLength: 36, withPad: " ", startingAt: 0)) \($0.meaning)" }
            .joined(separator: "\n")
    }

    static func run(_ arguments: [String]) async -> Int32 {
        guard let command = arguments.first else {
            printError(usage + "\n" + environmentHelp())
            return 64
        }
        let rest = Array(arguments.dropFirst())
        if command == "--help" || command == "-h" || command == "help" {
            print(usage + "\n" + environmentHelp())
            return 0
        }
        do {
            switch command {
            case "serve":
                if wantsHelp(rest) { print(serveHelp); return 0 }
                try rejectExtra(rest, command)
                return try await ServeCommand.run(configuration: try AppConfiguration.fromEnvironment())
            case "migrate":
                if wantsHelp(rest) { print(migrateHelp); return 0 }
                let status = rest.contains("--status")
                try rejectExtra(rest.filter { $0 != "--status" }, command)
                return try await MigrateCommand.run(configuration: try AppConfiguration.fromEnvironment(), statusOnly: status)
            default:
                if let extra = ExtraCommands.all[command] {
                    if wantsHelp(rest) { print(extra.help); return 0 }
                    return try await extra.run(rest, try AppConfiguration.fromEnvironment())
                }
                printError("unknown command '\(command)'\n\n" + usage + "\n" + environmentHelp())
                return 64
            }
        } catch let error as UsageError {
            printError("trackmycrime \(command): \(error.message)")
            return 64
        } catch {
            printError("trackmycrime \(command): \(error)")
            return 1
        }
    }

    static let serveHelp = """
    trackmycrime serve — apply pending migrations, then serve HTTP on HOST:PORT until SIGTERM or
    SIGINT, which stop accepting, finish in-flight requests (DRAIN_TIMEOUT_MS) and exit 0.
    Needs DATABASE_URL.
    """

    static let migrateHelp = """
    trackmycrime migrate [--status] — apply pending migrations from the migrations folder and exit.
    With --status, list every migration and when it was applied, and change nothing. Needs DATABASE_URL.
    """

    static func wantsHelp(_ args: [String]) -> Bool { args.contains("--help") || args.contains("-h") }

    static func rejectExtra(_ args: [String], _ command: String) throws {
        if let first = args.first { throw UsageError(message: "unexpected argument '\(first)' (see trackmycrime \(command) --help)") }
    }
}

struct UsageError: Error {
    var message: String
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
