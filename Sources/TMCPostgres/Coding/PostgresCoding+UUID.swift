import Foundation

extension UUID: PostgresEncodable, PostgresDecodable {
    /// Lowercase, hyphenated: the form PostgreSQL prints, so it compares equal as text too.
    public var postgresText: String? {
        // Written by hand: `uuidString.lowercased()` costs two allocations and a case mapping.
        withUnsafeBytes(of: uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { out in
                var o = 0
                for i in 0..<16 {
                    if i == 4 || i == 6 || i == 8 || i == 10 { out[o] = UInt8(ascii: "-"); o += 1 }
                    out[o] = hexDigit(bytes[i] >> 4)
                    out[o + 1] = hexDigit(bytes[i] & 0x0F)
                    o += 2
                }
                return o
            }
        }
    }

    public init(postgresText: String) throws {
        var text = postgresText
        let parsed: uuid_t? = text.withUTF8 { UUID.parse($0) }
        guard let parsed else { throw PostgresTextError(type: "UUID", text: postgresText) }
        self.init(uuid: parsed)
    }

    /// Parses `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` in either case, without Foundation's parser.
    private static func parse(_ s: UnsafeBufferPointer<UInt8>) -> uuid_t? {
        guard s.count == 36, s[8] == 0x2D, s[13] == 0x2D, s[18] == 0x2D, s[23] == 0x2D else { return nil }
        var result: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        let ok = withUnsafeMutableBytes(of: &result) { bytes -> Bool in
            var i = 0
            for n in 0..<16 {
                if i == 8 || i == 13 || i == 18 || i == 23 { i += 1 }
                guard let hi = hexValue(s[i]), let lo = hexValue(s[i + 1]) else { return false }
                bytes[n] = hi << 4 | lo
                i += 2
            }
            return true
        }
        return ok ? result : nil
    }
}

@inline(__always)
func hexDigit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? nibble + 0x30 : nibble - 10 + 0x61 }

@inline(__always)
func hexValue(_ c: UInt8) -> UInt8? {
    switch c {
    case 0x30...0x39: return c - 0x30
    case 0x61...0x66: return c - 0x61 + 10
    case 0x41...0x46: return c - 0x41 + 10
    default: return nil
    }
}
