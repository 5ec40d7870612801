import Foundation

extension JSONBody {
    /// An email address (trimmed), checked by `AccountRules`.
    func email(_ key: String, required: Bool = true) -> String? {
        guard let value = string(key, required: required, maxLength: 254) else { return nil }
        if let problem = AccountRules.emailProblem(value) { fail(key, problem); return nil }
        return value
    }

    /// A new password: not trimmed (every character counts), 10–128 characters.
    func newPassword(_ key: String) -> String? {
        guard let value = string(key, minLength: 1, maxLength: 100_000, trim: false) else { return nil }
        if let problem = AccountRules.passwordProblem(value) { fail(key, problem); return nil }
        return value
    }

    /// A password to check (login, current password): not trimmed, not judged by the rules
    /// for new ones, bounded so that hashing it stays cheap.
    func passwordToCheck(_ key: String) -> String? {
        string(key, minLength: 1, maxLength: 1024, trim: false)
    }

    func phone(_ key: String) -> String? {
        guard let value = string(key, required: false, maxLength: 32) else { return nil }
        if let problem = AccountRules.phoneProblem(value) { fail(key, problem); return nil }
        return value
    }

    /// A person's or key's name: 1–200 characters after trimming.
    func displayName(_ key: String, maxLength: Int = 200) -> String? {
        string(key, maxLength: maxLength)
    }
}
