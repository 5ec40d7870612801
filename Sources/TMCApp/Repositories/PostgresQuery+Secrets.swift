import TMCPostgres

/// SQL fragments for secrets, so that every query hashes them the same way and only in
/// PostgreSQL (pgcrypto and the built-in `sha256`): no cryptography is written in Swift.
extension PostgresQuery.StringInterpolation {
    /// `encode(sha256(convert_to($n,'UTF8')),'base64')`: what bcrypt is given instead of the
    /// password, so that every character counts beyond bcrypt's 72-byte limit.
    mutating func appendInterpolation(passwordDigest password: String) {
        appendLiteral("encode(sha256(convert_to(")
        appendInterpolation(password)
        appendLiteral(", 'UTF8')), 'base64')")
    }

    /// A new bcrypt hash of `password` at `cost`: `crypt(digest, gen_salt('bf', cost))`.
    mutating func appendInterpolation(newPasswordHash password: String, cost: Int) {
        appendLiteral("crypt(")
        appendInterpolation(passwordDigest: password)
        appendLiteral(", gen_salt('bf', ")
        appendInterpolation(cost)
        appendLiteral("::int))")
    }

    /// `sha256(convert_to($n,'UTF8'))`: how tokens, API keys, invitation codes and
    /// idempotency keys are stored and looked up.
    mutating func appendInterpolation(sha256 secret: String) {
        appendLiteral("sha256(convert_to(")
        appendInterpolation(secret)
        appendLiteral(", 'UTF8'))")
    }
}
