import Foundation
import Synchronization

/// `X-Request-Id`: the caller's when it is 1–128 characters of `A–Z a–z 0–9 . _ -`, else a new one.
enum RequestID {
    static func accept(_ candidate: String?) -> String {
        if let c = candidate, isSane(c) { return c }
        return generate()
    }

    static func isSane(_ s: String) -> Bool {
        let bytes = s.utf8
        guard !bytes.isEmpty, bytes.count <= 128 else { return false }
        return bytes.allSatisfy { b in
            (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 46 || b == 95 || b == 45
        }
    }

    /// A random per-process prefix and a counter: unique across instances, and no system call
    /// per request.
    static func generate() -> String {
        let n = counter.add(1, ordering: .relaxed).newValue
        return prefix + String(n, radix: 16)
    }

    private static let prefix: String = {
        var g = SystemRandomNumberGenerator()
        let hex = String(g.next() as UInt64, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex + "-"
    }()

    private static let counter = Atomic<UInt64>(0)
}
