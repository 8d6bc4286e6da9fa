package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/joinedup/joinedup/internal/care"
)

// CreateOrganisation adds an organisation.
func (s *Store) CreateOrganisation(ctx context.Context, actor care.Actor, o care.Organisation) (care.Organisation, error) {
	if err := o.Validate(); err != nil {
		return o, err
	}
	if !actor.System && !(care.Allowed(actor, care.ActionManageUsers) && actor.Role() == care.RoleAdmin) {
		return o, s.denied(ctx, actor, auditEntry{Action: "organisation.create", ResourceType: "Organization"},
			care.Errorf(care.KindForbidden, "Only system administrators can add organisations."))
	}
	o.ID, o.Version = newID(), 1
	if o.Status == "" {
		o.Status = care.OrgActive
	}
	err := s.write(ctx, func(t *tx) error {
		if _, err := t.exec(ctx, `INSERT INTO organisations (id, name, kind, ods_code, gss_code, postcode, phone,
			local_authority_gss, address, website, description, status, opened_on, closed_on, commissioner, external_id,
			verified_at, verified_by_id, verified_by_name, created_at, updated_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			o.ID, o.Name, string(o.Kind), nullString(o.ODSCode), nullString(o.GSSCode), nullString(o.Postcode),
			nullString(o.Phone), nullString(o.LocalAuthorityGSS), nullString(o.Address), nullString(o.Website),
			nullString(o.Description), string(o.Status), nullString(o.OpenedOn), nullString(o.ClosedOn),
			nullString(o.Commissioner), nullString(o.ExternalID), nullTime(o.Verified.At), nullString(o.Verified.ByID),
			nullString(o.Verified.ByName), t.now, t.now, o.Version); err != nil {
			return err
		}
		o.UpdatedAt = t.now
		if err := t.recordVersion(ctx, actor, EntryOrganisation, o.ID, o.Version, ChangeCreate, o); err != nil {
			return err
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "organisation.create", ResourceType: "Organization", ResourceID: o.ID})
	})
	return o, err
}

// CreateTeam adds a team to an organisation.
func (s *Store) CreateTeam(ctx context.Context, actor care.Actor, team care.Team) (care.Team, error) {
	if team.Name == "" || team.OrganisationID == "" || team.Kind == "" {
		return team, care.Errorf(care.KindInvalid, "A team needs a name, a kind and an organisation.")
	}
	if !actor.System && actor.Role() != care.RoleAdmin && !(actor.Role() == care.RoleOrgAdmin && actor.InOrg(team.OrganisationID)) {
		return team, s.denied(ctx, actor, auditEntry{Action: "team.create", ResourceType: "Team"},
			care.Errorf(care.KindForbidden, "Only administrators of this organisation can add teams to it."))
	}
	if err := team.Validate(); err != nil {
		return team, err
	}
	team.ID, team.Version = newID(), 1
	if !actor.System {
		team.Verified = care.Verification{At: s.now().UTC().Truncate(time.Microsecond), ByID: actor.UserID, ByName: actor.Name}
	}
	err := s.write(ctx, func(t *tx) error {
		if _, err := t.exec(ctx, `INSERT INTO teams (id, organisation_id, name, kind, description, phone, email, hours,
			verified_at, verified_by_id, verified_by_name, created_at, updated_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, team.ID, team.OrganisationID, team.Name, team.Kind,
			nullString(team.Description), nullString(team.Phone), nullString(team.Email), nullString(team.Hours.String()),
			nullTime(team.Verified.At), nullString(team.Verified.ByID), nullString(team.Verified.ByName),
			t.now, t.now, team.Version); err != nil {
			return err
		}
		if err := setTeamPractices(ctx, t, team.ID, team.Practices); err != nil {
			return err
		}
		team.UpdatedAt = t.now
		if err := t.recordVersion(ctx, actor, EntryTeam, team.ID, team.Version, ChangeCreate, team); err != nil {
			return err
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "team.create", ResourceType: "Team", ResourceID: team.ID})
	})
	return team, err
}

// NewUser is an account to create, with the teams it joins.
type NewUser struct {
	Email        string
	Name         string
	PasswordHash string
	Memberships  []NewMembership
}

// NewMembership places a new user in a team with a role.
type NewMembership struct {
	TeamID string
	Role   care.Role
}

// CreateUser adds an account and its memberships.
func (s *Store) CreateUser(ctx context.Context, actor care.Actor, nu NewUser) (care.User, error) {
	if err := care.ValidateNewUser(nu.Email, nu.Name); err != nil {
		return care.User{}, err
	}
	if len(nu.Memberships) == 0 {
		return care.User{}, care.Errorf(care.KindInvalid, "A user must belong to at least one team.")
	}
	for _, m := range nu.Memberships {
		if !m.Role.Valid() {
			return care.User{}, care.Errorf(care.KindInvalid, "%q is not a role.", m.Role)
		}
	}
	if !care.Allowed(actor, care.ActionManageUsers) {
		return care.User{}, s.denied(ctx, actor, auditEntry{Action: "user.create", ResourceType: "User"},
			care.Errorf(care.KindForbidden, "You cannot add users."))
	}
	u := care.User{ID: newID(), Email: care.NormaliseEmail(nu.Email), Name: nu.Name}
	err := s.write(ctx, func(t *tx) error {
		var exists bool
		if err := t.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM users WHERE email = ?)`, u.Email).Scan(&exists); err != nil {
			return err
		}
		if exists {
			return &care.Error{Kind: care.KindConflict, Message: "There is already an account with that email address.",
				Fields: care.FieldErrors{{Field: "email", Message: "There is already an account with that email address"}}}
		}
		if _, err := t.exec(ctx, `INSERT INTO users (id, email, display_name, password_hash, password_changed_at,
			created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, 1)`,
			u.ID, u.Email, u.Name, nu.PasswordHash, t.now, t.now, t.now); err != nil {
			return err
		}
		for _, m := range nu.Memberships {
			team, err := findTeam(ctx, t, m.TeamID)
			if err != nil {
				return err
			}
			if !actor.System && actor.Role() != care.RoleAdmin && !actor.InOrg(team.OrganisationID) {
				return care.Errorf(care.KindForbidden, "You can only add users to teams in your own organisation.")
			}
			if _, err := t.exec(ctx, `INSERT INTO memberships (id, user_id, team_id, role, created_at) VALUES (?, ?, ?, ?, ?)`,
				newID(), u.ID, m.TeamID, string(m.Role), t.now); err != nil {
				return err
			}
		}
		var err error
		if u.Memberships, err = findMemberships(ctx, t, u.ID); err != nil {
			return err
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "user.create", ResourceType: "User", ResourceID: u.ID})
	})
	return u, err
}

func findTeam(ctx context.Context, t *tx, id string) (care.Team, error) {
	var team care.Team
	err := t.queryRow(ctx, `SELECT id, organisation_id, name, kind, version FROM teams WHERE id = ?`, id).
		Scan(&team.ID, &team.OrganisationID, &team.Name, &team.Kind, &team.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return team, care.Errorf(care.KindNotFound, "That team does not exist.")
	}
	return team, err
}

func findMemberships(ctx context.Context, t *tx, userID string) ([]care.Membership, error) {
	rows, err := t.query(ctx, `SELECT m.id, m.team_id, tm.name, o.id, o.name, m.role
		FROM memberships m JOIN teams tm ON tm.id = m.team_id JOIN organisations o ON o.id = tm.organisation_id
		WHERE m.user_id = ? ORDER BY o.name, tm.name, m.role`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []care.Membership
	for rows.Next() {
		var m care.Membership
		var role string
		if err := rows.Scan(&m.ID, &m.TeamID, &m.TeamName, &m.OrgID, &m.OrgName, &role); err != nil {
			return nil, err
		}
		m.Role = care.Role(role)
		list = append(list, m)
	}
	return list, rows.Err()
}

// Credentials is what sign-in needs to know about an account.
type Credentials struct {
	UserID       string
	PasswordHash string
	Disabled     bool
}

// CredentialsByEmail finds an account for sign-in. A missing account is
// KindNotFound; the caller must not tell the user which it was.
func (s *Store) CredentialsByEmail(ctx context.Context, email string) (Credentials, error) {
	return s.credentials(ctx, "email", care.NormaliseEmail(email))
}

// CredentialsByUserID finds an account's password hash, to check the current
// password before changing it.
func (s *Store) CredentialsByUserID(ctx context.Context, userID string) (Credentials, error) {
	return s.credentials(ctx, "id", userID)
}

func (s *Store) credentials(ctx context.Context, column, value string) (Credentials, error) {
	var c Credentials
	err := s.read(ctx, func(t *tx) error {
		var disabled sql.NullTime
		err := t.queryRow(ctx, `SELECT id, password_hash, disabled_at FROM users WHERE `+column+` = ?`, value).
			Scan(&c.UserID, &c.PasswordHash, &disabled)
		c.Disabled = disabled.Valid
		return err
	})
	return c, err
}

// UserByEmail returns an account and its memberships.
func (s *Store) UserByEmail(ctx context.Context, email string) (care.User, error) {
	var u care.User
	err := s.read(ctx, func(t *tx) error {
		var err error
		u, err = findUserBy(ctx, t, "email", care.NormaliseEmail(email))
		return err
	})
	return u, err
}

func findUserBy(ctx context.Context, t *tx, column, value string) (care.User, error) {
	var u care.User
	var disabled sql.NullTime
	err := t.queryRow(ctx, `SELECT id, email, display_name, disabled_at FROM users WHERE `+column+` = ?`, value).
		Scan(&u.ID, &u.Email, &u.Name, &disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return u, care.Errorf(care.KindNotFound, "There is no such user.")
	}
	if err != nil {
		return u, err
	}
	u.Disabled = disabled.Valid
	u.Memberships, err = findMemberships(ctx, t, u.ID)
	return u, err
}

// SetPassword replaces a user's password hash and ends all their sessions,
// so a stolen session dies with the old password.
func (s *Store) SetPassword(ctx context.Context, actor care.Actor, userID, hash string) error {
	if !actor.System && actor.UserID != userID && !care.Allowed(actor, care.ActionManageUsers) {
		return s.denied(ctx, actor, auditEntry{Action: "user.password", ResourceType: "User", ResourceID: userID},
			care.Errorf(care.KindForbidden, "You cannot change another user's password."))
	}
	err := s.write(ctx, func(t *tx) error {
		if err := t.execOne(ctx, care.Errorf(care.KindNotFound, "There is no such user."),
			`UPDATE users SET password_hash = ?, password_changed_at = ?, updated_at = ?, version = version + 1 WHERE id = ?`,
			hash, t.now, t.now, userID); err != nil {
			return err
		}
		if err := endUserSessions(ctx, t, userID); err != nil {
			return err
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "user.password", ResourceType: "User", ResourceID: userID})
	})
	s.forgetSessions("")
	return err
}

// DisableUser stops an account signing in and ends its sessions.
func (s *Store) DisableUser(ctx context.Context, actor care.Actor, userID string) error {
	if !care.Allowed(actor, care.ActionManageUsers) {
		return s.denied(ctx, actor, auditEntry{Action: "user.disable", ResourceType: "User", ResourceID: userID},
			care.Errorf(care.KindForbidden, "You cannot disable users."))
	}
	err := s.write(ctx, func(t *tx) error {
		if err := t.execOne(ctx, care.Errorf(care.KindNotFound, "There is no such user."),
			`UPDATE users SET disabled_at = COALESCE(disabled_at, ?), updated_at = ?, version = version + 1 WHERE id = ?`,
			t.now, t.now, userID); err != nil {
			return err
		}
		if err := endUserSessions(ctx, t, userID); err != nil {
			return err
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "user.disable", ResourceType: "User", ResourceID: userID})
	})
	s.forgetSessions("")
	return err
}

// OrganisationByCode finds an organisation by its ODS or GSS code.
func (s *Store) OrganisationByCode(ctx context.Context, code string) (care.Organisation, error) {
	var o care.Organisation
	err := s.read(ctx, func(t *tx) error {
		var err error
		o, err = scanOrganisation(t.queryRow(ctx, `SELECT `+orgColumns+` FROM organisations WHERE ods_code = ? OR gss_code = ?`, code, code))
		if errors.Is(err, sql.ErrNoRows) {
			return care.Errorf(care.KindNotFound, "There is no organisation with the code %s.", code)
		}
		return err
	})
	return o, err
}

// CountUsers reports how many accounts exist, so the demo knows whether its
// database is already loaded.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.read(ctx, func(t *tx) error {
		return t.queryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	})
	return n, err
}

// TeamsOf lists the teams of the organisation with the given ODS or GSS code.
func (s *Store) TeamsOf(ctx context.Context, orgCode string) ([]care.Team, error) {
	var teams []care.Team
	err := s.read(ctx, func(t *tx) error {
		rows, err := t.query(ctx, `SELECT t.id, t.organisation_id, t.name, t.kind, t.version FROM teams t
			JOIN organisations o ON o.id = t.organisation_id WHERE o.ods_code = ? OR o.gss_code = ? ORDER BY t.name`, orgCode, orgCode)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var team care.Team
			if err := rows.Scan(&team.ID, &team.OrganisationID, &team.Name, &team.Kind, &team.Version); err != nil {
				return err
			}
			teams = append(teams, team)
		}
		return rows.Err()
	})
	return teams, err
}
