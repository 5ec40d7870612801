-- Force isolation in PostgreSQL itself (issue 7). The server's statements run as `tmc_app`,
-- which owns nothing and cannot bypass row-level security, under settings made from the
-- authenticated principal before each statement (see PostgresSessionSettings and
-- DatabaseScope):
--   tmc.scope     'force' (officers, supervisors, admins, integration keys), 'victim',
--                 'sysadmin', 'system' (work done before anyone is authenticated or for
--                 no one: credential checks, anonymous reports, background workers), or
--                 'bearer' (the victim's case read that resolves its token in the same
--                 statement: tmc.bearer holds the token, and only its victim's cases show)
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

-- Facts about a case that a policy on another table needs. SECURITY DEFINER (owned by the
-- tables' owner) so that these lookups do not recurse into the policies of `cases` and
-- `case_victims`; PL/pgSQL so that their plans are cached per session (a non-inlined SQL
-- function is planned again in every statement that calls it). Every name is
-- schema-qualified, and tmc_app cannot create objects in any schema, so no search_path setting
-- is needed (it would cost a GUC switch per call). Policies call them only in the scope that
-- needs them (tmc_scope() = 'victim' AND …), so other scopes never pay for them.
CREATE FUNCTION tmc_is_case_victim(p_case uuid) RETURNS boolean LANGUAGE plpgsql STABLE SECURITY DEFINER
  AS $$ BEGIN
    RETURN EXISTS (SELECT 1 FROM public.case_victims cv WHERE cv.case_id = p_case AND cv.user_id = public.tmc_user());
  END $$;
CREATE FUNCTION tmc_case_force(p_case uuid) RETURNS uuid LANGUAGE plpgsql STABLE SECURITY DEFINER
  AS $$ BEGIN
    RETURN (SELECT c.force_id FROM public.cases c WHERE c.id = p_case);
  END $$;
CREATE FUNCTION tmc_property_item_visible(p_item uuid) RETURNS boolean LANGUAGE plpgsql STABLE SECURITY DEFINER
  AS $$ BEGIN
    RETURN EXISTS (SELECT 1 FROM public.property_items p
                   WHERE p.id = p_item AND (p.force_id = public.tmc_force() OR p.victim_id = public.tmc_user()));
  END $$;
-- The victim whose valid session token is in tmc.bearer (scope 'bearer'): the hot victim case
-- read resolves its token and reads the case in one statement, before any principal is known.
CREATE FUNCTION tmc_bearer_victim() RETURNS uuid LANGUAGE plpgsql STABLE SECURITY DEFINER
  AS $$ BEGIN
    RETURN (SELECT t.user_id FROM public.tokens t JOIN public.users u ON u.id = t.user_id
            WHERE current_setting('tmc.scope', true) = 'bearer'
              AND t.token_hash = sha256(convert_to(current_setting('tmc.bearer', true), 'UTF8'))
              AND t.revoked_at IS NULL AND t.expires_at > now() AND u.role = 'victim' AND u.status = 'active');
  END $$;
CREATE FUNCTION tmc_bearer_is_case_victim(p_case uuid) RETURNS boolean LANGUAGE plpgsql STABLE SECURITY DEFINER
  AS $$ BEGIN
    RETURN EXISTS (SELECT 1 FROM public.case_victims cv WHERE cv.case_id = p_case AND cv.user_id = public.tmc_bearer_victim());
  END $$;
CREATE FUNCTION tmc_report_visible(p_report uuid) RETURNS boolean LANGUAGE plpgsql STABLE SECURITY DEFINER
  AS $$ BEGIN
    RETURN EXISTS (SELECT 1 FROM public.reports r
                   WHERE r.id = p_report AND (r.force_id = public.tmc_force() OR r.submitted_force_id = public.tmc_force()
                                              OR r.reporter_id = public.tmc_user()));
  END $$;
REVOKE ALL ON FUNCTION tmc_is_case_victim(uuid), tmc_case_force(uuid), tmc_property_item_visible(uuid),
                       tmc_report_visible(uuid), tmc_bearer_victim(), tmc_bearer_is_case_victim(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tmc_is_case_victim(uuid), tmc_case_force(uuid), tmc_property_item_visible(uuid),
                          tmc_report_visible(uuid), tmc_bearer_victim(), tmc_bearer_is_case_victim(uuid) TO tmc_app;

-- One policy per table for every command (the USING rule is also the WITH CHECK rule), except
-- where noted.
ALTER TABLE cases ENABLE ROW LEVEL SECURITY;
CREATE POLICY isolation ON cases
  USING (tmc_system() OR force_id = tmc_force() OR (tmc_scope() = 'victim' AND tmc_is_case_victim(id))
         OR (tmc_scope() = 'bearer' AND tmc_bearer_is_case_victim(id)));

ALTER TABLE case_victims ENABLE ROW LEVEL SECURITY;
CREATE POLICY isolation ON case_victims
  USING (tmc_system() OR user_id = tmc_user() OR (tmc_scope() = 'force' AND tmc_case_force(case_id) = tmc_force())
         OR (tmc_scope() = 'bearer' AND user_id = (SELECT tmc_bearer_victim())));

ALTER TABLE case_updates ENABLE ROW LEVEL SECURITY;
CREATE POLICY isolation ON case_updates
  USING (tmc_system() OR force_id = tmc_force() OR (tmc_scope() = 'victim' AND tmc_is_case_victim(case_id)));

ALTER TABLE case_clocks ENABLE ROW LEVEL SECURITY;
CREATE POLICY isolation ON case_clocks
  USING (tmc_system() OR force_id = tmc_force() OR (tmc_scope() = 'victim' AND tmc_is_case_victim(case_id)));

ALTER TABLE review_requests ENABLE ROW LEVEL SECURITY;
CREATE POLICY isolation ON review_requests
  USING (tmc_system() OR force_id = tmc_force() OR victim_id = tmc_user());

ALTER TABLE victim_statements ENABLE ROW LEVEL SECURITY;
CREATE POLICY isolation ON victim_statements
  USING (tmc_system() OR victim_id = tmc_user() OR (tmc_scope() = 'force' AND tmc_case_force(case_id) = tmc_force()));

ALTER TABLE property_items ENABLE ROW LEVEL SECURITY;
CREATE POLICY isolation ON property_items
  USING (tmc_system() OR force_id = tmc_force() OR victim_id = tmc_user());

ALTER TABLE property_item_versions ENABLE ROW LEVEL SECURITY;
CREATE POLICY isolation ON property_item_versions
  USING (tmc_system() OR (tmc_scope() IN ('force', 'victim') AND tmc_property_item_visible(item_id)));

-- A victim's action can queue a notification for the officer of their own case.
ALTER TABLE notifications ENABLE ROW LEVEL SECURITY;
CREATE POLICY isolation ON notifications
  USING (tmc_system() OR force_id = tmc_force() OR user_id = tmc_user()
         OR (tmc_scope() = 'victim' AND case_id IS NOT NULL AND tmc_is_case_victim(case_id)));

-- Like the audit log, the event log takes appends from anyone acting (a triage that
-- transfers a report writes an event for the receiving force); reading is isolated.
ALTER TABLE events ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_isolation ON events FOR SELECT
  USING (tmc_system() OR force_id = tmc_force() OR tmc_user() = ANY (recipient_ids)
         OR (tmc_scope() = 'victim' AND case_id IS NOT NULL AND tmc_is_case_victim(case_id)));
CREATE POLICY append ON events FOR INSERT
  WITH CHECK (tmc_scope() <> '');
CREATE POLICY sequencing ON events FOR UPDATE
  USING (tmc_system());
CREATE POLICY pruning ON events FOR DELETE
  USING (tmc_system());

ALTER TABLE message_cases ENABLE ROW LEVEL SECURITY;
CREATE POLICY isolation ON message_cases
  USING (tmc_system() OR force_id = tmc_force() OR (tmc_scope() = 'victim' AND tmc_is_case_victim(case_id)));

ALTER TABLE message_threads ENABLE ROW LEVEL SECURITY;
CREATE POLICY isolation ON message_threads
  USING (tmc_system() OR victim_id = tmc_user() OR (tmc_scope() = 'force' AND tmc_case_force(case_id) = tmc_force()));

ALTER TABLE messages ENABLE ROW LEVEL SECURITY;
CREATE POLICY isolation ON messages
  USING (tmc_system() OR force_id = tmc_force() OR victim_id = tmc_user());

ALTER TABLE message_reads ENABLE ROW LEVEL SECURITY;
CREATE POLICY isolation ON message_reads
  USING (tmc_system() OR user_id = tmc_user());

ALTER TABLE reports ENABLE ROW LEVEL SECURITY;
CREATE POLICY isolation ON reports
  USING (tmc_system() OR force_id = tmc_force() OR submitted_force_id = tmc_force() OR reporter_id = tmc_user());

ALTER TABLE report_triages ENABLE ROW LEVEL SECURITY;
CREATE POLICY isolation ON report_triages
  USING (tmc_system() OR force_id = tmc_force() OR (tmc_scope() IN ('force', 'victim') AND tmc_report_visible(report_id)));

ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
CREATE POLICY isolation ON api_keys
  USING (tmc_system() OR force_id = tmc_force());

-- Anyone acting may append to the audit log (a victim's action is audited under the case's
-- force); reading it is for the force (and system work) only. Triggers forbid changes.
ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
CREATE POLICY read_isolation ON audit_events FOR SELECT
  USING (tmc_system() OR force_id = tmc_force());
CREATE POLICY append ON audit_events FOR INSERT
  WITH CHECK (tmc_scope() <> '');
