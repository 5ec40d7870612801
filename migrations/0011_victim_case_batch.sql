-- The victim's case read by bearer token (GET /v1/cases/{id}, the hot path) for a batch of
-- requests at once (see BatchQueue): under load, most of PostgreSQL's work per read was the
-- statement (bind, executor start-up, the function call), not its rows. It replaces 0010's
-- tmc_victim_case_by_token with the same rule, row by row: a case comes back only with a valid
-- session token (unrevoked, unexpired, active account) of a victim named on that case. Any
-- other credential comes back without a case, and a token that matches nothing as a row of
-- NULLs, so that there is exactly one row per request, numbered `n` from 1 in the order given.
-- SECURITY DEFINER for the reason 0010 gives: its WHERE clause is the victim rule, and the
-- server has no principal yet when it runs.
DROP FUNCTION tmc_victim_case_by_token(text, uuid);

CREATE FUNCTION tmc_victim_cases_by_tokens(p_tokens text[], p_cases uuid[])
  RETURNS TABLE (n bigint, kind text, credential_id uuid, id uuid, email text, name text, role text, force_id uuid,
                 force_code text, phone text, status text, created_at timestamptz, contact_channel text,
                 safe_contact boolean, last_used_at timestamptz, case_part text,
                 case_id uuid, case_force_id uuid, case_force_code text, case_crime_reference text,
                 case_offence_category text, case_offence_description text, case_summary text,
                 case_occurred_at timestamptz, case_officer_id uuid, case_officer_name text, case_status text,
                 case_outcome text, case_public_status text, case_public_outcome text, case_next_update_due timestamptz,
                 case_version integer, case_created_at timestamptz, case_updated_at timestamptz,
                 case_enhanced boolean, case_update_every_days integer)
  LANGUAGE plpgsql STABLE SECURITY DEFINER
  -- One plan for every call. Planned for the arrays given, a call of one request looks
  -- cheaper than the shared plan, so PostgreSQL would plan every such call again, and planning
  -- this query costs about fifteen times more than running it for one request.
  SET plan_cache_mode = force_generic_plan
  AS $$
  #variable_conflict use_column
  BEGIN
    RETURN QUERY
    WITH request AS (
      SELECT r.token, r.case_id, r.n FROM unnest(p_tokens, p_cases) WITH ORDINALITY AS r(token, case_id, n)),
    cred AS (
      SELECT request.n AS request_n, 'token'::text AS kind, t.id AS credential_id, u.id, u.email, u.name, u.role, u.force_id,
             f.code AS force_code, u.phone, u.status, u.created_at, u.contact_channel, u.safe_contact, NULL::timestamptz AS last_used_at
      FROM request JOIN public.tokens t ON t.token_hash = sha256(convert_to(request.token, 'UTF8'))
      JOIN public.users u ON u.id = t.user_id
      LEFT JOIN public.forces f ON f.id = u.force_id
      WHERE t.revoked_at IS NULL AND t.expires_at > now() AND u.status = 'active')
    SELECT request.n, cred.kind, cred.credential_id, cred.id, cred.email, cred.name, cred.role, cred.force_id,
           cred.force_code, cred.phone, cred.status, cred.created_at, cred.contact_channel, cred.safe_contact,
           cred.last_used_at, NULL::text, vc.*
    FROM request LEFT JOIN cred ON cred.request_n = request.n
    LEFT JOIN LATERAL (
      SELECT c.id, c.force_id, cf.code, c.crime_reference, c.offence_category, c.offence_description,
             c.summary, c.occurred_at, c.officer_id, o.name, c.status, c.outcome, c.public_status,
             c.public_outcome, c.next_update_due, c.version, c.created_at, c.updated_at, cv.enhanced, cv.update_every_days
      FROM public.cases c JOIN public.forces cf ON cf.id = c.force_id LEFT JOIN public.users o ON o.id = c.officer_id
      JOIN public.case_victims cv ON cv.case_id = c.id AND cv.user_id = cred.id
      WHERE c.id = request.case_id AND cred.role = 'victim') vc ON true
    ORDER BY request.n;
  END $$;
REVOKE ALL ON FUNCTION tmc_victim_cases_by_tokens(text[], uuid[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION tmc_victim_cases_by_tokens(text[], uuid[]) TO tmc_app;
