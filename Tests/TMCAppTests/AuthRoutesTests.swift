import Foundation
import TMCApp
import TMCPostgres
import XCTest

/// `/v1/auth/*` end to end, and the authentication middleware's refusals.
final class AuthRoutesTests: XCTestCase {
    func testRegisterCreatesAVictimWhoseTokenWorks() async throws {
        try await withServer { server in
            let r = try await server.client.post("/v1/auth/register", json: [
                "email": "  Vic@Example.com ", "password": "every character counts here", "name": "Vic", "phone": "+44 7700 900123"])
            XCTAssertEqual(r.status, 201, r.text)
            let user = try XCTUnwrap(r.json["user"] as? [String: Any])
            XCTAssertEqual(user["email"] as? String, "Vic@Example.com")
            XCTAssertEqual(user["role"] as? String, "victim")
            XCTAssertEqual(user["status"] as? String, "active")
            XCTAssertTrue(user["force"] is NSNull)
            XCTAssertNil(user["password_hash"])
            let token = try XCTUnwrap(r.json["token"] as? String)
            XCTAssertTrue(token.hasPrefix("tmc_"))
            XCTAssertGreaterThanOrEqual(token.count, 4 + 43)
            XCTAssertNotNil(RFC3339.date(from: r.json["expires_at"] as? String ?? ""))
            let me = try await server.client.get("/v1/me", token: token)
            XCTAssertEqual(me.status, 200)
            XCTAssertEqual(me.json["id"] as? String, user["id"] as? String)
            // The stored token is a digest, never the token.
            let stored = try await server.database.query("SELECT encode(token_hash, 'hex') AS h FROM tokens")
            XCTAssertEqual(stored.rows.count, 1)
            XCTAssertFalse(try stored.rows[0].decode("h", as: String.self).contains(token))
        }
    }

    func testRegisterValidatesEveryField() async throws {
        try await withServer { server in
            let r = try await server.client.post("/v1/auth/register", json: [
                "email": "not-an-email", "password": "short", "name": "", "phone": "call me"])
            XCTAssertEqual(r.status, 422)
            XCTAssertEqual(r.problemCode, "validation_failed")
            XCTAssertEqual(Set(r.invalidFields), ["email", "password", "name", "phone"])
            let missing = try await server.client.post("/v1/auth/register", json: [:])
            XCTAssertEqual(Set(missing.invalidFields), ["email", "password", "name"])
            let tooLong = try await server.client.post("/v1/auth/register", json: [
                "email": "a@b.example", "password": String(repeating: "x", count: 129), "name": "A"])
            XCTAssertEqual(tooLong.invalidFields, ["password"])
            let malformed = try await server.client.send("POST", "/v1/auth/register", headers: [("Content-Type", "application/json")],
                                                         body: Array("{".utf8))
            XCTAssertEqual(malformed.status, 400)
            let wrongType = try await server.client.send("POST", "/v1/auth/register", headers: [("Content-Type", "text/plain")],
                                                         body: Array("{}".utf8))
            XCTAssertEqual(wrongType.status, 415)
        }
    }

    func testEmailsAreUniqueWhateverTheirCase() async throws {
        try await withServer { server in
            _ = try await server.accounts.victim("dup@example.com")
            let r = try await server.client.post("/v1/auth/register", json: [
                "email": "DUP@example.COM", "password": AccountsFixture.password, "name": "Other"])
            XCTAssertEqual(r.status, 409)
            XCTAssertEqual(r.problemCode, "conflict")
        }
    }

    func testPasswordsLongerThanBcryptsLimitStillCountEveryCharacter() async throws {
        try await withServer { server in
            let base = String(repeating: "p", count: 100)
            let r = try await server.client.post("/v1/auth/register", json: ["email": "long@example.com", "password": base + "A", "name": "L"])
            XCTAssertEqual(r.status, 201)
            let wrong = try await server.client.post("/v1/auth/login", json: ["email": "long@example.com", "password": base + "B"])
            XCTAssertEqual(wrong.status, 401)
            let right = try await server.client.post("/v1/auth/login", json: ["email": "long@example.com", "password": base + "A"])
            XCTAssertEqual(right.status, 200)
        }
    }

    func testRegistrationIsRateLimitedPerAddress() async throws {
        try await withServer({ $0.rateLimitRegistrationsPerHour = 2 }) { server in
            for i in 0..<2 {
                let r = try await server.client.post("/v1/auth/register", json: [
                    "email": "r\(i)@example.com", "password": AccountsFixture.password, "name": "R"])
                XCTAssertEqual(r.status, 201)
            }
            let third = try await server.client.post("/v1/auth/register", json: [
                "email": "r3@example.com", "password": AccountsFixture.password, "name": "R"])
            XCTAssertEqual(third.status, 429)
            XCTAssertEqual(third.problemCode, "rate_limited")
            XCTAssertGreaterThanOrEqual(Int(third.header("Retry-After") ?? "") ?? 0, 1)
        }
    }

    func testLoginReturnsABearerTokenAndTheUser() async throws {
        try await withServer { server in
            let victim = try await server.accounts.victim("log@example.com")
            let r = try await server.client.post("/v1/auth/login", json: ["email": "LOG@example.com", "password": AccountsFixture.password])
            XCTAssertEqual(r.status, 200)
            XCTAssertEqual(r.json["token_type"] as? String, "Bearer")
            XCTAssertEqual((r.json["user"] as? [String: Any])?["id"] as? String, victim.id)
            XCTAssertEqual(r.header("Cache-Control"), "no-store")
            let token = try XCTUnwrap(r.json["token"] as? String)
            XCTAssertNotEqual(token, victim.token)
            // Victims' tokens live about 30 days.
            let expires = try XCTUnwrap(RFC3339.date(from: r.json["expires_at"] as? String ?? ""))
            XCTAssertEqual(expires.timeIntervalSinceNow, 30 * 86400, accuracy: 120)
        }
    }

    func testUnknownEmailAndWrongPasswordLookTheSame() async throws {
        try await withServer { server in
            _ = try await server.accounts.victim("known@example.com")
            let wrong = try await server.client.post("/v1/auth/login", json: ["email": "known@example.com", "password": "not the password"])
            let unknown = try await server.client.post("/v1/auth/login", json: ["email": "nobody@example.com", "password": "not the password"])
            XCTAssertEqual(wrong.status, 401)
            XCTAssertEqual(unknown.status, 401)
            var a = wrong.json, b = unknown.json
            a["request_id"] = nil
            b["request_id"] = nil
            XCTAssertEqual(NSDictionary(dictionary: a), NSDictionary(dictionary: b))
            XCTAssertEqual(wrong.header("WWW-Authenticate"), unknown.header("WWW-Authenticate"))
        }
    }

    func testLoginValidatesItsFields() async throws {
        try await withServer { server in
            let r = try await server.client.post("/v1/auth/login", json: ["email": 5, "password": ""])
            XCTAssertEqual(r.status, 422)
            XCTAssertEqual(Set(r.invalidFields), ["email", "password"])
        }
    }

    func testLogoutRevokesTheTokenAtOnce() async throws {
        try await withServer { server in
            let victim = try await server.accounts.victim()
            let other = try await server.accounts.login(victim.email)
            let out = try await server.client.post("/v1/auth/logout", token: victim.token)
            XCTAssertEqual(out.status, 204)
            let after = try await server.client.get("/v1/me", token: victim.token)
            XCTAssertEqual(after.status, 401)
            XCTAssertEqual(after.header("WWW-Authenticate"), "Bearer")
            // Only that token: the account's other session goes on.
            let still = try await server.client.get("/v1/me", token: other)
            XCTAssertEqual(still.status, 200)
            let anonymous = try await server.client.post("/v1/auth/logout")
            XCTAssertEqual(anonymous.status, 401)
        }
    }

    func testActivationSetsThePasswordOnceAndLogsIn() async throws {
        try await withServer { server in
            let (sys, admin) = try await server.accounts.force("kent")
            _ = sys
            let invited = try await server.accounts.invite("new.officer@kent.police.example", role: "officer", force: "kent", by: admin)
            XCTAssertEqual(invited.code.count, 14)
            // Not usable before activation.
            let early = try await server.client.post("/v1/auth/login", json: ["email": "new.officer@kent.police.example", "password": AccountsFixture.password])
            XCTAssertEqual(early.status, 401)
            // Case, hyphens and spaces do not matter.
            let typed = invited.code.lowercased().replacingOccurrences(of: "-", with: " ")
            let r = try await server.client.post("/v1/auth/activate", json: [
                "email": "New.Officer@kent.police.example", "invitation_code": typed, "password": AccountsFixture.password])
            XCTAssertEqual(r.status, 200, r.text)
            XCTAssertEqual((r.json["user"] as? [String: Any])?["status"] as? String, "active")
            XCTAssertEqual((r.json["user"] as? [String: Any])?["force"] as? String, "kent")
            // Staff tokens live 12 hours.
            let expires = try XCTUnwrap(RFC3339.date(from: r.json["expires_at"] as? String ?? ""))
            XCTAssertEqual(expires.timeIntervalSinceNow, 12 * 3600, accuracy: 120)
            let again = try await server.client.post("/v1/auth/activate", json: [
                "email": "new.officer@kent.police.example", "invitation_code": invited.code, "password": "another password 123"])
            XCTAssertEqual(again.status, 401)
            _ = try await server.accounts.login("new.officer@kent.police.example")
        }
    }

    func testActivationRefusesAWrongOrExpiredCode() async throws {
        try await withServer { server in
            let (_, admin) = try await server.accounts.force("kent")
            let invited = try await server.accounts.invite("o@kent.police.example", role: "officer", force: "kent", by: admin)
            let wrong = try await server.client.post("/v1/auth/activate", json: [
                "email": "o@kent.police.example", "invitation_code": "AAAA-AAAA-AAAA", "password": AccountsFixture.password])
            XCTAssertEqual(wrong.status, 401)
            let otherEmail = try await server.client.post("/v1/auth/activate", json: [
                "email": admin.email, "invitation_code": invited.code, "password": AccountsFixture.password])
            XCTAssertEqual(otherEmail.status, 401)
            try await server.database.execute("UPDATE invitations SET expires_at = now() - interval '1 second'")
            let expired = try await server.client.post("/v1/auth/activate", json: [
                "email": "o@kent.police.example", "invitation_code": invited.code, "password": AccountsFixture.password])
            XCTAssertEqual(expired.status, 401)
            let invalid = try await server.client.post("/v1/auth/activate", json: ["email": "", "invitation_code": 7, "password": "short"])
            XCTAssertEqual(invalid.status, 422)
            XCTAssertEqual(Set(invalid.invalidFields), ["email", "invitation_code", "password"])
        }
    }

    func testMalformedUnknownExpiredAndRevokedCredentialsAre401() async throws {
        try await withServer({ $0.staffTokenLifetime = .seconds(2) }) { server in
            let (_, admin) = try await server.accounts.force("kent")
            let headers: [String] = ["Basic dXNlcjpwYXNz", "Bearer", "Bearer a b", "Bearer " + String(repeating: "a", count: 513),
                                     "Bearer tmc_\u{e9}t\u{e9}", "Bearer tmc_unknown"]
            for value in headers {
                let r = try await server.client.get("/v1/me", headers: [("Authorization", value)])
                XCTAssertEqual(r.status, 401, value)
                XCTAssertEqual(r.header("WWW-Authenticate"), "Bearer")
                XCTAssertEqual(r.problemCode, "unauthenticated")
            }
            let none = try await server.client.get("/v1/me")
            XCTAssertEqual(none.status, 401)
            // Even a public route refuses a bad credential rather than ignoring it.
            let publicRoute = try await server.client.get("/v1/forces", token: "tmc_unknown")
            XCTAssertEqual(publicRoute.status, 401)
            // Any sane bearer string is looked up, e.g. one seeded directly in SQL (benchmarks).
            try await server.database.execute("""
                INSERT INTO tokens (token_hash, user_id, expires_at)
                SELECT sha256(convert_to('0123abcd', 'UTF8')), id, now() + interval '1 hour' FROM users WHERE role = 'admin'
                """)
            let seeded = try await server.client.get("/v1/me", token: "0123abcd")
            XCTAssertEqual(seeded.status, 200)
            // The admin's token has a 2 s lifetime here.
            try await Task.sleep(for: .milliseconds(2300))
            let expired = try await server.client.get("/v1/me", token: admin.token)
            XCTAssertEqual(expired.status, 401)
        }
    }

    func testOperationsEndpointsIgnoreCredentials() async throws {
        try await withServer { server in
            let r = try await server.client.get("/healthz", token: "tmc_unknown")
            XCTAssertEqual(r.status, 200)
        }
    }
}
