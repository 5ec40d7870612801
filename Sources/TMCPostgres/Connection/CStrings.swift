/// Calls `body` with NUL-terminated copies of `strings` (nil stays a NULL pointer). The pointers
/// live in one buffer that is valid only inside `body`: they must not escape it.
/// Returns nil without calling `body` when a string holds a NUL byte, which C cannot carry.
func withCStrings<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) throws -> R) rethrows -> R? {
    var buffer: [CChar] = []
    var offsets: [Int] = []
    offsets.reserveCapacity(strings.count)
    var total = 0
    for s in strings { total += (s?.utf8.count ?? 0) + 1 }
    buffer.reserveCapacity(total)
    for s in strings {
        guard let s else { offsets.append(-1); continue }
        offsets.append(buffer.count)
        for byte in s.utf8 {
            if byte == 0 { return nil }
            buffer.append(CChar(bitPattern: byte))
        }
        buffer.append(0)
    }
    return try buffer.withUnsafeBufferPointer { base in
        let pointers: [UnsafePointer<CChar>?] = offsets.map { offset in
            offset < 0 ? nil : base.baseAddress.map { $0 + offset }
        }
        return try body(pointers)
    }
}

/// A C string owned by someone else, copied into a Swift String (nil for NULL).
@inline(__always)
func copyCString(_ pointer: UnsafePointer<CChar>?) -> String? {
    pointer.map { String(cString: $0) }
}
