package care

import (
	"cmp"
	"fmt"
	"slices"
	"time"
)

// This file holds the England and Wales working-time calendar. Referral
// response targets ("acknowledge within 1 working day"), escalation of overdue
// referrals, "waiting N working days" and MDT scheduling all count time the
// way the teams receiving the work do: Monday to Friday, inside office hours,
// never on a bank holiday.

// CivilDate is a calendar date with no time of day and no time zone, such as
// a bank holiday or the day an MDT meets. Compare dates with ==, Before, After
// or Compare.
type CivilDate struct {
	Year  int
	Month time.Month
	Day   int
}

// CivilDateOf returns the date t falls on in t's own location. Use
// Calendar.Date to get the date in the calendar's zone instead.
func CivilDateOf(t time.Time) CivilDate {
	y, m, d := t.Date()
	return CivilDate{Year: y, Month: m, Day: d}
}

// String formats d as YYYY-MM-DD.
func (d CivilDate) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// IsValid reports whether d names a real day, so 2023-02-29 is not valid.
func (d CivilDate) IsValid() bool {
	return CivilDateOf(d.utc()) == d
}

// Weekday returns the day of the week of d.
func (d CivilDate) Weekday() time.Weekday { return d.utc().Weekday() }

// AddDays returns the date n days after d (before it if n is negative).
func (d CivilDate) AddDays(n int) CivilDate {
	return CivilDateOf(time.Date(d.Year, d.Month, d.Day+n, 0, 0, 0, 0, time.UTC))
}

// Compare returns -1, 0 or +1 as d is before, equal to or after o.
func (d CivilDate) Compare(o CivilDate) int {
	switch {
	case d.Year != o.Year:
		return cmp.Compare(d.Year, o.Year)
	case d.Month != o.Month:
		return cmp.Compare(int(d.Month), int(o.Month))
	default:
		return cmp.Compare(d.Day, o.Day)
	}
}

// Before reports whether d is earlier than o.
func (d CivilDate) Before(o CivilDate) bool { return d.Compare(o) < 0 }

// After reports whether d is later than o.
func (d CivilDate) After(o CivilDate) bool { return d.Compare(o) > 0 }

// In returns the first instant of d in loc (midnight, or the first instant
// after midnight on a day whose clocks skip it).
func (d CivilDate) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

func (d CivilDate) utc() time.Time { return d.In(time.UTC) }

// Holiday is a bank holiday in England and Wales: a day on which the holiday
// is taken. A holiday that falls at a weekend appears on its substitute day.
type Holiday struct {
	Date CivilDate
	Name string
	// Substitute marks a day off given because the holiday itself fell on
	// a Saturday or Sunday (for example Boxing Day on Monday 28 December).
	Substitute bool
}

// Holiday names, as gov.uk publishes them, so that what people see matches
// what they read elsewhere.
const (
	nameNewYear   = "New Year’s Day"
	nameGoodFri   = "Good Friday"
	nameEasterMon = "Easter Monday"
	nameEarlyMay  = "Early May bank holiday"
	nameVEDay     = "Early May bank holiday (VE day)"
	nameSpring    = "Spring bank holiday"
	nameSummer    = "Summer bank holiday"
	nameChristmas = "Christmas Day"
	nameBoxing    = "Boxing Day"
)

// BankHolidays returns the bank holidays of England and Wales in year, in
// date order. The dates are computed, not looked up, so every year has an
// answer: the regular pattern (New Year's Day, Good Friday, Easter Monday, the
// first and last Mondays of May, the last Monday of August, Christmas Day and
// Boxing Day, with substitute days for those that fall at a weekend) plus
// the one-off changes proclaimed since 1978.
//
// The pattern has been in force since 1978, when the early May bank holiday
// began; earlier years get the same pattern projected backwards, which is not
// the historical record. A new one-off holiday is proclaimed months ahead and
// must be added to this file's table of one-off changes when it is announced;
// until then the computed list for that year is incomplete.
func BankHolidays(year int) []Holiday {
	hs := appendBankHolidays(nil, year, 0)
	slices.SortFunc(hs, func(a, b Holiday) int { return a.Date.Compare(b.Date) })
	return hs
}

// appendBankHolidays appends year's holidays to dst, in no particular order:
// all of them when month is 0, or at least those in month otherwise (it may
// add others). It takes a buffer and a month so that HolidayOn, which runs
// for every day a deadline crosses, neither allocates nor works out Easter
// for a day in August.
func appendBankHolidays(dst []Holiday, year int, month time.Month) []Holiday {
	in := func(ms ...time.Month) bool { return month == 0 || slices.Contains(ms, month) }

	if in(time.January) {
		dst = appendObserved(dst, CivilDate{year, time.January, 1}, nameNewYear)
	}
	if in(time.March, time.April) {
		easter := EasterSunday(year)
		dst = append(dst,
			Holiday{Date: easter.AddDays(-2), Name: nameGoodFri},
			Holiday{Date: easter.AddDays(1), Name: nameEasterMon},
		)
	}
	var earlyMay, spring Holiday
	if in(time.May, time.June) {
		earlyMay = Holiday{Date: nthMonday(year, time.May, 1), Name: nameEarlyMay}
		spring = Holiday{Date: lastMonday(year, time.May), Name: nameSpring}
	}
	dst = oneOffs(dst, year, &earlyMay, &spring)
	if in(time.May, time.June) {
		dst = append(dst, earlyMay, spring)
	}
	if in(time.August) {
		dst = append(dst, Holiday{Date: lastMonday(year, time.August), Name: nameSummer})
	}
	if in(time.December) {
		dst = appendChristmas(dst, year)
	}
	return dst
}

// oneOffs applies the changes made by royal proclamation: extra days are
// appended to dst, and a moved early May or spring holiday is changed in
// place. Every date here was checked against the published lists.
func oneOffs(dst []Holiday, year int, earlyMay, spring *Holiday) []Holiday {
	switch year {
	case 1981:
		dst = append(dst, Holiday{Date: CivilDate{1981, time.July, 29}, Name: "Royal wedding"})
	case 1995:
		// 50th anniversary of VE day: moved from Monday 1 May.
		*earlyMay = Holiday{Date: CivilDate{1995, time.May, 8}, Name: nameVEDay}
	case 1999:
		dst = append(dst, Holiday{Date: CivilDate{1999, time.December, 31}, Name: "Millennium celebrations"})
	case 2002:
		// Golden Jubilee: spring holiday moved from Monday 27 May to the Tuesday.
		spring.Date = CivilDate{2002, time.June, 4}
		dst = append(dst, Holiday{Date: CivilDate{2002, time.June, 3}, Name: "Queen’s Golden Jubilee"})
	case 2011:
		dst = append(dst, Holiday{Date: CivilDate{2011, time.April, 29}, Name: "Royal wedding"})
	case 2012:
		// Diamond Jubilee: spring holiday moved from Monday 28 May.
		spring.Date = CivilDate{2012, time.June, 4}
		dst = append(dst, Holiday{Date: CivilDate{2012, time.June, 5}, Name: "Queen’s Diamond Jubilee"})
	case 2020:
		// 75th anniversary of VE day: moved from Monday 4 May to Friday 8 May.
		*earlyMay = Holiday{Date: CivilDate{2020, time.May, 8}, Name: nameVEDay}
	case 2022:
		// Platinum Jubilee: spring holiday moved from Monday 30 May to Thursday 2 June.
		spring.Date = CivilDate{2022, time.June, 2}
		dst = append(dst,
			Holiday{Date: CivilDate{2022, time.June, 3}, Name: "Platinum Jubilee bank holiday"},
			Holiday{Date: CivilDate{2022, time.September, 19}, Name: "Bank Holiday for the State Funeral of Queen Elizabeth II"},
		)
	case 2023:
		dst = append(dst, Holiday{Date: CivilDate{2023, time.May, 8}, Name: "Bank holiday for the coronation of King Charles III"})
	}
	return dst
}

// appendObserved appends a fixed-date holiday, moved to the following Monday
// when it falls at a weekend.
func appendObserved(dst []Holiday, d CivilDate, name string) []Holiday {
	switch d.Weekday() {
	case time.Saturday:
		return append(dst, Holiday{Date: d.AddDays(2), Name: name, Substitute: true})
	case time.Sunday:
		return append(dst, Holiday{Date: d.AddDays(1), Name: name, Substitute: true})
	}
	return append(dst, Holiday{Date: d, Name: name})
}

// appendChristmas appends Christmas Day and Boxing Day. Their substitutes
// cannot simply be "the next Monday" because the two days collide:
//
//	25th on a weekday, 26th on a weekday: both taken as they fall;
//	25th on a Friday: Boxing Day moves to Monday 28th;
//	25th on a Saturday: Christmas moves to Monday 27th, Boxing Day to Tuesday 28th;
//	25th on a Sunday: Boxing Day stays on Monday 26th, Christmas moves to Tuesday 27th.
func appendChristmas(dst []Holiday, year int) []Holiday {
	day := func(n int) CivilDate { return CivilDate{year, time.December, n} }
	switch day(25).Weekday() {
	case time.Friday:
		return append(dst,
			Holiday{Date: day(25), Name: nameChristmas},
			Holiday{Date: day(28), Name: nameBoxing, Substitute: true})
	case time.Saturday:
		return append(dst,
			Holiday{Date: day(27), Name: nameChristmas, Substitute: true},
			Holiday{Date: day(28), Name: nameBoxing, Substitute: true})
	case time.Sunday:
		return append(dst,
			Holiday{Date: day(26), Name: nameBoxing},
			Holiday{Date: day(27), Name: nameChristmas, Substitute: true})
	}
	return append(dst,
		Holiday{Date: day(25), Name: nameChristmas},
		Holiday{Date: day(26), Name: nameBoxing})
}

// nthMonday returns the nth Monday (1-based) of month.
func nthMonday(year int, month time.Month, n int) CivilDate {
	first := CivilDate{year, month, 1}
	offset := (int(time.Monday) - int(first.Weekday()) + 7) % 7
	return first.AddDays(offset + 7*(n-1))
}

// lastMonday returns the last Monday of month.
func lastMonday(year int, month time.Month) CivilDate {
	last := CivilDate{year, month + 1, 1}.AddDays(-1)
	back := (int(last.Weekday()) - int(time.Monday) + 7) % 7
	return last.AddDays(-back)
}

// EasterSunday returns the date of Easter Sunday in the Gregorian calendar,
// by the anonymous Gregorian computus (Meeus/Jones/Butcher). It is exact for
// every Gregorian year; years before 1583 are proleptic.
func EasterSunday(year int) CivilDate {
	// The computus works within a 5,700,000-year cycle of Easter dates, so
	// shifting a year by whole cycles keeps the answer and keeps the
	// arithmetic on non-negative numbers.
	const cycle = 5_700_000
	y := year % cycle
	if y < 0 {
		y += cycle
	}
	golden := y % 19
	century, yearInCentury := y/100, y%100
	leapCenturies, centuryRem := century/4, century%4
	moonCorrection := (century - (century+8)/25 + 1) / 3
	epact := (19*golden + century - leapCenturies - moonCorrection + 15) % 30
	leapYears, yearRem := yearInCentury/4, yearInCentury%4
	weekday := (32 + 2*centuryRem + 2*leapYears - epact - yearRem) % 7
	shift := (golden + 11*epact + 22*weekday) / 451
	n := epact + weekday - 7*shift + 114
	return CivilDate{Year: year, Month: time.Month(n / 31), Day: n%31 + 1}
}

// maxHolidaysPerYear bounds one year's list: eight regular days plus at most
// two one-off days.
const maxHolidaysPerYear = 10

// HolidayOn reports whether d is a bank holiday in England and Wales, and
// which. A Saturday or Sunday is never one: a holiday that falls at a weekend
// is taken, and reported, on its substitute day.
func HolidayOn(d CivilDate) (Holiday, bool) {
	switch d.Weekday() {
	case time.Saturday, time.Sunday:
		return Holiday{}, false
	}
	var buf [maxHolidaysPerYear]Holiday
	for _, h := range appendBankHolidays(buf[:0], d.Year, d.Month) {
		if h.Date == d {
			return h, true
		}
	}
	return Holiday{}, false
}

// Calendar counts working time in one time zone: Monday to Friday, within
// daily working hours (09:00 to 17:00 unless changed), excluding the bank
// holidays of England and Wales. A Calendar never changes after it is made,
// so one value can be shared by every goroutine.
//
// # Deadline rules
//
// Working time runs only inside the working hours of working days. Each
// method below reads an instant t as the working time done by t: an instant
// outside working hours counts as the close of the latest working day before
// it, so Saturday 10:00, Monday 08:00 and Monday 09:00 all stand at Friday's
// 17:00 close. From that:
//
//   - AddWorkingHours(t, d) is the instant at which d of working time has run
//     after t. Two working hours from Friday 16:30 is 10:30 on the next
//     working day; two from Friday 15:00 is Friday 17:00 exactly.
//   - AddWorkingDays(t, n) is the same time of day on the nth working day
//     after t's working day. One working day from Friday 15:00, with Monday a
//     bank holiday, is Tuesday 15:00. From Saturday 10:00 (which stands at
//     Friday's close) it is Monday 17:00: the whole of Monday.
//   - WorkingDaysBetween(from, to) counts the whole working days between
//     them, so WorkingDaysBetween(t, AddWorkingDays(t, n)) is n.
//   - WorkingDurationBetween(from, to) is the working time between them, so
//     WorkingDurationBetween(t, AddWorkingHours(t, d)) is d.
//
// A deadline therefore lands inside working hours or exactly at a day's
// closing time, never at the next day's opening: "due by 17:00 on Monday"
// rather than "due by 09:00 on Tuesday", which mean the same working time.
// Adding in steps gives the same deadline as adding at once:
// AddWorkingDays(AddWorkingDays(t, a), b) == AddWorkingDays(t, a+b), and the
// same for hours.
//
// Returned instants are in the location of the input time, so a UTC time
// from the database stays UTC. Working hours are wall-clock times in the
// calendar's zone; in Europe/London the clocks change at 01:00 UTC on a
// Sunday, never inside working hours, so every working day is exactly as long
// as its working hours. In a zone that changes its clocks inside working
// hours, that day's working time is the real time between opening and
// closing.
type Calendar struct {
	loc   *time.Location
	open  time.Duration // wall-clock time of day the working day starts
	close time.Duration // wall-clock time of day it ends
}

// NewCalendar returns a calendar for the England and Wales bank holidays,
// counting working hours of 09:00 to 17:00 in loc. The caller loads loc
// (Europe/London in production), so that this package never reads the
// machine's time zone database.
func NewCalendar(loc *time.Location) (*Calendar, error) {
	if loc == nil {
		return nil, Errorf(KindInvalid, "A working calendar needs a time zone")
	}
	return &Calendar{loc: loc, open: 9 * time.Hour, close: 17 * time.Hour}, nil
}

// WithWorkingHours returns a copy of c whose working day runs from open to
// close, each a wall-clock time of day given as the time since midnight
// (8*time.Hour + 30*time.Minute for 08:30). close may be 24 hours, for a day
// that runs to midnight.
func (c *Calendar) WithWorkingHours(open, close time.Duration) (*Calendar, error) {
	if open < 0 || close > 24*time.Hour || open >= close {
		return nil, Errorf(KindInvalid, "Working hours must start before they end, within one day")
	}
	return &Calendar{loc: c.loc, open: open, close: close}, nil
}

// Location returns the time zone the calendar counts in.
func (c *Calendar) Location() *time.Location { return c.loc }

// WorkingHours returns the wall-clock times of day the working day opens and
// closes, as time since midnight.
func (c *Calendar) WorkingHours() (open, close time.Duration) { return c.open, c.close }

// Date returns the date t falls on in the calendar's zone.
func (c *Calendar) Date(t time.Time) CivilDate { return CivilDateOf(t.In(c.loc)) }

// IsWorkingDate reports whether d is a working day: Monday to Friday and not
// a bank holiday.
func (c *Calendar) IsWorkingDate(d CivilDate) bool {
	switch d.Weekday() {
	case time.Saturday, time.Sunday:
		return false
	}
	_, holiday := HolidayOn(d)
	return !holiday
}

// IsWorkingDay reports whether t falls, in the calendar's zone, on a working
// day, at any time of that day.
func (c *Calendar) IsWorkingDay(t time.Time) bool { return c.IsWorkingDate(c.Date(t)) }

// IsWorkingTime reports whether t is inside working hours on a working day:
// at or after opening and before closing.
func (c *Calendar) IsWorkingTime(t time.Time) bool {
	d := c.Date(t)
	opens, closes, ok := c.WorkingHoursOn(d)
	return ok && !t.Before(opens) && t.Before(closes)
}

// WorkingHoursOn returns the opening and closing instants of d, in the
// calendar's zone, and false if d is not a working day.
func (c *Calendar) WorkingHoursOn(d CivilDate) (open, close time.Time, ok bool) {
	if !c.IsWorkingDate(d) {
		return time.Time{}, time.Time{}, false
	}
	open, close = c.window(d)
	return open, close, true
}

// NextWorkingDay returns the first working day after d.
func (c *Calendar) NextWorkingDay(d CivilDate) CivilDate {
	for {
		d = d.AddDays(1)
		if c.IsWorkingDate(d) {
			return d
		}
	}
}

// PreviousWorkingDay returns the last working day before d.
func (c *Calendar) PreviousWorkingDay(d CivilDate) CivilDate {
	for {
		d = d.AddDays(-1)
		if c.IsWorkingDate(d) {
			return d
		}
	}
}

// AddWorkingDays returns the deadline n working days after t: the same time
// of day on the nth working day after the working day t stands in, where an
// instant outside working hours stands at the close of the previous working
// day (see the deadline rules on Calendar). n <= 0 returns t unchanged. The
// result is in t's location.
func (c *Calendar) AddWorkingDays(t time.Time, n int) time.Time {
	if n <= 0 {
		return t
	}
	day, done := c.progress(t)
	for range n {
		day = c.NextWorkingDay(day)
	}
	opens, closes := c.window(day)
	due := opens.Add(done)
	if due.After(closes) {
		// Only where the clocks change inside working hours can the
		// target day be shorter than the day counted from.
		due = closes
	}
	return due.In(t.Location())
}

// AddWorkingHours returns the instant at which d of working time has run
// after t (see the deadline rules on Calendar). d <= 0 returns t unchanged.
// The result is in t's location.
func (c *Calendar) AddWorkingHours(t time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return t
	}
	day, done := c.progress(t)
	for {
		opens, closes := c.window(day)
		left := closes.Sub(opens) - done
		if d <= left {
			return opens.Add(done + d).In(t.Location())
		}
		d -= left
		day, done = c.NextWorkingDay(day), 0
	}
}

// WorkingDaysBetween returns the number of whole working days from from to
// to, or 0 if to is not after from. A referral received on Friday at 15:00
// before a bank-holiday Monday has waited 0 working days until Tuesday at
// 15:00, and 1 from then.
func (c *Calendar) WorkingDaysBetween(from, to time.Time) int {
	if !to.After(from) {
		return 0
	}
	day1, done1 := c.progress(from)
	day2, done2 := c.progress(to)
	n := 0
	for d := day1; d.Before(day2); d = c.NextWorkingDay(d) {
		n++
	}
	if done2 < done1 {
		n--
	}
	return n
}

// WorkingDurationBetween returns the working time from from to to, or 0 if
// to is not after from.
func (c *Calendar) WorkingDurationBetween(from, to time.Time) time.Duration {
	if !to.After(from) {
		return 0
	}
	day1, done1 := c.progress(from)
	day2, done2 := c.progress(to)
	if day1 == day2 {
		return done2 - done1
	}
	total := c.length(day1) - done1
	for d := c.NextWorkingDay(day1); d.Before(day2); d = c.NextWorkingDay(d) {
		total += c.length(d)
	}
	return total + done2
}

// progress places t on the working clock: the working day t stands in and
// the working time done on that day, which is in (0, length of the day]. An
// instant inside a working day's hours (after opening, up to and including
// closing) stands in that day; any other instant stands at the close of the
// latest working day before it. Placing the opening instant at the previous
// close, rather than at zero on its own day, is what makes a deadline land
// on "17:00 Monday" rather than "09:00 Tuesday".
func (c *Calendar) progress(t time.Time) (CivilDate, time.Duration) {
	d := c.Date(t)
	if c.IsWorkingDate(d) {
		opens, closes := c.window(d)
		switch {
		case t.After(closes):
			return d, closes.Sub(opens)
		case t.After(opens):
			return d, t.Sub(opens)
		}
	}
	prev := c.PreviousWorkingDay(d)
	return prev, c.length(prev)
}

// window returns the opening and closing instants of d. Working hours are
// wall-clock times, so they are built from the date's fields rather than
// by adding a duration to midnight, which would be an hour out on the days
// the clocks change.
func (c *Calendar) window(d CivilDate) (opens, closes time.Time) {
	return c.at(d, c.open), c.at(d, c.close)
}

// at returns the instant on d when the wall clock shows timeOfDay.
func (c *Calendar) at(d CivilDate, timeOfDay time.Duration) time.Time {
	h := timeOfDay / time.Hour
	m := timeOfDay % time.Hour / time.Minute
	s := timeOfDay % time.Minute / time.Second
	ns := timeOfDay % time.Second
	return time.Date(d.Year, d.Month, d.Day, int(h), int(m), int(s), int(ns), c.loc)
}

func (c *Calendar) length(d CivilDate) time.Duration {
	opens, closes := c.window(d)
	return closes.Sub(opens)
}
