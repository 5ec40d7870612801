import CLibPQ
import Foundation
import Glibc

/// One non-blocking libpq connection driven by an `IOLoop`. Everything here runs on the loop
/// thread, except `status`, which the pool reads under its lock.
///
/// A request goes through steps, each one a libpq send whose results arrive later: a query
/// not yet in the statement cache is `prepare`d, then `execute`d; an evicted statement is
/// `deallocate`d on the way; SQL without parameters is sent as one `simple` query.
final class LoopConnection: @unchecked Sendable {
    struct Request {
        enum Kind {
            case query(PostgresQuery)
            case simple(String)
        }
        var kind: Kind
        /// The first request of a lease: a connection found dead before anything was sent is
        /// reopened (the caller's statement cannot have run).
        var isFirstOfLease: Bool
        /// The settings of the task that sent it: the session is set to them first.
        var settings: PostgresSessionSettings
        var continuation: CheckedContinuation<Reply, Never>
    }

    struct Reply: Sendable {
        var result: Result<PostgresResult, PostgresError>
        /// Command tag of the last statement (`COMMIT`, `ROLLBACK`, `SELECT 1`, …).
        var tag: String
        /// The connection was found dead at the start of a lease and could not be reopened:
        /// to the caller this is a failure to acquire, not a failed statement.
        var reopenFailed = false
    }

    /// What the pool needs to know to reuse the connection, written by the loop.
    struct Status {
        var isUsable = true
        var transactionState = PostgresBackend.TransactionState.idle
    }

    private enum Step {
        /// Runs the prepared `PostgresSessionSettings.applySQL` (named `name`).
        case applySettings(PostgresSessionSettings, name: String, binds: [String])
        /// Prepares `PostgresSessionSettings.applySQL` as `name`.
        case prepareSettings(String)
        case prepare(String)
        case deallocate(String)
        case execute(String)
        case simple
    }

    /// The request in flight. A class: its steps and results change in place, step by step.
    private final class Active {
        let request: Request
        var steps: [Step]
        var current: Step = .simple
        var columns: PostgresColumns?
        var result: PostgresResult?
        var tag = ""
        var error: PostgresError?
        var retried = false
        /// Every step was sent at once in libpq's pipeline mode, ended by one Sync: the steps
        /// advance as their results arrive, and the Sync's result completes the request.
        var pipelined = false

        init(request: Request, steps: [Step], columns: PostgresColumns? = nil) {
            self.request = request
            self.steps = steps
            self.columns = columns
        }
    }

    let status = Locked(Status())
    weak var loop: IOLoop?
    private let settings: ConnectionSettings
    private var conn: OpaquePointer?
    private var statements: PreparedStatementCache
    private var queue: [Request] = []
    private var active: Active?
    private var reconnecting = false
    private var needsFlush = false
    private(set) var isClosed = false

    /// The session's custom settings as last set (nil: unknown, e.g. a failed change), every
    /// name ever set on this session, and whether the last change happened inside a transaction
    /// block, where a ROLLBACK would undo it.
    private var appliedSettings: PostgresSessionSettings? = .empty
    private var knownSettingNames: Set<String> = []
    private var settingsChangedInBlock = false

    /// Set by libpq's notice receiver when the server sent a FATAL error while the connection
    /// was idle: the backend is about to close the socket (pg_terminate_backend, shutdown).
    private let goodbye = GoodbyeFlag()

    init(_ pointer: PGConnectionPointer, settings: ConnectionSettings) {
        self.conn = pointer.pointer
        self.settings = settings
        self.statements = PreparedStatementCache(capacity: settings.preparedStatementCacheSize)
        adopt(pointer.pointer)
    }

    private func adopt(_ conn: OpaquePointer) {
        PQsetnonblocking(conn, 1)
        goodbye.received = false
        // libpq hands an error that arrives while idle to the notice receiver. `goodbye` lives as
        // long as this object, which finishes the connection before it goes away.
        PQsetNoticeReceiver(conn, { arg, result in
            guard let arg, let result else { return }
            let severity = PQresultErrorField(result, Int32(UInt8(ascii: "V"))).map { String(cString: $0) }
            if severity == "FATAL" || severity == "PANIC" {
                Unmanaged<GoodbyeFlag>.fromOpaque(arg).takeUnretainedValue().received = true
            }
        }, Unmanaged.passUnretained(goodbye).toOpaque())
    }

    deinit { if let conn { PQfinish(conn) } }

    var socket: Int32 { conn.map { PQsocket($0) } ?? -1 }

    var pollEvents: Int16 { Int16(needsFlush ? POLLIN | POLLOUT : POLLIN) }

    private var isHealthy: Bool { !goodbye.received && (conn.map { PQstatus($0) == CONNECTION_OK } ?? false) }

    func close() {
        if let conn { PQfinish(conn) }
        conn = nil
        isClosed = true
        status.withLock { $0 = Status(isUsable: false, transactionState: .unknown) }
        let broken = PostgresError(code: .connectionFailure, message: "connection closed")
        if let active { active.request.continuation.resume(returning: Reply(result: .failure(broken), tag: "")) }
        active = nil
        for request in queue { request.continuation.resume(returning: Reply(result: .failure(broken), tag: "")) }
        queue.removeAll()
    }

    // MARK: Requests

    func submit(_ request: Request) {
        if active == nil, !reconnecting, queue.isEmpty {
            start(request)
        } else {
            queue.append(request)
        }
    }

    private func startNext() {
        while active == nil, !reconnecting, !queue.isEmpty {
            start(queue.removeFirst())
        }
    }

    private func start(_ request: Request) {
        if request.isFirstOfLease, diedWhileIdle() {
            reopen(for: request)
            return
        }
        guard let conn, PQstatus(conn) == CONNECTION_OK else {
            request.continuation.resume(returning: Reply(result: .failure(brokenError()), tag: ""))
            return
        }
        let state: Active
        switch request.kind {
        case .query(let query):
            if let entry = statements.lookup(query.sql) {
                state = Active(request: request, steps: [.execute(entry.name)], columns: entry.columns)
            } else {
                let name = statements.makeName()
                state = Active(request: request, steps: [.prepare(name), .execute(name)])
            }
        case .simple:
            state = Active(request: request, steps: [.simple])
        }
        if let binds = request.settings.transition(from: appliedSettings, known: knownSettingNames) {
            if let entry = statements.lookup(PostgresSessionSettings.applySQL) {
                state.steps.insert(.applySettings(request.settings, name: entry.name, binds: binds), at: 0)
                // A settings change and a prepared statement go out together: one round trip.
                if state.steps.count == 2, case .execute = state.steps[1] { state.pipelined = true }
            } else {
                let name = statements.makeName()
                state.steps.insert(contentsOf: [.prepareSettings(name), .applySettings(request.settings, name: name, binds: binds)], at: 0)
            }
        }
        active = state
        if state.pipelined { sendPipeline() } else { sendNextStep() }
    }

    /// Sends the next step of the active request, or completes it when none is left.
    private func sendNextStep() {
        guard let state = active, let conn else { return }
        guard !state.steps.isEmpty else { return complete() }
        let step = state.steps.removeFirst()
        state.current = step
        guard let sent = send(step, of: state.request.kind, on: conn) else {
            active?.error = Self.nulByteError
            return complete()
        }
        guard sent == 1 else {
            active?.error = brokenError()
            return complete()
        }
        flush()
    }

    /// Sends every step of the active request in pipeline mode, then a Sync. Both statements run
    /// in one implicit transaction (or in the open block), so a failure of either undoes the
    /// settings change too; `complete` then forgets what the session holds.
    private func sendPipeline() {
        guard let state = active, let conn else { return }
        // Checked before anything is queued: a pipeline cannot be abandoned half-sent.
        if case .query(let query) = state.request.kind, query.binds.contains(where: { $0.text?.utf8.contains(0) ?? false }) {
            state.error = Self.nulByteError
            return complete()
        }
        guard PQenterPipelineMode(conn) == 1 else {
            state.error = brokenError()
            return complete()
        }
        var sent: Int32 = 1
        for step in state.steps where sent == 1 {
            guard let result = send(step, of: state.request.kind, on: conn) else { preconditionFailure("parameters were checked for NUL bytes") }
            sent = result
        }
        guard sent == 1, PQpipelineSync(conn) == 1 else {
            state.error = brokenError()
            return complete()
        }
        state.current = state.steps.removeFirst()
        flush()
    }

    /// Hands one step to libpq: 1 when queued, 0 when libpq refused, nil when a parameter holds
    /// a NUL byte (nothing was sent).
    private func send(_ step: Step, of kind: Request.Kind, on conn: OpaquePointer) -> Int32? {
        switch (step, kind) {
        case (.prepareSettings(let name), _):
            return PQsendPrepare(conn, name, PostgresSessionSettings.applySQL, 2, nil)
        case (.applySettings(_, let name, let binds), _):
            return withCStrings(binds) { values in PQsendQueryPrepared(conn, name, Int32(values.count), values, nil, nil, 0) }
        case (.prepare(let name), .query(let query)):
            return PQsendPrepare(conn, name, query.sql, Int32(query.binds.count), nil)
        case (.execute(let name), .query(let query)):
            return withCStrings(query.binds.map(\.text)) { values in
                PQsendQueryPrepared(conn, name, Int32(values.count), values, nil, nil, 0)
            }
        case (.deallocate(let name), _):
            // `name` is one of ours (`sN`), never caller text.
            return PQsendQuery(conn, "DEALLOCATE \(name)")
        case (.simple, .simple(let sql)):
            return PQsendQuery(conn, sql)
        default:
            preconditionFailure("step does not fit the request")
        }
    }

    private static let nulByteError = PostgresError(code: .init("22021"), message: "a parameter contains a NUL byte, which PostgreSQL text cannot hold")

    private func flush() {
        guard let conn else { return }
        let flushed = PQflush(conn)
        needsFlush = flushed == 1
        if flushed < 0, active != nil {
            active?.error = brokenError()
            complete()
        }
    }

    // MARK: Socket events

    func handleSocketEvent(_ events: Int16) {
        guard let conn else { return }
        if needsFlush, events & Int16(POLLOUT) != 0 { flush() }
        guard events & Int16(POLLIN | POLLHUP | POLLERR) != 0 else { return }
        guard PQconsumeInput(conn) == 1 else {
            // The connection broke (EOF, reset): fail what runs, mark it unusable.
            if active != nil {
                active?.error = brokenError()
                complete()
            } else {
                markUnusable()
            }
            return
        }
        guard active != nil else {
            // Idle: a notice, a stray notification, or the server saying goodbye.
            while let notification = PQnotifies(conn) { PQfreemem(notification) }
            if !isHealthy { markUnusable() }
            return
        }
        while active != nil, let conn = self.conn, PQisBusy(conn) == 0 {
            if let result = PQgetResult(conn) {
                take(result)
                PQclear(result)
            } else {
                stepFinished()
            }
        }
    }

    private func take(_ result: OpaquePointer) {
        guard let state = active else { return }
        if state.pipelined {
            switch PQresultStatus(result) {
            case PGRES_PIPELINE_SYNC:
                return finishPipeline()
            case PGRES_PIPELINE_ABORTED:
                if state.error == nil { state.error = PostgresError(code: .init("25P02"), message: "the pipeline was aborted") }
                return
            default:
                break
            }
        }
        switch state.current {
        case .deallocate:
            break
        case .applySettings, .prepareSettings:
            if case .failure(let error) = ResultReader.read(result, columns: nil), state.error == nil { state.error = error }
        case .prepare, .execute, .simple:
            switch ResultReader.read(result, columns: state.columns) {
            case .success(let read):
                state.result = read.result
                state.tag = copyCString(PQcmdStatus(result)) ?? ""
                if case .execute = state.current, state.columns == nil, case .query(let query) = state.request.kind {
                    statements.setColumns(read.columns, for: query.sql)
                    state.columns = read.columns
                }
            case .failure(let error):
                if state.error == nil { state.error = error }
            }
        }
    }

    private func stepFinished() {
        if let state = active, case .prepareSettings(let name) = state.current {
            guard state.error == nil else { return complete() }
            if let evicted = statements.insert(PostgresSessionSettings.applySQL, name: name) {
                // The request's own statement may be the one evicted: prepare it again then.
                state.steps = state.steps.flatMap { step -> [Step] in
                    guard case .execute(evicted) = step else { return [step] }
                    let fresh = statements.makeName()
                    return [.prepare(fresh), .execute(fresh)]
                }
                state.steps.insert(.deallocate(evicted), at: 0)
            }
            return sendNextStep()
        }
        if let state = active, !state.pipelined, case .applySettings(let settings, _, _) = state.current {
            knownSettingNames.formUnion(settings.values.map(\.name))
            guard state.error == nil, let conn else {
                appliedSettings = nil
                if state.error?.code.raw == "26000", let conn, PQtransactionStatus(conn) == PQTRANS_IDLE {
                    // The settings statement vanished (DEALLOCATE ALL): prepare it again.
                    statements.remove(PostgresSessionSettings.applySQL)
                    active = nil
                    return start(state.request)
                }
                return complete()
            }
            appliedSettings = settings
            settingsChangedInBlock = PQtransactionStatus(conn) != PQTRANS_IDLE
            return sendNextStep()
        }
        if let state = active, state.pipelined {
            // The end of one statement's results; the next was sent already, and the Sync's
            // result (`finishPipeline`) completes the request.
            if case .applySettings(let settings, _, _) = state.current {
                knownSettingNames.formUnion(settings.values.map(\.name))
                appliedSettings = settings
            }
            if !state.steps.isEmpty { state.current = state.steps.removeFirst() }
            return
        }
        guard let state = active, case .query(let query) = state.request.kind else { return complete() }
        switch state.current {
        case .prepare(let name):
            guard state.error == nil else { return complete() }
            if let evicted = statements.insert(query.sql, name: name) { state.steps.insert(.deallocate(evicted), at: 0) }
            state.result = nil
            sendNextStep()
        case .deallocate, .applySettings, .prepareSettings:
            sendNextStep()
        case .execute(let name):
            // The statement vanished (DISCARD ALL, DEALLOCATE) or its result shape changed
            // (ALTER TABLE under `SELECT *`): prepare it again, once, if no transaction was aborted.
            if let error = state.error, !state.retried, let conn, PQtransactionStatus(conn) == PQTRANS_IDLE,
               error.code.raw == "26000"
                || (error.code.raw == "0A000" && error.message.contains("cached plan must not change result type")) {
                statements.remove(query.sql)
                let fresh = statements.makeName()
                state.steps = (error.code.raw == "0A000" ? [.deallocate(name)] : []) + [.prepare(fresh), .execute(fresh)]
                state.retried = true
                state.error = nil
                state.columns = nil
                sendNextStep()
            } else {
                complete()
            }
        case .simple:
            complete()
        }
    }

    /// The Sync's result arrived: every result of the pipeline is in.
    private func finishPipeline() {
        guard let state = active, let conn else { return }
        if PQexitPipelineMode(conn) != 1, state.error == nil { state.error = brokenError() }
        if PQtransactionStatus(conn) != PQTRANS_IDLE {
            // Changed inside a block: its ROLLBACK would undo the change.
            settingsChangedInBlock = true
        } else if state.error != nil {
            // The implicit transaction that held the change failed, and undid it.
            appliedSettings = nil
        }
        if let error = state.error, !state.retried, PQtransactionStatus(conn) == PQTRANS_IDLE, case .query(let query) = state.request.kind,
           error.code.raw == "26000" || (error.code.raw == "0A000" && error.message.contains("cached plan must not change result type")) {
            // The prepared statement vanished or changed shape: run the request again, preparing
            // it afresh (not pipelined, so the existing recovery applies).
            statements.remove(query.sql)
            statements.remove(PostgresSessionSettings.applySQL)
            active = nil
            return start(state.request)
        }
        complete()
    }

    private func complete() {
        guard let state = active else { return }
        active = nil
        let error = state.error.map(classify)
        let healthy = isHealthy && !(error?.isConnectionFailure ?? false)
        let transaction: PostgresBackend.TransactionState
        if !healthy {
            transaction = .unknown
        } else {
            switch PQtransactionStatus(conn) {
            case PQTRANS_IDLE: transaction = .idle
            case PQTRANS_INTRANS, PQTRANS_INERROR: transaction = .inBlock
            default: transaction = .unknown
            }
        }
        if settingsChangedInBlock, transaction != .inBlock {
            // The block that changed the settings ended: a COMMIT keeps the change, anything
            // else (ROLLBACK, a failed COMMIT, a broken session) leaves them unknown.
            if transaction != .idle || error != nil || state.tag != "COMMIT" { appliedSettings = nil }
            settingsChangedInBlock = false
        }
        status.withLock { $0 = Status(isUsable: healthy, transactionState: transaction) }
        let reply = Reply(result: error.map { .failure($0) } ?? .success(state.result ?? PostgresResult(rows: [], affectedRows: 0)),
                          tag: state.tag)
        state.request.continuation.resume(returning: reply)
        startNext()
    }

    private func markUnusable() {
        status.withLock { $0 = Status(isUsable: false, transactionState: .unknown) }
    }

    // MARK: Reopening

    /// Before the first statement of a lease: if the server closed this idle connection (restart,
    /// `pg_terminate_backend`) and the loop has not read that yet, read it now. A terminated
    /// backend sends its FATAL error, then closes: libpq sees the end only on a second read.
    private func diedWhileIdle() -> Bool {
        guard let conn else { return true }
        var rounds = 0
        var fd = pollfd(fd: PQsocket(conn), events: Int16(POLLIN), revents: 0)
        while rounds < 4, isHealthy, poll(&fd, 1, 0) > 0 {
            if PQconsumeInput(conn) == 0 { break }
            while let notification = PQnotifies(conn) { PQfreemem(notification) }
            rounds += 1
        }
        return !isHealthy
    }

    /// Opens a new session on a helper thread (connecting blocks), then runs `request` on it.
    private func reopen(for request: Request) {
        if let conn { PQfinish(conn) }
        conn = nil
        statements.removeAll()
        appliedSettings = .empty
        knownSettingNames = []
        settingsChangedInBlock = false
        needsFlush = false
        reconnecting = true
        queue.insert(request, at: 0)
        let settings = self.settings
        let loop = self.loop
        let thread = Thread { [self] in
            let result = Result { () throws(PostgresError) in PGConnectionPointer(pointer: try PGConnectionHandle.open(settings)) }
            if let loop {
                loop.send(.reconnected(self, result))
            } else if case .success(let pointer) = result {
                PQfinish(pointer.pointer)
            }
        }
        thread.start()
    }

    func reconnected(_ result: Result<PGConnectionPointer, PostgresError>) {
        reconnecting = false
        switch result {
        case .success(let pointer):
            if isClosed {
                PQfinish(pointer.pointer)
                return
            }
            adopt(pointer.pointer)
            conn = pointer.pointer
            status.withLock { $0 = Status() }
            if !queue.isEmpty { queue[0].isFirstOfLease = false }
            startNext()
        case .failure(let error):
            markUnusable()
            for request in queue {
                request.continuation.resume(returning: Reply(result: .failure(error), tag: "", reopenFailed: true))
            }
            queue.removeAll()
        }
    }

    // MARK: Errors

    private func brokenError() -> PostgresError {
        let message = conn.flatMap { copyCString(PQerrorMessage($0))?.trimmed }
        return PostgresError(code: .connectionFailure, message: (message?.isEmpty == false ? message : nil) ?? "connection is closed")
    }

    /// A failure on a connection that broke is reported as a connection failure, whatever it said.
    private func classify(_ error: PostgresError) -> PostgresError {
        guard !isHealthy, !error.isConnectionFailure else { return error }
        var error = error
        error.code = .connectionFailure
        return error
    }
}

/// See `LoopConnection.goodbye`. Touched only on the loop thread (libpq calls the receiver
/// from within `PQconsumeInput`).
private final class GoodbyeFlag {
    var received = false
}
