import TMCHTTP

/// A force's staff accounts: `/v1/forces/{code}/users` and `/v1/users/{id}/disable`.
enum StaffRoutes {
    static func register(in router: inout Router, _ services: AccountServices) {
        router.post("/v1/forces/{code}/users") { context in
            let principal = try context.requirePrincipal()
            let body = try JSONBody(context.request)
            let email = body.email("email")
            let name = body.displayName("name")
            let role = body.oneOf("role", StaffService.StaffRole.self)
            let phone = body.phone("phone")
            guard let email, let name, let role, body.errors.isEmpty else { throw Problem.validation(body.errors) }
            let created = try await services.staff.create(principal, forceCode: try context.parameter("code"), email: email, name: name,
                                                          role: role, phone: phone, origin: context.origin)
            return .json(created, status: 201, headers: ["Cache-Control": "no-store"])
        }

        router.get("/v1/forces/{code}/users") { context in
            let principal = try context.requirePrincipal()
            let query = context.query
            let page = try await services.staff.list(principal, forceCode: try context.parameter("code"),
                                                     limit: try query.limit(), after: try query.cursor())
            return .json(page)
        }

        router.post("/v1/users/{id}/disable") { context in
            let principal = try context.requirePrincipal()
            let user = try await services.staff.disable(principal, userID: context.optionalUUIDParameter("id"), origin: context.origin)
            return .json(user)
        }
    }
}
