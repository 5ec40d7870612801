import TMCHTTP

/// `GET /v1/forces/{code}/stats`.
enum ForceStatsRoutes {
    static func register(in router: inout Router, _ services: ReportServices) {
        router.get("/v1/forces/{code}/stats") { context in
            let principal = try context.requirePrincipal()
            return .privateJSON(try await services.stats.stats(principal, forceCode: try context.parameter("code")))
        }
    }
}
