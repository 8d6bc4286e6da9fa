package store

import (
	"context"

	"github.com/joinedup/joinedup/internal/care"
)

// BenchInsertPeople writes people straight into the people table, in one
// transaction, with no validation and no audit. It is only for building
// benchmark populations, and it lives in a test file so the product can
// never call it. It is how a benchmark larger than the 999 range's 909,091
// valid NHS numbers gets its extra people: they are given 999-range numbers
// whose check digit is wrong, which can never belong to a real person and
// which joinedup itself refuses everywhere else.
func (s *Store) BenchInsertPeople(ctx context.Context, people []care.Person) error {
	return s.write(ctx, func(t *tx) error {
		q, _ := t.bind(`INSERT INTO people (id, nhs_number, given_name, family_name, date_of_birth, postcode,
			registered_practice_id, created_at, updated_at, version, preferred_name, address, local_authority_gss, phone,
			email, contact_preference, contact_notes, language, interpreter, accessible_formats, communication_notes,
			given_name_folded, family_name_folded)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, '', ?, ?, ?, '', 'phone', '', 'English', 0, '', '', ?, ?)`, nil)
		stmt, err := t.tx.PrepareContext(ctx, q)
		if err != nil {
			return err
		}
		defer stmt.Close()
		now := t.timeArg(t.now)
		for _, p := range people {
			if _, err := stmt.ExecContext(ctx, newID(), string(p.NHSNumber), p.GivenName, p.FamilyName, p.DateOfBirth, p.Postcode,
				p.RegisteredPracticeID, now, now, p.Address, p.LocalAuthorityGSS, p.Phone,
				care.FoldName(p.GivenName), care.FoldName(p.FamilyName)); err != nil {
				return err
			}
		}
		return nil
	})
}

// BenchLookup finds a person by NHS number and works out the actor's access
// in a read-only transaction, as SearchPeople does, but without writing the
// audit rows. It exists only so a benchmark can show the cost of the lookup
// apart from the cost of the durable commit that audits it.
func (s *Store) BenchLookup(ctx context.Context, actor care.Actor, n care.NHSNumber) (care.AccessLevel, error) {
	var level care.AccessLevel
	err := s.read(ctx, func(t *tx) error {
		var id string
		if err := t.queryRow(ctx, `SELECT id FROM people WHERE nhs_number = ?`, string(n)).Scan(&id); err != nil {
			return err
		}
		a, err := findAccess(ctx, t, actor, id)
		level = a.level
		return err
	})
	return level, err
}
