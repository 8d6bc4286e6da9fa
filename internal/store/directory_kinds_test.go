package store

import (
	"context"
	"testing"

	"github.com/joinedup/joinedup/internal/care"
)

// TestEveryKindOfEntryChangesAlike checks that edits and verifications of
// every kind of directory entry keep the same rules: a change over the
// current version is saved, recorded in the history and audited; a change
// over an older version is a conflict and leaves no trace; someone who does
// not look after the entry is refused, and the refusal audited.
func TestEveryKindOfEntryChangesAlike(t *testing.T) {
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		f := newDirFixture(t, s)
		sv, err := s.CreateService(ctx, f.manager, f.service())
		if err != nil {
			t.Fatal(err)
		}
		c, err := s.CreateContact(ctx, f.manager, care.Contact{TeamID: f.team.ID, Name: "Funmi Adebayo", Role: "Duty coordinator",
			Phone: "020 7946 0102"})
		if err != nil {
			t.Fatal(err)
		}
		type edit func(actor care.Actor, version int) (int, error)
		kinds := []struct {
			typ, id string
			version int
			edit    edit
			verify  edit // nil for contacts, which a team's verification covers
		}{
			{EntryOrganisation, f.council.ID, f.council.Version, func(a care.Actor, v int) (int, error) {
				o := f.council
				o.Version, o.Website = v, "https://hackney.example.org.uk"
				o, err := s.UpdateOrganisationDetails(ctx, a, o)
				return o.Version, err
			}, func(a care.Actor, v int) (int, error) {
				o, err := s.VerifyOrganisation(ctx, a, f.council.ID, v)
				return o.Version, err
			}},
			{EntryTeam, f.team.ID, f.team.Version, func(a care.Actor, v int) (int, error) {
				tm := f.team
				tm.Version, tm.Phone = v, "020 7946 0100"
				tm, err := s.UpdateTeamDetails(ctx, a, tm)
				return tm.Version, err
			}, func(a care.Actor, v int) (int, error) {
				tm, err := s.VerifyTeam(ctx, a, f.team.ID, v)
				return tm.Version, err
			}},
			{EntryService, sv.ID, sv.Version, func(a care.Actor, v int) (int, error) {
				next := sv
				next.Version, next.TypicalWait = v, "1 to 3 working days"
				next, err := s.UpdateService(ctx, a, next)
				return next.Version, err
			}, func(a care.Actor, v int) (int, error) {
				next, err := s.VerifyService(ctx, a, sv.ID, v)
				return next.Version, err
			}},
			{EntryContact, c.ID, c.Version, func(a care.Actor, v int) (int, error) {
				next := c
				next.Version, next.Phone = v, "020 7946 0199"
				next, err := s.UpdateContact(ctx, a, next)
				return next.Version, err
			}, nil},
		}
		for _, k := range kinds {
			history := func() []EntryVersion {
				t.Helper()
				h, err := s.EntryHistory(ctx, k.typ, k.id, 50)
				if err != nil {
					t.Fatal(err)
				}
				return h
			}
			steps := []struct {
				verb, change string
				do           edit
			}{{"update", ChangeEdit, k.edit}, {"verify", ChangeVerify, k.verify}}
			version := k.version
			for _, step := range steps {
				if step.do == nil {
					continue
				}
				before := len(history())
				if _, err := step.do(f.outsider, version); !care.IsKind(err, care.KindForbidden) {
					t.Errorf("%s %s by an outsider = %v", k.typ, step.verb, err)
				}
				if !contains(auditActions(t, s, "denied"), "directory."+k.typ+"."+step.verb) {
					t.Errorf("the refused %s %s is not audited", k.typ, step.verb)
				}
				if _, err := step.do(f.manager, version-1); !care.IsKind(err, care.KindConflict) {
					t.Errorf("%s %s over an old version = %v", k.typ, step.verb, err)
				}
				if n := len(history()); n != before {
					t.Errorf("%s: refused changes left %d versions in the history, want %d", k.typ, n, before)
				}
				next, err := step.do(f.manager, version)
				if err != nil || next != version+1 {
					t.Fatalf("%s %s = version %d, %v", k.typ, step.verb, next, err)
				}
				h := history()
				if len(h) != before+1 || h[0].Change != step.change || h[0].Version != next {
					t.Errorf("%s %s: history %d, latest %s at %d", k.typ, step.verb, len(h), h[0].Change, h[0].Version)
				}
				if !contains(auditActions(t, s, "success"), "directory."+k.typ+"."+step.verb) {
					t.Errorf("the %s %s is not audited", k.typ, step.verb)
				}
				version = next
			}
		}
	})
}
