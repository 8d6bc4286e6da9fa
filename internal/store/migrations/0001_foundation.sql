-- Foundation: organisations and teams, users and their memberships, sessions,
-- sign-in throttling, the audit trail and the minimal person record.

CREATE TABLE organisations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    ods_code TEXT UNIQUE,
    gss_code TEXT UNIQUE,
    postcode TEXT,
    phone TEXT,
    local_authority_gss TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version INTEGER NOT NULL
);

CREATE TABLE teams (
    id TEXT PRIMARY KEY,
    organisation_id TEXT NOT NULL REFERENCES organisations(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version INTEGER NOT NULL
);
CREATE INDEX teams_organisation ON teams(organisation_id);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled_at TIMESTAMPTZ,
    password_changed_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version INTEGER NOT NULL
);

CREATE TABLE memberships (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    team_id TEXT NOT NULL REFERENCES teams(id),
    role TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (user_id, team_id, role)
);
CREATE INDEX memberships_team ON memberships(team_id);

CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    membership_id TEXT REFERENCES memberships(id),
    auth_method TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    ip TEXT NOT NULL,
    user_agent TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expires ON sessions(expires_at);

CREATE TABLE login_failures (
    id TEXT PRIMARY KEY,
    throttle_key TEXT NOT NULL,
    failed_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_failures_key ON login_failures(throttle_key, failed_at);

-- Audit rows have no foreign keys: the trail must outlive what it describes.
-- seq and chain_hash stay NULL until the row is sealed into the chain.
CREATE TABLE audit_events (
    id TEXT PRIMARY KEY,
    occurred_at TIMESTAMPTZ NOT NULL,
    user_id TEXT NOT NULL,
    role TEXT NOT NULL,
    team_id TEXT NOT NULL,
    action TEXT NOT NULL,
    resource_type TEXT NOT NULL,
    resource_id TEXT NOT NULL,
    person_id TEXT NOT NULL,
    ip TEXT NOT NULL,
    reason TEXT NOT NULL,
    outcome TEXT NOT NULL,
    detail TEXT NOT NULL,
    digest TEXT NOT NULL,
    seq BIGINT UNIQUE,
    chain_hash TEXT
);
CREATE INDEX audit_events_unsealed ON audit_events(occurred_at, id) WHERE seq IS NULL;
CREATE INDEX audit_events_person ON audit_events(person_id, occurred_at) WHERE person_id <> '';
CREATE INDEX audit_events_user ON audit_events(user_id, occurred_at);

CREATE TABLE audit_chain (
    id INTEGER PRIMARY KEY,
    last_seq BIGINT NOT NULL,
    last_hash TEXT NOT NULL,
    sealed_at TIMESTAMPTZ
);
INSERT INTO audit_chain (id, last_seq, last_hash, sealed_at)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', NULL);

CREATE TABLE people (
    id TEXT PRIMARY KEY,
    nhs_number TEXT NOT NULL UNIQUE,
    given_name TEXT NOT NULL,
    family_name TEXT NOT NULL,
    date_of_birth TEXT NOT NULL,
    postcode TEXT NOT NULL,
    registered_practice_id TEXT REFERENCES organisations(id),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version INTEGER NOT NULL
);
CREATE INDEX people_practice ON people(registered_practice_id);
CREATE INDEX people_name_dob ON people(family_name, date_of_birth);
