package care

import (
	"strconv"
	"time"
)

// This file holds referral response targets: how soon a receiving team
// must acknowledge a referral and decide on it, when each deadline falls on
// the working calendar, which referrals are overdue and so due to be
// escalated to a manager, and how long the referrer has been waiting.
//
// # Deadline rules
//
//   - Both targets count from the moment the referral was sent (SentAt), in
//     working time on the receiving team's Calendar: Monday to Friday, in
//     working hours, never on an England and Wales bank holiday. A referral
//     sent on Saturday starts counting at Monday's opening.
//   - Acknowledging means any first response from the receiving team:
//     acknowledging, accepting, declining, redirecting or putting it on hold.
//     Deciding means accepting, declining or redirecting.
//   - A decision acknowledges, so the acknowledgement deadline is never later
//     than the decision deadline, whatever the targets say.
//   - Time on hold before the decision does not count towards the decision
//     target: the team is waiting for the referrer or the person. The
//     decision deadline moves on by the working time each such hold lasted,
//     and while one lasts the referral is not overdue for its decision.
//   - A referral is overdue for a step when the step has not happened and
//     the deadline has passed, however long ago; a step that happened late
//     is no longer overdue, it was late.
//   - Each missed target is escalated to the receiving team's managers
//     once. Moving the deadline with a hold does not escalate it again.
//
// The defaults, which a service may change, are: routine, acknowledge within
// 1 working day and decide within 5; urgent, acknowledge within 2 working
// hours and decide within 1 working day; same day, acknowledge within 1
// working hour and decide within 4. "Same day" means decided within the
// working day: a same-day referral sent by 13:00 is decided that day, one
// sent later is decided by the next working morning, and one sent out of
// hours is seen first thing on the next working day. Anything that cannot
// wait for working hours belongs with a duty line or the emergency
// services, not a referral, and the referral form should say so.

// TargetUnit is what a response target counts in.
type TargetUnit string

const (
	TargetWorkingHours TargetUnit = "working-hours"
	TargetWorkingDays  TargetUnit = "working-days"
)

// The largest targets a service may set: a target longer than these is far
// more likely to be a slip of the keyboard than a promise to referrers.
const (
	maxTargetWorkingDays  = 60
	maxTargetWorkingHours = 40
)

// nominalWorkingDay is the length of a working day used only to compare a
// target in hours with one in days when checking a service's settings.
const nominalWorkingDay = 8 * time.Hour

// TargetPeriod is a response target: a number of working hours or days.
// The zero value means "not set", and the default applies.
type TargetPeriod struct {
	Amount int
	Unit   TargetUnit
}

// WorkingDaysTarget is a target of n working days.
func WorkingDaysTarget(n int) TargetPeriod { return TargetPeriod{Amount: n, Unit: TargetWorkingDays} }

// WorkingHoursTarget is a target of n working hours.
func WorkingHoursTarget(n int) TargetPeriod { return TargetPeriod{Amount: n, Unit: TargetWorkingHours} }

// IsZero reports whether the target is not set.
func (p TargetPeriod) IsZero() bool { return p == TargetPeriod{} }

// Valid reports whether p is a target a service may set: 1 to 60 working
// days, or 1 to 40 working hours.
func (p TargetPeriod) Valid() bool {
	switch p.Unit {
	case TargetWorkingDays:
		return p.Amount >= 1 && p.Amount <= maxTargetWorkingDays
	case TargetWorkingHours:
		return p.Amount >= 1 && p.Amount <= maxTargetWorkingHours
	}
	return false
}

// String says the target as people do: "1 working day", "2 working hours".
func (p TargetPeriod) String() string {
	unit := "working day"
	if p.Unit == TargetWorkingHours {
		unit = "working hour"
	}
	if p.Amount != 1 {
		unit += "s"
	}
	return strconv.Itoa(p.Amount) + " " + unit
}

// After returns the deadline the target sets for something starting at t.
func (p TargetPeriod) After(cal *Calendar, t time.Time) time.Time {
	if p.Unit == TargetWorkingHours {
		return cal.AddWorkingHours(t, time.Duration(p.Amount)*time.Hour)
	}
	return cal.AddWorkingDays(t, p.Amount)
}

func (p TargetPeriod) nominal() time.Duration {
	if p.Unit == TargetWorkingHours {
		return time.Duration(p.Amount) * time.Hour
	}
	return time.Duration(p.Amount) * nominalWorkingDay
}

// ResponseTarget is how soon a referral of one urgency must be acknowledged
// and decided, both counted from when it was sent.
type ResponseTarget struct {
	Acknowledge TargetPeriod
	Decide      TargetPeriod
}

// ReferralTargets are one service's response targets, by urgency. Any
// target left unset takes the default.
type ReferralTargets struct {
	Routine ResponseTarget
	Urgent  ResponseTarget
	SameDay ResponseTarget
}

// DefaultReferralTargets returns the targets a service has until it sets its
// own (see the deadline rules above).
func DefaultReferralTargets() ReferralTargets {
	return ReferralTargets{
		Routine: ResponseTarget{Acknowledge: WorkingDaysTarget(1), Decide: WorkingDaysTarget(5)},
		Urgent:  ResponseTarget{Acknowledge: WorkingHoursTarget(2), Decide: WorkingDaysTarget(1)},
		SameDay: ResponseTarget{Acknowledge: WorkingHoursTarget(1), Decide: WorkingHoursTarget(4)},
	}
}

// WithDefaults returns t with every unset target replaced by the default.
func (t ReferralTargets) WithDefaults() ReferralTargets {
	d := DefaultReferralTargets()
	fill := func(p *TargetPeriod, def TargetPeriod) {
		if p.IsZero() {
			*p = def
		}
	}
	fill(&t.Routine.Acknowledge, d.Routine.Acknowledge)
	fill(&t.Routine.Decide, d.Routine.Decide)
	fill(&t.Urgent.Acknowledge, d.Urgent.Acknowledge)
	fill(&t.Urgent.Decide, d.Urgent.Decide)
	fill(&t.SameDay.Acknowledge, d.SameDay.Acknowledge)
	fill(&t.SameDay.Decide, d.SameDay.Decide)
	return t
}

// For returns the targets for a referral of urgency u, with defaults filled
// in. An unknown urgency gets the same-day targets: treating a referral as
// more urgent than it is costs a team some haste, treating it as less
// urgent can cost the person.
func (t ReferralTargets) For(u ReferralUrgency) ResponseTarget {
	t = t.WithDefaults()
	switch u {
	case UrgencyRoutine:
		return t.Routine
	case UrgencyUrgent:
		return t.Urgent
	}
	return t.SameDay
}

// Validate checks a service's targets before they are saved. Unset targets
// are allowed: they take the default. The field names are the urgency and
// the step, such as "urgent_acknowledge".
func (t ReferralTargets) Validate() error {
	var errs FieldErrors
	for _, u := range []struct {
		name string
		t    ResponseTarget
	}{{"routine", t.Routine}, {"urgent", t.Urgent}, {"same_day", t.SameDay}} {
		for _, p := range []struct {
			step string
			p    TargetPeriod
		}{{"acknowledge", u.t.Acknowledge}, {"decide", u.t.Decide}} {
			if !p.p.IsZero() && !p.p.Valid() {
				errs.Add(u.name+"_"+p.step, "Enter from 1 to 60 working days, or from 1 to 40 working hours")
			}
		}
		ack, dec := u.t.Acknowledge, u.t.Decide
		if !ack.IsZero() && !dec.IsZero() && ack.Valid() && dec.Valid() && ack.nominal() > dec.nominal() {
			errs.Add(u.name+"_acknowledge", "The time to acknowledge must not be longer than the time to decide")
		}
	}
	return errs.Err()
}

// ReferralStep is a step with a response target.
type ReferralStep string

const (
	AcknowledgeStep ReferralStep = "acknowledge"
	DecideStep      ReferralStep = "decide"
)

// Label is the step as people say it.
func (s ReferralStep) Label() string {
	switch s {
	case AcknowledgeStep:
		return "Acknowledge"
	case DecideStep:
		return "Decide"
	}
	return string(s)
}

// Missed says the step was missed, for a flag in a queue.
func (s ReferralStep) Missed() string {
	switch s {
	case AcknowledgeStep:
		return "Not acknowledged in time"
	case DecideStep:
		return "Not decided in time"
	}
	return string(s)
}

// ReferralDeadlines are when a sent referral must be acknowledged and
// decided by.
type ReferralDeadlines struct {
	AcknowledgeBy time.Time
	// DecideBy already includes the holds that have ended. While
	// DecidePaused, the referral is on hold before its decision and DecideBy
	// will move on by the length of the hold when it ends.
	DecideBy     time.Time
	DecidePaused bool
}

// Deadlines returns the referral's deadlines under the service's targets,
// or false if it has not been sent. The store can keep them beside the
// referral, recomputed on each change, so that queues can sort and flag
// overdue referrals without the calendar.
func (r ReferralTask) Deadlines(cal *Calendar, targets ReferralTargets) (ReferralDeadlines, bool) {
	if r.SentAt.IsZero() {
		return ReferralDeadlines{}, false
	}
	t := targets.For(r.Urgency)
	ack := t.Acknowledge.After(cal, r.SentAt)
	decide := t.Decide.After(cal, r.SentAt)
	var paused time.Duration
	open := false
	for _, h := range r.Holds {
		switch {
		case !h.BeforeDecision:
		case h.To.IsZero():
			open = true
		default:
			paused += cal.WorkingDurationBetween(h.From, h.To)
		}
	}
	decide = cal.AddWorkingHours(decide, paused)
	if ack.After(decide) {
		ack = decide
	}
	return ReferralDeadlines{
		AcknowledgeBy: ack,
		DecideBy:      decide,
		DecidePaused:  open && r.Status == ReferralOnHold,
	}, true
}

// Overdue returns the steps the referral has missed the target for and
// still not taken at now, acknowledgement first. A referral that is not
// open, has been decided, or is on hold before its decision is never
// overdue.
func (r ReferralTask) Overdue(cal *Calendar, targets ReferralTargets, now time.Time) []ReferralStep {
	d, ok := r.Deadlines(cal, targets)
	if !ok {
		return nil
	}
	var out []ReferralStep
	if r.Status == ReferralRequested && now.After(d.AcknowledgeBy) {
		out = append(out, AcknowledgeStep)
	}
	undecided := r.Status == ReferralRequested || r.Status == ReferralReceived
	if undecided && r.Decision == "" && now.After(d.DecideBy) {
		out = append(out, DecideStep)
	}
	return out
}

// ReferralEscalation is a missed target to tell the receiving team's
// managers about.
type ReferralEscalation struct {
	ReferralID string
	// TeamID is the receiving team; its members in ReferralManagerRoles are
	// the people to tell.
	TeamID   string
	Step     ReferralStep
	Deadline time.Time
	Urgency  ReferralUrgency
}

// DueEscalations returns the escalations due for the referral at now and
// not yet sent: one for each step that is overdue and was never escalated.
// The scheduled job calls it with its own clock, sends each, and saves the
// referral from MarkEscalated in the same transaction as the notification,
// so that each missed target is escalated once.
func (r ReferralTask) DueEscalations(cal *Calendar, targets ReferralTargets, now time.Time) []ReferralEscalation {
	var out []ReferralEscalation
	for _, step := range r.Overdue(cal, targets, now) {
		if !r.escalatedAt(step).IsZero() {
			continue
		}
		d, _ := r.Deadlines(cal, targets)
		deadline := d.AcknowledgeBy
		if step == DecideStep {
			deadline = d.DecideBy
		}
		out = append(out, ReferralEscalation{
			ReferralID: r.ID, TeamID: r.ToTeamID, Step: step, Deadline: deadline, Urgency: r.Urgency,
		})
	}
	return out
}

func (r ReferralTask) escalatedAt(step ReferralStep) time.Time {
	if step == AcknowledgeStep {
		return r.AcknowledgeEscalatedAt
	}
	return r.DecideEscalatedAt
}

// MarkEscalated records that the escalation for step was sent at at. A step
// already escalated keeps its first time.
func (r ReferralTask) MarkEscalated(step ReferralStep, at time.Time) ReferralTask {
	switch {
	case step == AcknowledgeStep && r.AcknowledgeEscalatedAt.IsZero():
		r.AcknowledgeEscalatedAt = at
	case step == DecideStep && r.DecideEscalatedAt.IsZero():
		r.DecideEscalatedAt = at
	}
	return r
}

// ReferralWait is how long a referral has waited for the receiving team's
// decision, as the referrer sees it.
type ReferralWait struct {
	// WorkingDays is the number of whole working days from sending to the
	// decision, or to now while it is still waiting.
	WorkingDays int
	// Waiting is true while the referral is still waiting for a decision.
	Waiting bool
	// Decided is true once it was accepted, declined or redirected; a
	// referral closed without a decision (cancelled) is neither.
	Decided bool
}

// Wait returns how long the referral has waited for a decision at now,
// counting whole working days on the calendar, time on hold included: to
// the referrer it is all waiting. A draft has not waited at all.
func (r ReferralTask) Wait(cal *Calendar, now time.Time) ReferralWait {
	switch {
	case r.SentAt.IsZero():
		return ReferralWait{}
	case !r.DecidedAt.IsZero():
		return ReferralWait{WorkingDays: cal.WorkingDaysBetween(r.SentAt, r.DecidedAt), Decided: true}
	case !r.ClosedAt.IsZero():
		return ReferralWait{WorkingDays: cal.WorkingDaysBetween(r.SentAt, r.ClosedAt)}
	}
	return ReferralWait{WorkingDays: cal.WorkingDaysBetween(r.SentAt, now), Waiting: true}
}

// String says the wait as the referrer's list shows it: "Waiting 3 working
// days", "Decided within a working day".
func (w ReferralWait) String() string {
	days := "less than a working day"
	switch {
	case w.WorkingDays == 1:
		days = "1 working day"
	case w.WorkingDays > 1:
		days = strconv.Itoa(w.WorkingDays) + " working days"
	}
	switch {
	case w.Waiting:
		return "Waiting " + days
	case w.Decided && w.WorkingDays == 0:
		return "Decided within a working day"
	case w.Decided:
		return "Decided after " + days
	}
	return ""
}
