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
        /// Subscriptions by user (events name their recipients) and, for staff and integration
        /// keys, by force (staff-visible events): delivery looks at the few subscribers an event
        /// can concern, not at every open stream.
        var byUser: [UUID: Set<UUID>] = [:]
        var byForce: [UUID: Set<UUID>] = [:]
        /// The highest seq handed out; nil until read from the database.
        var highWater: Int64?
        var stopped = false

        mutating func insert(_ id: UUID, _ sub: Subscriber) {
            subscribers[id] = sub
            byUser[sub.principal.userID, default: []].insert(id)
            if let force = EventHub.staffForce(sub.principal) { byForce[force, default: []].insert(id) }
        }

        mutating func remove(_ id: UUID) -> Subscriber? {
            guard let sub = subscribers.removeValue(forKey: id) else { return nil }
            byUser[sub.principal.userID]?.remove(id)
            if byUser[sub.principal.userID]?.isEmpty == true { byUser[sub.principal.userID] = nil }
            if let force = EventHub.staffForce(sub.principal) {
                byForce[force]?.remove(id)
                if byForce[force]?.isEmpty == true { byForce[force] = nil }
            }
            return sub
        }

        mutating func removeAll() -> [Subscriber] {
            defer { subscribers.removeAll(); byUser.removeAll(); byForce.removeAll() }
            return Array(subscribers.values)
        }

        /// The subscriptions that may receive `event` (checked again with `isVisible`).
        func candidates(for event: SequencedEvent) -> [(UUID, Subscriber)] {
            var ids = Set<UUID>()
            for user in event.recipientIDs { if let s = byUser[user] { ids.formUnion(s) } }
            if event.staffVisible, let force = event.forceID, let s = byForce[force] { ids.formUnion(s) }
            return ids.compactMap { id in subscribers[id].map { (id, $0) } }
        }
    }

    /// The force whose staff-visible events `principal` receives, if any.
    static func staffForce(_ principal: Principal) -> UUID? {
        switch principal.role {
        case .officer, .supervisor, .integration: return principal.forceID
        case .victim, .admin, .sysadmin: return nil
        }
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

    /// Starts listening, sequencing and dispatching. Events sequenced before this returns are
    /// not delivered live (streams resuming with Last-Event-ID read them from the log). When
    /// the database cannot be read yet, the dispatcher finds its starting point later.
    public func start() async {
        // The hub reads every force's events on no one's behalf; its tasks inherit the scope.
        await DatabaseScope.runAsSystem { await startInSystemScope() }
    }

    private func startInSystemScope() async {
        if let start = try? await EventRepository.highestSeq(pool) {
            state.withLock { if $0.highWater == nil { $0.highWater = start } }
        }
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
            defer { s.stopped = true }
            return (s.removeAll(), !s.stopped)
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
        let id = UUID.random()
        let (stream, continuation) = AsyncStream<Item>.makeStream(bufferingPolicy: .bufferingOldest(bufferLimit))
        let stopped = state.withLock { s -> Bool in
            if s.stopped { return true }
            s.insert(id, Subscriber(principal: principal, continuation: continuation, ended: ended))
            return false
        }
        if stopped {
            ended(.shutdown)
            continuation.finish()
        }
        return (id, stream)
    }

    public func unsubscribe(_ id: UUID) {
        let sub = state.withLock { $0.remove(id) }
        sub?.continuation.finish()
    }

    /// Wakes the sequencer at once. Call it after committing events written without a NOTIFY
    /// (the message post); otherwise it only saves the NOTIFY's round trip.
    public func nudge() { wakeSequencer.signal() }

    // MARK: - Loops

    private func sequencerLoop() async {
        var lastPrune = ContinuousClock.now
        while !Task.isCancelled {
            await wakeSequencer.wait(timeout: .milliseconds(500))
            if Task.isCancelled { break }
            do {
                // Number until nothing is left. When another instance holds the lock, try again
                // shortly: rows committed after its snapshot (written here without a NOTIFY, see
                // EventRepository.append) would otherwise wait for the next timeout.
                var busyRetries = 0
                loop: while true {
                    switch try await EventRepository.sequence(pool) {
                    case .numbered: busyRetries = 0
                    case .idle: break loop
                    case .busy:
                        busyRetries += 1
                        if busyRetries > 100 || Task.isCancelled { break loop }
                        try? await Task.sleep(for: .milliseconds(5))
                    }
                }
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
                    guard let from = try await startingPoint() else { break }
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

    /// The seq to fetch after: the high-water mark, read from the database the first time.
    private func startingPoint() async throws -> Int64? {
        if let known = state.withLock({ $0.highWater }) { return known }
        let high = try await EventRepository.highestSeq(pool)
        return state.withLock { s in
            if s.highWater == nil { s.highWater = high }
            return s.highWater
        }
    }

    private func deliver(_ events: [SequencedEvent]) {
        let batches = state.withLock { s -> [(SequencedEvent, [(UUID, Subscriber)])] in
            if let last = events.last { s.highWater = max(s.highWater ?? 0, last.seq) }
            return events.map { ($0, s.candidates(for: $0)) }
        }
        for (event, subs) in batches {
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
        let sub = state.withLock { $0.remove(id) }
        guard let sub else { return }
        sub.ended(reason)
        sub.continuation.finish()
    }

    /// `payload` is `credential:<uuid>` or `user:<uuid>`.
    private func revoke(_ payload: String) {
        let parts = payload.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, let target = UUID(uuidString: String(parts[1])) else { return }
        let byUser = parts[0] == "user"
        let victims = state.withLock { s -> [UUID] in
            if byUser { return Array(s.byUser[target] ?? []) }
            return s.subscribers.filter { $0.value.principal.credentialID == target }.map(\.key)
        }
        for id in victims { end(id, .revoked) }
    }
}
