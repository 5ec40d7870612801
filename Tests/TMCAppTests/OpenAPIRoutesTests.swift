import Foundation
import TMCApp
import TMCPostgres
import XCTest

/// `openapi.yaml` and the router must agree: every served route is documented, and every
/// documented operation is served.
final class OpenAPIRoutesTests: XCTestCase {
    func testEveryRouteIsInTheSpecAndEverySpecPathIsServed() throws {
        var configuration = AppConfiguration()
        configuration.databaseURL = "postgresql://nobody@127.0.0.1:1/none"
        let deps = Dependencies(configuration: configuration,
                                database: PostgresPool(configuration: PostgresPoolConfiguration(url: configuration.databaseURL!)),
                                migrations: [], logger: Logger(sink: TestServer.logSink), metrics: Metrics(), openAPIDocument: [])
        let served = Set(Application.makeResponder(deps).router.routes.map { "\($0.method) \($0.pattern)" })
        let documented = try Self.documentedOperations()
        XCTAssertFalse(served.isEmpty)
        XCTAssertEqual(served.subtracting(documented).sorted(), [], "served but not in openapi.yaml")
        XCTAssertEqual(documented.subtracting(served).sorted(), [], "in openapi.yaml but not served")
    }

    /// `METHOD /path` for every operation under `paths:` (two-space paths, four-space methods).
    static func documentedOperations() throws -> Set<String> {
        let text = try String(contentsOf: TestDatabase.repositoryRoot.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        var operations = Set<String>()
        var inPaths = false
        var currentPath: String?
        let methods: Set<String> = ["get", "put", "post", "delete", "patch", "options", "head"]
        for line in text.components(separatedBy: "\n") {
            if line.hasPrefix("paths:") { inPaths = true; continue }
            if inPaths, !line.isEmpty, !line.hasPrefix(" "), !line.hasPrefix("#") { inPaths = false }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":") {
                currentPath = String(line.dropFirst(2).dropLast()).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            } else if line.hasPrefix("    "), !line.hasPrefix("     "), let path = currentPath {
                let key = line.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ":", with: "")
                if methods.contains(key) { operations.insert("\(key.uppercased()) \(path)") }
            }
        }
        return operations
    }
}
