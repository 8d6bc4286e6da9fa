package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/joinedup/joinedup/internal/care"
)

// This file works out what an actor may do with a person, inside the
// transaction that acts on them: the person's record, the actor's
// relationships with them at the transaction's time, and the refusals that
// are audited when the rules say no. care.PersonAccess and
// care.PersonAllowed decide; this file only gathers the facts.

// access is what one actor may do with one person, worked out inside the
// transaction that acts on it.
type access struct {
	person care.Person
	rel    care.Relationships
	level  care.AccessLevel
	// breakGlassUntil is when the actor's emergency access ends, if they
	// have any.
	breakGlassUntil time.Time
}

// may applies the rules; the system actor (the command line, the demo
// loader) may do anything.
func (a access) may(actor care.Actor, action care.PersonAction) bool {
	return actor.System || care.PersonAllowed(actor, a.rel, care.PersonFacts{Objection: a.person.Objection}, action)
}

// via names the relationships for the audit trail.
func (a access) via(actor care.Actor) string {
	if actor.System {
		return "via=system"
	}
	return "via=" + strings.Join(a.rel.Names(), "+")
}

// findAccess loads a person and works out the actor's relationships with
// them at the transaction's time.
func findAccess(ctx context.Context, t *tx, actor care.Actor, personID string) (access, error) {
	all, err := findAccessAll(ctx, t, actor, []string{personID})
	if err != nil {
		return access{}, err
	}
	a, ok := all[personID]
	if !ok {
		return access{}, errNoPerson()
	}
	return a, nil
}

// accessBatch is how many people one query asks about: well within both
// engines' limits on the number of parameters.
const accessBatch = 500

// findAccessAll loads the people and works out the actor's relationships
// with each at the transaction's time, in four queries for every
// accessBatch people however many relationships there are, so a list of
// people costs no more queries than one person. People with no record are
// left out of the map.
func findAccessAll(ctx context.Context, t *tx, actor care.Actor, personIDs []string) (map[string]access, error) {
	out := make(map[string]access, len(personIDs))
	for start := 0; start < len(personIDs); start += accessBatch {
		if err := findAccessBatch(ctx, t, actor, personIDs[start:min(start+accessBatch, len(personIDs))], out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func findAccessBatch(ctx context.Context, t *tx, actor care.Actor, ids []string, out map[string]access) error {
	in, args := inList(ids)
	rows, err := t.query(ctx, `SELECT `+personColumns+` FROM people p WHERE p.id IN `+in, args...)
	if err != nil {
		return err
	}
	var found []string
	for rows.Next() {
		p, err := scanPerson(rows)
		if err != nil {
			rows.Close()
			return err
		}
		a := access{person: p}
		if actor.System {
			a.level = care.AccessFull
		}
		out[p.ID] = a
		found = append(found, p.ID)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	if actor.System || !actor.SignedIn() || !actor.Role().IsCareRole() || len(found) == 0 {
		return nil
	}
	inTeam, err := findCareTeamOf(ctx, t, actor, in, args)
	if err != nil {
		return err
	}
	grants, err := findGrants(ctx, t, actor, in, args)
	if err != nil {
		return err
	}
	for _, id := range found {
		a := out[id]
		for _, g := range grants[id] {
			if g.Kind == care.GrantBreakGlass && g.ActiveAt(t.now) && g.Until.After(a.breakGlassUntil) {
				a.breakGlassUntil = g.Until
			}
		}
		practice := a.person.RegisteredPracticeID != "" && actor.Acting.OrgID == a.person.RegisteredPracticeID
		a.rel = care.RelationshipsAt(t.now, practice, inTeam[id], grants[id])
		a.level = care.PersonAccess(actor, a.rel, care.PersonFacts{Objection: a.person.Objection})
		out[id] = a
	}
	return nil
}

// findCareTeamOf says which of the people (in, args from inList) have the
// actor in their current care team.
func findCareTeamOf(ctx context.Context, t *tx, actor care.Actor, in string, args []any) (map[string]bool, error) {
	ids, err := queryStrings(ctx, t, `SELECT person_id FROM care_team_members
		WHERE user_id = ? AND removed_at IS NULL AND person_id IN `+in, append([]any{actor.UserID}, args...)...)
	if err != nil {
		return nil, err
	}
	inTeam := make(map[string]bool, len(ids))
	for _, id := range ids {
		inTeam[id] = true
	}
	return inTeam, nil
}

// findGrants lists, for each of the people (in, args from inList), the rows
// that may give the actor a relationship with them: those of other
// capabilities (care_relationships) for the actor or the team they act for,
// and their unexpired break-glass. Whether each applies now is for the
// rules to say.
func findGrants(ctx context.Context, t *tx, actor care.Actor, in string, args []any) (map[string][]care.Grant, error) {
	grants := map[string][]care.Grant{}
	rows, err := t.query(ctx, `SELECT person_id, kind, valid_from, valid_until FROM care_relationships
		WHERE (user_id = ? OR team_id = ?) AND person_id IN `+in, append([]any{actor.UserID, actor.Acting.TeamID}, args...)...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var g care.Grant
		var personID, kind string
		var until sql.NullTime
		if err := rows.Scan(&personID, &kind, &g.From, &until); err != nil {
			rows.Close()
			return nil, err
		}
		g.Kind, g.Until = care.GrantKind(kind), until.Time
		grants[personID] = append(grants[personID], g)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	rows, err = t.query(ctx, `SELECT person_id, started_at, expires_at FROM break_glass_access
		WHERE user_id = ? AND expires_at > ? AND person_id IN `+in, append([]any{actor.UserID, t.now}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var personID string
		g := care.Grant{Kind: care.GrantBreakGlass}
		if err := rows.Scan(&personID, &g.From, &g.Until); err != nil {
			return nil, err
		}
		grants[personID] = append(grants[personID], g)
	}
	return grants, rows.Err()
}

// inList makes the parenthesised placeholder list and the arguments for
// SQL's IN over ids, which must not be empty.
func inList(ids []string) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return "(" + placeholders(1, len(ids)) + ")", args
}

// queryStrings runs a query that selects one text column, such as ids,
// and returns its values in order.
func queryStrings(ctx context.Context, t *tx, query string, args ...any) ([]string, error) {
	rows, err := t.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// errNoPerson is what a missing record is, for someone who could see it.
func errNoPerson() error {
	return care.Errorf(care.KindNotFound, "There is no record for this person.")
}

// errNoRelationship is what a user without a relationship is told. It says
// nothing about the person, not even whether the record exists.
func errNoRelationship() error {
	return care.Errorf(care.KindForbidden, "You do not have a care relationship with this person, so you cannot see their record.")
}

// personRefusal carries a refusal out of a transaction so it can be audited
// in a transaction of its own once the first has rolled back.
type personRefusal struct {
	entry auditEntry
	err   error
}

func (r *personRefusal) Error() string { return r.err.Error() }

// Unwrap lets the store's error handling see the domain error inside, so
// the refusal passes through as the Forbidden error it is.
func (r *personRefusal) Unwrap() error { return r.err }

// refuse builds a refusal for an action on a person.
func refuse(action, resourceType, resourceID, personID, detail string, err error) error {
	return &personRefusal{entry: auditEntry{Action: action, ResourceType: resourceType, ResourceID: resourceID,
		PersonID: personID, Detail: detail}, err: err}
}

// personWrite runs fn in a write transaction and audits a refusal it returns
// in a transaction of its own, as every refusal is.
func (s *Store) personWrite(ctx context.Context, actor care.Actor, fn func(*tx) error) error {
	err := s.write(ctx, fn)
	var r *personRefusal
	if errors.As(err, &r) {
		return s.denied(ctx, actor, r.entry, r.err)
	}
	return err
}
