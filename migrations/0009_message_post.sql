-- A message post (issue 5's throughput target) writes in one statement: the case's counter
-- row, the message, its event, its notification. PostgreSQL's CPU per post came from the
-- executor's start-up, foreign-key checks, index upkeep and the event sequencer's update of
-- each event row; this migration removes the work that bought nothing.

-- The notification outbox's preference rules as an inlinable SQL function (STABLE, not
-- STRICT, one SELECT): a statement that joins it is planned as if the rules were written out,
-- so a message post queues its notification without calling a plpgsql function (and paying
-- for its own executor start-up). One row when the user is to be notified: `channel` is the
-- user's, except email for an SMS user without a phone number; no row for `none`;
-- `safe_contact` says to send the fixed text that names no case detail instead of the content.
CREATE FUNCTION notification_route(p_user uuid)
RETURNS TABLE (user_id uuid, channel text, recipient text, safe_contact boolean)
LANGUAGE sql STABLE AS $$
    SELECT u.id, ch.channel, CASE ch.channel WHEN 'sms' THEN u.phone ELSE u.email END, u.safe_contact
    FROM users u
    CROSS JOIN LATERAL (SELECT CASE WHEN u.contact_channel = 'sms' AND coalesce(u.phone, '') = '' THEN 'email'
                                    ELSE u.contact_channel END AS channel) ch
    WHERE u.id = p_user AND ch.channel <> 'none'
$$;

-- enqueue_notification (0007) keeps its signature and behaviour, with the rules from above.
CREATE OR REPLACE FUNCTION enqueue_notification(p_force uuid, p_user uuid, p_case uuid, p_kind text, p_subject text, p_body text,
                                                p_safe_subject text, p_safe_body text)
RETURNS uuid LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    queued uuid;
BEGIN
    INSERT INTO notifications (force_id, user_id, case_id, kind, channel, recipient, subject, body)
    SELECT p_force, r.user_id, p_case, p_kind, r.channel, r.recipient,
           CASE WHEN r.safe_contact THEN p_safe_subject ELSE p_subject END,
           CASE WHEN r.safe_contact THEN p_safe_body ELSE p_body END
    FROM notification_route(p_user) r
    RETURNING id INTO queued;
    RETURN queued;
END
$$;

-- Foreign keys whose check bought nothing on the tables a post writes. Each check is a query
-- of its own after the insert, and it locks the referenced row (FOR KEY SHARE): every post
-- locked its force's row (three rows shared by every writer, so each lock made a new
-- multixact; once more for a case's first message, through message_cases) and the victim's
-- and officer's user rows (a WAL record and a dirtied page each).
-- The rows they pointed at are read by the very statement that inserts (the case gives the
-- force and officer, case_victims the victim, the session the sender, `users` the recipient),
-- and nothing deletes forces or users. The case foreign keys stay: they carry what deleting a
-- case does (messages go with it, notifications lose the link).
ALTER TABLE messages DROP CONSTRAINT messages_force_id_fkey,
                     DROP CONSTRAINT messages_sender_id_fkey,
                     DROP CONSTRAINT messages_victim_id_fkey;
ALTER TABLE message_cases DROP CONSTRAINT message_cases_force_id_fkey;
ALTER TABLE events DROP CONSTRAINT events_force_id_fkey;
ALTER TABLE notifications DROP CONSTRAINT notifications_force_id_fkey,
                          DROP CONSTRAINT notifications_user_id_fkey;

-- The event log's indexes held entries no query reads: every unsequenced row put a NULL into
-- the unique index on seq, and every row went into events_created although prune (its only
-- reader) deletes only rows outside the change feed. Both are partial now, so a change-feed
-- row (a victim's message) costs two index entries fewer when written and one fewer when the
-- sequencer numbers it. `seq > $1` and max(seq) imply seq IS NOT NULL, so the planner uses
-- the partial index for every read it served.
ALTER TABLE events DROP CONSTRAINT events_seq_key;
CREATE UNIQUE INDEX events_seq_unique ON events (seq) WHERE seq IS NOT NULL;
DROP INDEX events_created;
CREATE INDEX events_created ON events (created_at) WHERE NOT in_change_feed;

-- A victim's message bumps message_cases.victim_messages. The supervisors' unread index
-- carried that column, so every post was a non-HOT update (a new entry in both indexes of
-- the table and dead ones for vacuum). Without it the update stays on its page (HOT), with
-- room kept free for that; supervisors' unread counts read the counter from the row found by
-- the index (one heap probe per case with messages; still no scan of messages).
DROP INDEX message_cases_force;
CREATE INDEX message_cases_force ON message_cases (force_id, case_id);
ALTER TABLE message_cases SET (fillfactor = 70);
