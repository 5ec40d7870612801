import Foundation
import TMCPostgres

/// `trackmycrime seed-demo`: a demo force with an admin, a supervisor, an officer and a victim,
/// with fixed passwords, so that a newcomer can log in at once. Idempotent: what exists is left
/// as it is, and the same credentials are printed every time. One function per step, so that
/// later steps (a demo case) can be added.
public struct DemoSeed: Sendable {
    public struct Account: Sendable, Equatable {
        public var role: Role
        public var email: String
        public var name: String
        public var password: String
    }

    public static let forceCode = "kent"
    public static let forceName = "Kent Police (demo)"

    /// Demo credentials: public by design, for local use only.
    public static let accounts: [Account] = [
        Account(role: .admin, email: "admin@demo.kent.example", name: "Ada Admin", password: "demo-admin-password"),
        Account(role: .supervisor, email: "supervisor@demo.kent.example", name: "Sam Supervisor", password: "demo-supervisor-password"),
        Account(role: .officer, email: "officer@demo.kent.example", name: "Olu Officer", password: "demo-officer-password"),
        Account(role: .victim, email: "victim@demo.example", name: "Vic Victim", password: "demo-victim-password"),
    ]

    let database: PostgresPool
    let bcryptCost: Int

    public init(database: PostgresPool, bcryptCost: Int) {
        self.database = database
        self.bcryptCost = bcryptCost
    }

    /// Every step; returns what was seeded (existing or new).
    public func run() async throws -> (force: Force, users: [User]) {
        let force = try await ensureForce()
        var users: [User] = []
        for account in DemoSeed.accounts {
            users.append(try await ensureUser(account, force: force))
        }
        _ = try await ensureCase(force: force, users: users)
        return (force, users)
    }

    /// The demo force, created unless a force with its code exists.
    public func ensureForce() async throws -> Force {
        if let force = try await ForceRepository.find(database, code: DemoSeed.forceCode) { return force }
        do {
            return try await ForceRepository.insert(database, code: DemoSeed.forceCode, name: DemoSeed.forceName)
        } catch let error as PostgresError where error.code == .uniqueViolation {
            guard let force = try await ForceRepository.find(database, code: DemoSeed.forceCode) else { throw error }
            return force
        }
    }

    /// The account, created active with its demo password unless the email has one already.
    public func ensureUser(_ account: Account, force: Force) async throws -> User {
        if let user = try await UserRepository.find(database, email: account.email) { return user }
        let new = NewUser(email: account.email, name: account.name, role: account.role,
                          forceID: account.role == .victim ? nil : force.id, phone: nil, status: .active)
        do {
            return try await UserRepository.insert(database, new, password: account.password, bcryptCost: bcryptCost)
        } catch let error as PostgresError where error.code == .uniqueViolation {
            guard let user = try await UserRepository.find(database, email: account.email) else { throw error }
            return user
        }
    }

    /// The credentials and ready-to-paste login commands.
    public static func report(force: Force, baseURL: String) -> String {
        var out = "Demo force: \(force.code) (\(force.name))\n\n"
        out += "  " + "role".padding(toLength: 12, withPad: " ", startingAt: 0)
            + "email".padding(toLength: 32, withPad: " ", startingAt: 0) + "password\n"
        for a in accounts {
            out += "  " + a.role.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)
                + a.email.padding(toLength: 32, withPad: " ", startingAt: 0) + a.password + "\n"
        }
        out += "\nLog in (the token is in the answer), then call e.g. GET /v1/me with it:\n"
        for a in accounts {
            out += "  curl -s -X POST \(baseURL)/v1/auth/login -H 'Content-Type: application/json' "
                + "-d '{\"email\":\"\(a.email)\",\"password\":\"\(a.password)\"}'\n"
        }
        out += "  curl -s \(baseURL)/v1/me -H \"Authorization: Bearer $TOKEN\"\n"
        return out
    }

    public static let help = """
    trackmycrime seed-demo
      Creates a demo force (\(forceCode), "\(forceName)") with an admin, a supervisor, an officer
      and a victim, and a demo case (\(demoCrimeReference)) of the victim's handled by the officer,
      and prints their fixed demo passwords with ready-to-paste curl login lines.
      Idempotent: running it again changes nothing and prints the same credentials. Applies
      pending migrations first. For local use only. Needs DATABASE_URL.
    """

    /// Migrates, seeds and returns the report for `configuration`'s HOST and PORT.
    public static func run(configuration: AppConfiguration) async throws -> String {
        let app = try Application(configuration: configuration.asOwner)
        do {
            _ = try await app.migrate()
            let seed = DemoSeed(database: app.dependencies.database, bcryptCost: configuration.bcryptCost)
            let seeded = try await seed.run()
            let caseID = try await seed.ensureCase(force: seeded.force, users: seeded.users)
            await app.dependencies.database.shutdown()
            let host = configuration.http.host.contains(":") ? "[\(configuration.http.host)]" : configuration.http.host
            let baseURL = "http://\(host):\(configuration.http.port)"
            return report(force: seeded.force, baseURL: baseURL) + caseReport(caseID: caseID, baseURL: baseURL)
        } catch {
            await app.dependencies.database.shutdown()
            throw error
        }
    }
}
