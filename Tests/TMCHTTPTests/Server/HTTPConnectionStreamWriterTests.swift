import Foundation
import XCTest
@testable import TMCHTTP

/// Streamed (chunked) responses: incremental delivery, slow clients, disconnects, shutdown.
final class HTTPConnectionStreamWriterTests: XCTestCase {
    func testStreamArrivesIncrementallyThenKeepAliveContinues() async throws {
        let responder = ClosureResponder { request in
            if request.path != "/stream" { return HTTPResponse(status: 200, body: .bytes(Array("after".utf8))) }
            return HTTPResponse(status: 200, headers: ["Content-Type": "text/event-stream", "Content-Length": "5"], body: .stream { writer in
                for i in 0..<3 {
                    try await writer.write(Array("data: \(i)\n\n".utf8))
                    try await writer.write([])  // must not end the body
                    try await Task.sleep(for: .milliseconds(150))
                }
            })
        }
        try await withServer(responder: responder) { _, port in
            let client = try TestClient(port: port)
            try client.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n")
            let start = Date()
            var arrivals: [TimeInterval] = []
            let r = try client.readResponse { _ in arrivals.append(Date().timeIntervalSince(start)) }
            XCTAssertEqual(r.header("Transfer-Encoding"), "chunked")
            XCTAssertNil(r.header("Content-Length"))
            XCTAssertEqual(r.header("Content-Type"), "text/event-stream")
            XCTAssertEqual(r.chunks.map { String(decoding: $0, as: UTF8.self) }, ["data: 0\n\n", "data: 1\n\n", "data: 2\n\n"])
            // The first chunk came long before the stream ended.
            XCTAssertLessThan(arrivals.first ?? 1, 0.1)
            XCTAssertGreaterThan(arrivals.last ?? 0, 0.25)
            try client.send("GET /next HTTP/1.1\r\nHost: x\r\n\r\n")
            XCTAssertEqual(try client.readResponse().bodyText, "after")
        }
    }

    func testSlowReaderMakesTheWriterThrowClientTooSlow() async throws {
        let outcome = Probe<String>("pending")
        let responder = ClosureResponder { _ in
            HTTPResponse(status: 200, body: .stream { writer in
                let block = [UInt8](repeating: UInt8(ascii: "x"), count: 64 * 1024)
                do {
                    for _ in 0..<4096 { try await writer.write(block) }
                    outcome.value = "never failed"
                } catch let error as HTTPStreamError {
                    outcome.value = "\(error)"
                    throw error
                }
            })
        }
        try await withServer({ $0.maxStreamBufferBytes = 256 * 1024 }, responder: responder) { _, port in
            let client = try TestClient(port: port)
            try client.send("GET /flood HTTP/1.1\r\nHost: x\r\n\r\n")
            // Never read: the socket buffers fill, then the server's queue passes the limit.
            for _ in 0..<100 where outcome.value == "pending" { try await Task.sleep(for: .milliseconds(20)) }
            XCTAssertEqual(outcome.value, "clientTooSlow")
        }
    }

    func testStreamIsCancelledWhenTheClientDisconnects() async throws {
        let outcome = Probe<String>("running")
        let responder = ClosureResponder { _ in
            HTTPResponse(status: 200, body: .stream { writer in
                do {
                    while true {
                        try await writer.write(Array("tick\n".utf8))
                        try await Task.sleep(for: .milliseconds(20))
                    }
                } catch is CancellationError {
                    outcome.value = "cancelled"
                } catch let error as HTTPStreamError {
                    outcome.value = Task.isCancelled ? "cancelled" : "\(error)"
                }
            })
        }
        try await withServer(responder: responder) { _, port in
            var client: TestClient? = try TestClient(port: port)
            try client?.send("GET /ticks HTTP/1.1\r\nHost: x\r\n\r\n")
            XCTAssertFalse(client?.readAvailable(within: 1).isEmpty ?? true)
            client = nil  // closes the socket
            for _ in 0..<100 where outcome.value == "running" { try await Task.sleep(for: .milliseconds(20)) }
            XCTAssertEqual(outcome.value, "cancelled")
        }
    }

    func testShutdownCancelsStreamsAndEndsTheirBody() async throws {
        let started = Probe(false)
        let responder = ClosureResponder { _ in
            HTTPResponse(status: 200, body: .stream { writer in
                try await writer.write(Array("first".utf8))
                started.value = true
                try await Task.sleep(for: .seconds(30))
            })
        }
        var configuration = testConfiguration()
        configuration.drainTimeout = .seconds(5)
        let server = HTTPServer(configuration: configuration, responder: responder, log: { _ in })
        try server.start()
        let client = try TestClient(port: server.localPort)
        try client.send("GET /s HTTP/1.1\r\nHost: x\r\n\r\n")
        for _ in 0..<100 where !started.value { try await Task.sleep(for: .milliseconds(10)) }
        let begin = Date()
        await server.shutdown()
        XCTAssertLessThan(Date().timeIntervalSince(begin), 2)
        let r = try client.readResponse()
        XCTAssertEqual(r.bodyText, "first")
        XCTAssertEqual(r.header("Transfer-Encoding"), "chunked")
        XCTAssertTrue(try client.isClosedByServer())
    }
}
