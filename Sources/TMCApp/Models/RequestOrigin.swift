/// Where a request came from, for the audit trail and per-address limits. Services take this
/// instead of HTTP types.
public struct RequestOrigin: Sendable, Equatable {
    public var clientAddress: String
    public var requestID: String

    public init(clientAddress: String, requestID: String) {
        self.clientAddress = clientAddress
        self.requestID = requestID
    }

    /// For the command line: no network peer, no request.
    public static func commandLine(_ command: String) -> RequestOrigin {
        RequestOrigin(clientAddress: "cli", requestID: "cli-\(command)")
    }
}
