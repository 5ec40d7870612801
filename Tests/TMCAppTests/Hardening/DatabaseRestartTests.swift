import Foundation
import Glibc
import XCTest

/// PostgreSQL restarted under load (issue 7), against the real `trackmycrime serve` executable
/// on a private cluster: while the database is down, requests that need it fail at once with a
/// `503` problem (never a hang, never a `500`), `/readyz` says not ready and `/healthz` still
/// answers; once it is back, the same process recovers by itself: ready again, requests
/// succeed, and live events flow again.
final class DatabaseRestartTests: XCTestCase {
    /// The request types of the load.
    enum Kind: String, Sendable, CaseIterable {
        case caseRead = "case read", messagePost = "message post", reportSubmit = "report submission"
    }

    struct Sample: Sendable {
        var kind: Kind
        var started: Double
        var ended: Double
        var outcome: RequestOutcome
    }

    /// Every request of the load, with when it started and ended (seconds on one clock).
    actor Timeline {
        let origin = ContinuousClock.now
        var samples: [Sample] = []
        func now() -> Double { Self.seconds(ContinuousClock.now - origin) }
        func add(_ s: Sample) { samples.append(s) }
        func successes(_ kind: Kind, after t: Double) -> Int {
            samples.filter { $0.kind == kind && $0.started > t && ($0.outcome.status ?? 0) / 100 == 2 }.count
        }
        static func seconds(_ d: Duration) -> Double {
            Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
        }
    }

    /// The client's timeout, well under the pool's acquire timeout the server is given: an answer
    /// within it shows the server did not wait for a connection that could not come.
    static let clientTimeout = 10.0
    static let acquireTimeoutMilliseconds = 30_000

    func testRequestsFailFastWhileTheDatabaseIsDownAndTheServerRecoversWithoutARestart() async throws {
        let cluster = try await PrivateCluster.create()
        addTeardownBlock { await cluster.destroy() }
        let f = try await CasesFixture.make(database: (name: "postgres", url: cluster.url))
        let caseID = try await f.createCase()["id"] as? String ?? ""
        await f.server.stop(dropDatabase: false)

        let server = try await ServerProcess.start(databaseURL: cluster.url, environment: [
            "RATE_LIMIT_REPORTS_PER_HOUR": "1000000",
            "DB_ACQUIRE_TIMEOUT_MS": String(Self.acquireTimeoutMilliseconds),
        ])
        addTeardownBlock { await server.stop() }
        let pid = server.pid
        let client = server.client
        let timeline = Timeline()
        let stop = StopFlag()
        let load = Self.startLoad(client: client, caseID: caseID, victim: f.victim1.token, timeline: timeline, until: stop)

        // Up: the load flows.
        let warm = try await Self.eventually(seconds: 30) {
            for kind in Kind.allCases { if await timeline.successes(kind, after: 0) < 5 { return false } }
            return true
        }
        XCTAssertTrue(warm, "the load did not get going:\n\(server.log)")
        let streamBefore = try SSETestClient(port: server.port, path: "/v1/events", token: f.victim1.token)
        assertEqual(try await streamBefore.responseHead().status, 200)

        // Down.
        let stopBegan = await timeline.now()
        try await cluster.stop()
        let stopDone = await timeline.now()
        let health = await RequestOutcome.of { try await client.send("GET", "/healthz", timeout: Self.clientTimeout) }
        XCTAssertEqual(health.status, 200, "/healthz while the database is down: \(health)")
        let ready = await RequestOutcome.of { try await client.send("GET", "/readyz", timeout: Self.clientTimeout) }
        XCTAssertEqual(ready.status, 503, "/readyz while the database is down: \(ready)")
        if case .answered(_, _, _, _, let body) = ready {
            XCTAssertEqual(body.object["status"] as? String, "not_ready", body.text)
            XCTAssertEqual(body.object["database"] as? String, "unreachable", body.text)
        }
        // Let the load meet the outage for a while.
        let outageSeen = try await Self.eventually(seconds: 30) {
            let samples = await timeline.samples
            return Kind.allCases.allSatisfy { kind in
                samples.filter { $0.kind == kind && $0.started > stopDone }.count >= 20
            }
        }
        XCTAssertTrue(outageSeen, "too few requests while the database was down")

        // Up again: the same process recovers by itself.
        let startBegan = await timeline.now()
        try await cluster.start()
        let startDone = await timeline.now()
        let readyAgain = try await Self.eventually(seconds: 30) {
            (try? await client.send("GET", "/readyz", timeout: Self.clientTimeout).status) == 200
        }
        XCTAssertTrue(readyAgain, "/readyz did not become ready again")
        let readyAt = await timeline.now()
        let recovered = try await Self.eventually(seconds: 30) {
            for kind in Kind.allCases { if await timeline.successes(kind, after: startDone) < 5 { return false } }
            return true
        }
        XCTAssertTrue(recovered, "requests did not succeed again after the database came back")
        stop.set()
        await load.value
        XCTAssertTrue(server.isRunning)
        XCTAssertEqual(server.pid, pid)

        // Whatever the load saw.
        let samples = await timeline.samples
        let unanswered = samples.filter { if case .noAnswer = $0.outcome { return true } else { return false } }
        XCTAssertTrue(unanswered.isEmpty, "requests without an answer within \(Self.clientTimeout) s: "
                      + "\(unanswered.prefix(3).map { "\($0.kind.rawValue) at \($0.started): \($0.outcome)" })")
        for s in samples {
            guard case .answered(let status, let contentType, let code, let retryAfter, let body) = s.outcome else { continue }
            if status / 100 == 2 { continue }
            XCTAssertEqual(status, 503, "\(s.kind.rawValue) at \(s.started): \(body.text)")
            XCTAssertEqual(contentType, "application/problem+json", "\(s.kind.rawValue) at \(s.started)")
            XCTAssertEqual(code, "service_unavailable", body.text)
            XCTAssertEqual(body.object["status"] as? Int, 503)
            XCTAssertNotNil(retryAfter, "a 503 says when to retry")
        }
        let before = samples.filter { $0.ended < stopBegan }
        XCTAssertTrue(before.allSatisfy { ($0.outcome.status ?? 0) / 100 == 2 }, "failures before the database stopped")
        let down = samples.filter { $0.started > stopDone && $0.ended < startBegan }
        for kind in Kind.allCases {
            let seen = down.filter { $0.kind == kind }
            XCTAssertGreaterThan(seen.count, 0, kind.rawValue)
            XCTAssertTrue(seen.allSatisfy { $0.outcome.status == 503 }, "\(kind.rawValue) while the database was down: "
                          + "\(Set(seen.map { $0.outcome.status ?? 0 }))")
        }

        // After recovery, every request succeeds.
        for kind in Kind.allCases {
            for n in 0..<5 {
                let outcome = await Self.send(kind, n: 1000 + n, client: client, caseID: caseID, victim: f.victim1.token)
                XCTAssertEqual((outcome.status ?? 0) / 100, 2, "\(kind.rawValue) after recovery: \(outcome)")
            }
        }
        // Live events flow again: the hub's listener reconnected and its sequencer runs.
        let streamAfter = try SSETestClient(port: server.port, path: "/v1/events", token: f.victim1.token)
        assertEqual(try await streamAfter.responseHead().status, 200)
        let sent = try await client.post("/v1/cases/\(caseID)/messages", token: f.officerA.token, json: ["body": "Back online."])
        XCTAssertEqual(sent.status, 201, sent.text)
        let messageID = sent.json["id"] as? String ?? "?"
        let delivered = try await Self.eventually(seconds: 15) {
            streamAfter.receivedEvents.contains { $0.event == "message.created" && $0.json["id"] as? String == messageID }
        }
        XCTAssertTrue(delivered, "a message posted after recovery did not reach a new /v1/events stream")
        // A stream that stayed open across the outage carries on too.
        let deliveredToOld = try await Self.eventually(seconds: 15) {
            streamBefore.receivedEvents.contains { $0.event == "message.created" && $0.json["id"] as? String == messageID }
        }
        XCTAssertTrue(deliveredToOld, "a message posted after recovery did not reach a stream opened before the outage")
        streamAfter.disconnect()
        streamBefore.disconnect()

        let stoppedCleanly = await server.stop()
        XCTAssertTrue(stoppedCleanly, "the server did not stop on SIGTERM after the outage")
        if (testRun?.totalFailureCount ?? 1) == 0 { server.removeLog() } else { print("server log kept at \(server.logURL.path)") }

        let downSamples = down.map { $0.ended - $0.started }.sorted()
        print(String(format: "database restart: %d requests (%d while down, slowest answer %.0f ms); down for %.1f s; "
                     + "ready %.1f s after PostgreSQL was up",
                     samples.count, down.count, (downSamples.last ?? 0) * 1000, startDone - stopBegan, readyAt - startDone))
    }

    // MARK: - Load

    static func startLoad(client: TestHTTPClient, caseID: String, victim: String, timeline: Timeline, until stop: StopFlag) -> Task<Void, Never> {
        Task {
            await withTaskGroup(of: Void.self) { group in
                for kind in Kind.allCases {
                    for worker in 0..<2 {
                        group.addTask {
                            var n = worker * 1_000_000
                            while !stop.isSet {
                                n += 1
                                let started = await timeline.now()
                                let outcome = await send(kind, n: n, client: client, caseID: caseID, victim: victim)
                                await timeline.add(Sample(kind: kind, started: started, ended: await timeline.now(), outcome: outcome))
                                try? await Task.sleep(for: .milliseconds(10))
                            }
                        }
                    }
                }
            }
        }
    }

    static func send(_ kind: Kind, n: Int, client: TestHTTPClient, caseID: String, victim: String) async -> RequestOutcome {
        await RequestOutcome.of {
            switch kind {
            case .caseRead:
                return try await client.send("GET", "/v1/cases/\(caseID)", token: victim, timeout: clientTimeout)
            case .messagePost:
                return try await client.send("POST", "/v1/cases/\(caseID)/messages", token: victim,
                                             json: ["body": "Restart test message \(n)"], timeout: clientTimeout)
            case .reportSubmit:
                return try await client.send("POST", "/v1/reports", json: CrashSafetyTests.reportBody(
                    force: "kent", description: "Restart test report \(n): my bicycle was taken.", signedIn: false), timeout: clientTimeout)
            }
        }
    }

    static func eventually(seconds: Double, _ condition: () async throws -> Bool) async throws -> Bool {
        try await CrashSafetyTests.eventually(seconds: seconds, condition)
    }
}
