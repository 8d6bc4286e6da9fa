-- The person record (C3) and information governance (C4): the rest of the
-- person's details, carers, alerts, the care team, the care and support plan
-- with its history, the timeline, the relationships that give access, and
-- break-glass with its review.

ALTER TABLE people ADD COLUMN preferred_name TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN local_authority_gss TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN contact_preference TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN contact_notes TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN language TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN interpreter INTEGER NOT NULL DEFAULT 0;
ALTER TABLE people ADD COLUMN accessible_formats TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN communication_notes TEXT NOT NULL DEFAULT '';
-- An objection to sharing is recorded when objection_recorded_at is set, by
-- a user of objection_org_id, whose care-team members still see the record.
ALTER TABLE people ADD COLUMN objection_org_id TEXT REFERENCES organisations(id);
ALTER TABLE people ADD COLUMN objection_recorded_at TIMESTAMPTZ;
-- Names folded for searching (lower case, hyphens and apostrophes as spaces).
ALTER TABLE people ADD COLUMN given_name_folded TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN family_name_folded TEXT NOT NULL DEFAULT '';
UPDATE people SET given_name_folded = lower(given_name), family_name_folded = lower(family_name);
CREATE INDEX people_search ON people(date_of_birth, family_name_folded);

CREATE TABLE carers (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people(id),
    name TEXT NOT NULL,
    relationship TEXT NOT NULL,
    phone TEXT NOT NULL,
    email TEXT NOT NULL,
    may_be_told INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    removed_at TIMESTAMPTZ,
    version INTEGER NOT NULL
);
CREATE INDEX carers_person ON carers(person_id);

CREATE TABLE person_alerts (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people(id),
    kind TEXT NOT NULL,
    sensitivity TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    created_by TEXT NOT NULL,
    created_by_name TEXT NOT NULL,
    ended_at TIMESTAMPTZ,
    ended_by TEXT,
    version INTEGER NOT NULL
);
CREATE INDEX person_alerts_person ON person_alerts(person_id);

-- Members are users (user_id and the team they were added for) or external
-- contacts (name, role_label, organisation_name typed in). At most one
-- current member is the coordinator; the store keeps it exactly one once
-- one has been named.
CREATE TABLE care_team_members (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people(id),
    kind TEXT NOT NULL,
    user_id TEXT REFERENCES users(id),
    team_id TEXT REFERENCES teams(id),
    role TEXT NOT NULL,
    name TEXT NOT NULL,
    role_label TEXT NOT NULL,
    organisation_name TEXT NOT NULL,
    phone TEXT NOT NULL,
    email TEXT NOT NULL,
    responsibility TEXT NOT NULL,
    coordinator INTEGER NOT NULL,
    added_at TIMESTAMPTZ NOT NULL,
    added_by TEXT NOT NULL,
    removed_at TIMESTAMPTZ,
    removed_by TEXT,
    version INTEGER NOT NULL
);
CREATE INDEX care_team_person ON care_team_members(person_id) WHERE removed_at IS NULL;
CREATE INDEX care_team_user ON care_team_members(user_id) WHERE removed_at IS NULL;
CREATE UNIQUE INDEX care_team_one_coordinator ON care_team_members(person_id) WHERE coordinator = 1 AND removed_at IS NULL;
CREATE UNIQUE INDEX care_team_user_once ON care_team_members(person_id, user_id) WHERE removed_at IS NULL AND user_id IS NOT NULL;

-- Relationships other capabilities grant for a while: a team holding an open
-- referral (kind open_referral, team_id), an MDT attendee (kind
-- mdt_attendee, user_id). source_type and source_id name the referral or
-- meeting, so it can end its own rows.
CREATE TABLE care_relationships (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people(id),
    kind TEXT NOT NULL,
    user_id TEXT REFERENCES users(id),
    team_id TEXT REFERENCES teams(id),
    source_type TEXT NOT NULL,
    source_id TEXT NOT NULL,
    valid_from TIMESTAMPTZ NOT NULL,
    valid_until TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    CHECK ((user_id IS NULL) <> (team_id IS NULL))
);
CREATE INDEX care_relationships_person ON care_relationships(person_id);
CREATE INDEX care_relationships_source ON care_relationships(source_type, source_id);

CREATE TABLE break_glass_access (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    team_id TEXT NOT NULL REFERENCES teams(id),
    role TEXT NOT NULL,
    category TEXT NOT NULL,
    reason TEXT NOT NULL,
    started_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    reviewed_at TIMESTAMPTZ,
    reviewed_by TEXT,
    outcome TEXT,
    review_note TEXT,
    version INTEGER NOT NULL
);
CREATE INDEX break_glass_person_user ON break_glass_access(person_id, user_id, expires_at);
CREATE INDEX break_glass_unreviewed ON break_glass_access(started_at) WHERE reviewed_at IS NULL;

-- One row per section of a person's care and support plan; body is a JSON
-- object of the section's fields. version guards against lost updates.
CREATE TABLE plan_sections (
    person_id TEXT NOT NULL REFERENCES people(id),
    section TEXT NOT NULL,
    body TEXT NOT NULL,
    version INTEGER NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by TEXT NOT NULL,
    updated_by_name TEXT NOT NULL,
    updated_in TEXT NOT NULL,
    PRIMARY KEY (person_id, section)
);

CREATE TABLE plan_actions (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people(id),
    description TEXT NOT NULL,
    owner_kind TEXT NOT NULL,
    owner_ref TEXT NOT NULL,
    owner_label TEXT NOT NULL,
    due_date TEXT NOT NULL,
    status TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by_name TEXT NOT NULL,
    version INTEGER NOT NULL
);
CREATE INDEX plan_actions_person ON plan_actions(person_id);

-- The plan's history: each section's readable text before and after a change.
CREATE TABLE plan_changes (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people(id),
    section TEXT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    changed_by TEXT NOT NULL,
    changed_by_name TEXT NOT NULL,
    changed_in TEXT NOT NULL,
    before_text TEXT NOT NULL,
    after_text TEXT NOT NULL
);
CREATE INDEX plan_changes_person ON plan_changes(person_id, changed_at);

-- One chronological view of a person's care. Each capability writes its
-- events here, in the transaction of the change, with a visibility the
-- access rules understand (care.Visibility).
CREATE TABLE timeline_events (
    id TEXT PRIMARY KEY,
    person_id TEXT NOT NULL REFERENCES people(id),
    occurred_at TIMESTAMPTZ NOT NULL,
    type TEXT NOT NULL,
    summary TEXT NOT NULL,
    actor_user_id TEXT NOT NULL,
    actor_name TEXT NOT NULL,
    actor_team TEXT NOT NULL,
    visibility TEXT NOT NULL,
    link TEXT NOT NULL
);
CREATE INDEX timeline_person ON timeline_events(person_id, occurred_at);
