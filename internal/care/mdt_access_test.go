package care

import (
	"slices"
	"testing"
	"time"
)

func TestMeetingAllowedTable(t *testing.T) {
	t.Parallel()
	const owner, elsewhere = "org-practice", "org-council"
	type rel struct {
		name       string
		org        string
		invitation *MDTInvitee
	}
	invited := func(s AttendanceState) *MDTInvitee { return &MDTInvitee{UserID: "u", State: s} }
	rels := []rel{
		{"no relation", elsewhere, nil},
		{"same organisation, not invited", owner, nil},
		{"invited", elsewhere, invited(AttendanceInvited)},
		{"accepted", elsewhere, invited(AttendanceAccepted)},
		{"declined", elsewhere, invited(AttendanceDeclined)},
		{"attended", elsewhere, invited(AttendanceAttendedRemotely)},
		{"someone else's invitation", elsewhere, &MDTInvitee{UserID: "other", State: AttendanceAccepted}},
		{"same organisation and invited", owner, invited(AttendanceAccepted)},
	}
	actions := []MeetingAction{MeetingView, MeetingReadPack, MeetingRespond, MeetingAddItem, MeetingRun}
	// want lists, per relation, what a care role outside MDTCoordinatorRoles
	// may do, and what a coordinator role may do.
	type expect struct{ member, coordinator []MeetingAction }
	attending := []MeetingAction{MeetingView, MeetingReadPack, MeetingRespond, MeetingAddItem}
	all := []MeetingAction{MeetingView, MeetingReadPack, MeetingRespond, MeetingAddItem, MeetingRun}
	run := []MeetingAction{MeetingView, MeetingReadPack, MeetingAddItem, MeetingRun}
	want := map[string]expect{
		"no relation":                    {nil, nil},
		"same organisation, not invited": {nil, run},
		"invited":                        {attending, attending},
		"accepted":                       {attending, attending},
		"declined":                       {[]MeetingAction{MeetingView, MeetingRespond}, []MeetingAction{MeetingView, MeetingRespond}},
		"attended":                       {attending, attending},
		"someone else's invitation":      {nil, nil},
		"same organisation and invited":  {attending, all},
	}
	for _, role := range Roles {
		for _, r := range rels {
			actor := Actor{UserID: "u", Acting: Membership{Role: role, OrgID: r.org}}
			relation := MeetingRelation(actor, owner, r.invitation)
			for _, action := range actions {
				var expected bool
				switch {
				case !role.IsCareRole():
					expected = false
				case slices.Contains(MDTCoordinatorRoles, role):
					expected = slices.Contains(want[r.name].coordinator, action)
				default:
					expected = slices.Contains(want[r.name].member, action)
				}
				if got := MeetingAllowed(actor, relation, action); got != expected {
					t.Errorf("%s, %s, %s: allowed = %v, want %v", role, r.name, action, got, expected)
				}
			}
		}
	}
	if MeetingAllowed(Actor{}, MDTRelation{Coordinator: true, Invited: true}, MeetingView) {
		t.Error("a signed-out actor may view a meeting")
	}
	if MeetingAllowed(SystemActor("x"), MDTRelation{Coordinator: true}, MeetingView) {
		t.Error("the system actor passes the user rules; the store must check it separately")
	}
}

func TestCanPutOnAgenda(t *testing.T) {
	t.Parallel()
	tests := []struct {
		rel  Relationships
		want bool
	}{
		{Relationships{}, false},
		{Relationships{Practice: true}, true},
		{Relationships{CareTeam: true}, true},
		{Relationships{Referral: true}, true},
		{Relationships{MDT: true}, false},
		{Relationships{BreakGlass: true}, false},
		{Relationships{MDT: true, BreakGlass: true}, false},
	}
	for _, tt := range tests {
		if got := CanPutOnAgenda(tt.rel); got != tt.want {
			t.Errorf("CanPutOnAgenda(%v) = %v, want %v", tt.rel.Names(), got, tt.want)
		}
	}
}

func TestCanUpdateMDTAction(t *testing.T) {
	t.Parallel()
	byUser := MDTAction{OwnerUserID: "u"}
	byTeam := MDTAction{OwnerTeamID: "team-1"}
	tests := []struct {
		name        string
		actor       Actor
		action      MDTAction
		coordinator bool
		want        bool
	}{
		{"the owner", Actor{UserID: "u", Acting: Membership{Role: RoleGP}}, byUser, false, true},
		{"someone else", Actor{UserID: "v", Acting: Membership{Role: RoleGP}}, byUser, false, false},
		{"a member of the owning team", Actor{UserID: "v", Acting: Membership{Role: RoleSocialWorker, TeamID: "team-1"}}, byTeam, false, true},
		{"acting for another team", Actor{UserID: "v", Acting: Membership{Role: RoleSocialWorker, TeamID: "team-2"}}, byTeam, false, false},
		{"the meeting's coordinator", Actor{UserID: "c", Acting: Membership{Role: RoleMDTCoordinator}}, byUser, true, true},
		{"a coordinator's relation without the role", Actor{UserID: "c", Acting: Membership{Role: RoleNurse}}, byUser, true, false},
		{"the owner, now in a role that does not work with people", Actor{UserID: "u", Acting: Membership{Role: RoleAnalyst}}, byUser, false, false},
		{"an empty owner matches nobody", Actor{UserID: "v", Acting: Membership{Role: RoleGP}}, MDTAction{}, false, false},
	}
	for _, tt := range tests {
		if got := CanUpdateMDTAction(tt.actor, tt.action, tt.coordinator); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestMDTAttendeeAccessIsTimeLimited(t *testing.T) {
	t.Parallel()
	end := time.Date(2026, 5, 12, 14, 0, 0, 0, time.UTC)
	until := MDTAttendeeAccessUntil(end)
	g := Grant{Kind: GrantMDTAttendee, From: end.Add(-72 * time.Hour), Until: until}
	for _, tt := range []struct {
		at   time.Time
		want bool
	}{
		{end.Add(-time.Hour), true},
		{end.Add(6 * 24 * time.Hour), true},
		{until.Add(-time.Second), true},
		{until, false},
		{until.Add(24 * time.Hour), false},
	} {
		if got := RelationshipsAt(tt.at, false, false, []Grant{g}).MDT; got != tt.want {
			t.Errorf("at %v: MDT relationship = %v, want %v", tt.at, got, tt.want)
		}
	}
}

func TestPreReadPackSection(t *testing.T) {
	t.Parallel()
	p := PreReadPack{Sections: []PackSection{{Key: "plan"}, {Key: "actions", Title: "Open actions"}}}
	if s, ok := p.Section("actions"); !ok || s.Title != "Open actions" {
		t.Errorf("Section(actions) = %v, %v", s, ok)
	}
	if _, ok := p.Section("referrals"); ok {
		t.Error("a pack without a referrals section says it has one")
	}
}
