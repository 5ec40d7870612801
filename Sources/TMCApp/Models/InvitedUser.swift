/// A staff account just created by an admin, with the code they activate it with.
public struct InvitedUser: Sendable, Encodable {
    public var user: User
    /// Shown once; only its digest is stored.
    public var invitationCode: String
}
