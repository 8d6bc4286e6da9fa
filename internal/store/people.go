package store

import (
	"context"

	"github.com/joinedup/joinedup/internal/care"
)

// ImportPeople adds many people in one transaction, auditing each, for
// loading a demo area or a migration from another system. NHS numbers are
// validated and must be unique: one bad person fails the whole import, so
// nothing is saved in part.
func (s *Store) ImportPeople(ctx context.Context, actor care.Actor, people []care.Person) ([]care.Person, error) {
	if !actor.System {
		return nil, s.denied(ctx, actor, auditEntry{Action: "person.import", ResourceType: "Patient"},
			care.Errorf(care.KindForbidden, "Only joinedup itself can import people in bulk."))
	}
	out := make([]care.Person, len(people))
	err := s.write(ctx, func(t *tx) error {
		for i, p := range people {
			n, err := care.ParseNHSNumber(string(p.NHSNumber))
			if err != nil {
				return care.Errorf(care.KindInvalid, "person %d: %s", i+1, care.MessageOf(err))
			}
			p.ID, p.NHSNumber, p.Version = newID(), n, 1
			if _, err := t.exec(ctx, `INSERT INTO people (id, nhs_number, given_name, family_name, date_of_birth, postcode,
				registered_practice_id, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				p.ID, string(p.NHSNumber), p.GivenName, p.FamilyName, p.DateOfBirth, p.Postcode,
				nullString(p.RegisteredPracticeID), t.now, t.now, p.Version); err != nil {
				return err
			}
			if err := t.appendAudit(ctx, actor, auditEntry{Action: "person.create", ResourceType: "Patient", ResourceID: p.ID, PersonID: p.ID}); err != nil {
				return err
			}
			out[i] = p
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CountPeople reports how many people have a record.
func (s *Store) CountPeople(ctx context.Context) (int, error) {
	var n int
	err := s.read(ctx, func(t *tx) error {
		return t.queryRow(ctx, `SELECT COUNT(*) FROM people`).Scan(&n)
	})
	return n, err
}
