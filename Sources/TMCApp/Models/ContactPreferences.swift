/// How a victim wants notifications: `safe_contact` means they carry no case details.
public struct ContactPreferences: Sendable, Equatable, Encodable {
    public var channel: ContactChannel
    public var safeContact: Bool

    public init(channel: ContactChannel, safeContact: Bool) {
        self.channel = channel
        self.safeContact = safeContact
    }
}
