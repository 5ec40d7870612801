import TMCHTTP
import TMCPostgres

/// `/healthz`, `/readyz`, `/metrics`, `/openapi.yaml`.
enum OperationsRoutes {
    static func register(in router: inout Router, _ deps: Dependencies) {
        let healthy: [UInt8] = Array(#"{"status":"ok"}"#.utf8)
        router.get("/healthz") { _ in
            HTTPResponse(status: 200, headers: ["Content-Type": "application/json", "Cache-Control": "no-store"], body: .bytes(healthy))
        }

        router.get("/readyz") { _ in
            struct Readiness: Encodable {
                var status: String
                var database: String
                var migrations: String
            }
            var database = "ok"
            var migrations = "current"
            do {
                _ = try await deps.database.query("SELECT 1")
                if try await !deps.migrator.isCurrent() { migrations = "pending" }
            } catch {
                database = "unreachable"
                migrations = "unknown"
            }
            let ready = database == "ok" && migrations == "current"
            return .json(Readiness(status: ready ? "ready" : "not_ready", database: database, migrations: migrations),
                         status: ready ? 200 : 503, headers: ["Cache-Control": "no-store"])
        }

        router.get("/metrics") { _ in
            let pool = deps.database.statistics
            let text = deps.metrics.render(gauges: [
                ("db_pool_size", "Connections the pool may open.", Double(pool.size)),
                ("db_pool_in_use", "Connections lent to requests.", Double(pool.inUse)),
                ("db_pool_idle", "Open connections waiting for work.", Double(pool.idle)),
                ("db_pool_waiting", "Requests waiting for a connection.", Double(pool.waiting)),
            ])
            return HTTPResponse(status: 200, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"], body: .bytes(Array(text.utf8)))
        }

        let document = deps.openAPIDocument
        router.get("/openapi.yaml") { _ in
            HTTPResponse(status: 200, headers: ["Content-Type": "application/yaml; charset=utf-8"], body: .bytes(document))
        }
    }
}
