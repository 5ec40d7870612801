import Foundation
import TMCApp
import XCTest

/// `/v1/forces` and `/v1/forces/{code}`.
final class ForceRoutesTests: XCTestCase {
    func testSysadminsCreateForcesThatEveryoneCanList() async throws {
        try await withServer { server in
            let sys = try await server.accounts.sysadmin()
            let r = try await server.client.post("/v1/forces", token: sys.token, json: ["code": "avon-and-somerset", "name": "Avon and Somerset Constabulary"])
            XCTAssertEqual(r.status, 201, r.text)
            XCTAssertEqual(r.json["code"] as? String, "avon-and-somerset")
            XCTAssertEqual(r.json["minutes_saved_per_report"] as? Int, 45)
            let dup = try await server.client.post("/v1/forces", token: sys.token, json: ["code": "avon-and-somerset", "name": "Again"])
            XCTAssertEqual(dup.status, 409)
            let list = try await server.client.get("/v1/forces")
            XCTAssertEqual(list.status, 200)
            let items = try XCTUnwrap(list.json["items"] as? [[String: Any]])
            XCTAssertEqual(items.map { $0["code"] as? String }, ["avon-and-somerset"])
        }
    }

    func testForceCreationValidatesAndIsForSysadminsOnly() async throws {
        try await withServer { server in
            let (sys, admin) = try await server.accounts.force("kent")
            let invalid = try await server.client.post("/v1/forces", token: sys.token, json: ["code": "Not A Code!", "name": ""])
            XCTAssertEqual(invalid.status, 422)
            XCTAssertEqual(Set(invalid.invalidFields), ["code", "name"])
            let victim = try await server.accounts.victim()
            for token in [admin.token, victim.token] {
                let r = try await server.client.post("/v1/forces", token: token, json: ["code": "surrey", "name": "Surrey Police"])
                XCTAssertEqual(r.status, 403)
            }
            let anonymous = try await server.client.post("/v1/forces", json: ["code": "surrey", "name": "Surrey Police"])
            XCTAssertEqual(anonymous.status, 401)
        }
    }

    func testTheForcesAdminPatchesItsSettings() async throws {
        try await withServer { server in
            let (_, admin) = try await server.accounts.force("kent")
            let r = try await server.client.send("PATCH", "/v1/forces/kent", token: admin.token,
                                                 headers: [("Content-Type", "application/merge-patch+json")],
                                                 json: ["minutes_saved_per_report": 30])
            XCTAssertEqual(r.status, 200, r.text)
            XCTAssertEqual(r.json["minutes_saved_per_report"] as? Int, 30)
            XCTAssertEqual(r.json["name"] as? String, "kent Police")
            let renamed = try await server.client.send("PATCH", "/v1/forces/kent", token: admin.token, json: ["name": "Kent Police"])
            XCTAssertEqual(renamed.json["name"] as? String, "Kent Police")
            XCTAssertEqual(renamed.json["minutes_saved_per_report"] as? Int, 30)
            let invalid = try await server.client.send("PATCH", "/v1/forces/kent", token: admin.token,
                                                       json: ["name": NSNull(), "minutes_saved_per_report": 5000, "code": "x"])
            XCTAssertEqual(invalid.status, 422)
            XCTAssertEqual(Set(invalid.invalidFields), ["name", "minutes_saved_per_report", "code"])
        }
    }

    func testOnlyTheForcesOwnAdminMayPatchIt() async throws {
        try await withServer { server in
            let (sys, kentAdmin) = try await server.accounts.force("kent")
            _ = try await server.accounts.force("surrey", sysadmin: sys)
            let officer = try await server.accounts.staff("o@kent.police.example", role: "officer", force: "kent", by: kentAdmin)
            let other = try await server.client.send("PATCH", "/v1/forces/surrey", token: kentAdmin.token, json: ["name": "Mine now"])
            XCTAssertEqual(other.status, 404)
            let missing = try await server.client.send("PATCH", "/v1/forces/atlantis", token: kentAdmin.token, json: ["name": "X"])
            XCTAssertEqual(missing.status, 404)
            for token in [officer.token, sys.token] {
                let r = try await server.client.send("PATCH", "/v1/forces/kent", token: token, json: ["name": "X"])
                XCTAssertEqual(r.status, 403)
            }
            let sysOnMissing = try await server.client.send("PATCH", "/v1/forces/atlantis", token: sys.token, json: ["name": "X"])
            XCTAssertEqual(sysOnMissing.status, 403, "a role that may never do this gets 403 whatever the id")
        }
    }
}
