#if canImport(Glibc)
import Glibc
#endif

/// Why `HTTPServer.start()` failed, e.g. `bind 127.0.0.1:8080: Address already in use (errno 98)`.
public struct HTTPServerError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What was attempted, e.g. `bind 127.0.0.1:8080`.
    public var operation: String
    /// The errno of the failed system call, or 0 when no system call failed.
    public var errno: Int32
    /// The system's or the server's explanation.
    public var message: String

    public init(operation: String, errno: Int32, message: String? = nil) {
        self.operation = operation
        self.errno = errno
        self.message = message ?? String(cString: strerror(errno))
    }

    public var description: String {
        errno == 0 ? "\(operation): \(message)" : "\(operation): \(message) (errno \(errno))"
    }
}
