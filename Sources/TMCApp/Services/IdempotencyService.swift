import Foundation
import TMCPostgres

/// `Idempotency-Key` for creating `POST`s: the same key and request from the same caller
/// within 24 h gets the original response and creates nothing; the same key with another
/// request is a `409`, as is a duplicate while the first is still running. Only successful
/// (2xx) responses are kept: after an error the key is released and the request may be
/// retried with it, since nothing was created.
public struct IdempotencyService: Sendable {
    public static let lifetime: Duration = .seconds(24 * 3600)
    /// A claim still unanswered after this long is taken to be abandoned (its server died).
    public static let abandonedAfter: Duration = .seconds(5 * 60)

    let database: PostgresPool

    public init(database: PostgresPool) { self.database = database }

    /// Who a key belongs to: a signed-in caller by account, others by client address.
    public static func caller(_ principal: Principal?, clientAddress: String) -> String {
        principal.map { "principal:\($0.userID.lowercasedString)" } ?? "address:\(clientAddress)"
    }

    /// 1–255 visible ASCII characters.
    public static func isValidKey(_ key: String) -> Bool {
        let bytes = key.utf8
        return !bytes.isEmpty && bytes.count <= 255 && bytes.allSatisfy { $0 >= 0x21 && $0 <= 0x7E }
    }

    /// What to do with a request carrying a key.
    public enum Decision: Sendable, Equatable {
        /// Run it, then `complete` or `release`.
        case proceed
        /// Answer with the stored response.
        case replay(status: Int, contentType: String?, location: String?, body: [UInt8])
    }

    public struct Request: Sendable {
        public var caller: String
        public var key: String
        public var method: String
        public var target: String
        public var body: [UInt8]
        public init(caller: String, key: String, method: String, target: String, body: [UInt8]) {
            self.caller = caller
            self.key = key
            self.method = method
            self.target = target
            self.body = body
        }
    }

    public func begin(_ r: Request) async throws -> Decision {
        for _ in 0..<2 {
            if try await IdempotencyRepository.claim(database, caller: r.caller, key: r.key, method: r.method, path: r.target, body: r.body,
                                                     lifetime: IdempotencyService.lifetime, abandonAfter: IdempotencyService.abandonedAfter) {
                if Int.random(in: 0..<128) == 0 { try? await IdempotencyRepository.deleteExpired(database) }
                return .proceed
            }
            switch try await IdempotencyRepository.find(database, caller: r.caller, key: r.key, method: r.method, path: r.target, body: r.body) {
            case .completed(true, let stored):
                return .replay(status: stored.status, contentType: stored.contentType, location: stored.location, body: stored.body)
            case .completed(false, _), .inFlight(false):
                throw Problem.conflict("This Idempotency-Key was already used for a different request; use a new key for a new request.")
            case .inFlight(true):
                throw Problem.conflict("A request with this Idempotency-Key is still being processed; retry once it has finished.")
            case .missing:
                continue // released or expired since the claim failed: claim again
            }
        }
        throw Problem.conflict("A request with this Idempotency-Key is still being processed; retry once it has finished.")
    }

    /// Keeps a successful response for replay.
    public func complete(_ r: Request, status: Int, contentType: String?, location: String?, body: [UInt8]) async throws {
        try await IdempotencyRepository.complete(database, caller: r.caller, key: r.key,
                                                 response: StoredResponse(status: status, contentType: contentType, location: location, body: body))
    }

    /// Frees the key after a failed request.
    public func release(_ r: Request) async throws {
        try await IdempotencyRepository.release(database, caller: r.caller, key: r.key)
    }
}
