import Foundation

/// Random secrets from the system CSPRNG (`SystemRandomNumberGenerator`: getrandom(2) on
/// Linux). Only randomness and encoding happen here; hashing is done by PostgreSQL.
public enum SecretGenerator {
    /// 32 random bytes (256 bits) as unpadded base64url after `prefix`: `tmc_…` for session
    /// tokens, `tmck_…` for API keys.
    public static func token(prefix: String) -> String {
        var rng = SystemRandomNumberGenerator()
        var bytes = [UInt8](repeating: 0, count: 32)
        for i in bytes.indices { bytes[i] = rng.next() }
        return prefix + base64URL(bytes)
    }

    /// Unpadded base64url (RFC 4648 §5).
    public static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Letters and digits that cannot be confused when read aloud or copied by hand
    /// (no 0/O, 1/I/L, 5/S, 2/Z, 8/B).
    public static let invitationAlphabet = Array("ACDEFGHJKMNPQRTUVWXY34679")

    /// A 12-character invitation code shown as `XXXX-XXXX-XXXX` (about 56 bits).
    public static func invitationCode() -> String {
        var rng = SystemRandomNumberGenerator()
        let chars = (0..<12).map { _ in invitationAlphabet[Int.random(in: 0..<invitationAlphabet.count, using: &rng)] }
        return String(chars[0..<4]) + "-" + String(chars[4..<8]) + "-" + String(chars[8..<12])
    }

    /// The form a code is stored and compared in: upper case, without separators or spaces,
    /// so that `acde-fghj-kmnp` and `ACDEFGHJKMNP` are the same code.
    public static func normalizeInvitationCode(_ code: String) -> String {
        String(code.uppercased().unicodeScalars.filter { $0 != "-" && $0 != " " })
    }
}
