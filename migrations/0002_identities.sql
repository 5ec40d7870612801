-- Forces, users and bearer tokens: who can call the API.

CREATE TABLE forces (
    id                       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- data.police.uk force id, e.g. 'kent', 'avon-and-somerset'
    code                     text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(code) <= 64),
    name                     text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    minutes_saved_per_report integer NOT NULL DEFAULT 45 CHECK (minutes_saved_per_report BETWEEN 0 AND 1440),
    active                   boolean NOT NULL DEFAULT true,
    created_at               timestamptz NOT NULL DEFAULT now(),
    updated_at               timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- staff and admins belong to one force; victims are national; sysadmins have none
    force_id        uuid NULL REFERENCES forces(id),
    role            text NOT NULL CHECK (role IN ('victim', 'officer', 'supervisor', 'admin', 'sysadmin')),
    email           text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    phone           text NULL,
    -- bcrypt (pgcrypto crypt) of base64(sha256(password)), so that every character counts
    password_hash   text NULL,
    -- invited: has an invitation code, no password yet
    status          text NOT NULL DEFAULT 'active' CHECK (status IN ('invited', 'active', 'disabled')),
    contact_channel text NOT NULL DEFAULT 'email' CHECK (contact_channel IN ('email', 'sms', 'none')),
    safe_contact    boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((role IN ('officer', 'supervisor', 'admin')) = (force_id IS NOT NULL)),
    CHECK (status = 'invited' OR status = 'disabled' OR password_hash IS NOT NULL)
);
CREATE UNIQUE INDEX users_email_unique ON users (lower(email));
CREATE INDEX users_force_role ON users (force_id, role) WHERE force_id IS NOT NULL;

-- Bearer tokens: only the SHA-256 digest of the token is stored.
CREATE TABLE tokens (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    token_hash  bytea NOT NULL UNIQUE,
    user_id     uuid NOT NULL REFERENCES users(id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz NULL
);
CREATE INDEX tokens_user ON tokens (user_id) WHERE revoked_at IS NULL;
