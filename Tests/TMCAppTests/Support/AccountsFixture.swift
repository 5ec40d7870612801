import Foundation
import TMCApp
import XCTest

/// Accounts for end-to-end tests, made through the API (and the sysadmin through the service,
/// as the command line does).
struct AccountsFixture {
    let server: TestServer
    var client: TestHTTPClient { server.client }

    static let password = "correct horse battery"

    struct Account {
        var id: String
        var email: String
        var token: String
    }

    /// Logs in and returns the token (fails the test otherwise).
    func login(_ email: String, _ password: String = AccountsFixture.password, file: StaticString = #filePath, line: UInt = #line) async throws -> String {
        let r = try await client.post("/v1/auth/login", json: ["email": email, "password": password])
        XCTAssertEqual(r.status, 200, r.text, file: file, line: line)
        return r.json["token"] as? String ?? ""
    }

    func sysadmin(email: String = "ops@platform.example") async throws -> Account {
        let user = try await AccountServices(server.app.dependencies).accounts.createSysadmin(email: email, name: "Ops", password: AccountsFixture.password)
        return Account(id: user.id.lowercasedString, email: email, token: try await login(email))
    }

    func victim(_ email: String = "victim@example.com", phone: String? = nil) async throws -> Account {
        var body: [String: Any] = ["email": email, "password": AccountsFixture.password, "name": "Val Victim"]
        if let phone { body["phone"] = phone }
        let r = try await client.post("/v1/auth/register", json: body)
        XCTAssertEqual(r.status, 201, r.text)
        let user = r.json["user"] as? [String: Any] ?? [:]
        return Account(id: user["id"] as? String ?? "", email: email, token: r.json["token"] as? String ?? "")
    }

    func createForce(_ code: String, by sysadmin: Account) async throws {
        let r = try await client.post("/v1/forces", token: sysadmin.token, json: ["code": code, "name": "\(code) Police"])
        XCTAssertEqual(r.status, 201, r.text)
    }

    /// Creates an invited account in the force and returns (user id, invitation code).
    func invite(_ email: String, role: String, force: String, by creator: Account) async throws -> (id: String, code: String) {
        let r = try await client.post("/v1/forces/\(force)/users", token: creator.token,
                                      json: ["email": email, "name": "\(role.capitalized) Person", "role": role])
        XCTAssertEqual(r.status, 201, r.text)
        let user = r.json["user"] as? [String: Any] ?? [:]
        return (user["id"] as? String ?? "", r.json["invitation_code"] as? String ?? "")
    }

    func activate(_ email: String, code: String) async throws -> String {
        let r = try await client.post("/v1/auth/activate", json: ["email": email, "invitation_code": code, "password": AccountsFixture.password])
        XCTAssertEqual(r.status, 200, r.text)
        return r.json["token"] as? String ?? ""
    }

    /// An active staff account of the force, invited by `creator` and activated.
    func staff(_ email: String, role: String, force: String, by creator: Account) async throws -> Account {
        let invited = try await invite(email, role: role, force: force, by: creator)
        return Account(id: invited.id, email: email, token: try await activate(email, code: invited.code))
    }

    /// A force with an active admin, created by a (new or given) sysadmin.
    func force(_ code: String, sysadmin given: Account? = nil) async throws -> (sysadmin: Account, admin: Account) {
        let sys: Account
        if let given { sys = given } else { sys = try await sysadmin() }
        try await createForce(code, by: sys)
        let admin = try await staff("admin@\(code).police.example", role: "admin", force: code, by: sys)
        return (sys, admin)
    }
}

extension TestServer {
    var accounts: AccountsFixture { AccountsFixture(server: self) }
}

extension XCTestCase {
    /// Starts a server, runs `body`, and stops the server even when `body` throws.
    func withServer(_ configure: (inout AppConfiguration) -> Void = { _ in },
                    _ body: (TestServer) async throws -> Void) async throws {
        let server = try await TestServer.start(configure)
        do {
            try await body(server)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}

/// `XCTAssertEqual` for a value that takes an `await` to get (XCTest's autoclosures cannot).
func expectEqual<T: Equatable>(_ expected: T, file: StaticString = #filePath, line: UInt = #line,
                               _ actual: () async throws -> T) async throws {
    let value = try await actual()
    XCTAssertEqual(value, expected, file: file, line: line)
}
