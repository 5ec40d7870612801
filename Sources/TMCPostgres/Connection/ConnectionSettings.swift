/// What a connection needs to open (and re-open) itself.
struct ConnectionSettings: Sendable {
    var url: String
    var connectTimeout: Duration
    var preparedStatementCacheSize: Int
    /// A role the session takes on as it starts (`-c role=…`), as if by `SET ROLE`.
    var role: String? = nil

    /// Session settings every connection starts with: values are read back in the formats the
    /// decoders expect (UTC ISO timestamps, hex bytea), whatever the server's defaults say.
    static let sessionOptions = "-c TimeZone=UTC -c DateStyle=ISO,MDY -c bytea_output=hex"
    static let applicationName = "trackmycrime"
}

extension Duration {
    var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        guard seconds >= 0 else { return 0 }
        return UInt64(seconds) * 1_000_000_000 + UInt64(attoseconds / 1_000_000_000)
    }
}
