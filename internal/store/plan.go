package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strings"

	"github.com/joinedup/joinedup/internal/care"
)

func findSection(ctx context.Context, t *tx, personID string, key care.SectionKey) (care.PlanSection, error) {
	sec := care.PlanSection{Key: key, Fields: map[string]string{}}
	var body string
	err := t.queryRow(ctx, `SELECT body, version, updated_at, updated_by_name, updated_in FROM plan_sections
		WHERE person_id = ? AND section = ?`, personID, string(key)).Scan(&body, &sec.Version, &sec.UpdatedAt, &sec.UpdatedBy, &sec.UpdatedIn)
	if errors.Is(err, sql.ErrNoRows) {
		return sec, nil
	}
	if err != nil {
		return sec, err
	}
	return sec, json.Unmarshal([]byte(body), &sec.Fields)
}

func findSections(ctx context.Context, t *tx, personID string) (map[care.SectionKey]care.PlanSection, error) {
	rows, err := t.query(ctx, `SELECT section, body, version, updated_at, updated_by_name, updated_in FROM plan_sections
		WHERE person_id = ?`, personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[care.SectionKey]care.PlanSection{}
	for rows.Next() {
		var sec care.PlanSection
		var key, body string
		if err := rows.Scan(&key, &body, &sec.Version, &sec.UpdatedAt, &sec.UpdatedBy, &sec.UpdatedIn); err != nil {
			return nil, err
		}
		sec.Key = care.SectionKey(key)
		if err := json.Unmarshal([]byte(body), &sec.Fields); err != nil {
			return nil, err
		}
		out[sec.Key] = sec
	}
	return out, rows.Err()
}

// errPlanConflict is returned when a section changed since the user opened
// it; the web shows both versions so nothing typed is lost.
func errPlanConflict() error {
	return care.Errorf(care.KindConflict, "Someone else saved this section while you were editing it. Nothing you typed has been saved yet.")
}

// writeSection saves a section's fields over version base (0 for a section
// never written), with the history entry, audit row and timeline event. A
// section changed since base is a Conflict and nothing is written.
func writeSection(ctx context.Context, t *tx, actor care.Actor, personID string, spec care.SectionSpec, fields map[string]string, base int) error {
	was, err := findSection(ctx, t, personID, spec.Key)
	if err != nil {
		return err
	}
	if was.Version != base {
		return errPlanConflict()
	}
	body, err := json.Marshal(fields)
	if err != nil {
		return err
	}
	name, team := actor.Name, actorTeam(actor)
	if actor.System {
		name, team = "joinedup", ""
	}
	if base == 0 {
		// Two first saves at once: the primary key lets only one in, and the
		// other gets a Conflict from classify.
		_, err = t.exec(ctx, `INSERT INTO plan_sections (person_id, section, body, version, updated_at, updated_by,
			updated_by_name, updated_in) VALUES (?, ?, ?, 1, ?, ?, ?, ?)`,
			personID, string(spec.Key), string(body), t.now, auditUserID(actor), name, team)
		if err != nil && isUniqueViolation(err) {
			return errPlanConflict()
		}
	} else {
		err = t.execOne(ctx, errPlanConflict(), `UPDATE plan_sections SET body = ?, version = version + 1, updated_at = ?,
			updated_by = ?, updated_by_name = ?, updated_in = ? WHERE person_id = ? AND section = ? AND version = ?`,
			string(body), t.now, auditUserID(actor), name, team, personID, string(spec.Key), base)
	}
	if err != nil {
		return err
	}
	before, after := care.SectionText(spec, was.Fields), care.SectionText(spec, fields)
	if err := insertChange(ctx, t, actor, personID, spec.Key, before, after); err != nil {
		return err
	}
	if err := t.appendAudit(ctx, actor, auditEntry{Action: "plan.section", ResourceType: "CarePlan", ResourceID: personID,
		PersonID: personID, Detail: "section=" + string(spec.Key) + " version=" + itoa(base+1)}); err != nil {
		return err
	}
	return appendTimeline(ctx, t, actor, care.TimelineEvent{PersonID: personID, Type: care.EventPlanChanged,
		Summary: "Care plan changed: " + spec.Title, Visibility: care.VisibleToRecord, Link: "/people/" + personID + "/plan/history"})
}

func insertChange(ctx context.Context, t *tx, actor care.Actor, personID string, key care.SectionKey, before, after string) error {
	name, team := actor.Name, actorTeam(actor)
	if actor.System {
		name, team = "joinedup", ""
	}
	_, err := t.exec(ctx, `INSERT INTO plan_changes (id, person_id, section, changed_at, changed_by, changed_by_name,
		changed_in, before_text, after_text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		newID(), personID, string(key), t.now, auditUserID(actor), name, team, before, after)
	return err
}

// touchActions records who last changed the actions section, so it shows
// "last changed by" like the others.
func touchActions(ctx context.Context, t *tx, actor care.Actor, personID string) error {
	name, team := actor.Name, actorTeam(actor)
	if actor.System {
		name, team = "joinedup", ""
	}
	res, err := t.exec(ctx, `UPDATE plan_sections SET version = version + 1, updated_at = ?, updated_by = ?,
		updated_by_name = ?, updated_in = ? WHERE person_id = ? AND section = ?`,
		t.now, auditUserID(actor), name, team, personID, string(care.SectionActions))
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO plan_sections (person_id, section, body, version, updated_at, updated_by,
		updated_by_name, updated_in) VALUES (?, ?, '{}', 1, ?, ?, ?, ?)`,
		personID, string(care.SectionActions), t.now, auditUserID(actor), name, team)
	return err
}

// PlanView is the plan with its person, as one actor may see it.
type PlanView struct {
	Record care.PersonRecord
	Plan   care.Plan
	Owners []care.ActionOwner
}

// Plan returns the person's care and support plan, auditing the read.
func (s *Store) Plan(ctx context.Context, actor care.Actor, personID string) (PlanView, error) {
	var v PlanView
	err := s.personWrite(ctx, actor, func(t *tx) error {
		var err error
		v, err = readPlan(ctx, t, actor, personID)
		return err
	})
	return v, err
}

func readPlan(ctx context.Context, t *tx, actor care.Actor, personID string) (PlanView, error) {
	var v PlanView
	a, err := findAccess(ctx, t, actor, personID)
	if err != nil {
		return v, err
	}
	if a.level != care.AccessFull {
		return v, refuse("person.read.plan", "CarePlan", personID, personID, "no-relationship-or-objection", errCannotSeeDetails(a.level))
	}
	v.Record = care.PersonRecord{Person: a.person, Access: a.level, Relationships: a.rel, BreakGlassUntil: a.breakGlassUntil}.WithPermissions(actor)
	v.Plan = care.Plan{PersonID: personID}
	if v.Plan.Sections, err = findSections(ctx, t, personID); err != nil {
		return v, err
	}
	if v.Plan.Actions, err = findActions(ctx, t, personID); err != nil {
		return v, err
	}
	if v.Owners, err = actionOwners(ctx, t, a.person); err != nil {
		return v, err
	}
	return v, t.appendAudit(ctx, actor, auditEntry{Action: "person.read.plan", ResourceType: "CarePlan", ResourceID: personID,
		PersonID: personID, Detail: "parts=plan " + a.via(actor)})
}

// planAccess loads the person and checks the actor may change the plan.
func planAccess(ctx context.Context, t *tx, actor care.Actor, personID, action string) (access, error) {
	a, err := findAccess(ctx, t, actor, personID)
	if err != nil {
		return a, err
	}
	if !a.may(actor, care.PersonEditPlan) {
		return a, refuse(action, "CarePlan", personID, personID, "no-plan-permission",
			care.Errorf(care.KindForbidden, "You cannot change this person's care and support plan."))
	}
	return a, nil
}

// SavePlanSection saves one section of the plan. base is the section's
// version when the user opened it: if someone saved it since, nothing is
// written and the error is a Conflict, so the page can show both versions.
func (s *Store) SavePlanSection(ctx context.Context, actor care.Actor, personID string, key care.SectionKey, fields map[string]string, base int) error {
	spec, ok := care.SectionFor(key)
	if !ok || key == care.SectionActions {
		return care.Errorf(care.KindNotFound, "The plan has no such section.")
	}
	fields = care.NormaliseSection(spec, fields)
	return s.personWrite(ctx, actor, func(t *tx) error {
		if _, err := planAccess(ctx, t, actor, personID, "plan.section"); err != nil {
			return err
		}
		if errs := care.ValidateSection(spec, fields); len(errs) > 0 {
			return errs.Err()
		}
		return writeSection(ctx, t, actor, personID, spec, fields, base)
	})
}

// PlanHistory returns every change to the plan, newest first, auditing the
// read.
func (s *Store) PlanHistory(ctx context.Context, actor care.Actor, personID string) (care.PersonRecord, []care.PlanChange, error) {
	var rec care.PersonRecord
	var list []care.PlanChange
	err := s.personWrite(ctx, actor, func(t *tx) error {
		a, err := findAccess(ctx, t, actor, personID)
		if err != nil {
			return err
		}
		if a.level != care.AccessFull {
			return refuse("person.read.history", "CarePlan", personID, personID, "no-relationship-or-objection", errCannotSeeDetails(a.level))
		}
		rec = care.PersonRecord{Person: a.person, Access: a.level, Relationships: a.rel, BreakGlassUntil: a.breakGlassUntil}.WithPermissions(actor)
		rows, err := t.query(ctx, `SELECT id, section, changed_at, changed_by_name, changed_in, before_text, after_text
			FROM plan_changes WHERE person_id = ? ORDER BY changed_at DESC, id DESC LIMIT 500`, personID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var c care.PlanChange
			var key string
			if err := rows.Scan(&c.ID, &key, &c.ChangedAt, &c.ChangedBy, &c.ChangedIn, &c.Before, &c.After); err != nil {
				rows.Close()
				return err
			}
			c.Section = care.SectionKey(key)
			spec, _ := care.SectionFor(c.Section)
			c.Title = spec.Title
			list = append(list, c)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "person.read.history", ResourceType: "CarePlan", ResourceID: personID,
			PersonID: personID, Detail: "parts=plan-history:" + itoa(len(list)) + " " + a.via(actor)})
	})
	return rec, list, err
}

func findActions(ctx context.Context, t *tx, personID string) ([]care.PlanAction, error) {
	rows, err := t.query(ctx, `SELECT id, description, owner_kind, owner_ref, owner_label, due_date, status, updated_at,
		updated_by_name, version FROM plan_actions WHERE person_id = ? ORDER BY due_date, created_at, id`, personID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []care.PlanAction
	for rows.Next() {
		a := care.PlanAction{PersonID: personID}
		var kind, status string
		if err := rows.Scan(&a.ID, &a.Description, &kind, &a.OwnerRef, &a.OwnerLabel, &a.DueDate, &status, &a.UpdatedAt,
			&a.UpdatedBy, &a.Version); err != nil {
			return nil, err
		}
		a.OwnerKind, a.Status = care.OwnerKind(kind), care.ActionStatus(status)
		list = append(list, a)
	}
	return list, rows.Err()
}

// actionOwners lists who an action may belong to: the person, their carers,
// the users in the care team, and the teams those users and the registered
// practice work in.
func actionOwners(ctx context.Context, t *tx, p care.Person) ([]care.ActionOwner, error) {
	owners := []care.ActionOwner{{Kind: care.OwnerPerson, Label: p.FullName() + " (the person)"}}
	carers, err := findCarers(ctx, t, p.ID)
	if err != nil {
		return nil, err
	}
	for _, c := range carers {
		owners = append(owners, care.ActionOwner{Kind: care.OwnerCarer, Ref: c.ID, Label: c.Name + " (" + c.Relationship + ")"})
	}
	team, err := findCareTeam(ctx, t, p.ID)
	if err != nil {
		return nil, err
	}
	seenTeams := map[string]bool{}
	var teams []care.ActionOwner
	for _, m := range team {
		if m.Kind != care.MemberUser {
			continue
		}
		owners = append(owners, care.ActionOwner{Kind: care.OwnerUser, Ref: m.UserID, Label: m.Name + " (" + m.RoleLabel + ")"})
		if !seenTeams[m.TeamID] {
			seenTeams[m.TeamID] = true
			teams = append(teams, care.ActionOwner{Kind: care.OwnerTeam, Ref: m.TeamID, Label: m.TeamName})
		}
	}
	rows, err := t.query(ctx, `SELECT id, name FROM teams WHERE organisation_id = ? ORDER BY name`, p.RegisteredPracticeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		if !seenTeams[id] {
			seenTeams[id] = true
			teams = append(teams, care.ActionOwner{Kind: care.OwnerTeam, Ref: id, Label: name})
		}
	}
	return append(owners, teams...), rows.Err()
}

// SavePlanAction adds an action (a.ID empty) or changes one (a.Version the
// version the user started from). ownerValue is the owner as the form sent
// it; it must be one of those the plan offers.
func (s *Store) SavePlanAction(ctx context.Context, actor care.Actor, personID string, a care.PlanAction, ownerValue string) (care.PlanAction, error) {
	err := s.personWrite(ctx, actor, func(t *tx) error {
		acc, err := planAccess(ctx, t, actor, personID, "plan.action")
		if err != nil {
			return err
		}
		owners, err := actionOwners(ctx, t, acc.person)
		if err != nil {
			return err
		}
		owner, ok := care.FindOwner(owners, ownerValue)
		a.Description = strings.TrimSpace(strings.ReplaceAll(a.Description, "\r\n", "\n"))
		if errs := care.ValidateAction(a, ok); len(errs) > 0 {
			return errs.Err()
		}
		a.PersonID, a.OwnerKind, a.OwnerRef, a.OwnerLabel = personID, owner.Kind, owner.Ref, owner.Label
		var before care.PlanAction
		if a.ID == "" {
			a.ID, a.Version = newID(), 1
			if _, err := t.exec(ctx, `INSERT INTO plan_actions (id, person_id, description, owner_kind, owner_ref, owner_label,
				due_date, status, created_at, updated_at, updated_by_name, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
				a.ID, personID, a.Description, string(a.OwnerKind), a.OwnerRef, a.OwnerLabel, a.DueDate, string(a.Status),
				t.now, t.now, actor.Name); err != nil {
				return err
			}
		} else {
			existing, err := findActions(ctx, t, personID)
			if err != nil {
				return err
			}
			found := false
			for _, x := range existing {
				if x.ID == a.ID {
					before, found = x, true
				}
			}
			if !found {
				return care.Errorf(care.KindNotFound, "That action is not in the plan.")
			}
			if err := t.execOne(ctx, errPlanConflict(), `UPDATE plan_actions SET description = ?, owner_kind = ?, owner_ref = ?,
				owner_label = ?, due_date = ?, status = ?, updated_at = ?, updated_by_name = ?, version = version + 1
				WHERE id = ? AND version = ?`, a.Description, string(a.OwnerKind), a.OwnerRef, a.OwnerLabel, a.DueDate,
				string(a.Status), t.now, actor.Name, a.ID, a.Version); err != nil {
				return err
			}
			a.Version++
		}
		if err := touchActions(ctx, t, actor, personID); err != nil {
			return err
		}
		if err := insertChange(ctx, t, actor, personID, care.SectionActions, care.ActionText(before), care.ActionText(a)); err != nil {
			return err
		}
		if err := t.appendAudit(ctx, actor, auditEntry{Action: "plan.action", ResourceType: "CarePlan", ResourceID: a.ID,
			PersonID: personID, Detail: "status=" + string(a.Status)}); err != nil {
			return err
		}
		typ, summary := care.EventActionAdded, "Action added to the plan, for "+a.OwnerLabel
		if before.ID != "" {
			typ, summary = care.EventActionChanged, "Action in the plan changed: now "+strings.ToLower(a.Status.Label())
		}
		return appendTimeline(ctx, t, actor, care.TimelineEvent{PersonID: personID, Type: typ, Summary: summary,
			Visibility: care.VisibleToRecord, Link: "/people/" + personID + "/plan#actions"})
	})
	return a, err
}
