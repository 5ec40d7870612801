import TMCHTTP

/// An RFC 9457 problem: every error a client sees is one of these, with a stable `code`.
public struct Problem: Error, Sendable {
    public struct FieldError: Sendable, Encodable, Equatable {
        public var field: String
        public var message: String
        public init(field: String, message: String) {
            self.field = field
            self.message = message
        }
    }

    public var status: Int
    public var code: String
    public var title: String
    public var detail: String
    public var errors: [FieldError]
    /// Extra headers the response needs (`Allow`, `Retry-After`, `WWW-Authenticate`).
    public var headers: HTTPHeaders

    public init(status: Int, code: String, title: String? = nil, detail: String,
                errors: [FieldError] = [], headers: HTTPHeaders = HTTPHeaders()) {
        self.status = status
        self.code = code
        self.title = title ?? httpReasonPhrase(status)
        self.detail = detail
        self.errors = errors
        self.headers = headers
    }

    public static func badRequest(_ detail: String) -> Problem {
        Problem(status: 400, code: "bad_request", detail: detail)
    }

    public static func validation(_ errors: [FieldError]) -> Problem {
        Problem(status: 422, code: "validation_failed", title: "Validation failed",
                detail: "The request has \(errors.count) invalid field\(errors.count == 1 ? "" : "s").", errors: errors)
    }

    public static func validation(field: String, _ message: String) -> Problem {
        validation([FieldError(field: field, message: message)])
    }

    public static func unauthenticated(_ detail: String = "A valid bearer token is required.") -> Problem {
        Problem(status: 401, code: "unauthenticated", detail: detail, headers: ["WWW-Authenticate": "Bearer"])
    }

    public static func forbidden(_ detail: String = "Your role may not do this.") -> Problem {
        Problem(status: 403, code: "forbidden", detail: detail)
    }

    public static func notFound(_ detail: String = "No such resource.") -> Problem {
        Problem(status: 404, code: "not_found", detail: detail)
    }

    public static func methodNotAllowed(allow: [String]) -> Problem {
        Problem(status: 405, code: "method_not_allowed",
                detail: "This path allows \(allow.joined(separator: ", ")).",
                headers: ["Allow": allow.joined(separator: ", ")])
    }

    public static func conflict(_ detail: String) -> Problem {
        Problem(status: 409, code: "conflict", detail: detail)
    }

    public static func preconditionFailed(_ detail: String = "The resource has changed; fetch it again and retry with its new ETag.") -> Problem {
        Problem(status: 412, code: "precondition_failed", detail: detail)
    }

    public static func preconditionRequired(_ detail: String = "This request needs an If-Match header with the resource's ETag.") -> Problem {
        Problem(status: 428, code: "precondition_required", detail: detail)
    }

    public static func payloadTooLarge(_ detail: String) -> Problem {
        Problem(status: 413, code: "payload_too_large", detail: detail)
    }

    public static func unsupportedMediaType(_ detail: String = "The body must be application/json.") -> Problem {
        Problem(status: 415, code: "unsupported_media_type", detail: detail)
    }

    public static func rateLimited(retryAfterSeconds: Int, _ detail: String = "Too many requests; try again later.") -> Problem {
        Problem(status: 429, code: "rate_limited", detail: detail, headers: ["Retry-After": String(max(1, retryAfterSeconds))])
    }

    public static func serviceUnavailable(_ detail: String = "The service is temporarily unavailable; try again shortly.") -> Problem {
        Problem(status: 503, code: "service_unavailable", detail: detail, headers: ["Retry-After": "1"])
    }

    public static let internalError = Problem(
        status: 500, code: "internal_error",
        detail: "Something went wrong on our side. Quote the X-Request-Id header if you contact us.")

    /// The `code` for a status the HTTP layer refused by itself.
    public static func code(forStatus status: Int) -> String {
        switch status {
        case 400, 408, 414, 431, 505, 501: return "bad_request"
        case 401: return "unauthenticated"
        case 403: return "forbidden"
        case 404: return "not_found"
        case 405: return "method_not_allowed"
        case 409: return "conflict"
        case 412: return "precondition_failed"
        case 413: return "payload_too_large"
        case 415: return "unsupported_media_type"
        case 422: return "validation_failed"
        case 428: return "precondition_required"
        case 429: return "rate_limited"
        case 503: return "service_unavailable"
        default: return status >= 500 ? "internal_error" : "bad_request"
        }
    }
}

extension Problem {
    private struct Body: Encodable {
        var type: String
        var title: String
        var status: Int
        var detail: String
        var code: String
        var instance: String?
        var requestId: String?
        var errors: [FieldError]?
    }

    /// The `application/problem+json` response.
    public func response(requestID: String? = nil, instance: String? = nil) -> HTTPResponse {
        let body = Body(type: "https://trackmycrime.police.uk/problems/\(code.replacingOccurrences(of: "_", with: "-"))",
                        title: title, status: status, detail: detail, code: code,
                        instance: instance, requestId: requestID, errors: errors.isEmpty ? nil : errors)
        var headers = self.headers
        headers.set("Content-Type", "application/problem+json")
        headers.set("Cache-Control", "no-store")
        return HTTPResponse(status: status, headers: headers, body: .bytes(JSON.encodeBytes(body)))
    }
}
