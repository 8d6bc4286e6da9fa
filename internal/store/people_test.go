package store

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/joinedup/joinedup/internal/audit"
	"github.com/joinedup/joinedup/internal/care"
)

// area is a small world for person tests: a GP practice, another practice,
// and a council, each with a team, and users in them.
type area struct {
	s                        *Store
	practice, other, council care.Organisation
	practiceTeam, otherTeam  care.Team
	councilTeam              care.Team
	// Actors, by name.
	gp, practiceStaff, practiceManager, socialWorker, nurseElsewhere, analyst, officer care.Actor
	clock                                                                              *testClock
}

type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *testClock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.now = c.now.Add(d) }

func newArea(t *testing.T, s *Store) *area {
	t.Helper()
	ctx := context.Background()
	sys := care.SystemActor("test")
	a := &area{s: s, clock: &testClock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}}
	s.now = a.clock.Now
	org := func(o care.Organisation) care.Organisation {
		created, err := s.CreateOrganisation(ctx, sys, o)
		if err != nil {
			t.Fatal(err)
		}
		return created
	}
	team := func(o care.Organisation, name string) care.Team {
		tm, err := s.CreateTeam(ctx, sys, care.Team{OrganisationID: o.ID, Name: name, Kind: "team"})
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	a.practice = org(care.Organisation{Name: "Lower Clapton Group Practice", Kind: care.OrgGPPractice, ODSCode: "F84003", Phone: "020 8986 7111"})
	a.other = org(care.Organisation{Name: "Other Practice", Kind: care.OrgGPPractice, ODSCode: "F84008"})
	a.council = org(care.Organisation{Name: "London Borough of Hackney", Kind: care.OrgLocalAuthority, GSSCode: "E09000012"})
	org(care.Organisation{Name: "Hackney Community Health", Kind: care.OrgNHSTrust})
	a.practiceTeam = team(a.practice, "Practice team")
	a.otherTeam = team(a.other, "Other practice team")
	a.councilTeam = team(a.council, "North Locality Team")
	actor := func(email string, role care.Role, tm care.Team) care.Actor {
		u, err := s.CreateUser(ctx, sys, NewUser{Email: email, Name: "Test " + role.Label(), PasswordHash: "h",
			Memberships: []NewMembership{{TeamID: tm.ID, Role: role}}})
		if err != nil {
			t.Fatal(err)
		}
		return care.Actor{UserID: u.ID, Name: u.Name, Acting: u.Memberships[0], Memberships: u.Memberships}
	}
	a.gp = actor("gp@example.nhs.uk", care.RoleGP, a.practiceTeam)
	a.practiceStaff = actor("staff@example.nhs.uk", care.RolePracticeStaff, a.practiceTeam)
	a.practiceManager = actor("pm@example.nhs.uk", care.RolePracticeManager, a.practiceTeam)
	a.socialWorker = actor("sw@example.gov.uk", care.RoleSocialWorker, a.councilTeam)
	a.nurseElsewhere = actor("nurse@example.nhs.uk", care.RoleNurse, a.otherTeam)
	a.analyst = actor("analyst@example.nhs.uk", care.RoleAnalyst, a.practiceTeam)
	a.officer = actor("po@example.nhs.uk", care.RolePrivacyOfficer, a.practiceTeam)
	return a
}

func (a *area) newPerson(nhs, given, family string) care.Person {
	return care.Person{NHSNumber: care.NHSNumber(nhs), GivenName: given, FamilyName: family, DateOfBirth: "1941-05-17",
		Address: "12 Example Road\nLondon", Postcode: "e5 0pq", LocalAuthorityGSS: "E09000012", RegisteredPracticeID: a.practice.ID,
		Phone: "020 7946 0001", ContactPreference: care.ContactPhone, Language: "English"}
}

func (a *area) register(t *testing.T, nhs, given, family string) care.Person {
	t.Helper()
	p, err := a.s.RegisterPerson(context.Background(), a.practiceManager, a.newPerson(nhs, given, family), nil, false)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// auditRows returns the audit rows naming the person, oldest first.
func auditRows(t *testing.T, s *Store, personID string) []audit.Row {
	t.Helper()
	rows, err := s.ListAudit(context.Background(), care.SystemActor("test"), AuditFilter{PersonID: personID, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for i, j := 0, len(rows)-1; i < j; i, j = i+1, j-1 {
		rows[i], rows[j] = rows[j], rows[i]
	}
	return rows
}

func hasAudit(rows []audit.Row, action string, outcome audit.Outcome, detailPart string) bool {
	for _, r := range rows {
		if r.Action == action && r.Outcome == outcome && strings.Contains(r.Detail, detailPart) {
			return true
		}
	}
	return false
}

func TestRegisterPerson(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		a := newArea(t, s)
		p, err := s.RegisterPerson(ctx, a.practiceManager, a.newPerson("999 000 0026", " Ada ", "Lovelace"),
			map[string]string{"what_matters": "My garden", "made_up": "dropped"}, false)
		if err != nil {
			t.Fatal(err)
		}
		if p.NHSNumber != "9990000026" || p.Postcode != "E5 0PQ" || p.GivenName != "Ada" {
			t.Errorf("registered %+v", p)
		}
		rec, err := s.PersonRecord(ctx, a.gp, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if rec.AboutMe.Value("what_matters") != "My garden" || rec.AboutMe.Version != 1 || rec.AboutMe.UpdatedBy != a.practiceManager.Name {
			t.Errorf("about me = %+v", rec.AboutMe)
		}
		if rec.Practice.Name != "Lower Clapton Group Practice" || rec.LocalAuthority.Name != "London Borough of Hackney" {
			t.Errorf("places = %q, %q", rec.Practice.Name, rec.LocalAuthority.Name)
		}

		// A second record with the same NHS number is refused at the field.
		_, err = s.RegisterPerson(ctx, a.practiceManager, a.newPerson("9990000026", "Someone", "Else"), nil, false)
		if !care.IsKind(err, care.KindConflict) || !strings.Contains(care.FieldsOf(err).Message("nhs_number"), "already a record") {
			t.Fatalf("duplicate NHS number: %v", err)
		}
		// The same name and date of birth under another number is a warning
		// until the user confirms it is someone else.
		twin := a.newPerson("9990000034", "ADA", "lovelace")
		_, err = s.RegisterPerson(ctx, a.practiceManager, twin, nil, false)
		if !care.IsKind(err, care.KindConflict) || care.FieldsOf(err).Message("confirm_duplicate") == "" {
			t.Fatalf("same name and birth date: %v", err)
		}
		if !hasAudit(auditRows(t, s, p.ID), "person.duplicate_warn", audit.OutcomeSuccess, "") {
			t.Error("the duplicate warning is not audited against the existing record")
		}
		twinP, err := s.RegisterPerson(ctx, a.practiceManager, twin, nil, true)
		if err != nil {
			t.Fatalf("confirmed different person: %v", err)
		}
		if !hasAudit(auditRows(t, s, twinP.ID), "person.register", audit.OutcomeSuccess, "confirmed-different") {
			t.Error("the confirmation is not audited")
		}

		// Validation problems come back at their fields, and nothing is saved.
		bad := a.newPerson("9990000027", "", "X")
		bad.Postcode = "E5"
		bad.RegisteredPracticeID = a.council.ID
		_, err = s.RegisterPerson(ctx, a.practiceManager, bad, nil, false)
		fields := care.FieldsOf(err)
		if !strings.Contains(fields.Message("nhs_number"), "not a valid NHS number") || fields.Message("given_name") == "" ||
			!strings.Contains(fields.Message("postcode"), "full postcode") {
			t.Errorf("field problems = %+v", fields)
		}
		notPractice := a.newPerson("9990000042", "Bo", "Peep")
		notPractice.RegisteredPracticeID = a.council.ID
		if _, err := s.RegisterPerson(ctx, a.practiceManager, notPractice, nil, false); care.FieldsOf(err).Message("registered_practice") == "" {
			t.Errorf("a council as GP practice: %v", err)
		}
		notLA := a.newPerson("9990000042", "Bo", "Peep")
		notLA.LocalAuthorityGSS = "E09000099"
		if _, err := s.RegisterPerson(ctx, a.practiceManager, notLA, nil, false); care.FieldsOf(err).Message("local_authority") == "" {
			t.Errorf("an unknown local authority: %v", err)
		}
		if n, _ := s.CountPeople(ctx); n != 2 {
			t.Errorf("%d people saved", n)
		}

		// Roles that do not register people are refused, and audited.
		if _, err := s.RegisterPerson(ctx, a.analyst, a.newPerson("9990000042", "Bo", "Peep"), nil, false); !care.IsKind(err, care.KindForbidden) {
			t.Errorf("analyst registering: %v", err)
		}

		// A social worker registering someone outside their organisation
		// joins the care team, so they can see what they registered.
		sw, err := s.RegisterPerson(ctx, a.socialWorker, a.newPerson("9990000042", "Bo", "Peep"), nil, false)
		if err != nil {
			t.Fatal(err)
		}
		rec, err = s.PersonRecord(ctx, a.socialWorker, sw.ID)
		if err != nil || !rec.Relationships.CareTeam || len(rec.CareTeam) != 1 {
			t.Fatalf("social worker's registration: %+v, %v", rec.Relationships, err)
		}
	})
}

func TestPersonAccessFollowsRelationships(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		a := newArea(t, s)
		p := a.register(t, "9990000026", "Ada", "Lovelace")
		read := func(actor care.Actor) (care.PersonRecord, error) { return s.PersonRecord(ctx, actor, p.ID) }

		// The registered practice sees the record.
		if rec, err := read(a.practiceStaff); err != nil || !rec.Full() || !rec.Relationships.Practice || !rec.CanEdit() || rec.CanEditPlan() {
			t.Fatalf("practice staff: %+v, %v", rec.Relationships, err)
		}
		// With no relationship: refused, and the refusal audited.
		for _, actor := range []care.Actor{a.socialWorker, a.nurseElsewhere, a.analyst, a.officer} {
			if _, err := read(actor); !care.IsKind(err, care.KindForbidden) {
				t.Errorf("%s without a relationship: %v", actor.Role(), err)
			}
		}
		if !hasAudit(auditRows(t, s, p.ID), "person.read", audit.OutcomeDenied, "no-relationship") {
			t.Error("the refusal is not in the audit trail")
		}

		// Joining the care team gives a relationship.
		sw := a.socialWorker
		m, err := s.AddCareTeamUser(ctx, a.practiceManager, p.ID, sw.Acting.ID, "Care Act assessment", "")
		if err != nil {
			t.Fatal(err)
		}
		rec, err := read(sw)
		if err != nil || !rec.Relationships.CareTeam || !rec.CanEditPlan() {
			t.Fatalf("care team member: %+v, %v", rec.Relationships, err)
		}

		// An objection recorded by the practice leaves the social worker
		// knowing only that the record exists, and whom to contact.
		if err := s.SetObjection(ctx, a.gp, p.ID, true, rec.Person.Version); err != nil {
			t.Fatal(err)
		}
		rec, err = read(sw)
		if err != nil || rec.Access != care.AccessExistence || rec.Person.Phone != "" || rec.Person.Address != "" ||
			rec.Practice.Phone != "020 8986 7111" || rec.CanEdit() {
			t.Fatalf("objection: access %v, person %+v, %v", rec.Access, rec.Person, err)
		}
		if _, err := s.Plan(ctx, sw, p.ID); !care.IsKind(err, care.KindForbidden) {
			t.Errorf("plan under objection: %v", err)
		}
		if err := s.SavePlanSection(ctx, sw, p.ID, care.SectionGoals, map[string]string{"goals": "x"}, 0); !care.IsKind(err, care.KindForbidden) {
			t.Errorf("plan change under objection: %v", err)
		}
		if rec, err := read(a.gp); err != nil || !rec.Full() {
			t.Errorf("the practice under objection: %v", err)
		}
		rows := auditRows(t, s, p.ID)
		if !hasAudit(rows, "person.read", audit.OutcomeSuccess, "parts=identity,contact-to-ask via=care-team") {
			t.Error("the restricted read is not audited with its parts")
		}
		// Withdrawn, the social worker sees it all again.
		rec, _ = read(a.gp)
		if err := s.SetObjection(ctx, a.gp, p.ID, false, rec.Person.Version); err != nil {
			t.Fatal(err)
		}
		if rec, err := read(sw); err != nil || !rec.Full() {
			t.Errorf("after the objection was withdrawn: %v", err)
		}

		// Leaving the care team ends the relationship.
		if err := s.RemoveCareTeamMember(ctx, a.practiceManager, p.ID, m.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := read(sw); !care.IsKind(err, care.KindForbidden) {
			t.Errorf("after leaving the care team: %v", err)
		}

		// A referral grant follows the team, until the referral closes.
		if _, err := s.GrantRelationship(ctx, sw, RelationshipGrant{PersonID: p.ID, Kind: care.GrantOpenReferral, TeamID: sw.Acting.TeamID,
			SourceType: "referral", SourceID: "r1"}); !care.IsKind(err, care.KindForbidden) {
			t.Errorf("a user granting themselves a relationship: %v", err)
		}
		if _, err := s.GrantRelationship(ctx, care.SystemActor("test"), RelationshipGrant{PersonID: p.ID, Kind: care.GrantOpenReferral,
			TeamID: sw.Acting.TeamID, SourceType: "referral", SourceID: "r1"}); err != nil {
			t.Fatal(err)
		}
		if rec, err := read(sw); err != nil || !rec.Relationships.Referral || rec.CanEdit() {
			t.Errorf("open referral: %+v, %v", rec.Relationships, err)
		}
		if err := s.EndRelationships(ctx, care.SystemActor("test"), "referral", "r1"); err != nil {
			t.Fatal(err)
		}
		a.clock.Add(time.Second)
		if _, err := read(sw); !care.IsKind(err, care.KindForbidden) {
			t.Errorf("after the referral closed: %v", err)
		}

		// An MDT attendee sees the record within the meeting's window only.
		now := a.clock.Now()
		if _, err := s.GrantRelationship(ctx, care.SystemActor("test"), RelationshipGrant{PersonID: p.ID, Kind: care.GrantMDTAttendee,
			UserID: a.nurseElsewhere.UserID, SourceType: "mdt_meeting", SourceID: "m1", From: now.Add(-time.Hour), Until: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if rec, err := read(a.nurseElsewhere); err != nil || !rec.Relationships.MDT {
			t.Errorf("MDT attendee: %v", err)
		}
		a.clock.Add(2 * time.Hour)
		if _, err := read(a.nurseElsewhere); !care.IsKind(err, care.KindForbidden) {
			t.Errorf("MDT attendee after the window: %v", err)
		}
	})
}

func TestBreakGlass(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		a := newArea(t, s)
		p := a.register(t, "9990000026", "Ada", "Lovelace")
		nurse := a.nurseElsewhere

		// A reason is needed, and an NHS number that has a record.
		if _, _, err := s.StartBreakGlass(ctx, nurse, "9990000026", care.BreakGlassEmergency, ""); care.FieldsOf(err).Message("reason") == "" {
			t.Errorf("no reason: %v", err)
		}
		if _, _, err := s.StartBreakGlass(ctx, nurse, "9990000034", care.BreakGlassEmergency, "Collapsed at the surgery door"); care.FieldsOf(err).Message("nhs_number") == "" {
			t.Errorf("no such record: %v", err)
		}
		if _, _, err := s.StartBreakGlass(ctx, a.analyst, "9990000026", care.BreakGlassEmergency, "Collapsed at the surgery door"); !care.IsKind(err, care.KindForbidden) {
			t.Errorf("an analyst's break-glass: %v", err)
		}
		id, already, err := s.StartBreakGlass(ctx, nurse, "999 000 0026", care.BreakGlassEmergency, "Collapsed at the surgery door")
		if err != nil || already || id != p.ID {
			t.Fatalf("break-glass: %q %v %v", id, already, err)
		}
		rec, err := s.PersonRecord(ctx, nurse, p.ID)
		if err != nil || !rec.Relationships.BreakGlass || rec.CanEdit() || !rec.BreakGlassUntil.Equal(a.clock.Now().Add(care.BreakGlassDuration)) {
			t.Fatalf("reading under break-glass: %+v %v %v", rec.Relationships, rec.BreakGlassUntil, err)
		}
		if _, _, err := s.StartBreakGlass(ctx, nurse, "9990000026", care.BreakGlassEmergency, "Collapsed at the surgery door"); err != nil {
			t.Fatal(err)
		} else if _, already, _ := s.StartBreakGlass(ctx, nurse, "9990000026", care.BreakGlassEmergency, "Still here, checking meds"); !already {
			t.Error("a second break-glass while one is active was started")
		}
		rows := auditRows(t, s, p.ID)
		found := false
		for _, r := range rows {
			if r.Action == "break_glass.start" && strings.Contains(r.Reason, "Collapsed at the surgery door") {
				found = true
			}
		}
		if !found || !hasAudit(rows, "person.read", audit.OutcomeSuccess, "via=break-glass") {
			t.Error("break-glass and the read under it are not audited with the reason")
		}

		// It ends after its time.
		a.clock.Add(care.BreakGlassDuration)
		if _, err := s.PersonRecord(ctx, nurse, p.ID); !care.IsKind(err, care.KindForbidden) {
			t.Errorf("after break-glass expired: %v", err)
		}

		// The privacy officer reviews it from the queue.
		if _, err := s.BreakGlassQueue(ctx, a.gp, false); !care.IsKind(err, care.KindForbidden) {
			t.Errorf("a GP reading the queue: %v", err)
		}
		queue, err := s.BreakGlassQueue(ctx, a.officer, false)
		if err != nil || len(queue) != 1 {
			t.Fatalf("queue = %+v, %v", queue, err)
		}
		q := queue[0]
		if q.PersonName != "Ada Lovelace" || q.UserName != nurse.Name || q.ReadsDuring != 1 || q.Category != care.BreakGlassEmergency {
			t.Errorf("queue entry = %+v", q)
		}
		if err := s.ReviewBreakGlass(ctx, a.officer, q.ID, care.ReviewInappropriate, "", q.Version); care.FieldsOf(err).Message("note") == "" {
			t.Errorf("inappropriate without a note: %v", err)
		}
		if err := s.ReviewBreakGlass(ctx, a.officer, q.ID, care.ReviewAppropriate, "Patient collapsed; confirmed with the practice", q.Version); err != nil {
			t.Fatal(err)
		}
		if err := s.ReviewBreakGlass(ctx, a.officer, q.ID, care.ReviewInappropriate, "second look", q.Version); !care.IsKind(err, care.KindConflict) {
			t.Errorf("a second review over the first: %v", err)
		}
		if queue, _ := s.BreakGlassQueue(ctx, a.officer, false); len(queue) != 0 {
			t.Errorf("reviewed use still waiting: %+v", queue)
		}
		done, _ := s.BreakGlassQueue(ctx, a.officer, true)
		if len(done) != 1 || done[0].Outcome != care.ReviewAppropriate || done[0].ReviewedBy != a.officer.Name {
			t.Errorf("reviewed = %+v", done)
		}

		// "Who has accessed this record" lists it all in plain words.
		if _, _, err := s.PersonAccessLog(ctx, a.gp, p.ID); !care.IsKind(err, care.KindForbidden) {
			t.Errorf("a GP reading the access log: %v", err)
		}
		who, log, err := s.PersonAccessLog(ctx, a.officer, p.ID)
		if err != nil || who.FamilyName != "Lovelace" {
			t.Fatal(err)
		}
		var sawBreakGlass, sawDenied bool
		for _, e := range log {
			if e.What == "Used emergency access" && e.UserName == nurse.Name && strings.Contains(e.Reason, "Collapsed") && e.TeamName == "Other practice team" {
				sawBreakGlass = true
			}
			if e.Denied && e.UserName == nurse.Name {
				sawDenied = true
			}
		}
		if !sawBreakGlass || !sawDenied {
			t.Errorf("access log lacks break-glass (%v) or the refusal (%v): %+v", sawBreakGlass, sawDenied, log)
		}
	})
}

func TestSensitiveAlertsAreHiddenButCounted(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		a := newArea(t, s)
		p := a.register(t, "9990000026", "Ada", "Lovelace")
		if _, err := s.AddAlert(ctx, a.practiceStaff, p.ID, care.Alert{Kind: care.AlertSafeguarding, Sensitivity: care.SensitivitySensitive,
			Description: "Concern about finances"}); care.FieldsOf(err).Message("sensitivity") == "" {
			t.Errorf("practice staff adding a sensitive alert: %v", err)
		}
		if _, err := s.AddAlert(ctx, a.gp, p.ID, care.Alert{Kind: care.AlertSafeguarding, Sensitivity: care.SensitivitySensitive,
			Description: "Concern about finances"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddAlert(ctx, a.practiceStaff, p.ID, care.Alert{Kind: care.AlertRiskToStaff, Sensitivity: care.SensitivityStandard,
			Description: "Large dog: ask for it to be shut away"}); err != nil {
			t.Fatal(err)
		}
		staff, err := s.PersonRecord(ctx, a.practiceStaff, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(staff.Alerts) != 1 || staff.Alerts[0].Kind != care.AlertRiskToStaff || staff.HiddenAlerts != 1 {
			t.Errorf("practice staff see %+v, %d hidden", staff.Alerts, staff.HiddenAlerts)
		}
		gp, _ := s.PersonRecord(ctx, a.gp, p.ID)
		if len(gp.Alerts) != 2 || gp.HiddenAlerts != 0 {
			t.Errorf("GP sees %d alerts, %d hidden", len(gp.Alerts), gp.HiddenAlerts)
		}
		if !hasAudit(auditRows(t, s, p.ID), "person.read", audit.OutcomeSuccess, "alerts:1-shown:1-withheld") {
			t.Error("the withheld alert is not in the audit detail")
		}
		// The timeline hides the sensitive alert's event from practice staff too.
		_, events, err := s.Timeline(ctx, a.practiceStaff, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range events {
			if ev.Type == care.EventAlertAdded && strings.HasPrefix(ev.Summary, "Safeguarding") {
				t.Error("practice staff see the sensitive alert's timeline event")
			}
		}
		_, events, _ = s.Timeline(ctx, a.gp, p.ID)
		seen := false
		for _, ev := range events {
			seen = seen || strings.HasPrefix(ev.Summary, "Safeguarding")
		}
		if !seen {
			t.Error("the GP does not see the sensitive alert's timeline event")
		}
		// Someone who cannot read an alert cannot end it either.
		if err := s.EndAlert(ctx, a.practiceStaff, p.ID, gp.Alerts[0].ID); !care.IsKind(err, care.KindNotFound) {
			t.Errorf("practice staff ending a sensitive alert: %v", err)
		}
	})
}

func TestCareTeamHasOneCoordinator(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		a := newArea(t, s)
		p := a.register(t, "9990000026", "Ada", "Lovelace")
		sw, err := s.AddCareTeamUser(ctx, a.practiceManager, p.ID, a.socialWorker.Acting.ID, "Care Act assessment", "020 8356 0000")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddCareTeamUser(ctx, a.practiceManager, p.ID, a.socialWorker.Acting.ID, "Again", ""); care.FieldsOf(err).Message("membership") == "" {
			t.Errorf("adding the same user twice: %v", err)
		}
		dn, err := s.AddCareTeamContact(ctx, a.practiceManager, p.ID, care.CareTeamMember{Name: "Jo Bloggs", RoleLabel: "District nurse",
			OrganisationName: "Hackney Community Health", Phone: "020 7946 0002", Responsibility: "Leg ulcer dressings"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddCareTeamContact(ctx, a.practiceManager, p.ID, care.CareTeamMember{Name: "No Contact"}); care.FieldsOf(err).Message("member_phone") == "" {
			t.Errorf("a contact with no way to reach them: %v", err)
		}
		if _, err := s.AddCareTeamUser(ctx, a.practiceManager, p.ID, a.analyst.Acting.ID, "Numbers", ""); care.FieldsOf(err).Message("membership") == "" {
			t.Errorf("adding an analyst to a care team: %v", err)
		}
		if _, err := s.AddCareTeamUser(ctx, a.nurseElsewhere, p.ID, a.nurseElsewhere.Acting.ID, "Myself", ""); !care.IsKind(err, care.KindForbidden) {
			t.Errorf("someone with no relationship adding themselves: %v", err)
		}

		// Naming a coordinator, then another, leaves exactly one.
		if err := s.NameCoordinator(ctx, a.practiceManager, p.ID, sw.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.NameCoordinator(ctx, a.socialWorker, p.ID, dn.ID); err != nil {
			t.Fatal(err)
		}
		rec, _ := s.PersonRecord(ctx, a.gp, p.ID)
		coordinators := 0
		for _, m := range rec.CareTeam {
			if m.Coordinator {
				coordinators++
			}
		}
		if coordinators != 1 || rec.Coordinator.ID != dn.ID || rec.CareTeam[0].ID != dn.ID {
			t.Errorf("%d coordinators; coordinator %+v", coordinators, rec.Coordinator)
		}
		// The social worker's contact details come from their account, with
		// the phone given when they were added.
		for _, m := range rec.CareTeam {
			if m.ID == sw.ID && (m.Name != a.socialWorker.Name || m.Email != "sw@example.gov.uk" || m.Phone != "020 8356 0000" ||
				m.OrganisationName != "London Borough of Hackney" || m.RoleLabel != "Social worker") {
				t.Errorf("social worker member = %+v", m)
			}
		}
		// The coordinator cannot be removed until another is named.
		if err := s.RemoveCareTeamMember(ctx, a.practiceManager, p.ID, dn.ID); !care.IsKind(err, care.KindConflict) {
			t.Errorf("removing the coordinator: %v", err)
		}

		// Many people naming coordinators at once still leave exactly one.
		var wg sync.WaitGroup
		for i := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				id := sw.ID
				if i%2 == 0 {
					id = dn.ID
				}
				for {
					err := s.NameCoordinator(ctx, a.practiceManager, p.ID, id)
					if !care.IsKind(err, care.KindConflict) {
						if err != nil {
							t.Error(err)
						}
						return
					}
				}
			}()
		}
		wg.Wait()
		rec, _ = s.PersonRecord(ctx, a.gp, p.ID)
		coordinators = 0
		for _, m := range rec.CareTeam {
			if m.Coordinator {
				coordinators++
			}
		}
		if coordinators != 1 {
			t.Errorf("%d coordinators after concurrent naming", coordinators)
		}
	})
}

func TestSearchFindsOnlyRelatedPeople(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		a := newArea(t, s)
		mine := a.register(t, "9990000026", "Ada", "Lovelace")
		theirs := a.newPerson("9990000034", "Ada", "Lovelace")
		theirs.RegisteredPracticeID = a.other.ID
		if _, err := s.RegisterPerson(ctx, a.practiceManager, theirs, nil, true); err != nil {
			t.Fatal(err)
		}
		byName := care.PersonQuery{FamilyName: "LOVELACE ", DateOfBirth: "1941-05-17"}
		got, err := s.SearchPeople(ctx, a.gp, byName)
		if err != nil || len(got) != 1 || got[0].ID != mine.ID || got[0].PracticeName != "Lower Clapton Group Practice" {
			t.Fatalf("search by name = %+v, %v", got, err)
		}
		if got, _ := s.SearchPeople(ctx, a.gp, care.PersonQuery{NHSNumber: "9990000034"}); len(got) != 0 {
			t.Errorf("search found someone without a relationship: %+v", got)
		}
		if got, _ := s.SearchPeople(ctx, a.gp, care.PersonQuery{FamilyName: "Lovelace", GivenName: "a", DateOfBirth: "1941-05-17"}); len(got) != 1 {
			t.Errorf("first-name prefix: %+v", got)
		}
		if got, _ := s.SearchPeople(ctx, a.gp, care.PersonQuery{FamilyName: "Lovelace", GivenName: "b", DateOfBirth: "1941-05-17"}); len(got) != 0 {
			t.Errorf("first-name mismatch: %+v", got)
		}
		if got, _ := s.SearchPeople(ctx, a.socialWorker, byName); len(got) != 0 {
			t.Errorf("a social worker with no relationship found %+v", got)
		}
		if _, err := s.SearchPeople(ctx, a.analyst, byName); !care.IsKind(err, care.KindForbidden) {
			t.Errorf("an analyst searching: %v", err)
		}
		// The search is audited as a search, and the person found as found.
		rows, _ := s.ListAudit(ctx, care.SystemActor("test"), AuditFilter{UserID: a.gp.UserID, Limit: 100})
		if !hasAudit(rows, "person.search", audit.OutcomeSuccess, "by=name-and-birth-date results=1") {
			t.Error("the search is not audited")
		}
		if !hasAudit(auditRows(t, s, mine.ID), "person.search.listed", audit.OutcomeSuccess, "via=registered-practice") {
			t.Error("the person found is not audited as found")
		}
	})
}

func TestUpdatePersonIsGuardedByVersion(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		a := newArea(t, s)
		p := a.register(t, "9990000026", "Ada", "Lovelace")
		first, second := p, p
		first.Phone = "020 7946 0009"
		second.Address = "Somewhere else"
		updated, err := s.UpdatePerson(ctx, a.gp, first)
		if err != nil || updated.Phone != "020 7946 0009" || updated.Version != 2 {
			t.Fatalf("update = %+v, %v", updated, err)
		}
		if _, err := s.UpdatePerson(ctx, a.practiceStaff, second); !care.IsKind(err, care.KindConflict) {
			t.Errorf("a stale update was saved: %v", err)
		}
		bad := updated
		bad.Email = "nope"
		if _, err := s.UpdatePerson(ctx, a.gp, bad); care.FieldsOf(err).Message("email") == "" {
			t.Errorf("a bad email: %v", err)
		}
		if _, err := s.UpdatePerson(ctx, a.socialWorker, updated); !care.IsKind(err, care.KindForbidden) {
			t.Errorf("no relationship: %v", err)
		}
		_, events, _ := s.Timeline(ctx, a.gp, p.ID)
		if len(events) == 0 || events[0].Summary != "Details changed: contact details" || events[0].ActorName != a.gp.Name {
			t.Errorf("timeline = %+v", events)
		}
	})
}
