import Foundation
import XCTest
@testable import TMCPostgres

/// Every supported type, sent as a parameter and read back from the real server.
final class PostgresCodingTests: PostgresTestCase, @unchecked Sendable {
    private func roundTrip<T: PostgresEncodable & PostgresDecodable & Equatable>(
        _ pool: PostgresPool, _ value: T, as type: String, file: StaticString = #filePath, line: UInt = #line
    ) async throws {
        let row = try await pool.queryFirst("SELECT \(value)::\(unsafeSQL: type) AS v, \(value)::\(unsafeSQL: type)::text AS t")
        let decoded = try XCTUnwrap(row).decode("v", as: T.self)
        let text = try row?.raw("t")
        XCTAssertEqual(decoded, value, "\(type) text \(String(describing: text))", file: file, line: line)
    }

    func testStrings() async throws {
        let pool = makePool(size: 1)
        for s in ["", "plain", "héllo wörld 🚀 日本語", "quote ' double \" backslash \\ end", "NULL", "  spaced  ",
                  "line\nbreak\ttab", "Robert'); DROP TABLE students;--"] {
            try await roundTrip(pool, s, as: "text")
        }
    }

    func testIntegers() async throws {
        let pool = makePool(size: 1)
        for i in [0, 1, -1, 42, Int.max, Int.min] { try await roundTrip(pool, i, as: "int8") }
        for i in [Int64.max, Int64.min, -7] { try await roundTrip(pool, i, as: "int8") }
        for i in [Int32.max, Int32.min, 0] { try await roundTrip(pool, i, as: "int4") }
        let row = try await pool.queryFirst("SELECT 12::int2 AS small, (-5)::numeric AS n")
        XCTAssertEqual(try row?.decode("small", as: Int.self), 12)
        XCTAssertEqual(try row?.decode("n", as: Int.self), -5)
        XCTAssertThrowsError(try row?.decode("small", as: Bool.self))
    }

    func testBoolAndDouble() async throws {
        let pool = makePool(size: 1)
        try await roundTrip(pool, true, as: "bool")
        try await roundTrip(pool, false, as: "bool")
        for d in [0.0, -0.5, 0.1, 1e300, -1e-300, Double.leastNonzeroMagnitude, 123456.789, Double.infinity, -Double.infinity, Double.pi] {
            try await roundTrip(pool, d, as: "float8")
        }
        let nan = try await pool.queryFirst("SELECT \(Double.nan)::float8 AS v")
        XCTAssertTrue(try XCTUnwrap(nan).decode("v", as: Double.self).isNaN)
    }

    func testUUID() async throws {
        let pool = makePool(size: 1)
        let id = UUID()
        try await roundTrip(pool, id, as: "uuid")
        let row = try await pool.queryFirst("SELECT \(id)::uuid::text AS t")
        XCTAssertEqual(try row?.decode("t", as: String.self), id.uuidString.lowercased())
        XCTAssertEqual(id.postgresText, id.uuidString.lowercased())
        XCTAssertThrowsError(try UUID(postgresText: "not-a-uuid"))
        XCTAssertEqual(try UUID(postgresText: id.uuidString), id)
    }

    func testDates() async throws {
        let pool = makePool(size: 1)
        let dates = [
            Date(timeIntervalSince1970: 1_796_396_732.123456),
            Date(timeIntervalSince1970: 1_796_396_732),
            Date(timeIntervalSince1970: 0),
            Date(timeIntervalSince1970: -1.5),
            Date(timeIntervalSince1970: -2_208_988_800.000001),
            Date(timeIntervalSince1970: 253_402_300_799.999999),
            Date.distantFuture, Date.distantPast,
        ]
        for date in dates { try await roundTrip(pool, date, as: "timestamptz") }
        XCTAssertEqual(Date(timeIntervalSince1970: 1_796_396_732.123456).postgresText, "2026-12-04T15:05:32.123456Z")
        let fetched = try await pool.queryFirst("""
            SELECT '2026-12-04 15:05:32.5+00'::timestamptz AS half, '2026-12-04 15:05:32+00'::timestamptz AS whole,
                   'infinity'::timestamptz AS inf, '-infinity'::timestamptz AS neginf,
                   '2026-12-04 17:05:32.25+02'::timestamptz AS shifted, '2026-12-04'::date AS day,
                   '2026-12-04T15:05:32.123456Z'::timestamptz = \(Date(timeIntervalSince1970: 1_796_396_732.123456)) AS same
            """)
        let row = try XCTUnwrap(fetched)
        XCTAssertEqual(try row.decode("half", as: Date.self), Date(timeIntervalSince1970: 1_796_396_732.5))
        XCTAssertEqual(try row.decode("whole", as: Date.self), Date(timeIntervalSince1970: 1_796_396_732))
        XCTAssertEqual(try row.decode("shifted", as: Date.self), Date(timeIntervalSince1970: 1_796_396_732.25))
        XCTAssertEqual(try row.decode("inf", as: Date.self), .distantFuture)
        XCTAssertEqual(try row.decode("neginf", as: Date.self), .distantPast)
        XCTAssertEqual(try row.decode("day", as: Date.self), Date(timeIntervalSince1970: 1_796_342_400))
        XCTAssertEqual(try row.decode("same", as: Bool.self), true)
        // Text in other spellings, as stored in text columns.
        XCTAssertEqual(try Date(postgresText: "2026-12-04T15:05:32.1234567891Z").timeIntervalSince1970, 1_796_396_732.1234567891, accuracy: 1e-6)
        XCTAssertEqual(try Date(postgresText: "2026-12-04 20:35:32+05:30"), Date(timeIntervalSince1970: 1_796_396_732))
        XCTAssertThrowsError(try Date(postgresText: "2026-13-04 15:05:32+00"))
        XCTAssertThrowsError(try Date(postgresText: "yesterday"))
    }

    func testBytea() async throws {
        let pool = makePool(size: 1)
        let all = (0...255).map { UInt8($0) }
        try await roundTrip(pool, all, as: "bytea")
        try await roundTrip(pool, [UInt8](), as: "bytea")
        let row = try await pool.queryFirst("SELECT length(\(all)::bytea) AS n, get_byte(\(all)::bytea, 200) AS b")
        XCTAssertEqual(try row?.decode("n", as: Int.self), 256)
        XCTAssertEqual(try row?.decode("b", as: Int.self), 200)
    }

    func testArrays() async throws {
        let pool = makePool(size: 1)
        let strings = ["a\"b", "c", "", "NULL", "with space", "{brace}", "back\\slash", "comma,x", "ünï 🚀", "'quote'"]
        try await roundTrip(pool, strings, as: "text[]")
        try await roundTrip(pool, [String](), as: "text[]")
        try await roundTrip(pool, [1, -2, Int.max, Int.min], as: "int8[]")
        try await roundTrip(pool, [UUID(), UUID()], as: "uuid[]")
        try await roundTrip(pool, [true, false], as: "bool[]")
        try await roundTrip(pool, [Date(timeIntervalSince1970: 1_800_000_000.5), Date(timeIntervalSince1970: 0)], as: "timestamptz[]")
        let fetched = try await pool.queryFirst("""
            SELECT array_length(\(strings)::text[], 1) AS n, (\(strings)::text[])[4] IS NULL AS fourth_is_null,
                   ARRAY['x', NULL]::text[] AS with_null, '[0:1]={7,8}'::int[] AS shifted, '{{1,2},{3,4}}'::int[] AS matrix
            """)
        let row = try XCTUnwrap(fetched)
        XCTAssertEqual(try row.decode("n", as: Int.self), strings.count)
        XCTAssertEqual(try row.decode("fourth_is_null", as: Bool.self), false)
        XCTAssertThrowsError(try row.decode("with_null", as: [String].self))
        XCTAssertEqual(try row.decode("shifted", as: [Int].self), [7, 8])
        XCTAssertThrowsError(try row.decode("matrix", as: [Int].self))
    }

    func testNullAndOptional() async throws {
        let pool = makePool(size: 1)
        let missing: String? = nil
        let present: Int? = 5
        let fetched = try await pool.queryFirst("SELECT \(missing)::text AS a, \(present)::int AS b")
        let row = try XCTUnwrap(fetched)
        XCTAssertNil(try row.decode("a", as: String?.self))
        XCTAssertEqual(try row.decode("b", as: Int?.self), 5)
        XCTAssertThrowsError(try row.decode("a", as: String.self)) { error in
            XCTAssertEqual((error as? PostgresDecodingError)?.column, "a")
        }
        XCTAssertThrowsError(try row.decode("nope", as: String.self))
    }

    func testInjectionStaysAValue() async throws {
        let pool = makePool(size: 1)
        try await pool.execute("CREATE TABLE people (name text NOT NULL)")
        let evil = "x'); DROP TABLE people; --"
        try await pool.execute("INSERT INTO people (name) VALUES (\(evil))")
        let row = try await pool.queryFirst("SELECT name, (SELECT count(*) FROM people) AS n FROM people WHERE name = \(evil)")
        XCTAssertEqual(try row?.decode("name", as: String.self), evil)
        XCTAssertEqual(try row?.decode("n", as: Int.self), 1)
        let query: PostgresQuery = "SELECT \(evil) AS v"
        XCTAssertEqual(query.sql, "SELECT $1 AS v")
        XCTAssertFalse(query.description.contains("DROP"))
    }

    func testNulByteIsRefused() async throws {
        let pool = makePool(size: 1)
        let error = await capture { try await pool.query("SELECT \("a\u{0}b")::text") }
        XCTAssertEqual((error as? PostgresError)?.code.raw, "22021")
        // The connection is still fine afterwards.
        let row = try await pool.queryFirst("SELECT 1 AS one")
        XCTAssertEqual(try row?.decode("one", as: Int.self), 1)
    }
}
