import Foundation

/// `GET /v1/me/unread`: messages from the other side that the caller has not marked read,
/// per case with any, and their total.
public struct UnreadSummary: Sendable, Encodable, Equatable {
    public struct Item: Sendable, Encodable, Equatable {
        public var caseId: String
        public var unread: Int
    }

    public var total: Int
    public var items: [Item]
}

/// The answer to `POST /v1/cases/{id}/messages/read`: where the caller's marker now is.
public struct ReadMarkerView: Sendable, Encodable, Equatable {
    public var caseId: String
    /// The message read up to (never moves backwards).
    public var upTo: String
    /// Messages still unread on the case after the marker.
    public var unread: Int
}
