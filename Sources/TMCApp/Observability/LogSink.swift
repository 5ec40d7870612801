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

/// A structured JSON log line: `{"time":…,"level":…,"msg":…, …}`, built by appending.
public struct LogLine {
    private var text_: String

    public init(level: String, message: String) {
        text_ = "{\"time\":\""
        text_.reserveCapacity(256)
        text_ += LogTimestamp.now()
        text_ += "\",\"level\":"
        JSONText.append(level, to: &text_)
        text_ += ",\"msg\":"
        JSONText.append(message, to: &text_)
    }

    public mutating func add(_ key: String, _ value: String) {
        text_ += ",\"" + key + "\":"
        JSONText.append(value, to: &text_)
    }

    public mutating func add(_ key: String, _ value: Int) {
        text_ += ",\"" + key + "\":" + String(value)
    }

    /// A non-negative quantity with three decimals (durations in milliseconds).
    public mutating func add(_ key: String, thousandths value: Int) {
        text_ += ",\"" + key + "\":" + String(value / 1000) + "." + LogTimestamp.digits(value % 1000, 3)
    }

    public var text: String { text_ + "}" }
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
        var out = ""
        append(s, to: &out)
        return out
    }

    static func append(_ s: String, to out: inout String) {
        // Fast path: nothing to escape.
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C && $0 != 0x7F }) {
            out += "\""
            out += s
            out += "\""
            return
        }
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
