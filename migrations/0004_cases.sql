-- Cases, their victims and timeline, Victims' Code clocks, statements, review requests,
-- property, the notifications outbox, and England and Wales bank holidays.

-- England and Wales bank holidays, as published on GOV.UK, with substitute days when a
-- holiday falls on a weekend. Working-day arithmetic reads this table (and the Swift
-- WorkingDayCalendar loads it), so extending it is a data migration, not a code change.
CREATE TABLE bank_holidays (
    day  date PRIMARY KEY,
    name text NOT NULL
);

INSERT INTO bank_holidays (day, name) VALUES
    ('2024-01-01', 'New Year''s Day'),
    ('2024-03-29', 'Good Friday'),
    ('2024-04-01', 'Easter Monday'),
    ('2024-05-06', 'Early May bank holiday'),
    ('2024-05-27', 'Spring bank holiday'),
    ('2024-08-26', 'Summer bank holiday'),
    ('2024-12-25', 'Christmas Day'),
    ('2024-12-26', 'Boxing Day'),
    ('2025-01-01', 'New Year''s Day'),
    ('2025-04-18', 'Good Friday'),
    ('2025-04-21', 'Easter Monday'),
    ('2025-05-05', 'Early May bank holiday'),
    ('2025-05-26', 'Spring bank holiday'),
    ('2025-08-25', 'Summer bank holiday'),
    ('2025-12-25', 'Christmas Day'),
    ('2025-12-26', 'Boxing Day'),
    ('2026-01-01', 'New Year''s Day'),
    ('2026-04-03', 'Good Friday'),
    ('2026-04-06', 'Easter Monday'),
    ('2026-05-04', 'Early May bank holiday'),
    ('2026-05-25', 'Spring bank holiday'),
    ('2026-08-31', 'Summer bank holiday'),
    ('2026-12-25', 'Christmas Day'),
    ('2026-12-28', 'Boxing Day (substitute day)'),
    ('2027-01-01', 'New Year''s Day'),
    ('2027-03-26', 'Good Friday'),
    ('2027-03-29', 'Easter Monday'),
    ('2027-05-03', 'Early May bank holiday'),
    ('2027-05-31', 'Spring bank holiday'),
    ('2027-08-30', 'Summer bank holiday'),
    ('2027-12-27', 'Christmas Day (substitute day)'),
    ('2027-12-28', 'Boxing Day (substitute day)'),
    ('2028-01-03', 'New Year''s Day (substitute day)'),
    ('2028-04-14', 'Good Friday'),
    ('2028-04-17', 'Easter Monday'),
    ('2028-05-01', 'Early May bank holiday'),
    ('2028-05-29', 'Spring bank holiday'),
    ('2028-08-28', 'Summer bank holiday'),
    ('2028-12-25', 'Christmas Day'),
    ('2028-12-26', 'Boxing Day');

-- The date `n` working days after `start` (weekends and bank holidays skipped); `start`
-- itself when n <= 0. Same rule as WorkingDayCalendar.adding(workingDays:to:) in Swift.
CREATE FUNCTION add_working_days(start date, n integer) RETURNS date
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN n <= 0 THEN start ELSE (
        SELECT d
        FROM generate_series(1, n * 2 + 30) AS g(i)
        CROSS JOIN LATERAL (SELECT start + g.i AS d) AS x
        WHERE extract(isodow FROM d) < 6
          AND NOT EXISTS (SELECT 1 FROM bank_holidays b WHERE b.day = d)
        ORDER BY d
        OFFSET n - 1 LIMIT 1)
    END
$$;

-- A Victims' Code deadline: the end (23:59:59 Europe/London) of the n-th working day after
-- the London calendar day of `at`.
CREATE FUNCTION working_day_deadline(at timestamptz, n integer) RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT (add_working_days((at AT TIME ZONE 'Europe/London')::date, n) + time '23:59:59')
           AT TIME ZONE 'Europe/London'
$$;

CREATE TABLE cases (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    force_id            uuid NOT NULL REFERENCES forces(id),
    crime_reference     text NOT NULL CHECK (length(crime_reference) BETWEEN 1 AND 64),
    -- data.police.uk crime category slugs, without 'all-crime'
    offence_category    text NOT NULL CHECK (offence_category IN (
                            'anti-social-behaviour', 'bicycle-theft', 'burglary', 'criminal-damage-arson',
                            'drugs', 'other-theft', 'possession-of-weapons', 'public-order', 'robbery',
                            'shoplifting', 'theft-from-the-person', 'vehicle-crime', 'violent-crime',
                            'other-crime')),
    offence_description text NULL,
    summary             text NOT NULL,
    occurred_at         timestamptz NULL,
    officer_id          uuid NULL REFERENCES users(id),
    status              text NOT NULL DEFAULT 'recorded'
                        CHECK (status IN ('recorded', 'under_investigation', 'with_cps', 'at_court', 'closed')),
    -- data.police.uk outcome category id; validated by the application (the list lives in
    -- CaseOutcome.swift and openapi.yaml)
    outcome             text NULL,
    -- What victims see: the status and outcome as of the latest *published* update, so that a
    -- decision recorded by a force system is not shown before someone has explained it.
    public_status       text NOT NULL DEFAULT 'recorded'
                        CHECK (public_status IN ('recorded', 'under_investigation', 'with_cps', 'at_court', 'closed')),
    public_outcome      text NULL,
    -- The agreed-contact deadline (the open agreed_contact clock), shown to everyone.
    next_update_due     timestamptz NULL,
    version             integer NOT NULL DEFAULT 1,
    -- a user id or an integration key id (no foreign key: keys live in another table)
    created_by          uuid NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    UNIQUE (force_id, crime_reference)
);
-- Staff lists: newest first, keyset on (created_at, id), optionally by status.
CREATE INDEX cases_force_created ON cases (force_id, created_at DESC, id DESC);
CREATE INDEX cases_force_status_created ON cases (force_id, status, created_at DESC, id DESC);
CREATE INDEX cases_officer ON cases (officer_id) WHERE officer_id IS NOT NULL;

CREATE TABLE case_victims (
    case_id           uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    user_id           uuid NOT NULL REFERENCES users(id),
    -- Victims' Code enhanced entitlement (serious crime, persistently targeted, vulnerable or
    -- intimidated, under 18): Right 6 decisions within 1 working day instead of 5
    enhanced          boolean NOT NULL DEFAULT false,
    -- the agreed contact frequency, in calendar days
    update_every_days integer NOT NULL DEFAULT 28 CHECK (update_every_days BETWEEN 1 AND 365),
    created_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (case_id, user_id)
);
CREATE INDEX case_victims_user ON case_victims (user_id, case_id);

CREATE TABLE case_updates (
    id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    case_id             uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    force_id            uuid NOT NULL REFERENCES forces(id),
    event               text NOT NULL CHECK (event IN (
                            'general_update', 'suspect_arrested', 'suspect_interviewed',
                            'suspect_released_on_bail', 'suspect_released_under_investigation',
                            'suspect_charged', 'no_further_action', 'out_of_court_disposal',
                            'court_hearing_scheduled', 'court_outcome', 'case_closed')),
    -- NULL until published: victims only ever see published updates
    message             text NULL,
    status_from         text NULL,
    status_to           text NULL,
    outcome             text NULL,
    delay_reason_code   text NULL CHECK (delay_reason_code IN (
                            'awaiting_forensic_results', 'awaiting_cps_decision', 'disclosure',
                            'court_listing', 'witness_availability', 'suspect_not_located',
                            'awaiting_third_party_information', 'other')),
    delay_reason_detail text NULL,
    occurred_at         timestamptz NOT NULL,
    internal_note       text NULL,
    published_at        timestamptz NULL,
    published_by        uuid NULL,
    created_by          uuid NOT NULL,
    created_by_role     text NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    CHECK ((published_at IS NULL) = (message IS NULL)),
    CHECK (delay_reason_detail IS NULL OR delay_reason_code IS NOT NULL)
);
-- The timeline, oldest first; the Right to Review checks look events up by case.
CREATE INDEX case_updates_case ON case_updates (case_id, created_at, id);
CREATE INDEX case_updates_case_event ON case_updates (case_id, event);

CREATE TABLE review_requests (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    case_id              uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    force_id             uuid NOT NULL REFERENCES forces(id),
    victim_id            uuid NOT NULL REFERENCES users(id),
    -- the published no_further_action update under review
    decision_update_id   uuid NOT NULL REFERENCES case_updates(id),
    reason               text NOT NULL,
    acknowledged_at      timestamptz NULL,
    acknowledged_by      uuid NULL,
    decided_at           timestamptz NULL,
    decided_by           uuid NULL,
    upheld               boolean NULL,
    decision_message     text NULL,
    created_at           timestamptz NOT NULL DEFAULT now(),
    UNIQUE (case_id, victim_id, decision_update_id),
    CHECK ((decided_at IS NULL) = (upheld IS NULL))
);
CREATE INDEX review_requests_case ON review_requests (case_id, created_at, id);

-- One row per Victims' Code duty. The deadline is computed when the clock starts and the
-- clock is met when the victim is told (publication, acknowledgement, decision). Compliance
-- is then a pair of index scans, whatever the number of cases.
CREATE TABLE case_clocks (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    force_id          uuid NOT NULL REFERENCES forces(id),
    case_id           uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    rule              text NOT NULL CHECK (rule IN ('right_6', 'right_8_9', 'agreed_contact',
                                                    'review_acknowledge', 'review_decide')),
    update_id         uuid NULL REFERENCES case_updates(id) ON DELETE CASCADE,
    review_request_id uuid NULL REFERENCES review_requests(id) ON DELETE CASCADE,
    started_at        timestamptz NOT NULL,
    deadline          timestamptz NOT NULL,
    met_at            timestamptz NULL,
    on_time           boolean NULL,
    CHECK ((met_at IS NULL) = (on_time IS NULL)),
    CHECK ((rule IN ('right_6', 'right_8_9')) = (update_id IS NOT NULL)),
    CHECK ((rule IN ('review_acknowledge', 'review_decide')) = (review_request_id IS NOT NULL))
);
-- Open clocks by deadline: overdue and due-soon counts and items.
CREATE INDEX case_clocks_open ON case_clocks (force_id, deadline, id) WHERE met_at IS NULL;
-- Met clocks: on-time and late counts (index-only scan).
CREATE INDEX case_clocks_met ON case_clocks (force_id, on_time) WHERE met_at IS NOT NULL;
-- A case's open clocks (staff case view, publication).
CREATE INDEX case_clocks_case_open ON case_clocks (case_id) WHERE met_at IS NULL;
CREATE UNIQUE INDEX case_clocks_update ON case_clocks (update_id) WHERE update_id IS NOT NULL;
CREATE UNIQUE INDEX case_clocks_review ON case_clocks (review_request_id, rule) WHERE review_request_id IS NOT NULL;
-- At most one open agreed-contact clock per case.
CREATE UNIQUE INDEX case_clocks_agreed_open ON case_clocks (case_id) WHERE rule = 'agreed_contact' AND met_at IS NULL;

-- Victim Personal Statements: versioned per victim, never overwritten.
CREATE TABLE victim_statements (
    case_id    uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    victim_id  uuid NOT NULL REFERENCES users(id),
    version    integer NOT NULL CHECK (version >= 1),
    text       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (case_id, victim_id, version)
);

CREATE TABLE property_items (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    case_id               uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    force_id              uuid NOT NULL REFERENCES forces(id),
    -- the victim the item belongs to: victims see and change only their own items
    victim_id             uuid NOT NULL REFERENCES users(id),
    kind                  text NOT NULL CHECK (kind IN ('stolen', 'damaged')),
    category              text NOT NULL CHECK (category IN (
                              'bicycle', 'mobile_phone', 'laptop_or_tablet', 'other_electronics',
                              'vehicle', 'vehicle_part', 'jewellery_or_watch', 'cash', 'bank_card',
                              'identity_document', 'clothing_or_bag', 'tools', 'other')),
    description           text NOT NULL,
    make                  text NULL,
    model                 text NULL,
    serial_number         text NULL,
    colour                text NULL,
    estimated_value_pence bigint NULL CHECK (estimated_value_pence >= 0),
    status                text NOT NULL DEFAULT 'reported'
                          CHECK (status IN ('reported', 'recovered', 'returned', 'withdrawn')),
    version               integer NOT NULL DEFAULT 1,
    created_by            uuid NOT NULL,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX property_items_case ON property_items (case_id, created_at, id);

-- Every version of every property item, the current one included.
CREATE TABLE property_item_versions (
    item_id               uuid NOT NULL REFERENCES property_items(id) ON DELETE CASCADE,
    version               integer NOT NULL,
    kind                  text NOT NULL,
    category              text NOT NULL,
    description           text NOT NULL,
    make                  text NULL,
    model                 text NULL,
    serial_number         text NULL,
    colour                text NULL,
    estimated_value_pence bigint NULL,
    status                text NOT NULL,
    changed_by            uuid NOT NULL,
    changed_by_role       text NOT NULL,
    changed_at            timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (item_id, version)
);

-- The outbox of notifications to victims; a force's delivery system drains it (issue 6).
CREATE TABLE notifications (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    force_id     uuid NOT NULL REFERENCES forces(id),
    user_id      uuid NOT NULL REFERENCES users(id),
    case_id      uuid NULL REFERENCES cases(id) ON DELETE SET NULL,
    kind         text NOT NULL CHECK (kind IN ('invitation', 'case_update', 'message', 'report_outcome')),
    channel      text NOT NULL CHECK (channel IN ('email', 'sms', 'none')),
    -- an email address or a phone number, as the channel needs
    recipient    text NOT NULL,
    subject      text NOT NULL,
    body         text NOT NULL,
    status       text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'leased', 'delivered')),
    lease_until  timestamptz NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    delivered_at timestamptz NULL
);
-- Draining: a force's undelivered notifications, oldest first.
CREATE INDEX notifications_drain ON notifications (force_id, created_at, id) WHERE status <> 'delivered';
