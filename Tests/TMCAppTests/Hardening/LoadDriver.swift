import Foundation
import Synchronization
import XCTest

/// A flag several tasks poll (set once, read often).
final class StopFlag: Sendable {
    private let value = Mutex(false)
    var isSet: Bool { value.withLock { $0 } }
    func set() { value.withLock { $0 = true } }
}

/// What became of one request a load task sent.
enum RequestOutcome: Sendable {
    /// An answer, with what a test needs of it.
    case answered(status: Int, contentType: String?, problemCode: String?, retryAfter: String?, json: JSONBox)
    /// No answer: the connection was refused, reset or closed without a response, or timed out.
    case noAnswer(String)

    var status: Int? {
        if case .answered(let status, _, _, _, _) = self { return status }
        return nil
    }

    /// The connection was refused: the request never reached a server.
    var wasRefused: Bool {
        if case .noAnswer(let reason) = self { return reason.contains("connect to") }
        return false
    }

    static func of(_ attempt: () async throws -> TestResponse) async -> RequestOutcome {
        do {
            let r = try await attempt()
            return .answered(status: r.status, contentType: r.header("Content-Type"), problemCode: r.problemCode,
                             retryAfter: r.header("Retry-After"), json: JSONBox(r.body))
        } catch {
            return .noAnswer(String(describing: error))
        }
    }
}

/// A response body kept as bytes (Sendable); parsed on demand.
struct JSONBox: Sendable {
    let bytes: [UInt8]
    init(_ bytes: [UInt8]) { self.bytes = bytes }
    var object: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] ?? [:] }
    var text: String { String(decoding: bytes, as: UTF8.self) }
}
