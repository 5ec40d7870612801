/// A failure reported by PostgreSQL (with its SQLSTATE) or by the client side.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let raw: String
        public init(_ raw: String) { self.raw = raw }
        public var description: String { raw }

        public static let uniqueViolation = Code("23505")
        public static let foreignKeyViolation = Code("23503")
        public static let notNullViolation = Code("23502")
        public static let checkViolation = Code("23514")
        public static let exclusionViolation = Code("23P01")
        public static let serializationFailure = Code("40001")
        public static let deadlockDetected = Code("40P01")
        public static let invalidTextRepresentation = Code("22P02")
        public static let insufficientPrivilege = Code("42501")
        public static let undefinedTable = Code("42P01")
        public static let queryCanceled = Code("57014")
        public static let adminShutdown = Code("57P01")
        public static let cannotConnectNow = Code("57P03")
        public static let raiseException = Code("P0001")
        /// Not from the server: the connection failed or broke.
        public static let connectionFailure = Code("08006")
    }

    public var code: Code
    public var message: String
    public var detail: String?
    public var hint: String?
    public var constraint: String?
    public var table: String?
    public var column: String?

    public init(code: Code, message: String, detail: String? = nil, hint: String? = nil,
                constraint: String? = nil, table: String? = nil, column: String? = nil) {
        self.code = code
        self.message = message
        self.detail = detail
        self.hint = hint
        self.constraint = constraint
        self.table = table
        self.column = column
    }

    /// Integrity violations the caller caused (23xxx).
    public var isIntegrityViolation: Bool { code.raw.hasPrefix("23") }
    /// Worth running the whole transaction again.
    public var isRetryableTransactionFailure: Bool { code == .serializationFailure || code == .deadlockDetected }
    /// The connection is gone or the server is not available.
    public var isConnectionFailure: Bool { code.raw.hasPrefix("08") || code.raw.hasPrefix("57P") }

    /// True for an error the server gave a statement it refused, so that nothing of it was
    /// written and running it again is safe (a `BatchQueue`'s `retrySeparately`); false for a
    /// broken connection, whose statement may have committed, and for any other error.
    public static func isRefusedStatement(_ error: any Error) -> Bool {
        (error as? PostgresError)?.isConnectionFailure == false
    }

    public var description: String {
        var s = "PostgreSQL \(code.raw): \(message)"
        if let detail { s += " (\(detail))" }
        return s
    }
}

/// No pooled connection became free within the acquire timeout, or the database is unreachable.
public struct PostgresPoolUnavailableError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { "database unavailable: \(reason)" }
}
