import Foundation
import TMCHTTP

/// `/v1/cases/{id}/messages…` and `/v1/me/unread` (issue 5).
enum MessageRoutes {
    static func register(in router: inout Router, _ messages: MessageService, authentication: AuthenticationService) {
        router.post("/v1/cases/{id}/messages") { context in
            let caseID = context.optionalUUIDParameter("id")
            var principal = context.principal
            if let bearer = context.deferredBearer {
                // Authenticated here, not by the middleware: a victim's post with a valid body is
                // one round trip. Everything else is refused in the usual order (401, 403, 422).
                if let new = try? MessageRoutes.newMessage(context) {
                    switch try await messages.post(bearer: bearer, caseID: caseID, new, authentication: authentication) {
                    case .posted(let message): return MessageRoutes.created(message)
                    case .authenticated(let caller): principal = caller
                    case .unresolved: break
                    }
                }
                if principal == nil {
                    guard let caller = try await authentication.authenticate(bearer: bearer) else {
                        throw Problem.unauthenticated("The token is unknown, expired or revoked.")
                    }
                    principal = caller
                }
            }
            guard let principal else { throw Problem.unauthenticated() }
            try CasePolicy.require(principal, MessageService.writers, "Only the case's victims and staff post messages.")
            // A caller resolved here (not by the middleware) posts in its own row-level security scope.
            let new = try MessageRoutes.newMessage(context)
            return MessageRoutes.created(try await DatabaseScope.run(as: principal) { try await messages.post(principal, caseID: caseID, new) })
        }

        router.get("/v1/cases/{id}/messages") { context in
            let principal = try context.requirePrincipal()
            try CasePolicy.require(principal, MessageService.readers, "Your role may not read messages.")
            let query = context.query
            let limit = try query.limit()
            let after = try query.messageID("after")
            let cursor = try query.messageID("cursor")
            if let after, let cursor, after != cursor {
                throw Problem.validation(field: "cursor", "must be left out or equal to after (both name the last message you have)")
            }
            return .caseJSON(try await messages.list(principal, caseID: context.optionalUUIDParameter("id"), after: after ?? cursor,
                                                     limit: limit, origin: context.origin))
        }

        // Messages are immutable: PATCH and DELETE on this path answer 405 with `Allow`.
        router.get("/v1/cases/{id}/messages/{message_id}") { context in
            let principal = try context.requirePrincipal()
            return .caseJSON(try await messages.get(principal, caseID: context.optionalUUIDParameter("id"),
                                                    messageID: context.optionalUUIDParameter("message_id"), origin: context.origin))
        }

        router.post("/v1/cases/{id}/messages/read") { context in
            let principal = try context.requirePrincipal()
            try CasePolicy.require(principal, MessageService.writers, "Only people keep read markers.")
            let body = try JSONBody(context.request)
            let upTo = body.uuid("up_to")
            try body.finish()
            guard let upTo else { throw Problem.validation(body.errors) }
            return .caseJSON(try await messages.markRead(principal, caseID: context.optionalUUIDParameter("id"), upTo: upTo))
        }

        router.get("/v1/me/unread") { context in
            .caseJSON(try await messages.unread(try context.requirePrincipal()))
        }
    }

    /// The body of `POST /v1/cases/{id}/messages`; `422` when it is not valid.
    private static func newMessage(_ context: RequestContext) throws -> NewMessage {
        let body = try JSONBody(context.request)
        let text = body.string("body", maxLength: MessageService.maxBodyLength)
        let victimID = body.uuid("victim_id", required: false)
        try body.finish()
        guard let text else { throw Problem.validation(body.errors) }
        return NewMessage(body: text, victimID: victimID)
    }

    private static func created(_ message: MessageView) -> HTTPResponse {
        HTTPResponse(status: 201, headers: ["Content-Type": "application/json", "Cache-Control": "no-store",
                                            "Location": "/v1/cases/\(message.caseId)/messages/\(message.id)"],
                     body: .bytes(message.jsonBytes))
    }
}

extension QueryParameters {
    /// A message id parameter (`after`, `cursor`); `422` when it is not a UUID.
    func messageID(_ name: String) throws -> UUID? {
        guard let text = self[name] else { return nil }
        guard let id = UUID(uuidString: text) else {
            throw Problem.validation(field: name, "must be the id of a message")
        }
        return id
    }
}
