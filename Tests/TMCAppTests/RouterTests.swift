import TMCApp
import TMCPostgres
import TMCHTTP
import XCTest

final class RouterTests: XCTestCase {
    private func router() -> Router {
        var r = Router()
        let ok: RouteHandler = { _ in HTTPResponse(status: 200) }
        r.get("/v1/cases", ok)
        r.post("/v1/cases", ok)
        r.get("/v1/cases/{id}", ok)
        r.patch("/v1/cases/{id}", ok)
        r.get("/v1/cases/{id}/property/{item_id}", ok)
        r.get("/v1/me/unread", ok)
        r.get("/v1/me/{thing}", ok)
        return r
    }

    func testLiteralRouteMatchesWithoutParameters() {
        guard case .found(let route, let params) = router().match(method: "GET", path: "/v1/cases") else { return XCTFail() }
        XCTAssertEqual(route.pattern, "/v1/cases")
        XCTAssertEqual(params, [:])
    }

    func testParametersAreBoundAndPercentDecoded() {
        guard case .found(let route, let params) = router().match(method: "GET", path: "/v1/cases/a%20b/property/x") else { return XCTFail() }
        XCTAssertEqual(route.pattern, "/v1/cases/{id}/property/{item_id}")
        XCTAssertEqual(params, ["id": "a b", "item_id": "x"])
    }

    func testLiteralSegmentWinsOverParameter() {
        guard case .found(let route, _) = router().match(method: "GET", path: "/v1/me/unread") else { return XCTFail() }
        XCTAssertEqual(route.pattern, "/v1/me/unread")
        guard case .found(let other, let params) = router().match(method: "GET", path: "/v1/me/else") else { return XCTFail() }
        XCTAssertEqual(other.pattern, "/v1/me/{thing}")
        XCTAssertEqual(params["thing"], "else")
    }

    func testUnknownPathIsNotFound() {
        guard case .notFound = router().match(method: "GET", path: "/v1/nothing") else { return XCTFail() }
        guard case .notFound = router().match(method: "GET", path: "/v1/cases/") else { return XCTFail() }
        guard case .notFound = router().match(method: "GET", path: "/v1/cases/1/2") else { return XCTFail() }
    }

    func testKnownPathWithOtherMethodListsAllowedMethods() {
        guard case .methodNotAllowed(let allow) = router().match(method: "DELETE", path: "/v1/cases/42") else { return XCTFail() }
        XCTAssertEqual(allow, ["GET", "HEAD", "PATCH"])
    }

    func testHeadIsServedByGet() {
        guard case .found(let route, _) = router().match(method: "HEAD", path: "/v1/cases") else { return XCTFail() }
        XCTAssertEqual(route.method, "GET")
    }
}

final class AppResponderErrorMappingTests: XCTestCase {
    func testPostgresErrorsAreMappedBySQLState() {
        func status(_ code: PostgresError.Code) -> Int? {
            AppResponder.problem(for: PostgresError(code: code, message: "secret detail"))?.status
        }
        XCTAssertEqual(status(.uniqueViolation), 409)
        XCTAssertEqual(status(.foreignKeyViolation), 409)
        XCTAssertEqual(status(.checkViolation), 422)
        XCTAssertEqual(status(.serializationFailure), 503)
        XCTAssertEqual(status(.connectionFailure), 503)
        XCTAssertEqual(status(.adminShutdown), 503)
        XCTAssertNil(status(PostgresError.Code("42601")), "a syntax error is our bug: a 500")
        let problem = AppResponder.problem(for: PostgresError(code: .uniqueViolation, message: "duplicate key value violates unique constraint users_email_unique"))
        XCTAssertFalse(problem?.detail.contains("users_email_unique") ?? true)
    }
}
