import Foundation
import Synchronization
import TMCPostgres

/// One per instance: numbers new events (whichever instance holds the sequencer lock), follows
/// the sequenced log through LISTEN/NOTIFY, and hands each event to the local `/v1/events`
/// subscribers allowed to see it. Revocations announced on `tmc_revocations` end the streams
/// of the revoked credential or user at once, on every instance.
public final class EventHub: Sendable {
    public static let revocationsChannel = "tmc_revocations"

    /// What a subscriber receives.
    public enum Item: Sendable, Equatable {
        case event(SequencedEvent)
        case heartbeat
    }

    /// Why a subscription ended.
    public enum EndReason: Sendable, Equatable {
        case revoked, tooSlow, shutdown
    }

    private struct Subscriber {
        var principal: Principal
        var continuation: AsyncStream<Item>.Continuation
        var ended: @Sendable (EndReason) -> Void
    }

    private struct State {
        var subscribers: [UUID: Subscriber] = [:]
        var highWater: Int64 = 0
        var stopped = false
    }

    private let pool: PostgresPool
    private let listener: PostgresListener
    private let logger: Logger
    private let state = Mutex(State())
    private let wakeSequencer = WakeSignal()
    private let wakeDispatcher = WakeSignal()
    private let tasks = Mutex<[Task<Void, Never>]>([])
    private let bufferLimit: Int
    private let heartbeatInterval: Duration
    private let retention: Duration

    public init(pool: PostgresPool, databaseURL: String, logger: Logger,
                bufferLimit: Int = 1000, heartbeatInterval: Duration = .seconds(15), retention: Duration = .seconds(24 * 3600)) {
        self.pool = pool
        self.logger = logger
        self.bufferLimit = bufferLimit
        self.heartbeatInterval = heartbeatInterval
        self.retention = retention
        self.listener = PostgresListener(
            url: databaseURL,
            channels: [EventRepository.newEventsChannel, EventRepository.sequencedChannel, EventHub.revocationsChannel],
            log: { logger.warning($0) })
    }

    public var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// Starts listening, sequencing and dispatching.
    public func start() async {
        let start = (try? await EventRepository.highestSeq(pool)) ?? 0
        state.withLock { $0.highWater = start }
        listener.start()
        let listen = Task { [self] in
            for await event in listener.events() {
                switch event {
                case .notification(let n) where n.channel == EventRepository.newEventsChannel:
                    wakeSequencer.signal()
                case .notification(let n) where n.channel == EventRepository.sequencedChannel:
                    wakeDispatcher.signal()
                case .notification(let n) where n.channel == EventHub.revocationsChannel:
                    revoke(n.payload)
                case .notification:
                    break
                case .reconnected:
                    // Notifications may have been missed: both loops catch up from the database.
                    wakeSequencer.signal()
                    wakeDispatcher.signal()
                }
            }
        }
        let sequencer = Task { [self] in await sequencerLoop() }
        let dispatcher = Task { [self] in await dispatcherLoop() }
        let heartbeat = Task { [self] in await heartbeatLoop() }
        tasks.withLock { $0 = [listen, sequencer, dispatcher, heartbeat] }
    }

    /// Ends every subscription and stops the loops.
    public func stop() async {
        let (subs, running) = state.withLock { s -> ([Subscriber], Bool) in
            defer { s.subscribers.removeAll(); s.stopped = true }
            return (Array(s.subscribers.values), !s.stopped)
        }
        for sub in subs {
            sub.ended(.shutdown)
            sub.continuation.finish()
        }
        guard running else { return }
        await listener.stop()
        let all = tasks.withLock { $0 }
        for t in all { t.cancel() }
        wakeSequencer.signal()
        wakeDispatcher.signal()
        for t in all { await t.value }
    }

    /// A stream of what `principal` may see from now on. `ended` is told why it finished when
    /// the hub ends it (revocation, falling too far behind, shutdown); the stream then finishes.
    /// Call `unsubscribe` when the client goes.
    public func subscribe(_ principal: Principal, ended: @escaping @Sendable (EndReason) -> Void) -> (id: UUID, stream: AsyncStream<Item>) {
        let id = UUID()
        let (stream, continuation) = AsyncStream<Item>.makeStream(bufferingPolicy: .bufferingOldest(bufferLimit))
        let stopped = state.withLock { s -> Bool in
            if s.stopped { return true }
            s.subscribers[id] = Subscriber(principal: principal, continuation: continuation, ended: ended)
            return false
        }
        if stopped {
            ended(.shutdown)
            continuation.finish()
        }
        return (id, stream)
    }

    public func unsubscribe(_ id: UUID) {
        let sub = state.withLock { $0.subscribers.removeValue(forKey: id) }
        sub?.continuation.finish()
    }

    /// Wakes the sequencer at once (after a local write) instead of waiting for NOTIFY.
    public func nudge() { wakeSequencer.signal() }

    // MARK: - Loops

    private func sequencerLoop() async {
        var lastPrune = ContinuousClock.now
        while !Task.isCancelled {
            await wakeSequencer.wait(timeout: .milliseconds(500))
            if Task.isCancelled { break }
            do {
                while let _ = try await EventRepository.sequencePending(pool) {}
                if ContinuousClock.now - lastPrune > .seconds(60) {
                    lastPrune = .now
                    let cutoff = Date().addingTimeInterval(-Double(retention.components.seconds))
                    _ = try await EventRepository.prune(pool, before: cutoff)
                }
            } catch {
                if !Task.isCancelled { logger.warning("event sequencer failed", ["error": String(describing: error)]) }
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    private func dispatcherLoop() async {
        while !Task.isCancelled {
            await wakeDispatcher.wait(timeout: .seconds(1))
            if Task.isCancelled { break }
            do {
                while true {
                    let from = state.withLock { $0.highWater }
                    let events = try await EventRepository.after(pool, seq: from, limit: 1000)
                    if events.isEmpty { break }
                    deliver(events)
                    if events.count < 1000 { break }
                }
            } catch {
                if !Task.isCancelled { logger.warning("event dispatch failed", ["error": String(describing: error)]) }
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    private func heartbeatLoop() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: heartbeatInterval)
            if Task.isCancelled { break }
            let subs = state.withLock { Array($0.subscribers) }
            for (id, sub) in subs { push(.heartbeat, to: sub, id: id) }
        }
    }

    private func deliver(_ events: [SequencedEvent]) {
        let subs = state.withLock { s -> [(UUID, Subscriber)] in
            if let last = events.last { s.highWater = max(s.highWater, last.seq) }
            return Array(s.subscribers)
        }
        for event in events {
            for (id, sub) in subs where event.isVisible(to: sub.principal) {
                push(.event(event), to: sub, id: id)
            }
        }
    }

    /// A subscriber that lets more than `bufferLimit` items pile up is dropped; it resumes with
    /// Last-Event-ID.
    private func push(_ item: Item, to sub: Subscriber, id: UUID) {
        if case .dropped = sub.continuation.yield(item) { end(id, .tooSlow) }
    }

    private func end(_ id: UUID, _ reason: EndReason) {
        let sub = state.withLock { $0.subscribers.removeValue(forKey: id) }
        guard let sub else { return }
        sub.ended(reason)
        sub.continuation.finish()
    }

    /// `payload` is `credential:<uuid>` or `user:<uuid>`.
    private func revoke(_ payload: String) {
        let parts = payload.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let target = UUID(uuidString: String(parts[1])) else { return }
        let byUser = parts[0] == "user"
        let victims = state.withLock { s in
            s.subscribers.filter { byUser ? $0.value.principal.userID == target : $0.value.principal.credentialID == target }.map(\.key)
        }
        for id in victims { end(id, .revoked) }
    }
}
