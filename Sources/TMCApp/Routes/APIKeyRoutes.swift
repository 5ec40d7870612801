import TMCHTTP

/// `/v1/forces/{code}/api-keys`: a force's integration keys, managed by its admin.
enum APIKeyRoutes {
    static func register(in router: inout Router, _ services: AccountServices) {
        router.post("/v1/forces/{code}/api-keys") { context in
            let principal = try context.requirePrincipal()
            let body = try JSONBody(context.request)
            let name = body.displayName("name", maxLength: 100)
            guard let name, body.errors.isEmpty else { throw Problem.validation(body.errors) }
            let key = try await services.apiKeys.create(principal, forceCode: try context.parameter("code"), name: name, origin: context.origin)
            return .json(key, status: 201, headers: ["Cache-Control": "no-store"])
        }

        router.get("/v1/forces/{code}/api-keys") { context in
            let principal = try context.requirePrincipal()
            let query = context.query
            let page = try await services.apiKeys.list(principal, forceCode: try context.parameter("code"),
                                                       limit: try query.limit(), after: try query.cursor())
            return .json(page)
        }

        router.delete("/v1/forces/{code}/api-keys/{id}") { context in
            let principal = try context.requirePrincipal()
            try await services.apiKeys.revoke(principal, forceCode: try context.parameter("code"),
                                              keyID: context.optionalUUIDParameter("id"), origin: context.origin)
            return .noContent()
        }
    }
}
