import Foundation
import TMCHTTP
import TMCPostgres

/// The assembled service: pool, routes, HTTP server. `start` serves; `shutdown` drains.
public final class Application: Sendable {
    public let dependencies: Dependencies
    public let server: HTTPServer

    /// Builds every route and the server; connects lazily (the pool opens connections on demand).
    public init(configuration: AppConfiguration, logger: Logger = Logger()) throws {
        guard let url = configuration.databaseURL else {
            throw AppConfiguration.Error(problems: ["DATABASE_URL is not set"])
        }
        var poolConfiguration = PostgresPoolConfiguration(url: configuration.appDatabaseURL ?? url)
        poolConfiguration.role = configuration.databaseRole
        poolConfiguration.size = configuration.poolSize
        poolConfiguration.acquireTimeout = configuration.poolAcquireTimeout
        let database = PostgresPool(configuration: poolConfiguration)
        let migrations = try Application.loadMigrations(configuration)
        let openAPI = ProjectFiles.locate("openapi.yaml", explicit: configuration.openAPIPath)
            .flatMap { try? Data(contentsOf: $0) }.map { Array($0) } ?? Array("openapi: 3.1.0\n".utf8)
        let deps = Dependencies(configuration: configuration, database: database, migrations: migrations,
                                logger: logger, metrics: Metrics(), openAPIDocument: openAPI)
        self.dependencies = deps
        let responder = Application.makeResponder(deps)
        self.server = HTTPServer(
            configuration: configuration.http,
            responder: responder,
            protocolErrorResponse: { error, request in
                let requestID = RequestID.accept(request?.headers["X-Request-Id"])
                var response = Problem(status: error.status, code: Problem.code(forStatus: error.status), detail: error.detail)
                    .response(requestID: requestID)
                response.headers.set("X-Request-Id", requestID)
                var line = LogLine(level: "info", message: "request")
                line.add("request_id", requestID)
                line.add("method", request?.method ?? "-")
                line.add("route", "protocol_error")
                line.add("status", error.status)
                line.add("detail", error.detail)
                logger.sink.write(line.text)
                return response
            },
            log: { logger.info($0) })
    }

    static func loadMigrations(_ configuration: AppConfiguration) throws -> [Migration] {
        guard let dir = ProjectFiles.locate("migrations", explicit: configuration.migrationsDirectory) else {
            throw AppConfiguration.Error(problems: ["cannot find the migrations folder; set MIGRATIONS_DIR"])
        }
        return try Migrator.load(directory: dir)
    }

    /// The router with every route of the API, wrapped in the middleware chain.
    public static func makeResponder(_ deps: Dependencies) -> AppResponder {
        var router = Router()
        OperationsRoutes.register(in: &router, deps)
        let accounts = AccountServices(deps)
        AuthRoutes.register(in: &router, accounts)
        MeRoutes.register(in: &router, accounts)
        ForceRoutes.register(in: &router, accounts)
        StaffRoutes.register(in: &router, accounts)
        APIKeyRoutes.register(in: &router, accounts)
        // Cases, timeline, Victims' Code, statements, reviews, property (issue 4).
        let cases = CaseServices(deps, audit: accounts.audit, invitations: accounts.invitations)
        CaseRoutes.register(in: &router, cases)
        TimelineRoutes.register(in: &router, cases)
        VictimRightsRoutes.register(in: &router, cases)
        PropertyRoutes.register(in: &router, cases)
        ComplianceRoutes.register(in: &router, cases)
        // Online reports, triage, statistics, change feed, notifications outbox (issue 6).
        let reports = ReportServices(deps, cases: cases.cases, rateLimiter: accounts.rateLimiter, audit: accounts.audit)
        ReportRoutes.register(in: &router, reports)
        ForceStatsRoutes.register(in: &router, reports)
        IntegrationRoutes.register(in: &router, reports)
        // Messages and live events (issue 5).
        MessageRoutes.register(in: &router, MessageService(database: deps.database, events: deps.events, audit: accounts.audit),
                              authentication: accounts.authentication)
        EventRoutes.register(in: &router, EventStreamService(database: deps.database, authentication: accounts.authentication,
                                                             retention: deps.configuration.eventsRetention),
                             hub: deps.events)
        let middleware: [any Middleware] = [
            AuthenticationMiddleware(service: accounts.authentication),
            IdempotencyMiddleware(service: accounts.idempotency, routes: creatingRoutes.union(CaseServices.creatingRoutes).union(ReportServices.creatingRoutes)
                                                                            .union(MessageService.creatingRoutes),
                                  anonymousRoutes: anonymousCreatingRoutes),
        ]
        return AppResponder(router: router, middleware: middleware, logger: deps.logger, metrics: deps.metrics,
                            cors: CORSPolicy(allowedOrigins: deps.configuration.corsAllowedOrigins),
                            logRequests: deps.configuration.logRequests)
    }

    /// The `POST` routes that create something: they honour `Idempotency-Key`
    /// (`IdempotencyMiddleware`). Add every new creating route here.
    public static let creatingRoutes: Set<String> = [
        "/v1/auth/register",
        "/v1/forces",
        "/v1/forces/{code}/users",
        "/v1/forces/{code}/api-keys",
    ]

    /// The creating routes that callers without credentials may use (a public registration, an
    /// anonymous online report): their keys are held per client address.
    public static let anonymousCreatingRoutes: Set<String> = ["/v1/auth/register", "/v1/reports"]

    /// Applies pending migrations (once across instances).
    /// The server's own connections act as `tmc_app`, which may not change the schema, so the
    /// migrations run on one short-lived connection as the tables' owner (`DATABASE_URL`).
    public func migrate() async throws -> [Int] {
        let configuration = dependencies.configuration
        guard let url = configuration.databaseURL, configuration.databaseRole != nil || configuration.appDatabaseURL != nil else {
            return try await dependencies.migrator.migrate()
        }
        var ownerConfiguration = PostgresPoolConfiguration(url: url)
        ownerConfiguration.size = 1
        let owner = PostgresPool(configuration: ownerConfiguration)
        do {
            let applied = try await Migrator(pool: owner, migrations: dependencies.migrations).migrate()
            await owner.shutdown()
            return applied
        } catch {
            await owner.shutdown()
            throw error
        }
    }

    /// Starts the event hub (LISTEN/NOTIFY fan-out for `/v1/events`), then serves.
    public func start() async throws {
        await dependencies.events.start()
        do {
            try server.start()
        } catch {
            await dependencies.events.stop()
            throw error
        }
        dependencies.logger.info("listening", ["host": dependencies.configuration.http.host, "port": String(server.localPort)])
    }

    /// Ends every `/v1/events` stream first (each finishes its chunked body cleanly), then
    /// drains the HTTP server, then closes the pool.
    public func shutdown() async {
        await dependencies.events.stop()
        await server.shutdown()
        await dependencies.database.shutdown()
        dependencies.logger.sink.flush()
    }
}
