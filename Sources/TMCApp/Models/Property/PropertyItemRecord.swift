import Foundation

/// A stolen or damaged item, or one stored version of it.
public struct PropertyItemRecord: Sendable, Equatable {
    public var id: UUID
    public var caseID: UUID
    public var victimID: UUID
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
    /// For the current item, its last change; for a stored version, when it was made.
    public var updatedAt: Date
    /// Who made this version (a stored version only).
    public var changedByRole: String?
}

/// The fields of an item a `POST` or `PATCH` sets.
public struct PropertyFields: Sendable, Equatable {
    public var kind: PropertyKind
    public var category: PropertyCategory
    public var description: String
    public var make: String?
    public var model: String?
    public var serialNumber: String?
    public var colour: String?
    public var estimatedValuePence: Int?
    public var status: PropertyStatus

    public init(kind: PropertyKind, category: PropertyCategory, description: String, make: String? = nil, model: String? = nil,
                serialNumber: String? = nil, colour: String? = nil, estimatedValuePence: Int? = nil, status: PropertyStatus = .reported) {
        self.kind = kind
        self.category = category
        self.description = description
        self.make = make
        self.model = model
        self.serialNumber = serialNumber
        self.colour = colour
        self.estimatedValuePence = estimatedValuePence
        self.status = status
    }
}
