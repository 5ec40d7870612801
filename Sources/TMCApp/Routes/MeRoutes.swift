import TMCHTTP

/// `/v1/me`: the caller's own account.
enum MeRoutes {
    static func register(in router: inout Router, _ services: AccountServices) {
        router.get("/v1/me") { context in
            let principal = try context.requirePrincipal()
            return .json(services.accounts.me(principal), headers: ["Cache-Control": "no-store"])
        }

        router.post("/v1/me/password") { context in
            let principal = try context.requirePrincipal()
            let body = try JSONBody(context.request)
            let current = body.passwordToCheck("current_password")
            let new = body.newPassword("new_password")
            guard let current, let new, body.errors.isEmpty else { throw Problem.validation(body.errors) }
            try await services.accounts.changePassword(principal, current: current, new: new, origin: context.origin)
            return .noContent()
        }

        router.put("/v1/me/contact-preferences") { context in
            let principal = try context.requirePrincipal()
            let body = try JSONBody(context.request)
            let channel = body.oneOf("channel", ContactChannel.self)
            let safeContact = body.bool("safe_contact")
            guard let channel, let safeContact, body.errors.isEmpty else { throw Problem.validation(body.errors) }
            let saved = try await services.accounts.setContactPreferences(
                principal, ContactPreferences(channel: channel, safeContact: safeContact), origin: context.origin)
            return .json(saved)
        }
    }
}
