import Foundation
import TMCHTTP

extension RequestContext {
    /// Where the request came from, as services and the audit trail take it.
    public var origin: RequestOrigin { RequestOrigin(clientAddress: clientAddress, requestID: requestID) }

    /// A path parameter that should be a UUID, or nil: for routes that must answer `403` to a
    /// role that may never act "whatever the id", before a malformed id could answer `404`.
    public func optionalUUIDParameter(_ name: String) -> UUID? {
        parameters[name].flatMap(UUID.init(uuidString:))
    }
}

extension QueryParameters {
    /// `?cursor=` of a keyset-paged list: nil when absent, `422` when it is not one of ours.
    public func cursor() throws -> UUID? {
        guard let text = self["cursor"] else { return nil }
        guard let id = Cursor.decode(text) else { throw Problem.validation(field: "cursor", "is not a cursor from this list") }
        return id
    }
}
