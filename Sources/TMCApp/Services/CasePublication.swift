import Foundation
import TMCPostgres

/// What happens when victims are told something (an update published as it is recorded, or
/// later): the update's clock and the agreed-contact clock are met, a new agreed-contact clock
/// starts while the case is open, what victims see of status and outcome moves on, and every
/// victim gets a notification.
enum CasePublication {
    static func didPublish(_ db: any PostgresQueryable, caseID: UUID, forceID: UUID, update: CaseUpdateRecord, at: Date) async throws {
        try await ClockRepository.meetUpdateClock(db, updateID: update.id, at: at)
        try await ClockRepository.meetAgreedContact(db, caseID: caseID, at: at)
        guard let current = try await CaseRepository.find(db, id: caseID, forceID: forceID) else { return }
        let victims = try await CaseRepository.victims(db, caseID: caseID)
        var nextUpdateDue: Date?
        if current.status.isOpen {
            let days = victims.map(\.updateEveryDays).min() ?? ClockRule.defaultUpdateEveryDays
            let deadline = WorkingDayCalendar.deadline(calendarDays: days, after: at)
            try await ClockRepository.start(db, NewClock(forceID: forceID, caseID: caseID, rule: .agreedContact,
                                                         startedAt: at, deadline: deadline))
            nextUpdateDue = deadline
        }
        try await CaseRepository.applyPublication(db, id: caseID, nextUpdateDue: nextUpdateDue)
        // Live events (issue 5): victims and the force's staff see the published update.
        try await EventPublisher.caseUpdated(db, caseID: caseID, forceID: forceID, victimIDs: victims.map(\.userID),
                                             data: ["change": "update_published", "update_id": update.id.lowercasedString],
                                             resourceID: update.id.lowercasedString)
        for victim in victims {
            try await NotificationOutbox.enqueue(
                db, forceID: forceID, userID: victim.userID, caseID: caseID, kind: .caseUpdate,
                subject: "An update on your case \(current.crimeReference)",
                body: (update.message ?? "") + "\n\nSign in to TrackMyCrime to see your case.")
        }
    }
}
