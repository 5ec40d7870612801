/// What kind of thing a property item is.
public enum PropertyCategory: String, Sendable, CaseIterable, Codable {
    case bicycle
    case mobilePhone = "mobile_phone"
    case laptopOrTablet = "laptop_or_tablet"
    case otherElectronics = "other_electronics"
    case vehicle
    case vehiclePart = "vehicle_part"
    case jewelleryOrWatch = "jewellery_or_watch"
    case cash
    case bankCard = "bank_card"
    case identityDocument = "identity_document"
    case clothingOrBag = "clothing_or_bag"
    case tools
    case other
}

/// Whether an item was taken or damaged.
public enum PropertyKind: String, Sendable, CaseIterable, Codable {
    case stolen, damaged
}

/// Where an item stands. Victims withdraw (by `DELETE`); only staff set recovered or returned.
public enum PropertyStatus: String, Sendable, CaseIterable, Codable {
    case reported, recovered, returned, withdrawn

    /// The statuses staff may set with `PATCH`.
    public enum StaffSettable: String, Sendable, CaseIterable {
        case reported, recovered, returned
    }
}
