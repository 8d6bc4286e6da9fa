-- Directory and single point of access: the directory details of
-- organisations and teams, services, contacts and duty lines, which teams
-- cover which GP practices, the version history of every entry, gaps in
-- service, the postcode directory, and the in-app inbox.

ALTER TABLE organisations ADD COLUMN address TEXT;
ALTER TABLE organisations ADD COLUMN website TEXT;
ALTER TABLE organisations ADD COLUMN description TEXT;
ALTER TABLE organisations ADD COLUMN status TEXT NOT NULL DEFAULT 'active';
ALTER TABLE organisations ADD COLUMN opened_on TEXT;
ALTER TABLE organisations ADD COLUMN closed_on TEXT;
ALTER TABLE organisations ADD COLUMN commissioner TEXT;
ALTER TABLE organisations ADD COLUMN external_id TEXT;
ALTER TABLE organisations ADD COLUMN verified_at TIMESTAMPTZ;
ALTER TABLE organisations ADD COLUMN verified_by_id TEXT;
ALTER TABLE organisations ADD COLUMN verified_by_name TEXT;
ALTER TABLE organisations ADD COLUMN reminded_at TIMESTAMPTZ;
CREATE UNIQUE INDEX organisations_external ON organisations(external_id);
CREATE INDEX organisations_kind ON organisations(kind, name);

ALTER TABLE teams ADD COLUMN description TEXT;
ALTER TABLE teams ADD COLUMN phone TEXT;
ALTER TABLE teams ADD COLUMN email TEXT;
ALTER TABLE teams ADD COLUMN hours TEXT;
ALTER TABLE teams ADD COLUMN verified_at TIMESTAMPTZ;
ALTER TABLE teams ADD COLUMN verified_by_id TEXT;
ALTER TABLE teams ADD COLUMN verified_by_name TEXT;
ALTER TABLE teams ADD COLUMN reminded_at TIMESTAMPTZ;

-- Lists of codes (referral methods) are comma-separated; opening hours are
-- in the text form care.ParseOpeningHours reads. Ages of 0 mean no limit.
CREATE TABLE services (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    team_id TEXT REFERENCES teams(id),
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    status TEXT NOT NULL,
    eligibility TEXT NOT NULL,
    min_age INTEGER NOT NULL,
    max_age INTEGER NOT NULL,
    referral_methods TEXT NOT NULL,
    referral_phone TEXT NOT NULL,
    referral_email TEXT NOT NULL,
    referral_form_url TEXT NOT NULL,
    referral_must_include TEXT NOT NULL,
    typical_wait TEXT NOT NULL,
    capacity TEXT NOT NULL,
    wait_band TEXT NOT NULL,
    capacity_updated_at TIMESTAMPTZ NOT NULL,
    hours TEXT NOT NULL,
    postcode TEXT NOT NULL,
    website TEXT NOT NULL,
    external_id TEXT UNIQUE,
    verified_at TIMESTAMPTZ,
    verified_by_id TEXT,
    verified_by_name TEXT,
    reminded_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version INTEGER NOT NULL
);
CREATE INDEX services_organisation ON services(organisation_id);
CREATE INDEX services_team ON services(team_id);

-- rule is 'meets' (a need the service helps with) or 'requires' (the
-- service is only for people with one of these needs).
CREATE TABLE service_needs (
    service_id TEXT NOT NULL REFERENCES services(id),
    rule TEXT NOT NULL,
    need_code TEXT NOT NULL,
    PRIMARY KEY (service_id, rule, need_code)
);
CREATE INDEX service_needs_need ON service_needs(need_code);

CREATE TABLE service_catchments (
    service_id TEXT NOT NULL REFERENCES services(id),
    kind TEXT NOT NULL,
    code TEXT NOT NULL,
    PRIMARY KEY (service_id, kind, code)
);
CREATE INDEX service_catchments_area ON service_catchments(kind, code);

-- duty is 0 or 1. A contact with a practice_id is that practice's named
-- worker from the team.
CREATE TABLE contacts (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    team_id TEXT NOT NULL REFERENCES teams(id),
    service_id TEXT REFERENCES services(id),
    practice_id TEXT REFERENCES organisations(id),
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    phone TEXT NOT NULL,
    email TEXT NOT NULL,
    hours TEXT NOT NULL,
    duty INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version INTEGER NOT NULL
);
CREATE INDEX contacts_team ON contacts(team_id);
CREATE INDEX contacts_service ON contacts(service_id);
CREATE INDEX contacts_practice ON contacts(practice_id);

CREATE TABLE team_practices (
    team_id TEXT NOT NULL REFERENCES teams(id),
    practice_id TEXT NOT NULL REFERENCES organisations(id),
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (team_id, practice_id)
);
CREATE INDEX team_practices_practice ON team_practices(practice_id);

-- Every change to a directory entry, with the entry as it was afterwards.
CREATE TABLE directory_versions (
    id TEXT PRIMARY KEY,
    entry_type TEXT NOT NULL,
    entry_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    change TEXT NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    changed_by_id TEXT NOT NULL,
    changed_by_name TEXT NOT NULL,
    snapshot TEXT NOT NULL
);
CREATE INDEX directory_versions_entry ON directory_versions(entry_type, entry_id, version);
CREATE INDEX directory_versions_changed ON directory_versions(changed_at);

-- Searches that found no eligible service. Deliberately no user, person,
-- postcode or free text: only the need, the area and the day.
CREATE TABLE service_gaps (
    id TEXT PRIMARY KEY,
    occurred_on TEXT NOT NULL,
    need_code TEXT NOT NULL,
    outcode TEXT NOT NULL,
    local_authority TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX service_gaps_day ON service_gaps(occurred_on);

-- The imported ONS postcode directory. Positions are integer microdegrees,
-- NULL when ONS gives none.
CREATE TABLE postcodes (
    postcode TEXT PRIMARY KEY,
    lat_e6 INTEGER,
    lon_e6 INTEGER,
    local_authority TEXT NOT NULL,
    ward TEXT NOT NULL
);

CREATE TABLE postcode_imports (
    id TEXT PRIMARY KEY,
    imported_at TIMESTAMPTZ NOT NULL,
    rows_imported INTEGER NOT NULL
);

CREATE TABLE notifications (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    link TEXT NOT NULL,
    dedupe_key TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    read_at TIMESTAMPTZ,
    UNIQUE (user_id, dedupe_key)
);
CREATE INDEX notifications_user ON notifications(user_id, created_at);
