import Foundation
import Glibc
import XCTest

/// A PostgreSQL cluster of one test's own, on a loopback port, that the test may stop and start
/// (`scripts/pg-cluster.sh`) without disturbing the shared test cluster.
struct PrivateCluster: Sendable {
    let directory: String
    let port: Int
    /// The cluster's `postgres` database.
    var url: String { "postgresql://postgres@127.0.0.1:\(port)/postgres" }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// initdb and start on a free port.
    static func create() async throws -> PrivateCluster {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("trackmycrime-private-pg-\(UUID().uuidString.prefix(12))").path
        let cluster = PrivateCluster(directory: directory, port: try CommandLineTests.freePort())
        try await cluster.start()
        return cluster
    }

    func start() async throws { try await run("start", String(port)) }

    /// Fast shutdown: sessions are terminated; returns once the cluster is down.
    func stop() async throws { try await run("stop") }

    /// Stops the cluster if it runs and removes its files.
    func destroy() async {
        try? await stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs the script for at most `timeout` seconds; throws with its output when it fails.
    private func run(_ command: String, _ extra: String..., timeout: Double = 120) async throws {
        let script = TestDatabase.repositoryRoot.appendingPathComponent("scripts/pg-cluster.sh").path
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("pg-cluster-\(UUID().uuidString.prefix(8)).out")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: output) }
        let handle = try FileHandle(forWritingTo: output)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script, command, directory] + extra
        // Output to a file: the postmaster pg_ctl starts must not hold a pipe of ours open.
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? handle.close()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            throw Failure(description: "pg-cluster.sh \(command) did not finish within \(timeout) s")
        }
        guard process.terminationStatus == 0 else {
            let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
            throw Failure(description: "pg-cluster.sh \(command) failed (\(process.terminationStatus)): \(text)")
        }
    }
}
