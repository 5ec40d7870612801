import Foundation

/// A message as a caller sees it. Victims see staff senders by name and role only: the
/// sender's `id` is null for them unless they sent the message themselves.
public struct MessageView: Sendable, Encodable, Equatable {
    public struct Sender: Sendable, Encodable, Equatable {
        public var id: String?
        public var role: Role
        public var name: String

        enum CodingKeys: String, CodingKey { case id, role, name }

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id) // null, not absent
            try c.encode(role, forKey: .role)
            try c.encode(name, forKey: .name)
        }
    }

    public var id: String
    public var caseId: String
    /// The thread: the victim this message is from or to.
    public var victimId: String
    public var sender: Sender
    public var body: String
    public var createdAt: Date

    /// The view of `viewer`: staff and integration keys see every sender's id; a victim only
    /// their own.
    public init(_ m: MessageRecord, viewer: Principal) {
        self.init(m, showStaffSenderID: viewer.role != .victim)
    }

    /// The view every reader of the message may get (what `/v1/events` carries to the victim
    /// and the force alike): a staff sender's id left out.
    public static func shared(_ m: MessageRecord) -> MessageView { MessageView(m, showStaffSenderID: false) }

    init(_ m: MessageRecord, showStaffSenderID: Bool) {
        id = m.id.lowercasedString
        caseId = m.caseID.lowercasedString
        victimId = m.victimID.lowercasedString
        let showID = showStaffSenderID || m.senderRole == .victim
        sender = Sender(id: showID ? m.senderID.lowercasedString : nil, role: m.senderRole, name: m.senderName)
        body = m.body
        createdAt = m.createdAt
    }
}
