import Foundation

/// `trackmycrime create-sysadmin --email E --name N --password-stdin`: the first platform
/// operator. The password comes from standard input only, never from the command line (where
/// it would show in `ps` and shell history).
public enum CreateSysadminCommand {
    public static let help = """
    trackmycrime create-sysadmin --email E --name N --password-stdin
      Creates a platform operator (role sysadmin), who creates forces and their first admins.
      The password (10-128 characters) is read from standard input; a trailing newline is
      dropped, e.g.  printf '%s' "$PASSWORD" | trackmycrime create-sysadmin --email … --name … --password-stdin
      Applies pending migrations first. Fails, changing nothing, if the email already has an account.
      Needs DATABASE_URL.
    """

    public struct Arguments: Equatable {
        public var email: String
        public var name: String
        public init(email: String, name: String) {
            self.email = email
            self.name = name
        }
    }

    /// Parses `--email E`, `--name N` (or `--email=E`) and the required `--password-stdin`.
    public static func parse(_ arguments: [String]) throws -> Arguments {
        var email: String?
        var name: String?
        var passwordFromStdin = false
        var i = 0
        while i < arguments.count {
            let argument = arguments[i]
            func value(_ option: String) throws -> String {
                if argument.hasPrefix(option + "=") { return String(argument.dropFirst(option.count + 1)) }
                guard i + 1 < arguments.count else { throw CommandUsageError("\(option) needs a value") }
                i += 1
                return arguments[i]
            }
            if argument == "--email" || argument.hasPrefix("--email=") {
                email = try value("--email")
            } else if argument == "--name" || argument.hasPrefix("--name=") {
                name = try value("--name")
            } else if argument == "--password-stdin" {
                passwordFromStdin = true
            } else if argument == "--password" || argument.hasPrefix("--password=") {
                throw CommandUsageError("passwords are not taken on the command line; use --password-stdin")
            } else {
                throw CommandUsageError("unexpected argument '\(argument)' (see trackmycrime create-sysadmin --help)")
            }
            i += 1
        }
        guard passwordFromStdin else { throw CommandUsageError("--password-stdin is required: the password is read from standard input") }
        guard let email else { throw CommandUsageError("--email is required") }
        guard let name else { throw CommandUsageError("--name is required") }
        return Arguments(email: email.trimmingCharacters(in: .whitespaces), name: name.trimmingCharacters(in: .whitespaces))
    }

    /// The password as read from standard input: one trailing newline (`\n` or `\r\n`) dropped.
    public static func password(fromStandardInput data: Data) -> String {
        var text = String(decoding: data, as: UTF8.self)
        // "\r\n" is one Character (grapheme cluster) in Swift, so one removeLast drops either.
        if text.hasSuffix("\r\n") || text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    /// Validates everything, migrates, creates the account; returns the line to print.
    public static func run(_ arguments: [String], configuration: AppConfiguration, standardInput: () -> Data) async throws -> String {
        let args = try parse(arguments)
        let password = password(fromStandardInput: standardInput())
        var problems: [String] = []
        if let p = AccountRules.emailProblem(args.email) { problems.append("email \(p)") }
        if args.name.isEmpty || args.name.unicodeScalars.count > 200 { problems.append("name must be 1 to 200 characters") }
        if let p = AccountRules.passwordProblem(password) { problems.append("password \(p)") }
        guard problems.isEmpty else { throw CommandUsageError(problems.joined(separator: "; ")) }

        let app = try Application(configuration: configuration.asOwner)
        do {
            _ = try await app.migrate()
            let user = try await AccountServices(app.dependencies).accounts.createSysadmin(email: args.email, name: args.name, password: password)
            await app.dependencies.database.shutdown()
            return "created sysadmin \(user.email) (id \(user.id.lowercasedString))"
        } catch let problem as Problem {
            await app.dependencies.database.shutdown()
            throw CommandFailure(problem.detail)
        } catch {
            await app.dependencies.database.shutdown()
            throw error
        }
    }
}
