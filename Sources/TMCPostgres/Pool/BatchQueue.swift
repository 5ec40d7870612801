import Synchronization

/// Runs concurrent calls of one statement as a few statements of many rows: group commit done
/// by the application. Under load, most of PostgreSQL's work per call of a small statement is
/// the statement itself (bind, executor start-up, commit, a WAL flush, two wake-ups) rather than
/// its rows, so `n` calls in one statement cost far less than `n` statements.
///
/// Nothing waits for company: a call starts a batch at once when fewer than `maxRunning`
/// batches are running, alone if need be. Calls that arrive meanwhile queue, and a batch that
/// ends takes the queue (up to `maxBatch` calls) as its next batch. So an idle server answers a
/// lone call as fast as before, and a busy one runs batches as large as its load.
///
/// Two calls with the same `key` never share a batch (a statement may touch a row only once,
/// for example `ON CONFLICT DO UPDATE`): the later one waits for a later batch, in its order.
///
/// A batch's outcome is all or nothing (one statement). When it fails with an error that
/// `retrySeparately` accepts (the server refused the statement, so nothing was written), each
/// call runs again as a batch of its own, so that one call's bad row fails only that call.
/// A call that is cancelled still runs: once queued, its write is not withdrawn.
public final class BatchQueue<Item: Sendable, Key: Hashable & Sendable, Outcome: Sendable>: Sendable {
    /// Runs `items` as one statement; returns one outcome per item, in order.
    public typealias Execute = @Sendable (_ items: [Item]) async throws -> [Outcome]

    private struct Call {
        var item: Item
        var key: Key?
        var continuation: CheckedContinuation<Outcome, any Error>
    }

    private struct State {
        var queue: [Call] = []
        var running = 0

        /// Up to `limit` queued calls, oldest first, without two of one key.
        mutating func takeBatch(limit: Int) -> [Call] {
            var batch: [Call] = []
            var keys = Set<Key>()
            var left: [Call] = []
            for call in queue {
                if batch.count < limit, call.key.map({ keys.insert($0).inserted }) ?? true {
                    batch.append(call)
                } else {
                    left.append(call)
                }
            }
            queue = left
            return batch
        }
    }

    private let state = Mutex(State())
    private let maxBatch: Int
    private let maxRunning: Int
    private let execute: Execute
    private let retrySeparately: @Sendable (any Error) -> Bool

    public init(maxBatch: Int, maxRunning: Int, retrySeparately: @escaping @Sendable (any Error) -> Bool, execute: @escaping Execute) {
        precondition(maxBatch >= 1 && maxRunning >= 1)
        self.maxBatch = maxBatch
        self.maxRunning = maxRunning
        self.retrySeparately = retrySeparately
        self.execute = execute
    }

    /// Runs `item` in the next batch that can take it.
    public func run(_ item: Item, key: Key?) async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            let batch: [Call]? = state.withLock { state in
                state.queue.append(Call(item: item, key: key, continuation: continuation))
                guard state.running < maxRunning else { return nil }
                state.running += 1
                return state.takeBatch(limit: maxBatch)
            }
            guard let batch else { return }
            Task { await self.drain(startingWith: batch) }
        }
    }

    /// Runs `batch`, then what has queued meanwhile, until the queue is empty.
    private func drain(startingWith first: [Call]) async {
        var batch = first
        while true {
            await perform(batch)
            let next: [Call]? = state.withLock { state in
                guard !state.queue.isEmpty else {
                    state.running -= 1
                    return nil
                }
                return state.takeBatch(limit: maxBatch)
            }
            guard let next else { return }
            batch = next
        }
    }

    private func perform(_ batch: [Call]) async {
        do {
            let outcomes = try await execute(batch.map(\.item))
            guard outcomes.count == batch.count else {
                throw BatchQueueError(expected: batch.count, got: outcomes.count)
            }
            for (call, outcome) in zip(batch, outcomes) { call.continuation.resume(returning: outcome) }
        } catch {
            guard batch.count > 1, retrySeparately(error) else {
                for call in batch { call.continuation.resume(throwing: error) }
                return
            }
            for call in batch { await perform([call]) }
        }
    }
}

/// The batch's statement answered for a different number of calls than it was given.
public struct BatchQueueError: Error, Sendable, CustomStringConvertible {
    public var expected: Int
    public var got: Int
    public var description: String { "a batch of \(expected) calls returned \(got) outcomes" }
}
