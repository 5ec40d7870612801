import XCTest
@testable import TMCHTTP

final class HTTPServerTests: XCTestCase {
    func testSmoke() async throws {
        try await withServer { server, port in
            XCTAssertGreaterThan(port, 0)
            let client = try TestClient(port: port)
            try client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            let r = try client.readResponse()
            XCTAssertEqual(r.statusLine, "HTTP/1.1 200 OK")
            XCTAssertEqual(r.bodyText, "hello")
        }
    }
}

final class HTTPServerLifecycleTests: XCTestCase {
    func testStartFailsClearlyWhenThePortIsTaken() async throws {
        try await withServer { _, port in
            var configuration = testConfiguration()
            configuration.port = port
            let second = HTTPServer(configuration: configuration, responder: standardResponder, log: { _ in })
            XCTAssertThrowsError(try second.start()) { error in
                XCTAssertEqual("\(error)", "bind 127.0.0.1:\(port): Address already in use (errno 98)")
                XCTAssertEqual((error as? HTTPServerError)?.errno, 98)
            }
            await second.shutdown()
        }
    }

    func testStartRejectsAHostThatIsNotAnAddress() {
        var configuration = testConfiguration()
        configuration.host = "localhost"
        let server = HTTPServer(configuration: configuration, responder: standardResponder, log: { _ in })
        XCTAssertThrowsError(try server.start())
    }

    func testIPv6Loopback() async throws {
        guard socket(AF_INET6, Int32(SOCK_STREAM.rawValue), 0) >= 0 else { throw XCTSkip("no IPv6") }
        let log = LogCollector()
        try await withServer({ $0.host = "::1" }, log: log) { _, port in
            let client = try TestClient(port: port, host: "::1")
            try client.send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n")
            XCTAssertEqual(try client.readResponse().header("X-Remote"), "::1")
        }
        XCTAssertTrue(log.all.first?.contains("[::1]:") ?? false, "\(log.all)")
    }

    func testLogsStartAndStopOnly() async throws {
        let log = LogCollector()
        try await withServer(log: log) { _, port in
            for _ in 0..<3 {
                let client = try TestClient(port: port)
                try client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                _ = try client.readResponse()
            }
        }
        let lines = log.all
        XCTAssertEqual(lines.count, 3, "\(lines)")
        XCTAssertTrue(lines.first?.contains("listening on 127.0.0.1:") ?? false)
        XCTAssertTrue(lines.last?.contains("stopped") ?? false)
    }

    func testMaxConnectionsMakesExtraClientsWaitThenServesThem() async throws {
        try await withServer({ $0.maxConnections = 2 }) { _, port in
            let first = try TestClient(port: port)
            let second = try TestClient(port: port)
            for client in [first, second] {
                try client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                XCTAssertEqual(try client.readResponse().status, 200)
            }
            // The kernel completes the handshake (backlog), but the server does not serve it.
            let third = try TestClient(port: port)
            try third.send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n")
            XCTAssertTrue(third.readAvailable(within: 0.4).isEmpty)
            _ = consume first
            let r = try third.readResponse()
            XCTAssertEqual(r.status, 200)
            // Still up and serving the others.
            try second.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            XCTAssertEqual(try second.readResponse().bodyText, "hello")
        }
    }

    func testGracefulShutdownFinishesInFlightRequestsAndFreesThePort() async throws {
        var configuration = testConfiguration()
        let server = HTTPServer(configuration: configuration, responder: standardResponder, log: { _ in })
        try server.start()
        let port = server.localPort
        let busy = try TestClient(port: port)
        try busy.send("GET /slow?500 HTTP/1.1\r\nHost: x\r\n\r\n")
        let idle = try TestClient(port: port)
        try idle.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        _ = try idle.readResponse()
        try await Task.sleep(for: .milliseconds(100))

        let shutdown = Task { await server.shutdown() }
        try await Task.sleep(for: .milliseconds(100))
        XCTAssertThrowsError(try TestClient(port: port), "new connections are refused")
        XCTAssertTrue(try idle.isClosedByServer(), "idle connections close at once")
        let r = try busy.readResponse()
        XCTAssertEqual(r.bodyText, "slow 500")
        XCTAssertEqual(r.header("Connection"), "close")
        await shutdown.value
        await server.waitUntilStopped()

        configuration.port = port
        let again = HTTPServer(configuration: configuration, responder: standardResponder, log: { _ in })
        try again.start()
        XCTAssertEqual(again.localPort, port)
        await again.shutdown()
    }

    func testShutdownGivesUpOnHandlersAfterTheDrainTimeout() async throws {
        let server = HTTPServer(configuration: { var c = testConfiguration(); c.drainTimeout = .milliseconds(300); return c }(),
                                responder: standardResponder, log: { _ in })
        try server.start()
        let busy = try TestClient(port: server.localPort)
        try busy.send("GET /slow?5000 HTTP/1.1\r\nHost: x\r\n\r\n")
        try await Task.sleep(for: .milliseconds(100))
        let begin = Date()
        await server.shutdown()
        XCTAssertLessThan(Date().timeIntervalSince(begin), 1.5)
        XCTAssertTrue(try busy.isClosedByServer())
    }

    func testWaitUntilStoppedReturnsAfterShutdown() async throws {
        let server = HTTPServer(configuration: testConfiguration(), responder: standardResponder, log: { _ in })
        try server.start()
        let waiter = Task { await server.waitUntilStopped(); return true }
        await server.shutdown()
        let stopped = await waiter.value
        XCTAssertTrue(stopped)
    }
}
