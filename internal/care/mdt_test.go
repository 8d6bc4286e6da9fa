package care_test

import (
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // tests must not depend on the machine's zone database

	"github.com/joinedup/joinedup/internal/care"
)

// These tests use the package from outside, as the store and the pages will.

func mdtLondon(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatalf("load Europe/London: %v", err)
	}
	return loc
}

func mdtCalendar(t testing.TB) *care.Calendar {
	t.Helper()
	c, err := care.NewCalendar(mdtLondon(t))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mdtDate(t testing.TB, s string) care.CivilDate {
	t.Helper()
	tm, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Fatalf("bad test date %q: %v", s, err)
	}
	return care.CivilDateOf(tm)
}

// mdtAt parses "2006-01-02 15:04" as a wall-clock time in Europe/London.
func mdtAt(t testing.TB, s string) time.Time {
	t.Helper()
	tm, err := time.ParseInLocation("2006-01-02 15:04", s, mdtLondon(t))
	if err != nil {
		t.Fatalf("bad test time %q: %v", s, err)
	}
	return tm
}

// mdtUTC parses "2006-01-02 15:04" as UTC.
func mdtUTC(t testing.TB, s string) time.Time {
	t.Helper()
	tm, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		t.Fatalf("bad test time %q: %v", s, err)
	}
	return tm
}

func validSeries(t testing.TB) care.MDTSeries {
	return care.MDTSeries{
		Title:       "Riverside practice MDT",
		Scope:       care.MDTScopePractice,
		ScopeID:     "org-1",
		CoreMembers: []string{"gp-1", "sw-1", "nurse-1"},
		Cadence:     care.MDTCadence{Repeat: care.MDTWeekly, Weekday: time.Monday},
		FirstDate:   mdtDate(t, "2025-03-17"),
		StartTime:   13 * time.Hour,
		Duration:    time.Hour,
		Place:       "Meeting room 2, Riverside Surgery",
		RemoteLink:  "https://meet.example.org/riverside-mdt",
	}
}

func TestMDTSeriesValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(*care.MDTSeries)
		fields []string
	}{
		{"valid", func(*care.MDTSeries) {}, nil},
		{"place only", func(s *care.MDTSeries) { s.RemoteLink = "" }, nil},
		{"link only", func(s *care.MDTSeries) { s.Place = "" }, nil},
		{"monthly last thursday", func(s *care.MDTSeries) {
			s.Cadence = care.MDTCadence{Repeat: care.MDTMonthly, Weekday: time.Thursday, WeekOfMonth: care.LastWeekOfMonth}
		}, nil},
		{"ends at midnight", func(s *care.MDTSeries) { s.StartTime, s.Duration = 23*time.Hour, time.Hour }, nil},
		{"blank title", func(s *care.MDTSeries) { s.Title = "  " }, []string{"title"}},
		{"long title", func(s *care.MDTSeries) { s.Title = strings.Repeat("é", 121) }, []string{"title"}},
		{"unknown scope", func(s *care.MDTSeries) { s.Scope = "ward" }, []string{"scope"}},
		{"no scope id", func(s *care.MDTSeries) { s.ScopeID = "" }, []string{"scope_id"}},
		{"no core members", func(s *care.MDTSeries) { s.CoreMembers = nil }, []string{"core_members"}},
		{"duplicate member", func(s *care.MDTSeries) { s.CoreMembers = []string{"a", "b", "a"} }, []string{"core_members"}},
		{"blank member", func(s *care.MDTSeries) { s.CoreMembers = []string{"a", " "} }, []string{"core_members"}},
		{"unknown cadence", func(s *care.MDTSeries) { s.Cadence.Repeat = "daily" }, []string{"repeat"}},
		{"saturday", func(s *care.MDTSeries) { s.Cadence.Weekday = time.Saturday }, []string{"weekday"}},
		{"monthly fifth week", func(s *care.MDTSeries) {
			s.Cadence = care.MDTCadence{Repeat: care.MDTMonthly, Weekday: time.Tuesday, WeekOfMonth: 5}
		}, []string{"week_of_month"}},
		{"no first date", func(s *care.MDTSeries) { s.FirstDate = care.CivilDate{} }, []string{"first_date"}},
		{"impossible first date", func(s *care.MDTSeries) { s.FirstDate = care.CivilDate{Year: 2025, Month: 2, Day: 29} }, []string{"first_date"}},
		{"last before first", func(s *care.MDTSeries) { s.LastDate = mdtDate(t, "2025-03-16") }, []string{"last_date"}},
		{"start time of day too late", func(s *care.MDTSeries) { s.StartTime = 24 * time.Hour }, []string{"start_time"}},
		{"start time with seconds", func(s *care.MDTSeries) { s.StartTime = 13*time.Hour + time.Second }, []string{"start_time"}},
		{"too short", func(s *care.MDTSeries) { s.Duration = 10 * time.Minute }, []string{"duration"}},
		{"too long", func(s *care.MDTSeries) { s.Duration = 9 * time.Hour }, []string{"duration"}},
		{"past midnight", func(s *care.MDTSeries) { s.StartTime = 23 * time.Hour; s.Duration = 90 * time.Minute }, []string{"duration"}},
		{"nowhere", func(s *care.MDTSeries) { s.Place, s.RemoteLink = " ", "" }, []string{"place"}},
		{"http link", func(s *care.MDTSeries) { s.RemoteLink = "http://meet.example.org/x" }, []string{"remote_link"}},
		{"script link", func(s *care.MDTSeries) { s.RemoteLink = "javascript:alert(1)" }, []string{"remote_link"}},
		{"negative deadline", func(s *care.MDTSeries) { s.AgendaDeadline = -time.Hour }, []string{"agenda_deadline"}},
		{"deadline too far", func(s *care.MDTSeries) { s.AgendaDeadline = 15 * 24 * time.Hour }, []string{"agenda_deadline"}},
		{"several", func(s *care.MDTSeries) { s.Title, s.Duration = "", 0 }, []string{"title", "duration"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := validSeries(t)
			tt.change(&s)
			err := s.Validate()
			var got []string
			for _, f := range care.FieldsOf(err) {
				got = append(got, f.Field)
			}
			if !slices.Equal(got, tt.fields) {
				t.Fatalf("fields = %v, want %v (err %v)", got, tt.fields, err)
			}
			if tt.fields != nil && !care.IsKind(err, care.KindInvalid) {
				t.Fatalf("kind = %v, want invalid", care.KindOf(err))
			}
		})
	}
}

func TestMDTSeriesDeadline(t *testing.T) {
	t.Parallel()
	s := validSeries(t)
	if got := s.Deadline(); got != 24*time.Hour {
		t.Errorf("default deadline = %v, want 24h", got)
	}
	s.AgendaDeadline = 48 * time.Hour
	if got := s.Deadline(); got != 48*time.Hour {
		t.Errorf("deadline = %v, want 48h", got)
	}
}

func TestMDTCadenceString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		c    care.MDTCadence
		want string
	}{
		{care.MDTCadence{Repeat: care.MDTWeekly, Weekday: time.Monday}, "Every Monday"},
		{care.MDTCadence{Repeat: care.MDTFortnightly, Weekday: time.Wednesday}, "Every other Wednesday"},
		{care.MDTCadence{Repeat: care.MDTMonthly, Weekday: time.Tuesday, WeekOfMonth: 2}, "Second Tuesday of the month"},
		{care.MDTCadence{Repeat: care.MDTMonthly, Weekday: time.Thursday, WeekOfMonth: care.LastWeekOfMonth}, "Last Thursday of the month"},
		{care.MDTCadence{Repeat: care.MDTMonthly, Weekday: time.Thursday, WeekOfMonth: 7}, "No regular meeting"},
	}
	for _, tt := range tests {
		if got := tt.c.String(); got != tt.want {
			t.Errorf("%+v: got %q, want %q", tt.c, got, tt.want)
		}
	}
}

func TestValidMeetingLink(t *testing.T) {
	t.Parallel()
	tests := []struct {
		link string
		want bool
	}{
		{"https://meet.example.org/abc?pwd=1", true},
		{"https://teams.example.com/l/meetup-join/19%3ameeting", true},
		{"http://meet.example.org/abc", false},
		{"https://", false},
		{"https:///path", false},
		{"https://user:pass@meet.example.org/", false},
		{"https://meet.example.org/a b", false},
		{"https://meet.example.org/\n", false},
		{"https://meet.example.org/é", false},
		{"mailto:someone@example.org", false},
		{"meet.example.org/abc", false},
		{"https://meet.example.org/" + strings.Repeat("a", 2000), false},
	}
	for _, tt := range tests {
		if got := care.ValidMeetingLink(tt.link); got != tt.want {
			t.Errorf("ValidMeetingLink(%q) = %v, want %v", tt.link, got, tt.want)
		}
	}
}

// occurrenceStarts formats each meeting's start in London and in UTC, so a
// test shows that the wall clock stays put while UTC moves with the clocks.
func occurrenceStarts(t testing.TB, occ []care.MDTOccurrence) []string {
	t.Helper()
	var out []string
	for _, o := range occ {
		if o.Start.Location() != time.UTC || o.End.Location() != time.UTC {
			t.Errorf("occurrence %v not in UTC", o.Start)
		}
		if o.Date != care.CivilDateOf(o.Start.In(mdtLondon(t))) {
			t.Errorf("occurrence date %v does not match start %v", o.Date, o.Start)
		}
		out = append(out, o.Start.In(mdtLondon(t)).Format("Mon 2006-01-02 15:04 MST")+" = "+o.Start.Format("15:04Z"))
	}
	return out
}

func TestMDTOccurrences(t *testing.T) {
	t.Parallel()
	cal := mdtCalendar(t)
	tests := []struct {
		name     string
		change   func(*care.MDTSeries)
		from, to string // London wall-clock
		want     []string
		skipped  []string
	}{
		{
			name: "weekly across the spring change of clocks, skipping Easter Monday",
			from: "2025-03-20 00:00", to: "2025-04-29 00:00",
			want: []string{
				"Mon 2025-03-24 13:00 GMT = 13:00Z",
				"Mon 2025-03-31 13:00 BST = 12:00Z",
				"Mon 2025-04-07 13:00 BST = 12:00Z",
				"Mon 2025-04-14 13:00 BST = 12:00Z",
				"Mon 2025-04-28 13:00 BST = 12:00Z",
			},
			skipped: []string{"2025-04-21 Easter Monday"},
		},
		{
			name: "weekly across the autumn change of clocks",
			from: "2025-10-18 00:00", to: "2025-11-04 00:00",
			want: []string{
				"Mon 2025-10-20 13:00 BST = 12:00Z",
				"Mon 2025-10-27 13:00 GMT = 13:00Z",
				"Mon 2025-11-03 13:00 GMT = 13:00Z",
			},
		},
		{
			name: "window starting after that day's meeting and ending at the next one's start",
			from: "2025-03-24 13:01", to: "2025-04-07 13:00",
			want: []string{"Mon 2025-03-31 13:00 BST = 12:00Z"},
		},
		{
			name: "window starting exactly at a meeting",
			from: "2025-03-24 13:00", to: "2025-03-25 00:00",
			want: []string{"Mon 2025-03-24 13:00 GMT = 13:00Z"},
		},
		{
			name: "nothing before the first date",
			from: "2025-01-01 00:00", to: "2025-03-18 00:00",
			want: []string{"Mon 2025-03-17 13:00 GMT = 13:00Z"},
		},
		{
			name:   "nothing after the last date",
			change: func(s *care.MDTSeries) { s.LastDate = mdtDate(t, "2025-03-31") },
			from:   "2025-03-20 00:00", to: "2025-06-01 00:00",
			want: []string{
				"Mon 2025-03-24 13:00 GMT = 13:00Z",
				"Mon 2025-03-31 13:00 BST = 12:00Z",
			},
		},
		{
			name: "fortnightly from the first weekday on or after the first date",
			change: func(s *care.MDTSeries) {
				s.Cadence = care.MDTCadence{Repeat: care.MDTFortnightly, Weekday: time.Wednesday}
				s.FirstDate = mdtDate(t, "2025-10-13") // a Monday
				s.StartTime = 12*time.Hour + 30*time.Minute
			},
			from: "2025-10-01 00:00", to: "2025-11-27 00:00",
			want: []string{
				"Wed 2025-10-15 12:30 BST = 11:30Z",
				"Wed 2025-10-29 12:30 GMT = 12:30Z",
				"Wed 2025-11-12 12:30 GMT = 12:30Z",
				"Wed 2025-11-26 12:30 GMT = 12:30Z",
			},
		},
		{
			name: "fortnightly keeps its rhythm when the window starts mid-series",
			change: func(s *care.MDTSeries) {
				s.Cadence = care.MDTCadence{Repeat: care.MDTFortnightly, Weekday: time.Wednesday}
				s.FirstDate = mdtDate(t, "2025-10-15")
			},
			from: "2025-11-13 00:00", to: "2025-12-11 00:00",
			want: []string{
				"Wed 2025-11-26 13:00 GMT = 13:00Z",
				"Wed 2025-12-10 13:00 GMT = 13:00Z",
			},
		},
		{
			name: "second Tuesday",
			change: func(s *care.MDTSeries) {
				s.Cadence = care.MDTCadence{Repeat: care.MDTMonthly, Weekday: time.Tuesday, WeekOfMonth: 2}
				s.FirstDate = mdtDate(t, "2025-01-01")
				s.StartTime = 9*time.Hour + 30*time.Minute
			},
			from: "2025-01-01 00:00", to: "2025-05-01 00:00",
			want: []string{
				"Tue 2025-01-14 09:30 GMT = 09:30Z",
				"Tue 2025-02-11 09:30 GMT = 09:30Z",
				"Tue 2025-03-11 09:30 GMT = 09:30Z",
				"Tue 2025-04-08 09:30 BST = 08:30Z",
			},
		},
		{
			name: "last Thursday, skipping Christmas Day",
			change: func(s *care.MDTSeries) {
				s.Cadence = care.MDTCadence{Repeat: care.MDTMonthly, Weekday: time.Thursday, WeekOfMonth: care.LastWeekOfMonth}
				s.FirstDate = mdtDate(t, "2025-01-01")
			},
			from: "2025-09-01 00:00", to: "2026-03-01 00:00",
			want: []string{
				"Thu 2025-09-25 13:00 BST = 12:00Z",
				"Thu 2025-10-30 13:00 GMT = 13:00Z",
				"Thu 2025-11-27 13:00 GMT = 13:00Z",
				"Thu 2026-01-29 13:00 GMT = 13:00Z",
				"Thu 2026-02-26 13:00 GMT = 13:00Z",
			},
			skipped: []string{"2025-12-25 Christmas Day"},
		},
		{
			name: "first Monday skips the early May bank holiday",
			change: func(s *care.MDTSeries) {
				s.Cadence = care.MDTCadence{Repeat: care.MDTMonthly, Weekday: time.Monday, WeekOfMonth: 1}
			},
			from: "2025-04-01 00:00", to: "2025-07-01 00:00",
			want: []string{
				"Mon 2025-04-07 13:00 BST = 12:00Z",
				"Mon 2025-06-02 13:00 BST = 12:00Z",
			},
			skipped: []string{"2025-05-05 Early May bank holiday"},
		},
		{
			name:   "an invalid series has no meetings",
			change: func(s *care.MDTSeries) { s.Duration = 0 },
			from:   "2025-03-20 00:00", to: "2025-04-29 00:00",
		},
		{
			name: "an empty window has no meetings",
			from: "2025-04-29 00:00", to: "2025-03-20 00:00",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := validSeries(t)
			if tt.change != nil {
				tt.change(&s)
			}
			from, to := mdtAt(t, tt.from), mdtAt(t, tt.to)
			got := occurrenceStarts(t, s.Occurrences(cal, from, to))
			if !slices.Equal(got, tt.want) {
				t.Errorf("occurrences:\n got %q\nwant %q", got, tt.want)
			}
			for _, o := range s.Occurrences(cal, from, to) {
				if o.End.Sub(o.Start) != s.Duration {
					t.Errorf("meeting %v lasts %v, want %v", o.Start, o.End.Sub(o.Start), s.Duration)
				}
			}
			var skipped []string
			for _, h := range s.SkippedOccurrences(cal, from, to) {
				skipped = append(skipped, h.Date.String()+" "+h.Name)
			}
			if !slices.Equal(skipped, tt.skipped) {
				t.Errorf("skipped = %q, want %q", skipped, tt.skipped)
			}
		})
	}
}

func TestMDTOccurrencesAreBounded(t *testing.T) {
	t.Parallel()
	cal := mdtCalendar(t)
	s := validSeries(t)
	from := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	to := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	occ := s.Occurrences(cal, from, to)
	if len(occ) != care.MDTMaxOccurrences {
		t.Fatalf("got %d occurrences, want the cap %d", len(occ), care.MDTMaxOccurrences)
	}
	if occ[0].Date != s.FirstDate {
		t.Errorf("first occurrence %v, want the series' first date %v", occ[0].Date, s.FirstDate)
	}
	for i := 1; i < len(occ); i++ {
		if !occ[i].Start.After(occ[i-1].Start) {
			t.Fatalf("occurrences out of order at %d", i)
		}
		if _, holiday := care.HolidayOn(occ[i].Date); holiday {
			t.Fatalf("meeting on bank holiday %v", occ[i].Date)
		}
	}
}

func TestMDTNextOccurrence(t *testing.T) {
	t.Parallel()
	cal := mdtCalendar(t)
	s := validSeries(t)
	tests := []struct {
		name  string
		after string
		want  string // UTC, or "" for none
	}{
		{"before the series", "2025-01-01 00:00", "2025-03-17 13:00"},
		{"at a meeting's start", "2025-03-17 13:00", "2025-03-24 13:00"},
		{"just before a meeting", "2025-03-31 12:59", "2025-03-31 12:00"},
		{"over a bank holiday", "2025-04-14 14:00", "2025-04-28 12:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := s.NextOccurrence(cal, mdtAt(t, tt.after))
			if !ok || !got.Start.Equal(mdtUTC(t, tt.want)) {
				t.Fatalf("NextOccurrence = %v, %v; want %s UTC", got.Start, ok, tt.want)
			}
		})
	}
	s.LastDate = mdtDate(t, "2025-03-24")
	if got, ok := s.NextOccurrence(cal, mdtAt(t, "2025-03-24 14:00")); ok {
		t.Fatalf("NextOccurrence after the last date = %v, want none", got.Start)
	}
}
