import Foundation

/// The event-log entries online reports write: the change feed's `report_submitted` and
/// `report_triaged` (for the force's records system), and `report.updated` on `/v1/events`
/// for the signed-in reporter and the force's staff.
enum ReportEvents {
    /// A report arrived in a force's queue: submitted there, or transferred to it
    /// (`transferred_from` names the force that passed it on). `data` is the staff view.
    static func submitted(_ r: ReportRecord, transferredFrom: String?) -> NewEvent {
        struct Data: Encodable {
            var report: ReportView
            var transferredFrom: String?
        }
        return NewEvent(type: "report_submitted", forceID: r.forceID, reportID: r.id, resourceID: r.id.lowercasedString,
                        staffVisible: false, inChangeFeed: true,
                        data: NewEvent.encodeData(Data(report: ReportView(r, staff: true), transferredFrom: transferredFrom)))
    }

    /// A force decided about a report (change feed of the deciding force).
    static func triaged(_ r: ReportRecord, forceID: UUID, decision: TriageDecision, note: String, crimeReference: String?,
                        transferTo: String?) -> NewEvent {
        struct Data: Encodable {
            var reference: String
            var decision: TriageDecision
            var note: String
            var caseId: String?
            var crimeReference: String?
            var transferTo: String?
        }
        return NewEvent(type: "report_triaged", forceID: forceID, caseID: r.caseID, reportID: r.id, resourceID: r.id.lowercasedString,
                        staffVisible: false, inChangeFeed: true,
                        data: NewEvent.encodeData(Data(reference: r.reference, decision: decision, note: note,
                                                       caseId: r.caseID?.lowercasedString, crimeReference: crimeReference,
                                                       transferTo: transferTo)))
    }

    /// `report.updated` on `/v1/events`: to the signed-in reporter (when `toReporter`) and to
    /// the staff of `forceID`.
    static func updated(_ r: ReportRecord, forceID: UUID, toReporter: Bool) -> NewEvent {
        struct Data: Encodable {
            var reportId: String
            var reference: String
            var status: ReportStatus
            var force: String
            var caseId: String?
        }
        let recipients = toReporter ? r.reporterID.map { [$0] } ?? [] : []
        return NewEvent(type: "report.updated", forceID: forceID, caseID: r.caseID, reportID: r.id, resourceID: r.id.lowercasedString,
                        recipientIDs: recipients, staffVisible: true, inChangeFeed: false,
                        data: NewEvent.encodeData(Data(reportId: r.id.lowercasedString, reference: r.reference, status: r.status,
                                                       force: r.forceCode, caseId: r.caseID?.lowercasedString)))
    }
}
