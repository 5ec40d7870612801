import Foundation
import Synchronization

/// Where log lines go: standard output, buffered so that a busy server makes few writes.
/// Lines are flushed when the buffer passes 64 KiB, every 200 ms, and on `flush()`.
public final class LogSink: Sendable {
    private let buffer = Mutex<[UInt8]>([])
    private let fd: Int32
    private let flushThreshold = 64 * 1024

    public static let standardOutput = LogSink(fileDescriptor: 1)

    public init(fileDescriptor: Int32) {
        self.fd = fileDescriptor
        let flusher = Thread { [weak self] in
            while let sink = self {
                sink.flush()
                Thread.sleep(forTimeInterval: 0.2)
            }
        }
        flusher.name = "log-flush"
        flusher.start()
    }

    /// Appends one line (a newline is added).
    public func write(_ line: String) {
        let pending: [UInt8]? = buffer.withLock { buf in
            buf.append(contentsOf: line.utf8)
            buf.append(10)
            if buf.count >= flushThreshold {
                let out = buf
                buf.removeAll(keepingCapacity: true)
                return out
            }
            return nil
        }
        if let pending { writeAll(pending) }
    }

    public func flush() {
        let pending = buffer.withLock { buf -> [UInt8] in
            let out = buf
            buf.removeAll(keepingCapacity: true)
            return out
        }
        if !pending.isEmpty { writeAll(pending) }
    }

    private func writeAll(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR || errno == EAGAIN { continue }
                    return
                }
                offset += n
            }
        }
    }
}

/// A structured JSON log line: `{"time":…,"level":…,"msg":…, …}`.
public struct LogLine {
    private var fields: [(String, String)] = []

    public init(level: String, message: String) {
        fields.append(("time", JSONText.quote(RFC3339.string(from: Date()))))
        fields.append(("level", JSONText.quote(level)))
        fields.append(("msg", JSONText.quote(message)))
    }

    public mutating func add(_ key: String, _ value: String) { fields.append((key, JSONText.quote(value))) }
    public mutating func add(_ key: String, _ value: Int) { fields.append((key, String(value))) }
    public mutating func add(_ key: String, _ value: Double) { fields.append((key, String(format: "%.3f", value))) }

    public var text: String {
        "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }
}

/// Logging for the application: one JSON line per event.
public struct Logger: Sendable {
    public let sink: LogSink
    public init(sink: LogSink = .standardOutput) { self.sink = sink }

    public func info(_ message: String, _ metadata: [String: String] = [:]) { log("info", message, metadata) }
    public func warning(_ message: String, _ metadata: [String: String] = [:]) { log("warning", message, metadata) }
    public func error(_ message: String, _ metadata: [String: String] = [:]) { log("error", message, metadata) }

    public func log(_ level: String, _ message: String, _ metadata: [String: String]) {
        var line = LogLine(level: level, message: message)
        for (k, v) in metadata.sorted(by: { $0.key < $1.key }) { line.add(k, v) }
        sink.write(line.text)
    }
}

/// Minimal JSON string quoting for log lines, without an encoder per line.
enum JSONText {
    static func quote(_ s: String) -> String {
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
