import Foundation
import TMCApp
import TMCPostgres
import XCTest

/// `Idempotency-Key` on creating `POST`s.
final class IdempotencyMiddlewareTests: XCTestCase {
    func testTheSameKeyAndRequestReplaysTheOriginalResponseAndCreatesNothing() async throws {
        try await withServer { server in
            // A retry sends the same bytes (a dictionary's JSON key order is not fixed).
            let body = Array(#"{"email":"once@example.com","password":"correct horse battery","name":"Once"}"#.utf8)
            let headers = [("Content-Type", "application/json"), ("Idempotency-Key", "reg-1")]
            let first = try await server.client.send("POST", "/v1/auth/register", headers: headers, body: body)
            XCTAssertEqual(first.status, 201, first.text)
            XCTAssertNil(first.header("Idempotent-Replayed"))
            let second = try await server.client.send("POST", "/v1/auth/register", headers: headers, body: body)
            XCTAssertEqual(second.status, 201)
            XCTAssertEqual(second.header("Idempotent-Replayed"), "true")
            XCTAssertEqual(second.body, first.body)
            XCTAssertEqual(second.header("Content-Type"), "application/json")
            let count = try await server.database.queryFirst("SELECT count(*)::int AS n FROM users")
            XCTAssertEqual(try count?.decode("n", as: Int.self), 1)
            // The stored response (it holds a token) is not readable from the table.
            let stored = try await server.database.queryFirst("SELECT encode(body, 'escape') AS b FROM idempotency_keys")
            let token = try XCTUnwrap(first.json["token"] as? String)
            XCTAssertFalse(try XCTUnwrap(stored?.decode("b", as: String.self)).contains(token))
        }
    }

    func testTheSameKeyWithAnotherRequestIsAConflict() async throws {
        try await withServer { server in
            let sys = try await server.accounts.sysadmin()
            let first = try await server.client.post("/v1/forces", token: sys.token, json: ["code": "kent", "name": "Kent Police"],
                                                     headers: [("Idempotency-Key", "k")])
            XCTAssertEqual(first.status, 201)
            let other = try await server.client.post("/v1/forces", token: sys.token, json: ["code": "surrey", "name": "Surrey Police"],
                                                     headers: [("Idempotency-Key", "k")])
            XCTAssertEqual(other.status, 409)
            XCTAssertEqual(other.problemCode, "conflict")
            let forces = try await server.client.get("/v1/forces")
            XCTAssertEqual((forces.json["items"] as? [Any])?.count, 1)
        }
    }

    func testKeysBelongToTheirCaller() async throws {
        try await withServer { server in
            let sys = try await server.accounts.sysadmin()
            let other = try await server.accounts.sysadmin(email: "ops2@platform.example")
            let a = try await server.client.post("/v1/forces", token: sys.token, json: ["code": "kent", "name": "Kent Police"],
                                                 headers: [("Idempotency-Key", "same")])
            let b = try await server.client.post("/v1/forces", token: other.token, json: ["code": "surrey", "name": "Surrey Police"],
                                                 headers: [("Idempotency-Key", "same")])
            XCTAssertEqual([a.status, b.status], [201, 201])
        }
    }

    func testAFailedRequestReleasesTheKey() async throws {
        try await withServer { server in
            let bad = try await server.client.post("/v1/auth/register", json: ["email": "x@example.com"], headers: [("Idempotency-Key", "retry")])
            XCTAssertEqual(bad.status, 422)
            let good = try await server.client.post("/v1/auth/register",
                                                    json: ["email": "x@example.com", "password": AccountsFixture.password, "name": "X"],
                                                    headers: [("Idempotency-Key", "retry")])
            XCTAssertEqual(good.status, 201, good.text)
        }
    }

    func testABadKeyIsAValidationError() async throws {
        try await withServer { server in
            for key in [String(repeating: "k", count: 256), "has space"] {
                let r = try await server.client.post("/v1/auth/register",
                                                     json: ["email": "x@example.com", "password": AccountsFixture.password, "name": "X"],
                                                     headers: [("Idempotency-Key", key)])
                XCTAssertEqual(r.status, 422)
                XCTAssertEqual(r.invalidFields, ["Idempotency-Key"])
            }
        }
    }

    func testAnExpiredRecordNoLongerReplays() async throws {
        try await withServer { server in
            let sys = try await server.accounts.sysadmin()
            _ = try await server.client.post("/v1/forces", token: sys.token, json: ["code": "kent", "name": "Kent Police"],
                                             headers: [("Idempotency-Key", "old")])
            try await server.database.execute("UPDATE idempotency_keys SET expires_at = now() - interval '1 second'")
            let again = try await server.client.post("/v1/forces", token: sys.token, json: ["code": "kent", "name": "Kent Police"],
                                                     headers: [("Idempotency-Key", "old")])
            XCTAssertEqual(again.status, 409, "run again: the force exists")
            XCTAssertTrue(again.text.contains("already exists"), again.text)
            XCTAssertNil(again.header("Idempotent-Replayed"))
        }
    }

    func testADuplicateWhileTheFirstIsInFlightIsAConflictUntilItIsReleased() async throws {
        try await withServer { server in
            let service = IdempotencyService(database: server.database)
            let request = IdempotencyService.Request(caller: "address:192.0.2.1", key: "k1", method: "POST", target: "/v1/x", body: Array("{}".utf8))
            let first = try await service.begin(request)
            XCTAssertEqual(first, .proceed)
            do {
                _ = try await service.begin(request)
                XCTFail("a duplicate in flight was let through")
            } catch let problem as Problem {
                XCTAssertEqual(problem.status, 409)
                XCTAssertTrue(problem.detail.contains("still being processed"), problem.detail)
            }
            try await service.release(request)
            let again = try await service.begin(request)
            XCTAssertEqual(again, .proceed)
            try await service.complete(request, status: 201, contentType: "application/json", location: "/v1/x/1", body: Array("{}".utf8))
            let replay = try await service.begin(request)
            XCTAssertEqual(replay, .replay(status: 201, contentType: "application/json", location: "/v1/x/1", body: Array("{}".utf8)))
        }
    }

    /// Found by the contract tests: an anonymous POST with a key already used from the same
    /// address got `409` on routes that need credentials, where it must get `401`.
    func testWithoutCredentialsOnlyThePublicRoutesHoldKeys() async throws {
        try await withServer { server in
            let registered = try await server.client.post("/v1/auth/register",
                                                          json: ["email": "anon@example.com", "password": AccountsFixture.password, "name": "A"],
                                                          headers: [("Idempotency-Key", "shared")])
            XCTAssertEqual(registered.status, 201, registered.text)
            for path in ["/v1/forces", "/v1/cases", "/v1/cases/\(UUID().uuidString.lowercased())/property"] {
                let r = try await server.client.post(path, json: ["name": "x"], headers: [("Idempotency-Key", "shared")])
                XCTAssertEqual(r.status, 401, "\(path): \(r.text)")
                XCTAssertEqual(r.problemCode, "unauthenticated")
            }
            // The public routes still hold an anonymous caller's keys, by address.
            let other = try await server.client.post("/v1/auth/register",
                                                     json: ["email": "anon2@example.com", "password": AccountsFixture.password, "name": "B"],
                                                     headers: [("Idempotency-Key", "shared")])
            XCTAssertEqual(other.status, 409, other.text)
        }
        XCTAssertEqual(Application.anonymousCreatingRoutes, ["/v1/auth/register", "/v1/reports"])
    }

    func testOnlyCreatingRoutesUseIt() {
        XCTAssertEqual(Application.creatingRoutes, ["/v1/auth/register", "/v1/forces", "/v1/forces/{code}/users", "/v1/forces/{code}/api-keys"])
    }
}
