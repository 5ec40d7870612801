import Foundation
import TMCApp
import XCTest

/// `/v1/me`, `/v1/me/password`, `/v1/me/contact-preferences`.
final class MeRoutesTests: XCTestCase {
    func testMeShowsTheAccountAndVictimsContactPreferences() async throws {
        try await withServer { server in
            let victim = try await server.accounts.victim("me@example.com", phone: "07700 900123")
            let r = try await server.client.get("/v1/me", token: victim.token)
            XCTAssertEqual(r.status, 200)
            XCTAssertEqual(r.json["email"] as? String, "me@example.com")
            XCTAssertEqual(r.json["role"] as? String, "victim")
            XCTAssertEqual(r.json["phone"] as? String, "07700 900123")
            let prefs = try XCTUnwrap(r.json["contact_preferences"] as? [String: Any])
            XCTAssertEqual(prefs["channel"] as? String, "email")
            XCTAssertEqual(prefs["safe_contact"] as? Bool, false)

            let (sys, admin) = try await server.accounts.force("kent")
            let adminMe = try await server.client.get("/v1/me", token: admin.token)
            XCTAssertEqual(adminMe.json["role"] as? String, "admin")
            XCTAssertEqual(adminMe.json["force"] as? String, "kent")
            XCTAssertNil(adminMe.json["contact_preferences"])
            let sysMe = try await server.client.get("/v1/me", token: sys.token)
            XCTAssertEqual(sysMe.json["role"] as? String, "sysadmin")
            XCTAssertTrue(sysMe.json["force"] is NSNull)
        }
    }

    func testChangingThePasswordRevokesOtherTokensButNotThisOne() async throws {
        try await withServer { server in
            let victim = try await server.accounts.victim("pw@example.com")
            let other = try await server.accounts.login(victim.email)
            let r = try await server.client.post("/v1/me/password", token: victim.token, json: [
                "current_password": AccountsFixture.password, "new_password": "a brand new password"])
            XCTAssertEqual(r.status, 204, r.text)
            let current = try await server.client.get("/v1/me", token: victim.token)
            XCTAssertEqual(current.status, 200)
            let revoked = try await server.client.get("/v1/me", token: other)
            XCTAssertEqual(revoked.status, 401)
            let old = try await server.client.post("/v1/auth/login", json: ["email": victim.email, "password": AccountsFixture.password])
            XCTAssertEqual(old.status, 401)
            _ = try await server.accounts.login(victim.email, "a brand new password")
        }
    }

    func testChangingThePasswordNeedsTheCurrentOneAndAValidNewOne() async throws {
        try await withServer { server in
            let victim = try await server.accounts.victim("pw2@example.com")
            let wrong = try await server.client.post("/v1/me/password", token: victim.token, json: [
                "current_password": "not my password", "new_password": "a brand new password"])
            XCTAssertEqual(wrong.status, 422)
            XCTAssertEqual(wrong.invalidFields, ["current_password"])
            let invalid = try await server.client.post("/v1/me/password", token: victim.token, json: ["current_password": "", "new_password": "short"])
            XCTAssertEqual(Set(invalid.invalidFields), ["current_password", "new_password"])
            let anonymous = try await server.client.post("/v1/me/password", json: [
                "current_password": AccountsFixture.password, "new_password": "a brand new password"])
            XCTAssertEqual(anonymous.status, 401)
        }
    }

    func testVictimsSetContactPreferences() async throws {
        try await withServer { server in
            let victim = try await server.accounts.victim("prefs@example.com")
            let r = try await server.client.send("PUT", "/v1/me/contact-preferences", token: victim.token,
                                                 json: ["channel": "none", "safe_contact": true])
            XCTAssertEqual(r.status, 200, r.text)
            XCTAssertEqual(r.json["channel"] as? String, "none")
            let me = try await server.client.get("/v1/me", token: victim.token)
            XCTAssertEqual((me.json["contact_preferences"] as? [String: Any])?["safe_contact"] as? Bool, true)
            let sms = try await server.client.send("PUT", "/v1/me/contact-preferences", token: victim.token,
                                                   json: ["channel": "sms", "safe_contact": false])
            XCTAssertEqual(sms.status, 422, "sms needs a phone number")
            XCTAssertEqual(sms.invalidFields, ["channel"])
            let invalid = try await server.client.send("PUT", "/v1/me/contact-preferences", token: victim.token,
                                                       json: ["channel": "pigeon", "safe_contact": "yes"])
            XCTAssertEqual(Set(invalid.invalidFields), ["channel", "safe_contact"])
        }
    }

    func testOnlyVictimsHaveContactPreferences() async throws {
        try await withServer { server in
            let (sys, admin) = try await server.accounts.force("kent")
            for token in [sys.token, admin.token] {
                let r = try await server.client.send("PUT", "/v1/me/contact-preferences", token: token,
                                                     json: ["channel": "email", "safe_contact": false])
                XCTAssertEqual(r.status, 403)
            }
        }
    }
}
