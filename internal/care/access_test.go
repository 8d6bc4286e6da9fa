package care

import (
	"slices"
	"testing"
	"time"
)

func TestPersonRoleActions(t *testing.T) {
	t.Parallel()
	// want lists, per role, the person actions its role allows before any
	// relationship is considered; every other pair is denied.
	all := []Action{ActionSearchPeople, ActionRegisterPerson, ActionBreakGlass, ActionReviewBreakGlass, ActionViewAccessLog}
	want := map[Role][]Action{
		RoleGP:                    {ActionSearchPeople, ActionRegisterPerson, ActionBreakGlass},
		RolePracticeManager:       {ActionSearchPeople, ActionRegisterPerson, ActionBreakGlass},
		RolePracticeStaff:         {ActionSearchPeople, ActionRegisterPerson, ActionBreakGlass},
		RoleSocialWorker:          {ActionSearchPeople, ActionRegisterPerson, ActionBreakGlass},
		RoleTeamManager:           {ActionSearchPeople, ActionRegisterPerson, ActionBreakGlass},
		RoleNurse:                 {ActionSearchPeople, ActionBreakGlass},
		RoleOccupationalTherapist: {ActionSearchPeople, ActionBreakGlass},
		RoleCareNavigator:         {ActionSearchPeople, ActionBreakGlass},
		RoleMDTCoordinator:        {ActionSearchPeople, ActionBreakGlass},
		RolePrivacyOfficer:        {ActionReviewBreakGlass, ActionViewAccessLog},
		RoleAnalyst:               nil,
		RoleOrgAdmin:              nil,
		RoleAdmin:                 nil,
	}
	for _, role := range Roles {
		for _, action := range all {
			actor := Actor{UserID: "u", Acting: Membership{Role: role}}
			if got, expect := Allowed(actor, action), slices.Contains(want[role], action); got != expect {
				t.Errorf("Allowed(%s, %s) = %v, want %v", role, action, got, expect)
			}
		}
	}
}

// scenario is one way an actor can stand towards a person.
type scenario struct {
	name     string
	org      string // the organisation the actor is acting for
	practice bool
	careTeam bool
	grants   []Grant
}

func TestPersonAccessTable(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	hour := time.Hour
	const practiceOrg, councilOrg, otherOrg = "org-practice", "org-council", "org-other"
	scenarios := []scenario{
		{name: "no relationship", org: otherOrg},
		{name: "registered practice", org: practiceOrg, practice: true},
		{name: "care team, other organisation", org: otherOrg, careTeam: true},
		{name: "care team, organisation that recorded the objection", org: councilOrg, careTeam: true},
		{name: "open referral", org: otherOrg, grants: []Grant{{Kind: GrantOpenReferral, From: now.Add(-24 * hour)}}},
		{name: "closed referral", org: otherOrg, grants: []Grant{{Kind: GrantOpenReferral, From: now.Add(-48 * hour), Until: now.Add(-hour)}}},
		{name: "MDT attendee within the time limit", org: otherOrg, grants: []Grant{{Kind: GrantMDTAttendee, From: now.Add(-hour), Until: now.Add(hour)}}},
		{name: "MDT attendee after the time limit", org: otherOrg, grants: []Grant{{Kind: GrantMDTAttendee, From: now.Add(-72 * hour), Until: now.Add(-time.Second)}}},
		{name: "MDT attendee before the meeting's window", org: otherOrg, grants: []Grant{{Kind: GrantMDTAttendee, From: now.Add(hour), Until: now.Add(2 * hour)}}},
		{name: "break-glass, active", org: otherOrg, grants: []Grant{{Kind: GrantBreakGlass, From: now.Add(-hour), Until: now.Add(3 * hour)}}},
		{name: "break-glass, expired", org: otherOrg, grants: []Grant{{Kind: GrantBreakGlass, From: now.Add(-5 * hour), Until: now.Add(-hour)}}},
	}
	// expected, per scenario, for a care role: the access level without and
	// with an objection to sharing (recorded by the council), and whether
	// they may change the record (and, in PlanRoles, the plan).
	type expect struct {
		level, levelObjecting AccessLevel
		edit, editObjecting   bool
	}
	want := map[string]expect{
		"no relationship":                                     {AccessNone, AccessNone, false, false},
		"registered practice":                                 {AccessFull, AccessFull, true, true},
		"care team, other organisation":                       {AccessFull, AccessExistence, true, false},
		"care team, organisation that recorded the objection": {AccessFull, AccessFull, true, true},
		"open referral":                                       {AccessFull, AccessExistence, false, false},
		"closed referral":                                     {AccessNone, AccessNone, false, false},
		"MDT attendee within the time limit":                  {AccessFull, AccessExistence, false, false},
		"MDT attendee after the time limit":                   {AccessNone, AccessNone, false, false},
		"MDT attendee before the meeting's window":            {AccessNone, AccessNone, false, false},
		"break-glass, active":                                 {AccessFull, AccessExistence, false, false},
		"break-glass, expired":                                {AccessNone, AccessNone, false, false},
	}
	objection := Objection{Recorded: true, OrgID: councilOrg, RecordedAt: now.Add(-time.Hour)}
	for _, sc := range scenarios {
		w, ok := want[sc.name]
		if !ok {
			t.Fatalf("no expectation for %q", sc.name)
		}
		rel := RelationshipsAt(now, sc.practice, sc.careTeam, sc.grants)
		for _, role := range Roles {
			actor := Actor{UserID: "u1", Acting: Membership{Role: role, OrgID: sc.org}}
			for _, objecting := range []bool{false, true} {
				facts := PersonFacts{}
				level, edit := w.level, w.edit
				if objecting {
					facts.Objection = objection
					level, edit = w.levelObjecting, w.editObjecting
				}
				if !role.IsCareRole() {
					level, edit = AccessNone, false
				}
				plan := edit && slices.Contains(PlanRoles, role)
				cases := []struct {
					action PersonAction
					want   bool
				}{
					{PersonView, level >= AccessExistence},
					{PersonEdit, edit},
					{PersonManageCareTeam, edit},
					{PersonEditPlan, plan},
					{PersonAction("made.up"), false},
				}
				if got := PersonAccess(actor, rel, facts); got != level {
					t.Errorf("%s, %s, objection %v: access %v, want %v", role, sc.name, objecting, got, level)
				}
				for _, c := range cases {
					if got := PersonAllowed(actor, rel, facts, c.action); got != c.want {
						t.Errorf("%s, %s, objection %v: %s = %v, want %v", role, sc.name, objecting, c.action, got, c.want)
					}
				}
			}
		}
	}
}

func TestPersonAccessDeniesSignedOutAndSystem(t *testing.T) {
	t.Parallel()
	rel := Relationships{Practice: true, CareTeam: true}
	if PersonAccess(Actor{Acting: Membership{Role: RoleGP}}, rel, PersonFacts{}) != AccessNone {
		t.Error("a signed-out actor claiming a GP role sees a record")
	}
	if PersonAccess(SystemActor("test"), rel, PersonFacts{}) != AccessNone {
		t.Error("the system actor sees a record through the rules meant for people")
	}
}

func TestGrantActiveAt(t *testing.T) {
	t.Parallel()
	from := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	until := from.Add(time.Hour)
	cases := []struct {
		g    Grant
		at   time.Time
		want bool
	}{
		{Grant{From: from, Until: until}, from, true},
		{Grant{From: from, Until: until}, from.Add(-time.Nanosecond), false},
		{Grant{From: from, Until: until}, until.Add(-time.Nanosecond), true},
		{Grant{From: from, Until: until}, until, false},
		{Grant{From: from}, from.AddDate(5, 0, 0), true},
	}
	for _, c := range cases {
		if got := c.g.ActiveAt(c.at); got != c.want {
			t.Errorf("%+v at %v = %v, want %v", c.g, c.at, got, c.want)
		}
	}
}

func TestRelationshipNames(t *testing.T) {
	t.Parallel()
	r := Relationships{Practice: true, BreakGlass: true}
	if got := r.Names(); !slices.Equal(got, []string{"registered-practice", "break-glass"}) {
		t.Errorf("Names = %v", got)
	}
	if (Relationships{}).Any() {
		t.Error("no relationship counts as one")
	}
}

func TestCanSeeAlertAndEvent(t *testing.T) {
	t.Parallel()
	// Only these roles read sensitive alerts and sensitive timeline events.
	sensitive := map[Role]bool{RoleGP: true, RoleSocialWorker: true, RoleTeamManager: true, RoleNurse: true, RoleOccupationalTherapist: true}
	for _, role := range Roles {
		a := Actor{UserID: "u", Acting: Membership{Role: role}}
		if !CanSeeAlert(a, SensitivityStandard) {
			t.Errorf("%s cannot see a standard alert", role)
		}
		if got := CanSeeAlert(a, SensitivitySensitive); got != sensitive[role] {
			t.Errorf("%s sees a sensitive alert: %v", role, got)
		}
		if CanSeeAlert(a, Sensitivity("secret")) {
			t.Errorf("%s sees an alert of unknown sensitivity", role)
		}
		if !CanSeeEvent(a, AccessFull, VisibleToRecord) || CanSeeEvent(a, AccessExistence, VisibleToRecord) {
			t.Errorf("%s: record events follow the access level", role)
		}
		if got := CanSeeEvent(a, AccessFull, VisibleToSensitive); got != sensitive[role] {
			t.Errorf("%s sees a sensitive event: %v", role, got)
		}
		if CanSeeEvent(a, AccessFull, Visibility("made up")) {
			t.Errorf("%s sees an event of unknown visibility", role)
		}
	}
}
