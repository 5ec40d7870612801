import Foundation
import XCTest

/// The `trackmycrime` executable as an operator uses it: help, configuration errors, migrate,
/// and serve stopping cleanly on SIGTERM.
final class CommandLineTests: XCTestCase {
    static var binary: URL { ServerProcess.binary }

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    func run(_ arguments: [String], environment: [String: String] = [:], stdin: String? = nil, timeout: TimeInterval = 60) throws -> Outcome {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["DATABASE_URL"] = nil
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { process.terminate(); XCTFail("\(arguments) did not finish") }
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus,
                       stdout: String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self),
                       stderr: String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
    }

    func testHelpListsCommandsAndVariables() throws {
        let r = try run(["--help"])
        XCTAssertEqual(r.status, 0)
        for word in ["serve", "migrate", "DATABASE_URL", "PORT", "CORS_ALLOWED_ORIGINS"] {
            XCTAssertTrue(r.stdout.contains(word), word)
        }
        XCTAssertEqual(try run(["serve", "--help"]).status, 0)
        XCTAssertEqual(try run(["migrate", "--help"]).status, 0)
    }

    func testUnknownCommandIsAUsageError() throws {
        let r = try run(["frobnicate"])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.contains("unknown command"))
    }

    func testBadConfigurationIsAClearError() throws {
        let r = try run(["serve"], environment: ["PORT": "eighty", "DATABASE_URL": "postgresql://x@127.0.0.1:1/x"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("PORT=eighty"), r.stderr)
        let missing = try run(["migrate"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("DATABASE_URL"), missing.stderr)
    }

    func testMigrateThenStatusThenServeStopsOnSigterm() async throws {
        let db = try await TestDatabase.create()
        defer { Task { await TestDatabase.drop(db.name) } }
        let env = ["DATABASE_URL": db.url, "MIGRATIONS_DIR": TestDatabase.migrationsDirectory.path]
        let migrate = try run(["migrate"], environment: env)
        XCTAssertEqual(migrate.status, 0, migrate.stderr)
        XCTAssertTrue(migrate.stdout.contains("nothing to apply"), migrate.stdout)
        let status = try run(["migrate", "--status"], environment: env)
        XCTAssertEqual(status.status, 0)
        XCTAssertTrue(status.stdout.contains("0001"))
        XCTAssertTrue(status.stdout.contains("applied"))

        let port = try Self.freePort()
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = ["serve"]
        var environment = ProcessInfo.processInfo.environment
        environment.merge(env) { $1 }
        environment["PORT"] = String(port)
        environment["HOST"] = "127.0.0.1"
        process.environment = environment
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        let client = TestHTTPClient(port: port)
        var healthy = false
        for _ in 0..<100 {
            if let r = try? await client.get("/healthz"), r.status == 200 { healthy = true; break }
            try await Task.sleep(for: .milliseconds(100))
        }
        XCTAssertTrue(healthy, "server did not come up")
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(20)
        while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        XCTAssertFalse(process.isRunning, "server did not stop on SIGTERM")
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        let log = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertTrue(log.contains("\"route\":\"/healthz\""), "one JSON access-log line per request: \(log)")
        XCTAssertTrue(log.contains("\"msg\":\"stopped\""), log)
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}
