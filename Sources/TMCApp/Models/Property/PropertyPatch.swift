import Foundation

/// The body of `PATCH …/property/{item_id}` (JSON Merge Patch): required fields can be
/// replaced, optional ones replaced or cleared.
public struct PropertyPatch: Sendable, Equatable {
    public var kind: PropertyKind?
    public var category: PropertyCategory?
    public var description: String?
    public var make: FieldPatch<String> = .unchanged
    public var model: FieldPatch<String> = .unchanged
    public var serialNumber: FieldPatch<String> = .unchanged
    public var colour: FieldPatch<String> = .unchanged
    public var estimatedValuePence: FieldPatch<Int> = .unchanged
    public var status: PropertyStatus.StaffSettable?

    public init() {}

    /// The fields after the patch.
    public func applied(to p: PropertyItemRecord) -> PropertyFields {
        PropertyFields(kind: kind ?? p.kind, category: category ?? p.category, description: description ?? p.description,
                       make: make.applied(to: p.make), model: model.applied(to: p.model),
                       serialNumber: serialNumber.applied(to: p.serialNumber), colour: colour.applied(to: p.colour),
                       estimatedValuePence: estimatedValuePence.applied(to: p.estimatedValuePence),
                       status: status.flatMap { PropertyStatus(rawValue: $0.rawValue) } ?? p.status)
    }
}

extension PropertyItemRecord {
    var fields: PropertyFields {
        PropertyFields(kind: kind, category: category, description: description, make: make, model: model,
                       serialNumber: serialNumber, colour: colour, estimatedValuePence: estimatedValuePence, status: status)
    }
}
