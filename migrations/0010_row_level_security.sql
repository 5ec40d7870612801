-- Force isolation in PostgreSQL itself (issue 7). The server's statements run as `tmc_app`,
-- which owns nothing and cannot bypass row-level security, under settings made from the
-- authenticated principal before each statement (see PostgresSessionSettings and
-- DatabaseScope):
--   tmc.scope     'force' (officers, supervisors, admins, integration keys), 'victim',
--                 'sysadmin', or 'system' (work done before anyone is authenticated or for
--                 no one: credential checks, anonymous reports, background workers)
--   tmc.force_id  the principal's force; tmc.user_id  the principal's account
-- A statement without settings sees no row of these tables. So even a service that forgot to
-- check who may see what cannot return another force's (or another victim's) rows.
--
-- Not under RLS: identity and bookkeeping tables read to authenticate a caller before any
-- principal exists (forces, users, tokens, invitations, login_attempts, rate_limits,
-- idempotency_keys, event_tickets), reference data (bank_holidays) and per-force counters
-- without personal data (report_reference_counters).

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'tmc_app') THEN
    CREATE ROLE tmc_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
  END IF;
END $$;

GRANT USAGE ON SCHEMA public TO tmc_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO tmc_app;
GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO tmc_app;
REVOKE INSERT, UPDATE, DELETE ON schema_migrations FROM tmc_app;  -- readable for /readyz only
-- Tables of later migrations (applied by the same owner) get the same grants.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO tmc_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO tmc_app;

-- The principal, read from the settings. Plain SQL functions: inlined into the policies, so a
-- comparison such as force_id = tmc_force() can still use an index.
CREATE FUNCTION tmc_system() RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT coalesce(current_setting('tmc.scope', true) = 'system', false) $$;
CREATE FUNCTION tmc_scope() RETURNS text LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT coalesce(current_setting('tmc.scope', true), '') $$;
CREATE FUNCTION tmc_force() RETURNS uuid LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('tmc.force_id', true), '')::uuid $$;
CREATE FUNCTION tmc_user() RETURNS uuid LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('tmc.user_id', true), '')::uuid $$;

-- Cross-table rules are subqueries inside the policies, so they are planned with the statement
-- and cached with its plan (a function call would run as a separate query every time). The
-- one exception breaks a cycle: `cases` looks at `case_victims` for victims, so `case_victims`
-- reaches `cases` for staff through a SECURITY DEFINER function (owned by the tables' owner, so
-- it does not recurse into the policy of `cases`). Names in it are schema-qualified and tmc_app
-- cannot create objects in any schema, so it needs no search_path setting.
CREATE FUNCTION tmc_case_force(p_case uuid) RETURNS uuid LANGUAGE plpgsql STABLE SECURITY DEFINER
  AS $$ BEGIN
    RETURN (SELECT c.force_id FROM public.cases c WHERE c.id = p_case);
  END $$;
REVOKE ALL ON FUNCTION tmc_case_force(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tmc_case_force(uuid) TO tmc_app;

-- The victim's case read by bearer token (GET /v1/cases/{id}, the hot path): the credential
-- and the case in one statement, before any principal is known. It is the one read of case
-- data that does not pass through the policies (SECURITY DEFINER), because its own WHERE
-- clause is the victim rule: a case comes back only with a valid session token (unrevoked,
-- unexpired, active account) of a victim named on that case. Any other credential comes back
-- without a case, and the server continues in that principal's scope. Credential columns come
-- first, then `case_part`, then the case columns prefixed with `case_` (a function's columns
-- need distinct names).
CREATE FUNCTION tmc_victim_case_by_token(p_token text, p_case uuid)
  RETURNS TABLE (kind text, credential_id uuid, id uuid, email text, name text, role text, force_id uuid,
                 force_code text, phone text, status text, created_at timestamptz, contact_channel text,
                 safe_contact boolean, last_used_at timestamptz, case_part text,
                 case_id uuid, case_force_id uuid, case_force_code text, case_crime_reference text,
                 case_offence_category text, case_offence_description text, case_summary text,
                 case_occurred_at timestamptz, case_officer_id uuid, case_officer_name text, case_status text,
                 case_outcome text, case_public_status text, case_public_outcome text, case_next_update_due timestamptz,
                 case_version integer, case_created_at timestamptz, case_updated_at timestamptz,
                 case_enhanced boolean, case_update_every_days integer)
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  AS $$
  #variable_conflict use_column
  BEGIN
    RETURN QUERY
    WITH cred AS (
      SELECT 'token'::text AS kind, t.id AS credential_id, u.id, u.email, u.name, u.role, u.force_id, f.code AS force_code,
             u.phone, u.status, u.created_at, u.contact_channel, u.safe_contact, NULL::timestamptz AS last_used_at
      FROM public.tokens t JOIN public.users u ON u.id = t.user_id
      LEFT JOIN public.forces f ON f.id = u.force_id
      WHERE t.token_hash = sha256(convert_to(p_token, 'UTF8')) AND t.revoked_at IS NULL AND t.expires_at > now()
        AND u.status = 'active')
    SELECT cred.*, NULL::text, vc.*
    FROM cred LEFT JOIN LATERAL (
      SELECT c.id, c.force_id, cf.code, c.crime_reference, c.offence_category, c.offence_description,
             c.summary, c.occurred_at, c.officer_id, o.name, c.status, c.outcome, c.public_status,
             c.public_outcome, c.next_update_due, c.version, c.created_at, c.updated_at, cv.enhanced, cv.update_every_days
      FROM public.cases c JOIN public.forces cf ON cf.id = c.force_id LEFT JOIN public.users o ON o.id = c.officer_id
      JOIN public.case_victims cv ON cv.case_id = c.id AND cv.user_id = cred.id
      WHERE c.id = p_case AND cred.role = 'victim') vc ON true;
  END $$;
REVOKE ALL ON FUNCTION tmc_victim_case_by_token(text, uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tmc_victim_case_by_token(text, uuid) TO tmc_app;

-- One policy per table for every command (the USING rule is also the WITH CHECK rule), except
-- where noted. Each arm applies in one scope only, and the cheap column comparisons come first.
-- The settings are read as (SELECT tmc_force()): an init plan evaluated once per statement,
-- not once per row, and usable as an index key.
ALTER TABLE cases ENABLE ROW LEVEL SECURITY;
CREATE POLICY isolation ON cases
  USING ((SELECT tmc_system()) OR force_id = (SELECT tmc_force())
         OR ((SELECT tmc_scope()) = 'victim' AND id IN (SELECT cv.case_id FROM case_victims cv WHERE cv.user_id = (SELECT tmc_user()))));

ALTER TABLE case_victims ENABLE ROW LEVEL SECURITY;
CREATE POLICY isolation ON case_victims
  USING ((SELECT tmc_system()) OR user_id = (SELECT tmc_user())
         OR ((SELECT tmc_scope()) = 'force' AND tmc_case_force(case_id) = (SELECT tmc_force())));

ALTER TABLE case_updates ENABLE ROW LEVEL SECURITY;
CREATE POLICY isolation ON case_updates
  USING ((SELECT tmc_system()) OR force_id = (SELECT tmc_force())
         OR ((SELECT tmc_scope()) = 'victim' AND case_id IN (SELECT cv.case_id FROM case_victims cv WHERE cv.user_id = (SELECT tmc_user()))));

ALTER TABLE case_clocks ENABLE ROW LEVEL SECURITY;
CREATE POLICY isolation ON case_clocks
  USING ((SELECT tmc_system()) OR force_id = (SELECT tmc_force())
         OR ((SELECT tmc_scope()) = 'victim' AND case_id IN (SELECT cv.case_id FROM case_victims cv WHERE cv.user_id = (SELECT tmc_user()))));

ALTER TABLE review_requests ENABLE ROW LEVEL SECURITY;
CREATE POLICY isolation ON review_requests
  USING ((SELECT tmc_system()) OR force_id = (SELECT tmc_force()) OR victim_id = (SELECT tmc_user()));

ALTER TABLE victim_statements ENABLE ROW LEVEL SECURITY;
CREATE POLICY isolation ON victim_statements
  USING ((SELECT tmc_system()) OR victim_id = (SELECT tmc_user())
         OR ((SELECT tmc_scope()) = 'force' AND EXISTS (SELECT 1 FROM cases c WHERE c.id = case_id AND c.force_id = (SELECT tmc_force()))));

ALTER TABLE property_items ENABLE ROW LEVEL SECURITY;
CREATE POLICY isolation ON property_items
  USING ((SELECT tmc_system()) OR force_id = (SELECT tmc_force()) OR victim_id = (SELECT tmc_user()));

-- A version is visible with its item (whose own policy applies inside the subquery).
ALTER TABLE property_item_versions ENABLE ROW LEVEL SECURITY;
CREATE POLICY isolation ON property_item_versions
  USING ((SELECT tmc_system()) OR EXISTS (SELECT 1 FROM property_items p WHERE p.id = item_id));

-- A victim's action can queue a notification for the officer of their own case.
ALTER TABLE notifications ENABLE ROW LEVEL SECURITY;
CREATE POLICY isolation ON notifications
  USING ((SELECT tmc_system()) OR force_id = (SELECT tmc_force()) OR user_id = (SELECT tmc_user())
         OR ((SELECT tmc_scope()) = 'victim' AND case_id IN (SELECT cv.case_id FROM case_victims cv WHERE cv.user_id = (SELECT tmc_user()))));

-- Like the audit log, the event log takes appends from anyone acting (a triage that
-- transfers a report writes an event for the receiving force); reading is isolated.
ALTER TABLE events ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_isolation ON events FOR SELECT
  USING ((SELECT tmc_system()) OR force_id = (SELECT tmc_force()) OR (SELECT tmc_user()) = ANY (recipient_ids)
         OR ((SELECT tmc_scope()) = 'victim' AND case_id IN (SELECT cv.case_id FROM case_victims cv WHERE cv.user_id = (SELECT tmc_user()))));
CREATE POLICY append ON events FOR INSERT
  WITH CHECK ((SELECT tmc_scope()) <> '');
CREATE POLICY sequencing ON events FOR UPDATE
  USING ((SELECT tmc_system()));
CREATE POLICY pruning ON events FOR DELETE
  USING ((SELECT tmc_system()));

ALTER TABLE message_cases ENABLE ROW LEVEL SECURITY;
CREATE POLICY isolation ON message_cases
  USING ((SELECT tmc_system()) OR force_id = (SELECT tmc_force())
         OR ((SELECT tmc_scope()) = 'victim' AND case_id IN (SELECT cv.case_id FROM case_victims cv WHERE cv.user_id = (SELECT tmc_user()))));

ALTER TABLE message_threads ENABLE ROW LEVEL SECURITY;
CREATE POLICY isolation ON message_threads
  USING ((SELECT tmc_system()) OR victim_id = (SELECT tmc_user())
         OR ((SELECT tmc_scope()) = 'force' AND EXISTS (SELECT 1 FROM cases c WHERE c.id = case_id AND c.force_id = (SELECT tmc_force()))));

ALTER TABLE messages ENABLE ROW LEVEL SECURITY;
CREATE POLICY isolation ON messages
  USING ((SELECT tmc_system()) OR force_id = (SELECT tmc_force()) OR victim_id = (SELECT tmc_user()));

ALTER TABLE message_reads ENABLE ROW LEVEL SECURITY;
CREATE POLICY isolation ON message_reads
  USING ((SELECT tmc_system()) OR user_id = (SELECT tmc_user()));

ALTER TABLE reports ENABLE ROW LEVEL SECURITY;
CREATE POLICY isolation ON reports
  USING ((SELECT tmc_system()) OR force_id = (SELECT tmc_force()) OR submitted_force_id = (SELECT tmc_force()) OR reporter_id = (SELECT tmc_user()));

-- A triage is visible with its report (whose own policy applies inside the subquery).
ALTER TABLE report_triages ENABLE ROW LEVEL SECURITY;
CREATE POLICY isolation ON report_triages
  USING ((SELECT tmc_system()) OR force_id = (SELECT tmc_force()) OR EXISTS (SELECT 1 FROM reports r WHERE r.id = report_id));

ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
CREATE POLICY isolation ON api_keys
  USING ((SELECT tmc_system()) OR force_id = (SELECT tmc_force()));

-- Anyone acting may append to the audit log (a victim's action is audited under the case's
-- force); reading it is for the force (and system work) only. Triggers forbid changes.
ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_isolation ON audit_events FOR SELECT
  USING ((SELECT tmc_system()) OR force_id = (SELECT tmc_force()));
CREATE POLICY append ON audit_events FOR INSERT
  WITH CHECK ((SELECT tmc_scope()) <> '');

-- The compliance counts read only these indexes (index-only scans); the policy needs case_id.
DROP INDEX case_clocks_open;
CREATE INDEX case_clocks_open ON case_clocks (force_id, deadline, id) INCLUDE (case_id) WHERE met_at IS NULL;
DROP INDEX case_clocks_met;
CREATE INDEX case_clocks_met ON case_clocks (force_id, on_time) INCLUDE (case_id) WHERE met_at IS NOT NULL;
