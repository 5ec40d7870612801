import Foundation
import TMCApp
import TMCPostgres
import XCTest

/// `/v1/cases/{id}/property`, end to end.
final class PropertyRoutesTests: XCTestCase {
    let bike: [String: Any] = ["kind": "stolen", "category": "bicycle", "description": "Blue road bike", "make": "Trek",
                               "serial_number": "WTU123", "estimated_value_pence": 85_000]

    func testVictimAddsEditsAndWithdraws() async throws {
        let f = try await CasesFixture.make()
        defer { Task { await f.stop() } }
        let id = try await f.createCase(victims: [["email": f.victim1.email, "name": "Val", "enhanced": false],
                                                 ["email": f.victim2.email, "name": "Vic", "enhanced": false]])["id"] as? String ?? ""
        let base = "/v1/cases/\(id)/property"
        let added = try await f.client.post(base, token: f.victim1.token, json: bike)
        XCTAssertEqual(added.status, 201, added.text)
        XCTAssertEqual(added.header("ETag"), "\"1\"")
        XCTAssertEqual(added.json["status"] as? String, "reported")
        XCTAssertEqual(added.json["victim_id"] as? String, f.victim1.idString)
        let item = "\(base)/\(added.json["id"] as? String ?? "")"
        XCTAssertEqual(added.header("Location"), item)

        assertEqual(try await f.client.get(item, token: f.victim2.token).status, 404, "another victim's item")
        assertEqual(try await f.client.get(base, token: f.victim2.token).items.count, 0)
        assertEqual(try await f.client.get(item, token: f.victim3.token).status, 404)
        assertEqual(try await f.client.get(item, token: f.officerB.token).status, 404)
        assertEqual(try await f.client.get(item, token: f.adminA.token).status, 403)
        let staffRead = try await f.client.get(item, token: f.officerA.token)
        XCTAssertEqual(staffRead.header("ETag"), "\"1\"")
        assertEqual(try await f.client.get(base, token: f.integrationA.token).items.count, 1)

        assertEqual(try await f.patch(item, token: f.victim1.token, json: ["colour": "Blue"], ifMatch: nil).status, 428)
        assertEqual(try await f.patch(item, token: f.victim1.token, json: ["colour": "Blue"], ifMatch: "\"2\"").status, 412)
        let edited = try await f.patch(item, token: f.victim1.token, json: ["colour": "Blue", "make": NSNull()], ifMatch: "\"1\"")
        XCTAssertEqual(edited.status, 200, edited.text)
        XCTAssertEqual(edited.header("ETag"), "\"2\"")
        XCTAssertNil(edited.json["make"])
        let ownStatus = try await f.patch(item, token: f.victim1.token, json: ["status": "recovered"], ifMatch: "\"2\"")
        XCTAssertEqual(ownStatus.status, 403, "only staff set recovered or returned")
        let recovered = try await f.patch(item, token: f.officerA.token, json: ["status": "recovered"], ifMatch: "\"2\"")
        XCTAssertEqual(recovered.json["status"] as? String, "recovered")
        let badStatus = try await f.patch(item, token: f.officerA.token, json: ["status": "withdrawn", "kind": NSNull(), "id": "x"], ifMatch: "\"3\"")
        XCTAssertEqual(Set(badStatus.invalidFields), ["status", "kind", "id"])

        assertEqual(try await f.client.send("DELETE", item, token: f.officerA.token).status, 403, "staff never delete")
        assertEqual(try await f.client.send("DELETE", item, token: f.victim2.token).status, 404)
        assertEqual(try await f.client.send("DELETE", item, token: f.victim1.token, headers: [("If-Match", "\"1\"")]).status, 412)
        let withdrawn = try await f.client.send("DELETE", item, token: f.victim1.token)
        XCTAssertEqual(withdrawn.status, 200, withdrawn.text)
        XCTAssertEqual(withdrawn.json["status"] as? String, "withdrawn")
        assertEqual(try await f.client.send("DELETE", item, token: f.victim1.token).json["version"] as? Int, 4, "withdrawing twice changes nothing")
        assertEqual(try await f.patch(item, token: f.officerA.token, json: ["status": "returned"], ifMatch: "\"4\"").status, 409)

        let versions = try await f.client.get(item + "/versions", token: f.victim1.token)
        XCTAssertEqual(versions.status, 200)
        XCTAssertEqual(versions.items.map { $0["version"] as? Int }, [1, 2, 3, 4])
        XCTAssertEqual(versions.items.map { $0["status"] as? String }, ["reported", "reported", "recovered", "withdrawn"])
        XCTAssertEqual(versions.items.first?["make"] as? String, "Trek", "the old version is kept")
        XCTAssertEqual(versions.items.map { $0["changed_by_role"] as? String }, ["victim", "victim", "officer", "victim"])
        assertEqual(try await f.auditCount(id, action: "case.property.read"), 2, "the officer's and the key's reads")
    }

    func testStaffAddAndValidation() async throws {
        let f = try await CasesFixture.make()
        defer { Task { await f.stop() } }
        let id = try await f.createCase(victims: [["email": f.victim1.email, "name": "Val", "enhanced": false],
                                                 ["email": f.victim2.email, "name": "Vic", "enhanced": false]])["id"] as? String ?? ""
        let base = "/v1/cases/\(id)/property"
        assertEqual(try await f.client.post(base, token: f.officerA.token, json: bike).invalidFields, ["victim_id"])
        var forVic = bike
        forVic["victim_id"] = f.victim3.idString
        assertEqual(try await f.client.post(base, token: f.officerA.token, json: forVic).invalidFields, ["victim_id"])
        forVic["victim_id"] = f.victim2.idString
        let added = try await f.client.post(base, token: f.officerA.token, json: forVic)
        XCTAssertEqual(added.status, 201, added.text)
        assertEqual(try await f.client.get(base, token: f.victim2.token).items.count, 1)
        assertEqual(try await f.client.post(base, token: f.victim1.token, json: forVic).invalidFields, ["victim_id"])

        let bad = try await f.client.post(base, token: f.victim1.token, json: [
            "kind": "lost", "category": "phone", "description": "", "estimated_value_pence": -5, "status": "returned",
        ])
        XCTAssertEqual(Set(bad.invalidFields), ["kind", "category", "description", "estimated_value_pence", "status"])
        let category = (bad.json["errors"] as? [[String: Any]])?.first { $0["field"] as? String == "category" }
        XCTAssertTrue((category?["message"] as? String ?? "").contains("mobile_phone"))
        for (who, status) in [(f.integrationA!, 403), (f.adminA!, 403), (f.victim3!, 404), (f.officerB!, 404)] {
            assertEqual(try await f.client.post(base, token: who.token, json: bike).status, status, who.email)
        }
        assertEqual(try await f.client.get(base).status, 401)
    }
}
