import Foundation

extension UUID {
    /// A version 4 (random) UUID from the system CSPRNG (`SystemRandomNumberGenerator`:
    /// getrandom(2)). Foundation's `UUID()` opens /dev/urandom for every id on Linux: a path walk
    /// and three system calls on every message post.
    public static func random() -> UUID {
        var generator = SystemRandomNumberGenerator()
        let high: UInt64 = generator.next(), low: UInt64 = generator.next()
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &bytes) { raw in
            raw.storeBytes(of: high, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: low, toByteOffset: 8, as: UInt64.self)
            raw[6] = raw[6] & 0x0F | 0x40  // version 4
            raw[8] = raw[8] & 0x3F | 0x80  // variant RFC 9562
        }
        return UUID(uuid: bytes)
    }
}
