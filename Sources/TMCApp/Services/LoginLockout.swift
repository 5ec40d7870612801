import Foundation
import TMCPostgres

/// Locks an email after repeated failed logins (5 within 15 minutes lock it for 15 minutes by
/// default), counted in PostgreSQL so that the count holds across instances. Emails are
/// counted whether or not they have an account, so a lock reveals nothing either.
public struct LoginLockout: Sendable {
    public var threshold: Int
    public var window: Duration
    public var duration: Duration
    /// For housekeeping only, never a caller's transaction (a failed statement would abort it).
    let database: PostgresPool

    public init(database: PostgresPool, threshold: Int, window: Duration, duration: Duration) {
        self.database = database
        self.threshold = threshold
        self.window = window
        self.duration = duration
    }

    /// `429` with `Retry-After` while the email is locked.
    public func requireUnlocked(_ db: any PostgresQueryable, email: String) async throws {
        if let seconds = try await LoginAttemptRepository.lockedFor(db, email: email) {
            throw LoginLockout.locked(seconds)
        }
    }

    static func locked(_ seconds: Int) -> Problem {
        Problem.rateLimited(retryAfterSeconds: seconds, "Too many failed attempts for this account; try again later.")
    }

    /// Counts a failure; returns the seconds the email is now locked for, if this failure locked it.
    @discardableResult
    public func recordFailure(_ db: any PostgresQueryable, email: String) async throws -> Int? {
        let locked = try await LoginAttemptRepository.recordFailure(db, email: email, threshold: threshold, window: window,
                                                                    lockDuration: duration)
        if Int.random(in: 0..<64) == 0 {
            try? await LoginAttemptRepository.deleteStale(database, olderThan: max(window, duration) + .seconds(60))
        }
        return locked
    }

    /// Forgets the failures after a success.
    public func clear(_ db: any PostgresQueryable, email: String) async throws {
        try await LoginAttemptRepository.clear(db, email: email)
    }
}
