package store

import (
	"context"
	"strings"

	"github.com/joinedup/joinedup/internal/care"
)

// This file finds people: by NHS number, by name and date of birth, and
// the people whose care team the actor is in. Every list holds only people
// the actor has a relationship with, and every search is audited, with
// each person listed audited as found.

// maxSearchResults bounds a result list: a search that finds more is too
// loose to pick the right person from safely.
const maxSearchResults = 20

// SearchPeople finds people by NHS number, or by last name and date of
// birth (narrowed by first name when given). It returns only people the
// actor has a relationship with, and says nothing of anyone else. The
// search is audited as a search, and each person listed is audited as
// found, so their access log shows it.
func (s *Store) SearchPeople(ctx context.Context, actor care.Actor, q care.PersonQuery) ([]care.PersonSummary, error) {
	if !care.Allowed(actor, care.ActionSearchPeople) {
		return nil, s.denied(ctx, actor, auditEntry{Action: "person.search", ResourceType: "Patient"},
			care.Errorf(care.KindForbidden, "Your role does not search for people."))
	}
	var list []care.PersonSummary
	err := s.readAudited(ctx, actor, func(t *tx) error {
		by, query, args := "nhs-number", `SELECT id FROM people WHERE nhs_number = ?`, []any{string(q.NHSNumber)}
		if !q.ByNHSNumber() {
			by = "name-and-birth-date"
			query = `SELECT id FROM people WHERE date_of_birth = ? AND family_name_folded = ?`
			args = []any{q.DateOfBirth, care.FoldName(q.FamilyName)}
			if g := care.FoldName(q.GivenName); g != "" {
				query += ` AND given_name_folded LIKE ?`
				args = append(args, likePrefix(g))
			}
			query += ` ORDER BY given_name_folded, id LIMIT 200`
		}
		ids, err := queryStrings(ctx, t, query, args...)
		if err != nil {
			return err
		}
		if list, err = summariesOf(ctx, t, actor, ids); err != nil {
			return err
		}
		return auditSearch(ctx, t, actor, by, list)
	})
	return list, err
}

// MyPeople lists the people whose care team the actor is in, by name, so a
// user can go straight to the people they are working with. It is audited
// as a search, with each person listed as found.
func (s *Store) MyPeople(ctx context.Context, actor care.Actor) ([]care.PersonSummary, error) {
	if !care.Allowed(actor, care.ActionSearchPeople) {
		return nil, s.denied(ctx, actor, auditEntry{Action: "person.search", ResourceType: "Patient"},
			care.Errorf(care.KindForbidden, "Your role does not search for people."))
	}
	var list []care.PersonSummary
	err := s.readAudited(ctx, actor, func(t *tx) error {
		ids, err := queryStrings(ctx, t, `SELECT p.id FROM care_team_members m JOIN people p ON p.id = m.person_id
			WHERE m.user_id = ? AND m.removed_at IS NULL ORDER BY p.family_name_folded, p.given_name_folded, p.id LIMIT ?`,
			actor.UserID, maxSearchResults)
		if err != nil {
			return err
		}
		if list, err = summariesOf(ctx, t, actor, ids); err != nil {
			return err
		}
		return auditSearch(ctx, t, actor, "care-team", list)
	})
	return list, err
}

// summariesOf lists, in the order given, the first maxSearchResults of the
// people the actor has any access to, each with their practice's name and,
// for those the actor may see in full, their postcode. It takes a constant
// number of queries however long the list.
func summariesOf(ctx context.Context, t *tx, actor care.Actor, ids []string) ([]care.PersonSummary, error) {
	all, err := findAccessAll(ctx, t, actor, ids)
	if err != nil {
		return nil, err
	}
	var list []care.PersonSummary
	var practiceIDs []string
	for _, id := range ids {
		a, ok := all[id]
		if !ok || a.level == care.AccessNone || len(list) == maxSearchResults {
			continue
		}
		p := a.person
		sum := care.PersonSummary{ID: p.ID, NHSNumber: p.NHSNumber, GivenName: p.GivenName, FamilyName: p.FamilyName,
			DateOfBirth: p.DateOfBirth, Access: a.level, Relationships: a.rel}
		if a.level == care.AccessFull {
			sum.Postcode = p.Postcode
		}
		list = append(list, sum)
		if p.RegisteredPracticeID != "" {
			practiceIDs = append(practiceIDs, p.RegisteredPracticeID)
		}
	}
	if len(practiceIDs) == 0 {
		return list, nil
	}
	names, err := organisationNames(ctx, t, practiceIDs)
	if err != nil {
		return nil, err
	}
	for i := range list {
		list[i].PracticeName = names[all[list[i].ID].person.RegisteredPracticeID]
	}
	return list, nil
}

// organisationNames maps organisation ids to names in one query; ids must
// not be empty and are few (a list of people's practices).
func organisationNames(ctx context.Context, t *tx, ids []string) (map[string]string, error) {
	in, args := inList(ids)
	rows, err := t.query(ctx, `SELECT id, name FROM organisations WHERE id IN `+in, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	names := map[string]string{}
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		names[id] = name
	}
	return names, rows.Err()
}

// auditSearch records a search, and each person it listed as found, so
// their access log shows it.
func auditSearch(ctx context.Context, t *tx, actor care.Actor, by string, list []care.PersonSummary) error {
	if err := t.appendAudit(ctx, actor, auditEntry{Action: "person.search", ResourceType: "Patient",
		Detail: "by=" + by + " results=" + itoa(len(list))}); err != nil {
		return err
	}
	for _, p := range list {
		if err := t.appendAudit(ctx, actor, auditEntry{Action: "person.search.listed", ResourceType: "Patient",
			ResourceID: p.ID, PersonID: p.ID, Detail: "by=" + by + " via=" + strings.Join(p.Relationships.Names(), "+")}); err != nil {
			return err
		}
	}
	return nil
}

// likePrefix makes a LIKE pattern matching values that start with s, with
// LIKE's own wildcards in s taken literally.
func likePrefix(s string) string {
	r := strings.NewReplacer(`\`, ``, `%`, ``, `_`, ``)
	return r.Replace(s) + "%"
}
