package store

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/joinedup/joinedup/internal/care"
)

// dirFixture is a council with a team and a manager, another council with its
// own manager, and a GP practice.
type dirFixture struct {
	council, other, practice care.Organisation
	team, otherTeam          care.Team
	manager, outsider, gp    care.Actor
}

func actorOf(u care.User) care.Actor {
	return care.Actor{UserID: u.ID, Name: u.Name, Acting: u.Memberships[0], Memberships: u.Memberships}
}

func newDirFixture(t *testing.T, s *Store) dirFixture {
	t.Helper()
	ctx := context.Background()
	sys := care.SystemActor("test")
	var f dirFixture
	var err error
	if f.council, err = s.CreateOrganisation(ctx, sys, care.Organisation{Name: "London Borough of Hackney", Kind: care.OrgLocalAuthority, GSSCode: "E09000012"}); err != nil {
		t.Fatal(err)
	}
	if f.other, err = s.CreateOrganisation(ctx, sys, care.Organisation{Name: "London Borough of Croydon", Kind: care.OrgLocalAuthority, GSSCode: "E09000008"}); err != nil {
		t.Fatal(err)
	}
	if f.practice, err = s.CreateOrganisation(ctx, sys, care.Organisation{Name: "Lower Clapton Group Practice", Kind: care.OrgGPPractice, ODSCode: "F84003", Postcode: "E5 0PQ"}); err != nil {
		t.Fatal(err)
	}
	if f.team, err = s.CreateTeam(ctx, sys, care.Team{OrganisationID: f.council.ID, Name: "Hackney Reablement Service", Kind: "reablement"}); err != nil {
		t.Fatal(err)
	}
	if f.otherTeam, err = s.CreateTeam(ctx, sys, care.Team{OrganisationID: f.other.ID, Name: "Croydon Reablement Service", Kind: "reablement"}); err != nil {
		t.Fatal(err)
	}
	practiceTeam, err := s.CreateTeam(ctx, sys, care.Team{OrganisationID: f.practice.ID, Name: "Practice team", Kind: "practice"})
	if err != nil {
		t.Fatal(err)
	}
	f.manager = actorOf(seedUser(t, s, "manager@example.nhs.uk", care.RoleTeamManager, f.team))
	f.outsider = actorOf(seedUser(t, s, "outsider@example.nhs.uk", care.RoleTeamManager, f.otherTeam))
	f.gp = actorOf(seedUser(t, s, "gp@example.nhs.uk", care.RoleGP, practiceTeam))
	return f
}

func (f dirFixture) service() care.Service {
	return care.Service{
		OrganisationID: f.council.ID, TeamID: f.team.ID, Name: "Hackney Reablement",
		Description: "Up to six weeks of help at home.", Status: care.ServiceActive,
		Needs:       []string{"personal-care/washing-and-dressing", "home-care-and-reablement/reablement"},
		Eligibility: care.Eligibility{Text: "Adults in Hackney", MinAge: 18},
		Catchment:   []care.CatchmentArea{{Kind: care.CatchLocalAuthority, Code: "E09000012"}},
		Referral:    care.Referral{Methods: []care.ReferralMethod{care.ReferThroughJoinedup, care.ReferByPhone}, Phone: "020 7946 0100", MustInclude: "Needs and risks"},
		TypicalWait: "2 to 5 working days",
		Capacity:    care.Capacity{State: care.CapacityAccepting},
		Hours:       care.OpeningHours{BankHolidays: care.BankHolidaysOpen},
		Postcode:    "E8 1DY",
	}
}

func auditActions(t *testing.T, s *Store, outcome string) []string {
	t.Helper()
	rows, err := s.ListAudit(context.Background(), care.SystemActor("test"), AuditFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		if string(r.Outcome) == outcome {
			out = append(out, r.Action)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestServiceLifecycleIsVersionedAndAudited(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		f := newDirFixture(t, s)
		sv, err := s.CreateService(ctx, f.manager, f.service())
		if err != nil {
			t.Fatal(err)
		}
		if sv.Version != 1 || sv.Verified.ByName != f.manager.Name || sv.Verified.At.IsZero() || len(sv.Needs) != 2 || len(sv.Catchment) != 1 {
			t.Fatalf("created = %+v", sv)
		}
		got, err := s.Service(ctx, sv.ID)
		if err != nil || got.Name != "Hackney Reablement" || got.Referral.Phone != "020 7946 0100" || !got.Referral.Has(care.ReferByPhone) ||
			got.Hours.BankHolidays != care.BankHolidaysOpen || got.Eligibility.MinAge != 18 || got.Postcode != "E8 1DY" {
			t.Fatalf("read back = %+v, %v", got, err)
		}

		// An edit from the version the editor saw succeeds and moves the
		// capacity time only because capacity changed.
		edit := got
		edit.TypicalWait = "1 to 3 working days"
		edit.Capacity = care.Capacity{State: care.CapacityWaitlist, WaitBand: care.Wait2To6Weeks}
		edited, err := s.UpdateService(ctx, f.manager, edit)
		if err != nil {
			t.Fatal(err)
		}
		if edited.Version != 2 || edited.TypicalWait != "1 to 3 working days" || edited.Capacity.State != care.CapacityWaitlist {
			t.Fatalf("edited = %+v", edited)
		}

		// A second edit from the old version is a conflict and saves nothing.
		stale := got
		stale.Name = "Something else"
		if _, err := s.UpdateService(ctx, f.manager, stale); !care.IsKind(err, care.KindConflict) {
			t.Fatalf("stale edit = %v", err)
		}
		if now, _ := s.Service(ctx, sv.ID); now.Name != "Hackney Reablement" || now.Version != 2 {
			t.Fatalf("the stale edit changed the service: %+v", now)
		}

		// Verifying needs the current version too.
		if _, err := s.VerifyService(ctx, f.manager, sv.ID, 1); !care.IsKind(err, care.KindConflict) {
			t.Fatalf("stale verify = %v", err)
		}
		verified, err := s.VerifyService(ctx, f.manager, sv.ID, 2)
		if err != nil || verified.Version != 3 || verified.Verified.ByID != f.manager.UserID {
			t.Fatalf("verify = %+v, %v", verified, err)
		}

		// Someone from another organisation is refused, and it is audited.
		if _, err := s.UpdateService(ctx, f.outsider, verified); !care.IsKind(err, care.KindForbidden) {
			t.Fatalf("outsider edit = %v", err)
		}
		if _, err := s.VerifyService(ctx, f.gp, sv.ID, 3); !care.IsKind(err, care.KindForbidden) {
			t.Fatalf("GP verify = %v", err)
		}
		other := f.service()
		other.OrganisationID, other.TeamID = f.other.ID, f.otherTeam.ID
		if _, err := s.CreateService(ctx, f.manager, other); !care.IsKind(err, care.KindForbidden) {
			t.Fatalf("creating a service for another organisation = %v", err)
		}
		denied := auditActions(t, s, "denied")
		for _, a := range []string{"directory.service.update", "directory.service.verify", "directory.service.create"} {
			if !contains(denied, a) {
				t.Errorf("refused %s not audited: %v", a, denied)
			}
		}
		done := auditActions(t, s, "success")
		for _, a := range []string{"directory.service.create", "directory.service.update", "directory.service.verify"} {
			if !contains(done, a) {
				t.Errorf("%s not audited: %v", a, done)
			}
		}

		hist, err := s.EntryHistory(ctx, EntryService, sv.ID, 10)
		if err != nil || len(hist) != 3 {
			t.Fatalf("history = %d, %v", len(hist), err)
		}
		if hist[0].Change != ChangeVerify || hist[1].Change != ChangeEdit || hist[2].Change != ChangeCreate || hist[2].PreviousState != nil {
			t.Fatalf("history changes = %s %s %s", hist[0].Change, hist[1].Change, hist[2].Change)
		}
		var was care.Service
		if err := json.Unmarshal(hist[1].PreviousState, &was); err != nil || was.TypicalWait != "2 to 5 working days" {
			t.Fatalf("previous state = %+v, %v", was, err)
		}

		// A team of another organisation cannot run the service.
		bad := verified
		bad.TeamID = f.otherTeam.ID
		if _, err := s.UpdateService(ctx, f.manager, bad); care.FieldsOf(err).Message("team") == "" {
			t.Fatalf("foreign team = %v", err)
		}
		invalid := verified
		invalid.Name = ""
		if _, err := s.UpdateService(ctx, f.manager, invalid); care.FieldsOf(err).Message("name") == "" {
			t.Fatalf("invalid edit = %v", err)
		}
	})
}

func TestTeamDetailsPracticesAndContacts(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		f := newDirFixture(t, s)
		tm, err := s.Team(ctx, f.team.ID)
		if err != nil {
			t.Fatal(err)
		}
		tm.Description, tm.Phone = "Short-term help at home", "020 7946 0101"
		tm.Hours, _ = care.ParseOpeningHours("mon 08:00-20:00; bank-holidays open")
		tm.Practices = []string{f.practice.ID}
		updated, err := s.UpdateTeamDetails(ctx, f.manager, tm)
		if err != nil {
			t.Fatal(err)
		}
		if updated.Version != 2 || len(updated.Practices) != 1 || updated.Hours.Days[time.Monday].Opens != 480 {
			t.Fatalf("team = %+v", updated)
		}
		tm.Version = updated.Version
		tm.Practices = []string{f.council.ID}
		if _, err := s.UpdateTeamDetails(ctx, f.manager, tm); care.FieldsOf(err).Message("practices") == "" {
			t.Fatalf("a council accepted as a practice: %v", err)
		}
		if _, err := s.UpdateTeamDetails(ctx, f.outsider, updated); !care.IsKind(err, care.KindForbidden) {
			t.Fatalf("outsider = %v", err)
		}
		if _, err := s.VerifyTeam(ctx, f.manager, f.team.ID, updated.Version); err != nil {
			t.Fatal(err)
		}

		c, err := s.CreateContact(ctx, f.manager, care.Contact{TeamID: f.team.ID, Name: "Funmi Adebayo", Role: "Duty coordinator",
			Phone: "020 7946 0102", Duty: true, PracticeID: f.practice.ID})
		if err != nil || c.OrganisationID != f.council.ID {
			t.Fatalf("contact = %+v, %v", c, err)
		}
		if _, err := s.CreateContact(ctx, f.outsider, care.Contact{TeamID: f.team.ID, Role: "Duty", Duty: true, Phone: "020 7946 0103"}); !care.IsKind(err, care.KindForbidden) {
			t.Fatalf("outsider contact = %v", err)
		}
		c.Phone = "020 7946 0199"
		c2, err := s.UpdateContact(ctx, f.manager, c)
		if err != nil || c2.Version != 2 {
			t.Fatalf("update contact = %+v, %v", c2, err)
		}
		if _, err := s.UpdateContact(ctx, f.manager, c); !care.IsKind(err, care.KindConflict) {
			t.Fatalf("stale contact edit = %v", err)
		}

		snap, err := s.DirectorySnapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(snap.Organisations) != 3 || len(snap.Teams) != 3 || len(snap.Contacts) != 1 || snap.Contacts[0].Phone != "020 7946 0199" {
			t.Fatalf("snapshot orgs %d teams %d contacts %+v", len(snap.Organisations), len(snap.Teams), snap.Contacts)
		}
		for _, team := range snap.Teams {
			if team.ID == f.team.ID && (len(team.Practices) != 1 || team.Practices[0] != f.practice.ID) {
				t.Fatalf("snapshot team practices = %v", team.Practices)
			}
		}

		since := time.Now().Add(-time.Minute)
		if _, err := s.RemoveContact(ctx, f.manager, c.ID, c2.Version); err != nil {
			t.Fatal(err)
		}
		changes, err := s.DirectoryChangesSince(ctx, since)
		if err != nil {
			t.Fatal(err)
		}
		var refs []EntryRef
		for _, c := range changes {
			if c.At.Before(since) {
				t.Errorf("%v changed at %v, before %v", c.Ref, c.At, since)
			}
			refs = append(refs, c.Ref)
		}
		want := map[EntryRef]bool{{EntryTeam, f.team.ID}: true, {EntryContact, c.ID}: true}
		for _, r := range refs {
			delete(want, r)
		}
		if len(want) != 0 {
			t.Fatalf("changes %v miss %v", refs, want)
		}
		d, gone, err := s.DirectoryEntries(ctx, refs)
		if err != nil || len(gone) != 1 || gone[0].ID != c.ID || len(d.Teams) != 3 || len(d.Organisations) != 3 {
			t.Fatalf("entries: %d teams, %d organisations, gone %v, %v", len(d.Teams), len(d.Organisations), gone, err)
		}
	})
}

func TestOrganisationDetails(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		f := newDirFixture(t, s)
		o := f.council
		o.Website, o.Description, o.Address = "https://hackney.example.org.uk", "The council.", "Hackney Town Hall, Mare Street"
		o.ODSCode = "X99" // codes are not edited here
		saved, err := s.UpdateOrganisationDetails(ctx, f.manager, o)
		if err != nil || saved.Website != o.Website || saved.ODSCode != "" || saved.Version != 2 {
			t.Fatalf("saved = %+v, %v", saved, err)
		}
		if _, err := s.UpdateOrganisationDetails(ctx, f.manager, o); !care.IsKind(err, care.KindConflict) {
			t.Fatalf("stale = %v", err)
		}
		if _, err := s.UpdateOrganisationDetails(ctx, f.outsider, saved); !care.IsKind(err, care.KindForbidden) {
			t.Fatalf("outsider = %v", err)
		}
		if _, err := s.VerifyOrganisation(ctx, f.gp, saved.ID, saved.Version); !care.IsKind(err, care.KindForbidden) {
			t.Fatalf("gp = %v", err)
		}
		v, err := s.VerifyOrganisation(ctx, f.manager, saved.ID, saved.Version)
		if err != nil || v.Verified.At.IsZero() {
			t.Fatalf("verify = %+v %v", v, err)
		}
		byCode, err := s.OrganisationByCode(ctx, "E09000012")
		if err != nil || byCode.Description != "The council." {
			t.Fatalf("by code = %+v, %v", byCode, err)
		}
		if _, err := s.OrganisationByCode(ctx, "E09999999"); !care.IsKind(err, care.KindNotFound) || !strings.Contains(err.Error(), "E09999999") {
			t.Fatalf("missing code = %v", err)
		}
	})
}
