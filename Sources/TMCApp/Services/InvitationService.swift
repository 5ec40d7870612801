import Foundation
import TMCPostgres

/// Invitation codes: how an account created by someone else (a victim named on a case, new
/// staff) gets its password, through `POST /v1/auth/activate`. Single use, 14 days.
public struct InvitationService: Sendable {
    public static let lifetime: Duration = .seconds(14 * 24 * 3600)

    public init() {}

    /// Creates a code for the invited account `userID` (status `invited`) and returns it; only
    /// its digest is stored, so show it once (in the response or the notification). Pass a
    /// transaction's connection to create it with the account.
    public func createInvitation(_ db: any PostgresQueryable, userID: UUID, createdBy: UUID?) async throws -> String {
        let code = SecretGenerator.invitationCode()
        try await InvitationRepository.insert(db, userID: userID, code: SecretGenerator.normalizeInvitationCode(code),
                                              createdBy: createdBy, lifetime: InvitationService.lifetime)
        return code
    }

    /// Uses up the code: the invited account's id, or nil when the email has no invited account
    /// with that live, unused code.
    func consume(_ db: any PostgresQueryable, email: String, code: String) async throws -> UUID? {
        try await InvitationRepository.consume(db, email: email, code: SecretGenerator.normalizeInvitationCode(code))
    }
}
