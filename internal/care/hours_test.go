package care

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func weekdays(opens, closes int) OpeningHours {
	var h OpeningHours
	for d := time.Monday; d <= time.Friday; d++ {
		h.Days[d] = DayHours{Open: true, Opens: opens, Closes: closes}
	}
	h.BankHolidays = BankHolidaysClosed
	return h
}

func TestParseOpeningHours(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in      string
		want    OpeningHours
		wantErr bool
	}{
		{"", OpeningHours{}, false},
		{"mon 09:00-17:00; tue 09:00-17:00; wed 09:00-17:00; thu 09:00-17:00; fri 09:00-17:00", weekdays(540, 1020), false},
		{"FRI 9:00-17:00;thu 09:00-17:00 ; wed 09:00-17:00;tue 09:00-17:00;mon 09:00-17:00;bank-holidays closed", weekdays(540, 1020), false},
		{"mon 00:00-24:00; bank-holidays open", func() OpeningHours {
			var h OpeningHours
			h.Days[time.Monday] = DayHours{Open: true, Opens: 0, Closes: 1440}
			h.BankHolidays = BankHolidaysOpen
			return h
		}(), false},
		{"sat closed", OpeningHours{BankHolidays: BankHolidaysClosed}, false},
		{"mon 17:00-09:00", OpeningHours{}, true},
		{"mon 09:00-09:00", OpeningHours{}, true},
		{"mon 24:00-24:00", OpeningHours{}, true},
		{"mon 09:00-25:00", OpeningHours{}, true},
		{"mon 9-5", OpeningHours{}, true},
		{"funday 09:00-17:00", OpeningHours{}, true},
		{"mon 09:00-17:00; mon 10:00-12:00", OpeningHours{}, true},
		{"bank-holidays sometimes", OpeningHours{}, true},
		{"mon", OpeningHours{}, true},
		{strings.Repeat("mon 09:00-17:00;", 40), OpeningHours{}, true},
	}
	for _, c := range cases {
		got, err := ParseOpeningHours(c.in)
		if c.wantErr {
			if !IsKind(err, KindInvalid) {
				t.Errorf("ParseOpeningHours(%q) = %v, want an invalid error", c.in, err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("ParseOpeningHours(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
		}
	}
	if s := weekdays(540, 1020).String(); s != "mon 09:00-17:00; tue 09:00-17:00; wed 09:00-17:00; thu 09:00-17:00; fri 09:00-17:00; bank-holidays closed" {
		t.Errorf("String = %q", s)
	}
}

func FuzzParseOpeningHours(f *testing.F) {
	for _, s := range []string{"", "mon 09:00-17:00; bank-holidays open", "sun 00:00-24:00", "tue closed", "wed 8:30-12:15;thu 13:00-17:30", ";;", "mon 09:00-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ParseOpeningHours(s)
		if err != nil {
			if !IsKind(err, KindInvalid) {
				t.Fatalf("ParseOpeningHours(%q): error of kind %v", s, KindOf(err))
			}
			return
		}
		// What parses writes back to text that parses to the same hours.
		again, err := ParseOpeningHours(h.String())
		if err != nil || again != h {
			t.Fatalf("round trip of %q: %q gave %+v, %v", s, h.String(), again, err)
		}
		for _, d := range h.Days {
			if d.Open && (d.Opens < 0 || d.Closes > 1440 || d.Opens >= d.Closes) {
				t.Fatalf("ParseOpeningHours(%q) gave impossible hours %+v", s, d)
			}
		}
	})
}

func TestSpokenTime(t *testing.T) {
	t.Parallel()
	cases := map[int]string{0: "midnight", 540: "9am", 570: "9:30am", 720: "midday", 750: "12:30pm", 1020: "5pm", 1440: "midnight", 30: "12:30am"}
	for m, want := range cases {
		if got := SpokenTime(m); got != want {
			t.Errorf("SpokenTime(%d) = %q, want %q", m, got, want)
		}
	}
}

func TestOpeningHoursLines(t *testing.T) {
	t.Parallel()
	h := weekdays(540, 1020)
	want := []string{"Monday to Friday: 9am to 5pm", "Saturday and Sunday: closed", "Bank holidays: closed"}
	if got := h.Lines(); !slices.Equal(got, want) {
		t.Errorf("Lines = %q", got)
	}
	var every OpeningHours
	for d := range every.Days {
		every.Days[d] = DayHours{Open: true, Opens: 0, Closes: 1440}
	}
	every.BankHolidays = BankHolidaysOpen
	want = []string{"Every day: 24 hours", "Bank holidays: usual hours for the day of the week"}
	if got := every.Lines(); !slices.Equal(got, want) {
		t.Errorf("Lines = %q", got)
	}
	if (OpeningHours{}).Lines() != nil {
		t.Error("unknown hours have lines")
	}
}

func TestOpeningHoursStatusAt(t *testing.T) {
	t.Parallel()
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	at := func(y int, m time.Month, d, hh, mm int) time.Time { return time.Date(y, m, d, hh, mm, 0, 0, london) }
	office := weekdays(540, 1020)
	open7 := office
	open7.Days[time.Saturday] = DayHours{Open: true, Opens: 600, Closes: 960}
	open7.BankHolidays = BankHolidaysOpen
	cases := []struct {
		name string
		h    OpeningHours
		t    time.Time
		want string
		open bool
	}{
		{"weekday afternoon", office, at(2026, 5, 20, 14, 0), "Open now until 5pm", true},
		{"weekday early", office, at(2026, 5, 20, 8, 0), "Closed now. Opens today at 9am", false},
		{"weekday evening", office, at(2026, 5, 20, 18, 0), "Closed now. Opens tomorrow at 9am", false},
		{"Friday evening", office, at(2026, 5, 22, 18, 0), "Closed now. Opens Tuesday at 9am", false},
		{"spring bank holiday", office, at(2026, 5, 25, 11, 0), "Closed today (Spring bank holiday). Opens tomorrow at 9am", false},
		{"open on bank holidays", open7, at(2026, 5, 25, 11, 0), "Open now until 5pm", true},
		{"Saturday with weekend hours", open7, at(2026, 5, 23, 11, 0), "Open now until 4pm", true},
		{"Christmas Day", office, at(2026, 12, 25, 10, 0), "Closed today (Christmas Day). Opens Tuesday at 9am", false},
		{"unknown hours", OpeningHours{}, at(2026, 5, 20, 14, 0), "", false},
	}
	for _, c := range cases {
		if got := c.h.StatusAt(c.t); got != c.want {
			t.Errorf("%s: StatusAt = %q, want %q", c.name, got, c.want)
		}
		if got := c.h.OpenAt(c.t); got != c.open {
			t.Errorf("%s: OpenAt = %v", c.name, got)
		}
	}
	if hol := NextBankHoliday(at(2026, 5, 20, 9, 0)); hol.Name != "Spring bank holiday" || hol.Date != (CivilDate{2026, 5, 25}) {
		t.Errorf("NextBankHoliday = %+v", hol)
	}
}
