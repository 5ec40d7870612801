import Foundation
import Glibc
import TMCApp

/// A response as a test sees it.
struct TestResponse: Sendable {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    var text: String { String(decoding: body, as: UTF8.self) }

    /// The body as a JSON object (empty when it is not one).
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
    }

    /// The `field`s named by a 422 problem.
    var invalidFields: [String] {
        (json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
    }

    var problemCode: String? { json["code"] as? String }
}

/// A small blocking HTTP/1.1 client for end-to-end tests, run on its own thread so that it
/// never blocks Swift's cooperative pool. One connection per request unless `keepAlive` used.
struct TestHTTPClient: Sendable {
    let port: Int
    var host = "127.0.0.1"

    /// Sends one request on a new connection and reads the whole response (Content-Length or
    /// chunked). `json` is encoded as the body with `Content-Type: application/json`.
    func send(_ method: String, _ path: String, token: String? = nil, headers: [(String, String)] = [],
              json: Any? = nil, body: [UInt8]? = nil, timeout: Double = 10) async throws -> TestResponse {
        var allHeaders = headers
        var payload = body ?? []
        if let json {
            payload = Array(try JSONSerialization.data(withJSONObject: json))
            if !allHeaders.contains(where: { $0.0.lowercased() == "content-type" }) {
                allHeaders.append(("Content-Type", "application/json"))
            }
        }
        if let token { allHeaders.append(("Authorization", "Bearer \(token)")) }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n"
        for (n, v) in allHeaders { head += "\(n): \(v)\r\n" }
        if !payload.isEmpty || ["POST", "PUT", "PATCH"].contains(method) { head += "Content-Length: \(payload.count)\r\n" }
        head += "\r\n"
        let raw = Array(head.utf8) + payload
        let bytes = try await TestHTTPClient.exchange(host: host, port: port, request: raw, timeout: timeout)
        return try TestHTTPClient.parse(bytes, method: method)
    }

    func get(_ path: String, token: String? = nil, headers: [(String, String)] = []) async throws -> TestResponse {
        try await send("GET", path, token: token, headers: headers)
    }

    func post(_ path: String, token: String? = nil, json: Any? = nil, headers: [(String, String)] = []) async throws -> TestResponse {
        try await send("POST", path, token: token, headers: headers, json: json ?? [String: Any]())
    }

    /// Writes raw bytes and reads until the server closes or `timeout` passes.
    static func exchange(host: String, port: Int, request: [UInt8], timeout: Double) async throws -> [UInt8] {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                do {
                    continuation.resume(returning: try blockingExchange(host: host, port: port, request: request, timeout: timeout))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.start()
        }
    }

    struct ClientError: Error, CustomStringConvertible {
        var description: String
    }

    static func blockingExchange(host: String, port: Int, request: [UInt8], timeout: Double) throws -> [UInt8] {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ClientError(description: "socket failed") }
        defer { close(fd) }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - floor(timeout)) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &addr.sin_addr)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { throw ClientError(description: "connect to \(host):\(port) failed: errno \(errno)") }
        var sent = 0
        while sent < request.count {
            let n = request.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, request.count - sent, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw ClientError(description: "send failed: errno \(errno)") }
            sent += n
        }
        var response: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, 65536, 0) }
            if n > 0 { response.append(contentsOf: buffer[0..<n]); continue }
            if n == 0 { break }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK {
                if response.isEmpty { throw ClientError(description: "timed out waiting for a response") }
                break
            }
            break
        }
        return response
    }

    static func parse(_ bytes: [UInt8], method: String) throws -> TestResponse {
        guard let headEnd = find([13, 10, 13, 10], in: bytes) else {
            throw ClientError(description: "incomplete response: \(String(decoding: bytes, as: UTF8.self))")
        }
        let head = String(decoding: bytes[0..<headEnd], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, let status = Int(parts[1]) else { throw ClientError(description: "bad status line \(statusLine)") }
        var headers: [(String, String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        var body = Array(bytes[(headEnd + 4)...])
        let chunked = headers.contains { $0.0.lowercased() == "transfer-encoding" && $0.1.lowercased().contains("chunked") }
        if chunked { body = dechunk(body) }
        if method == "HEAD" { body = [] }
        return TestResponse(status: status, headers: headers, body: body)
    }

    static func find(_ needle: [UInt8], in hay: [UInt8], from start: Int = 0) -> Int? {
        guard hay.count >= needle.count, start <= hay.count - needle.count else { return nil }
        for i in start...(hay.count - needle.count) where hay[i] == needle[0] && Array(hay[i..<(i + needle.count)]) == needle {
            return i
        }
        return nil
    }

    static func dechunk(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while let lineEnd = find([13, 10], in: data, from: i) {
            let sizeText = String(decoding: data[i..<lineEnd], as: UTF8.self).split(separator: ";").first ?? ""
            guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { break }
            if size == 0 { break }
            let start = lineEnd + 2
            guard start + size <= data.count else { out.append(contentsOf: data[start...]); break }
            out.append(contentsOf: data[start..<(start + size)])
            i = start + size + 2
        }
        return out
    }
}
