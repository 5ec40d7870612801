import Synchronization
import TMCPostgres
import XCTest

/// BatchQueue without a database: which calls share a statement, in what order, and what a
/// failed batch does to each call.
final class BatchQueueTests: XCTestCase {
    /// Records each batch it is given and holds it until released.
    final class Recorder: Sendable {
        private let state = Mutex<(batches: [[Int]], held: [CheckedContinuation<Void, Never>], holding: Bool)>(([], [], true))

        var batches: [[Int]] { state.withLock { $0.batches } }

        func execute(_ items: [Int]) async {
            await withCheckedContinuation { continuation in
                let proceed = state.withLock { state in
                    state.batches.append(items)
                    if state.holding { state.held.append(continuation) }
                    return !state.holding
                }
                if proceed { continuation.resume() }
            }
        }

        func release() {
            let held = state.withLock { state in
                state.holding = false
                defer { state.held = [] }
                return state.held
            }
            for continuation in held { continuation.resume() }
        }

        /// Waits until `count` batches have started.
        func waitForBatches(_ count: Int) async throws {
            for _ in 0..<500 where batches.count < count { try await Task.sleep(for: .milliseconds(2)) }
            XCTAssertGreaterThanOrEqual(batches.count, count)
        }
    }

    struct Refused: Error {}

    private func queue(_ recorder: Recorder, maxBatch: Int = 8, maxRunning: Int = 1,
                       failing: Set<Int> = [], retry: Bool = true) -> BatchQueue<Int, Int, String> {
        BatchQueue(maxBatch: maxBatch, maxRunning: maxRunning, retrySeparately: { _ in retry }) { items in
            await recorder.execute(items)
            if !failing.isDisjoint(with: items) { throw Refused() }
            return items.map { "done \($0)" }
        }
    }

    /// Starts `run(item)` for each item, in order, each once the previous one is queued.
    private func start(_ queue: BatchQueue<Int, Int, String>, _ items: [Int]) async throws -> [Task<String, any Error>] {
        var tasks: [Task<String, any Error>] = []
        for item in items {
            tasks.append(Task { try await queue.run(item, key: nil) })
            try await Task.sleep(for: .milliseconds(5))
        }
        return tasks
    }

    func testALoneCallRunsAtOnceAsABatchOfOne() async throws {
        let recorder = Recorder()
        recorder.release()
        let outcome = try await queue(recorder).run(7, key: nil)
        XCTAssertEqual(outcome, "done 7")
        XCTAssertEqual(recorder.batches, [[7]])
    }

    func testCallsArrivingWhileABatchRunsShareTheNextBatchInOrder() async throws {
        let recorder = Recorder()
        let q = queue(recorder, maxBatch: 3)
        let first = Task { try await q.run(0, key: nil) }
        try await recorder.waitForBatches(1)
        var later: [Task<String, any Error>] = []
        for item in 1...5 {
            later.append(Task { try await q.run(item, key: nil) })
            try await Task.sleep(for: .milliseconds(5))  // queued in this order
        }
        recorder.release()
        let firstOutcome = try await first.value
        XCTAssertEqual(firstOutcome, "done 0")
        for (n, task) in later.enumerated() {
            let outcome = try await task.value
            XCTAssertEqual(outcome, "done \(n + 1)")
        }
        XCTAssertEqual(recorder.batches, [[0], [1, 2, 3], [4, 5]], "at most maxBatch calls per batch, oldest first")
    }

    func testCallsOfOneKeyNeverShareABatch() async throws {
        let recorder = Recorder()
        let q = queue(recorder, maxBatch: 10)
        let first = Task { try await q.run(100, key: 100) }
        try await recorder.waitForBatches(1)
        var later: [Task<String, any Error>] = []
        // Keys: 1, 2, 1, 3, 1 (the item is 10 * key + its turn).
        for (turn, key) in [1, 2, 1, 3, 1].enumerated() {
            later.append(Task { try await q.run(10 * key + turn, key: key) })
            try await Task.sleep(for: .milliseconds(5))
        }
        recorder.release()
        _ = try await first.value
        for task in later { _ = try await task.value }
        XCTAssertEqual(recorder.batches, [[100], [10, 21, 33], [12], [14]])
    }

    func testUpToMaxRunningBatchesRunAtOnce() async throws {
        let recorder = Recorder()
        let q = queue(recorder, maxRunning: 2)
        let tasks = [Task { try await q.run(1, key: nil) }]
        try await recorder.waitForBatches(1)
        let second = Task { try await q.run(2, key: nil) }
        try await recorder.waitForBatches(2)
        XCTAssertEqual(recorder.batches, [[1], [2]], "a second batch starts while the first is held")
        let third = Task { try await q.run(3, key: nil) }
        try await Task.sleep(for: .milliseconds(20))
        XCTAssertEqual(recorder.batches.count, 2, "a third waits for one of them")
        recorder.release()
        for task in tasks + [second, third] { _ = try await task.value }
        XCTAssertEqual(recorder.batches, [[1], [2], [3]])
    }

    func testAFailedBatchRunsEachCallAloneSoThatOnlyTheBadOneFails() async throws {
        let recorder = Recorder()
        let q = queue(recorder, failing: [2])
        let first = Task { try await q.run(0, key: nil) }
        try await recorder.waitForBatches(1)
        let later = try await start(q, [1, 2, 3])
        try await Task.sleep(for: .milliseconds(20))
        recorder.release()
        _ = try await first.value
        let one = try await later[0].value
        XCTAssertEqual(one, "done 1")
        do {
            _ = try await later[1].value
            XCTFail("the bad call fails")
        } catch is Refused {}
        let three = try await later[2].value
        XCTAssertEqual(three, "done 3")
        XCTAssertEqual(recorder.batches.first, [0])
        XCTAssertEqual(Array(recorder.batches.dropFirst()), [[1, 2, 3], [1], [2], [3]])
    }

    func testAFailureNotWorthRetryingFailsEveryCallOfTheBatch() async throws {
        let recorder = Recorder()
        let q = queue(recorder, failing: [2], retry: false)
        let first = Task { try await q.run(0, key: nil) }
        try await recorder.waitForBatches(1)
        let later = try await start(q, [1, 2, 3])
        try await Task.sleep(for: .milliseconds(20))
        recorder.release()
        _ = try await first.value
        for task in later {
            do {
                _ = try await task.value
                XCTFail("every call of the failed batch fails")
            } catch is Refused {}
        }
        XCTAssertEqual(recorder.batches.count, 2, "no retries")
    }

    func testAStatementThatAnswersForTheWrongNumberOfCallsFailsThem() async throws {
        let q = BatchQueue<Int, Int, String>(maxBatch: 4, maxRunning: 1, retrySeparately: { _ in false }) { _ in ["only one"] }
        let lone = try await q.run(1, key: nil)
        XCTAssertEqual(lone, "only one")
        let held = Recorder()
        let slow = BatchQueue<Int, Int, String>(maxBatch: 4, maxRunning: 1, retrySeparately: { _ in false }) { items in
            await held.execute(items)
            return ["only one"]
        }
        let first = Task { try await slow.run(0, key: nil) }
        try await held.waitForBatches(1)
        let later = [Task { try await slow.run(1, key: nil) }, Task { try await slow.run(2, key: nil) }]
        // Both queued (in either order) behind the held batch.
        try await Task.sleep(for: .milliseconds(20))
        held.release()
        _ = try await first.value
        for task in later {
            do {
                _ = try await task.value
                XCTFail("two calls, one answer")
            } catch is BatchQueueError {}
        }
    }
}
