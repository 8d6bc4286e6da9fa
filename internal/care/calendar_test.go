package care

import (
	"fmt"
	"testing"
	"time"
	_ "time/tzdata" // tests must not depend on the machine's zone database
)

func london(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatalf("load Europe/London: %v", err)
	}
	return loc
}

func londonCalendar(t testing.TB) *Calendar {
	t.Helper()
	c, err := NewCalendar(london(t))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func date(t testing.TB, s string) CivilDate {
	t.Helper()
	tm, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatalf("bad test date %q: %v", s, err)
	}
	return CivilDateOf(tm)
}

// at parses a wall-clock time in Europe/London, "2006-01-02 15:04" with
// optional seconds and fraction.
func at(t testing.TB, s string) time.Time {
	t.Helper()
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02 15:04:05.999999999"} {
		if tm, err := time.ParseInLocation(layout, s, london(t)); err == nil {
			return tm
		}
	}
	t.Fatalf("bad test time %q", s)
	return time.Time{}
}

type publishedHoliday struct {
	date, name string
	substitute bool
}

// publishedEnglandAndWales is the gov.uk list of bank holidays in England and
// Wales for 2012 to 2027, copied date for date. The one departure is 2012's
// spring bank holiday, which gov.uk notes as a "substitute day" because it
// was moved for the jubilee; here Substitute only marks days taken in place
// of a holiday that fell at a weekend.
var publishedEnglandAndWales = []struct {
	year int
	want []publishedHoliday
}{
	{2012, []publishedHoliday{
		{"2012-01-02", "New Year’s Day", true},
		{"2012-04-06", "Good Friday", false},
		{"2012-04-09", "Easter Monday", false},
		{"2012-05-07", "Early May bank holiday", false},
		{"2012-06-04", "Spring bank holiday", false},
		{"2012-06-05", "Queen’s Diamond Jubilee", false},
		{"2012-08-27", "Summer bank holiday", false},
		{"2012-12-25", "Christmas Day", false},
		{"2012-12-26", "Boxing Day", false},
	}},
	{2013, []publishedHoliday{
		{"2013-01-01", "New Year’s Day", false},
		{"2013-03-29", "Good Friday", false},
		{"2013-04-01", "Easter Monday", false},
		{"2013-05-06", "Early May bank holiday", false},
		{"2013-05-27", "Spring bank holiday", false},
		{"2013-08-26", "Summer bank holiday", false},
		{"2013-12-25", "Christmas Day", false},
		{"2013-12-26", "Boxing Day", false},
	}},
	{2014, []publishedHoliday{
		{"2014-01-01", "New Year’s Day", false},
		{"2014-04-18", "Good Friday", false},
		{"2014-04-21", "Easter Monday", false},
		{"2014-05-05", "Early May bank holiday", false},
		{"2014-05-26", "Spring bank holiday", false},
		{"2014-08-25", "Summer bank holiday", false},
		{"2014-12-25", "Christmas Day", false},
		{"2014-12-26", "Boxing Day", false},
	}},
	{2015, []publishedHoliday{
		{"2015-01-01", "New Year’s Day", false},
		{"2015-04-03", "Good Friday", false},
		{"2015-04-06", "Easter Monday", false},
		{"2015-05-04", "Early May bank holiday", false},
		{"2015-05-25", "Spring bank holiday", false},
		{"2015-08-31", "Summer bank holiday", false},
		{"2015-12-25", "Christmas Day", false},
		{"2015-12-28", "Boxing Day", true},
	}},
	{2016, []publishedHoliday{
		{"2016-01-01", "New Year’s Day", false},
		{"2016-03-25", "Good Friday", false},
		{"2016-03-28", "Easter Monday", false},
		{"2016-05-02", "Early May bank holiday", false},
		{"2016-05-30", "Spring bank holiday", false},
		{"2016-08-29", "Summer bank holiday", false},
		{"2016-12-26", "Boxing Day", false},
		{"2016-12-27", "Christmas Day", true},
	}},
	{2017, []publishedHoliday{
		{"2017-01-02", "New Year’s Day", true},
		{"2017-04-14", "Good Friday", false},
		{"2017-04-17", "Easter Monday", false},
		{"2017-05-01", "Early May bank holiday", false},
		{"2017-05-29", "Spring bank holiday", false},
		{"2017-08-28", "Summer bank holiday", false},
		{"2017-12-25", "Christmas Day", false},
		{"2017-12-26", "Boxing Day", false},
	}},
	{2018, []publishedHoliday{
		{"2018-01-01", "New Year’s Day", false},
		{"2018-03-30", "Good Friday", false},
		{"2018-04-02", "Easter Monday", false},
		{"2018-05-07", "Early May bank holiday", false},
		{"2018-05-28", "Spring bank holiday", false},
		{"2018-08-27", "Summer bank holiday", false},
		{"2018-12-25", "Christmas Day", false},
		{"2018-12-26", "Boxing Day", false},
	}},
	{2019, []publishedHoliday{
		{"2019-01-01", "New Year’s Day", false},
		{"2019-04-19", "Good Friday", false},
		{"2019-04-22", "Easter Monday", false},
		{"2019-05-06", "Early May bank holiday", false},
		{"2019-05-27", "Spring bank holiday", false},
		{"2019-08-26", "Summer bank holiday", false},
		{"2019-12-25", "Christmas Day", false},
		{"2019-12-26", "Boxing Day", false},
	}},
	{2020, []publishedHoliday{
		{"2020-01-01", "New Year’s Day", false},
		{"2020-04-10", "Good Friday", false},
		{"2020-04-13", "Easter Monday", false},
		{"2020-05-08", "Early May bank holiday (VE day)", false},
		{"2020-05-25", "Spring bank holiday", false},
		{"2020-08-31", "Summer bank holiday", false},
		{"2020-12-25", "Christmas Day", false},
		{"2020-12-28", "Boxing Day", true},
	}},
	{2021, []publishedHoliday{
		{"2021-01-01", "New Year’s Day", false},
		{"2021-04-02", "Good Friday", false},
		{"2021-04-05", "Easter Monday", false},
		{"2021-05-03", "Early May bank holiday", false},
		{"2021-05-31", "Spring bank holiday", false},
		{"2021-08-30", "Summer bank holiday", false},
		{"2021-12-27", "Christmas Day", true},
		{"2021-12-28", "Boxing Day", true},
	}},
	{2022, []publishedHoliday{
		{"2022-01-03", "New Year’s Day", true},
		{"2022-04-15", "Good Friday", false},
		{"2022-04-18", "Easter Monday", false},
		{"2022-05-02", "Early May bank holiday", false},
		{"2022-06-02", "Spring bank holiday", false},
		{"2022-06-03", "Platinum Jubilee bank holiday", false},
		{"2022-08-29", "Summer bank holiday", false},
		{"2022-09-19", "Bank Holiday for the State Funeral of Queen Elizabeth II", false},
		{"2022-12-26", "Boxing Day", false},
		{"2022-12-27", "Christmas Day", true},
	}},
	{2023, []publishedHoliday{
		{"2023-01-02", "New Year’s Day", true},
		{"2023-04-07", "Good Friday", false},
		{"2023-04-10", "Easter Monday", false},
		{"2023-05-01", "Early May bank holiday", false},
		{"2023-05-08", "Bank holiday for the coronation of King Charles III", false},
		{"2023-05-29", "Spring bank holiday", false},
		{"2023-08-28", "Summer bank holiday", false},
		{"2023-12-25", "Christmas Day", false},
		{"2023-12-26", "Boxing Day", false},
	}},
	{2024, []publishedHoliday{
		{"2024-01-01", "New Year’s Day", false},
		{"2024-03-29", "Good Friday", false},
		{"2024-04-01", "Easter Monday", false},
		{"2024-05-06", "Early May bank holiday", false},
		{"2024-05-27", "Spring bank holiday", false},
		{"2024-08-26", "Summer bank holiday", false},
		{"2024-12-25", "Christmas Day", false},
		{"2024-12-26", "Boxing Day", false},
	}},
	{2025, []publishedHoliday{
		{"2025-01-01", "New Year’s Day", false},
		{"2025-04-18", "Good Friday", false},
		{"2025-04-21", "Easter Monday", false},
		{"2025-05-05", "Early May bank holiday", false},
		{"2025-05-26", "Spring bank holiday", false},
		{"2025-08-25", "Summer bank holiday", false},
		{"2025-12-25", "Christmas Day", false},
		{"2025-12-26", "Boxing Day", false},
	}},
	{2026, []publishedHoliday{
		{"2026-01-01", "New Year’s Day", false},
		{"2026-04-03", "Good Friday", false},
		{"2026-04-06", "Easter Monday", false},
		{"2026-05-04", "Early May bank holiday", false},
		{"2026-05-25", "Spring bank holiday", false},
		{"2026-08-31", "Summer bank holiday", false},
		{"2026-12-25", "Christmas Day", false},
		{"2026-12-28", "Boxing Day", true},
	}},
	{2027, []publishedHoliday{
		{"2027-01-01", "New Year’s Day", false},
		{"2027-03-26", "Good Friday", false},
		{"2027-03-29", "Easter Monday", false},
		{"2027-05-03", "Early May bank holiday", false},
		{"2027-05-31", "Spring bank holiday", false},
		{"2027-08-30", "Summer bank holiday", false},
		{"2027-12-27", "Christmas Day", true},
		{"2027-12-28", "Boxing Day", true},
	}},
}

func TestBankHolidaysMatchPublishedLists(t *testing.T) {
	t.Parallel()
	for _, tc := range publishedEnglandAndWales {
		t.Run(fmt.Sprint(tc.year), func(t *testing.T) {
			got := BankHolidays(tc.year)
			if len(got) != len(tc.want) {
				t.Fatalf("got %d holidays %v, want %d", len(got), got, len(tc.want))
			}
			for i, w := range tc.want {
				want := Holiday{Date: date(t, w.date), Name: w.name, Substitute: w.substitute}
				if got[i] != want {
					t.Errorf("holiday %d: got %+v, want %+v", i, got[i], want)
				}
			}
		})
	}
}

// Recent and coming years as bare dates, easy to read against the published
// list at a glance, and the one-off years from before that list begins.
func TestBankHolidayDates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		year int
		want []string
	}{
		{2020, []string{"2020-01-01", "2020-04-10", "2020-04-13", "2020-05-08", "2020-05-25", "2020-08-31", "2020-12-25", "2020-12-28"}},
		{2021, []string{"2021-01-01", "2021-04-02", "2021-04-05", "2021-05-03", "2021-05-31", "2021-08-30", "2021-12-27", "2021-12-28"}},
		{2022, []string{"2022-01-03", "2022-04-15", "2022-04-18", "2022-05-02", "2022-06-02", "2022-06-03", "2022-08-29", "2022-09-19", "2022-12-26", "2022-12-27"}},
		{2023, []string{"2023-01-02", "2023-04-07", "2023-04-10", "2023-05-01", "2023-05-08", "2023-05-29", "2023-08-28", "2023-12-25", "2023-12-26"}},
		{2024, []string{"2024-01-01", "2024-03-29", "2024-04-01", "2024-05-06", "2024-05-27", "2024-08-26", "2024-12-25", "2024-12-26"}},
		{2025, []string{"2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26", "2025-08-25", "2025-12-25", "2025-12-26"}},
		{2026, []string{"2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31", "2026-12-25", "2026-12-28"}},
		{2027, []string{"2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31", "2027-08-30", "2027-12-27", "2027-12-28"}},
		// Before gov.uk's list begins: the one-off years.
		{1981, []string{"1981-01-01", "1981-04-17", "1981-04-20", "1981-05-04", "1981-05-25", "1981-07-29", "1981-08-31", "1981-12-25", "1981-12-28"}},
		{1995, []string{"1995-01-02", "1995-04-14", "1995-04-17", "1995-05-08", "1995-05-29", "1995-08-28", "1995-12-25", "1995-12-26"}},
		{1999, []string{"1999-01-01", "1999-04-02", "1999-04-05", "1999-05-03", "1999-05-31", "1999-08-30", "1999-12-27", "1999-12-28", "1999-12-31"}},
		{2000, []string{"2000-01-03", "2000-04-21", "2000-04-24", "2000-05-01", "2000-05-29", "2000-08-28", "2000-12-25", "2000-12-26"}},
		{2002, []string{"2002-01-01", "2002-03-29", "2002-04-01", "2002-05-06", "2002-06-03", "2002-06-04", "2002-08-26", "2002-12-25", "2002-12-26"}},
		{2011, []string{"2011-01-03", "2011-04-22", "2011-04-25", "2011-04-29", "2011-05-02", "2011-05-30", "2011-08-29", "2011-12-26", "2011-12-27"}},
		// After it: the rules alone.
		{2028, []string{"2028-01-03", "2028-04-14", "2028-04-17", "2028-05-01", "2028-05-29", "2028-08-28", "2028-12-25", "2028-12-26"}},
		{2032, []string{"2032-01-01", "2032-03-26", "2032-03-29", "2032-05-03", "2032-05-31", "2032-08-30", "2032-12-27", "2032-12-28"}},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.year), func(t *testing.T) {
			got := BankHolidays(tc.year)
			var gotDates []string
			for _, h := range got {
				gotDates = append(gotDates, h.Date.String())
			}
			if fmt.Sprint(gotDates) != fmt.Sprint(tc.want) {
				t.Errorf("got  %v\nwant %v", gotDates, tc.want)
			}
		})
	}
}

func TestHolidayOn(t *testing.T) {
	t.Parallel()
	tests := []struct {
		date string
		want string // "" when not a holiday
		sub  bool
	}{
		{"2026-12-25", "Christmas Day", false},
		{"2026-12-26", "", false}, // Saturday: taken on the 28th
		{"2026-12-28", "Boxing Day", true},
		{"2027-12-25", "", false},
		{"2027-12-27", "Christmas Day", true},
		{"2027-12-28", "Boxing Day", true},
		{"2022-12-25", "", false},
		{"2022-12-26", "Boxing Day", false},
		{"2022-12-27", "Christmas Day", true},
		{"2022-09-19", "Bank Holiday for the State Funeral of Queen Elizabeth II", false},
		{"2022-05-30", "", false}, // the spring holiday moved to 2 June
		{"2020-05-04", "", false}, // the early May holiday moved to VE day
		{"2020-05-08", "Early May bank holiday (VE day)", false},
		{"2012-05-28", "", false},
		{"2023-05-08", "Bank holiday for the coronation of King Charles III", false},
		{"2028-01-03", "New Year’s Day", true},
		{"2028-01-01", "", false},
		{"2026-04-03", "Good Friday", false},
		{"2026-04-05", "", false}, // Easter Sunday is a Sunday, not a bank holiday
		{"2026-04-06", "Easter Monday", false},
		{"2026-04-07", "", false},
		{"2026-11-02", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.date, func(t *testing.T) {
			h, ok := HolidayOn(date(t, tc.date))
			if ok != (tc.want != "") || h.Name != tc.want || h.Substitute != tc.sub {
				t.Errorf("HolidayOn(%s) = %+v, %v; want %q (substitute %v)", tc.date, h, ok, tc.want, tc.sub)
			}
			if ok && h.Date != date(t, tc.date) {
				t.Errorf("HolidayOn(%s) returned date %s", tc.date, h.Date)
			}
		})
	}
}

// Every holiday BankHolidays returns must be found by HolidayOn and vice
// versa, and the regular pattern must hold, for a long run of years.
func TestBankHolidayRules(t *testing.T) {
	t.Parallel()
	for year := 1978; year <= 2400; year++ {
		hs := BankHolidays(year)
		isHoliday := map[CivilDate]bool{}
		for i, h := range hs {
			if h.Date.Year != year {
				t.Fatalf("%d: %v falls outside the year", year, h)
			}
			if wd := h.Date.Weekday(); wd == time.Saturday || wd == time.Sunday {
				t.Fatalf("%d: %v falls on a %v", year, h, wd)
			}
			if i > 0 && !hs[i-1].Date.Before(h.Date) {
				t.Fatalf("%d: not in strict date order: %v", year, hs)
			}
			if got, ok := HolidayOn(h.Date); !ok || got != h {
				t.Fatalf("%d: HolidayOn(%s) = %v, %v; want %v", year, h.Date, got, ok, h)
			}
			isHoliday[h.Date] = true
		}
		if len(hs) < 8 || len(hs) > maxHolidaysPerYear {
			t.Fatalf("%d: %d holidays: %v", year, len(hs), hs)
		}
		for d := (CivilDate{year, time.January, 1}); d.Year == year; d = d.AddDays(1) {
			if _, ok := HolidayOn(d); ok != isHoliday[d] {
				t.Fatalf("%d: HolidayOn(%s) = %v, BankHolidays disagrees", year, d, ok)
			}
		}
		easter := EasterSunday(year)
		for _, want := range []CivilDate{easter.AddDays(-2), easter.AddDays(1)} {
			if !isHoliday[want] {
				t.Fatalf("%d: Easter holiday %s missing", year, want)
			}
		}
		if !isHoliday[lastMonday(year, time.August)] {
			t.Fatalf("%d: summer bank holiday missing", year)
		}
		// Christmas and Boxing Day always give two days off in 25-28 December.
		n := 0
		for day := 25; day <= 28; day++ {
			if isHoliday[CivilDate{year, time.December, day}] {
				n++
			}
		}
		if n != 2 {
			t.Fatalf("%d: %d Christmas holidays", year, n)
		}
	}
}

func TestEasterSunday(t *testing.T) {
	t.Parallel()
	tests := map[int]string{
		1583: "1583-04-10", 1700: "1700-04-11", 1818: "1818-03-22", 1900: "1900-04-15",
		1943: "1943-04-25", 1961: "1961-04-02", 1981: "1981-04-19", 2000: "2000-04-23",
		2008: "2008-03-23", 2011: "2011-04-24", 2019: "2019-04-21", 2024: "2024-03-31",
		2025: "2025-04-20", 2026: "2026-04-05", 2027: "2027-03-28", 2038: "2038-04-25",
		2049: "2049-04-18", 2077: "2077-04-11", 2100: "2100-03-28", 2200: "2200-04-06",
		2285: "2285-03-22", 2400: "2400-04-16",
	}
	for year, want := range tests {
		if got := EasterSunday(year); got != date(t, want) {
			t.Errorf("EasterSunday(%d) = %s, want %s", year, got, want)
		}
	}
}

// easterByEpact is a second, independent computus (Lilius and Clavius's
// epact method, as Knuth sets it out), used only to check EasterSunday.
func easterByEpact(year int) CivilDate {
	golden := year%19 + 1
	century := year/100 + 1
	skippedLeap := 3*century/4 - 12
	moon := (8*century+5)/25 - 5
	sunday := 5*year/4 - skippedLeap - 10
	epact := (11*golden + 20 + moon - skippedLeap) % 30
	if epact < 0 {
		epact += 30
	}
	if (epact == 25 && golden > 11) || epact == 24 {
		epact++
	}
	full := 44 - epact
	if full < 21 {
		full += 30
	}
	full += 7 - (sunday+full)%7
	if full > 31 {
		return CivilDate{year, time.April, full - 31}
	}
	return CivilDate{year, time.March, full}
}

func TestEasterSundayAgreesWithEpactMethod(t *testing.T) {
	t.Parallel()
	for year := 1583; year <= 9999; year++ {
		got, want := EasterSunday(year), easterByEpact(year)
		if got != want {
			t.Fatalf("EasterSunday(%d) = %s, epact method says %s", year, got, want)
		}
		if got.Weekday() != time.Sunday {
			t.Fatalf("EasterSunday(%d) = %s is a %v", year, got, got.Weekday())
		}
	}
}

func TestBankHolidaysAnyYearDoesNotPanic(t *testing.T) {
	t.Parallel()
	for _, year := range []int{-5_000_000, -1, 0, 1, 1066, 1977, 10_000, 5_700_000, 1 << 30} {
		if hs := BankHolidays(year); len(hs) < 8 {
			t.Errorf("BankHolidays(%d) = %v", year, hs)
		}
		if e := EasterSunday(year); e.Weekday() != time.Sunday || e.Month < time.March || e.Month > time.April {
			t.Errorf("EasterSunday(%d) = %v (%v)", year, e, e.Weekday())
		}
	}
}

func TestCivilDate(t *testing.T) {
	t.Parallel()
	d := CivilDate{2024, time.February, 28}
	if got := d.AddDays(1); got != (CivilDate{2024, time.February, 29}) {
		t.Errorf("AddDays(1) = %v", got)
	}
	if got := d.AddDays(2); got != (CivilDate{2024, time.March, 1}) {
		t.Errorf("AddDays(2) = %v", got)
	}
	if got := (CivilDate{2026, time.December, 31}).AddDays(1); got != (CivilDate{2027, time.January, 1}) {
		t.Errorf("year end AddDays(1) = %v", got)
	}
	if got := (CivilDate{2026, time.January, 1}).AddDays(-1); got != (CivilDate{2025, time.December, 31}) {
		t.Errorf("AddDays(-1) = %v", got)
	}
	if d.String() != "2024-02-28" {
		t.Errorf("String() = %q", d.String())
	}
	valid := map[CivilDate]bool{
		{2024, time.February, 29}: true,
		{2023, time.February, 29}: false,
		{2023, 13, 1}:             false,
		{2023, time.April, 31}:    false,
		{2023, time.April, 0}:     false,
	}
	for d, want := range valid {
		if d.IsValid() != want {
			t.Errorf("%v.IsValid() = %v", d, !want)
		}
	}
	a, b := CivilDate{2026, time.March, 31}, CivilDate{2026, time.April, 1}
	if !a.Before(b) || a.After(b) || !b.After(a) || a.Compare(b) != -1 || b.Compare(a) != 1 || a.Compare(a) != 0 {
		t.Error("Compare/Before/After disagree across a month end")
	}
	if (CivilDate{2025, time.December, 31}).Compare(CivilDate{2026, time.January, 1}) != -1 {
		t.Error("Compare across a year end")
	}
	if got := (CivilDate{2026, time.March, 29}).In(london(t)); got.Hour() != 0 || got.Day() != 29 {
		t.Errorf("In on a clock-change day = %v", got)
	}
}

func TestNewCalendar(t *testing.T) {
	t.Parallel()
	if _, err := NewCalendar(nil); !IsKind(err, KindInvalid) {
		t.Errorf("NewCalendar(nil) error = %v, want invalid", err)
	}
	c := londonCalendar(t)
	if open, close := c.WorkingHours(); open != 9*time.Hour || close != 17*time.Hour {
		t.Errorf("default working hours = %v to %v", open, close)
	}
	if c.Location().String() != "Europe/London" {
		t.Errorf("Location() = %v", c.Location())
	}
	bad := [][2]time.Duration{
		{17 * time.Hour, 9 * time.Hour},
		{9 * time.Hour, 9 * time.Hour},
		{-time.Hour, 9 * time.Hour},
		{9 * time.Hour, 25 * time.Hour},
	}
	for _, h := range bad {
		if _, err := c.WithWorkingHours(h[0], h[1]); !IsKind(err, KindInvalid) {
			t.Errorf("WithWorkingHours(%v, %v) error = %v, want invalid", h[0], h[1], err)
		}
	}
	c2, err := c.WithWorkingHours(8*time.Hour+30*time.Minute, 18*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if open, close := c2.WorkingHours(); open != 8*time.Hour+30*time.Minute || close != 18*time.Hour {
		t.Errorf("WithWorkingHours gave %v to %v", open, close)
	}
	if open, _ := c.WorkingHours(); open != 9*time.Hour {
		t.Error("WithWorkingHours changed the original calendar")
	}
}

func TestIsWorkingDayAndTime(t *testing.T) {
	t.Parallel()
	c := londonCalendar(t)
	utc := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	tests := []struct {
		name        string
		t           time.Time
		day, inHour bool
	}{
		{"Monday opening", at(t, "2026-06-01 09:00"), true, true},
		{"Monday before opening", at(t, "2026-06-01 08:59:59.999999999"), true, false},
		{"Monday last instant", at(t, "2026-06-01 16:59:59.999999999"), true, true},
		{"Monday closing", at(t, "2026-06-01 17:00"), true, false},
		{"Saturday", at(t, "2026-06-06 11:00"), false, false},
		{"Sunday", at(t, "2026-06-07 11:00"), false, false},
		{"Good Friday", at(t, "2026-04-03 11:00"), false, false},
		{"Boxing Day substitute", at(t, "2026-12-28 11:00"), false, false},
		{"Boxing Day itself, a Saturday", at(t, "2026-12-26 11:00"), false, false},
		{"the day after Easter Monday", at(t, "2026-04-07 11:00"), true, true},
		// The same instants read in UTC: the calendar's zone decides the date.
		{"UTC Sunday night is bank-holiday Monday in London", utc("2026-05-03T23:30:00Z"), false, false},
		{"UTC Monday night is Tuesday in London", utc("2026-05-04T23:30:00Z"), true, false},
		{"08:30 UTC is 09:30 BST", utc("2026-06-01T08:30:00Z"), true, true},
		{"16:30 UTC is 17:30 BST", utc("2026-06-01T16:30:00Z"), true, false},
		{"16:30 UTC is 16:30 GMT", utc("2026-12-01T16:30:00Z"), true, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.IsWorkingDay(tc.t); got != tc.day {
				t.Errorf("IsWorkingDay(%v) = %v", tc.t, got)
			}
			if got := c.IsWorkingTime(tc.t); got != tc.inHour {
				t.Errorf("IsWorkingTime(%v) = %v", tc.t, got)
			}
		})
	}
}

func TestNextAndPreviousWorkingDay(t *testing.T) {
	t.Parallel()
	c := londonCalendar(t)
	tests := []struct{ from, next, prev string }{
		{"2026-06-03", "2026-06-04", "2026-06-02"},
		{"2026-06-05", "2026-06-08", "2026-06-04"},
		{"2026-06-06", "2026-06-08", "2026-06-05"},
		{"2026-04-02", "2026-04-07", "2026-04-01"}, // Easter
		{"2026-04-07", "2026-04-08", "2026-04-02"},
		{"2026-12-24", "2026-12-29", "2026-12-23"},
		{"2026-12-31", "2027-01-04", "2026-12-30"}, // year end, New Year's Day on a Friday
		{"2027-12-24", "2027-12-29", "2027-12-23"},
		{"2022-06-01", "2022-06-06", "2022-05-31"}, // Platinum Jubilee
		{"2022-09-16", "2022-09-20", "2022-09-15"},
	}
	for _, tc := range tests {
		from := date(t, tc.from)
		if got := c.NextWorkingDay(from); got != date(t, tc.next) {
			t.Errorf("NextWorkingDay(%s) = %s, want %s", tc.from, got, tc.next)
		}
		if got := c.PreviousWorkingDay(from); got != date(t, tc.prev) {
			t.Errorf("PreviousWorkingDay(%s) = %s, want %s", tc.from, got, tc.prev)
		}
	}
}

func TestWorkingHoursOn(t *testing.T) {
	t.Parallel()
	c := londonCalendar(t)
	open, close, ok := c.WorkingHoursOn(date(t, "2026-03-30")) // first day of BST
	if !ok || !open.Equal(at(t, "2026-03-30 09:00")) || !close.Equal(at(t, "2026-03-30 17:00")) {
		t.Errorf("WorkingHoursOn(2026-03-30) = %v, %v, %v", open, close, ok)
	}
	if open.UTC().Hour() != 8 {
		t.Errorf("09:00 BST should be 08:00 UTC, got %v", open.UTC())
	}
	if _, _, ok := c.WorkingHoursOn(date(t, "2026-04-06")); ok {
		t.Error("Easter Monday has working hours")
	}
}

func TestAddWorkingDays(t *testing.T) {
	t.Parallel()
	c := londonCalendar(t)
	tests := []struct {
		name string
		from string
		n    int
		want string
	}{
		{"Friday afternoon before a bank-holiday Monday", "2026-05-01 15:00", 1, "2026-05-05 15:00"},
		{"ordinary Friday afternoon", "2026-06-05 15:00", 1, "2026-06-08 15:00"},
		{"Saturday counts from Tuesday's opening after the holiday", "2026-05-02 10:00", 1, "2026-05-05 17:00"},
		{"Saturday counts from Monday's opening", "2026-06-06 10:00", 1, "2026-06-08 17:00"},
		{"Sunday night", "2026-06-07 23:59", 2, "2026-06-09 17:00"},
		{"before opening counts from opening", "2026-06-01 08:00", 1, "2026-06-01 17:00"},
		{"at opening", "2026-06-01 09:00", 1, "2026-06-01 17:00"},
		{"just after opening", "2026-06-01 09:00:00.000000001", 1, "2026-06-02 09:00:00.000000001"},
		{"at closing", "2026-06-01 17:00", 1, "2026-06-02 17:00"},
		{"after closing", "2026-06-01 17:30", 1, "2026-06-02 17:00"},
		{"five working days", "2026-06-03 10:00", 5, "2026-06-10 10:00"},
		{"Easter weekend", "2026-04-02 15:00", 1, "2026-04-07 15:00"},
		{"Easter weekend, five days", "2026-04-01 11:00", 5, "2026-04-10 11:00"},
		{"Christmas 2026", "2026-12-24 16:00", 1, "2026-12-29 16:00"},
		{"over the year end", "2026-12-24 16:00", 5, "2027-01-05 16:00"},
		{"New Year's Eve", "2026-12-31 10:00", 1, "2027-01-04 10:00"},
		{"Christmas 2027, both substitutes", "2027-12-24 12:00", 1, "2027-12-29 12:00"},
		{"across the March clock change", "2026-03-27 15:00", 1, "2026-03-30 15:00"},
		{"across the October clock change", "2026-10-23 10:00", 1, "2026-10-26 10:00"},
		{"Easter and the clock change on one weekend", "2027-03-25 15:00", 1, "2027-03-30 15:00"},
		{"state funeral", "2022-09-16 12:00", 1, "2022-09-20 12:00"},
		{"Platinum Jubilee", "2022-06-01 12:00", 2, "2022-06-07 12:00"},
		{"zero days leaves the time alone", "2026-06-06 10:00", 0, "2026-06-06 10:00"},
		{"negative days leave the time alone", "2026-06-03 10:00", -3, "2026-06-03 10:00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			from, want := at(t, tc.from), at(t, tc.want)
			got := c.AddWorkingDays(from, tc.n)
			if !got.Equal(want) {
				t.Errorf("AddWorkingDays(%v, %d) = %v, want %v", from, tc.n, got, want)
			}
			if got.Location() != from.Location() {
				t.Errorf("result in %v, want the input's location %v", got.Location(), from.Location())
			}
			if tc.n > 0 {
				if n := c.WorkingDaysBetween(from, got); n != tc.n {
					t.Errorf("WorkingDaysBetween(from, deadline) = %d, want %d", n, tc.n)
				}
			}
		})
	}
}

func TestAddWorkingDaysKeepsTheInputLocation(t *testing.T) {
	t.Parallel()
	c := londonCalendar(t)
	from := time.Date(2026, time.July, 3, 14, 0, 0, 0, time.UTC) // Friday 15:00 BST
	got := c.AddWorkingDays(from, 1)
	want := time.Date(2026, time.July, 6, 14, 0, 0, 0, time.UTC)
	if !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("AddWorkingDays(%v, 1) = %v, want %v in UTC", from, got, want)
	}
	// In winter 15:00 in London is 15:00 UTC; across the October change the
	// UTC hour of the deadline moves with the clocks.
	from = time.Date(2026, time.October, 23, 14, 0, 0, 0, time.UTC) // Friday 15:00 BST
	got = c.AddWorkingHours(from, 3*time.Hour)
	want = time.Date(2026, time.October, 26, 10, 0, 0, 0, time.UTC) // Monday 10:00 GMT
	if !got.Equal(want) || got.Location() != time.UTC {
		t.Errorf("AddWorkingHours(%v, 3h) = %v, want %v in UTC", from, got, want)
	}
}

func TestAddWorkingHours(t *testing.T) {
	t.Parallel()
	c := londonCalendar(t)
	tests := []struct {
		name string
		from string
		d    time.Duration
		want string
	}{
		{"urgent, late Friday", "2026-06-05 16:30", 2 * time.Hour, "2026-06-08 10:30"},
		{"urgent, late Friday before a bank holiday", "2026-05-01 16:30", 2 * time.Hour, "2026-05-05 10:30"},
		{"lands exactly on closing", "2026-06-05 15:00", 2 * time.Hour, "2026-06-05 17:00"},
		{"Saturday", "2026-06-06 10:00", 2 * time.Hour, "2026-06-08 11:00"},
		{"before opening", "2026-06-01 08:00", 30 * time.Minute, "2026-06-01 09:30"},
		{"after closing", "2026-06-01 20:00", time.Hour, "2026-06-02 10:00"},
		{"one working day of hours", "2026-06-03 10:00", 8 * time.Hour, "2026-06-04 10:00"},
		{"a working week", "2026-06-01 09:00", 40 * time.Hour, "2026-06-05 17:00"},
		{"a second past closing rolls to the next morning", "2026-06-01 16:59:59.5", time.Second, "2026-06-02 09:00:00.5"},
		{"October clock change", "2026-10-23 16:30", 2 * time.Hour, "2026-10-26 10:30"},
		{"March clock change", "2026-03-27 16:00", 3 * time.Hour, "2026-03-30 11:00"},
		{"Christmas 2027", "2027-12-24 16:00", 2 * time.Hour, "2027-12-29 10:00"},
		{"Easter 2027 and the clock change", "2027-03-25 16:00", 2 * time.Hour, "2027-03-30 10:00"},
		{"zero", "2026-06-06 10:00", 0, "2026-06-06 10:00"},
		{"negative", "2026-06-03 10:00", -time.Hour, "2026-06-03 10:00"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			from, want := at(t, tc.from), at(t, tc.want)
			got := c.AddWorkingHours(from, tc.d)
			if !got.Equal(want) {
				t.Errorf("AddWorkingHours(%v, %v) = %v, want %v", from, tc.d, got, want)
			}
			if tc.d > 0 {
				if d := c.WorkingDurationBetween(from, got); d != tc.d {
					t.Errorf("WorkingDurationBetween(from, result) = %v, want %v", d, tc.d)
				}
			}
		})
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	t.Parallel()
	c := londonCalendar(t)
	tests := []struct {
		name     string
		from, to string
		want     int
	}{
		{"not yet a day, over a bank holiday", "2026-05-01 15:00", "2026-05-05 14:59", 0},
		{"exactly a day, over a bank holiday", "2026-05-01 15:00", "2026-05-05 15:00", 1},
		{"to before from", "2026-06-05 15:00", "2026-06-01 15:00", 0},
		{"same instant", "2026-06-05 15:00", "2026-06-05 15:00", 0},
		{"Saturday to Monday close", "2026-06-06 10:00", "2026-06-08 17:00", 1},
		{"Saturday to Monday afternoon", "2026-06-06 10:00", "2026-06-08 16:59", 0},
		{"a whole week", "2026-06-01 09:00", "2026-06-05 17:00", 5},
		{"Monday to Monday, a minute short", "2026-06-01 10:00", "2026-06-08 09:59", 4},
		{"Monday to Monday", "2026-06-01 10:00", "2026-06-08 10:00", 5},
		{"over Christmas and the year end", "2026-12-24 12:00", "2027-01-05 12:00", 5},
		{"across the March clock change", "2026-03-27 12:00", "2026-03-30 12:00", 1},
		{"across the October clock change", "2026-10-23 12:00", "2026-10-26 12:00", 1},
		{"weekend to weekend", "2026-06-06 10:00", "2026-06-13 10:00", 5},
		{"the whole of 2026", "2026-01-01 00:00", "2027-01-01 00:00", 253},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.WorkingDaysBetween(at(t, tc.from), at(t, tc.to)); got != tc.want {
				t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", tc.from, tc.to, got, tc.want)
			}
		})
	}
}

func TestWorkingDurationBetween(t *testing.T) {
	t.Parallel()
	c := londonCalendar(t)
	tests := []struct {
		name     string
		from, to string
		want     time.Duration
	}{
		{"over a bank-holiday weekend", "2026-05-01 16:30", "2026-05-05 10:30", 2 * time.Hour},
		{"inside one day", "2026-06-01 12:00", "2026-06-01 12:30", 30 * time.Minute},
		{"weekend only", "2026-06-06 10:00", "2026-06-07 10:00", 0},
		{"evening to next morning", "2026-06-01 17:00", "2026-06-02 09:00", 0},
		{"a working week", "2026-06-01 09:00", "2026-06-05 17:00", 40 * time.Hour},
		{"a working week from midnight to midnight", "2026-05-31 00:00", "2026-06-06 00:00", 40 * time.Hour},
		{"March clock change: two full days", "2026-03-27 09:00", "2026-03-30 17:00", 16 * time.Hour},
		{"October clock change: two full days", "2026-10-23 09:00", "2026-10-26 17:00", 16 * time.Hour},
		{"to before from", "2026-06-05 12:00", "2026-06-01 12:00", 0},
		{"the whole of 2026", "2026-01-01 00:00", "2027-01-01 00:00", 253 * 8 * time.Hour},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.WorkingDurationBetween(at(t, tc.from), at(t, tc.to)); got != tc.want {
				t.Errorf("WorkingDurationBetween(%s, %s) = %v, want %v", tc.from, tc.to, got, tc.want)
			}
		})
	}
}

func TestOtherWorkingHours(t *testing.T) {
	t.Parallel()
	base := londonCalendar(t)
	long, err := base.WithWorkingHours(8*time.Hour, 18*time.Hour+30*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if got := long.AddWorkingHours(at(t, "2026-06-05 18:00"), time.Hour); !got.Equal(at(t, "2026-06-08 08:30")) {
		t.Errorf("08:00-18:30: Friday 18:00 + 1h = %v", got)
	}
	if got := long.AddWorkingDays(at(t, "2026-06-06 12:00"), 1); !got.Equal(at(t, "2026-06-08 18:30")) {
		t.Errorf("08:00-18:30: Saturday + 1 day = %v", got)
	}
	allDay, err := base.WithWorkingHours(0, 24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if got := allDay.AddWorkingHours(at(t, "2026-06-05 23:00"), 2*time.Hour); !got.Equal(at(t, "2026-06-08 01:00")) {
		t.Errorf("all day: Friday 23:00 + 2h = %v", got)
	}
	if got := allDay.AddWorkingHours(at(t, "2026-06-04 23:00"), time.Hour); !got.Equal(at(t, "2026-06-05 00:00")) {
		t.Errorf("all day: Thursday 23:00 + 1h = %v, want the closing instant, Friday 00:00", got)
	}
	if got := allDay.WorkingDaysBetween(at(t, "2026-06-05 00:00"), at(t, "2026-06-08 00:00")); got != 1 {
		t.Errorf("all day: Friday to Monday midnight = %d working days, want 1", got)
	}
}

// atWorkingClose reports whether r is exactly the closing instant of a
// working day, which is where a deadline that uses up a day's hours lands.
func atWorkingClose(c *Calendar, r time.Time) bool {
	for _, d := range []CivilDate{c.Date(r), c.Date(r).AddDays(-1)} {
		if _, closes, ok := c.WorkingHoursOn(d); ok && r.Equal(closes) {
			return true
		}
	}
	return false
}

// fuzzTime maps arbitrary input onto an instant between 1970 and about
// 2100, read in London or in UTC.
func fuzzTime(t *testing.T, sec int64, inUTC bool) time.Time {
	const span = 130 * 365 * 24 * 60 * 60
	sec %= span
	if sec < 0 {
		sec += span
	}
	tm := time.Unix(sec, 0)
	if inUTC {
		return tm.UTC()
	}
	return tm.In(london(t))
}

func FuzzAddWorkingDays(f *testing.F) {
	for _, seed := range []string{"2026-05-01 15:00", "2026-05-02 10:00", "2026-12-24 16:00", "2027-03-25 15:00", "2026-10-23 17:00", "2026-06-01 09:00"} {
		tm, err := time.ParseInLocation("2006-01-02 15:04", seed, london(f))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(tm.Unix(), uint16(1), uint16(4), false)
		f.Add(tm.Unix(), uint16(5), uint16(0), true)
	}
	c := londonCalendar(f)
	f.Fuzz(func(t *testing.T, sec int64, a, b uint16, inUTC bool) {
		from := fuzzTime(t, sec, inUTC)
		n, m := int(a%300), int(b%300)
		got := c.AddWorkingDays(from, n)
		if n == 0 {
			if !got.Equal(from) {
				t.Fatalf("AddWorkingDays(%v, 0) = %v", from, got)
			}
			return
		}
		if !got.After(from) {
			t.Fatalf("AddWorkingDays(%v, %d) = %v, not after the input", from, n, got)
		}
		if got.Location() != from.Location() {
			t.Fatalf("result in %v, input in %v", got.Location(), from.Location())
		}
		if !c.IsWorkingTime(got) && !atWorkingClose(c, got) {
			t.Fatalf("AddWorkingDays(%v, %d) = %v, outside working hours", from, n, got)
		}
		if k := c.WorkingDaysBetween(from, got); k != n {
			t.Fatalf("WorkingDaysBetween(%v, %v) = %d, want %d", from, got, k, n)
		}
		// The deadline is the first instant at which n days have passed.
		if k := c.WorkingDaysBetween(from, got.Add(-time.Nanosecond)); k != n-1 {
			t.Fatalf("a nanosecond before the deadline %v, %d days have passed, want %d", got, k, n-1)
		}
		if d := c.WorkingDurationBetween(from, got); d != time.Duration(n)*8*time.Hour {
			t.Fatalf("WorkingDurationBetween(%v, %v) = %v, want %d × 8h", from, got, d, n)
		}
		if h := c.AddWorkingHours(from, time.Duration(n)*8*time.Hour); !h.Equal(got) {
			t.Fatalf("AddWorkingHours(%v, %d × 8h) = %v, AddWorkingDays gave %v", from, n, h, got)
		}
		if stepwise, direct := c.AddWorkingDays(got, m), c.AddWorkingDays(from, n+m); !stepwise.Equal(direct) {
			t.Fatalf("adding %d then %d days gives %v, adding %d gives %v", n, m, stepwise, n+m, direct)
		}
	})
}

func FuzzAddWorkingHours(f *testing.F) {
	for _, seed := range []string{"2026-06-05 16:30", "2026-05-01 16:30", "2026-10-23 16:30", "2026-03-27 16:00", "2027-12-24 16:00", "2026-06-06 10:00"} {
		tm, err := time.ParseInLocation("2006-01-02 15:04", seed, london(f))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(tm.Unix(), uint32(2*60*60), uint32(30*60), false)
		f.Add(tm.Unix(), uint32(8*60*60), uint32(1), true)
	}
	c := londonCalendar(f)
	f.Fuzz(func(t *testing.T, sec int64, a, b uint32, inUTC bool) {
		from := fuzzTime(t, sec, inUTC)
		// Up to about 35 working days, to the second.
		d := time.Duration(a%1_000_000) * time.Second
		e := time.Duration(b%1_000_000) * time.Second
		got := c.AddWorkingHours(from, d)
		if d == 0 {
			if !got.Equal(from) {
				t.Fatalf("AddWorkingHours(%v, 0) = %v", from, got)
			}
			return
		}
		if !got.After(from) {
			t.Fatalf("AddWorkingHours(%v, %v) = %v, not after the input", from, d, got)
		}
		if got.Location() != from.Location() {
			t.Fatalf("result in %v, input in %v", got.Location(), from.Location())
		}
		if !c.IsWorkingTime(got) && !atWorkingClose(c, got) {
			t.Fatalf("AddWorkingHours(%v, %v) = %v, outside working hours", from, d, got)
		}
		if w := c.WorkingDurationBetween(from, got); w != d {
			t.Fatalf("WorkingDurationBetween(%v, %v) = %v, want %v", from, got, w, d)
		}
		if w := c.WorkingDurationBetween(from, got.Add(-time.Nanosecond)); w >= d {
			t.Fatalf("a nanosecond before %v, %v of working time has passed, want less than %v", got, w, d)
		}
		if stepwise, direct := c.AddWorkingHours(got, e), c.AddWorkingHours(from, d+e); !stepwise.Equal(direct) {
			t.Fatalf("adding %v then %v gives %v, adding %v gives %v", d, e, stepwise, d+e, direct)
		}
		if days := int(d / (8 * time.Hour)); c.WorkingDaysBetween(from, got) != days {
			t.Fatalf("WorkingDaysBetween(%v, %v) = %d, want %d", from, got, c.WorkingDaysBetween(from, got), days)
		}
	})
}

func BenchmarkAddWorkingDays(b *testing.B) {
	c := londonCalendar(b)
	from := at(b, "2026-12-24 16:00")
	b.ReportAllocs()
	for b.Loop() {
		c.AddWorkingDays(from, 5)
	}
}

func BenchmarkWorkingDaysBetween(b *testing.B) {
	c := londonCalendar(b)
	from, to := at(b, "2026-05-01 15:00"), at(b, "2026-06-12 11:00")
	b.ReportAllocs()
	for b.Loop() {
		c.WorkingDaysBetween(from, to)
	}
}
