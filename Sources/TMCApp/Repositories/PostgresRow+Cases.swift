import Foundation
import TMCPostgres

extension PostgresRow {
    /// A text column read as one of a fixed set of codes (`status`, `event`).
    func code<T: RawRepresentable>(_ column: String, as type: T.Type) throws -> T where T.RawValue == String {
        let text = try decode(column, as: String.self)
        guard let value = T(rawValue: text) else {
            throw PostgresDecodingError(column: column, type: String(describing: T.self), value: text)
        }
        return value
    }

    /// As `code(_:as:)`, nil for NULL.
    func optionalCode<T: RawRepresentable>(_ column: String, as type: T.Type) throws -> T? where T.RawValue == String {
        guard let text = try decode(column, as: String?.self) else { return nil }
        guard let value = T(rawValue: text) else {
            throw PostgresDecodingError(column: column, type: String(describing: T.self), value: text)
        }
        return value
    }
}

extension CivilDate: PostgresEncodable, PostgresDecodable {
    public var postgresText: String? { description }

    public init(postgresText: String) throws {
        guard let date = CivilDate(postgresText) else {
            throw PostgresDecodingError(column: "", type: "CivilDate", value: postgresText)
        }
        self = date
    }
}
