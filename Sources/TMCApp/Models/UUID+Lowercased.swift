import Foundation

extension UUID {
    /// `xxxxxxxx-xxxx-…` in lower case: how ids appear in JSON, as PostgreSQL prints them
    /// (Foundation's `uuidString` is upper case).
    public var lowercasedString: String { uuidString.lowercased() }
}
