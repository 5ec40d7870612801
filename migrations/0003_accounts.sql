-- Accounts: invitations, integration API keys, login lockout, per-address rate limits,
-- idempotency records and the append-only audit trail.

-- Single-use codes that let an invited user (a victim named on a case, or new staff) set a
-- password. Only the SHA-256 digest of the normalised code is stored.
CREATE TABLE invitations (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid NOT NULL REFERENCES users(id),
    code_hash   bytea NOT NULL,
    created_by  uuid NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz NULL
);
CREATE INDEX invitations_user ON invitations (user_id) WHERE used_at IS NULL;

-- A force's IT systems authenticate with these (`Authorization: Bearer tmck_…`).
CREATE TABLE api_keys (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    force_id     uuid NOT NULL REFERENCES forces(id),
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    key_hash     bytea NOT NULL UNIQUE,
    created_by   uuid NULL REFERENCES users(id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    -- refreshed at most once a minute, so that authenticated reads do not each cost a write
    last_used_at timestamptz NULL,
    revoked_at   timestamptz NULL
);
CREATE INDEX api_keys_force ON api_keys (force_id, created_at, id) WHERE revoked_at IS NULL;

CREATE INDEX tokens_expires ON tokens (expires_at);
CREATE INDEX users_force_created ON users (force_id, created_at, id) WHERE force_id IS NOT NULL;

-- Failed logins per email address (lower-cased), whether or not an account has it, so that a
-- lock looks the same for unknown emails. `failures` holds the times inside the window.
CREATE TABLE login_attempts (
    email_key    text PRIMARY KEY,
    failures     timestamptz[] NOT NULL DEFAULT '{}',
    locked_until timestamptz NULL,
    updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_attempts_updated ON login_attempts (updated_at);

-- Sliding-window counters: one row per bucket (registrations, logins, reports), subject
-- (client address) and fixed window; the previous window is weighted in by the service.
CREATE TABLE rate_limits (
    bucket       text NOT NULL,
    subject      text NOT NULL,
    window_start timestamptz NOT NULL,
    count        integer NOT NULL,
    PRIMARY KEY (bucket, subject, window_start)
);
CREATE INDEX rate_limits_window ON rate_limits (window_start);

-- Idempotency-Key records: keyed by caller and the key's digest. `status` NULL means the first
-- request is still in flight. The stored body is encrypted with the key itself (pgcrypto), so
-- that secrets in creation responses (tokens, API keys) are not readable from the table.
CREATE TABLE idempotency_keys (
    caller       text NOT NULL,
    key_hash     bytea NOT NULL,
    fingerprint  bytea NOT NULL,
    status       integer NULL,
    content_type text NULL,
    location     text NULL,
    body         bytea NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    PRIMARY KEY (caller, key_hash)
);
CREATE INDEX idempotency_keys_expires ON idempotency_keys (expires_at);

-- Who did what to which resource, when, from where. Append-only: triggers refuse UPDATE,
-- DELETE and TRUNCATE. `case_id` has no foreign key: cases are added later and the trail must
-- outlive anything it mentions.
CREATE TABLE audit_events (
    id             bigserial PRIMARY KEY,
    at             timestamptz NOT NULL DEFAULT now(),
    actor_id       uuid NULL,
    actor_role     text NULL,
    action         text NOT NULL,
    resource_type  text NOT NULL,
    resource_id    text NULL,
    force_id       uuid NULL,
    case_id        uuid NULL,
    client_address text NOT NULL,
    request_id     text NOT NULL,
    details        jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_events_case ON audit_events (case_id, id) WHERE case_id IS NOT NULL;
CREATE INDEX audit_events_force ON audit_events (force_id, id) WHERE force_id IS NOT NULL;
CREATE INDEX audit_events_actor ON audit_events (actor_id, id) WHERE actor_id IS NOT NULL;

CREATE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_events_no_update_or_delete BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();
