import Foundation

/// The field rules for accounts, shared by the API and the command line. Each returns the
/// message for a bad value, or nil when the value is acceptable.
public enum AccountRules {
    public static let passwordLength = 10...128

    /// 10–128 characters (Unicode code points), every one of them significant.
    public static func passwordProblem(_ password: String) -> String? {
        let n = password.unicodeScalars.count
        if n < passwordLength.lowerBound { return "must be at least \(passwordLength.lowerBound) characters" }
        if n > passwordLength.upperBound { return "must be at most \(passwordLength.upperBound) characters" }
        if password.unicodeScalars.contains(where: { $0.value == 0 }) { return "must not contain NUL characters" }
        return nil
    }

    /// A plausible address: one `@`, a non-empty local part, a dotted domain, no spaces or
    /// control characters, at most 254 characters.
    public static func emailProblem(_ email: String) -> String? {
        let message = "must be an email address such as name@example.com"
        guard email.utf8.count <= 254 else { return "must be at most 254 characters" }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].utf8.count <= 64 else { return message }
        let domain = parts[1]
        guard domain.contains("."), !domain.hasPrefix("."), !domain.hasSuffix("."), !domain.contains("..") else { return message }
        if email.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }) { return message }
        return nil
    }

    /// A UK or international number: digits, spaces, `+`, `-`, `(`, `)`; 7–15 digits.
    public static func phoneProblem(_ phone: String) -> String? {
        let allowed = Set("0123456789 +-()")
        let digits = phone.filter(\.isASCIIDigit).count
        guard phone.allSatisfy({ allowed.contains($0) }), (7...15).contains(digits),
              !phone.dropFirst().contains("+") else {
            return "must be a phone number such as +44 7700 900123"
        }
        return nil
    }

    /// A force's data.police.uk id: lower-case words joined by hyphens, at most 64 characters.
    public static func forceCodeProblem(_ code: String) -> String? {
        let words = code.split(separator: "-", omittingEmptySubsequences: false)
        let ok = code.utf8.count <= 64 && !words.isEmpty
            && words.allSatisfy { !$0.isEmpty && $0.allSatisfy { c in c.isASCIIDigit || ("a"..."z").contains(c) } }
        return ok ? nil : "must be a data.police.uk force id such as avon-and-somerset (lower-case letters, digits and hyphens)"
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
