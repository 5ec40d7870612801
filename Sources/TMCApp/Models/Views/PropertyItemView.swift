import Foundation

/// A property item (or one of its stored versions).
public struct PropertyItemView: Sendable, Encodable {
    public var id: String
    public var caseId: String
    public var victimId: String
    public var kind: PropertyKind
    public var category: PropertyCategory
    public var description: String
    public var make: String?
    public var model: String?
    public var serialNumber: String?
    public var colour: String?
    public var estimatedValuePence: Int?
    public var status: PropertyStatus
    public var version: Int
    public var createdAt: Date
    public var updatedAt: Date
    /// Versions only: the role of whoever made this version.
    public var changedByRole: String?

    public init(_ p: PropertyItemRecord) {
        id = p.id.uuidString.lowercased()
        caseId = p.caseID.uuidString.lowercased()
        victimId = p.victimID.uuidString.lowercased()
        kind = p.kind
        category = p.category
        description = p.description
        make = p.make
        model = p.model
        serialNumber = p.serialNumber
        colour = p.colour
        estimatedValuePence = p.estimatedValuePence
        status = p.status
        version = p.version
        createdAt = p.createdAt
        updatedAt = p.updatedAt
        changedByRole = p.changedByRole
    }

    public var etag: String { "\"\(version)\"" }
}
