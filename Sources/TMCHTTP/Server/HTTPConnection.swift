#if canImport(Glibc)
import Glibc
#endif
import CEpoll

/// One client connection: the I/O shell around `HTTPRequestParser`. It reads into its loop's
/// buffer, feeds the parser, runs one request at a time (pipelined requests wait, buffered, so
/// responses go out in order), writes responses with as few syscalls as it can, and enforces
/// the timeouts. Confined to its loop thread; the handler Task runs there too (the loop is its
/// executor) and reaches the connection through `loop.perform`.
final class HTTPConnection: EventLoopHandler, @unchecked Sendable {
    enum State: Equatable {
        /// Waiting for, or parsing, a request.
        case reading
        /// The responder is working on a request.
        case handling
        /// A streamed body is being produced.
        case streaming
        /// A response is queued; when written, the next request is read.
        case flushing
        /// A final response is queued; when written, the connection closes.
        case closing
        /// Our side is shut down; the client's remaining bytes are drained until it closes.
        case lingering
        case closed
    }

    enum Deadline {
        case none
        case head
        case body
        case idle
        case linger
    }

    let fd: Int32
    let loop: EventLoop
    let core: HTTPServerCore
    let remoteAddress: String
    private var parser: HTTPRequestParser
    private(set) var state: State = .reading

    private var out: [UInt8] = []
    private var outOffset = 0
    /// Edge-triggered epoll: whether the socket may still hold unread bytes.
    private var readable = false
    private var peerClosed = false

    private var deadline: UInt64 = 0
    private var deadlineKind: Deadline = .none

    // The exchange in progress.
    private var keepAlive = true
    private var isHEAD = false
    private var requestMinor = 1
    private var task: Task<Void, Never>?
    /// Identifies the current streamed response, so a stale writer cannot write into a later one.
    private var streamID = 0
    /// HTTP/1.0 clients cannot take chunked bodies: their stream is sent raw and ends with close.
    private var rawStream = false

    static func adopt(fd: Int32, remoteAddress: String, loop: EventLoop, core: HTTPServerCore) {
        let loopState = core.loopStates[loop.index]
        if loopState.shuttingDown {
            Syscall.close(fd)
            core.connectionClosed(on: loop)
            return
        }
        let connection = HTTPConnection(fd: fd, remoteAddress: remoteAddress, loop: loop, core: core)
        do {
            try loop.register(fd, handler: connection)
        } catch {
            Syscall.close(fd)
            core.connectionClosed(on: loop)
            return
        }
        loopState.connectionCount += 1
        // The head of the first request is due `headTimeout` after accept.
        connection.setDeadline(.head, core.headTimeout)
    }

    private init(fd: Int32, remoteAddress: String, loop: EventLoop, core: HTTPServerCore) {
        self.fd = fd
        self.loop = loop
        self.core = core
        self.remoteAddress = remoteAddress
        self.parser = HTTPRequestParser(limits: core.limits)
    }

    private var pendingOut: Int { out.count - outOffset }
    private var shuttingDown: Bool { core.loopStates[loop.index].shuttingDown }

    private func setDeadline(_ kind: Deadline, _ after: UInt64) {
        deadlineKind = kind
        deadline = loop.now &+ after
    }

    // MARK: - Events

    func handleEvents(_ events: UInt32) {
        if events & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0 {
            close()
            return
        }
        if events & EPOLLOUT.rawValue != 0, pendingOut > 0 {
            flush()
            if state == .closed { return }
        }
        if events & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue) != 0 {
            readable = true
            if events & EPOLLRDHUP.rawValue != 0 {
                peerClosed = true
                // A streaming client that hangs up is gone: stop its stream now.
                if state == .streaming {
                    close()
                    return
                }
            }
            readAndProcess()
        }
    }

    func tick(now: UInt64) {
        guard deadlineKind != .none, now >= deadline else { return }
        switch deadlineKind {
        case .none:
            return
        case .idle, .linger:
            close()
        case .head:
            deadlineKind = .none
            refuse(HTTPParseFailure(408, "The request head did not arrive in time."))
        case .body:
            deadlineKind = .none
            refuse(HTTPParseFailure(408, "The request body stopped arriving."))
        }
    }

    // MARK: - Reading

    private func readAndProcess() {
        while readable && (state == .reading || state == .lingering) {
            let result: IOResult<Int>
            do {
                result = try Syscall.read(fd, loop.readBuffer)
            } catch {
                close()
                return
            }
            switch result {
            case .wouldBlock:
                readable = false
            case .done(0):
                readable = false
                peerClosed = true
                // Nothing more will come: a partial request can never complete.
                close()
                return
            case .done(let n):
                // A short read drained the socket; with edge-triggered epoll a new edge will come.
                if n < loop.readBuffer.count { readable = false }
                if state == .lingering { continue }
                parser.append(UnsafeRawBufferPointer(rebasing: loop.readBuffer[0..<n]))
                if parser.phase == .body && deadlineKind == .body { setDeadline(.body, core.bodyTimeout) }
                processBuffered()
            }
        }
    }

    /// Parses the next request out of the buffered bytes, if the connection is free for one.
    private func processBuffered() {
        guard state == .reading, pendingOut == 0 else { return }
        switch parser.next() {
        case .needMoreData:
            switch parser.phase {
            case .head:
                // Trickling bytes does not extend the head deadline: it is set once per request.
                if deadlineKind != .head { setDeadline(.head, core.headTimeout) }
            case .body:
                if deadlineKind != .body { setDeadline(.body, core.bodyTimeout) }
                if parser.takeContinueRequest() { queueWrite(HTTPResponseEncoder.continueResponse) }
            case .idle, .failed:
                break
            }
        case .request(var request, let keepAlive):
            request.remoteAddress = remoteAddress
            startHandling(request, keepAlive: keepAlive)
        case .failure(let failure):
            refuse(failure)
        }
    }

    // MARK: - Handling

    private func startHandling(_ request: HTTPRequest, keepAlive: Bool) {
        state = .handling
        deadlineKind = .none
        self.keepAlive = keepAlive
        isHEAD = request.method == "HEAD"
        requestMinor = request.versionMinor
        let responder = core.responder
        let loop = self.loop
        task = Task(executorPreference: loop) { [self] in
            let response = await responder.respond(to: request)
            let stream = await loop.perform { self.beginResponse(response) }
            guard let stream else { return }
            do {
                try await stream.body(stream.writer)
            } catch {
                // A stream that fails or is cancelled still ends its body properly.
            }
            await loop.perform { self.endStream(stream.writer.id) }
        }
    }

    struct StreamStart: Sendable {
        var body: @Sendable (any HTTPStreamWriter) async throws -> Void
        var writer: HTTPConnectionStreamWriter
    }

    /// Sends `response` (or its head, for a stream). Returns what the Task must run for a stream.
    private func beginResponse(_ response: HTTPResponse) -> StreamStart? {
        guard state == .handling else { return nil }
        let closeAfter = !keepAlive || shuttingDown || peerClosed
        let connectionHeader: HTTPResponseEncoder.ConnectionHeader =
            closeAfter ? .close : (requestMinor == 0 ? .keepAlive : .none)
        let date = loop.dateCache.headerLine()
        let bodyAllowed = HTTPResponseEncoder.allowsBody(response.status)
        switch response.body {
        case .bytes(let body):
            var bytes = HTTPResponseEncoder.head(
                status: response.status, headers: response.headers,
                framing: bodyAllowed ? .length(body.count) : .none, connection: connectionHeader,
                date: date, reserve: bodyAllowed && !isHEAD ? body.count : 0)
            if bodyAllowed && !isHEAD { bytes.append(contentsOf: body) }
            keepAlive = !closeAfter
            task = nil
            queueWrite(bytes)
            finishResponse()
            return nil
        case .stream(let body):
            if !bodyAllowed || isHEAD {
                let head = HTTPResponseEncoder.head(
                    status: response.status, headers: response.headers,
                    framing: bodyAllowed ? .chunked : .none, connection: connectionHeader, date: date)
                keepAlive = !closeAfter
                task = nil
                queueWrite(head)
                finishResponse()
                return nil
            }
            rawStream = requestMinor == 0
            keepAlive = !closeAfter && !rawStream
            let head = HTTPResponseEncoder.head(
                status: response.status, headers: response.headers,
                framing: rawStream ? .none : .chunked, connection: keepAlive ? connectionHeader : .close, date: date)
            streamID &+= 1
            state = .streaming
            queueWrite(head)
            if state == .closed { return nil }
            return StreamStart(body: body, writer: HTTPConnectionStreamWriter(connection: self, id: streamID))
        }
    }

    /// Queues one piece of a streamed body; throws once the client is gone or too slow.
    func streamWrite(_ bytes: [UInt8], id: Int) throws(HTTPStreamError) {
        guard state == .streaming, id == streamID else { throw .closed }
        guard !bytes.isEmpty else { return }  // an empty chunk would end the body
        queueWrite(rawStream ? bytes : HTTPResponseEncoder.chunk(bytes))
        guard state == .streaming else { throw .closed }
        if pendingOut > core.configuration.maxStreamBufferBytes {
            close()
            throw .clientTooSlow
        }
    }

    private func endStream(_ id: Int) {
        guard state == .streaming, id == streamID else { return }
        task = nil
        if !rawStream { queueWrite(HTTPResponseEncoder.lastChunk) }
        if state == .closed { return }
        if shuttingDown || peerClosed { keepAlive = false }
        finishResponse()
    }

    /// The whole response is queued: wait for it to be written, then go on or close.
    private func finishResponse() {
        guard state != .closed else { return }
        state = keepAlive ? .flushing : .closing
        if pendingOut == 0 { outputDrained() }
    }

    /// Answers a request the server refuses itself, then closes.
    private func refuse(_ failure: HTTPParseFailure) {
        guard state == .reading else {
            close()
            return
        }
        let response = core.protocolErrorResponse(failure.error, failure.request)
        let isHEAD = failure.request?.method == "HEAD"
        let bodyAllowed = HTTPResponseEncoder.allowsBody(response.status)
        let body: [UInt8]
        if case .bytes(let b) = response.body { body = b } else { body = [] }
        var bytes = HTTPResponseEncoder.head(
            status: response.status, headers: response.headers, framing: bodyAllowed ? .length(body.count) : .none,
            connection: .close, date: loop.dateCache.headerLine())
        if bodyAllowed && !isHEAD { bytes.append(contentsOf: body) }
        deadlineKind = .none
        state = .closing
        queueWrite(bytes)
        if state == .closing && pendingOut == 0 { outputDrained() }
    }

    // MARK: - Writing

    /// Writes at once what the socket takes and keeps the rest for EPOLLOUT.
    private func queueWrite(_ bytes: [UInt8]) {
        guard state != .closed, !bytes.isEmpty else { return }
        if pendingOut == 0 {
            out = bytes
            outOffset = 0
        } else {
            out.append(contentsOf: bytes)
        }
        writePending()
    }

    /// Writes until done or the socket is full. Closes on error.
    private func writePending() {
        while outOffset < out.count {
            let result: IOResult<Int>
            do {
                result = try out.withUnsafeBytes { buf throws(SyscallError) in
                    try Syscall.write(fd, UnsafeRawBufferPointer(rebasing: buf[outOffset...]))
                }
            } catch {
                close()
                return
            }
            switch result {
            case .wouldBlock:
                return
            case .done(let n):
                outOffset += n
            }
        }
        // Keep a small buffer for reuse; give big ones back.
        if out.capacity > 64 * 1024 { out = [] } else { out.removeAll(keepingCapacity: true) }
        outOffset = 0
    }

    private func flush() {
        writePending()
        if state != .closed && pendingOut == 0 { outputDrained() }
    }

    /// Everything queued was written.
    private func outputDrained() {
        switch state {
        case .flushing:
            if shuttingDown {
                close()
                return
            }
            state = .reading
            setDeadline(.idle, core.idleTimeout)
            if parser.bufferedByteCount > 0 { processBuffered() }
            if readable { readAndProcess() }
        case .closing:
            lingeringClose()
        default:
            break
        }
    }

    /// Half-closes and drains the client's unread bytes for a while: closing a socket with
    /// unread input makes the kernel send RST, which can destroy our last response in flight.
    private func lingeringClose() {
        if peerClosed {
            close()
            return
        }
        Glibc.shutdown(fd, Int32(SHUT_WR))
        state = .lingering
        // Shutdown should not wait long on clients that keep their end open.
        setDeadline(.linger, shuttingDown ? min(core.lingerTimeout, Self.shutdownLinger) : core.lingerTimeout)
        readAndProcess()
    }

    // MARK: - Closing

    func close() {
        guard state != .closed else { return }
        state = .closed
        deadlineKind = .none
        loop.deregister(fd)
        Syscall.close(fd)
        out = []
        outOffset = 0
        // A stream's producer must learn that nobody listens any more.
        task?.cancel()
        task = nil
        core.connectionClosed(on: loop)
    }

    /// Shutdown began: idle connections close now, busy ones after their response.
    func serverIsShuttingDown() {
        switch state {
        case .reading:
            close()
        case .handling:
            keepAlive = false
        case .streaming:
            keepAlive = false
            task?.cancel()
        case .flushing:
            state = .closing
        case .lingering:
            deadline = min(deadline, loop.now &+ Self.shutdownLinger)
        case .closing, .closed:
            break
        }
    }

    static let shutdownLinger: UInt64 = 200_000_000

    /// The drain timeout passed: close whatever remains.
    func forceClose() {
        close()
    }
}
