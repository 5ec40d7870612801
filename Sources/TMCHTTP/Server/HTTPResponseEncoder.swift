/// Serialises response heads (and whole bodies) into one byte array, ready for one write().
enum HTTPResponseEncoder {
    enum Framing: Equatable {
        /// `Content-Length: n`.
        case length(Int)
        /// `Transfer-Encoding: chunked`.
        case chunked
        /// No framing header (1xx/204/304, or a body delimited by closing the connection).
        case none
    }

    enum ConnectionHeader {
        case none
        case close
        case keepAlive
    }

    /// Whether a status code may carry a body (RFC 9110 §6.4.1: 1xx, 204 and 304 never do).
    @inline(__always)
    static func allowsBody(_ status: Int) -> Bool {
        !((100...199).contains(status) || status == 204 || status == 304)
    }

    /// Encodes the head; `reserve` extra bytes of capacity are kept for a body to follow.
    static func head(status: Int, headers: HTTPHeaders, framing: Framing, connection: ConnectionHeader, date: [UInt8], reserve: Int = 0) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128 + headers.count * 48 + reserve)
        let code = (100...999).contains(status) ? status : 500
        out.append(contentsOf: "HTTP/1.1 ".utf8)
        out.append(UInt8(48 + code / 100))
        out.append(UInt8(48 + (code / 10) % 10))
        out.append(UInt8(48 + code % 10))
        out.append(ASCII.sp)
        out.append(contentsOf: httpReasonPhrase(code).utf8)
        out.append(ASCII.cr)
        out.append(ASCII.lf)
        out.append(contentsOf: date)
        for field in headers where !isServerManaged(field.name) {
            appendSanitized(field.name, to: &out)
            out.append(ASCII.colon)
            out.append(ASCII.sp)
            appendSanitized(field.value, to: &out)
            out.append(ASCII.cr)
            out.append(ASCII.lf)
        }
        switch framing {
        case .length(let n):
            out.append(contentsOf: "Content-Length: ".utf8)
            appendDecimal(n, to: &out)
            out.append(ASCII.cr)
            out.append(ASCII.lf)
        case .chunked:
            out.append(contentsOf: "Transfer-Encoding: chunked\r\n".utf8)
        case .none:
            break
        }
        switch connection {
        case .none: break
        case .close: out.append(contentsOf: "Connection: close\r\n".utf8)
        case .keepAlive: out.append(contentsOf: "Connection: keep-alive\r\n".utf8)
        }
        out.append(ASCII.cr)
        out.append(ASCII.lf)
        return out
    }

    /// One chunk of a chunked body: `hex-size CRLF data CRLF`.
    static func chunk(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 20)
        appendHex(bytes.count, to: &out)
        out.append(ASCII.cr)
        out.append(ASCII.lf)
        out.append(contentsOf: bytes)
        out.append(ASCII.cr)
        out.append(ASCII.lf)
        return out
    }

    static let lastChunk: [UInt8] = Array("0\r\n\r\n".utf8)
    static let continueResponse: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    /// The server decides these itself; a responder's own values are dropped.
    @inline(__always)
    static func isServerManaged(_ name: String) -> Bool {
        switch name.utf8.count {
        case 4: return name.caseInsensitiveEquals("date")
        case 10: return name.caseInsensitiveEquals("connection")
        case 14: return name.caseInsensitiveEquals("content-length")
        case 17: return name.caseInsensitiveEquals("transfer-encoding")
        default: return false
        }
    }

    /// Appends `text`, turning CR and LF into spaces so a responder cannot split the response.
    @inline(__always)
    static func appendSanitized(_ text: String, to out: inout [UInt8]) {
        let utf8 = text.utf8
        if !utf8.contains(where: { $0 == ASCII.cr || $0 == ASCII.lf }) {
            out.append(contentsOf: utf8)
        } else {
            for b in utf8 { out.append(b == ASCII.cr || b == ASCII.lf ? ASCII.sp : b) }
        }
    }

    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        if value <= 0 {
            out.append(48)
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var v = value
        withUnsafeMutableBytes(of: &digits) { buf in
            while v > 0 && count < 20 {
                buf[count] = UInt8(48 + v % 10)
                v /= 10
                count += 1
            }
            while count > 0 {
                count -= 1
                out.append(buf[count])
            }
        }
    }

    static func appendHex(_ value: Int, to out: inout [UInt8]) {
        let hex: StaticString = "0123456789abcdef"
        var shift = 60
        var started = false
        while shift >= 0 {
            let nibble = (value >> shift) & 0xF
            if nibble != 0 || started || shift == 0 {
                started = true
                out.append(hex.utf8Start[nibble])
            }
            shift -= 4
        }
    }
}
