package care

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// This file holds users' recurring blocked times and the scheduling assistant
// that proposes MDT meeting times around them.

// BlockedTime is a recurring time a user cannot meet, such as a GP's Tuesday
// morning surgery. Times of day are wall-clock times in the calendar's zone.
type BlockedTime struct {
	ID     string
	UserID string
	// Label says what the time is for, such as "Morning surgery". It is about
	// the user's week, never about a patient.
	Label   string
	Weekday time.Weekday
	// Start and End are the wall-clock times of day the block runs from
	// and to, as the time since midnight; End may be 24 hours.
	Start, End time.Duration
	// Repeat is MDTWeekly or MDTFortnightly.
	Repeat MDTRepeat
	// Anchor is, for a fortnightly block, any date in a week the block
	// happens in (weeks run Monday to Sunday). Weekly blocks ignore it.
	Anchor CivilDate
	// Clinical marks a clinical session (surgery, clinic, home visits).
	// A meeting that overlaps nobody's clinical session is protected time.
	Clinical bool
}

const mdtMaxLabel = 100

// Validate checks a blocked time before it is saved. Field names are those of
// the blocked-time form.
func (b BlockedTime) Validate() error {
	var errs FieldErrors
	if strings.TrimSpace(b.UserID) == "" {
		errs.Add("user_id", "Choose whose time this is")
	}
	if utf8.RuneCountInString(b.Label) > mdtMaxLabel {
		errs.Add("label", fmt.Sprintf("The description must be %d characters or fewer", mdtMaxLabel))
	}
	if b.Weekday < time.Sunday || b.Weekday > time.Saturday {
		errs.Add("weekday", "Choose a day of the week")
	}
	if b.Start < 0 || b.Start >= 24*time.Hour || b.Start%time.Minute != 0 {
		errs.Add("start_time", "Enter a start time, like 08:30")
	}
	switch {
	case b.End <= 0 || b.End > 24*time.Hour || b.End%time.Minute != 0:
		errs.Add("end_time", "Enter an end time, like 12:00")
	case b.End <= b.Start:
		errs.Add("end_time", "The end time must be after the start time")
	}
	switch b.Repeat {
	case MDTWeekly:
	case MDTFortnightly:
		if !b.Anchor.IsValid() {
			errs.Add("anchor_date", "Enter the date of one day this happens, so we know which weeks")
		}
	default:
		errs.Add("repeat", "Choose whether this happens every week or every other week")
	}
	return errs.Err()
}

// On reports whether the block happens on d. A fortnightly block whose anchor
// is not a real date is read as weekly, so a damaged record blocks too much
// time rather than too little.
func (b BlockedTime) On(d CivilDate) bool {
	if d.Weekday() != b.Weekday {
		return false
	}
	if b.Repeat == MDTFortnightly && b.Anchor.IsValid() {
		return (mdtWeekNumber(d)-mdtWeekNumber(b.Anchor))%2 == 0
	}
	return true
}

// SpanOn returns the instants the block starts and ends on d in cal's zone,
// and false if it does not happen that day. Times outside 00:00 to 24:00 are
// clipped to the day.
func (b BlockedTime) SpanOn(cal *Calendar, d CivilDate) (start, end time.Time, ok bool) {
	if !b.On(d) {
		return time.Time{}, time.Time{}, false
	}
	from, to := max(b.Start, 0), min(b.End, 24*time.Hour)
	if to <= from {
		return time.Time{}, time.Time{}, false
	}
	return cal.at(d, from), cal.at(d, to), true
}

// Limits on a slot search, so a page asking for proposals answers quickly.
const (
	MDTMaxSearchDays   = 92
	mdtDefaultStep     = 15 * time.Minute
	mdtDefaultLimit    = 10
	mdtMaxLimit        = 100
	mdtDefaultPerDay   = 1
	mdtMinStep         = 5 * time.Minute
	mdtMaxBlockedTimes = 5000
)

// SlotRequest asks the scheduling assistant for meeting times.
type SlotRequest struct {
	// Calendar gives the zone, the bank holidays and the working hours:
	// slots are only proposed inside working hours on working days.
	Calendar *Calendar
	Duration time.Duration
	// From and To bound the search: every slot starts at or after From
	// and ends by To. At most MDTMaxSearchDays apart.
	From, To time.Time
	// PreferredStart and PreferredEnd are the wall-clock hours the
	// coordinator would like the meeting in, as time since midnight; slots
	// inside them rank higher. Both zero means no preference.
	PreferredStart, PreferredEnd time.Duration
	// Core lists the user ids whose blocked times a slot must avoid.
	Core []string
	// Blocked holds the blocked times of the core members and of anyone
	// else who is wanted (such as a professional an agenda item needs).
	// Blocks of users outside Core do not rule a slot out: they make it
	// rank lower and are listed in ProposedSlot.Clashes.
	Blocked []BlockedTime
	// Step is the gap between candidate start times, counted from the
	// opening of the working day; zero means 15 minutes.
	Step time.Duration
	// Limit is the most slots returned (zero means 10), and PerDay the
	// most from any one day (zero means 1), so the proposals offer a
	// choice of days rather than ten times on one morning.
	Limit, PerDay int
}

// ProposedSlot is a time the scheduling assistant proposes.
type ProposedSlot struct {
	Start, End time.Time // UTC
	// Protected reports that the slot overlaps nobody's clinical session:
	// nobody has to leave a clinic, or run one late, to attend.
	Protected bool
	// Preferred reports that the slot lies inside the preferred hours.
	Preferred bool
	// Clashes lists, in order, the users outside Core whose blocked time
	// the slot overlaps.
	Clashes []string
}

// ProposeSlots returns candidate meeting times, best first. Every slot lies
// inside working hours on a working day (never at a weekend or on a bank
// holiday) and overlaps no blocked time of a core member. Slots are ranked:
//
//  1. protected time before unprotected;
//  2. fewer clashes with people outside Core first;
//  3. inside the preferred hours before outside them;
//  4. earlier before later.
//
// Blocked times are wall-clock times, so a 09:00 to 12:00 surgery blocks
// 09:00 to 12:00 in London in the weeks either side of a change of clocks.
// The request's problems are reported as field errors named as on the
// scheduling form (duration, from, to, preferred_start, preferred_end), or
// step, limit and blocked for values a form does not offer.
func ProposeSlots(req SlotRequest) ([]ProposedSlot, error) {
	if req.Calendar == nil {
		return nil, Errorf(KindInternal, "The scheduling assistant needs a calendar")
	}
	if err := req.validate(); err != nil {
		return nil, err
	}
	cal := req.Calendar
	step := cmp.Or(req.Step, mdtDefaultStep)
	limit := min(cmp.Or(req.Limit, mdtDefaultLimit), mdtMaxLimit)
	perDay := cmp.Or(req.PerDay, mdtDefaultPerDay)
	core := make(map[string]bool, len(req.Core))
	for _, id := range req.Core {
		core[id] = true
	}

	var out []ProposedSlot
	var day []ProposedSlot
	var hard, soft []mdtBusy
	last := cal.Date(req.To)
	for d := cal.Date(req.From); !d.After(last); d = d.AddDays(1) {
		opens, closes, ok := cal.WorkingHoursOn(d)
		if !ok {
			continue
		}
		hard, soft = hard[:0], soft[:0]
		for _, b := range req.Blocked {
			start, end, ok := b.SpanOn(cal, d)
			if !ok {
				continue
			}
			busy := mdtBusy{user: b.UserID, start: start, end: end, clinical: b.Clinical}
			if core[b.UserID] {
				hard = append(hard, busy)
			} else {
				soft = append(soft, busy)
			}
		}
		prefFrom, prefTo := cal.at(d, req.PreferredStart), cal.at(d, req.PreferredEnd)
		day = day[:0]
		for start := opens; ; start = start.Add(step) {
			end := start.Add(req.Duration)
			if end.After(closes) || end.After(req.To) {
				break
			}
			if start.Before(req.From) || mdtOverlapsAny(hard, start, end) {
				continue
			}
			slot := ProposedSlot{Start: start.UTC(), End: end.UTC(), Protected: true}
			for _, b := range soft {
				if b.start.Before(end) && start.Before(b.end) {
					if b.clinical {
						slot.Protected = false
					}
					if !slices.Contains(slot.Clashes, b.user) {
						slot.Clashes = append(slot.Clashes, b.user)
					}
				}
			}
			slices.Sort(slot.Clashes)
			if req.PreferredEnd > req.PreferredStart {
				slot.Preferred = !start.Before(prefFrom) && !end.After(prefTo)
			}
			day = append(day, slot)
		}
		slices.SortStableFunc(day, mdtCompareSlots)
		out = append(out, day[:min(perDay, len(day))]...)
	}
	slices.SortStableFunc(out, mdtCompareSlots)
	return slices.Clip(out[:min(limit, len(out))]), nil
}

func (req SlotRequest) validate() error {
	var errs FieldErrors
	if req.Duration < MDTMinDuration || req.Duration > MDTMaxDuration || req.Duration%time.Minute != 0 {
		errs.Add("duration", fmt.Sprintf("A meeting lasts between %d minutes and %d hours, in whole minutes",
			int(MDTMinDuration/time.Minute), int(MDTMaxDuration/time.Hour)))
	}
	switch {
	case req.From.IsZero():
		errs.Add("from", "Enter the first date to search from")
	case req.To.IsZero():
		errs.Add("to", "Enter the last date to search to")
	case !req.To.After(req.From):
		errs.Add("to", "The end of the search must be after its start")
	case req.Calendar.Date(req.To).Compare(req.Calendar.Date(req.From).AddDays(MDTMaxSearchDays)) > 0:
		errs.Add("to", fmt.Sprintf("Search up to %d days at a time", MDTMaxSearchDays))
	}
	prefSet := req.PreferredStart != 0 || req.PreferredEnd != 0
	if prefSet {
		if req.PreferredStart < 0 || req.PreferredStart >= 24*time.Hour {
			errs.Add("preferred_start", "Enter the start of the preferred hours, like 12:00")
		}
		switch {
		case req.PreferredEnd <= 0 || req.PreferredEnd > 24*time.Hour:
			errs.Add("preferred_end", "Enter the end of the preferred hours, like 14:00")
		case req.PreferredEnd <= req.PreferredStart:
			errs.Add("preferred_end", "The preferred hours must end after they start")
		}
	}
	if req.Step != 0 && (req.Step < mdtMinStep || req.Step > 24*time.Hour) {
		errs.Add("step", "Propose times at least 5 minutes apart")
	}
	if req.Limit < 0 || req.PerDay < 0 {
		errs.Add("limit", "Ask for a positive number of proposals")
	}
	if len(req.Blocked) > mdtMaxBlockedTimes {
		errs.Add("blocked", "Too many blocked times to search around; choose fewer people")
	}
	return errs.Err()
}

type mdtBusy struct {
	user       string
	start, end time.Time
	clinical   bool
}

func mdtOverlapsAny(busy []mdtBusy, start, end time.Time) bool {
	for _, b := range busy {
		if b.start.Before(end) && start.Before(b.end) {
			return true
		}
	}
	return false
}

// mdtCompareSlots orders slots by the ranking ProposeSlots documents.
func mdtCompareSlots(a, b ProposedSlot) int {
	if a.Protected != b.Protected {
		if a.Protected {
			return -1
		}
		return 1
	}
	if c := cmp.Compare(len(a.Clashes), len(b.Clashes)); c != 0 {
		return c
	}
	if a.Preferred != b.Preferred {
		if a.Preferred {
			return -1
		}
		return 1
	}
	return a.Start.Compare(b.Start)
}
