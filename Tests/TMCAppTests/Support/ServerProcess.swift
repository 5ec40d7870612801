import Foundation
import Glibc
import TMCApp
import XCTest

/// The built `trackmycrime` executable running `serve` as a child process, on a loopback port
/// it picks itself (PORT=0, read back from its "listening" log line). Its output goes to a file,
/// never to a pipe nobody reads (a full pipe would block the server).
final class ServerProcess: @unchecked Sendable {
    let process: Process
    let port: Int
    let logURL: URL
    var pid: Int32 { process.processIdentifier }
    var client: TestHTTPClient { TestHTTPClient(port: port) }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The executable next to the running test bundle (`swift build --build-tests` builds both
    /// into `.build/<triple>/debug`), else under the repository's `.build/debug`.
    static let binary: URL = {
        var candidates: [URL] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append(URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("trackmycrime"))
        }
        if let exe = Bundle.main.executableURL {
            candidates.append(exe.deletingLastPathComponent().appendingPathComponent("trackmycrime"))
        }
        let build = TestDatabase.repositoryRoot.appendingPathComponent(".build")
        candidates.append(build.appendingPathComponent("debug/trackmycrime"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates.last!
    }()

    /// The environment a served instance gets: loopback only, the repository's migrations and
    /// OpenAPI document, no access log; `extra` overrides.
    static func environment(databaseURL: String, _ extra: [String: String] = [:]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        // Whatever configuration the test runner has must not reach the child.
        for (name, _) in AppConfiguration.documentation { env[name] = nil }
        env["DATABASE_URL"] = databaseURL
        env["HOST"] = "127.0.0.1"
        env["PORT"] = "0"
        env["MIGRATIONS_DIR"] = TestDatabase.migrationsDirectory.path
        env["OPENAPI_PATH"] = TestDatabase.repositoryRoot.appendingPathComponent("openapi.yaml").path
        env["LOG_REQUESTS"] = "false"
        env["EVENT_LOOPS"] = "2"
        env["BCRYPT_COST"] = "4"
        env["SWIFT_BACKTRACE"] = "enable=no"
        for (k, v) in extra { env[k] = v }
        return env
    }

    /// Starts `trackmycrime serve` and returns once it listens (at most `timeout` seconds).
    static func start(databaseURL: String, environment extra: [String: String] = [:], timeout: Double = 60) async throws -> ServerProcess {
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw Failure(description: "no trackmycrime executable at \(binary.path): build it with swift build --build-tests")
        }
        let logURL = FileManager.default.temporaryDirectory
            .appendingPathComponent("trackmycrime-child-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString.prefix(8)).log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)
        let process = Process()
        process.executableURL = binary
        process.arguments = ["serve"]
        process.environment = environment(databaseURL: databaseURL, extra)
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? log.close()
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let port = listeningPort(in: logURL) {
                return ServerProcess(process: process, port: port, logURL: logURL)
            }
            if !process.isRunning {
                throw Failure(description: "trackmycrime serve exited (\(process.terminationStatus)) before listening:\n\(text(of: logURL))")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        throw Failure(description: "trackmycrime serve did not listen within \(timeout) s:\n\(text(of: logURL))")
    }

    private init(process: Process, port: Int, logURL: URL) {
        self.process = process
        self.port = port
        self.logURL = logURL
    }

    /// The port of the first `{"msg":"listening",…,"port":"N"}` line.
    private static func listeningPort(in url: URL) -> Int? {
        for line in text(of: url).split(separator: "\n") where line.contains("\"msg\":\"listening\"") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
            if let port = (object["port"] as? String).flatMap(Int.init) ?? object["port"] as? Int, port > 0 { return port }
        }
        return nil
    }

    private static func text(of url: URL) -> String {
        (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }

    var log: String { Self.text(of: logURL) }

    var isRunning: Bool { process.isRunning }

    /// SIGKILL: no drain, no flush, nothing. Returns once the process is gone.
    func killHard() async {
        kill(pid, SIGKILL)
        await waitForExit(seconds: 30)
    }

    /// SIGTERM, as an operator stops it; SIGKILL if it has not exited after `seconds`.
    /// Returns whether it exited by itself.
    @discardableResult
    func stop(seconds: Double = 20) async -> Bool {
        guard process.isRunning else { return true }
        kill(pid, SIGTERM)
        if await waitForExit(seconds: seconds) { return true }
        kill(pid, SIGKILL)
        await waitForExit(seconds: 30)
        return false
    }

    @discardableResult
    private func waitForExit(seconds: Double) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        return !process.isRunning
    }

    /// Removes the log file (call after a passing test; a failing one keeps it for reading).
    func removeLog() { try? FileManager.default.removeItem(at: logURL) }
}
