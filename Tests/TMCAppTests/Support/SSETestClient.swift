import Foundation
import Glibc

/// One event read from a `text/event-stream`.
struct SSEEvent: Sendable, Equatable {
    var id: String?
    var event: String?
    var data: String

    /// `data` as a JSON object.
    var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(data.utf8))) as? [String: Any] ?? [:] }
}

/// A streaming Server-Sent Events client over a raw socket: a thread reads the chunked body
/// as it arrives and parses events; tests wait for them with deadlines.
final class SSETestClient: @unchecked Sendable {
    struct Head: Sendable {
        var status: Int
        var headers: [(String, String)]
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    }

    private let lock = NSLock()
    private var fd: Int32 = -1
    // Guarded by `lock`.
    private var head: Head?
    private var headBody: [UInt8] = []
    private var events: [SSEEvent] = []
    private var comments: [String] = []
    private var finishedCleanly = false
    private var closed = false

    /// Connects and sends `GET path`; returns at once (the response is read in the background).
    /// `reading: false` leaves the response unread (a client too slow) until `startReading()`;
    /// `receiveBuffer` shrinks the socket's receive buffer for that.
    init(port: Int, path: String, token: String? = nil, headers: [(String, String)] = [], reading: Bool = true,
         receiveBuffer: Int32? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestHTTPClient.ClientError(description: "socket failed") }
        if var size = receiveBuffer {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else { close(fd); throw TestHTTPClient.ClientError(description: "connect failed: errno \(errno)") }
        var text = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAccept: text/event-stream\r\n"
        if let token { text += "Authorization: Bearer \(token)\r\n" }
        for (n, v) in headers { text += "\(n): \(v)\r\n" }
        text += "\r\n"
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress!, bytes.count, Int32(MSG_NOSIGNAL)) }
        if reading { startReading() }
    }

    /// Starts the background reader (once).
    func startReading() {
        let reader = Thread { [self] in readLoop() }
        reader.stackSize = 256 * 1024
        reader.start()
    }

    deinit { disconnect() }

    /// Closes the socket (the server sees the client go).
    func disconnect() {
        lock.withLock {
            if fd >= 0 { shutdown(fd, Int32(SHUT_RDWR)) }
        }
    }

    private func readLoop() {
        var raw: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        var body: [UInt8] = []
        var text = ""
        var headParsed = false
        var chunkedDone = false
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, 16384, 0) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            raw.append(contentsOf: buffer[0..<n])
            if !headParsed {
                guard let end = TestHTTPClient.find([13, 10, 13, 10], in: raw) else { continue }
                let lines = String(decoding: raw[0..<end], as: UTF8.self).components(separatedBy: "\r\n")
                let status = Int(lines[0].split(separator: " ")[1]) ?? 0
                let headers = lines.dropFirst().compactMap { line -> (String, String)? in
                    guard let colon = line.firstIndex(of: ":") else { return nil }
                    return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
                }
                raw.removeFirst(end + 4)
                headParsed = true
                lock.withLock { head = Head(status: status, headers: headers) }
            }
            if let h = lock.withLock({ head }), h.header("Transfer-Encoding") == nil {
                // A whole (error) body: read its Content-Length.
                body.append(contentsOf: raw)
                raw = []
                if body.count >= Int(h.header("Content-Length") ?? "0") ?? 0 { break }
                continue
            }
            // De-chunk what is complete.
            while let lineEnd = TestHTTPClient.find([13, 10], in: raw) {
                let sizeText = String(decoding: raw[0..<lineEnd], as: UTF8.self)
                guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { break }
                if size == 0 { chunkedDone = true; break }
                guard raw.count >= lineEnd + 2 + size + 2 else { break }
                text += String(decoding: raw[(lineEnd + 2)..<(lineEnd + 2 + size)], as: UTF8.self)
                raw.removeFirst(lineEnd + 2 + size + 2)
            }
            parse(&text)
            if chunkedDone { break }
        }
        lock.withLock {
            headBody = body
            finishedCleanly = chunkedDone
            closed = true
            close(fd)
            fd = -1
        }
    }

    private func parse(_ text: inout String) {
        while let range = text.range(of: "\n\n") {
            let frame = String(text[..<range.lowerBound])
            text.removeSubrange(..<range.upperBound)
            var event = SSEEvent(id: nil, event: nil, data: "")
            var dataLines: [String] = []
            var comment: String?
            for line in frame.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix(":") { comment = line.dropFirst().trimmingCharacters(in: .whitespaces); continue }
                guard let colon = line.firstIndex(of: ":") else { continue }
                let field = String(line[..<colon])
                var value = line[line.index(after: colon)...]
                if value.hasPrefix(" ") { value = value.dropFirst() }
                switch field {
                case "id": event.id = String(value)
                case "event": event.event = String(value)
                case "data": dataLines.append(String(value))
                default: break
                }
            }
            event.data = dataLines.joined(separator: "\n")
            lock.withLock {
                if !dataLines.isEmpty { events.append(event) }
                if let comment { comments.append(comment) }
            }
        }
    }

    /// The response head, once it arrived (within `timeout`).
    func responseHead(within timeout: Duration = .seconds(5)) async throws -> Head {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let head = lock.withLock({ head }) { return head }
            try await Task.sleep(for: .milliseconds(5))
        }
        throw TestHTTPClient.ClientError(description: "no response head")
    }

    /// The body of a response that was not a stream (an error), once the server closed.
    func wholeBody(within timeout: Duration = .seconds(5)) async throws -> String {
        _ = await waitClosed(within: timeout)
        return lock.withLock { String(decoding: headBody, as: UTF8.self) }
    }

    /// Waits until at least `count` events arrived; returns all received so far.
    @discardableResult
    func waitForEvents(_ count: Int, within timeout: Duration = .seconds(5)) async throws -> [SSEEvent] {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let got = lock.withLock { events }
            if got.count >= count { return got }
            try await Task.sleep(for: .milliseconds(5))
        }
        return lock.withLock { events }
    }

    var receivedEvents: [SSEEvent] { lock.withLock { events } }
    var receivedComments: [String] { lock.withLock { comments } }

    /// Waits for the server to end the stream; true when it did, with the final empty chunk.
    func waitClosed(within timeout: Duration = .seconds(5)) async -> (closed: Bool, cleanly: Bool) {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let (c, clean) = lock.withLock { (closed, finishedCleanly) }
            if c { return (true, clean) }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return (false, false)
    }
}
