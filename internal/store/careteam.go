package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/joinedup/joinedup/internal/care"
)

// findCareTeam lists the current members, the coordinator first, then in
// the order they were added. Users' names, roles and teams come from their
// accounts, so a renamed team shows its new name.
func findCareTeam(ctx context.Context, t *tx, personID string) ([]care.CareTeamMember, error) {
	rows, err := t.query(ctx, `SELECT m.id, m.kind, m.user_id, m.team_id, m.role, m.name, m.role_label,
		m.organisation_name, m.phone, m.email, m.responsibility, m.coordinator, m.added_at, m.version,
		u.display_name, u.email, tm.name, o.id, o.name, o.phone
		FROM care_team_members m
		LEFT JOIN users u ON u.id = m.user_id
		LEFT JOIN teams tm ON tm.id = m.team_id
		LEFT JOIN organisations o ON o.id = tm.organisation_id
		WHERE m.person_id = ? AND m.removed_at IS NULL
		ORDER BY m.coordinator DESC, m.added_at, m.id`, personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []care.CareTeamMember
	for rows.Next() {
		var m care.CareTeamMember
		var kind, role string
		var userID, teamID, userName, userEmail, teamName, orgID, orgName, orgPhone sql.NullString
		var coordinator int
		if err := rows.Scan(&m.ID, &kind, &userID, &teamID, &role, &m.Name, &m.RoleLabel, &m.OrganisationName,
			&m.Phone, &m.Email, &m.Responsibility, &coordinator, &m.AddedAt, &m.Version,
			&userName, &userEmail, &teamName, &orgID, &orgName, &orgPhone); err != nil {
			return nil, err
		}
		m.PersonID, m.Kind, m.Coordinator = personID, care.MemberKind(kind), coordinator == 1
		if m.Kind == care.MemberUser {
			m.UserID, m.TeamID, m.Role = userID.String, teamID.String, care.Role(role)
			m.Name, m.RoleLabel, m.TeamName = userName.String, m.Role.Label(), teamName.String
			m.OrgID, m.OrganisationName = orgID.String, orgName.String
			if m.Email == "" {
				m.Email = userEmail.String
			}
			if m.Phone == "" {
				m.Phone = orgPhone.String
			}
		}
		list = append(list, m)
	}
	return list, rows.Err()
}

// insertMember adds a member inside a transaction, with its audit row and
// timeline event. For a user, their role is the one they hold in the team
// they are added for.
func insertMember(ctx context.Context, t *tx, actor care.Actor, m care.CareTeamMember) (care.CareTeamMember, error) {
	m.ID, m.Version, m.AddedAt = newID(), 1, t.now
	m.Responsibility = strings.TrimSpace(m.Responsibility)
	var userID, teamID any
	if m.Kind == care.MemberUser {
		userID, teamID = m.UserID, m.TeamID
		var exists bool
		if err := t.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM care_team_members WHERE person_id = ? AND user_id = ? AND removed_at IS NULL)`,
			m.PersonID, m.UserID).Scan(&exists); err != nil {
			return m, err
		}
		if exists {
			return m, &care.Error{Kind: care.KindConflict, Message: "They are already in the care team.",
				Fields: care.FieldErrors{{Field: "membership", Message: "They are already in the care team"}}}
		}
	} else {
		m.Name, m.RoleLabel, m.OrganisationName = strings.TrimSpace(m.Name), strings.TrimSpace(m.RoleLabel), strings.TrimSpace(m.OrganisationName)
	}
	m.Phone, m.Email = strings.TrimSpace(m.Phone), strings.TrimSpace(m.Email)
	if _, err := t.exec(ctx, `INSERT INTO care_team_members (id, person_id, kind, user_id, team_id, role, name, role_label,
		organisation_name, phone, email, responsibility, coordinator, added_at, added_by, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, 1)`,
		m.ID, m.PersonID, string(m.Kind), userID, teamID, string(m.Role), m.Name, m.RoleLabel, m.OrganisationName,
		m.Phone, m.Email, m.Responsibility, t.now, auditUserID(actor)); err != nil {
		return m, err
	}
	if err := t.appendAudit(ctx, actor, auditEntry{Action: "care_team.add", ResourceType: "CareTeam", ResourceID: m.ID,
		PersonID: m.PersonID, Detail: "kind=" + string(m.Kind)}); err != nil {
		return m, err
	}
	name, err := memberName(ctx, t, m)
	if err != nil {
		return m, err
	}
	return m, appendTimeline(ctx, t, actor, care.TimelineEvent{PersonID: m.PersonID, Type: care.EventMemberAdded,
		Summary: name + " joined the care team: " + m.Responsibility, Visibility: care.VisibleToRecord})
}

// memberName describes a member for the timeline: name and role.
func memberName(ctx context.Context, t *tx, m care.CareTeamMember) (string, error) {
	if m.Kind != care.MemberUser {
		return m.Name + " (" + m.RoleLabel + ", " + m.OrganisationName + ")", nil
	}
	var name string
	if err := t.queryRow(ctx, `SELECT display_name FROM users WHERE id = ?`, m.UserID).Scan(&name); err != nil {
		return "", err
	}
	return name + " (" + m.Role.Label() + ")", nil
}

// teamAccess loads the person and checks the actor may manage the care team,
// returning a refusal to audit when not.
func teamAccess(ctx context.Context, t *tx, actor care.Actor, personID, action string) (access, error) {
	a, err := findAccess(ctx, t, actor, personID)
	if err != nil {
		return a, err
	}
	if !a.may(actor, care.PersonManageCareTeam) {
		return a, refuse(action, "CareTeam", personID, personID, "no-edit-relationship",
			care.Errorf(care.KindForbidden, "You cannot change this person's care team."))
	}
	return a, nil
}

// AddCareTeamUser adds a joinedup user to the care team, in the team and
// role of one of their memberships. Being in the care team gives them a
// relationship with the person.
func (s *Store) AddCareTeamUser(ctx context.Context, actor care.Actor, personID, membershipID, responsibility, phone string) (care.CareTeamMember, error) {
	var m care.CareTeamMember
	err := s.personWrite(ctx, actor, func(t *tx) error {
		if _, err := teamAccess(ctx, t, actor, personID, "care_team.add"); err != nil {
			return err
		}
		m = care.CareTeamMember{PersonID: personID, Kind: care.MemberUser, Responsibility: responsibility, Phone: phone}
		var role string
		err := t.queryRow(ctx, `SELECT m.user_id, m.team_id, m.role FROM memberships m JOIN users u ON u.id = m.user_id
			WHERE m.id = ? AND u.disabled_at IS NULL`, membershipID).Scan(&m.UserID, &m.TeamID, &role)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		m.Role = care.Role(role)
		errs := care.ValidateMember(m)
		if m.UserID != "" && !m.Role.IsCareRole() {
			// Only the roles that work with people can hold a relationship,
			// so anyone else in a care team would be a name that sees nothing.
			errs.Add("membership", "Choose a colleague who works with people, such as a GP, nurse or social worker")
		}
		if len(errs) > 0 {
			return errs.Err()
		}
		m, err = insertMember(ctx, t, actor, m)
		return err
	})
	return m, err
}

// AddCareTeamContact adds someone who does not use joinedup, as a contact.
func (s *Store) AddCareTeamContact(ctx context.Context, actor care.Actor, personID string, m care.CareTeamMember) (care.CareTeamMember, error) {
	m.PersonID, m.Kind, m.UserID, m.TeamID, m.Role = personID, care.MemberExternal, "", "", ""
	err := s.personWrite(ctx, actor, func(t *tx) error {
		if _, err := teamAccess(ctx, t, actor, personID, "care_team.add"); err != nil {
			return err
		}
		if errs := care.ValidateMember(m); len(errs) > 0 {
			return errs.Err()
		}
		var err error
		m, err = insertMember(ctx, t, actor, m)
		return err
	})
	return m, err
}

// NameCoordinator makes a member the care coordinator, in place of whoever
// was. The unique index on current coordinators means two people naming
// different coordinators at once cannot leave two.
func (s *Store) NameCoordinator(ctx context.Context, actor care.Actor, personID, memberID string) error {
	return s.personWrite(ctx, actor, func(t *tx) error {
		if _, err := teamAccess(ctx, t, actor, personID, "care_team.coordinator"); err != nil {
			return err
		}
		team, err := findCareTeam(ctx, t, personID)
		if err != nil {
			return err
		}
		var chosen *care.CareTeamMember
		for i := range team {
			if team[i].ID == memberID {
				chosen = &team[i]
			}
		}
		if chosen == nil {
			return care.Errorf(care.KindNotFound, "That person is not in the care team.")
		}
		if chosen.Coordinator {
			return nil
		}
		if _, err := t.exec(ctx, `UPDATE care_team_members SET coordinator = 0, version = version + 1
			WHERE person_id = ? AND coordinator = 1 AND removed_at IS NULL`, personID); err != nil {
			return err
		}
		if err := t.execOne(ctx, care.Errorf(care.KindConflict, "The care team changed while you were looking at it. Try again."),
			`UPDATE care_team_members SET coordinator = 1, version = version + 1 WHERE id = ? AND removed_at IS NULL`, memberID); err != nil {
			return err
		}
		if err := t.appendAudit(ctx, actor, auditEntry{Action: "care_team.coordinator", ResourceType: "CareTeam",
			ResourceID: memberID, PersonID: personID}); err != nil {
			return err
		}
		name, err := memberName(ctx, t, *chosen)
		if err != nil {
			return err
		}
		return appendTimeline(ctx, t, actor, care.TimelineEvent{PersonID: personID, Type: care.EventCoordinatorNamed,
			Summary: name + " is now the care coordinator", Visibility: care.VisibleToRecord})
	})
}

// RemoveCareTeamMember takes someone off the care team, ending the
// relationship it gave them. The coordinator cannot be removed until
// someone else is named, so a named coordinator is never lost.
func (s *Store) RemoveCareTeamMember(ctx context.Context, actor care.Actor, personID, memberID string) error {
	return s.personWrite(ctx, actor, func(t *tx) error {
		if _, err := teamAccess(ctx, t, actor, personID, "care_team.remove"); err != nil {
			return err
		}
		team, err := findCareTeam(ctx, t, personID)
		if err != nil {
			return err
		}
		for _, m := range team {
			if m.ID != memberID {
				continue
			}
			if m.Coordinator {
				return care.Errorf(care.KindConflict, "%s is the care coordinator. Name someone else as coordinator before removing them.", m.Name)
			}
			if _, err := t.exec(ctx, `UPDATE care_team_members SET removed_at = ?, removed_by = ?, version = version + 1
				WHERE id = ?`, t.now, auditUserID(actor), memberID); err != nil {
				return err
			}
			if err := t.appendAudit(ctx, actor, auditEntry{Action: "care_team.remove", ResourceType: "CareTeam",
				ResourceID: memberID, PersonID: personID}); err != nil {
				return err
			}
			name, err := memberName(ctx, t, m)
			if err != nil {
				return err
			}
			return appendTimeline(ctx, t, actor, care.TimelineEvent{PersonID: personID, Type: care.EventMemberRemoved,
				Summary: name + " left the care team", Visibility: care.VisibleToRecord})
		}
		return care.Errorf(care.KindNotFound, "That person is not in the care team.")
	})
}

// Colleague is a user, in one of their teams, who could join a care team.
type Colleague struct {
	MembershipID string
	Name         string
	Email        string
	Role         care.Role
	TeamName     string
	OrgName      string
}

// FindColleagues finds active users in care roles whose name or email
// contains text, for adding to a care team. It lists staff, not people
// receiving care, so it is not audited as a read of a record.
func (s *Store) FindColleagues(ctx context.Context, actor care.Actor, text string) ([]Colleague, error) {
	if !care.Allowed(actor, care.ActionSearchPeople) {
		return nil, care.Errorf(care.KindForbidden, "Your role does not manage care teams.")
	}
	text = strings.ToLower(strings.TrimSpace(text))
	if len([]rune(text)) < 2 {
		return nil, nil
	}
	pattern := "%" + strings.NewReplacer(`\`, ``, `%`, ``, `_`, ``).Replace(text) + "%"
	roles := make([]any, 0, len(care.CareRoles))
	marks := make([]string, 0, len(care.CareRoles))
	for _, r := range care.CareRoles {
		roles = append(roles, string(r))
		marks = append(marks, "?")
	}
	var list []Colleague
	err := s.read(ctx, func(t *tx) error {
		args := append([]any{pattern, pattern}, roles...)
		rows, err := t.query(ctx, `SELECT m.id, u.display_name, u.email, m.role, tm.name, o.name
			FROM users u JOIN memberships m ON m.user_id = u.id JOIN teams tm ON tm.id = m.team_id
			JOIN organisations o ON o.id = tm.organisation_id
			WHERE u.disabled_at IS NULL AND (lower(u.display_name) LIKE ? OR u.email LIKE ?)
			AND m.role IN (`+strings.Join(marks, ", ")+`)
			ORDER BY u.display_name, o.name, tm.name LIMIT 20`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c Colleague
			var role string
			if err := rows.Scan(&c.MembershipID, &c.Name, &c.Email, &role, &c.TeamName, &c.OrgName); err != nil {
				return err
			}
			c.Role = care.Role(role)
			list = append(list, c)
		}
		return rows.Err()
	})
	return list, err
}

// CareTeam returns the person's record with its care team, auditing the
// read as a read of the care team.
func (s *Store) CareTeam(ctx context.Context, actor care.Actor, personID string) (care.PersonRecord, error) {
	var rec care.PersonRecord
	err := s.personWrite(ctx, actor, func(t *tx) error {
		var err error
		rec, err = readRecord(ctx, t, actor, personID, "person.read.care_team")
		return err
	})
	return rec, err
}

func findCarers(ctx context.Context, t *tx, personID string) ([]care.Carer, error) {
	rows, err := t.query(ctx, `SELECT id, name, relationship, phone, email, may_be_told, version FROM carers
		WHERE person_id = ? AND removed_at IS NULL ORDER BY created_at, id`, personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []care.Carer
	for rows.Next() {
		c := care.Carer{PersonID: personID}
		var told int
		if err := rows.Scan(&c.ID, &c.Name, &c.Relationship, &c.Phone, &c.Email, &told, &c.Version); err != nil {
			return nil, err
		}
		c.MayBeTold = told == 1
		list = append(list, c)
	}
	return list, rows.Err()
}

// editAccess loads the person and checks the actor may change the record.
func editAccess(ctx context.Context, t *tx, actor care.Actor, personID, action, resourceType string) (access, error) {
	a, err := findAccess(ctx, t, actor, personID)
	if err != nil {
		return a, err
	}
	if !a.may(actor, care.PersonEdit) {
		return a, refuse(action, resourceType, personID, personID, "no-edit-relationship",
			care.Errorf(care.KindForbidden, "You cannot change this person's record."))
	}
	return a, nil
}

// AddCarer records a carer. mayBeToldGiven says whether the user answered
// whether the carer may be told about the person's care.
func (s *Store) AddCarer(ctx context.Context, actor care.Actor, personID string, c care.Carer, mayBeToldGiven bool) (care.Carer, error) {
	err := s.personWrite(ctx, actor, func(t *tx) error {
		if _, err := editAccess(ctx, t, actor, personID, "carer.add", "RelatedPerson"); err != nil {
			return err
		}
		if errs := care.ValidateCarer(c, mayBeToldGiven); len(errs) > 0 {
			return errs.Err()
		}
		c.ID, c.PersonID, c.Version = newID(), personID, 1
		c.Name, c.Relationship = strings.TrimSpace(c.Name), strings.TrimSpace(c.Relationship)
		c.Phone, c.Email = strings.TrimSpace(c.Phone), strings.TrimSpace(c.Email)
		if _, err := t.exec(ctx, `INSERT INTO carers (id, person_id, name, relationship, phone, email, may_be_told, created_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)`, c.ID, personID, c.Name, c.Relationship, c.Phone, c.Email, boolInt(c.MayBeTold), t.now); err != nil {
			return err
		}
		if err := t.appendAudit(ctx, actor, auditEntry{Action: "carer.add", ResourceType: "RelatedPerson", ResourceID: c.ID, PersonID: personID}); err != nil {
			return err
		}
		return appendTimeline(ctx, t, actor, care.TimelineEvent{PersonID: personID, Type: care.EventCarerAdded,
			Summary: "Carer added: " + c.Name + " (" + c.Relationship + ")", Visibility: care.VisibleToRecord})
	})
	return c, err
}

// RemoveCarer takes a carer off the record; the record keeps that they were.
func (s *Store) RemoveCarer(ctx context.Context, actor care.Actor, personID, carerID string) error {
	return s.personWrite(ctx, actor, func(t *tx) error {
		if _, err := editAccess(ctx, t, actor, personID, "carer.remove", "RelatedPerson"); err != nil {
			return err
		}
		var name, rel string
		err := t.queryRow(ctx, `SELECT name, relationship FROM carers WHERE id = ? AND person_id = ? AND removed_at IS NULL`,
			carerID, personID).Scan(&name, &rel)
		if errors.Is(err, sql.ErrNoRows) {
			return care.Errorf(care.KindNotFound, "That carer is not on the record.")
		}
		if err != nil {
			return err
		}
		if _, err := t.exec(ctx, `UPDATE carers SET removed_at = ?, version = version + 1 WHERE id = ?`, t.now, carerID); err != nil {
			return err
		}
		if err := t.appendAudit(ctx, actor, auditEntry{Action: "carer.remove", ResourceType: "RelatedPerson", ResourceID: carerID, PersonID: personID}); err != nil {
			return err
		}
		return appendTimeline(ctx, t, actor, care.TimelineEvent{PersonID: personID, Type: care.EventCarerRemoved,
			Summary: "Carer removed: " + name + " (" + rel + ")", Visibility: care.VisibleToRecord})
	})
}

func findAlerts(ctx context.Context, t *tx, personID string) ([]care.Alert, error) {
	rows, err := t.query(ctx, `SELECT id, kind, sensitivity, description, created_at, created_by_name, version
		FROM person_alerts WHERE person_id = ? AND ended_at IS NULL ORDER BY created_at, id`, personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []care.Alert
	for rows.Next() {
		a := care.Alert{PersonID: personID}
		var kind, sens string
		if err := rows.Scan(&a.ID, &kind, &sens, &a.Description, &a.CreatedAt, &a.CreatedBy, &a.Version); err != nil {
			return nil, err
		}
		a.Kind, a.Sensitivity = care.AlertKind(kind), care.Sensitivity(sens)
		list = append(list, a)
	}
	return list, rows.Err()
}

// alertVisibility is who sees an alert's timeline event: the same people who
// see the alert.
func alertVisibility(s care.Sensitivity) care.Visibility {
	if s == care.SensitivityStandard {
		return care.VisibleToRecord
	}
	return care.VisibleToSensitive
}

// AddAlert adds an alert. Only a role that may read sensitive alerts may add
// one, so nobody writes what they could not read back.
func (s *Store) AddAlert(ctx context.Context, actor care.Actor, personID string, al care.Alert) (care.Alert, error) {
	err := s.personWrite(ctx, actor, func(t *tx) error {
		if _, err := editAccess(ctx, t, actor, personID, "alert.add", "Flag"); err != nil {
			return err
		}
		al.Description = strings.TrimSpace(al.Description)
		errs := care.ValidateAlert(al)
		if al.Sensitivity == care.SensitivitySensitive && !actor.System && !care.CanSeeAlert(actor, al.Sensitivity) {
			errs.Add("sensitivity", "Your role cannot add sensitive alerts. Ask the GP or social worker to add it")
		}
		if len(errs) > 0 {
			return errs.Err()
		}
		al.ID, al.PersonID, al.Version, al.CreatedAt, al.CreatedBy = newID(), personID, 1, t.now, actor.Name
		if _, err := t.exec(ctx, `INSERT INTO person_alerts (id, person_id, kind, sensitivity, description, created_at,
			created_by, created_by_name, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)`,
			al.ID, personID, string(al.Kind), string(al.Sensitivity), al.Description, t.now, auditUserID(actor), actor.Name); err != nil {
			return err
		}
		if err := t.appendAudit(ctx, actor, auditEntry{Action: "alert.add", ResourceType: "Flag", ResourceID: al.ID,
			PersonID: personID, Detail: "kind=" + string(al.Kind) + " sensitivity=" + string(al.Sensitivity)}); err != nil {
			return err
		}
		return appendTimeline(ctx, t, actor, care.TimelineEvent{PersonID: personID, Type: care.EventAlertAdded,
			Summary: al.Kind.Label() + " alert added", Visibility: alertVisibility(al.Sensitivity)})
	})
	return al, err
}

// EndAlert ends an alert that no longer applies. Only someone who may read
// it may end it.
func (s *Store) EndAlert(ctx context.Context, actor care.Actor, personID, alertID string) error {
	return s.personWrite(ctx, actor, func(t *tx) error {
		if _, err := editAccess(ctx, t, actor, personID, "alert.end", "Flag"); err != nil {
			return err
		}
		var kind, sens string
		err := t.queryRow(ctx, `SELECT kind, sensitivity FROM person_alerts WHERE id = ? AND person_id = ? AND ended_at IS NULL`,
			alertID, personID).Scan(&kind, &sens)
		if errors.Is(err, sql.ErrNoRows) || err == nil && !actor.System && !care.CanSeeAlert(actor, care.Sensitivity(sens)) {
			return care.Errorf(care.KindNotFound, "That alert is not on the record.")
		}
		if err != nil {
			return err
		}
		if _, err := t.exec(ctx, `UPDATE person_alerts SET ended_at = ?, ended_by = ?, version = version + 1 WHERE id = ?`,
			t.now, auditUserID(actor), alertID); err != nil {
			return err
		}
		if err := t.appendAudit(ctx, actor, auditEntry{Action: "alert.end", ResourceType: "Flag", ResourceID: alertID, PersonID: personID}); err != nil {
			return err
		}
		return appendTimeline(ctx, t, actor, care.TimelineEvent{PersonID: personID, Type: care.EventAlertEnded,
			Summary: care.AlertKind(kind).Label() + " alert ended", Visibility: alertVisibility(care.Sensitivity(sens))})
	})
}
