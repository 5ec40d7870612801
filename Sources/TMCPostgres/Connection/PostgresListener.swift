/// INTERFACE STUB — to be replaced by the real implementation.

public struct PostgresNotification: Sendable, Equatable {
    public var channel: String
    public var payload: String
    public init(channel: String, payload: String) {
        self.channel = channel
        self.payload = payload
    }
}

/// LISTEN on one dedicated connection; reconnects (and re-LISTENs) by itself when it breaks.
public final class PostgresListener: Sendable {
    public init(url: String, channels: [String], log: @escaping @Sendable (String) -> Void = { print($0) }) {
        fatalError("unimplemented")
    }

    /// Every notification on the channels, in arrival order. `reconnected` events tell a consumer
    /// that notifications may have been missed while the connection was down.
    public func events() -> AsyncStream<PostgresListenerEvent> { fatalError("unimplemented") }

    public func start() { fatalError("unimplemented") }
    public func stop() async { fatalError("unimplemented") }
}

public enum PostgresListenerEvent: Sendable, Equatable {
    case notification(PostgresNotification)
    case reconnected
}
