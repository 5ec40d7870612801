import Foundation
import XCTest
@testable import TMCHTTP

/// A responder made of a closure.
struct ClosureResponder: HTTPResponder {
    let handler: @Sendable (HTTPRequest) async -> HTTPResponse
    func respond(to request: HTTPRequest) async -> HTTPResponse { await handler(request) }
}

/// Collects log lines.
final class LogCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.lock(); lines.append(line); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return lines }
}

/// A thread-safe box for values tests observe from handlers.
final class Probe<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T
    init(_ value: T) { stored = value }
    var value: T {
        get { lock.lock(); defer { lock.unlock() }; return stored }
        set { lock.lock(); stored = newValue; lock.unlock() }
    }
    func mutate(_ body: (inout T) -> Void) { lock.lock(); body(&stored); lock.unlock() }
}

/// The configuration tests start from: loopback, a free port, short timeouts.
func testConfiguration() -> HTTPServerConfiguration {
    var c = HTTPServerConfiguration()
    c.host = "127.0.0.1"
    c.port = 0
    c.eventLoopCount = 2
    c.headTimeout = .seconds(5)
    c.idleTimeout = .seconds(5)
    c.bodyTimeout = .seconds(5)
    c.drainTimeout = .seconds(3)
    return c
}

/// The routes most end-to-end tests use.
let standardResponder = ClosureResponder { request in
    switch request.path {
    case "/":
        return HTTPResponse(status: 200, headers: ["Content-Type": "text/plain"], body: .bytes(Array("hello".utf8)))
    case "/echo":
        var headers: HTTPHeaders = ["X-Method": request.method, "X-Target": request.target, "X-Remote": request.remoteAddress]
        headers.add("X-Version", "\(request.versionMajor).\(request.versionMinor)")
        return HTTPResponse(status: 200, headers: headers, body: .bytes(request.body))
    case "/slow":
        let ms = Int(request.query ?? "") ?? 300
        try? await Task.sleep(for: .milliseconds(ms))
        return HTTPResponse(status: 200, body: .bytes(Array("slow \(ms)".utf8)))
    case "/nocontent":
        return HTTPResponse(status: 204, body: .bytes(Array("ignored".utf8)))
    case "/managed":
        let headers: HTTPHeaders = ["Content-Length": "999", "Transfer-Encoding": "gzip", "Date": "yesterday", "Connection": "upgrade", "X-Kept": "yes"]
        return HTTPResponse(status: 200, headers: headers, body: .bytes(Array("abc".utf8)))
    default:
        return HTTPResponse(status: 404, body: .bytes(Array("not found".utf8)))
    }
}

/// Starts a server, runs `body`, and always shuts it down.
func withServer(
    _ configure: (inout HTTPServerConfiguration) -> Void = { _ in },
    responder: any HTTPResponder = standardResponder,
    protocolErrorResponse: @escaping @Sendable (HTTPProtocolError, HTTPRequest?) -> HTTPResponse = HTTPServer.defaultProtocolErrorResponse,
    log: LogCollector = LogCollector(),
    _ body: (HTTPServer, Int) async throws -> Void
) async throws {
    var configuration = testConfiguration()
    configure(&configuration)
    let server = HTTPServer(configuration: configuration, responder: responder, protocolErrorResponse: protocolErrorResponse, log: { log.append($0) })
    try server.start()
    do {
        try await body(server, server.localPort)
    } catch {
        await server.shutdown()
        throw error
    }
    await server.shutdown()
}
