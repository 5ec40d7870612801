import Foundation
import TMCPostgres

/// England and Wales bank holidays, the data behind `WorkingDayCalendar`.
enum BankHolidayRepository {
    /// A calendar with every holiday from `from` on (a few dozen rows, read per use so that a
    /// migration adding years needs no restart).
    static func calendar(_ db: any PostgresQueryable, from: CivilDate) async throws -> WorkingDayCalendar {
        let rows = try await db.query("SELECT day FROM bank_holidays WHERE day >= \(from) ORDER BY day")
        return WorkingDayCalendar(holidays: try rows.map { try $0.decode("day", as: CivilDate.self) })
    }
}
