import Foundation
@testable import TMCPostgres

/// Suspends callers of `wait()` until `open()`.
actor Gate {
    private var isOpen = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiting.append($0) }
    }

    func open() {
        isOpen = true
        for continuation in waiting { continuation.resume() }
        waiting.removeAll()
    }
}

/// Lets `count` callers through together, once all of them arrived.
actor Barrier {
    private let count: Int
    private var arrived = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(count: Int) { self.count = count }

    func arrive() async {
        arrived += 1
        if arrived >= count {
            for continuation in waiting { continuation.resume() }
            waiting.removeAll()
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }
}

/// Polls `condition` every 20 ms for at most `seconds`; returns whether it became true.
func eventually(_ seconds: Double = 5, _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return true }
        try? await Task.sleep(nanoseconds: 20_000_000)
    }
    return try await condition()
}

extension PostgresTestCase {
    /// This class's database name.
    var databaseName: String { String(URLComponents(string: databaseURL)!.path.dropFirst()) }

    /// Backends of this class's database opened by the library (its application_name).
    func libraryBackendCount(_ admin: PostgresPool) async throws -> Int {
        let row = try await admin.queryFirst("""
            SELECT count(*) AS n FROM pg_stat_activity WHERE datname = \(databaseName) AND application_name = 'trackmycrime'
            """)
        return try row?.decode("n", as: Int.self) ?? -1
    }

    /// Terminates every backend of this class's database; returns how many.
    @discardableResult
    func terminateBackends(_ admin: PostgresPool, matching pattern: String = "%") async throws -> Int {
        let row = try await admin.queryFirst("""
            SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity
            WHERE datname = \(databaseName) AND pid <> pg_backend_pid() AND query LIKE \(pattern)
            """)
        return try row?.decode("n", as: Int.self) ?? 0
    }
}
