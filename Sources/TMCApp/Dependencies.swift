import Foundation
import TMCPostgres

/// What routes and services are built from: one per process, shared by every request.
public struct Dependencies: Sendable {
    public let configuration: AppConfiguration
    public let database: PostgresPool
    public let migrations: [Migration]
    public let logger: Logger
    public let metrics: Metrics
    public let openAPIDocument: [UInt8]
    /// The event log's fan-out to `/v1/events` streams (started and stopped by `Application`).
    public let events: EventHub

    /// `events` defaults to a hub on `database` (not started).
    public init(configuration: AppConfiguration, database: PostgresPool, migrations: [Migration],
                logger: Logger, metrics: Metrics, openAPIDocument: [UInt8], events: EventHub? = nil) {
        self.configuration = configuration
        self.database = database
        self.migrations = migrations
        self.logger = logger
        self.metrics = metrics
        self.openAPIDocument = openAPIDocument
        self.events = events ?? EventHub(
            pool: database, databaseURL: configuration.appDatabaseURL ?? configuration.databaseURL ?? "", logger: logger,
            bufferLimit: configuration.eventsBufferLimit, heartbeatInterval: configuration.eventsHeartbeatInterval,
            retention: configuration.eventsRetention)
    }

    public var migrator: Migrator { Migrator(pool: database, migrations: migrations) }
}
