package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/joinedup/joinedup/internal/audit"
	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/notify"
)

// mdtWorld is the person-test area with an MDT coordinator at the practice
// and a weekly Tuesday MDT whose core members are the GP and the council's
// social worker. The clock starts on Monday 2 March 2026 at 09:00 UTC
// (GMT), the day before the first meeting.
type mdtWorld struct {
	*area
	coordinator care.Actor
	series      care.MDTSeries
	first       string // the first meeting: Tuesday 3 March 2026, 13:00
	person      care.Person
}

func newMDTWorld(t *testing.T, s *Store) *mdtWorld {
	t.Helper()
	ctx := context.Background()
	a := newArea(t, s)
	u, err := s.CreateUser(ctx, care.SystemActor("test"), NewUser{Email: "mdt@example.nhs.uk", Name: "Test MDT coordinator",
		PasswordHash: "h", Memberships: []NewMembership{{TeamID: a.practiceTeam.ID, Role: care.RoleMDTCoordinator}}})
	if err != nil {
		t.Fatal(err)
	}
	w := &mdtWorld{area: a, coordinator: care.Actor{UserID: u.ID, Name: u.Name, Acting: u.Memberships[0], Memberships: u.Memberships}}
	w.series, err = s.CreateMDTSeries(ctx, w.coordinator, NewMDTSeries{Series: care.MDTSeries{
		Title: "Clapton frailty MDT", Scope: care.MDTScopePractice,
		Cadence:   care.MDTCadence{Repeat: care.MDTWeekly, Weekday: time.Tuesday},
		FirstDate: care.CivilDate{Year: 2026, Month: 3, Day: 3}, StartTime: 13 * time.Hour, Duration: time.Hour,
		Place: "Practice meeting room", RemoteLink: "https://meet.example.nhs.uk/clapton-mdt",
	}, CoreMemberships: []string{a.gp.Acting.ID, a.socialWorker.Acting.ID}})
	if err != nil {
		t.Fatal(err)
	}
	w.first = w.meetingOn(t, "2026-03-03")
	w.person = a.register(t, "999 000 0026", "Ada", "Lovelace")
	return w
}

func (w *mdtWorld) meetingOn(t *testing.T, date string) string {
	t.Helper()
	var id string
	err := w.s.read(context.Background(), func(tx *tx) error {
		return tx.queryRow(context.Background(), `SELECT id FROM mdt_meetings WHERE series_id = ? AND meeting_date = ?`, w.series.ID, date).Scan(&id)
	})
	if err != nil {
		t.Fatalf("no meeting on %s: %v", date, err)
	}
	return id
}

func (w *mdtWorld) meeting(t *testing.T, actor care.Actor, id string) MDTMeetingView {
	t.Helper()
	v, err := w.s.MDTMeeting(context.Background(), actor, id)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func inboxKinds(t *testing.T, s *Store, actor care.Actor) map[notify.Kind]int {
	t.Helper()
	list, _, err := s.Inbox(context.Background(), actor, 200)
	if err != nil {
		t.Fatal(err)
	}
	out := map[notify.Kind]int{}
	for _, n := range list {
		out[n.Kind]++
	}
	return out
}

func TestMDTSeriesSchedulesMeetingsWithCoreMembers(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		w := newMDTWorld(t, s)
		v, err := s.MDTSeriesPage(ctx, w.coordinator, w.series.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Eight weeks of Tuesdays from 3 March 2026; Easter Monday does not
		// touch them.
		if len(v.Meetings) != 8 || v.Meetings[0].Date.String() != "2026-03-03" || v.Meetings[7].Date.String() != "2026-04-21" {
			t.Fatalf("meetings = %d, first %v", len(v.Meetings), v.Meetings)
		}
		// 13:00 in London is 13:00 UTC before the clocks change and 12:00
		// UTC after.
		if got := v.Meetings[0].Start.Format(time.RFC3339); got != "2026-03-03T13:00:00Z" {
			t.Errorf("first meeting starts %s", got)
		}
		if got := v.Meetings[4].Start.Format(time.RFC3339); got != "2026-03-31T12:00:00Z" {
			t.Errorf("meeting after the clocks change starts %s", got)
		}
		// The coordinator is a core member even though they did not choose
		// themselves.
		if len(v.Core) != 3 {
			t.Errorf("core members = %d, want the GP, the social worker and the coordinator", len(v.Core))
		}
		m := w.meeting(t, w.coordinator, w.first)
		if len(m.Invitees) != 3 || m.Attendance.Invited != 3 {
			t.Errorf("invitees = %+v", m.Invitees)
		}
		// The scheduling job creates nothing new the same day, and more a
		// week later.
		if n, err := s.ScheduleMDTMeetings(ctx, care.SystemActor("test"), w.clock.Now()); err != nil || n != 0 {
			t.Errorf("scheduling again created %d (%v)", n, err)
		}
		if n, err := s.ScheduleMDTMeetings(ctx, care.SystemActor("test"), w.clock.Now().Add(7*24*time.Hour)); err != nil || n != 1 {
			t.Errorf("scheduling a week later created %d (%v)", n, err)
		}
		// Someone who is neither a coordinator nor a core member is
		// refused, and the refusal audited.
		if _, err := s.MDTSeriesPage(ctx, w.nurseElsewhere, w.series.ID); !care.IsKind(err, care.KindForbidden) {
			t.Errorf("a nurse elsewhere sees the series: %v", err)
		}
		if _, err := s.CreateMDTSeries(ctx, w.gp, NewMDTSeries{Series: w.series}); !care.IsKind(err, care.KindForbidden) {
			t.Errorf("a GP set up a series: %v", err)
		}
	})
}

func TestMDTSeriesValidationAndScheduling(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		w := newMDTWorld(t, s)
		_, err := s.CreateMDTSeries(ctx, w.coordinator, NewMDTSeries{Series: care.MDTSeries{Scope: care.MDTScopePractice},
			CoreMemberships: []string{"not-a-membership"}})
		fields := care.FieldsOf(err)
		for _, f := range []string{"title", "repeat", "first_date", "duration", "place"} {
			if fields.Message(f) == "" {
				t.Errorf("no problem reported at %s: %v", f, fields)
			}
		}
		// A membership that does not exist is a problem at the field.
		good := w.series
		good.ID = ""
		_, err = s.CreateMDTSeries(ctx, w.coordinator, NewMDTSeries{Series: good, CoreMemberships: []string{"nope"}})
		if care.FieldsOf(err).Message("core_members") == "" {
			t.Errorf("an unknown core member was accepted: %v", err)
		}
		// The scheduling assistant avoids the GP's Tuesday surgery.
		if _, err := s.AddBlockedTime(ctx, w.gp, care.BlockedTime{Label: "Afternoon surgery", Weekday: time.Tuesday,
			Start: 12 * time.Hour, End: 18 * time.Hour, Repeat: care.MDTWeekly, Clinical: true}); err != nil {
			t.Fatal(err)
		}
		list, err := s.BlockedTimes(ctx, w.gp)
		if err != nil || len(list) != 1 || list[0].Label != "Afternoon surgery" || !list[0].Clinical {
			t.Fatalf("blocked times = %+v, %v", list, err)
		}
		from := time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)
		slots, err := s.ProposeMDTSlots(ctx, w.coordinator, []string{w.gp.Acting.ID}, care.SlotRequest{Duration: time.Hour,
			From: from, To: from.Add(24 * time.Hour), Step: time.Hour, PerDay: 10})
		if err != nil {
			t.Fatal(err)
		}
		surgeryFrom, surgeryTo := time.Date(2026, 3, 3, 12, 0, 0, 0, time.UTC), time.Date(2026, 3, 3, 18, 0, 0, 0, time.UTC)
		for _, sl := range slots {
			if sl.Start.Before(surgeryTo) && sl.End.After(surgeryFrom) {
				t.Errorf("proposed %v, inside the GP's surgery", sl.Start)
			}
		}
		if len(slots) == 0 {
			t.Error("no slots proposed on a Tuesday morning")
		}
		// Someone else's blocked time is not theirs to remove.
		if err := s.RemoveBlockedTime(ctx, w.socialWorker, list[0].ID); !care.IsKind(err, care.KindNotFound) {
			t.Errorf("removing another's blocked time: %v", err)
		}
		if err := s.RemoveBlockedTime(ctx, w.gp, list[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddBlockedTime(ctx, w.gp, care.BlockedTime{Weekday: time.Tuesday, Start: 14 * time.Hour, End: 12 * time.Hour,
			Repeat: care.MDTWeekly}); care.FieldsOf(err).Message("end_time") == "" {
			t.Errorf("an end before the start was accepted: %v", err)
		}
	})
}

func TestMDTAgendaGivesAttendeesATimeLimitedRelationship(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		w := newMDTWorld(t, s)
		if _, err := s.PersonRecord(ctx, w.socialWorker, w.person.ID); !care.IsKind(err, care.KindForbidden) {
			t.Fatalf("the social worker sees the record before the meeting: %v", err)
		}
		item, err := s.AddAgendaItem(ctx, w.coordinator, w.first, "9990000026", "Falls at home: does she need a package of care?",
			[]care.MDTNeed{{Role: care.RoleSocialWorker}})
		if err != nil {
			t.Fatal(err)
		}
		rec, err := s.PersonRecord(ctx, w.socialWorker, w.person.ID)
		if err != nil || !rec.Relationships.MDT {
			t.Fatalf("the social worker on the agenda's meeting has no relationship: %v %v", rec.Relationships.Names(), err)
		}
		v := w.meeting(t, w.socialWorker, w.first)
		if len(v.Items) != 1 || !v.Items[0].Named || v.Items[0].PersonName != "Ada Lovelace" || v.Items[0].Late {
			t.Fatalf("agenda = %+v", v.Items)
		}
		// A week after the meeting ends, the relationship has ended.
		w.clock.Add(30*time.Hour + care.MDTAttendeeAccessAfter + time.Minute)
		if _, err := s.PersonRecord(ctx, w.socialWorker, w.person.ID); !care.IsKind(err, care.KindForbidden) {
			t.Errorf("the relationship outlived its window: %v", err)
		}
		rows := auditRows(t, s, w.person.ID)
		if !hasAudit(rows, "relationship.grant", audit.OutcomeSuccess, "kind=mdt_attendee") ||
			!hasAudit(rows, "mdt.item.add", audit.OutcomeSuccess, "item="+item.ID) {
			t.Error("the agenda item and the relationships it gave are not audited")
		}
	})
}

func TestMDTDecliningEndsTheRelationship(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		w := newMDTWorld(t, s)
		if _, err := s.AddAgendaItem(ctx, w.coordinator, w.first, "9990000026", "Review", []care.MDTNeed{{Role: care.RoleSocialWorker}}); err != nil {
			t.Fatal(err)
		}
		if err := s.RespondToMeeting(ctx, w.socialWorker, w.first, care.AttendanceDeclined); err != nil {
			t.Fatal(err)
		}
		if _, err := s.PersonRecord(ctx, w.socialWorker, w.person.ID); !care.IsKind(err, care.KindForbidden) {
			t.Errorf("declining left the relationship: %v", err)
		}
		v := w.meeting(t, w.socialWorker, w.first)
		if v.Items[0].Named {
			t.Error("a decliner still sees who is on the agenda")
		}
		if _, _, err := s.MDTPack(ctx, w.socialWorker, w.first, v.Items[0].Item.ID); !care.IsKind(err, care.KindForbidden) {
			t.Errorf("a decliner opened a pack: %v", err)
		}
		// The agenda now warns that the social worker it needs declined.
		v = w.meeting(t, w.coordinator, w.first)
		if len(v.Items[0].Warnings) != 1 || v.Items[0].Warnings[0].Problem != care.MDTNeedDeclined ||
			!strings.Contains(v.Items[0].Warnings[0].Message, "declined") {
			t.Errorf("warnings = %+v", v.Items[0].Warnings)
		}
		// Accepting again gives the relationship back.
		if err := s.RespondToMeeting(ctx, w.socialWorker, w.first, care.AttendanceAccepted); err != nil {
			t.Fatal(err)
		}
		if _, err := s.PersonRecord(ctx, w.socialWorker, w.person.ID); err != nil {
			t.Errorf("accepting again did not restore the relationship: %v", err)
		}
		// Moving the item takes it to the next meeting.
		next, err := s.MoveItem(ctx, w.coordinator, w.first, v.Items[0].Item.ID)
		if err != nil || next != w.meetingOn(t, "2026-03-10") {
			t.Fatalf("move = %s, %v", next, err)
		}
		if got := w.meeting(t, w.coordinator, next).Items; len(got) != 1 || got[0].Item.CarriedFromID != v.Items[0].Item.ID {
			t.Errorf("next agenda = %+v", got)
		}
	})
}

func TestMDTOnlyAStandingRelationshipPutsSomeoneOnTheAgenda(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		w := newMDTWorld(t, s)
		// The social worker gains an MDT relationship with Ada through the
		// first meeting...
		if _, err := s.AddAgendaItem(ctx, w.coordinator, w.first, "9990000026", "Review", nil); err != nil {
			t.Fatal(err)
		}
		// ...which does not let them bring her to another meeting.
		second := w.meetingOn(t, "2026-03-10")
		_, err := s.AddAgendaItem(ctx, w.socialWorker, second, "9990000026", "Again", nil)
		if care.FieldsOf(err).Message("nhs_number") == "" {
			t.Fatalf("an MDT relationship put someone on another agenda: %v", err)
		}
		if !hasAudit(auditRows(t, s, w.person.ID), "mdt.item.add", audit.OutcomeDenied, "no-standing-relationship") {
			t.Error("the refusal is not audited")
		}
		// A nurse with no relation to the meeting cannot add anyone.
		if _, err := s.AddAgendaItem(ctx, w.nurseElsewhere, w.first, "9990000026", "x", nil); !care.IsKind(err, care.KindForbidden) {
			t.Errorf("an outsider added to the agenda: %v", err)
		}
		// Nor see the meeting; the refusal is audited.
		if _, err := s.MDTMeeting(ctx, w.nurseElsewhere, w.first); !care.IsKind(err, care.KindForbidden) {
			t.Errorf("an outsider sees the meeting: %v", err)
		}
		rows, err := s.ListAudit(ctx, care.SystemActor("test"), AuditFilter{UserID: w.nurseElsewhere.UserID, Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		if !hasAudit(rows, "mdt.meeting.read", audit.OutcomeDenied, "no-meeting-relationship") {
			t.Error("the outsider's attempt is not audited")
		}
		// Bad input is reported at its fields.
		_, err = s.AddAgendaItem(ctx, w.coordinator, w.first, "123", "", nil)
		if f := care.FieldsOf(err); f.Message("nhs_number") == "" || f.Message("question") == "" {
			t.Errorf("problems = %v", f)
		}
		if _, err := s.AddAgendaItem(ctx, w.coordinator, w.first, "9990000026", "Twice", nil); care.FieldsOf(err).Message("nhs_number") == "" {
			t.Errorf("the same person was put on the agenda twice: %v", err)
		}
	})
}

func TestMDTAgendaIsSentAtItsDeadlineOnce(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		w := newMDTWorld(t, s)
		if _, err := s.AddAgendaItem(ctx, w.coordinator, w.first, "9990000026", "Review", nil); err != nil {
			t.Fatal(err)
		}
		sys := care.SystemActor("mdt agendas")
		if n, err := s.SendDueAgendas(ctx, sys, w.clock.Now()); err != nil || n != 0 {
			t.Fatalf("sent %d before the deadline (%v)", n, err)
		}
		deadline := time.Date(2026, 3, 2, 13, 0, 0, 0, time.UTC) // 24 hours before the meeting
		w.clock.now = deadline
		if n, err := s.SendDueAgendas(ctx, sys, deadline); err != nil || n != 1 {
			t.Fatalf("sent %d at the deadline (%v)", n, err)
		}
		if n, err := s.SendDueAgendas(ctx, sys, deadline.Add(time.Minute)); err != nil || n != 0 {
			t.Fatalf("sent %d again (%v)", n, err)
		}
		for _, a := range []care.Actor{w.gp, w.socialWorker, w.coordinator} {
			if got := inboxKinds(t, s, a)[notify.KindMDTAgenda]; got != 1 {
				t.Errorf("%s has %d agenda messages", a.Name, got)
			}
		}
		list, _, _ := s.Inbox(ctx, w.gp, 10)
		if strings.Contains(list[0].Subject+list[0].Body, "Lovelace") {
			t.Error("the agenda message names the person")
		}
		// An item added after the deadline is late.
		w.register(t, "999 000 0034", "Grace", "Hopper")
		w.clock.Add(time.Minute)
		if _, err := s.AddAgendaItem(ctx, w.coordinator, w.first, "9990000034", "Urgent", nil); err != nil {
			t.Fatal(err)
		}
		v := w.meeting(t, w.coordinator, w.first)
		if len(v.Items) != 2 || v.Items[0].Late || !v.Items[1].Late {
			t.Errorf("late flags = %v, %v", v.Items[0].Late, v.Items[1].Late)
		}
		if _, err := s.SendDueAgendas(ctx, w.coordinator, deadline); !care.IsKind(err, care.KindForbidden) {
			t.Errorf("a user ran the agenda job: %v", err)
		}
	})
}

// runFirstMeeting puts two people on the first agenda, has the social
// worker read one pack, starts the meeting, records attendance, discusses
// the first person with actions for the GP and the social worker's team,
// and leaves the second for the next meeting.
func runFirstMeeting(t *testing.T, w *mdtWorld) (discussed, carried care.MDTAgendaItem, gpAction, teamAction care.MDTAction) {
	t.Helper()
	ctx := context.Background()
	s := w.s
	w.register(t, "999 000 0034", "Grace", "Hopper")
	var err error
	if discussed, err = s.AddAgendaItem(ctx, w.coordinator, w.first, "9990000026", "Falls at home", []care.MDTNeed{{Role: care.RoleSocialWorker}}); err != nil {
		t.Fatal(err)
	}
	if carried, err = s.AddAgendaItem(ctx, w.coordinator, w.first, "9990000034", "Memory", nil); err != nil {
		t.Fatal(err)
	}
	pack, _, err := s.MDTPack(ctx, w.socialWorker, w.first, discussed.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"plan", "actions", "timeline"} {
		if _, ok := pack.Section(key); !ok {
			t.Errorf("the pack has no %s section", key)
		}
	}
	if v := w.meeting(t, w.coordinator, w.first); v.Items[0].PreRead.String() != "read by 1 of 3" {
		t.Errorf("pre-read = %s", v.Items[0].PreRead)
	}
	if err := s.RecordOutcome(ctx, w.coordinator, w.first, discussed.ID, "x", "", 1); !care.IsKind(err, care.KindConflict) {
		t.Errorf("an outcome before the meeting started: %v", err)
	}
	w.clock.now = time.Date(2026, 3, 3, 13, 0, 0, 0, time.UTC)
	if err := s.StartMeeting(ctx, w.coordinator, w.first); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordAttendance(ctx, w.coordinator, w.first, map[string]care.AttendanceState{
		w.gp.UserID: care.AttendanceAttendedInPerson, w.socialWorker.UserID: care.AttendanceAttendedRemotely,
		w.coordinator.UserID: care.AttendanceAttendedInPerson}); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordOutcome(ctx, w.coordinator, w.first, discussed.ID, "Two falls since January.", "Refer for a falls assessment.", 1); err != nil {
		t.Fatal(err)
	}
	v := w.meeting(t, w.coordinator, w.first)
	due := care.CivilDate{Year: 2026, Month: 3, Day: 17}
	if gpAction, err = s.AddMDTAction(ctx, w.coordinator, w.first, discussed.ID, "Medication review", "user:"+w.gp.UserID, due); err != nil {
		t.Fatal(err)
	}
	team := ""
	for _, o := range v.Owners {
		if o.Value == "team:"+w.socialWorker.Acting.TeamID {
			team = o.Value
		}
	}
	if teamAction, err = s.AddMDTAction(ctx, w.coordinator, w.first, discussed.ID, "Care Act assessment", team, due); err != nil {
		t.Fatal(err)
	}
	return discussed, carried, gpAction, teamAction
}

func TestMDTFinishCarriesOverAndSendsOutcomes(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		w := newMDTWorld(t, s)
		discussed, carried, gpAction, _ := runFirstMeeting(t, w)
		v := w.meeting(t, w.coordinator, w.first)
		res, err := s.FinishMeeting(ctx, w.coordinator, w.first, v.Version)
		if err != nil {
			t.Fatal(err)
		}
		next := w.meetingOn(t, "2026-03-10")
		if res.NextMeetingID != next || res.Discussed != 1 || res.Carried != 1 || res.Actions != 2 || len(res.Unreached) != 0 {
			t.Fatalf("finish = %+v", res)
		}
		if _, err := s.FinishMeeting(ctx, w.coordinator, w.first, v.Version); !care.IsKind(err, care.KindConflict) {
			t.Errorf("finished twice: %v", err)
		}
		// The carried-over item and the open actions are on the next agenda.
		nv := w.meeting(t, w.coordinator, next)
		if len(nv.Items) != 1 || nv.Items[0].Item.CarriedFromID != carried.ID || nv.Items[0].CarriedFrom.String() != "2026-03-03" || nv.Items[0].Late {
			t.Errorf("next agenda = %+v", nv.Items)
		}
		if len(nv.Review) != 2 {
			t.Errorf("actions for review = %d, want 2", len(nv.Review))
		}
		// The practice sees the outcome on the person's timeline.
		_, events, err := s.Timeline(ctx, w.practiceStaff, w.person.ID)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range events {
			if e.Type == care.EventMDTOutcome && strings.Contains(e.Summary, "Refer for a falls assessment") &&
				strings.Contains(e.Summary, "Medication review") {
				found = true
			}
		}
		if !found {
			t.Errorf("no outcome on the timeline: %+v", events)
		}
		// Everyone at the practice was told in their inbox, without names.
		list, _, _ := s.Inbox(ctx, w.practiceStaff, 10)
		if len(list) == 0 || list[0].Kind != notify.KindMDTPracticeOutcome || list[0].Link != "/people/"+w.person.ID+"/timeline" ||
			strings.Contains(list[0].Subject+list[0].Body, "Lovelace") {
			t.Errorf("practice inbox = %+v", list)
		}
		fv := w.meeting(t, w.coordinator, w.first)
		if fv.Items[0].OutcomeSentTo < 4 || fv.Items[0].Item.Status != care.MDTItemDiscussed {
			t.Errorf("outcome sent to %d", fv.Items[0].OutcomeSentTo)
		}
		if fv.Items[1].Item.Status != care.MDTItemCarriedOver {
			t.Errorf("second item status = %s", fv.Items[1].Item.Status)
		}
		// The attendees were sent the outcomes.
		if inboxKinds(t, s, w.socialWorker)[notify.KindMDTOutcomes] != 1 {
			t.Error("the social worker was not sent the outcomes")
		}
		// Measures: 3 of 3 attended; 1 of 3 read each pack, twice over.
		sv, err := s.MDTSeriesPage(ctx, w.coordinator, w.series.ID)
		if err != nil {
			t.Fatal(err)
		}
		if m := sv.Measures; m.Meetings != 1 || m.Attendance.Attended() != 3 || m.PreRead.Read != 1 || m.PreRead.Expected != 6 {
			t.Errorf("measures = %+v", m)
		}
		_ = discussed
		_ = gpAction
	})
}

func TestMDTMyActionsOverdueAndClosing(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		w := newMDTWorld(t, s)
		_, _, gpAction, teamAction := runFirstMeeting(t, w)
		mine, err := s.MyMDTActions(ctx, w.gp)
		if err != nil || len(mine) != 1 || mine[0].Action.ID != gpAction.ID || mine[0].Overdue || mine[0].PersonName != "Ada Lovelace" {
			t.Fatalf("GP's actions = %+v, %v", mine, err)
		}
		team, err := s.MyMDTActions(ctx, w.socialWorker)
		if err != nil || len(team) != 1 || team[0].Action.ID != teamAction.ID {
			t.Fatalf("the team's actions = %+v, %v", team, err)
		}
		if inboxKinds(t, s, w.gp)[notify.KindMDTAction] != 1 {
			t.Error("the GP was not told of their action")
		}
		// Overdue from the day after the due date.
		w.clock.now = time.Date(2026, 3, 18, 9, 0, 0, 0, time.UTC)
		mine, _ = s.MyMDTActions(ctx, w.gp)
		if !mine[0].Overdue {
			t.Error("an action past its due date is not overdue")
		}
		// Someone else cannot close it.
		upd := MDTActionUpdate{Status: care.MDTActionDone, Due: gpAction.Due, Version: 1}
		if err := s.UpdateMDTAction(ctx, w.socialWorker, gpAction.ID, upd); !care.IsKind(err, care.KindForbidden) {
			t.Errorf("another user closed the GP's action: %v", err)
		}
		if err := s.UpdateMDTAction(ctx, w.gp, gpAction.ID, MDTActionUpdate{Status: care.MDTActionOpen, Due: gpAction.Due, Version: 9}); !care.IsKind(err, care.KindConflict) {
			t.Errorf("a stale update was accepted: %v", err)
		}
		upd.Progress = "Reviewed; stopped the sedative."
		if err := s.UpdateMDTAction(ctx, w.gp, gpAction.ID, upd); err != nil {
			t.Fatal(err)
		}
		v, err := s.MDTActionPage(ctx, w.gp, gpAction.ID)
		if err != nil || v.Action.Status != care.MDTActionDone || v.Progress != upd.Progress || v.Action.ClosedOnTime(s.Calendar().Location()) {
			t.Errorf("closed action = %+v, %v", v, err)
		}
		_, events, err := s.Timeline(ctx, w.gp, w.person.ID)
		if err != nil || events[0].Type != care.EventMDTActionDone || !strings.Contains(events[0].Summary, "after its due date") {
			t.Errorf("timeline after closing = %+v, %v", events[:1], err)
		}
		sv, err := s.MDTSeriesPage(ctx, w.coordinator, w.series.ID)
		if err != nil {
			t.Fatal(err)
		}
		if m := sv.Measures.Actions; m.ClosedLate != 1 || m.OpenOverdue != 1 || m.ClosedOnTime != 0 {
			t.Errorf("action measure = %+v", m)
		}
	})
}

func TestMDTActionNeedsAnOwnerFromTheMeeting(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		w := newMDTWorld(t, s)
		discussed, _, _, _ := runFirstMeeting(t, w)
		due := care.CivilDate{Year: 2026, Month: 3, Day: 20}
		for _, owner := range []string{"", "user:" + w.nurseElsewhere.UserID, "team:nope", "person:x"} {
			_, err := s.AddMDTAction(ctx, w.coordinator, w.first, discussed.ID, "Something", owner, due)
			if care.FieldsOf(err).Message("owner") == "" {
				t.Errorf("owner %q accepted: %v", owner, err)
			}
		}
		_, err := s.AddMDTAction(ctx, w.coordinator, w.first, discussed.ID, "", "user:"+w.gp.UserID, care.CivilDate{Year: 2026, Month: 3, Day: 1})
		if f := care.FieldsOf(err); f.Message("description") == "" || f.Message("due") == "" {
			t.Errorf("problems = %v", f)
		}
		if _, err := s.AddMDTAction(ctx, w.gp, w.first, discussed.ID, "x", "user:"+w.gp.UserID, due); !care.IsKind(err, care.KindForbidden) {
			t.Errorf("an invitee who does not coordinate added an action: %v", err)
		}
	})
}

func TestMDTOutcomeForAPracticeWithNobodyInJoinedupIsFlagged(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		w := newMDTWorld(t, s)
		sys := care.SystemActor("test")
		p := w.newPerson("999 000 0042", "Mary", "Somerville")
		p.RegisteredPracticeID = w.other.ID
		p, err := s.RegisterPerson(ctx, sys, p, nil, false)
		if err != nil {
			t.Fatal(err)
		}
		// The coordinator is in her care team, which lets them bring her.
		if _, err := s.AddCareTeamUser(ctx, sys, p.ID, w.coordinator.Acting.ID, "MDT", ""); err != nil {
			t.Fatal(err)
		}
		// Nobody at the other practice uses joinedup: disable its nurse.
		if err := s.DisableUser(ctx, sys, w.nurseElsewhere.UserID); err != nil {
			t.Fatal(err)
		}
		item, err := s.AddAgendaItem(ctx, w.coordinator, w.first, "9990000042", "Housing", nil)
		if err != nil {
			t.Fatal(err)
		}
		w.clock.now = time.Date(2026, 3, 3, 13, 0, 0, 0, time.UTC)
		if err := s.StartMeeting(ctx, w.coordinator, w.first); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordOutcome(ctx, w.coordinator, w.first, item.ID, "Discussed.", "", 1); err != nil {
			t.Fatal(err)
		}
		v := w.meeting(t, w.coordinator, w.first)
		res, err := s.FinishMeeting(ctx, w.coordinator, w.first, v.Version)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Unreached) != 1 || res.Unreached[0] != "Other Practice" {
			t.Errorf("unreached = %v", res.Unreached)
		}
		v = w.meeting(t, w.coordinator, w.first)
		if v.Items[0].OutcomeSentTo != 0 || v.Items[0].PracticeName != "Other Practice" {
			t.Errorf("item = %+v", v.Items[0])
		}
		// Nothing was left to carry, so no next meeting was needed.
		if res.NextMeetingID != "" {
			t.Errorf("next meeting = %q", res.NextMeetingID)
		}
		// The outcome is on the timeline all the same.
		_, events, err := s.Timeline(ctx, sys, p.ID)
		if err != nil || events[0].Type != care.EventMDTOutcome {
			t.Errorf("timeline = %+v, %v", events, err)
		}
	})
}

func TestMDTCalendarFeedTokens(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		w := newMDTWorld(t, s)
		token, err := s.NewCalendarToken(ctx, w.socialWorker)
		if err != nil {
			t.Fatal(err)
		}
		feed, err := s.CalendarFeed(ctx, token, w.clock.Now())
		if err != nil || len(feed) != 8 || feed[0].Title != "Clapton frailty MDT" {
			t.Fatalf("feed = %d meetings, %v", len(feed), err)
		}
		if created, err := s.CalendarTokenCreated(ctx, w.socialWorker); err != nil || created.IsZero() {
			t.Errorf("token created = %v, %v", created, err)
		}
		// Declined meetings leave the feed.
		if err := s.RespondToMeeting(ctx, w.socialWorker, w.first, care.AttendanceDeclined); err != nil {
			t.Fatal(err)
		}
		if feed, _ = s.CalendarFeed(ctx, token, w.clock.Now()); len(feed) != 7 {
			t.Errorf("after declining, the feed has %d meetings", len(feed))
		}
		// A new token replaces the old one at once.
		again, err := s.NewCalendarToken(ctx, w.socialWorker)
		if err != nil || again == token {
			t.Fatal(err)
		}
		if _, err := s.CalendarFeed(ctx, token, w.clock.Now()); !care.IsKind(err, care.KindNotFound) {
			t.Errorf("the old token still works: %v", err)
		}
		if _, err := s.CalendarFeed(ctx, "short", w.clock.Now()); !care.IsKind(err, care.KindNotFound) {
			t.Errorf("a malformed token: %v", err)
		}
		// A disabled user's feed stops working.
		if err := s.DisableUser(ctx, care.SystemActor("test"), w.socialWorker.UserID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CalendarFeed(ctx, again, w.clock.Now()); !care.IsKind(err, care.KindNotFound) {
			t.Errorf("a disabled user's feed: %v", err)
		}
		if _, err := s.NewCalendarToken(ctx, w.analyst); !care.IsKind(err, care.KindForbidden) {
			t.Errorf("an analyst made a calendar token: %v", err)
		}
	})
}

func TestIndefiniteArticle(t *testing.T) {
	t.Parallel()
	for label, want := range map[string]string{"GP": "a GP", "Occupational therapist": "an occupational therapist",
		"MDT coordinator": "an MDT coordinator", "Social worker": "a social worker", "Nurse": "a nurse"} {
		if got := indefinite(label); got != want {
			t.Errorf("indefinite(%q) = %q, want %q", label, got, want)
		}
	}
}

// FuzzDecodeNeeds reads the stored list of professionals an item needs:
// any text gives valid needs only, and what is encoded reads back the same.
func FuzzDecodeNeeds(f *testing.F) {
	for _, s := range []string{"", "role:gp", "role:gp,user:0190-abc", "user:", ":x", "role:gp,,role:nurse", "nonsense"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		needs := decodeNeeds(s)
		for _, n := range needs {
			if (n.UserID == "") == (n.Role == "") {
				t.Fatalf("%q gave a need with both or neither of a user and a role: %+v", s, n)
			}
		}
		again := decodeNeeds(encodeNeeds(needs))
		if len(again) != len(needs) {
			t.Fatalf("%q: %d needs read back as %d", s, len(needs), len(again))
		}
		for i := range needs {
			if again[i] != needs[i] {
				t.Fatalf("%q: need %d read back as %+v, want %+v", s, i, again[i], needs[i])
			}
		}
	})
}
