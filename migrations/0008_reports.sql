-- Online crime reports (non-emergency), their triage by the force, gap-free human-readable
-- references, and what the notifications outbox needs for reporters without an account.

-- One counter per force and year. Submitting a report increments it with
-- INSERT … ON CONFLICT DO UPDATE in the submitting transaction, so the row stays locked until
-- that transaction ends: numbers are handed out one transaction at a time, a rolled-back
-- submission gives its number back, and there are neither gaps nor duplicates.
CREATE TABLE report_reference_counters (
    force_id uuid NOT NULL REFERENCES forces(id),
    year     integer NOT NULL CHECK (year BETWEEN 2000 AND 9999),
    last     integer NOT NULL CHECK (last >= 1),
    PRIMARY KEY (force_id, year)
);

CREATE TABLE reports (
    id                   uuid PRIMARY KEY,
    -- the force whose queue holds it now (changes when it is transferred)
    force_id             uuid NOT NULL REFERENCES forces(id),
    -- the force it was submitted to, whose name and counter its reference carries
    submitted_force_id   uuid NOT NULL REFERENCES forces(id),
    -- OR-<FORCE>-<year>-<number>, e.g. OR-KENT-2026-000123
    reference            text NOT NULL UNIQUE,
    status               text NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'crime_recorded', 'no_crime')),
    category             text NOT NULL CHECK (category IN (
                             'anti-social-behaviour', 'bicycle-theft', 'burglary', 'criminal-damage-arson',
                             'drugs', 'other-theft', 'possession-of-weapons', 'public-order', 'robbery',
                             'shoplifting', 'theft-from-the-person', 'vehicle-crime', 'violent-crime',
                             'other-crime')),
    description          text NOT NULL,
    occurred_from        timestamptz NOT NULL,
    occurred_to          timestamptz NULL CHECK (occurred_to IS NULL OR occurred_to >= occurred_from),
    location_description text NOT NULL,
    -- upper case, one space before the inward code: 'SW1A 1AA'
    postcode             text NULL,
    latitude             double precision NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude            double precision NULL CHECK (longitude BETWEEN -180 AND 180),
    -- the signed-in victim who reported it. NULL for an anonymous report, and it stays NULL:
    -- an anonymous report is never linked to an account by its email.
    reporter_id          uuid NULL REFERENCES users(id),
    -- contact details as given (anonymous) or as the account had them when it reported
    reporter_name        text NOT NULL,
    reporter_email       text NOT NULL,
    reporter_phone       text NULL,
    suspect_description  text NULL,
    -- [{name, phone?, email?, notes?}] and the property items as submitted (API field names);
    -- the items are copied to property_items when a crime is recorded
    witnesses            jsonb NOT NULL DEFAULT '[]',
    property             jsonb NOT NULL DEFAULT '[]',
    -- the case recorded from it
    case_id              uuid NULL REFERENCES cases(id),
    -- when it entered its current force's queue (submission, or transfer)
    queued_at            timestamptz NOT NULL DEFAULT now(),
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    CHECK ((latitude IS NULL) = (longitude IS NULL)),
    CHECK ((status = 'crime_recorded') = (case_id IS NOT NULL))
);
-- The force's queue, oldest first, keyset on (queued_at, id), optionally by status.
CREATE INDEX reports_force_queue ON reports (force_id, queued_at, id);
CREATE INDEX reports_force_status_queue ON reports (force_id, status, queued_at, id);
-- A signed-in reporter's own reports.
CREATE INDEX reports_reporter ON reports (reporter_id, created_at, id) WHERE reporter_id IS NOT NULL;

-- Every triage decision, by the force that made it. A report is decided once per stay in a
-- force: crime_recorded and no_crime end it; transferred hands it to another force's queue.
CREATE TABLE report_triages (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    report_id   uuid NOT NULL REFERENCES reports(id),
    force_id    uuid NOT NULL REFERENCES forces(id),
    decision    text NOT NULL CHECK (decision IN ('crime_recorded', 'no_crime', 'transferred')),
    -- shown to the reporter: the reason for no_crime, the explanation of the other decisions
    note        text NOT NULL,
    case_id     uuid NULL REFERENCES cases(id),
    transfer_to uuid NULL REFERENCES forces(id),
    decided_by  uuid NOT NULL REFERENCES users(id),
    decided_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((decision = 'crime_recorded') = (case_id IS NOT NULL)),
    CHECK ((decision = 'transferred') = (transfer_to IS NOT NULL))
);
CREATE INDEX report_triages_report ON report_triages (report_id, decided_at, id);
-- Statistics: reports a force handled (any decision) and transferred away.
CREATE INDEX report_triages_force ON report_triages (force_id, decision, report_id);

-- Anonymous reporters have no account: their outcome notification goes to the email address
-- they gave, with no user. Every notification still has somewhere to go.
ALTER TABLE notifications ALTER COLUMN user_id DROP NOT NULL;
ALTER TABLE notifications ADD COLUMN report_id uuid NULL REFERENCES reports(id);
ALTER TABLE notifications ADD CONSTRAINT notifications_has_recipient
    CHECK (user_id IS NOT NULL OR (report_id IS NOT NULL AND length(recipient) BETWEEN 3 AND 254));
-- Expired leases come back: the drain query looks for pending rows and leased rows whose
-- lease has run out, oldest first (notifications_drain from 0004 covers both).
