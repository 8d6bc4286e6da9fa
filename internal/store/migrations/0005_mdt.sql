-- MDT meetings (C5): meeting series with their core members, users'
-- recurring blocked times, the meetings themselves with invitees and
-- attendance, agenda items with their pre-read pack opens and outcomes,
-- actions with owners and due dates, and per-user calendar feed tokens.
-- Times of day are minutes since midnight, wall-clock in Europe/London;
-- dates are YYYY-MM-DD; instants are UTC.

CREATE TABLE mdt_series (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    scope TEXT NOT NULL,
    -- The practice's organisation id, or the name of the primary care
    -- network or neighbourhood until the directory holds those.
    scope_id TEXT NOT NULL,
    scope_name TEXT NOT NULL,
    -- Coordinators acting for this organisation run the series.
    owner_org_id TEXT NOT NULL REFERENCES organisations(id),
    cadence_repeat TEXT NOT NULL,
    weekday INTEGER NOT NULL,
    week_of_month INTEGER NOT NULL,
    first_date TEXT NOT NULL,
    last_date TEXT NOT NULL,
    start_minute INTEGER NOT NULL,
    duration_minutes INTEGER NOT NULL,
    place TEXT NOT NULL,
    remote_link TEXT NOT NULL,
    agenda_deadline_minutes INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    created_by TEXT NOT NULL,
    version INTEGER NOT NULL
);
CREATE INDEX mdt_series_owner ON mdt_series(owner_org_id);

CREATE TABLE mdt_core_members (
    series_id TEXT NOT NULL REFERENCES mdt_series(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    team_id TEXT NOT NULL REFERENCES teams(id),
    role TEXT NOT NULL,
    PRIMARY KEY (series_id, user_id)
);
CREATE INDEX mdt_core_members_user ON mdt_core_members(user_id);

CREATE TABLE mdt_blocked_times (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    label TEXT NOT NULL,
    weekday INTEGER NOT NULL,
    start_minute INTEGER NOT NULL,
    end_minute INTEGER NOT NULL,
    cadence_repeat TEXT NOT NULL,
    anchor_date TEXT NOT NULL,
    clinical INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX mdt_blocked_times_user ON mdt_blocked_times(user_id);

-- One row per meeting of a series. Measures read the counts written when
-- the meeting is finished.
CREATE TABLE mdt_meetings (
    id TEXT PRIMARY KEY,
    series_id TEXT NOT NULL REFERENCES mdt_series(id),
    meeting_date TEXT NOT NULL,
    starts_at TIMESTAMPTZ NOT NULL,
    ends_at TIMESTAMPTZ NOT NULL,
    agenda_closes_at TIMESTAMPTZ NOT NULL,
    agenda_sent_at TIMESTAMPTZ,
    started_at TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    finished_by TEXT,
    next_meeting_id TEXT REFERENCES mdt_meetings(id),
    invited_count INTEGER NOT NULL,
    attended_in_person INTEGER NOT NULL,
    attended_remotely INTEGER NOT NULL,
    declined_count INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    version INTEGER NOT NULL,
    UNIQUE (series_id, meeting_date)
);
CREATE INDEX mdt_meetings_start ON mdt_meetings(starts_at);
CREATE INDEX mdt_meetings_agenda_due ON mdt_meetings(agenda_closes_at) WHERE agenda_sent_at IS NULL;

CREATE TABLE mdt_invitees (
    meeting_id TEXT NOT NULL REFERENCES mdt_meetings(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    team_id TEXT NOT NULL REFERENCES teams(id),
    role TEXT NOT NULL,
    core INTEGER NOT NULL,
    state TEXT NOT NULL,
    invited_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (meeting_id, user_id)
);
CREATE INDEX mdt_invitees_user ON mdt_invitees(user_id);

-- needs lists the professionals an item needs, as "role:gp" or
-- "user:<id>", separated by commas. pre_read_read and pre_read_expected
-- are written when the meeting is finished.
CREATE TABLE mdt_items (
    id TEXT PRIMARY KEY,
    meeting_id TEXT NOT NULL REFERENCES mdt_meetings(id),
    person_id TEXT NOT NULL REFERENCES people(id),
    question TEXT NOT NULL,
    needs TEXT NOT NULL,
    added_by TEXT NOT NULL,
    added_by_name TEXT NOT NULL,
    added_at TIMESTAMPTZ NOT NULL,
    late INTEGER NOT NULL,
    status TEXT NOT NULL,
    carried_from_id TEXT REFERENCES mdt_items(id),
    outcome_notes TEXT NOT NULL,
    decisions TEXT NOT NULL,
    discussed_at TIMESTAMPTZ,
    discussed_by_name TEXT NOT NULL,
    pre_read_read INTEGER NOT NULL,
    pre_read_expected INTEGER NOT NULL,
    -- How many people at the person's practice the outcome was sent to.
    outcome_sent_to INTEGER NOT NULL,
    version INTEGER NOT NULL
);
CREATE INDEX mdt_items_meeting ON mdt_items(meeting_id);
CREATE INDEX mdt_items_person ON mdt_items(person_id);

CREATE TABLE mdt_pack_opens (
    id TEXT PRIMARY KEY,
    item_id TEXT NOT NULL REFERENCES mdt_items(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    opened_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX mdt_pack_opens_item ON mdt_pack_opens(item_id, user_id);

-- Exactly one of owner_user_id and owner_team_id is set. review_meeting_id
-- is the meeting whose agenda the action is on for review. referral_id is
-- for the referral an action becomes, once referrals can be made from one.
CREATE TABLE mdt_actions (
    id TEXT PRIMARY KEY,
    meeting_id TEXT NOT NULL REFERENCES mdt_meetings(id),
    item_id TEXT NOT NULL REFERENCES mdt_items(id),
    person_id TEXT NOT NULL REFERENCES people(id),
    description TEXT NOT NULL,
    owner_user_id TEXT REFERENCES users(id),
    owner_team_id TEXT REFERENCES teams(id),
    owner_label TEXT NOT NULL,
    due_date TEXT NOT NULL,
    status TEXT NOT NULL,
    progress TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    created_by TEXT NOT NULL,
    done_at TIMESTAMPTZ,
    review_meeting_id TEXT NOT NULL REFERENCES mdt_meetings(id),
    referral_id TEXT,
    updated_at TIMESTAMPTZ NOT NULL,
    version INTEGER NOT NULL,
    CHECK ((owner_user_id IS NULL) <> (owner_team_id IS NULL))
);
CREATE INDEX mdt_actions_owner_user ON mdt_actions(owner_user_id, status);
CREATE INDEX mdt_actions_owner_team ON mdt_actions(owner_team_id, status);
CREATE INDEX mdt_actions_review ON mdt_actions(review_meeting_id);
CREATE INDEX mdt_actions_person ON mdt_actions(person_id, status);

-- A user's calendar subscription: only the token's SHA-256 is kept, so a
-- copy of the database does not give anyone the feed.
CREATE TABLE mdt_calendar_tokens (
    user_id TEXT PRIMARY KEY REFERENCES users(id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL
);
