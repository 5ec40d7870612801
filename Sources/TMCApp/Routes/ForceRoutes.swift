import TMCHTTP

/// `/v1/forces`: create (sysadmin), list (public), settings (the force's admin).
enum ForceRoutes {
    static func register(in router: inout Router, _ services: AccountServices) {
        router.post("/v1/forces") { context in
            let principal = try context.requirePrincipal()
            let body = try JSONBody(context.request)
            let code = body.string("code", maxLength: 64)
            if let code, let problem = AccountRules.forceCodeProblem(code) { body.fail("code", problem) }
            let name = body.displayName("name")
            guard let code, let name, body.errors.isEmpty else { throw Problem.validation(body.errors) }
            let force = try await services.forces.create(principal, code: code, name: name, origin: context.origin)
            return .json(force, status: 201)
        }

        router.get("/v1/forces") { _ in
            .json(ItemList(items: try await services.forces.list()), headers: ["Cache-Control": "public, max-age=60"])
        }

        router.patch("/v1/forces/{code}") { context in
            let principal = try context.requirePrincipal()
            let body = try JSONBody(context.request, allowMergePatch: true)
            var settings = ForceService.Settings()
            for key in body.keys.sorted() where !["name", "minutes_saved_per_report"].contains(key) {
                body.fail(key, "is not a setting that can be changed")
            }
            for key in ["name", "minutes_saved_per_report"] where body.isNull(key) {
                body.fail(key, "cannot be removed")
            }
            if body.has("name"), !body.isNull("name") { settings.name = body.displayName("name") }
            if body.has("minutes_saved_per_report"), !body.isNull("minutes_saved_per_report") {
                settings.minutesSavedPerReport = body.int("minutes_saved_per_report", min: 0, max: 1440)
            }
            try body.finish()
            let force = try await services.forces.update(principal, code: try context.parameter("code"), settings, origin: context.origin)
            return .json(force)
        }
    }
}
