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

    public init(configuration: AppConfiguration, database: PostgresPool, migrations: [Migration],
                logger: Logger, metrics: Metrics, openAPIDocument: [UInt8]) {
        self.configuration = configuration
        self.database = database
        self.migrations = migrations
        self.logger = logger
        self.metrics = metrics
        self.openAPIDocument = openAPIDocument
    }

    public var migrator: Migrator { Migrator(pool: database, migrations: migrations) }
}
