package care

import (
	"reflect"
	"slices"
	"testing"
	"time"
)

// sentReferral is a referral sent at sent with the given urgency, as the
// store would load it.
func sentReferral(t testing.TB, sent time.Time, u ReferralUrgency) ReferralTask {
	t.Helper()
	r := draftReferral(t)
	r.CreatedAt, r.UpdatedAt, r.Urgency = sent, sent, u
	r, _, err := r.Transition(refGP, ReferrerSide, ReferralChange{To: ReferralRequested, At: sent})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestReferralDeadlines(t *testing.T) {
	t.Parallel()
	cal := londonCalendar(t)
	loc := cal.Location()
	lon := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, loc) }
	custom := ReferralTargets{Routine: ResponseTarget{Acknowledge: WorkingHoursTarget(3), Decide: WorkingDaysTarget(2)}}
	backwards := ReferralTargets{Routine: ResponseTarget{Acknowledge: WorkingDaysTarget(3), Decide: WorkingDaysTarget(1)}}
	cases := []struct {
		name        string
		sent        time.Time
		urgency     ReferralUrgency
		targets     ReferralTargets
		ack, decide time.Time
	}{
		{"routine on a Monday morning", lon(2025, 2, 3, 10, 0), UrgencyRoutine, ReferralTargets{},
			lon(2025, 2, 4, 10, 0), lon(2025, 2, 10, 10, 0)},
		{"routine before Easter", lon(2025, 4, 17, 10, 0), UrgencyRoutine, ReferralTargets{},
			lon(2025, 4, 22, 10, 0), lon(2025, 4, 28, 10, 0)},
		{"urgent late before Easter", lon(2025, 4, 17, 16, 30), UrgencyUrgent, ReferralTargets{},
			lon(2025, 4, 22, 10, 30), lon(2025, 4, 22, 16, 30)},
		{"routine sent on a Saturday", lon(2025, 4, 5, 11, 0), UrgencyRoutine, ReferralTargets{},
			lon(2025, 4, 7, 17, 0), lon(2025, 4, 11, 17, 0)},
		{"urgent across the clocks going forward", lon(2025, 3, 28, 16, 0), UrgencyUrgent, ReferralTargets{},
			lon(2025, 3, 31, 10, 0), lon(2025, 3, 31, 16, 0)},
		{"routine across the clocks going back", lon(2025, 10, 24, 12, 0), UrgencyRoutine, ReferralTargets{},
			lon(2025, 10, 27, 12, 0), lon(2025, 10, 31, 12, 0)},
		{"routine on Christmas Eve", lon(2025, 12, 24, 15, 0), UrgencyRoutine, ReferralTargets{},
			lon(2025, 12, 29, 15, 0), lon(2026, 1, 5, 15, 0)},
		{"urgent on the early May bank holiday", lon(2025, 5, 5, 10, 0), UrgencyUrgent, ReferralTargets{},
			lon(2025, 5, 6, 11, 0), lon(2025, 5, 6, 17, 0)},
		{"same day in the morning", lon(2025, 2, 3, 10, 0), UrgencySameDay, ReferralTargets{},
			lon(2025, 2, 3, 11, 0), lon(2025, 2, 3, 14, 0)},
		{"same day late on a Friday", lon(2025, 2, 7, 16, 30), UrgencySameDay, ReferralTargets{},
			lon(2025, 2, 10, 9, 30), lon(2025, 2, 10, 12, 30)},
		{"same day on a Friday evening", lon(2025, 2, 7, 19, 0), UrgencySameDay, ReferralTargets{},
			lon(2025, 2, 10, 10, 0), lon(2025, 2, 10, 13, 0)},
		{"the service's own targets", lon(2025, 2, 3, 10, 0), UrgencyRoutine, custom,
			lon(2025, 2, 3, 13, 0), lon(2025, 2, 5, 10, 0)},
		{"acknowledging never outlasts deciding", lon(2025, 2, 3, 10, 0), UrgencyRoutine, backwards,
			lon(2025, 2, 4, 10, 0), lon(2025, 2, 4, 10, 0)},
		{"an unknown urgency is treated as same day", lon(2025, 2, 3, 10, 0), "whenever", ReferralTargets{},
			lon(2025, 2, 3, 11, 0), lon(2025, 2, 3, 14, 0)},
	}
	for _, c := range cases {
		r := sentReferral(t, c.sent, UrgencyRoutine)
		r.Urgency = c.urgency
		d, ok := r.Deadlines(cal, c.targets)
		if !ok || !d.AcknowledgeBy.Equal(c.ack) || !d.DecideBy.Equal(c.decide) || d.DecidePaused {
			t.Errorf("%s: acknowledge by %v, decide by %v; want %v and %v",
				c.name, d.AcknowledgeBy.In(loc), d.DecideBy.In(loc), c.ack, c.decide)
		}
	}
	// A time from the database is UTC and its deadlines stay UTC.
	r := sentReferral(t, time.Date(2025, 6, 2, 8, 30, 0, 0, time.UTC), UrgencyUrgent)
	d, _ := r.Deadlines(cal, ReferralTargets{})
	if want := time.Date(2025, 6, 2, 10, 30, 0, 0, time.UTC); d.AcknowledgeBy != want {
		t.Errorf("UTC acknowledge by %v, want %v", d.AcknowledgeBy, want)
	}
	if _, ok := draftReferral(t).Deadlines(cal, ReferralTargets{}); ok {
		t.Error("a draft has deadlines")
	}
}

func TestReferralDeadlinesPauseOnHold(t *testing.T) {
	t.Parallel()
	cal := londonCalendar(t)
	lon := func(m time.Month, d, h int) time.Time { return time.Date(2025, m, d, h, 0, 0, 0, cal.Location()) }
	r := sentReferral(t, lon(2, 3, 10), UrgencyRoutine)
	move := func(to ReferralStatus, at time.Time) {
		t.Helper()
		c := fullChange(to, at)
		next, _, err := r.Transition(refWorker, ReceiverSide, c)
		if err != nil {
			t.Fatalf("%s: %v", to, err)
		}
		r = next
	}
	move(ReferralReceived, lon(2, 3, 11))
	move(ReferralOnHold, lon(2, 3, 12))
	d, _ := r.Deadlines(cal, ReferralTargets{})
	if !d.DecidePaused || !d.DecideBy.Equal(lon(2, 10, 10)) {
		t.Errorf("on hold: %+v", d)
	}
	// Long past the unpaused deadline, a referral on hold is not overdue.
	if got := r.Overdue(cal, ReferralTargets{}, lon(2, 14, 10)); got != nil {
		t.Errorf("overdue while on hold: %v", got)
	}
	// Two working days on hold move the decision on by two working days.
	move(ReferralReceived, lon(2, 5, 12))
	d, _ = r.Deadlines(cal, ReferralTargets{})
	if d.DecidePaused || !d.DecideBy.Equal(lon(2, 12, 10)) {
		t.Errorf("after the hold: %+v", d)
	}
	if got := r.Overdue(cal, ReferralTargets{}, lon(2, 12, 11)); !slices.Equal(got, []ReferralStep{DecideStep}) {
		t.Errorf("overdue after the moved deadline: %v", got)
	}
	// A hold after the decision changes nothing.
	move(ReferralAccepted, lon(2, 6, 10))
	move(ReferralOnHold, lon(2, 6, 11))
	move(ReferralAccepted, lon(2, 20, 11))
	d2, _ := r.Deadlines(cal, ReferralTargets{})
	if d2 != d {
		t.Errorf("a hold after the decision moved the deadlines: %+v, was %+v", d2, d)
	}
}

func TestReferralOverdueAndEscalation(t *testing.T) {
	t.Parallel()
	cal := londonCalendar(t)
	lon := func(d, h, m int) time.Time { return time.Date(2025, time.February, d, h, m, 0, 0, cal.Location()) }
	targets := ReferralTargets{}
	fresh := sentReferral(t, lon(3, 10, 0), UrgencyRoutine)

	// The job runs with its own clock: each tick sends what is due and
	// marks it, as the store would in one transaction.
	r := fresh
	var sent []ReferralEscalation
	tick := func(now time.Time) []ReferralEscalation {
		due := r.DueEscalations(cal, targets, now)
		for _, e := range due {
			r = r.MarkEscalated(e.Step, now)
		}
		sent = append(sent, due...)
		return due
	}
	steps := func(es []ReferralEscalation) []ReferralStep {
		var out []ReferralStep
		for _, e := range es {
			out = append(out, e.Step)
		}
		return out
	}
	clock := []struct {
		now      time.Time
		overdue  []ReferralStep
		escalate []ReferralStep
	}{
		{lon(3, 16, 0), nil, nil},
		{lon(4, 10, 0), nil, nil}, // exactly at the deadline is in time
		{lon(4, 10, 1), []ReferralStep{AcknowledgeStep}, []ReferralStep{AcknowledgeStep}},
		{lon(4, 12, 0), []ReferralStep{AcknowledgeStep}, nil}, // once per missed target
		{lon(7, 9, 0), []ReferralStep{AcknowledgeStep}, nil},
		{lon(10, 10, 1), []ReferralStep{AcknowledgeStep, DecideStep}, []ReferralStep{DecideStep}},
		{lon(11, 9, 0), []ReferralStep{AcknowledgeStep, DecideStep}, nil},
	}
	for _, c := range clock {
		if got := r.Overdue(cal, targets, c.now); !slices.Equal(got, c.overdue) {
			t.Errorf("at %v overdue %v, want %v", c.now, got, c.overdue)
		}
		if got := steps(tick(c.now)); !slices.Equal(got, c.escalate) {
			t.Errorf("at %v escalated %v, want %v", c.now, got, c.escalate)
		}
	}
	if len(sent) != 2 || sent[0].Deadline != lon(4, 10, 0) || sent[1].Deadline != lon(10, 10, 0) ||
		sent[0].TeamID != "t-adults" || sent[0].ReferralID != "r-1" || sent[0].Urgency != UrgencyRoutine {
		t.Errorf("escalations sent: %+v", sent)
	}
	if !r.AcknowledgeEscalatedAt.Equal(lon(4, 10, 1)) || !r.DecideEscalatedAt.Equal(lon(10, 10, 1)) {
		t.Errorf("marked at %v and %v", r.AcknowledgeEscalatedAt, r.DecideEscalatedAt)
	}
	if again := r.MarkEscalated(AcknowledgeStep, lon(12, 9, 0)); !again.AcknowledgeEscalatedAt.Equal(lon(4, 10, 1)) {
		t.Error("marking again moved the first escalation")
	}

	// A job that was down for a week sends both at once.
	if got := steps(fresh.DueEscalations(cal, targets, lon(11, 9, 0))); !slices.Equal(got, []ReferralStep{AcknowledgeStep, DecideStep}) {
		t.Errorf("late job escalates %v", got)
	}
	// Acknowledged late: no longer overdue for acknowledgement, still for the decision.
	late, _, err := fresh.Transition(refWorker, ReceiverSide, ReferralChange{To: ReferralReceived, At: lon(5, 9, 30)})
	if err != nil {
		t.Fatal(err)
	}
	if got := late.Overdue(cal, targets, lon(5, 10, 0)); got != nil {
		t.Errorf("acknowledged late, overdue %v", got)
	}
	if got := late.Overdue(cal, targets, lon(10, 10, 1)); !slices.Equal(got, []ReferralStep{DecideStep}) {
		t.Errorf("acknowledged, undecided, overdue %v", got)
	}
	// Decided, cancelled, voided and unsent referrals are never overdue.
	decided, _, _ := late.Transition(refWorker, ReceiverSide, ReferralChange{To: ReferralAccepted, At: lon(12, 9, 0)})
	cancelled, _, _ := fresh.Transition(refGP, ReferrerSide, fullChange(ReferralCancelled, lon(3, 11, 0)))
	void, _, _ := fresh.Transition(refGP, ReferrerSide, fullChange(ReferralEnteredInError, lon(3, 11, 0)))
	for _, q := range []ReferralTask{decided, cancelled, void, draftReferral(t)} {
		if got := q.DueEscalations(cal, targets, lon(28, 9, 0)); got != nil {
			t.Errorf("%s referral escalates %v", q.Status, got)
		}
	}
}

func TestReferralWait(t *testing.T) {
	t.Parallel()
	cal := londonCalendar(t)
	lon := func(d, h int) time.Time { return time.Date(2025, time.February, d, h, 0, 0, 0, cal.Location()) }
	r := sentReferral(t, lon(3, 10), UrgencyRoutine)
	decided, _, _ := r.Transition(refWorker, ReceiverSide, ReferralChange{To: ReferralAccepted, At: lon(5, 11)})
	quick, _, _ := r.Transition(refWorker, ReceiverSide, fullChange(ReferralRejected, lon(3, 15)))
	cancelled, _, _ := r.Transition(refGP, ReferrerSide, fullChange(ReferralCancelled, lon(5, 11)))
	cases := []struct {
		name string
		r    ReferralTask
		now  time.Time
		want ReferralWait
		says string
	}{
		{"same day", r, lon(3, 16), ReferralWait{0, true, false}, "Waiting less than a working day"},
		{"one day", r, lon(4, 10), ReferralWait{1, true, false}, "Waiting 1 working day"},
		{"over a weekend", r, lon(10, 12), ReferralWait{5, true, false}, "Waiting 5 working days"},
		{"decided", decided, lon(20, 10), ReferralWait{2, false, true}, "Decided after 2 working days"},
		{"declined the same day", quick, lon(20, 10), ReferralWait{0, false, true}, "Decided within a working day"},
		{"cancelled", cancelled, lon(20, 10), ReferralWait{2, false, false}, ""},
		{"draft", draftReferral(t), lon(20, 10), ReferralWait{}, ""},
	}
	for _, c := range cases {
		got := c.r.Wait(cal, c.now)
		if got != c.want || got.String() != c.says {
			t.Errorf("%s: %+v %q, want %+v %q", c.name, got, got.String(), c.want, c.says)
		}
	}
}

func TestReferralTargets(t *testing.T) {
	t.Parallel()
	def := DefaultReferralTargets()
	if def.Routine.Acknowledge != WorkingDaysTarget(1) || def.Routine.Decide != WorkingDaysTarget(5) ||
		def.Urgent.Acknowledge != WorkingHoursTarget(2) || def.Urgent.Decide != WorkingDaysTarget(1) {
		t.Errorf("defaults = %+v, want the issue's", def)
	}
	if err := def.Validate(); err != nil {
		t.Errorf("defaults: %v", err)
	}
	if !reflect.DeepEqual(ReferralTargets{}.WithDefaults(), def) {
		t.Error("unset targets do not take the defaults")
	}
	own := ReferralTargets{Urgent: ResponseTarget{Decide: WorkingHoursTarget(6)}}
	if got := own.For(UrgencyUrgent); got.Decide != WorkingHoursTarget(6) || got.Acknowledge != WorkingHoursTarget(2) {
		t.Errorf("own urgent targets = %+v", got)
	}
	if own.For("") != def.SameDay || own.For(UrgencyRoutine) != def.Routine {
		t.Error("For picks the wrong targets")
	}
	cases := []struct {
		name    string
		targets ReferralTargets
		field   string
	}{
		{"unset", ReferralTargets{}, ""},
		{"no amount", ReferralTargets{Routine: ResponseTarget{Acknowledge: TargetPeriod{Unit: TargetWorkingDays}}}, "routine_acknowledge"},
		{"no unit", ReferralTargets{Urgent: ResponseTarget{Decide: TargetPeriod{Amount: 3}}}, "urgent_decide"},
		{"made-up unit", ReferralTargets{SameDay: ResponseTarget{Decide: TargetPeriod{Amount: 3, Unit: "fortnights"}}}, "same_day_decide"},
		{"61 days", ReferralTargets{Routine: ResponseTarget{Decide: WorkingDaysTarget(61)}}, "routine_decide"},
		{"60 days", ReferralTargets{Routine: ResponseTarget{Decide: WorkingDaysTarget(60)}}, ""},
		{"41 hours", ReferralTargets{Urgent: ResponseTarget{Acknowledge: WorkingHoursTarget(41)}}, "urgent_acknowledge"},
		{"negative", ReferralTargets{Urgent: ResponseTarget{Acknowledge: WorkingHoursTarget(-1)}}, "urgent_acknowledge"},
		{"acknowledge after deciding", ReferralTargets{Routine: ResponseTarget{Acknowledge: WorkingDaysTarget(2), Decide: WorkingDaysTarget(1)}}, "routine_acknowledge"},
		{"9 hours against a day", ReferralTargets{SameDay: ResponseTarget{Acknowledge: WorkingHoursTarget(9), Decide: WorkingDaysTarget(1)}}, "same_day_acknowledge"},
		{"8 hours against a day", ReferralTargets{SameDay: ResponseTarget{Acknowledge: WorkingHoursTarget(8), Decide: WorkingDaysTarget(1)}}, ""},
	}
	for _, c := range cases {
		err := c.targets.Validate()
		if c.field == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if !IsKind(err, KindInvalid) || FieldsOf(err).Message(c.field) == "" {
			t.Errorf("%s: %v, want a problem with %s", c.name, err, c.field)
		}
	}
	for p, want := range map[TargetPeriod]string{
		WorkingDaysTarget(1): "1 working day", WorkingDaysTarget(5): "5 working days",
		WorkingHoursTarget(1): "1 working hour", WorkingHoursTarget(2): "2 working hours",
	} {
		if p.String() != want {
			t.Errorf("%+v says %q, want %q", p, p.String(), want)
		}
	}
	if AcknowledgeStep.Label() != "Acknowledge" || DecideStep.Missed() != "Not decided in time" {
		t.Error("step wording")
	}
}
