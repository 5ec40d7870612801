import Foundation
import TMCApp
import XCTest

/// `/v1/forces/{code}/users` and `/v1/users/{id}/disable`.
final class StaffRoutesTests: XCTestCase {
    func testASysadminCreatesOnlyTheFirstAdmin() async throws {
        try await withServer { server in
            let sys = try await server.accounts.sysadmin()
            try await server.accounts.createForce("kent", by: sys)
            let officer = try await server.client.post("/v1/forces/kent/users", token: sys.token,
                                                       json: ["email": "o@kent.police.example", "name": "O", "role": "officer"])
            XCTAssertEqual(officer.status, 403)
            // While the invited admin has not activated, the sysadmin may invite another.
            let first = try await server.accounts.invite("a1@kent.police.example", role: "admin", force: "kent", by: sys)
            _ = try await server.accounts.invite("a2@kent.police.example", role: "admin", force: "kent", by: sys)
            _ = try await server.accounts.activate("a1@kent.police.example", code: first.code)
            let third = try await server.client.post("/v1/forces/kent/users", token: sys.token,
                                                     json: ["email": "a3@kent.police.example", "name": "A", "role": "admin"])
            XCTAssertEqual(third.status, 403)
            let missing = try await server.client.post("/v1/forces/atlantis/users", token: sys.token,
                                                       json: ["email": "a@atlantis.example", "name": "A", "role": "admin"])
            XCTAssertEqual(missing.status, 404)
        }
    }

    func testAdminsCreateStaffWithInvitationCodes() async throws {
        try await withServer { server in
            let (_, admin) = try await server.accounts.force("kent")
            for role in ["officer", "supervisor", "admin"] {
                let r = try await server.client.post("/v1/forces/kent/users", token: admin.token,
                                                     json: ["email": "new.\(role)@kent.police.example", "name": "N", "role": role, "phone": "01622 690690"])
                XCTAssertEqual(r.status, 201, r.text)
                let user = try XCTUnwrap(r.json["user"] as? [String: Any])
                XCTAssertEqual(user["role"] as? String, role)
                XCTAssertEqual(user["status"] as? String, "invited")
                XCTAssertEqual(user["force"] as? String, "kent")
                let code = try XCTUnwrap(r.json["invitation_code"] as? String)
                XCTAssertNotNil(code.range(of: "^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$", options: .regularExpression))
            }
            let dup = try await server.client.post("/v1/forces/kent/users", token: admin.token,
                                                   json: ["email": "NEW.OFFICER@kent.police.example", "name": "N", "role": "officer"])
            XCTAssertEqual(dup.status, 409)
            let invalid = try await server.client.post("/v1/forces/kent/users", token: admin.token,
                                                       json: ["email": "nope", "name": "", "role": "victim", "phone": "x"])
            XCTAssertEqual(invalid.status, 422)
            XCTAssertEqual(Set(invalid.invalidFields), ["email", "name", "role", "phone"])
        }
    }

    func testStaffManagementIsForTheForcesAdminOnly() async throws {
        try await withServer { server in
            let (sys, kentAdmin) = try await server.accounts.force("kent")
            let (_, surreyAdmin) = try await server.accounts.force("surrey", sysadmin: sys)
            let officer = try await server.accounts.staff("o@kent.police.example", role: "officer", force: "kent", by: kentAdmin)
            let supervisor = try await server.accounts.staff("s@kent.police.example", role: "supervisor", force: "kent", by: kentAdmin)
            let victim = try await server.accounts.victim()
            let body: [String: Any] = ["email": "x@kent.police.example", "name": "X", "role": "officer"]
            let other = try await server.client.post("/v1/forces/kent/users", token: surreyAdmin.token, json: body)
            XCTAssertEqual(other.status, 404)
            for token in [officer.token, supervisor.token, victim.token] {
                let create = try await server.client.post("/v1/forces/kent/users", token: token, json: body)
                XCTAssertEqual(create.status, 403)
                let list = try await server.client.get("/v1/forces/kent/users", token: token)
                XCTAssertEqual(list.status, 403)
            }
            let otherList = try await server.client.get("/v1/forces/kent/users", token: surreyAdmin.token)
            XCTAssertEqual(otherList.status, 404)
            let sysList = try await server.client.get("/v1/forces/kent/users", token: sys.token)
            XCTAssertEqual(sysList.status, 403, "sysadmins see no force data")
        }
    }

    func testTheStaffListIsPagedWithoutDuplicatesOrGaps() async throws {
        try await withServer { server in
            let (_, admin) = try await server.accounts.force("kent")
            for i in 0..<4 {
                _ = try await server.accounts.invite("o\(i)@kent.police.example", role: "officer", force: "kent", by: admin)
            }
            var seen: [String] = []
            var cursor: String?
            var pages = 0
            repeat {
                let path = "/v1/forces/kent/users?limit=2" + (cursor.map { "&cursor=\($0)" } ?? "")
                let r = try await server.client.get(path, token: admin.token)
                XCTAssertEqual(r.status, 200, r.text)
                let items = try XCTUnwrap(r.json["items"] as? [[String: Any]])
                seen += items.compactMap { $0["email"] as? String }
                cursor = r.json["next_cursor"] as? String
                pages += 1
                if pages == 1 {
                    // A row added between pages shows up at the end, and nothing repeats.
                    _ = try await server.accounts.invite("late@kent.police.example", role: "officer", force: "kent", by: admin)
                }
            } while cursor != nil && pages < 10
            XCTAssertEqual(seen.count, Set(seen).count)
            XCTAssertEqual(Set(seen), Set(["admin@kent.police.example", "late@kent.police.example"] + (0..<4).map { "o\($0)@kent.police.example" }))
            XCTAssertEqual(seen.last, "late@kent.police.example")
            let badLimit = try await server.client.get("/v1/forces/kent/users?limit=0", token: admin.token)
            XCTAssertEqual(badLimit.invalidFields, ["limit"])
            let badCursor = try await server.client.get("/v1/forces/kent/users?cursor=!!", token: admin.token)
            XCTAssertEqual(badCursor.invalidFields, ["cursor"])
        }
    }

    func testDisablingRevokesTokensAndStopsLogins() async throws {
        try await withServer { server in
            let (_, admin) = try await server.accounts.force("kent")
            let officer = try await server.accounts.staff("o@kent.police.example", role: "officer", force: "kent", by: admin)
            let r = try await server.client.post("/v1/users/\(officer.id)/disable", token: admin.token)
            XCTAssertEqual(r.status, 200, r.text)
            XCTAssertEqual(r.json["status"] as? String, "disabled")
            let me = try await server.client.get("/v1/me", token: officer.token)
            XCTAssertEqual(me.status, 401)
            let login = try await server.client.post("/v1/auth/login", json: ["email": officer.email, "password": AccountsFixture.password])
            XCTAssertEqual(login.status, 401)
            let again = try await server.client.post("/v1/users/\(officer.id)/disable", token: admin.token)
            XCTAssertEqual(again.status, 200)
            // An invited account that is disabled can no longer activate.
            let invited = try await server.accounts.invite("i@kent.police.example", role: "officer", force: "kent", by: admin)
            _ = try await server.client.post("/v1/users/\(invited.id)/disable", token: admin.token)
            let activate = try await server.client.post("/v1/auth/activate", json: [
                "email": "i@kent.police.example", "invitation_code": invited.code, "password": AccountsFixture.password])
            XCTAssertEqual(activate.status, 401)
            let selfDisable = try await server.client.post("/v1/users/\(admin.id)/disable", token: admin.token)
            XCTAssertEqual(selfDisable.status, 409)
        }
    }

    func testWhoMayDisableWhom() async throws {
        try await withServer { server in
            let (sys, kentAdmin) = try await server.accounts.force("kent")
            let (_, surreyAdmin) = try await server.accounts.force("surrey", sysadmin: sys)
            let officer = try await server.accounts.staff("o@kent.police.example", role: "officer", force: "kent", by: kentAdmin)
            let victim = try await server.accounts.victim()
            try await expectEqual(404) { try await status(server, "/v1/users/\(officer.id)/disable", surreyAdmin.token) }
            try await expectEqual(404) { try await status(server, "/v1/users/\(victim.id)/disable", kentAdmin.token) }
            try await expectEqual(404) { try await status(server, "/v1/users/\(UUID().uuidString)/disable", kentAdmin.token) }
            try await expectEqual(404) { try await status(server, "/v1/users/not-a-uuid/disable", kentAdmin.token) }
            try await expectEqual(403) { try await status(server, "/v1/users/\(kentAdmin.id)/disable", officer.token) }
            try await expectEqual(403) { try await status(server, "/v1/users/not-a-uuid/disable", victim.token) }
            // A sysadmin may disable a force's admin (a compromised one), nobody else.
            try await expectEqual(404) { try await status(server, "/v1/users/\(officer.id)/disable", sys.token) }
            try await expectEqual(200) { try await status(server, "/v1/users/\(surreyAdmin.id)/disable", sys.token) }
            let gone = try await server.client.get("/v1/me", token: surreyAdmin.token)
            XCTAssertEqual(gone.status, 401)
        }
    }

    private func status(_ server: TestServer, _ path: String, _ token: String) async throws -> Int {
        try await server.client.post(path, token: token).status
    }
}
