import Foundation
import Synchronization
import TMCHTTP

/// `GET /v1/events` (Server-Sent Events) and `POST /v1/events/ticket` (issue 5).
///
/// A stream subscribes to the hub first, then replays the log after `Last-Event-ID`, then
/// forwards live events, skipping any it already sent: nothing is lost between the two. It
/// ends cleanly (the chunked body is finished) when the hub ends it: the credential was
/// revoked, the client fell too far behind (it resumes with Last-Event-ID), or the server is
/// shutting down. A client that stops reading is dropped by the HTTP writer's buffer limit.
/// Each open stream is one suspended Task, not a thread.
enum EventRoutes {
    static func register(in router: inout Router, _ service: EventStreamService, hub: EventHub) {
        router.post("/v1/events/ticket") { context in
            let ticket = try await service.issueTicket(try context.requirePrincipal())
            return .json(ticket, status: 201, headers: ["Cache-Control": "no-store"])
        }

        router.get("/v1/events") { context in
            let query = context.query
            let principal: Principal
            if let ticket = query["ticket"] {
                guard context.principal == nil, !context.request.headers.contains("Authorization") else {
                    throw Problem.badRequest("Send either an Authorization header or a ticket, not both.")
                }
                principal = try await service.redeem(ticket: ticket)
            } else {
                principal = try context.requirePrincipal()
            }
            try service.requireSubscriber(principal)
            let resumeAfter = try lastEventID(context.request.headers["Last-Event-ID"], query["last_event_id"])
            let headers: HTTPHeaders = [
                "Content-Type": "text/event-stream; charset=utf-8",
                "Cache-Control": "no-store",
                "X-Accel-Buffering": "no",
            ]
            return HTTPResponse(status: 200, headers: headers, body: .stream { writer in
                // The body runs after the handler returned, outside the request's scope.
                try await DatabaseScope.run(as: principal) {
                    try await stream(to: writer, principal: principal, resumeAfter: resumeAfter, service: service, hub: hub)
                }
            })
        }
    }

    static func stream(to writer: any HTTPStreamWriter, principal: Principal, resumeAfter: Int64?,
                       service: EventStreamService, hub: EventHub) async throws {
        let ended = Mutex<EventHub.EndReason?>(nil)
        let (id, live) = hub.subscribe(principal) { reason in ended.withLock { $0 = reason } }
        defer { hub.unsubscribe(id) }
        try await writer.write(ServerSentEvent.opening(retryMilliseconds: 2000))
        var sent: Int64 = 0
        if var cursor = resumeAfter {
            while true {
                let page = try await service.backlog(principal, after: cursor)
                for event in page {
                    try await writer.write(ServerSentEvent.frame(event))
                    cursor = event.seq
                }
                if page.count < EventStreamService.backlogPage { break }
            }
            sent = cursor
        }
        for await item in live {
            switch item {
            case .event(let event):
                guard event.seq > sent else { continue }
                try await writer.write(ServerSentEvent.frame(event))
                sent = event.seq
            case .heartbeat:
                try await writer.write(ServerSentEvent.comment("heartbeat"))
            }
        }
        if let reason = ended.withLock({ $0 }) {
            try? await writer.write(ServerSentEvent.comment("stream closed: \(reason)"))
        }
    }

    /// The seq to resume after: the `Last-Event-ID` header (what EventSource sends back), else
    /// `?last_event_id=`; `422` when not a sequence number this API sent.
    static func lastEventID(_ header: String?, _ parameter: String?) throws -> Int64? {
        if let header {
            let text = header.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { return nil }
            guard let seq = Int64(text), seq >= 0 else { throw Problem.validation(field: "Last-Event-ID", "must be the id of an event") }
            return seq
        }
        guard let parameter else { return nil }
        guard let seq = Int64(parameter), seq >= 0 else { throw Problem.validation(field: "last_event_id", "must be the id of an event") }
        return seq
    }
}
