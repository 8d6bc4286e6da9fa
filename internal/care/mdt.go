package care

import (
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// This file holds multidisciplinary team (MDT) meeting series: who a series
// serves, who its core members are, when it meets, and the dates it meets on.
// Agenda, attendance and action rules are in mdt_agenda.go; the scheduling
// assistant is in mdt_slots.go.
//
// Times of day (a series' start time, a blocked session's hours) are
// wall-clock times in the calendar's zone, Europe/London in production, held
// as the time since midnight, as Calendar.WithWorkingHours takes them. They
// are turned into instants date by date, so a 13:00 meeting is at 13:00 in
// London in both summer and winter, 12:00 or 13:00 UTC.

// MDTScope is the kind of area a meeting series serves.
type MDTScope string

const (
	MDTScopePractice      MDTScope = "practice"
	MDTScopePCN           MDTScope = "pcn"
	MDTScopeNeighbourhood MDTScope = "neighbourhood"
)

// MDTScopes lists the scopes in the order a form offers them.
var MDTScopes = []MDTScope{MDTScopePractice, MDTScopePCN, MDTScopeNeighbourhood}

var mdtScopeLabels = map[MDTScope]string{
	MDTScopePractice:      "GP practice",
	MDTScopePCN:           "Primary care network",
	MDTScopeNeighbourhood: "Neighbourhood",
}

// Label is the scope's name as people say it.
func (s MDTScope) Label() string { return mdtScopeLabels[s] }

// Valid reports whether s is a known scope.
func (s MDTScope) Valid() bool { _, ok := mdtScopeLabels[s]; return ok }

// MDTRepeat is how often something recurs: a meeting series, or a user's
// blocked time (which is only ever weekly or fortnightly).
type MDTRepeat string

const (
	MDTWeekly      MDTRepeat = "weekly"
	MDTFortnightly MDTRepeat = "fortnightly"
	MDTMonthly     MDTRepeat = "monthly"
)

// MDTRepeats lists the cadences a series may have, in the order a form
// offers them.
var MDTRepeats = []MDTRepeat{MDTWeekly, MDTFortnightly, MDTMonthly}

// Valid reports whether r is a known cadence.
func (r MDTRepeat) Valid() bool {
	return r == MDTWeekly || r == MDTFortnightly || r == MDTMonthly
}

// LastWeekOfMonth is the MDTCadence.WeekOfMonth of a series that meets on the
// last given weekday of each month, such as "last Thursday".
const LastWeekOfMonth = -1

// MDTCadence is when a series meets: every week, every other week, or once a
// month on a given weekday ("second Tuesday", "last Thursday").
type MDTCadence struct {
	Repeat  MDTRepeat
	Weekday time.Weekday
	// WeekOfMonth picks the weekday of a monthly series: 1 to 4 for the
	// first to the fourth, or LastWeekOfMonth. A fifth weekday is not
	// offered because most months have none. Other cadences ignore it.
	WeekOfMonth int
}

var mdtOrdinals = map[int]string{1: "First", 2: "Second", 3: "Third", 4: "Fourth", LastWeekOfMonth: "Last"}

// String describes the cadence as a page shows it, such as "Every other
// Tuesday" or "Last Thursday of the month".
func (c MDTCadence) String() string {
	day := c.Weekday.String()
	switch c.Repeat {
	case MDTWeekly:
		return "Every " + day
	case MDTFortnightly:
		return "Every other " + day
	case MDTMonthly:
		if o, ok := mdtOrdinals[c.WeekOfMonth]; ok {
			return o + " " + day + " of the month"
		}
	}
	return "No regular meeting"
}

// DefaultAgendaDeadline is how long before a meeting its agenda closes unless
// the series says otherwise.
const DefaultAgendaDeadline = 24 * time.Hour

// Limits that keep a series something a team can actually hold, and keep the
// work of listing its dates bounded.
const (
	MDTMinDuration        = 15 * time.Minute
	MDTMaxDuration        = 8 * time.Hour
	MDTMaxAgendaDeadline  = 14 * 24 * time.Hour
	MDTMaxCoreMembers     = 50
	mdtMaxTitle           = 120
	mdtMaxPlace           = 200
	mdtMaxLink            = 2000
	MDTMaxOccurrences     = 1000
	mdtNextOccurrenceSpan = 400 // days; longer than any gap between two meetings
)

// MDTSeries is a recurring multidisciplinary team meeting for a practice, a
// primary care network or a neighbourhood.
type MDTSeries struct {
	ID    string
	Title string
	Scope MDTScope
	// ScopeID is the organisation id of the practice, or the id of the
	// primary care network or neighbourhood.
	ScopeID string
	// CoreMembers are the user ids of the people every meeting needs; the
	// scheduling assistant never proposes a time one of them is blocked.
	CoreMembers []string
	Cadence     MDTCadence
	// FirstDate is the earliest date the series meets on. A weekly or
	// fortnightly series first meets on the first Cadence.Weekday on or
	// after it, and a fortnightly one every 14 days from then.
	FirstDate CivilDate
	// LastDate, when set, is the last date the series may meet on.
	LastDate CivilDate
	// StartTime is the wall-clock time of day the meeting starts, in the
	// calendar's zone, as the time since midnight.
	StartTime time.Duration
	Duration  time.Duration
	// Place and RemoteLink say where to go; a series needs at least one.
	Place      string
	RemoteLink string
	// AgendaDeadline is how long before each meeting its agenda closes;
	// zero means DefaultAgendaDeadline.
	AgendaDeadline time.Duration
	Version        int
}

// Deadline returns how long before each meeting the agenda closes.
func (s MDTSeries) Deadline() time.Duration {
	if s.AgendaDeadline <= 0 {
		return DefaultAgendaDeadline
	}
	return s.AgendaDeadline
}

// Validate checks a series before it is saved. Field names are those of the
// series form.
func (s MDTSeries) Validate() error {
	var errs FieldErrors
	title := strings.TrimSpace(s.Title)
	switch {
	case title == "":
		errs.Add("title", "Enter a name for the meeting")
	case utf8.RuneCountInString(title) > mdtMaxTitle:
		errs.Add("title", fmt.Sprintf("The meeting name must be %d characters or fewer", mdtMaxTitle))
	}
	if !s.Scope.Valid() {
		errs.Add("scope", "Choose whether the meeting is for a practice, a primary care network or a neighbourhood")
	}
	if strings.TrimSpace(s.ScopeID) == "" {
		errs.Add("scope_id", "Choose which practice, network or neighbourhood the meeting is for")
	}
	mdtValidateMembers(&errs, s.CoreMembers)
	mdtValidateCadence(&errs, s.Cadence)
	if !s.FirstDate.IsValid() {
		errs.Add("first_date", "Enter the date of the first meeting")
	}
	if s.LastDate != (CivilDate{}) {
		switch {
		case !s.LastDate.IsValid():
			errs.Add("last_date", "Enter a real date, or leave the last date empty")
		case s.FirstDate.IsValid() && s.LastDate.Before(s.FirstDate):
			errs.Add("last_date", "The last date must be on or after the first")
		}
	}
	if s.StartTime < 0 || s.StartTime >= 24*time.Hour || s.StartTime%time.Minute != 0 {
		errs.Add("start_time", "Enter a start time, like 13:00")
	}
	switch {
	case s.Duration < MDTMinDuration || s.Duration > MDTMaxDuration || s.Duration%time.Minute != 0:
		errs.Add("duration", fmt.Sprintf("A meeting lasts between %d minutes and %d hours, in whole minutes",
			int(MDTMinDuration/time.Minute), int(MDTMaxDuration/time.Hour)))
	case s.StartTime >= 0 && s.StartTime < 24*time.Hour && s.StartTime+s.Duration > 24*time.Hour:
		errs.Add("duration", "The meeting must end by midnight")
	}
	place := strings.TrimSpace(s.Place)
	link := strings.TrimSpace(s.RemoteLink)
	switch {
	case place == "" && link == "":
		errs.Add("place", "Enter a place, a link to join remotely, or both")
	case utf8.RuneCountInString(place) > mdtMaxPlace:
		errs.Add("place", fmt.Sprintf("The place must be %d characters or fewer", mdtMaxPlace))
	}
	if link != "" && !ValidMeetingLink(link) {
		errs.Add("remote_link", "Enter the full link to join, starting https://")
	}
	if s.AgendaDeadline < 0 || s.AgendaDeadline > MDTMaxAgendaDeadline || s.AgendaDeadline%time.Minute != 0 {
		errs.Add("agenda_deadline", "The agenda must close between 0 and 14 days before the meeting")
	}
	return errs.Err()
}

func mdtValidateMembers(errs *FieldErrors, members []string) {
	if len(members) == 0 {
		errs.Add("core_members", "Choose at least one core member")
		return
	}
	if len(members) > MDTMaxCoreMembers {
		errs.Add("core_members", fmt.Sprintf("A meeting can have up to %d core members", MDTMaxCoreMembers))
		return
	}
	seen := make(map[string]bool, len(members))
	for _, m := range members {
		if strings.TrimSpace(m) == "" {
			errs.Add("core_members", "Choose each core member from the list")
			return
		}
		if seen[m] {
			errs.Add("core_members", "Each core member can only be added once")
			return
		}
		seen[m] = true
	}
}

func mdtValidateCadence(errs *FieldErrors, c MDTCadence) {
	if !c.Repeat.Valid() {
		errs.Add("repeat", "Choose how often the meeting happens")
	}
	if c.Weekday < time.Monday || c.Weekday > time.Friday {
		errs.Add("weekday", "Choose a weekday from Monday to Friday")
	}
	if c.Repeat == MDTMonthly {
		if _, ok := mdtOrdinals[c.WeekOfMonth]; !ok {
			errs.Add("week_of_month", "Choose which week of the month: first, second, third, fourth or last")
		}
	}
}

// ValidMeetingLink reports whether s is a link a meeting can be joined by: an
// absolute https URL with a host, no spaces and no user name or password. It
// is the rule for a series' remote link, and what keeps the link safe to put
// in a page and in a calendar feed.
func ValidMeetingLink(s string) bool {
	if len(s) > mdtMaxLink {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return false
		}
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && u.Host != "" && u.User == nil && u.Opaque == ""
}

// MDTOccurrence is one meeting of a series. Start and End are in UTC.
type MDTOccurrence struct {
	Date       CivilDate
	Start, End time.Time
}

// Occurrences returns the meetings of s that start at or after from and
// before to, in order, using cal for the time zone and bank holidays. At most
// MDTMaxOccurrences are returned; ask for a shorter window to see more. A
// series that does not pass Validate has no meetings.
//
// A meeting that would fall on a bank holiday is skipped, not moved: moving it
// could land it on the next meeting's day or on a day members are in clinic,
// and teams expect "no MDT on bank holiday Monday". SkippedOccurrences lists
// the skipped dates so a page can say so, and a coordinator who wants a
// replacement meeting can use the scheduling assistant.
func (s MDTSeries) Occurrences(cal *Calendar, from, to time.Time) []MDTOccurrence {
	var out []MDTOccurrence
	s.eachDate(cal, from, to, func(d CivilDate, holiday bool) bool {
		if !holiday {
			start, end := s.span(cal, d)
			if !start.Before(from) && start.Before(to) {
				out = append(out, MDTOccurrence{Date: d, Start: start, End: end})
			}
		}
		return len(out) < MDTMaxOccurrences
	})
	return out
}

// SkippedOccurrences returns the bank holidays on which s would have met,
// between from and to, in order: the dates Occurrences leaves out.
func (s MDTSeries) SkippedOccurrences(cal *Calendar, from, to time.Time) []Holiday {
	var out []Holiday
	s.eachDate(cal, from, to, func(d CivilDate, holiday bool) bool {
		if holiday {
			start, _ := s.span(cal, d)
			if !start.Before(from) && start.Before(to) {
				h, _ := HolidayOn(d)
				out = append(out, h)
			}
		}
		return len(out) < MDTMaxOccurrences
	})
	return out
}

// NextOccurrence returns the first meeting of s that starts after t, and
// false if the series has ended. Finishing a meeting carries its open work to
// this one.
func (s MDTSeries) NextOccurrence(cal *Calendar, t time.Time) (MDTOccurrence, bool) {
	var next MDTOccurrence
	found := false
	s.eachDate(cal, t, t.AddDate(0, 0, mdtNextOccurrenceSpan), func(d CivilDate, holiday bool) bool {
		if holiday {
			return true
		}
		start, end := s.span(cal, d)
		if start.After(t) {
			next, found = MDTOccurrence{Date: d, Start: start, End: end}, true
			return false
		}
		return true
	})
	return next, found
}

// span returns the meeting's start and end on d, in UTC. The start is built
// from the date's fields so it keeps its wall-clock time across a change of
// clocks; the end is the duration after it in real time.
func (s MDTSeries) span(cal *Calendar, d CivilDate) (start, end time.Time) {
	start = cal.at(d, s.StartTime).UTC()
	return start, start.Add(s.Duration)
}

// eachDate calls fn, in date order, for each date between from's date and
// to's date (both in cal's zone) that the cadence picks, saying whether it is
// a bank holiday, until fn returns false. It bounds its own work: it stops
// after offering twice MDTMaxOccurrences dates, far more than the bank
// holidays a cadence can hit while MDTMaxOccurrences meetings are listed.
func (s MDTSeries) eachDate(cal *Calendar, from, to time.Time, fn func(d CivilDate, holiday bool) bool) {
	if cal == nil || s.Validate() != nil || !from.Before(to) {
		return
	}
	lo, hi := cal.Date(from), cal.Date(to)
	if lo.Before(s.FirstDate) {
		lo = s.FirstDate
	}
	if s.LastDate != (CivilDate{}) && hi.After(s.LastDate) {
		hi = s.LastDate
	}
	budget := 2 * MDTMaxOccurrences
	offer := func(d CivilDate) bool {
		budget--
		_, holiday := HolidayOn(d)
		return fn(d, holiday) && budget > 0
	}
	c := s.Cadence
	switch c.Repeat {
	case MDTWeekly, MDTFortnightly:
		step := 7
		if c.Repeat == MDTFortnightly {
			step = 14
		}
		first := s.FirstDate.AddDays((int(c.Weekday) - int(s.FirstDate.Weekday()) + 7) % 7)
		d := first
		if gap := mdtDayNumber(lo) - mdtDayNumber(first); gap > 0 {
			d = first.AddDays(int((gap + int64(step) - 1) / int64(step) * int64(step)))
		}
		for ; !d.After(hi); d = d.AddDays(step) {
			if !offer(d) {
				return
			}
		}
	case MDTMonthly:
		for y, m := lo.Year, lo.Month; ; {
			d := mdtWeekdayOfMonth(y, m, c.Weekday, c.WeekOfMonth)
			if d.After(hi) {
				return
			}
			if !d.Before(lo) && !offer(d) {
				return
			}
			if m++; m > time.December {
				y, m = y+1, time.January
			}
		}
	}
}

// mdtWeekdayOfMonth returns the nth weekday of a month (1-based), or the last
// one when n is LastWeekOfMonth.
func mdtWeekdayOfMonth(year int, month time.Month, wd time.Weekday, n int) CivilDate {
	if n == LastWeekOfMonth {
		last := CivilDate{year, month + 1, 1}.AddDays(-1)
		return last.AddDays(-((int(last.Weekday()) - int(wd) + 7) % 7))
	}
	first := CivilDate{year, month, 1}
	return first.AddDays((int(wd)-int(first.Weekday())+7)%7 + 7*(n-1))
}

// mdtDayNumber counts days from 1 January 1970, so that the gap between two
// dates centuries apart does not overflow a time.Duration.
func mdtDayNumber(d CivilDate) int64 {
	secs := d.utc().Unix()
	days := secs / 86400
	if secs%86400 < 0 {
		days--
	}
	return days
}

// mdtWeekNumber counts weeks, each starting on a Monday, from the week of
// Monday 5 January 1970; two dates in the same Monday-to-Sunday week share
// a number.
func mdtWeekNumber(d CivilDate) int64 {
	n := mdtDayNumber(d) - 4 // day 4 is Monday 5 January 1970
	w := n / 7
	if n%7 < 0 {
		w--
	}
	return w
}

// mdtClock formats a time of day held as the time since midnight as "13:05".
func mdtClock(d time.Duration) string {
	m := int(d / time.Minute)
	return fmt.Sprintf("%02d:%02d", m/60, m%60)
}
