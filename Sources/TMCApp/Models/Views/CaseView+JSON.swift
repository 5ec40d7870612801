import Foundation

extension CaseView {
    /// The JSON of the case, identical to `JSON.encodeBytes(self)` but several times cheaper:
    /// `GET /v1/cases/{id}` is the API's most frequent call.
    public var jsonBytes: [UInt8] {
        var w = JSONObjectWriter()
        w.string("id", id)
        w.string("force", force)
        w.string("crime_reference", crimeReference)
        w.string("offence_category", offenceCategory.rawValue)
        w.string("offence_description", offenceDescription)
        w.string("summary", summary)
        w.date("occurred_at", occurredAt)
        w.string("status", status.rawValue)
        w.string("outcome", outcome)
        w.string("outcome_description", outcomeDescription)
        if let officer {
            var o = JSONObjectWriter()
            o.string("id", officer.id)
            o.string("name", officer.name)
            w.object("officer", o)
        }
        w.array("victims", victims.map { v in
            var o = JSONObjectWriter()
            o.string("id", v.id)
            o.string("name", v.name)
            o.string("email", v.email)
            o.string("phone", v.phone)
            o.string("account_status", v.accountStatus)
            o.bool("enhanced", v.enhanced)
            o.int("update_every_days", v.updateEveryDays)
            return o
        })
        w.date("next_update_due", nextUpdateDue)
        w.array("open_clocks", openClocks?.map { c in
            var o = JSONObjectWriter()
            o.string("rule", c.rule.rawValue)
            o.string("update_id", c.updateId)
            o.string("review_request_id", c.reviewRequestId)
            o.date("occurred_at", c.occurredAt)
            o.date("deadline", c.deadline)
            o.string("state", c.state.rawValue)
            return o
        })
        w.int("version", version)
        w.date("created_at", createdAt)
        w.date("updated_at", updatedAt)
        return w.bytes
    }
}

extension CaseSummaryView {
    /// As `JSON.encodeBytes(self)`, written by hand (lists of cases are the staff's hot path).
    var jsonWriter: JSONObjectWriter {
        var w = JSONObjectWriter()
        w.string("id", id)
        w.string("force", force)
        w.string("crime_reference", crimeReference)
        w.string("offence_category", offenceCategory.rawValue)
        w.string("summary", summary)
        w.string("status", status.rawValue)
        w.string("outcome", outcome)
        if let officer {
            var o = JSONObjectWriter()
            o.string("id", officer.id)
            o.string("name", officer.name)
            w.object("officer", o)
        }
        w.date("next_update_due", nextUpdateDue)
        w.int("version", version)
        w.date("created_at", createdAt)
        w.date("updated_at", updatedAt)
        return w
    }
}

extension Page where Item == CaseSummaryView {
    /// As `JSON.encodeBytes(self)`, written by hand.
    public var jsonBytes: [UInt8] {
        var w = JSONObjectWriter()
        w.array("items", items.map(\.jsonWriter))
        w.stringOrNull("next_cursor", nextCursor)
        return w.bytes
    }
}
