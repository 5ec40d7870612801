/// Byte classes and small byte-level helpers for parsing hostile input without allocating.
enum ASCII {
    static let cr: UInt8 = 13
    static let lf: UInt8 = 10
    static let sp: UInt8 = 32
    static let ht: UInt8 = 9
    static let colon: UInt8 = 58
    static let semicolon: UInt8 = 59
    static let comma: UInt8 = 44

    /// RFC 9110 `tchar`: what a method or a field name may contain.
    static let isTokenTable: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for b in UInt8(ascii: "0")...UInt8(ascii: "9") { table[Int(b)] = true }
        for b in UInt8(ascii: "a")...UInt8(ascii: "z") { table[Int(b)] = true }
        for b in UInt8(ascii: "A")...UInt8(ascii: "Z") { table[Int(b)] = true }
        for c in "!#$%&'*+-.^_`|~".utf8 { table[Int(c)] = true }
        return table
    }()

    @inline(__always) static func isToken(_ b: UInt8) -> Bool { isTokenTable[Int(b)] }

    /// Field values may hold HT, visible ASCII, SP and obs-text; never other controls or DEL.
    @inline(__always) static func isFieldValueByte(_ b: UInt8) -> Bool {
        b == ht || (b >= 0x20 && b != 0x7F)
    }

    /// The request target is visible ASCII only (no controls, no space, no DEL, no 8-bit bytes).
    @inline(__always) static func isTargetByte(_ b: UInt8) -> Bool { b > 0x20 && b < 0x7F }

    @inline(__always) static func isOWS(_ b: UInt8) -> Bool { b == sp || b == ht }

    @inline(__always) static func lower(_ b: UInt8) -> UInt8 { (b >= 65 && b <= 90) ? b + 32 : b }

    @inline(__always) static func hexValue(_ b: UInt8) -> Int? {
        switch b {
        case 48...57: return Int(b - 48)
        case 97...102: return Int(b - 87)
        case 65...70: return Int(b - 55)
        default: return nil
        }
    }

    /// True when `bytes[range]` equals `lowercase` ignoring ASCII case; `lowercase` must be lower case.
    @inline(__always)
    static func equalsLowercase(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ lowercase: StaticString) -> Bool {
        guard range.count == lowercase.utf8CodeUnitCount else { return false }
        let expected = lowercase.utf8Start
        var i = 0
        for index in range {
            if lower(bytes[index]) != expected[i] { return false }
            i += 1
        }
        return true
    }

    /// `range` narrowed to exclude leading and trailing SP/HT.
    @inline(__always)
    static func trimOWS(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int> {
        var lo = range.lowerBound, hi = range.upperBound
        while lo < hi, isOWS(bytes[lo]) { lo += 1 }
        while hi > lo, isOWS(bytes[hi - 1]) { hi -= 1 }
        return lo..<hi
    }

    @inline(__always)
    static func string(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }
}
