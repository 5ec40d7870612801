import Foundation
import TMCPostgres

/// Names victims on a new case: an existing victim account (matched by email, ignoring case)
/// is linked; an email without an account gets an invited victim account and an invitation
/// code, returned to the creator and sent through the outbox. A staff account's email cannot
/// be named as a victim (`422`).
struct CaseVictimLinker: Sendable {
    let invitations: InvitationService

    /// A victim of the request with the account it resolved to (nil: to be invited).
    struct Resolved: Sendable {
        var input: CaseVictimInput
        var existing: User?
    }

    /// Looks every email up, and checks them all before anything is written.
    func resolve(_ db: any PostgresQueryable, _ victims: [CaseVictimInput]) async throws -> [Resolved] {
        var errors: [Problem.FieldError] = []
        var seen: Set<String> = []
        var resolved: [Resolved] = []
        for (i, victim) in victims.enumerated() {
            let key = victim.email.lowercased()
            if !seen.insert(key).inserted {
                errors.append(.init(field: "victims[\(i)].email", message: "names the same person twice"))
                continue
            }
            let user = try await UserRepository.find(db, email: victim.email)
            if let user, user.role != .victim {
                errors.append(.init(field: "victims[\(i)].email", message: "belongs to a police or platform account, which cannot be named as a victim"))
                continue
            }
            resolved.append(Resolved(input: victim, existing: user))
        }
        if !errors.isEmpty { throw Problem.validation(errors) }
        return resolved
    }

    /// Links (or invites) every victim; returns the invitation codes. An account still waiting
    /// for activation gets a fresh code too (the first may have expired or been lost).
    func link(_ db: any PostgresQueryable, _ resolved: [Resolved], caseID: UUID, forceID: UUID, crimeReference: String,
              createdBy: UUID) async throws -> [InvitationView] {
        var codes: [InvitationView] = []
        for victim in resolved {
            let user: User
            if let existing = victim.existing {
                user = existing
            } else {
                do {
                    user = try await UserRepository.insert(db, NewUser(email: victim.input.email, name: victim.input.name, role: .victim,
                                                                       forceID: nil, phone: victim.input.phone, status: .invited),
                                                           password: nil, bcryptCost: 4)
                } catch let error as PostgresError where error.code == .uniqueViolation {
                    throw Problem.conflict("An account for \(victim.input.email) was created at the same moment; try again.")
                }
            }
            try await CaseRepository.addVictim(db, caseID: caseID, userID: user.id, enhanced: victim.input.enhanced,
                                               updateEveryDays: victim.input.updateEveryDays ?? ClockRule.defaultUpdateEveryDays)
            if user.status == .invited {
                let code = try await invitations.createInvitation(db, userID: user.id, createdBy: createdBy)
                codes.append(InvitationView(email: user.email, invitationCode: code))
                try await NotificationOutbox.enqueue(
                    db, forceID: forceID, userID: user.id, caseID: caseID, kind: .invitation,
                    subject: "Follow your case \(crimeReference) on TrackMyCrime",
                    body: """
                        The police have named you as a victim on case \(crimeReference). To follow the case, activate your \
                        TrackMyCrime account with your email address and this invitation code: \(code)
                        The code can be used once, within 14 days.
                        """)
            } else {
                try await NotificationOutbox.enqueue(
                    db, forceID: forceID, userID: user.id, caseID: caseID, kind: .caseUpdate,
                    subject: "A case has been added to your TrackMyCrime account",
                    body: "The police have named you as a victim on case \(crimeReference). Sign in to TrackMyCrime to follow it.")
            }
        }
        return codes
    }
}
