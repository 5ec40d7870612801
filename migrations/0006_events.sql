-- The event log behind Server-Sent Events (/v1/events) and the force change feed
-- (/v1/forces/{code}/changes).
--
-- A bigserial alone cannot order a feed: transactions commit out of order, so a reader that
-- saw id 11 could later miss id 10. Rows are therefore written with seq NULL, and a single
-- sequencer at a time (an advisory lock, whichever instance takes it) assigns seq from
-- events_seq to committed rows only. A seq is visible only once every lower seq is, so a
-- reader polling "seq > after" never skips or repeats an event.
CREATE SEQUENCE events_seq;

CREATE TABLE events (
    id             bigserial PRIMARY KEY,
    seq            bigint NULL UNIQUE,
    type           text NOT NULL,
    force_id       uuid NULL REFERENCES forces(id),
    case_id        uuid NULL,
    report_id      uuid NULL,
    resource_id    text NULL,
    -- who receives it on /v1/events: these users, plus the force's staff when staff_visible
    recipient_ids  uuid[] NOT NULL DEFAULT '{}',
    staff_visible  boolean NOT NULL DEFAULT true,
    -- also part of the force's change feed for records systems
    in_change_feed boolean NOT NULL DEFAULT false,
    data           jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_unsequenced ON events (id) WHERE seq IS NULL;
CREATE INDEX events_change_feed ON events (force_id, seq) WHERE in_change_feed AND seq IS NOT NULL;
CREATE INDEX events_recipients ON events USING gin (recipient_ids);
CREATE INDEX events_created ON events (created_at);
