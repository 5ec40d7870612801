import Foundation

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

    static func generate() -> String {
        UUID().uuidString.lowercased()
    }
}
