-- Secure messaging between each victim of a case and the force's staff, read markers, and
-- the single-use tickets that let browsers open /v1/events.
--
-- Order without gaps: every post to a case upserts that case's row in message_cases. The row
-- lock is held to commit and ON CONFLICT DO UPDATE always works on the newest committed
-- version, so positions in a case are handed out in commit order: a reader paging with
-- "position > p" never skips a message that commits later with a smaller position.
--
-- Unread counts without scanning messages: each message carries running totals of the
-- messages its reader counts (the thread's staff messages for its victim, the case's victim
-- messages for staff); a read marker keeps the total at the message read up to, and the
-- counter rows keep the current total. Unread = current - read, one row per case.

CREATE TABLE message_cases (
    case_id         uuid PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
    force_id        uuid NOT NULL REFERENCES forces(id),
    last_position   bigint NOT NULL,
    -- messages sent by victims, in every thread of the case
    victim_messages bigint NOT NULL
);
-- Supervisors' unread counts: their force's cases with messages (index-only scan).
CREATE INDEX message_cases_force ON message_cases (force_id, case_id) INCLUDE (victim_messages);

CREATE TABLE message_threads (
    case_id        uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    victim_id      uuid NOT NULL REFERENCES users(id),
    last_position  bigint NOT NULL,
    -- messages sent by staff to this victim
    staff_messages bigint NOT NULL,
    PRIMARY KEY (case_id, victim_id)
);
-- Victims' unread counts: their threads (index-only scan).
CREATE INDEX message_threads_victim ON message_threads (victim_id, case_id) INCLUDE (staff_messages);

CREATE TABLE messages (
    id                 uuid PRIMARY KEY,
    case_id            uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    force_id           uuid NOT NULL REFERENCES forces(id),
    -- the thread: the victim this message is from or to
    victim_id          uuid NOT NULL REFERENCES users(id),
    -- commit-ordered within the case (see above)
    position           bigint NOT NULL,
    sender_id          uuid NOT NULL REFERENCES users(id),
    sender_role        text NOT NULL CHECK (sender_role IN ('victim', 'officer', 'supervisor')),
    -- as it was when the message was sent
    sender_name        text NOT NULL,
    body               text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
    -- running totals after this message: staff messages in its thread, victim messages in its case
    thread_staff_count bigint NOT NULL,
    case_victim_count  bigint NOT NULL,
    created_at         timestamptz NOT NULL,
    UNIQUE (case_id, position)
);
-- A victim's thread, in order.
CREATE INDEX messages_thread ON messages (case_id, victim_id, position);

-- Messages are immutable.
CREATE FUNCTION messages_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'messages are immutable: UPDATE refused' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER messages_no_update BEFORE UPDATE ON messages
    FOR EACH ROW EXECUTE FUNCTION messages_refuse_update();

-- How far a user has read a case's messages (a victim: their thread; staff: every thread).
CREATE TABLE message_reads (
    user_id    uuid NOT NULL REFERENCES users(id),
    case_id    uuid NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    message_id uuid NOT NULL REFERENCES messages(id),
    position   bigint NOT NULL,
    -- the reader's running total at message_id (thread_staff_count or case_victim_count)
    read_count bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, case_id)
);

-- Single-use tickets for GET /v1/events?ticket=… (browsers' EventSource cannot send headers).
-- Only sha256(ticket) is stored; the ticket acts as the credential that asked for it.
CREATE TABLE event_tickets (
    ticket_hash   bytea PRIMARY KEY,
    credential_id uuid NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    used_at       timestamptz NULL
);
CREATE INDEX event_tickets_expires ON event_tickets (expires_at);

-- The notification outbox's preference rules as one function, so that a statement can queue a
-- notification as part of a larger insert (NotificationOutbox.enqueue calls it too): `channel`
-- picks email or SMS (email when an SMS recipient has no phone number), `none` queues nothing,
-- and `safe_contact` replaces subject and body with a fixed text naming no case detail.
-- Returns the notification's id, or NULL when nothing was queued.
CREATE FUNCTION enqueue_notification(p_force uuid, p_user uuid, p_case uuid, p_kind text, p_subject text, p_body text,
                                     p_safe_subject text, p_safe_body text)
RETURNS uuid LANGUAGE plpgsql VOLATILE AS $$
-- plpgsql rather than sql: its statement plan is cached for the session, where a sql function
-- that cannot be inlined is planned again for every query that calls it.
DECLARE
    queued uuid;
BEGIN
    INSERT INTO notifications (force_id, user_id, case_id, kind, channel, recipient, subject, body)
    SELECT p_force, u.id, p_case, p_kind, ch.channel,
           CASE ch.channel WHEN 'sms' THEN u.phone ELSE u.email END,
           CASE WHEN u.safe_contact THEN p_safe_subject ELSE p_subject END,
           CASE WHEN u.safe_contact THEN p_safe_body ELSE p_body END
    FROM users u
    CROSS JOIN LATERAL (SELECT CASE WHEN u.contact_channel = 'sms' AND coalesce(u.phone, '') = '' THEN 'email'
                                    ELSE u.contact_channel END AS channel) ch
    WHERE u.id = p_user AND ch.channel <> 'none'
    RETURNING id INTO queued;
    RETURN queued;
END
$$;

-- The event log's GIN index on recipient_ids (0006) serves no query: /v1/events filters a seq
-- range with `= ANY(recipient_ids)`, which GIN cannot answer. It cost every event insert and
-- every sequencer update (seq is indexed, so those updates are not HOT) a GIN insertion.
DROP INDEX events_recipients;
