import Foundation
import TMCApp
import XCTest

/// `/v1/forces/{code}/api-keys`, and keys used as bearer credentials.
final class APIKeyRoutesTests: XCTestCase {
    func testAKeyIsShownOnceActsAsIntegrationAndCanBeRevoked() async throws {
        try await withServer { server in
            let (_, admin) = try await server.accounts.force("kent")
            let created = try await server.client.post("/v1/forces/kent/api-keys", token: admin.token, json: ["name": "Niche RMS"])
            XCTAssertEqual(created.status, 201, created.text)
            let key = try XCTUnwrap(created.json["key"] as? String)
            let id = try XCTUnwrap(created.json["id"] as? String)
            XCTAssertTrue(key.hasPrefix("tmck_"))
            XCTAssertEqual(created.json["name"] as? String, "Niche RMS")

            let listed = try await server.client.get("/v1/forces/kent/api-keys", token: admin.token)
            var items = try XCTUnwrap(listed.json["items"] as? [[String: Any]])
            XCTAssertEqual(items.count, 1)
            XCTAssertNil(items[0]["key"])
            XCTAssertTrue(items[0]["last_used_at"] is NSNull)

            let me = try await server.client.get("/v1/me", token: key)
            XCTAssertEqual(me.status, 200)
            XCTAssertEqual(me.json["role"] as? String, "integration")
            XCTAssertEqual(me.json["force"] as? String, "kent")
            XCTAssertEqual(me.json["id"] as? String, id)
            XCTAssertTrue(me.json["email"] is NSNull)

            let used = try await server.client.get("/v1/forces/kent/api-keys", token: admin.token)
            items = try XCTUnwrap(used.json["items"] as? [[String: Any]])
            let lastUsed = try XCTUnwrap(items[0]["last_used_at"] as? String)
            XCTAssertNotNil(RFC3339.date(from: lastUsed))
            // Authenticated reads do not each cost a write: refreshed at most once a minute.
            _ = try await server.client.get("/v1/me", token: key)
            let again = try await server.client.get("/v1/forces/kent/api-keys", token: admin.token)
            XCTAssertEqual((again.json["items"] as? [[String: Any]])?.first?["last_used_at"] as? String, lastUsed)

            // Keys cannot manage keys, change a password or log out.
            try await expectEqual(403) { try await server.client.post("/v1/forces/kent/api-keys", token: key, json: ["name": "x"]).status }
            try await expectEqual(403) { try await server.client.post("/v1/me/password", token: key,
                                                                     json: ["current_password": "x", "new_password": "0123456789"]).status }
            try await expectEqual(403) { try await server.client.post("/v1/auth/logout", token: key).status }

            let revoked = try await server.client.send("DELETE", "/v1/forces/kent/api-keys/\(id)", token: admin.token)
            XCTAssertEqual(revoked.status, 204)
            try await expectEqual(401) { try await server.client.get("/v1/me", token: key).status }
            try await expectEqual(204) { try await server.client.send("DELETE", "/v1/forces/kent/api-keys/\(id)", token: admin.token).status }
            let after = try await server.client.get("/v1/forces/kent/api-keys", token: admin.token)
            XCTAssertEqual((after.json["items"] as? [Any])?.count, 0)
        }
    }

    func testKeysBelongToTheirForcesAdmin() async throws {
        try await withServer { server in
            let (sys, kentAdmin) = try await server.accounts.force("kent")
            let (_, surreyAdmin) = try await server.accounts.force("surrey", sysadmin: sys)
            let officer = try await server.accounts.staff("o@kent.police.example", role: "officer", force: "kent", by: kentAdmin)
            let created = try await server.client.post("/v1/forces/kent/api-keys", token: kentAdmin.token, json: ["name": "RMS"])
            let id = try XCTUnwrap(created.json["id"] as? String)
            try await expectEqual(404) { try await server.client.get("/v1/forces/kent/api-keys", token: surreyAdmin.token).status }
            try await expectEqual(404) { try await server.client.send("DELETE", "/v1/forces/kent/api-keys/\(id)", token: surreyAdmin.token).status }
            try await expectEqual(404) { try await server.client.send("DELETE", "/v1/forces/surrey/api-keys/\(id)", token: surreyAdmin.token).status }
            try await expectEqual(404) { try await server.client.send("DELETE", "/v1/forces/kent/api-keys/nope", token: kentAdmin.token).status }
            for token in [officer.token, sys.token] {
                try await expectEqual(403) { try await server.client.get("/v1/forces/kent/api-keys", token: token).status }
                try await expectEqual(403) { try await server.client.post("/v1/forces/kent/api-keys", token: token, json: ["name": "x"]).status }
                try await expectEqual(403) { try await server.client.send("DELETE", "/v1/forces/kent/api-keys/nope", token: token).status }
            }
            let invalid = try await server.client.post("/v1/forces/kent/api-keys", token: kentAdmin.token, json: ["name": String(repeating: "n", count: 101)])
            XCTAssertEqual(invalid.invalidFields, ["name"])
        }
    }
}
