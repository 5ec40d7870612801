#if canImport(Glibc)
import Glibc
#endif
import Foundation

struct TestClientError: Error, CustomStringConvertible {
    var description: String
}

/// A response as read off the wire.
struct TestResponse {
    var statusLine: String
    var headers: [(name: String, value: String)]
    var body: [UInt8]
    /// Each chunk as it arrived, for chunked bodies.
    var chunks: [[UInt8]] = []

    var status: Int { Int(statusLine.split(separator: " ").dropFirst().first ?? "") ?? 0 }
    var bodyText: String { String(decoding: body, as: UTF8.self) }

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    func headerCount(_ name: String) -> Int {
        headers.filter { $0.name.lowercased() == name.lowercased() }.count
    }
}

/// A small blocking HTTP client over a raw loopback socket, with a read timeout on every read,
/// so that a test can send exactly the bytes it wants and check exactly what comes back.
final class TestClient {
    let fd: Int32
    private var buffer: [UInt8] = []

    init(port: Int, host: String = "127.0.0.1", timeout: Double = 5) throws {
        let v6 = host.contains(":")
        fd = socket(v6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestClientError(description: "socket: \(errno)") }
        var tv = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let rc: Int32
        if v6 {
            var addr = sockaddr_in6()
            addr.sin6_family = sa_family_t(AF_INET6)
            addr.sin6_port = in_port_t(UInt16(port).bigEndian)
            inet_pton(AF_INET6, host, &addr.sin6_addr)
            rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) } }
        } else {
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = in_port_t(UInt16(port).bigEndian)
            inet_pton(AF_INET, host, &addr.sin_addr)
            rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        }
        guard rc == 0 else {
            let err = errno
            Glibc.close(fd)
            throw TestClientError(description: "connect: errno \(err)")
        }
    }

    deinit { Glibc.close(fd) }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw TestClientError(description: "send: errno \(errno)") }
            offset += n
        }
    }

    /// Sends `text` one byte at a time, `interval` seconds apart.
    func trickle(_ text: String, interval: Double) throws {
        for b in text.utf8 {
            try send([b])
            Thread.sleep(forTimeInterval: interval)
        }
    }

    func shutdownWrite() { Glibc.shutdown(fd, Int32(SHUT_WR)) }

    /// Reads more bytes into the buffer; false at EOF. Throws on timeout or error.
    @discardableResult
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n > 0 {
            buffer.append(contentsOf: chunk[0..<n])
            return true
        }
        if n == 0 { return false }
        let err = errno
        if err == EAGAIN || err == EWOULDBLOCK { throw TestClientError(description: "read timed out") }
        if err == ECONNRESET { return false }
        throw TestClientError(description: "recv: errno \(err)")
    }

    private func readLine() throws -> String {
        while true {
            if let lf = buffer.firstIndex(of: 10) {
                var line = Array(buffer[..<lf])
                buffer.removeSubrange(...lf)
                if line.last == 13 { line.removeLast() }
                return String(decoding: line, as: UTF8.self)
            }
            guard try fill() else { throw TestClientError(description: "EOF while reading a line") }
        }
    }

    private func readExactly(_ count: Int) throws -> [UInt8] {
        while buffer.count < count {
            guard try fill() else { throw TestClientError(description: "EOF while reading \(count) bytes") }
        }
        let bytes = Array(buffer[..<count])
        buffer.removeSubrange(..<count)
        return bytes
    }

    /// Reads one response. `head: true` when it answers a HEAD request (no body follows).
    func readResponse(head: Bool = false, onChunk: (([UInt8]) -> Void)? = nil) throws -> TestResponse {
        let statusLine = try readLine()
        var headers: [(String, String)] = []
        while true {
            let line = try readLine()
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: ":") else { throw TestClientError(description: "bad header line \(line)") }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        var response = TestResponse(statusLine: statusLine, headers: headers, body: [])
        let status = response.status
        if head || (100...199).contains(status) || status == 204 || status == 304 { return response }
        if let te = response.header("Transfer-Encoding"), te.lowercased() == "chunked" {
            while true {
                let sizeLine = try readLine()
                guard let size = Int(sizeLine.split(separator: ";").first ?? "", radix: 16) else {
                    throw TestClientError(description: "bad chunk size \(sizeLine)")
                }
                if size == 0 {
                    while try !readLine().isEmpty {}
                    break
                }
                let chunk = try readExactly(size)
                _ = try readExactly(2)
                response.body += chunk
                response.chunks.append(chunk)
                onChunk?(chunk)
            }
        } else if let cl = response.header("Content-Length"), let n = Int(cl) {
            response.body = try readExactly(n)
        } else {
            response.body = try readToEnd()
        }
        return response
    }

    /// Everything until the server closes.
    func readToEnd() throws -> [UInt8] {
        while try fill() {}
        defer { buffer.removeAll() }
        return buffer
    }

    /// True when the server closes the connection (EOF or reset) before `timeout` passes with no data.
    func isClosedByServer() throws -> Bool {
        let rest = try readToEnd()
        return rest.isEmpty
    }

    /// Waits up to `seconds` for bytes; returns whatever arrived (empty on silence).
    func readAvailable(within seconds: Double) -> [UInt8] {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        if buffer.isEmpty, poll(&pfd, 1, Int32(seconds * 1000)) <= 0 { return [] }
        if buffer.isEmpty { _ = try? fill() }
        defer { buffer.removeAll() }
        return buffer
    }
}
