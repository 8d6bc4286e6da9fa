package care

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DayHours is when something is open on one day of the week. Times are
// minutes after midnight; Closes may be 1440 (midnight at the end of the
// day). A service open overnight gives the evening and the morning as the
// hours of the two days.
type DayHours struct {
	Open   bool
	Opens  int
	Closes int
}

// BankHolidayRule says what happens on bank holidays in England and Wales.
type BankHolidayRule string

const (
	// BankHolidaysClosed: closed all day on bank holidays.
	BankHolidaysClosed BankHolidayRule = "closed"
	// BankHolidaysOpen: the usual hours of that day of the week.
	BankHolidaysOpen BankHolidayRule = "open"
)

// OpeningHours is a weekly pattern plus what happens on bank holidays. The
// zero value means the hours are not known.
type OpeningHours struct {
	// Days is indexed by time.Weekday, Sunday first.
	Days         [7]DayHours
	BankHolidays BankHolidayRule
}

var dayCodes = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// IsZero reports whether no hours are known.
func (h OpeningHours) IsZero() bool { return h == OpeningHours{} }

// String writes the hours in the form ParseOpeningHours reads, such as
// "mon 09:00-17:00; tue 09:00-17:00; bank-holidays closed", Monday first.
// Closed days are left out. The zero value writes "".
func (h OpeningHours) String() string {
	if h.IsZero() {
		return ""
	}
	var parts []string
	for i := 1; i <= 7; i++ {
		d := time.Weekday(i % 7)
		if dh := h.Days[d]; dh.Open {
			parts = append(parts, dayCodes[d]+" "+clock(dh.Opens)+"-"+clock(dh.Closes))
		}
	}
	rule := h.BankHolidays
	if rule == "" {
		rule = BankHolidaysClosed
	}
	parts = append(parts, "bank-holidays "+string(rule))
	return strings.Join(parts, "; ")
}

func clock(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

// ParseOpeningHours reads the form String writes. Days may come in any
// order, in any case; a day not listed is closed; bank holidays are closed
// unless the text says otherwise. Empty text gives the zero value.
func ParseOpeningHours(s string) (OpeningHours, error) {
	var h OpeningHours
	s = strings.TrimSpace(s)
	if s == "" {
		return h, nil
	}
	if len(s) > 400 {
		return h, Errorf(KindInvalid, "The opening hours are too long")
	}
	seen := [7]bool{}
	for _, part := range strings.Split(s, ";") {
		part = strings.ToLower(strings.TrimSpace(part))
		if part == "" {
			continue
		}
		key, value, ok := strings.Cut(part, " ")
		value = strings.TrimSpace(value)
		if !ok || value == "" {
			return OpeningHours{}, Errorf(KindInvalid, "%q is not a day and its hours, like mon 09:00-17:00", part)
		}
		if key == "bank-holidays" {
			switch BankHolidayRule(value) {
			case BankHolidaysClosed, BankHolidaysOpen:
				h.BankHolidays = BankHolidayRule(value)
			default:
				return OpeningHours{}, Errorf(KindInvalid, "bank holidays must be open or closed, not %q", value)
			}
			continue
		}
		day := -1
		for i, c := range dayCodes {
			if c == key {
				day = i
			}
		}
		if day < 0 {
			return OpeningHours{}, Errorf(KindInvalid, "%q is not a day: use mon, tue, wed, thu, fri, sat or sun", key)
		}
		if seen[day] {
			return OpeningHours{}, Errorf(KindInvalid, "%s is given twice", key)
		}
		seen[day] = true
		if value == "closed" {
			continue
		}
		from, to, ok := strings.Cut(value, "-")
		opens, err1 := parseClock(from)
		closes, err2 := parseClock(to)
		if !ok || err1 != nil || err2 != nil {
			return OpeningHours{}, Errorf(KindInvalid, "%q is not a time range, like 09:00-17:00", value)
		}
		if opens >= closes || opens == 24*60 {
			return OpeningHours{}, Errorf(KindInvalid, "on %s the opening time must be before the closing time", key)
		}
		h.Days[day] = DayHours{Open: true, Opens: opens, Closes: closes}
	}
	if h.BankHolidays == "" {
		h.BankHolidays = BankHolidaysClosed
	}
	return h, nil
}

// ParseClock reads a time of day such as "09:00", "9:30" or "24:00" and
// returns minutes after midnight.
func ParseClock(s string) (int, error) { return parseClock(s) }

func parseClock(s string) (int, error) {
	s = strings.TrimSpace(s)
	hh, mm, ok := strings.Cut(s, ":")
	if !ok || len(hh) < 1 || len(hh) > 2 || len(mm) != 2 {
		return 0, Errorf(KindInvalid, "%q is not a time like 09:00", s)
	}
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if err1 != nil || err2 != nil || h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, Errorf(KindInvalid, "%q is not a time like 09:00", s)
	}
	return h*60 + m, nil
}

// FormatClock writes minutes after midnight as "09:00", the form a time
// field shows.
func FormatClock(m int) string { return clock(m) }

// SpokenTime writes minutes after midnight the way NHS.UK pages do: "9am",
// "5:30pm", "midday", "midnight".
func SpokenTime(m int) string {
	switch m {
	case 0, 24 * 60:
		return "midnight"
	case 12 * 60:
		return "midday"
	}
	h, min := m/60, m%60
	suffix := "am"
	if h >= 12 {
		suffix = "pm"
	}
	if h > 12 {
		h -= 12
	}
	if h == 0 {
		h = 12
	}
	if min == 0 {
		return fmt.Sprintf("%d%s", h, suffix)
	}
	return fmt.Sprintf("%d:%02d%s", h, min, suffix)
}

var dayNames = [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}

// Lines describes the week in plain English, Monday first, joining runs of
// days with the same hours: "Monday to Friday: 9am to 5pm",
// "Saturday and Sunday: closed", "Bank holidays: closed".
func (h OpeningHours) Lines() []string {
	if h.IsZero() {
		return nil
	}
	var lines []string
	order := [7]time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}
	for i := 0; i < 7; {
		j := i
		for j+1 < 7 && h.Days[order[j+1]] == h.Days[order[i]] {
			j++
		}
		var days string
		switch j - i {
		case 0:
			days = dayNames[order[i]]
		case 1:
			days = dayNames[order[i]] + " and " + dayNames[order[j]]
		default:
			days = dayNames[order[i]] + " to " + dayNames[order[j]]
		}
		if j-i == 6 {
			days = "Every day"
		}
		lines = append(lines, days+": "+h.Days[order[i]].describe())
		i = j + 1
	}
	if h.BankHolidays == BankHolidaysOpen {
		lines = append(lines, "Bank holidays: usual hours for the day of the week")
	} else {
		lines = append(lines, "Bank holidays: closed")
	}
	return lines
}

func (d DayHours) describe() string {
	if !d.Open {
		return "closed"
	}
	if d.Opens == 0 && d.Closes == 24*60 {
		return "24 hours"
	}
	return SpokenTime(d.Opens) + " to " + SpokenTime(d.Closes)
}

// hoursOn returns the hours in force on date d: the day of the week's hours,
// or none on a bank holiday when the service closes for them.
func (h OpeningHours) hoursOn(d CivilDate) (DayHours, Holiday, bool) {
	hol, isHoliday := HolidayOn(d)
	if isHoliday && h.BankHolidays != BankHolidaysOpen {
		return DayHours{}, hol, true
	}
	return h.Days[d.Weekday()], hol, isHoliday
}

// OpenAt reports whether the service is open at t, read in t's location
// (Europe/London for services in England), including bank holidays.
func (h OpeningHours) OpenAt(t time.Time) bool {
	dh, _, _ := h.hoursOn(CivilDateOf(t))
	m := t.Hour()*60 + t.Minute()
	return dh.Open && m >= dh.Opens && m < dh.Closes
}

// StatusAt says in one sentence whether the service is open at t and when
// that changes, such as "Open now until 5pm" or "Closed today (Spring bank
// holiday). Opens Tuesday at 9am". It returns "" when the hours are unknown.
func (h OpeningHours) StatusAt(t time.Time) string {
	if h.IsZero() {
		return ""
	}
	today := CivilDateOf(t)
	m := t.Hour()*60 + t.Minute()
	dh, hol, isHoliday := h.hoursOn(today)
	if dh.Open && m >= dh.Opens && m < dh.Closes {
		if dh.Closes == 24*60 {
			return "Open now until midnight"
		}
		return "Open now until " + SpokenTime(dh.Closes)
	}
	prefix := "Closed now"
	if isHoliday && !dh.Open {
		prefix = "Closed today (" + hol.Name + ")"
	}
	if dh.Open && m < dh.Opens {
		return prefix + ". Opens today at " + SpokenTime(dh.Opens)
	}
	for i := 1; i <= 14; i++ {
		d := today.AddDays(i)
		next, _, _ := h.hoursOn(d)
		if !next.Open {
			continue
		}
		when := dayNames[d.Weekday()]
		if i == 1 {
			when = "tomorrow"
		}
		return prefix + ". Opens " + when + " at " + SpokenTime(next.Opens)
	}
	return prefix
}

// NextBankHoliday returns the first bank holiday on or after t's date, for a
// page to say what happens then.
func NextBankHoliday(t time.Time) Holiday {
	d := CivilDateOf(t)
	for _, y := range []int{d.Year, d.Year + 1} {
		for _, hol := range BankHolidays(y) {
			if !hol.Date.Before(d) {
				return hol
			}
		}
	}
	return Holiday{}
}
