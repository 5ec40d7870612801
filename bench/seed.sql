-- The reference harness's volumes, seeded directly in SQL: 3 forces, 200 officers,
-- 100,000 victims each with one case (and one officer of its force) and one bearer token.
-- Tokens are 32 random bytes in hex; only sha256(token) is stored, as for real tokens.
-- The plain tokens are left in bench_targets for the harness to write out.
BEGIN;
INSERT INTO forces (code, name) VALUES
  ('kent', 'Kent Police'), ('surrey', 'Surrey Police'), ('sussex', 'Sussex Police')
ON CONFLICT (code) DO NOTHING;

CREATE TEMP TABLE seed_forces AS
  SELECT id, row_number() OVER (ORDER BY code) - 1 AS n FROM forces WHERE code IN ('kent', 'surrey', 'sussex');

-- One bcrypt hash for every seeded account: login is not benchmarked.
CREATE TEMP TABLE seed_hash AS SELECT crypt('not-used-in-the-benchmark', gen_salt('bf', 4)) AS h;

INSERT INTO users (force_id, role, email, name, password_hash)
SELECT f.id, 'officer', 'officer' || g || '@bench.police.uk', 'Officer ' || g, (SELECT h FROM seed_hash)
FROM generate_series(0, 199) g JOIN seed_forces f ON f.n = g % 3;

CREATE TEMP TABLE seed_officers AS
  SELECT id, force_id, row_number() OVER (PARTITION BY force_id ORDER BY email) - 1 AS n,
         count(*) OVER (PARTITION BY force_id) AS per_force
  FROM users WHERE role = 'officer' AND email LIKE '%@bench.police.uk';

CREATE TEMP TABLE seed_victims AS
  SELECT g AS n, gen_random_uuid() AS user_id, gen_random_uuid() AS case_id,
         encode(gen_random_bytes(32), 'hex') AS token
  FROM generate_series(1, 100000) g;

INSERT INTO users (id, role, email, name, password_hash)
SELECT v.user_id, 'victim', 'victim' || v.n || '@bench.example', 'Victim ' || v.n, (SELECT h FROM seed_hash)
FROM seed_victims v;

INSERT INTO cases (id, force_id, crime_reference, offence_category, summary, occurred_at, officer_id, created_by,
                   next_update_due, created_at, updated_at)
SELECT v.case_id, f.id, 'BENCH/' || v.n, 'burglary',
       'Burglary at a residential address; entry forced through a rear window. Items taken include a laptop.',
       now() - interval '3 days', o.id, o.id, now() + interval '25 days', now() - interval '3 days', now() - interval '3 days'
FROM seed_victims v
JOIN seed_forces f ON f.n = v.n % 3
JOIN seed_officers o ON o.force_id = f.id AND o.n = (v.n / 3) % o.per_force;

INSERT INTO case_victims (case_id, user_id, enhanced) SELECT case_id, user_id, false FROM seed_victims;

INSERT INTO tokens (token_hash, user_id, expires_at)
SELECT sha256(convert_to(token, 'UTF8')), user_id, now() + interval '30 days' FROM seed_victims;

DROP TABLE IF EXISTS bench_targets;
CREATE TABLE bench_targets (n int PRIMARY KEY, token text NOT NULL, case_id uuid NOT NULL);
INSERT INTO bench_targets SELECT n, token, case_id FROM seed_victims;
COMMIT;
-- As after any bulk load: set hint bits and the visibility map and gather statistics now, so the
-- measured requests do not pay for that on their first read of each row.
VACUUM ANALYZE;
-- Then write it all out, as the reference's seed does (seed.py), so that the checkpoint of the
-- load's WAL does not fall inside a measured run.
CHECKPOINT;
