import Foundation
import TMCApp
import TMCHTTP
import TMCPostgres
import XCTest

/// The real server on a loopback port against its own fresh database.
final class TestServer: Sendable {
    let app: Application
    let databaseName: String
    let databaseURL: String
    let client: TestHTTPClient

    /// `configure` may change the configuration (short timeouts, small limits) before start.
    static func start(_ configure: (inout AppConfiguration) -> Void = { _ in }, database: (name: String, url: String)? = nil) async throws -> TestServer {
        let db: (name: String, url: String)
        if let database { db = database } else { db = try await TestDatabase.create() }
        var configuration = AppConfiguration()
        configuration.databaseURL = db.url
        configuration.http.host = "127.0.0.1"
        configuration.http.port = 0
        configuration.http.eventLoopCount = 2
        configuration.poolSize = 8
        configuration.bcryptCost = 4
        configuration.migrationsDirectory = TestDatabase.migrationsDirectory
        configuration.openAPIPath = TestDatabase.repositoryRoot.appendingPathComponent("openapi.yaml")
        configuration.logRequests = false
        configure(&configuration)
        let app = try Application(configuration: configuration, logger: Logger(sink: TestServer.logSink))
        _ = try await app.migrate()
        try await app.start()
        var owner = PostgresPoolConfiguration(url: db.url)
        owner.size = 4
        return TestServer(app: app, databaseName: db.name, databaseURL: db.url, database: PostgresPool(configuration: owner))
    }

    /// Test servers log to a file, not into the test output.
    static let logSink: LogSink = {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("trackmycrime-tests-\(ProcessInfo.processInfo.processIdentifier).log").path
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        return LogSink(fileDescriptor: fd >= 0 ? fd : 2)
    }()

    private init(app: Application, databaseName: String, databaseURL: String, database: PostgresPool) {
        self.app = app
        self.database = database
        self.databaseName = databaseName
        self.databaseURL = databaseURL
        self.client = TestHTTPClient(port: app.server.localPort)
    }

    var port: Int { app.server.localPort }
    /// The database as the tables' owner, for fixtures and checks (row-level security does not
    /// apply); the server itself acts as `tmc_app`.
    let database: PostgresPool

    /// Stops the server; `dropDatabase` false keeps it for a second instance still running.
    func stop(dropDatabase: Bool = true) async {
        await app.shutdown()
        await database.shutdown()
        if dropDatabase { await TestDatabase.drop(databaseName) }
    }
}
