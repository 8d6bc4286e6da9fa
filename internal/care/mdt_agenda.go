package care

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// This file holds the rules of an MDT meeting's agenda, attendance and
// actions: when the agenda closes, who an item needs, who read the pre-read
// pack, what "Finish meeting" carries to the next meeting, and when an action
// is overdue or was closed on time.

// AgendaClosesAt returns the instant the agenda of a meeting starting at
// meetingStart closes: deadline before it, or DefaultAgendaDeadline before it
// when deadline is zero or less. The deadline is elapsed time, which keeps it
// independent of any zone. For a weekday meeting in London the default 24
// hours is also the same wall-clock time the day before, because the clocks
// only change early on a Sunday; a deadline that spans a change of clocks is
// an hour off the wall clock (48 hours before 13:00 on the Monday after the
// clocks go forward is 12:00 on the Saturday).
func AgendaClosesAt(meetingStart time.Time, deadline time.Duration) time.Time {
	if deadline <= 0 {
		deadline = DefaultAgendaDeadline
	}
	return meetingStart.Add(-deadline)
}

// IsLate reports whether an item added at addedAt missed the agenda deadline
// of a meeting starting at meetingStart. An item added exactly at the
// deadline is on time.
func IsLate(addedAt, meetingStart time.Time, deadline time.Duration) bool {
	return addedAt.After(AgendaClosesAt(meetingStart, deadline))
}

// MDTNeed is a professional an agenda item needs at the meeting: either
// anyone holding a role (any social worker) or one user (the person's GP).
// Exactly one of Role and UserID is set.
type MDTNeed struct {
	Role   Role
	UserID string
}

// Valid reports whether the need names exactly one known role or one user.
func (n MDTNeed) Valid() bool {
	if n.UserID != "" {
		return n.Role == "" && strings.TrimSpace(n.UserID) != ""
	}
	return n.Role.Valid()
}

// MDTItemStatus is where an agenda item has got to.
type MDTItemStatus string

const (
	// MDTItemOpen: on the agenda, not yet discussed.
	MDTItemOpen MDTItemStatus = "open"
	// MDTItemDiscussed: discussed at the meeting, with its outcome recorded.
	MDTItemDiscussed MDTItemStatus = "discussed"
	// MDTItemCarriedOver: not discussed; a copy is on the next meeting's
	// agenda.
	MDTItemCarriedOver MDTItemStatus = "carried_over"
	// MDTItemWithdrawn: taken off the agenda before it was discussed.
	MDTItemWithdrawn MDTItemStatus = "withdrawn"
)

var mdtItemStatusLabels = map[MDTItemStatus]string{
	MDTItemOpen:        "To discuss",
	MDTItemDiscussed:   "Discussed",
	MDTItemCarriedOver: "Carried over",
	MDTItemWithdrawn:   "Withdrawn",
}

// Label is the status as a page shows it.
func (s MDTItemStatus) Label() string { return mdtItemStatusLabels[s] }

// Valid reports whether s is a known status.
func (s MDTItemStatus) Valid() bool { _, ok := mdtItemStatusLabels[s]; return ok }

// MDTAgendaItem is one person to discuss at a meeting, with the question the
// team is asked and the professionals the discussion needs.
type MDTAgendaItem struct {
	ID        string
	MeetingID string
	PersonID  string
	Question  string
	Needs     []MDTNeed
	AddedBy   string
	AddedAt   time.Time
	Status    MDTItemStatus
	// CarriedFromID is the item, on an earlier meeting's agenda, that
	// this one continues; empty for an item added afresh.
	CarriedFromID string
	Version       int
}

const (
	mdtMaxQuestion = 2000
	mdtMaxNeeds    = 20
)

// Validate checks an item before it is saved. Field names are those of the
// add-item form.
func (i MDTAgendaItem) Validate() error {
	var errs FieldErrors
	if strings.TrimSpace(i.PersonID) == "" {
		errs.Add("person_id", "Choose the person to discuss")
	}
	q := strings.TrimSpace(i.Question)
	switch {
	case q == "":
		errs.Add("question", "Enter the question for the team")
	case utf8.RuneCountInString(q) > mdtMaxQuestion:
		errs.Add("question", fmt.Sprintf("The question must be %d characters or fewer", mdtMaxQuestion))
	}
	if len(i.Needs) > mdtMaxNeeds {
		errs.Add("needs", fmt.Sprintf("Choose up to %d professionals", mdtMaxNeeds))
	}
	for _, n := range i.Needs {
		if !n.Valid() {
			errs.Add("needs", "Choose each professional the item needs from the list")
			break
		}
	}
	if i.Status != "" && !i.Status.Valid() {
		errs.Add("status", "Choose a status from the list")
	}
	return errs.Err()
}

// Late reports whether the item was added after the agenda of a meeting
// starting at meetingStart closed. An item carried over from an earlier
// meeting is never late: it was on time for the meeting it was first added to.
func (i MDTAgendaItem) Late(meetingStart time.Time, deadline time.Duration) bool {
	return i.CarriedFromID == "" && IsLate(i.AddedAt, meetingStart, deadline)
}

// AttendanceState is where an invitee stands for one meeting.
type AttendanceState string

const (
	AttendanceInvited          AttendanceState = "invited"
	AttendanceAccepted         AttendanceState = "accepted"
	AttendanceDeclined         AttendanceState = "declined"
	AttendanceAttendedInPerson AttendanceState = "attended_in_person"
	AttendanceAttendedRemotely AttendanceState = "attended_remotely"
)

// AttendanceStates lists the states in the order a page offers them.
var AttendanceStates = []AttendanceState{
	AttendanceInvited, AttendanceAccepted, AttendanceDeclined,
	AttendanceAttendedInPerson, AttendanceAttendedRemotely,
}

var mdtAttendanceLabels = map[AttendanceState]string{
	AttendanceInvited:          "Invited",
	AttendanceAccepted:         "Accepted",
	AttendanceDeclined:         "Declined",
	AttendanceAttendedInPerson: "Attended in person",
	AttendanceAttendedRemotely: "Attended remotely",
}

// Label is the state as a page shows it.
func (s AttendanceState) Label() string { return mdtAttendanceLabels[s] }

// Valid reports whether s is a known state.
func (s AttendanceState) Valid() bool { _, ok := mdtAttendanceLabels[s]; return ok }

// Attended reports whether the invitee was at the meeting, in person or
// remotely.
func (s AttendanceState) Attended() bool {
	return s == AttendanceAttendedInPerson || s == AttendanceAttendedRemotely
}

// CanChangeTo reports whether an invitee's state may change from s to next.
// Before the meeting starts, invitees answer (accepted or declined) and may
// change their answer. Once it has started, the coordinator records who
// attended and how, and may correct that record, including an answer
// recorded in error; nobody goes back to merely "invited".
func (s AttendanceState) CanChangeTo(next AttendanceState, meetingStarted bool) bool {
	if !s.Valid() || !next.Valid() || next == s {
		return false
	}
	if !meetingStarted {
		return !s.Attended() && (next == AttendanceAccepted || next == AttendanceDeclined)
	}
	return next != AttendanceInvited && (next.Attended() || s.Attended() || next == AttendanceDeclined)
}

// MDTInvitee is a user invited to one meeting, in the role they are invited
// in.
type MDTInvitee struct {
	UserID string
	Role   Role
	State  AttendanceState
	// Core marks a core member of the series, as opposed to someone
	// invited for particular items.
	Core bool
}

// MDTNeedProblem says why an item's need is not met.
type MDTNeedProblem string

const (
	// MDTNeedDeclined: every invitee who could meet the need declined.
	MDTNeedDeclined MDTNeedProblem = "declined"
	// MDTNeedNotInvited: nobody who could meet the need is invited.
	MDTNeedNotInvited MDTNeedProblem = "not_invited"
)

// MDTNeedWarning flags an open agenda item that a needed professional will
// not be at, so the coordinator can invite someone else or move the item.
type MDTNeedWarning struct {
	ItemID  string
	Need    MDTNeed
	Problem MDTNeedProblem
	// Declined lists, in order, the invitees who declined and could have
	// met the need.
	Declined []string
}

// UnmetNeeds returns a warning for each need of each open item that no
// invitee will meet, in item order and then need order. A need for a user is
// met unless that user declined or is not invited; a need for a role is met
// while at least one invitee in that role has not declined. Items that are
// discussed, carried over or withdrawn are not checked.
func UnmetNeeds(items []MDTAgendaItem, invitees []MDTInvitee) []MDTNeedWarning {
	var out []MDTNeedWarning
	for _, item := range items {
		if item.Status != MDTItemOpen && item.Status != "" {
			continue
		}
		for _, need := range item.Needs {
			var declined []string
			met := false
			for _, inv := range invitees {
				fits := inv.UserID == need.UserID
				if need.UserID == "" {
					fits = need.Role != "" && inv.Role == need.Role
				}
				if !fits {
					continue
				}
				if inv.State == AttendanceDeclined {
					declined = append(declined, inv.UserID)
				} else {
					met = true
				}
			}
			if met {
				continue
			}
			w := MDTNeedWarning{ItemID: item.ID, Need: need, Problem: MDTNeedNotInvited}
			if len(declined) > 0 {
				slices.Sort(declined)
				w.Problem, w.Declined = MDTNeedDeclined, slices.Compact(declined)
			}
			out = append(out, w)
		}
	}
	return out
}

// MDTAttendance counts a meeting's invitees by state, for the record of
// attendance that later measures read.
type MDTAttendance struct {
	Invited, Accepted, Declined, InPerson, Remote int
	// Total is the number of invitees, whatever their state.
	Total int
}

// Attended is the number who attended, in person or remotely.
func (a MDTAttendance) Attended() int { return a.InPerson + a.Remote }

// CountAttendance counts invitees by state. Each user counts once, in the
// state of their first entry.
func CountAttendance(invitees []MDTInvitee) MDTAttendance {
	var a MDTAttendance
	seen := make(map[string]bool, len(invitees))
	for _, inv := range invitees {
		if seen[inv.UserID] {
			continue
		}
		seen[inv.UserID] = true
		a.Total++
		switch inv.State {
		case AttendanceInvited:
			a.Invited++
		case AttendanceAccepted:
			a.Accepted++
		case AttendanceDeclined:
			a.Declined++
		case AttendanceAttendedInPerson:
			a.InPerson++
		case AttendanceAttendedRemotely:
			a.Remote++
		}
	}
	return a
}

// MDTPackOpen records a user opening an item's pre-read pack.
type MDTPackOpen struct {
	UserID string
	At     time.Time
}

// PreReadRate is how many of the people expected at a meeting read an item's
// pre-read pack before it started.
type PreReadRate struct {
	Read, Expected int
}

// String says the rate as a page shows it, such as "read by 3 of 5".
func (r PreReadRate) String() string {
	return fmt.Sprintf("read by %d of %d", r.Read, r.Expected)
}

// Percent is the rate as a whole percentage, rounded down; 0 when nobody was
// expected.
func (r PreReadRate) Percent() int {
	if r.Expected <= 0 {
		return 0
	}
	return r.Read * 100 / r.Expected
}

// PreReadRateFor computes an item's pre-read rate. Expected counts each
// invitee who had not declined; Read counts those of them who opened the pack
// before meetingStart. Opening it during or after the meeting, or opening it
// twice, adds nothing, and people not invited are not counted.
func PreReadRateFor(invitees []MDTInvitee, opens []MDTPackOpen, meetingStart time.Time) PreReadRate {
	expected := make(map[string]bool, len(invitees))
	for _, inv := range invitees {
		if inv.State != AttendanceDeclined && inv.UserID != "" {
			expected[inv.UserID] = true
		}
	}
	read := make(map[string]bool, len(opens))
	for _, o := range opens {
		if expected[o.UserID] && o.At.Before(meetingStart) {
			read[o.UserID] = true
		}
	}
	return PreReadRate{Read: len(read), Expected: len(expected)}
}

// MDTActionStatus is whether an action is still to do.
type MDTActionStatus string

const (
	MDTActionOpen MDTActionStatus = "open"
	MDTActionDone MDTActionStatus = "done"
)

// Valid reports whether s is a known status.
func (s MDTActionStatus) Valid() bool { return s == MDTActionOpen || s == MDTActionDone }

// Label is the status as a page shows it.
func (s MDTActionStatus) Label() string {
	switch s {
	case MDTActionOpen:
		return "Open"
	case MDTActionDone:
		return "Done"
	}
	return ""
}

// MDTAction is something a meeting decided someone will do, with an owner
// (one user, or a team) and a date it is due by.
type MDTAction struct {
	ID        string
	MeetingID string
	ItemID    string
	PersonID  string
	// Description says what is to be done.
	Description string
	// Exactly one of OwnerUserID and OwnerTeamID is set.
	OwnerUserID string
	OwnerTeamID string
	// Due is the last day the action is on time: it is overdue from the
	// start of the next day in the calendar's zone.
	Due       CivilDate
	Status    MDTActionStatus
	CreatedAt time.Time
	DoneAt    time.Time
	// ReviewMeetingID is the meeting whose agenda the open action is on
	// for review: the meeting that raised it at first, then each next
	// meeting it is carried to.
	ReviewMeetingID string
	// ReferralID is the referral the action became, when it became one.
	ReferralID string
	Version    int
}

const mdtMaxActionText = 1000

// Validate checks an action before it is saved. Field names are those of the
// action form.
func (a MDTAction) Validate() error {
	var errs FieldErrors
	desc := strings.TrimSpace(a.Description)
	switch {
	case desc == "":
		errs.Add("description", "Enter what needs to be done")
	case utf8.RuneCountInString(desc) > mdtMaxActionText:
		errs.Add("description", fmt.Sprintf("The action must be %d characters or fewer", mdtMaxActionText))
	}
	user, team := strings.TrimSpace(a.OwnerUserID), strings.TrimSpace(a.OwnerTeamID)
	switch {
	case user == "" && team == "":
		errs.Add("owner", "Choose who owns the action: a person or a team")
	case user != "" && team != "":
		errs.Add("owner", "Choose a person or a team to own the action, not both")
	}
	if !a.Due.IsValid() {
		errs.Add("due", "Enter the date the action is due by")
	}
	if !a.Status.Valid() {
		errs.Add("status", "Choose whether the action is open or done")
	}
	if a.Status == MDTActionDone && a.DoneAt.IsZero() {
		errs.Add("status", "A done action needs the time it was done")
	}
	return errs.Err()
}

// OverdueAt reports whether the action is open after its due date, judged by
// the date now falls on in loc (Europe/London in production).
func (a MDTAction) OverdueAt(now time.Time, loc *time.Location) bool {
	return a.Status == MDTActionOpen && CivilDateOf(now.In(loc)).After(a.Due)
}

// ClosedOnTime reports whether the action was done on or before its due date
// in loc.
func (a MDTAction) ClosedOnTime(loc *time.Location) bool {
	return a.Status == MDTActionDone && !a.DoneAt.IsZero() && !CivilDateOf(a.DoneAt.In(loc)).After(a.Due)
}

// Close marks the action done at at. Closing a done action is a conflict, so
// two people closing it at once see that the other did.
func (a MDTAction) Close(at time.Time) (MDTAction, error) {
	if a.Status == MDTActionDone {
		return a, Errorf(KindConflict, "This action is already done")
	}
	a.Status, a.DoneAt = MDTActionDone, at
	return a, nil
}

// Reopen marks a done action open again, for when it turns out not to be
// finished. Its due date is unchanged, so it may now be overdue.
func (a MDTAction) Reopen() (MDTAction, error) {
	if a.Status != MDTActionDone {
		return a, Errorf(KindConflict, "This action is already open")
	}
	a.Status, a.DoneAt = MDTActionOpen, time.Time{}
	return a, nil
}

// MDTActionMeasure counts actions for the "closed on time" measure. Only
// actions whose outcome is known count: those done, and those still open
// after their due date. Open actions not yet due are left out, because they
// may still be closed on time.
type MDTActionMeasure struct {
	ClosedOnTime, ClosedLate, OpenOverdue int
}

// Counted is the number of actions the measure is taken over.
func (m MDTActionMeasure) Counted() int { return m.ClosedOnTime + m.ClosedLate + m.OpenOverdue }

// Percent is the share closed on time as a whole percentage, rounded down,
// and false when no action counted.
func (m MDTActionMeasure) Percent() (int, bool) {
	n := m.Counted()
	if n == 0 {
		return 0, false
	}
	return m.ClosedOnTime * 100 / n, true
}

// MeasureActions takes the closed-on-time measure of actions at now, judging
// dates in loc.
func MeasureActions(actions []MDTAction, now time.Time, loc *time.Location) MDTActionMeasure {
	var m MDTActionMeasure
	for _, a := range actions {
		switch {
		case a.ClosedOnTime(loc):
			m.ClosedOnTime++
		case a.Status == MDTActionDone:
			m.ClosedLate++
		case a.OverdueAt(now, loc):
			m.OpenOverdue++
		}
	}
	return m
}

// MDTCarryOver is what finishing a meeting changes.
type MDTCarryOver struct {
	// Items are the finished meeting's items, with every undiscussed item
	// now marked carried over.
	Items []MDTAgendaItem
	// Carried are the new items for the next meeting, one for each item
	// carried over, with no ID yet: the store gives them one.
	Carried []MDTAgendaItem
	// Actions are the meeting's open actions, now on the next meeting's
	// agenda for review. Done actions stay where they are.
	Actions []MDTAction
}

// CarryOver applies the rules of "Finish meeting" at at: each item still open
// is marked carried over and continued by a new open item on the next
// meeting's agenda (same person, question and needs, added by the same user,
// not late because it was on time for the meeting it was first added to), and
// each open action is put on the next meeting's agenda for review. Withdrawn
// and discussed items, and done actions, stay as they are. With nothing to
// carry, nextMeetingID may be empty; otherwise an empty nextMeetingID is a
// conflict, because the work would be lost.
func CarryOver(items []MDTAgendaItem, actions []MDTAction, nextMeetingID string, at time.Time) (MDTCarryOver, error) {
	var out MDTCarryOver
	out.Items = slices.Clone(items)
	for i, item := range out.Items {
		if item.Status != MDTItemOpen && item.Status != "" {
			continue
		}
		out.Items[i].Status = MDTItemCarriedOver
		next := item
		next.ID, next.MeetingID, next.Status = "", nextMeetingID, MDTItemOpen
		next.AddedAt, next.CarriedFromID, next.Version = at, item.ID, 0
		next.Needs = slices.Clone(item.Needs)
		out.Carried = append(out.Carried, next)
	}
	for _, a := range actions {
		if a.Status == MDTActionOpen {
			a.ReviewMeetingID = nextMeetingID
			out.Actions = append(out.Actions, a)
		}
	}
	if nextMeetingID == "" && (len(out.Carried) > 0 || len(out.Actions) > 0) {
		return MDTCarryOver{}, Errorf(KindConflict,
			"There is no next meeting to carry undiscussed items and open actions to. Schedule one first.")
	}
	return out, nil
}
