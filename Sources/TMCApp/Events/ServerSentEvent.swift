/// The `text/event-stream` wire format (WHATWG HTML, "Server-sent events").
enum ServerSentEvent {
    /// `id`, `event` and one `data:` line per line of `data` (JSON from the log has none, but a
    /// line break must never end the field early).
    static func frame(_ event: SequencedEvent) -> [UInt8] {
        var text = "id: \(event.seq)\nevent: \(event.type)\n"
        for line in event.data.split(separator: "\n", omittingEmptySubsequences: false) {
            text += "data: "
            text += line
            text += "\n"
        }
        text += "\n"
        return Array(text.utf8)
    }

    /// A comment line: ignored by clients, keeps proxies and NAT tables from timing out.
    static func comment(_ text: String) -> [UInt8] {
        Array(": \(text)\n\n".utf8)
    }

    /// The first bytes: how long a client waits before reconnecting, and a comment so that the
    /// response head and a first chunk leave at once.
    static func opening(retryMilliseconds: Int) -> [UInt8] {
        Array("retry: \(retryMilliseconds)\n: connected\n\n".utf8)
    }
}
