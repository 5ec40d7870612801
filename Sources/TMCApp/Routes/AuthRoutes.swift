import TMCHTTP

/// `/v1/auth/*`: register, login, logout, activate.
enum AuthRoutes {
    static func register(in router: inout Router, _ services: AccountServices) {
        router.post("/v1/auth/register") { context in
            let body = try JSONBody(context.request)
            let email = body.email("email")
            let password = body.newPassword("password")
            let name = body.displayName("name")
            let phone = body.phone("phone")
            guard let email, let password, let name, body.errors.isEmpty else { throw Problem.validation(body.errors) }
            let registration = try await services.accounts.register(email: email, password: password, name: name, phone: phone,
                                                                    origin: context.origin)
            return .json(registration, status: 201, headers: ["Cache-Control": "no-store"])
        }

        router.post("/v1/auth/login") { context in
            let body = try JSONBody(context.request)
            let email = body.string("email", maxLength: 254)
            let password = body.passwordToCheck("password")
            guard let email, let password, body.errors.isEmpty else { throw Problem.validation(body.errors) }
            let session = try await services.sessions.login(email: email, password: password, origin: context.origin)
            return .json(session, headers: ["Cache-Control": "no-store"])
        }

        router.post("/v1/auth/logout") { context in
            let principal = try context.requirePrincipal()
            try await services.sessions.logout(principal, origin: context.origin)
            return .noContent()
        }

        router.post("/v1/auth/activate") { context in
            let body = try JSONBody(context.request)
            let email = body.string("email", maxLength: 254)
            let code = body.string("invitation_code", maxLength: 64)
            let password = body.newPassword("password")
            guard let email, let code, let password, body.errors.isEmpty else { throw Problem.validation(body.errors) }
            let session = try await services.sessions.activate(email: email, code: code, password: password, origin: context.origin)
            return .json(session, headers: ["Cache-Control": "no-store"])
        }
    }
}
