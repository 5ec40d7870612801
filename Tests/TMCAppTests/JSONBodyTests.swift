import Foundation
import TMCApp
import TMCHTTP
import XCTest

final class JSONBodyTests: XCTestCase {
    private func request(_ json: String, contentType: String? = "application/json") -> HTTPRequest {
        var headers = HTTPHeaders()
        if let contentType { headers.add("Content-Type", contentType) }
        return HTTPRequest(method: "POST", target: "/x", headers: headers, body: Array(json.utf8))
    }

    private func problem(_ body: () throws -> Void) -> Problem? {
        do { try body(); return nil } catch { return error as? Problem }
    }

    enum Colour: String, CaseIterable { case red, green }

    func testMissingContentTypeIs415() {
        XCTAssertEqual(problem { _ = try JSONBody(request("{}", contentType: nil)) }?.status, 415)
        XCTAssertEqual(problem { _ = try JSONBody(request("{}", contentType: "text/plain")) }?.status, 415)
    }

    func testContentTypeParametersAndCaseAreAccepted() {
        XCTAssertNil(problem { _ = try JSONBody(request("{}", contentType: "Application/JSON; charset=utf-8")) })
        for accepted in ["application/json", " \tapplication/json \t", "APPLICATION/JSON;charset=UTF-8", "application/json ; x=y"] {
            XCTAssertNil(problem { _ = try JSONBody(request("{}", contentType: accepted)) }, accepted)
        }
        for refused in ["", " ", ";", "application/jsonx", "application/ json", "text/json", "application/json-patch+json", "application/jsön"] {
            XCTAssertEqual(problem { _ = try JSONBody(request("{}", contentType: refused)) }?.status, 415, refused)
        }
    }

    func testMergePatchOnlyWhereAllowed() {
        XCTAssertEqual(problem { _ = try JSONBody(request("{}", contentType: "application/merge-patch+json")) }?.status, 415)
        XCTAssertNil(problem { _ = try JSONBody(request("{}", contentType: "application/merge-patch+json"), allowMergePatch: true) })
    }

    func testMalformedJSONIs400() {
        let p = problem { _ = try JSONBody(request("{\"a\": ")) }
        XCTAssertEqual(p?.status, 400)
        XCTAssertEqual(p?.code, "bad_request")
        // Ambiguous or not JSON at all, though some parsers take them.
        for text in ["{\"a\": 1,}", "{\"body\": \"x\", \"body\": \"y\"}", "{\"a\": NaN}", "{\"a\": 1} // note"] {
            XCTAssertEqual(problem { _ = try JSONBody(request(text)) }?.status, 400, text)
        }
    }

    func testNonObjectIs422() {
        XCTAssertEqual(problem { _ = try JSONBody(request("[1,2]")) }?.status, 422)
    }

    func testEveryBadFieldIsNamed() throws {
        let body = try JSONBody(request("""
        {"name": "  ", "age": "x", "flag": 1, "colour": "blue", "when": "yesterday",
         "victims": [{"email": "a@b.c"}, {"email": 5}], "location": {"lat": 100}}
        """))
        _ = body.string("name")
        _ = body.int("age")
        _ = body.bool("flag")
        _ = body.oneOf("colour", Colour.self)
        _ = body.date("when")
        _ = body.string("missing")
        for v in body.objects("victims") ?? [] { _ = v.string("email") }
        _ = body.object("location")?.double("lat", min: -90, max: 90)
        let p = problem { try body.finish() }
        XCTAssertEqual(p?.status, 422)
        XCTAssertEqual(p?.errors.map(\.field), ["name", "age", "flag", "colour", "when", "missing", "victims[1].email", "location.lat"])
    }

    func testGoodValuesAreRead() throws {
        let body = try JSONBody(request("""
        {"name": " Ann ", "age": 42, "flag": false, "colour": "red", "when": "2026-12-04T15:05:32Z", "value": 2.5}
        """))
        XCTAssertEqual(body.string("name"), "Ann")
        XCTAssertEqual(body.int("age", min: 0, max: 150), 42)
        XCTAssertEqual(body.bool("flag"), false)
        XCTAssertEqual(body.oneOf("colour", Colour.self), .red)
        XCTAssertEqual(body.date("when").map(RFC3339.string(from:)), "2026-12-04T15:05:32Z")
        XCTAssertEqual(body.double("value"), 2.5)
        XCTAssertNil(body.string("absent", required: false))
        XCTAssertNoThrow(try body.finish())
    }

    func testStringsAreTrimmedAsFoundationTrimsThem() throws {
        let values = ["x", " x", "x ", "\u{A0}x\u{2003}", "\n\tx y\r\n", "", "   ", "\u{85}x", "x\u{2029}", "é", "😀 ", "a b"]
        for v in values {
            let json = String(decoding: try JSONSerialization.data(withJSONObject: ["v": v]), as: UTF8.self)
            let body = try JSONBody(request(json))
            XCTAssertEqual(body.string("v", minLength: 0), v.trimmingCharacters(in: .whitespacesAndNewlines), v.debugDescription)
        }
    }

    func testLengthCountsUnicodeCodePoints() throws {
        let body = try JSONBody(request("{\"a\": \"ééé\", \"b\": \"éééé\"}"))
        XCTAssertEqual(body.string("a", maxLength: 3), "ééé")
        XCTAssertNil(body.string("b", maxLength: 3))
        XCTAssertEqual(body.errors.map(\.field), ["b"])
    }

    func testWholeNumbersOnlyForInt() throws {
        let body = try JSONBody(request("{\"a\": 1.5, \"b\": true}"))
        XCTAssertNil(body.int("a"))
        XCTAssertNil(body.int("b"))
        XCTAssertEqual(body.errors.count, 2)
    }
}
