import CLibPQ
import Dispatch
import Glibc

/// One libpq connection, used synchronously by the listener's thread; also opens the
/// connections pools hand to their `IOLoop`. Every method blocks: never call one on Swift's
/// cooperative pool.
final class PGConnectionHandle {
    let settings: ConnectionSettings
    private var conn: OpaquePointer?

    /// Opens a connection; blocks for at most `settings.connectTimeout`.
    init(settings: ConnectionSettings) throws(PostgresError) {
        self.settings = settings
        self.conn = try Self.open(settings)
    }

    deinit { close() }

    func close() {
        if let conn { PQfinish(conn) }
        conn = nil
    }

    /// True when the connection can no longer be used (closed, or libpq saw it break).
    var isBroken: Bool {
        guard let conn else { return true }
        return PQstatus(conn) != CONNECTION_OK
    }

    var socket: Int32 { conn.map { PQsocket($0) } ?? -1 }

    // MARK: Opening

    /// Opens a connection (blocking, at most `connectTimeout`), in libpq's blocking mode.
    static func open(_ settings: ConnectionSettings) throws(PostgresError) -> OpaquePointer {
        var parameters = try parse(settings.url)
        func set(_ key: String, _ value: String) {
            parameters.removeAll { $0.0 == key }
            parameters.append((key, value))
        }
        let existingOptions = parameters.first { $0.0 == "options" }?.1
        guard settings.role.map(PostgresPoolConfiguration.isValidRoleName) ?? true else {
            throw PostgresError(code: .connectionFailure, message: "the role name may hold only lower-case letters, digits and _")
        }
        let role = settings.role.map { "-c role=\($0)" }
        set("options", [existingOptions, ConnectionSettings.sessionOptions, role].compactMap { $0 }.joined(separator: " "))
        set("application_name", ConnectionSettings.applicationName)
        set("client_encoding", "UTF8")
        let keywords = parameters.map { Optional($0.0) } + [nil]
        let values = parameters.map { Optional($0.1) } + [nil]
        let started: OpaquePointer?? = withCStrings(keywords) { k in
            withCStrings(values) { v in PQconnectStartParams(k, v, 0) } ?? nil
        }
        guard let started, let conn = started else {
            throw PostgresError(code: .connectionFailure, message: "cannot start a connection (invalid parameters or out of memory)")
        }
        do {
            try poll(conn, deadline: DispatchTime.now().uptimeNanoseconds + settings.connectTimeout.nanoseconds)
        } catch {
            PQfinish(conn)
            throw error
        }
        // Notices (e.g. "relation already exists, skipping") would go to stderr by default.
        PQsetNoticeReceiver(conn, { _, _ in }, nil)
        return conn
    }

    /// Drives `PQconnectPoll` with `poll()` so that the connect timeout covers every step.
    private static func poll(_ conn: OpaquePointer, deadline: UInt64) throws(PostgresError) {
        if PQstatus(conn) == CONNECTION_BAD { throw connectError(conn) }
        var state = PGRES_POLLING_WRITING
        while true {
            switch state {
            case PGRES_POLLING_OK:
                return
            case PGRES_POLLING_FAILED:
                throw connectError(conn)
            default:
                let now = DispatchTime.now().uptimeNanoseconds
                guard now < deadline else {
                    throw PostgresError(code: .connectionFailure, message: "connection timed out")
                }
                let events = state == PGRES_POLLING_READING ? POLLIN : POLLOUT
                var fd = pollfd(fd: PQsocket(conn), events: Int16(events), revents: 0)
                let milliseconds = Int32(min((deadline - now) / 1_000_000 + 1, UInt64(Int32.max)))
                let ready = Glibc.poll(&fd, 1, milliseconds)
                if ready < 0, errno == EINTR { continue }
                if ready == 0 { continue } // the deadline check above ends the loop
                state = PQconnectPoll(conn)
            }
        }
    }

    private static func connectError(_ conn: OpaquePointer) -> PostgresError {
        PostgresError(code: .connectionFailure, message: copyCString(PQerrorMessage(conn))?.trimmed ?? "connection failed")
    }

    /// The URL's parameters; the URL itself (which may hold a password) never goes into an error.
    private static func parse(_ url: String) throws(PostgresError) -> [(String, String)] {
        var message: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(url, &message) else {
            let text = copyCString(message)?.trimmed ?? "out of memory"
            if let message { PQfreemem(message) }
            throw PostgresError(code: .connectionFailure, message: "invalid database URL: \(text)")
        }
        defer { PQconninfoFree(options) }
        var parameters: [(String, String)] = []
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { parameters.append((String(cString: keyword), String(cString: value))) }
            option += 1
        }
        return parameters
    }

    // MARK: Statements

    /// Runs `sql` with the simple protocol: no parameters, several statements allowed (migrations,
    /// BEGIN/COMMIT). Returns the last statement's result.
    func simpleQuery(_ sql: String) throws(PostgresError) -> PostgresResult {
        guard let conn, PQstatus(conn) == CONNECTION_OK else { throw brokenError() }
        guard let result = PQexec(conn, sql) else { throw brokenError() }
        defer { PQclear(result) }
        switch ResultReader.read(result, columns: nil) {
        case .success(let read): return read.result
        case .failure(let error): throw classify(error)
        }
    }

    /// `identifier` quoted for SQL by libpq (`"my ""channel"""`).
    func quoteIdentifier(_ identifier: String) throws(PostgresError) -> String {
        guard let conn else { throw brokenError() }
        let quoted: String?? = withCStrings([identifier]) { strings in
            guard let escaped = PQescapeIdentifier(conn, strings[0], identifier.utf8.count) else { return nil }
            defer { PQfreemem(escaped) }
            return String(cString: escaped)
        }
        guard let quoted, let quoted else {
            throw PostgresError(code: ResultReader.clientErrorCode, message: "cannot quote identifier")
        }
        return quoted
    }

    // MARK: Notifications

    /// Reads what the server sent and returns the notifications in it; throws when the connection broke.
    func receiveNotifications() throws(PostgresError) -> [PostgresNotification] {
        guard let conn, PQconsumeInput(conn) == 1, PQstatus(conn) == CONNECTION_OK else { throw brokenError() }
        var notifications: [PostgresNotification] = []
        while let notify = PQnotifies(conn) {
            notifications.append(PostgresNotification(
                channel: copyCString(notify.pointee.relname) ?? "",
                payload: copyCString(notify.pointee.extra) ?? ""))
            PQfreemem(notify)
        }
        return notifications
    }

    // MARK: Errors

    private func brokenError() -> PostgresError {
        let message = conn.flatMap { copyCString(PQerrorMessage($0))?.trimmed }
        return PostgresError(code: .connectionFailure, message: (message?.isEmpty == false ? message : nil) ?? "connection is closed")
    }

    /// A failure on a connection that broke is reported as a connection failure, whatever it said.
    private func classify(_ error: PostgresError) -> PostgresError {
        guard isBroken, !error.isConnectionFailure else { return error }
        var error = error
        error.code = .connectionFailure
        return error
    }
}
