-- Closed-loop referrals (C2) and their message threads (C6): each service's
-- response targets, the referrals with the deadlines worked out from them,
-- every transition, spells on hold, escalations to managers, the receiving
-- team's feedback on missing information, attachments, messages with read
-- receipts, and which inbox notifications have been emailed.

-- A service's own response targets. An amount of 0 means "not set": the
-- default in care.DefaultReferralTargets applies. Units are
-- care.TargetUnit codes.
CREATE TABLE service_referral_targets (
    service_id TEXT PRIMARY KEY REFERENCES services(id),
    routine_ack_amount INTEGER NOT NULL,
    routine_ack_unit TEXT NOT NULL,
    routine_decide_amount INTEGER NOT NULL,
    routine_decide_unit TEXT NOT NULL,
    urgent_ack_amount INTEGER NOT NULL,
    urgent_ack_unit TEXT NOT NULL,
    urgent_decide_amount INTEGER NOT NULL,
    urgent_decide_unit TEXT NOT NULL,
    same_day_ack_amount INTEGER NOT NULL,
    same_day_ack_unit TEXT NOT NULL,
    same_day_decide_amount INTEGER NOT NULL,
    same_day_decide_unit TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL
);

-- One row per referral, holding its current state (care.ReferralTask).
-- Empty text means "none" for the codes (held_from, decision, reason,
-- outcome). The deadlines are worked out from the service's targets on
-- every change and kept here, so queues can sort and flag without the
-- calendar:
--   due_at       the deadline of the next step the receiving team owes
--                (acknowledging while requested, deciding while received),
--                NULL when nothing is owed or the decision clock is paused;
--   escalate_at  when the next escalation to a manager falls due, NULL when
--                none is left to send.
-- is_open is 1 while the status is one of care.ReferralStatus.Open.
CREATE TABLE referrals (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people(id),
    need_code TEXT NOT NULL,
    wants TEXT NOT NULL,
    urgency TEXT NOT NULL,
    legal_basis TEXT NOT NULL,
    justification TEXT NOT NULL,
    contact TEXT NOT NULL,
    access_needs TEXT NOT NULL,
    referrer_user_id TEXT NOT NULL REFERENCES users(id),
    from_team_id TEXT NOT NULL REFERENCES teams(id),
    from_org_id TEXT NOT NULL REFERENCES organisations(id),
    service_id TEXT NOT NULL REFERENCES services(id),
    to_team_id TEXT NOT NULL REFERENCES teams(id),
    to_org_id TEXT NOT NULL REFERENCES organisations(id),
    assigned_to TEXT REFERENCES users(id),
    status TEXT NOT NULL,
    is_open INTEGER NOT NULL,
    held_from TEXT NOT NULL,
    decision TEXT NOT NULL,
    status_reason TEXT NOT NULL,
    status_note TEXT NOT NULL,
    alternative TEXT NOT NULL,
    outcome TEXT NOT NULL,
    outcome_summary TEXT NOT NULL,
    redirected_to TEXT REFERENCES referrals(id),
    redirected_from TEXT REFERENCES referrals(id),
    created_at TIMESTAMPTZ NOT NULL,
    sent_at TIMESTAMPTZ,
    acknowledged_at TIMESTAMPTZ,
    decided_at TIMESTAMPTZ,
    closed_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ NOT NULL,
    acknowledge_by TIMESTAMPTZ,
    decide_by TIMESTAMPTZ,
    decide_paused INTEGER NOT NULL,
    due_at TIMESTAMPTZ,
    escalate_at TIMESTAMPTZ,
    acknowledge_escalated_at TIMESTAMPTZ,
    decide_escalated_at TIMESTAMPTZ,
    -- When the outcome went back to the referrer (the loop closed), and when
    -- someone on the referring side first looked at it.
    loop_closed_at TIMESTAMPTZ,
    outcome_seen_at TIMESTAMPTZ,
    version INTEGER NOT NULL
);
-- The worklists read these in index order and stop after a page, so a
-- queue costs the same with a thousand referrals as with a million: what
-- is owed (due_at) first, then the rest by when it was sent.
CREATE INDEX referrals_person ON referrals(person_id, service_id) WHERE is_open = 1;
CREATE INDEX referrals_incoming_status ON referrals(to_team_id, status, due_at);
CREATE INDEX referrals_incoming_due ON referrals(to_team_id, due_at) WHERE due_at IS NOT NULL;
CREATE INDEX referrals_incoming_open ON referrals(to_team_id, assigned_to, sent_at) WHERE is_open = 1;
CREATE INDEX referrals_incoming_waiting ON referrals(to_team_id, sent_at) WHERE is_open = 1 AND due_at IS NULL;
CREATE INDEX referrals_assigned ON referrals(assigned_to, sent_at) WHERE is_open = 1;
CREATE INDEX referrals_sent_open ON referrals(from_team_id, sent_at) WHERE is_open = 1;
CREATE INDEX referrals_sent_status ON referrals(from_team_id, status) WHERE is_open = 1;
CREATE INDEX referrals_sent_due ON referrals(from_team_id, due_at) WHERE due_at IS NOT NULL;
CREATE INDEX referrals_sent_closed ON referrals(from_team_id, closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX referrals_service_sent ON referrals(service_id, sent_at);
CREATE INDEX referrals_escalate ON referrals(escalate_at) WHERE escalate_at IS NOT NULL;

-- Every change of status or of who holds the referral, in order (seq), so
-- care.ReplayReferral can rebuild the referral from its history.
CREATE TABLE referral_transitions (
    id TEXT PRIMARY KEY,
    referral_id TEXT NOT NULL REFERENCES referrals(id),
    seq INTEGER NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL,
    occurred_at TIMESTAMPTZ NOT NULL,
    side TEXT NOT NULL,
    actor_user_id TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    actor_team_id TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    by_system INTEGER NOT NULL,
    reason TEXT NOT NULL,
    note TEXT NOT NULL,
    alternative TEXT NOT NULL,
    outcome TEXT NOT NULL,
    target_referral_id TEXT,
    resumed INTEGER NOT NULL,
    assignment INTEGER NOT NULL,
    assigned_to TEXT NOT NULL,
    UNIQUE (referral_id, seq)
);

CREATE TABLE referral_holds (
    referral_id TEXT NOT NULL REFERENCES referrals(id),
    seq INTEGER NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    ended_at TIMESTAMPTZ,
    before_decision INTEGER NOT NULL,
    PRIMARY KEY (referral_id, seq)
);

-- One row per missed target escalated to the receiving team's managers; the
-- unique key means each is sent once however many instances run the job.
CREATE TABLE referral_escalations (
    id TEXT PRIMARY KEY,
    referral_id TEXT NOT NULL REFERENCES referrals(id),
    step TEXT NOT NULL,
    deadline TIMESTAMPTZ NOT NULL,
    escalated_at TIMESTAMPTZ NOT NULL,
    team_id TEXT NOT NULL REFERENCES teams(id),
    managers_told INTEGER NOT NULL,
    UNIQUE (referral_id, step)
);

-- What the receiving team said the referral was missing
-- (care.ReferralMissingInfo), counted per service on its directory page.
CREATE TABLE referral_missing_info (
    referral_id TEXT NOT NULL REFERENCES referrals(id),
    category TEXT NOT NULL,
    service_id TEXT NOT NULL REFERENCES services(id),
    recorded_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (referral_id, category)
);
CREATE INDEX referral_missing_info_service ON referral_missing_info(service_id);

-- The message thread of each referral. kind is 'message', 'question' (the
-- receiving team asking for information) or 'answer'.
CREATE TABLE referral_messages (
    id TEXT PRIMARY KEY,
    referral_id TEXT NOT NULL REFERENCES referrals(id),
    sent_at TIMESTAMPTZ NOT NULL,
    side TEXT NOT NULL,
    kind TEXT NOT NULL,
    author_user_id TEXT NOT NULL REFERENCES users(id),
    author_name TEXT NOT NULL,
    author_team TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX referral_messages_referral ON referral_messages(referral_id, sent_at);

-- Read receipts: who on the other side has read each message, and when.
CREATE TABLE referral_message_reads (
    message_id TEXT NOT NULL REFERENCES referral_messages(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    user_name TEXT NOT NULL,
    read_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (message_id, user_id)
);

-- Files sent with a referral or a message, kept in the database so they are
-- backed up, audited and access-checked with everything else. A file whose
-- referral_id is NULL was uploaded with a form that has not been sent yet:
-- it belongs to its uploader alone and is removed after a day.
CREATE TABLE referral_attachments (
    id TEXT PRIMARY KEY,
    referral_id TEXT REFERENCES referrals(id),
    message_id TEXT REFERENCES referral_messages(id),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    content BYTEA NOT NULL,
    uploaded_by TEXT NOT NULL REFERENCES users(id),
    uploaded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX referral_attachments_referral ON referral_attachments(referral_id);
CREATE INDEX referral_attachments_pending ON referral_attachments(uploaded_by, uploaded_at) WHERE referral_id IS NULL;

-- Email copies of inbox notifications: set once the user has been emailed
-- "you have an update", so the delivery job never sends twice.
ALTER TABLE notifications ADD COLUMN emailed_at TIMESTAMPTZ;
CREATE INDEX notifications_unemailed ON notifications(created_at) WHERE emailed_at IS NULL;
