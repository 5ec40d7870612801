import Foundation
import TMCPostgres

extension PostgresRow {
    /// A text column read as a string enum (`role`, `status`).
    func decode<T: RawRepresentable>(_ column: String, as type: T.Type) throws -> T where T.RawValue == String {
        let text = try decode(column, as: String.self)
        guard let value = T(rawValue: text) else {
            throw PostgresDecodingError(column: column, type: String(describing: T.self), value: text)
        }
        return value
    }
}
