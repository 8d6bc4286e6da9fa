package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/joinedup/joinedup/internal/care"
)

// TestFindAccessAllMatchesTheRules builds one person for each way a social
// worker can come to have (or lack) a relationship, then works out access
// to all of them at once, in a list long enough to take more than one
// batch, and checks each person's answer against the rules.
func TestFindAccessAllMatchesTheRules(t *testing.T) {
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		sys := care.SystemActor("test")
		a := newArea(t, s)
		sw := a.socialWorker
		none := a.register(t, "9990000018", "Nora", "None")
		team := a.register(t, "9990000026", "Tess", "Team")
		objected := a.register(t, "9990000034", "Olive", "Objected")
		referral := a.register(t, "9990000042", "Rita", "Referral")
		mdtOver := a.register(t, "9990000050", "Mo", "Over")
		glass := a.register(t, "9990000069", "Gus", "Glass")
		for _, p := range []care.Person{team, objected} {
			if _, err := s.AddCareTeamUser(ctx, a.practiceManager, p.ID, sw.Acting.ID, "Care Act assessment", ""); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.SetObjection(ctx, a.gp, objected.ID, true, objected.Version); err != nil {
			t.Fatal(err)
		}
		now := a.clock.Now()
		for _, g := range []RelationshipGrant{
			{PersonID: referral.ID, Kind: care.GrantOpenReferral, TeamID: sw.Acting.TeamID, SourceType: "referral", SourceID: "r1"},
			{PersonID: mdtOver.ID, Kind: care.GrantMDTAttendee, UserID: sw.UserID, SourceType: "mdt_meeting", SourceID: "m1",
				From: now.Add(-3 * time.Hour), Until: now.Add(-time.Hour)},
		} {
			if _, err := s.GrantRelationship(ctx, sys, g); err != nil {
				t.Fatal(err)
			}
		}
		if _, _, err := s.StartBreakGlass(ctx, sw, string(glass.NHSNumber), care.BreakGlassEmergency, "Found collapsed at home"); err != nil {
			t.Fatal(err)
		}

		cases := []struct {
			who   care.Actor
			p     care.Person
			level care.AccessLevel
			rel   care.Relationships
		}{
			{sw, none, care.AccessNone, care.Relationships{}},
			{sw, team, care.AccessFull, care.Relationships{CareTeam: true}},
			{sw, objected, care.AccessExistence, care.Relationships{CareTeam: true}},
			{sw, referral, care.AccessFull, care.Relationships{Referral: true}},
			{sw, mdtOver, care.AccessNone, care.Relationships{}},
			{sw, glass, care.AccessFull, care.Relationships{BreakGlass: true}},
			{a.gp, objected, care.AccessFull, care.Relationships{Practice: true}},
			{a.nurseElsewhere, team, care.AccessNone, care.Relationships{}},
			{a.analyst, team, care.AccessNone, care.Relationships{}},
			{sys, none, care.AccessFull, care.Relationships{}},
		}
		byActor := map[string][]string{}
		actors := map[string]care.Actor{}
		for _, c := range cases {
			key := c.who.UserID + c.who.Name
			actors[key] = c.who
			if byActor[key] == nil {
				// Enough ids with no record to take the people into a
				// second batch, and one id twice.
				for i := range accessBatch - 2 {
					byActor[key] = append(byActor[key], fmt.Sprintf("no-such-person-%d", i))
				}
			}
			byActor[key] = append(byActor[key], c.p.ID, c.p.ID)
		}
		got := map[string]map[string]access{}
		err := s.write(ctx, func(tx *tx) error {
			for key, ids := range byActor {
				all, err := findAccessAll(ctx, tx, actors[key], ids)
				if err != nil {
					return err
				}
				got[key] = all
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			all := got[c.who.UserID+c.who.Name]
			a, ok := all[c.p.ID]
			if !ok || a.person.ID != c.p.ID || a.person.NHSNumber != c.p.NHSNumber {
				t.Errorf("%s, %s: person not loaded: %+v", c.who.Name, c.p.GivenName, a.person)
				continue
			}
			if a.level != c.level || a.rel != c.rel {
				t.Errorf("%s, %s: access %v %+v, want %v %+v", c.who.Name, c.p.GivenName, a.level, a.rel, c.level, c.rel)
			}
			if c.rel.BreakGlass != !a.breakGlassUntil.IsZero() {
				t.Errorf("%s, %s: break-glass until %v", c.who.Name, c.p.GivenName, a.breakGlassUntil)
			}
			if _, ok := all["no-such-person-0"]; ok {
				t.Error("an id with no record was given access")
			}
		}
		// One person alone is worked out the same way, and a missing one
		// is not found.
		err = s.write(ctx, func(tx *tx) error {
			one, err := findAccess(ctx, tx, sw, objected.ID)
			if err != nil || one.level != care.AccessExistence {
				t.Errorf("findAccess = %v, %v", one.level, err)
			}
			if _, err := findAccess(ctx, tx, sw, "no-such-person"); !care.IsKind(err, care.KindNotFound) {
				t.Errorf("findAccess of no one = %v", err)
			}
			if all, err := findAccessAll(ctx, tx, sw, nil); err != nil || len(all) != 0 {
				t.Errorf("findAccessAll of no one = %v, %v", all, err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
