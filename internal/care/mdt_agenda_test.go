package care_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/joinedup/joinedup/internal/care"
)

func TestIsLate(t *testing.T) {
	t.Parallel()
	meeting := mdtAt(t, "2025-03-31 13:00") // Monday, the day after the clocks went forward
	tests := []struct {
		name     string
		added    string
		deadline time.Duration
		want     bool
	}{
		{"well before", "2025-03-28 10:00", 0, false},
		{"exactly at the default deadline", "2025-03-30 13:00", 0, false},
		{"a minute after the default deadline", "2025-03-30 13:01", 0, true},
		{"on the morning of the meeting", "2025-03-31 09:00", 0, true},
		{"after the meeting started", "2025-03-31 13:30", 0, true},
		{"negative deadline means the default", "2025-03-30 13:01", -time.Hour, true},
		// 48 hours spans the change of clocks: the deadline is 12:00 GMT.
		{"48 hours: exactly at it", "2025-03-29 12:00", 48 * time.Hour, false},
		{"48 hours: after it", "2025-03-29 12:01", 48 * time.Hour, true},
		{"2 hours: the morning of", "2025-03-31 10:59", 2 * time.Hour, false},
		{"2 hours: too late", "2025-03-31 11:01", 2 * time.Hour, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := care.IsLate(mdtAt(t, tt.added), meeting, tt.deadline); got != tt.want {
				t.Errorf("IsLate = %v, want %v", got, tt.want)
			}
		})
	}
	closes := care.AgendaClosesAt(meeting.UTC(), 0)
	if got := closes.In(mdtLondon(t)).Format("2006-01-02 15:04"); got != "2025-03-30 13:00" {
		t.Errorf("agenda closes at %s London, want 13:00 the day before", got)
	}
}

func TestAgendaItemLate(t *testing.T) {
	t.Parallel()
	meeting := mdtAt(t, "2025-04-07 13:00")
	item := care.MDTAgendaItem{PersonID: "p-1", Question: "Q", AddedAt: mdtAt(t, "2025-04-07 12:00")}
	if !item.Late(meeting, 0) {
		t.Error("an item added an hour before is not late")
	}
	item.CarriedFromID = "item-0"
	if item.Late(meeting, 0) {
		t.Error("a carried-over item is late")
	}
}

func TestAgendaItemValidate(t *testing.T) {
	t.Parallel()
	valid := care.MDTAgendaItem{
		PersonID: "p-1", Question: "Is a care home placement now needed?",
		Needs:  []care.MDTNeed{{Role: care.RoleSocialWorker}, {UserID: "gp-1"}},
		Status: care.MDTItemOpen,
	}
	tests := []struct {
		name   string
		change func(*care.MDTAgendaItem)
		fields []string
	}{
		{"valid", func(*care.MDTAgendaItem) {}, nil},
		{"no needs", func(i *care.MDTAgendaItem) { i.Needs = nil }, nil},
		{"no person", func(i *care.MDTAgendaItem) { i.PersonID = "" }, []string{"person_id"}},
		{"no question", func(i *care.MDTAgendaItem) { i.Question = "\n " }, []string{"question"}},
		{"long question", func(i *care.MDTAgendaItem) { i.Question = strings.Repeat("q", 2001) }, []string{"question"}},
		{"unknown role", func(i *care.MDTAgendaItem) { i.Needs = []care.MDTNeed{{Role: "wizard"}} }, []string{"needs"}},
		{"role and user", func(i *care.MDTAgendaItem) { i.Needs = []care.MDTNeed{{Role: care.RoleGP, UserID: "gp-1"}} }, []string{"needs"}},
		{"empty need", func(i *care.MDTAgendaItem) { i.Needs = []care.MDTNeed{{}} }, []string{"needs"}},
		{"too many needs", func(i *care.MDTAgendaItem) { i.Needs = make([]care.MDTNeed, 21) }, []string{"needs"}},
		{"bad status", func(i *care.MDTAgendaItem) { i.Status = "parked" }, []string{"status"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			i := valid
			i.Needs = slices.Clone(valid.Needs)
			tt.change(&i)
			var got []string
			for _, f := range care.FieldsOf(i.Validate()) {
				got = append(got, f.Field)
			}
			if !slices.Equal(got, tt.fields) {
				t.Fatalf("fields = %v, want %v", got, tt.fields)
			}
		})
	}
}

func TestAttendanceCanChangeTo(t *testing.T) {
	t.Parallel()
	const (
		inv  = care.AttendanceInvited
		acc  = care.AttendanceAccepted
		dec  = care.AttendanceDeclined
		pers = care.AttendanceAttendedInPerson
		rem  = care.AttendanceAttendedRemotely
	)
	tests := []struct {
		from, to care.AttendanceState
		started  bool
		want     bool
	}{
		{inv, acc, false, true},
		{inv, dec, false, true},
		{acc, dec, false, true},
		{dec, acc, false, true},
		{acc, acc, false, false},
		{acc, inv, false, false},
		{inv, pers, false, false}, // nobody attends before the start
		{acc, rem, false, false},
		{acc, pers, true, true},
		{inv, rem, true, true},
		{dec, pers, true, true}, // came after all
		{pers, rem, true, true}, // correcting how
		{pers, acc, true, true}, // correcting: did not come
		{acc, dec, true, true},  // apologies on the day
		{dec, acc, true, false},
		{acc, inv, true, false},
		{pers, inv, true, false},
		{"maybe", acc, false, false},
		{inv, "maybe", true, false},
	}
	for _, tt := range tests {
		if got := tt.from.CanChangeTo(tt.to, tt.started); got != tt.want {
			t.Errorf("%s -> %s (started %v) = %v, want %v", tt.from, tt.to, tt.started, got, tt.want)
		}
	}
	for _, s := range care.AttendanceStates {
		if s.Label() == "" || !s.Valid() {
			t.Errorf("state %q has no label", s)
		}
	}
}

func TestUnmetNeeds(t *testing.T) {
	t.Parallel()
	invitees := []care.MDTInvitee{
		{UserID: "gp-1", Role: care.RoleGP, State: care.AttendanceAccepted, Core: true},
		{UserID: "sw-1", Role: care.RoleSocialWorker, State: care.AttendanceDeclined, Core: true},
		{UserID: "sw-2", Role: care.RoleSocialWorker, State: care.AttendanceDeclined},
		{UserID: "ot-1", Role: care.RoleOccupationalTherapist, State: care.AttendanceInvited},
		{UserID: "n-1", Role: care.RoleNurse, State: care.AttendanceDeclined},
		{UserID: "n-2", Role: care.RoleNurse, State: care.AttendanceAccepted},
	}
	items := []care.MDTAgendaItem{
		{ID: "i1", Status: care.MDTItemOpen, Needs: []care.MDTNeed{{UserID: "gp-1"}, {Role: care.RoleNurse}, {Role: care.RoleOccupationalTherapist}}},
		{ID: "i2", Status: care.MDTItemOpen, Needs: []care.MDTNeed{{UserID: "sw-1"}, {Role: care.RoleSocialWorker}}},
		{ID: "i3", Needs: []care.MDTNeed{{UserID: "gp-9"}, {Role: care.RoleCareNavigator}}},
		{ID: "i4", Status: care.MDTItemDiscussed, Needs: []care.MDTNeed{{UserID: "sw-1"}}},
		{ID: "i5", Status: care.MDTItemWithdrawn, Needs: []care.MDTNeed{{Role: care.RoleCareNavigator}}},
	}
	got := care.UnmetNeeds(items, invitees)
	want := []care.MDTNeedWarning{
		{ItemID: "i2", Need: care.MDTNeed{UserID: "sw-1"}, Problem: care.MDTNeedDeclined, Declined: []string{"sw-1"}},
		{ItemID: "i2", Need: care.MDTNeed{Role: care.RoleSocialWorker}, Problem: care.MDTNeedDeclined, Declined: []string{"sw-1", "sw-2"}},
		{ItemID: "i3", Need: care.MDTNeed{UserID: "gp-9"}, Problem: care.MDTNeedNotInvited},
		{ItemID: "i3", Need: care.MDTNeed{Role: care.RoleCareNavigator}, Problem: care.MDTNeedNotInvited},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d warnings %+v, want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i].ItemID != want[i].ItemID || got[i].Need != want[i].Need || got[i].Problem != want[i].Problem ||
			!slices.Equal(got[i].Declined, want[i].Declined) {
			t.Errorf("warning %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestCountAttendance(t *testing.T) {
	t.Parallel()
	got := care.CountAttendance([]care.MDTInvitee{
		{UserID: "a", State: care.AttendanceAttendedInPerson},
		{UserID: "b", State: care.AttendanceAttendedRemotely},
		{UserID: "c", State: care.AttendanceAttendedRemotely},
		{UserID: "d", State: care.AttendanceDeclined},
		{UserID: "e", State: care.AttendanceAccepted},
		{UserID: "f", State: care.AttendanceInvited},
		{UserID: "a", State: care.AttendanceDeclined}, // a duplicate counts once, as first listed
	})
	want := care.MDTAttendance{Invited: 1, Accepted: 1, Declined: 1, InPerson: 1, Remote: 2, Total: 6}
	if got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if got.Attended() != 3 {
		t.Errorf("attended = %d, want 3", got.Attended())
	}
}

func TestPreReadRate(t *testing.T) {
	t.Parallel()
	start := mdtAt(t, "2025-04-07 13:00")
	invitees := []care.MDTInvitee{
		{UserID: "gp-1", State: care.AttendanceAccepted},
		{UserID: "sw-1", State: care.AttendanceAccepted},
		{UserID: "n-1", State: care.AttendanceInvited},
		{UserID: "ot-1", State: care.AttendanceAttendedRemotely},
		{UserID: "cn-1", State: care.AttendanceAccepted},
		{UserID: "pm-1", State: care.AttendanceDeclined},
	}
	opens := []care.MDTPackOpen{
		{UserID: "gp-1", At: mdtAt(t, "2025-04-04 09:00")},
		{UserID: "gp-1", At: mdtAt(t, "2025-04-07 09:00")}, // twice counts once
		{UserID: "sw-1", At: mdtAt(t, "2025-04-07 12:59")},
		{UserID: "n-1", At: mdtAt(t, "2025-04-07 13:00")}, // at the start: too late
		{UserID: "ot-1", At: mdtAt(t, "2025-04-06 20:00")},
		{UserID: "pm-1", At: mdtAt(t, "2025-04-06 20:00")}, // declined: not expected
		{UserID: "xx-1", At: mdtAt(t, "2025-04-06 20:00")}, // not invited
	}
	got := care.PreReadRateFor(invitees, opens, start)
	if got != (care.PreReadRate{Read: 3, Expected: 5}) {
		t.Fatalf("got %+v, want 3 of 5", got)
	}
	if got.String() != "read by 3 of 5" || got.Percent() != 60 {
		t.Errorf("String = %q, Percent = %d", got.String(), got.Percent())
	}
	if none := care.PreReadRateFor(nil, opens, start); none.Percent() != 0 || none.String() != "read by 0 of 0" {
		t.Errorf("no invitees: %+v", none)
	}
}

func validAction(t testing.TB) care.MDTAction {
	return care.MDTAction{
		MeetingID: "m-1", ItemID: "i-1", PersonID: "p-1",
		Description: "Refer for a falls assessment", OwnerUserID: "gp-1",
		Due: mdtDate(t, "2025-04-14"), Status: care.MDTActionOpen,
		CreatedAt: mdtAt(t, "2025-04-07 13:30"), ReviewMeetingID: "m-1",
	}
}

func TestMDTActionValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(*care.MDTAction)
		fields []string
	}{
		{"valid", func(*care.MDTAction) {}, nil},
		{"team owner", func(a *care.MDTAction) { a.OwnerUserID, a.OwnerTeamID = "", "team-1" }, nil},
		{"done", func(a *care.MDTAction) { a.Status, a.DoneAt = care.MDTActionDone, mdtAt(t, "2025-04-10 10:00") }, nil},
		{"no description", func(a *care.MDTAction) { a.Description = "" }, []string{"description"}},
		{"long description", func(a *care.MDTAction) { a.Description = strings.Repeat("d", 1001) }, []string{"description"}},
		{"no owner", func(a *care.MDTAction) { a.OwnerUserID = " " }, []string{"owner"}},
		{"two owners", func(a *care.MDTAction) { a.OwnerTeamID = "team-1" }, []string{"owner"}},
		{"no due date", func(a *care.MDTAction) { a.Due = care.CivilDate{} }, []string{"due"}},
		{"bad status", func(a *care.MDTAction) { a.Status = "blocked" }, []string{"status"}},
		{"done without a time", func(a *care.MDTAction) { a.Status = care.MDTActionDone }, []string{"status"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := validAction(t)
			tt.change(&a)
			var got []string
			for _, f := range care.FieldsOf(a.Validate()) {
				got = append(got, f.Field)
			}
			if !slices.Equal(got, tt.fields) {
				t.Fatalf("fields = %v, want %v", got, tt.fields)
			}
		})
	}
}

func TestMDTActionOverdueAndOnTime(t *testing.T) {
	t.Parallel()
	loc := mdtLondon(t)
	open := validAction(t) // due Monday 14 April 2025
	done := func(at string) care.MDTAction {
		a, err := validAction(t).Close(mdtAt(t, at))
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	tests := []struct {
		name    string
		a       care.MDTAction
		now     time.Time
		overdue bool
		onTime  bool
	}{
		{"open, before the due date", open, mdtAt(t, "2025-04-13 23:59"), false, false},
		{"open, late on the due date", open, mdtAt(t, "2025-04-14 23:59"), false, false},
		{"open, the next morning", open, mdtAt(t, "2025-04-15 00:00"), true, false},
		// 23:30 UTC on the 14th is 00:30 on the 15th in London.
		{"open, just after midnight London in UTC", open, time.Date(2025, 4, 14, 23, 30, 0, 0, time.UTC), true, false},
		{"done on the due date", done("2025-04-14 17:00"), mdtAt(t, "2025-05-01 00:00"), false, true},
		{"done early", done("2025-04-08 09:00"), mdtAt(t, "2025-05-01 00:00"), false, true},
		{"done late", done("2025-04-15 09:00"), mdtAt(t, "2025-05-01 00:00"), false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.a.OverdueAt(tt.now, loc); got != tt.overdue {
				t.Errorf("OverdueAt = %v, want %v", got, tt.overdue)
			}
			if got := tt.a.ClosedOnTime(loc); got != tt.onTime {
				t.Errorf("ClosedOnTime = %v, want %v", got, tt.onTime)
			}
		})
	}

	m := care.MeasureActions([]care.MDTAction{
		open,                     // overdue at now
		done("2025-04-14 17:00"), // on time
		done("2025-04-10 17:00"), // on time
		done("2025-04-16 10:00"), // late
		func() care.MDTAction { a := validAction(t); a.Due = mdtDate(t, "2025-05-30"); return a }(), // not yet due
	}, mdtAt(t, "2025-04-20 12:00"), loc)
	if m != (care.MDTActionMeasure{ClosedOnTime: 2, ClosedLate: 1, OpenOverdue: 1}) {
		t.Fatalf("measure = %+v", m)
	}
	if p, ok := m.Percent(); !ok || p != 50 || m.Counted() != 4 {
		t.Errorf("percent = %d, %v; counted %d", p, ok, m.Counted())
	}
	if _, ok := (care.MDTActionMeasure{}).Percent(); ok {
		t.Error("an empty measure has a percentage")
	}
}

func TestMDTActionCloseAndReopen(t *testing.T) {
	t.Parallel()
	a := validAction(t)
	at := mdtAt(t, "2025-04-09 10:00")
	closed, err := a.Close(at)
	if err != nil || closed.Status != care.MDTActionDone || !closed.DoneAt.Equal(at) {
		t.Fatalf("Close = %+v, %v", closed, err)
	}
	if a.Status != care.MDTActionOpen {
		t.Error("Close changed the original")
	}
	if _, err := closed.Close(at); !care.IsKind(err, care.KindConflict) {
		t.Errorf("closing twice: %v, want a conflict", err)
	}
	reopened, err := closed.Reopen()
	if err != nil || reopened.Status != care.MDTActionOpen || !reopened.DoneAt.IsZero() {
		t.Fatalf("Reopen = %+v, %v", reopened, err)
	}
	if _, err := reopened.Reopen(); !care.IsKind(err, care.KindConflict) {
		t.Errorf("reopening an open action: %v, want a conflict", err)
	}
}

func TestCarryOver(t *testing.T) {
	t.Parallel()
	finishedAt := mdtAt(t, "2025-04-07 14:05")
	needs := []care.MDTNeed{{Role: care.RoleSocialWorker}}
	items := []care.MDTAgendaItem{
		{ID: "i1", MeetingID: "m1", PersonID: "p1", Question: "Q1", Status: care.MDTItemDiscussed, Version: 3},
		{ID: "i2", MeetingID: "m1", PersonID: "p2", Question: "Q2", Status: care.MDTItemOpen, Needs: needs, AddedBy: "cn-1", AddedAt: mdtAt(t, "2025-04-01 10:00"), Version: 2},
		{ID: "i3", MeetingID: "m1", PersonID: "p3", Question: "Q3", Status: care.MDTItemWithdrawn},
		{ID: "i4", MeetingID: "m1", PersonID: "p4", Question: "Q4", CarriedFromID: "i0"},
	}
	actions := []care.MDTAction{
		{ID: "a1", Status: care.MDTActionOpen, ReviewMeetingID: "m1"},
		{ID: "a2", Status: care.MDTActionDone, ReviewMeetingID: "m1"},
		{ID: "a3", Status: care.MDTActionOpen, ReviewMeetingID: "m1"},
	}
	got, err := care.CarryOver(items, actions, "m2", finishedAt)
	if err != nil {
		t.Fatal(err)
	}
	var statuses []care.MDTItemStatus
	for _, i := range got.Items {
		statuses = append(statuses, i.Status)
	}
	if want := []care.MDTItemStatus{care.MDTItemDiscussed, care.MDTItemCarriedOver, care.MDTItemWithdrawn, care.MDTItemCarriedOver}; !slices.Equal(statuses, want) {
		t.Errorf("finished statuses = %v, want %v", statuses, want)
	}
	if items[1].Status != care.MDTItemOpen {
		t.Error("CarryOver changed its input")
	}
	if len(got.Carried) != 2 {
		t.Fatalf("carried %d items, want 2", len(got.Carried))
	}
	c := got.Carried[0]
	if c.ID != "" || c.MeetingID != "m2" || c.CarriedFromID != "i2" || c.Status != care.MDTItemOpen ||
		c.PersonID != "p2" || c.Question != "Q2" || c.AddedBy != "cn-1" || !c.AddedAt.Equal(finishedAt) || c.Version != 0 {
		t.Errorf("carried item = %+v", c)
	}
	if !slices.Equal(c.Needs, needs) {
		t.Errorf("carried needs = %v", c.Needs)
	}
	if c.Late(mdtAt(t, "2025-04-07 15:00"), 0) {
		t.Error("a carried item is late at a meeting an hour later")
	}
	if got.Carried[1].CarriedFromID != "i4" {
		t.Errorf("an item carried twice continues from %q, want i4", got.Carried[1].CarriedFromID)
	}
	var ids []string
	for _, a := range got.Actions {
		ids = append(ids, a.ID)
		if a.ReviewMeetingID != "m2" {
			t.Errorf("action %s reviewed at %q, want m2", a.ID, a.ReviewMeetingID)
		}
	}
	if !slices.Equal(ids, []string{"a1", "a3"}) {
		t.Errorf("carried actions = %v, want a1 a3", ids)
	}

	if _, err := care.CarryOver(items, actions, "", finishedAt); !care.IsKind(err, care.KindConflict) {
		t.Errorf("no next meeting: %v, want a conflict", err)
	}
	done := []care.MDTAgendaItem{items[0], items[2]}
	if out, err := care.CarryOver(done, actions[1:2], "", finishedAt); err != nil || len(out.Carried) != 0 || len(out.Actions) != 0 {
		t.Errorf("nothing to carry and no next meeting: %+v, %v", out, err)
	}
}
