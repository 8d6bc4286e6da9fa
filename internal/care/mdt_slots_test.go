package care_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/joinedup/joinedup/internal/care"
)

func TestBlockedTimeValidate(t *testing.T) {
	t.Parallel()
	valid := care.BlockedTime{
		UserID: "gp-1", Label: "Morning surgery", Weekday: time.Tuesday,
		Start: 8*time.Hour + 30*time.Minute, End: 12 * time.Hour,
		Repeat: care.MDTWeekly, Clinical: true,
	}
	tests := []struct {
		name   string
		change func(*care.BlockedTime)
		fields []string
	}{
		{"valid", func(*care.BlockedTime) {}, nil},
		{"fortnightly with anchor", func(b *care.BlockedTime) {
			b.Repeat, b.Anchor = care.MDTFortnightly, mdtDate(t, "2025-04-01")
		}, nil},
		{"to midnight", func(b *care.BlockedTime) { b.End = 24 * time.Hour }, nil},
		{"saturday is allowed", func(b *care.BlockedTime) { b.Weekday = time.Saturday }, nil},
		{"no user", func(b *care.BlockedTime) { b.UserID = "" }, []string{"user_id"}},
		{"long label", func(b *care.BlockedTime) { b.Label = strings.Repeat("x", 101) }, []string{"label"}},
		{"bad weekday", func(b *care.BlockedTime) { b.Weekday = 7 }, []string{"weekday"}},
		{"negative start", func(b *care.BlockedTime) { b.Start = -time.Minute }, []string{"start_time"}},
		{"end before start", func(b *care.BlockedTime) { b.End = 8 * time.Hour }, []string{"end_time"}},
		{"end equals start", func(b *care.BlockedTime) { b.End = b.Start }, []string{"end_time"}},
		{"end past midnight", func(b *care.BlockedTime) { b.End = 25 * time.Hour }, []string{"end_time"}},
		{"monthly", func(b *care.BlockedTime) { b.Repeat = care.MDTMonthly }, []string{"repeat"}},
		{"fortnightly without anchor", func(b *care.BlockedTime) { b.Repeat = care.MDTFortnightly }, []string{"anchor_date"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := valid
			tt.change(&b)
			var got []string
			for _, f := range care.FieldsOf(b.Validate()) {
				got = append(got, f.Field)
			}
			if !slices.Equal(got, tt.fields) {
				t.Fatalf("fields = %v, want %v", got, tt.fields)
			}
		})
	}
}

func TestBlockedTimeOn(t *testing.T) {
	t.Parallel()
	// Anchored on the Sunday ending the week of Tuesday 1 April 2025: weeks
	// run Monday to Sunday, so that week is "on".
	fortnightly := care.BlockedTime{Weekday: time.Tuesday, Repeat: care.MDTFortnightly, Anchor: mdtDate(t, "2025-04-06")}
	weekly := care.BlockedTime{Weekday: time.Tuesday, Repeat: care.MDTWeekly}
	damaged := care.BlockedTime{Weekday: time.Tuesday, Repeat: care.MDTFortnightly}
	tests := []struct {
		b    care.BlockedTime
		day  string
		want bool
	}{
		{fortnightly, "2025-04-01", true},
		{fortnightly, "2025-04-08", false},
		{fortnightly, "2025-04-15", true},
		{fortnightly, "2025-03-25", false},
		{fortnightly, "2025-03-18", true},
		{fortnightly, "1970-01-06", true},  // 2882 weeks earlier
		{fortnightly, "1969-12-30", false}, // 2883 weeks earlier, before the epoch
		{fortnightly, "2025-04-02", false},
		{weekly, "2025-04-08", true},
		{weekly, "2025-04-09", false},
		{damaged, "2025-04-08", true},
	}
	for _, tt := range tests {
		if got := tt.b.On(mdtDate(t, tt.day)); got != tt.want {
			t.Errorf("%+v on %s = %v, want %v", tt.b, tt.day, got, tt.want)
		}
	}
	// Both sides of the epoch, by counting fortnights independently.
	anchor := mdtDate(t, "1969-12-30") // a Tuesday
	b := care.BlockedTime{Weekday: time.Tuesday, Repeat: care.MDTFortnightly, Anchor: anchor}
	for i := -30; i <= 30; i++ {
		d := anchor.AddDays(7 * i)
		if got, want := b.On(d), i%2 == 0; got != want {
			t.Errorf("week %d (%v): On = %v, want %v", i, d, got, want)
		}
	}
}

func TestBlockedTimeSpanKeepsWallClockAcrossClockChanges(t *testing.T) {
	t.Parallel()
	cal := mdtCalendar(t)
	b := care.BlockedTime{UserID: "gp-1", Weekday: time.Monday, Start: 9 * time.Hour, End: 12 * time.Hour, Repeat: care.MDTWeekly}
	for _, tt := range []struct{ day, start, end string }{
		{"2025-03-24", "2025-03-24 09:00", "2025-03-24 12:00"},
		{"2025-03-31", "2025-03-31 08:00", "2025-03-31 11:00"},
		{"2025-10-20", "2025-10-20 08:00", "2025-10-20 11:00"},
		{"2025-10-27", "2025-10-27 09:00", "2025-10-27 12:00"},
	} {
		start, end, ok := b.SpanOn(cal, mdtDate(t, tt.day))
		if !ok || !start.Equal(mdtUTC(t, tt.start)) || !end.Equal(mdtUTC(t, tt.end)) {
			t.Errorf("%s: span %v to %v (%v), want %s to %s UTC", tt.day, start, end, ok, tt.start, tt.end)
		}
	}
	if _, _, ok := b.SpanOn(cal, mdtDate(t, "2025-03-25")); ok {
		t.Error("a Monday block has a span on a Tuesday")
	}
}

// surgeries blocks a user's morning and afternoon surgeries every weekday,
// leaving 12:00 to 14:00 free.
func surgeries(user string) []care.BlockedTime {
	var out []care.BlockedTime
	for wd := time.Monday; wd <= time.Friday; wd++ {
		out = append(out,
			care.BlockedTime{UserID: user, Label: "Morning surgery", Weekday: wd, Start: 9 * time.Hour, End: 12 * time.Hour, Repeat: care.MDTWeekly, Clinical: true},
			care.BlockedTime{UserID: user, Label: "Afternoon surgery", Weekday: wd, Start: 14 * time.Hour, End: 17 * time.Hour, Repeat: care.MDTWeekly, Clinical: true},
		)
	}
	return out
}

type slotWant struct {
	start     string // UTC
	protected bool
	preferred bool
	clashes   string
}

func TestProposeSlots(t *testing.T) {
	t.Parallel()
	cal := mdtCalendar(t)
	noon := func(r *care.SlotRequest) { r.PreferredStart, r.PreferredEnd = 12*time.Hour, 14*time.Hour }
	tests := []struct {
		name     string
		from, to string // London wall-clock
		change   func(*care.SlotRequest)
		want     []slotWant
	}{
		{
			name: "between surgeries, the week the clocks go forward",
			from: "2025-03-27 00:00", to: "2025-04-02 00:00",
			want: []slotWant{
				{start: "2025-03-27 12:00", protected: true},
				{start: "2025-03-28 12:00", protected: true},
				{start: "2025-03-31 11:00", protected: true}, // 12:00 BST
				{start: "2025-04-01 11:00", protected: true},
			},
		},
		{
			name: "between surgeries, the week the clocks go back",
			from: "2025-10-23 00:00", to: "2025-10-29 00:00",
			want: []slotWant{
				{start: "2025-10-23 11:00", protected: true}, // 12:00 BST
				{start: "2025-10-24 11:00", protected: true},
				{start: "2025-10-27 12:00", protected: true}, // 12:00 GMT
				{start: "2025-10-28 12:00", protected: true},
			},
		},
		{
			name: "never on Good Friday or Easter Monday",
			from: "2025-04-17 00:00", to: "2025-04-24 00:00",
			want: []slotWant{
				{start: "2025-04-17 11:00", protected: true},
				{start: "2025-04-22 11:00", protected: true},
				{start: "2025-04-23 11:00", protected: true},
			},
		},
		{
			name: "a core member's fortnightly duty day rules out alternate Tuesdays",
			from: "2025-03-31 00:00", to: "2025-04-16 00:00",
			change: func(r *care.SlotRequest) {
				r.Core = append(r.Core, "sw-1")
				r.Blocked = append(r.Blocked, care.BlockedTime{
					UserID: "sw-1", Label: "Duty", Weekday: time.Tuesday, Start: 9 * time.Hour, End: 17 * time.Hour,
					Repeat: care.MDTFortnightly, Anchor: mdtDate(t, "2025-04-01"),
				})
				r.Limit = 20
			},
			want: []slotWant{
				{start: "2025-03-31 11:00", protected: true},
				{start: "2025-04-02 11:00", protected: true},
				{start: "2025-04-03 11:00", protected: true},
				{start: "2025-04-04 11:00", protected: true},
				{start: "2025-04-07 11:00", protected: true},
				{start: "2025-04-08 11:00", protected: true},
				{start: "2025-04-09 11:00", protected: true},
				{start: "2025-04-10 11:00", protected: true},
				{start: "2025-04-11 11:00", protected: true},
				{start: "2025-04-14 11:00", protected: true},
			},
		},
		{
			name: "an invitee's clinic moves Wednesday's slot after it",
			from: "2025-04-07 00:00", to: "2025-04-10 00:00",
			change: func(r *care.SlotRequest) {
				noon(r)
				r.Blocked = append(r.Blocked, care.BlockedTime{
					UserID: "nurse-1", Label: "Leg ulcer clinic", Weekday: time.Wednesday,
					Start: 12 * time.Hour, End: 13 * time.Hour, Repeat: care.MDTWeekly, Clinical: true,
				})
			},
			want: []slotWant{
				{start: "2025-04-07 11:00", protected: true, preferred: true},
				{start: "2025-04-08 11:00", protected: true, preferred: true},
				{start: "2025-04-09 12:00", protected: true, preferred: true},
			},
		},
		{
			name: "a slot in an invitee's clinic is not protected and ranks last",
			from: "2025-04-07 00:00", to: "2025-04-10 00:00",
			change: func(r *care.SlotRequest) {
				r.Blocked = append(r.Blocked, care.BlockedTime{
					UserID: "nurse-1", Label: "Clinic", Weekday: time.Tuesday,
					Start: 9 * time.Hour, End: 17 * time.Hour, Repeat: care.MDTWeekly, Clinical: true,
				})
			},
			want: []slotWant{
				{start: "2025-04-07 11:00", protected: true},
				{start: "2025-04-09 11:00", protected: true},
				{start: "2025-04-08 11:00", clashes: "nurse-1"},
			},
		},
		{
			name: "a non-clinical clash keeps the slot protected but ranks it lower",
			from: "2025-04-07 00:00", to: "2025-04-09 00:00",
			change: func(r *care.SlotRequest) {
				r.Blocked = append(r.Blocked,
					care.BlockedTime{UserID: "ot-1", Label: "Team meeting", Weekday: time.Monday, Start: 9 * time.Hour, End: 17 * time.Hour, Repeat: care.MDTWeekly},
					care.BlockedTime{UserID: "lc-1", Label: "Not working", Weekday: time.Monday, Start: 0, End: 24 * time.Hour, Repeat: care.MDTWeekly},
				)
			},
			want: []slotWant{
				{start: "2025-04-08 11:00", protected: true},
				{start: "2025-04-07 11:00", protected: true, clashes: "lc-1 ot-1"},
			},
		},
		{
			name: "preferred hours rank first, several a day",
			from: "2025-04-07 00:00", to: "2025-04-08 00:00",
			change: func(r *care.SlotRequest) {
				r.Core, r.Blocked = nil, nil
				r.PreferredStart, r.PreferredEnd = 13*time.Hour, 15*time.Hour
				r.PerDay, r.Limit = 4, 4
				r.Step = 30 * time.Minute
			},
			want: []slotWant{
				{start: "2025-04-07 12:00", protected: true, preferred: true},
				{start: "2025-04-07 12:30", protected: true, preferred: true},
				{start: "2025-04-07 13:00", protected: true, preferred: true},
				{start: "2025-04-07 08:00", protected: true},
			},
		},
		{
			name: "slots start at or after From and end by To",
			from: "2025-04-07 12:10", to: "2025-04-07 13:40",
			change: func(r *care.SlotRequest) {
				r.PerDay = 10
			},
			want: []slotWant{
				{start: "2025-04-07 11:15", protected: true},
				{start: "2025-04-07 11:30", protected: true},
			},
		},
		{
			name: "fully booked",
			from: "2025-04-05 00:00", to: "2025-04-07 00:00", // a weekend
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := care.SlotRequest{
				Calendar: cal,
				Duration: time.Hour,
				From:     mdtAt(t, tt.from),
				To:       mdtAt(t, tt.to),
				Core:     []string{"gp-1"},
				Blocked:  surgeries("gp-1"),
			}
			if tt.change != nil {
				tt.change(&req)
			}
			slots, err := care.ProposeSlots(req)
			if err != nil {
				t.Fatal(err)
			}
			var got []slotWant
			for _, s := range slots {
				if s.End.Sub(s.Start) != req.Duration {
					t.Errorf("slot %v lasts %v", s.Start, s.End.Sub(s.Start))
				}
				if s.Start.Location() != time.UTC {
					t.Errorf("slot %v not in UTC", s.Start)
				}
				got = append(got, slotWant{
					start: s.Start.Format("2006-01-02 15:04"), protected: s.Protected,
					preferred: s.Preferred, clashes: strings.Join(s.Clashes, " "),
				})
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("slots:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestProposeSlotsRejectsBadRequests(t *testing.T) {
	t.Parallel()
	cal := mdtCalendar(t)
	base := care.SlotRequest{
		Calendar: cal, Duration: time.Hour,
		From: mdtAt(t, "2025-04-07 00:00"), To: mdtAt(t, "2025-04-14 00:00"),
	}
	tests := []struct {
		name   string
		change func(*care.SlotRequest)
		fields []string
	}{
		{"short", func(r *care.SlotRequest) { r.Duration = 5 * time.Minute }, []string{"duration"}},
		{"no from", func(r *care.SlotRequest) { r.From = time.Time{} }, []string{"from"}},
		{"no to", func(r *care.SlotRequest) { r.To = time.Time{} }, []string{"to"}},
		{"backwards", func(r *care.SlotRequest) { r.From, r.To = r.To, r.From }, []string{"to"}},
		{"too far", func(r *care.SlotRequest) { r.To = r.From.AddDate(0, 0, 93) }, []string{"to"}},
		{"preferred backwards", func(r *care.SlotRequest) { r.PreferredStart, r.PreferredEnd = 14*time.Hour, 12*time.Hour }, []string{"preferred_end"}},
		{"preferred start only", func(r *care.SlotRequest) { r.PreferredStart = 14 * time.Hour }, []string{"preferred_end"}},
		{"preferred out of day", func(r *care.SlotRequest) { r.PreferredStart, r.PreferredEnd = -time.Hour, 25*time.Hour }, []string{"preferred_start", "preferred_end"}},
		{"tiny step", func(r *care.SlotRequest) { r.Step = time.Second }, []string{"step"}},
		{"negative limit", func(r *care.SlotRequest) { r.Limit = -1 }, []string{"limit"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := base
			tt.change(&r)
			_, err := care.ProposeSlots(r)
			var got []string
			for _, f := range care.FieldsOf(err) {
				got = append(got, f.Field)
			}
			if !slices.Equal(got, tt.fields) || !care.IsKind(err, care.KindInvalid) {
				t.Fatalf("err %v: fields = %v, want %v", err, got, tt.fields)
			}
		})
	}
	r := base
	r.Calendar = nil
	if _, err := care.ProposeSlots(r); err == nil {
		t.Fatal("no error without a calendar")
	}
	r = base
	r.To = r.From.AddDate(0, 0, care.MDTMaxSearchDays)
	if _, err := care.ProposeSlots(r); err != nil {
		t.Fatalf("a search of exactly %d days: %v", care.MDTMaxSearchDays, err)
	}
}

// fuzzBlockedTimes builds blocked times from raw bytes, five bytes each,
// including ones no form would accept.
func fuzzBlockedTimes(raw []byte, anchor care.CivilDate) []care.BlockedTime {
	var out []care.BlockedTime
	for len(raw) >= 5 && len(out) < 40 {
		b := raw[:5]
		raw = raw[5:]
		bt := care.BlockedTime{
			UserID:   []string{"gp-1", "sw-1", "nurse-1", "ot-1"}[b[0]%4],
			Weekday:  time.Weekday(int(b[1]%9) - 1), // includes -1 and 7
			Start:    time.Duration(int(b[2])-8) * 15 * time.Minute,
			End:      time.Duration(int(b[2])-8+int(b[3]%48)) * 15 * time.Minute,
			Repeat:   care.MDTWeekly,
			Clinical: b[4]&1 == 1,
		}
		if b[4]&2 == 2 {
			bt.Repeat = care.MDTFortnightly
			bt.Anchor = anchor.AddDays(int(b[4] >> 2))
			if b[4]&0x80 != 0 {
				bt.Anchor = care.CivilDate{} // damaged: read as weekly
			}
		}
		out = append(out, bt)
	}
	return out
}

// blockedAt reports whether b blocks any of [start, end), worked out
// independently of the package: the block's wall-clock times built on the
// slot's London date, and fortnights counted from the anchor's Monday with
// plain time arithmetic.
func blockedAt(loc *time.Location, b care.BlockedTime, start, end time.Time) bool {
	local := start.In(loc)
	if local.Weekday() != b.Weekday || b.Weekday < time.Sunday || b.Weekday > time.Saturday {
		return false
	}
	if b.Repeat == care.MDTFortnightly && b.Anchor.IsValid() {
		monday := func(y int, m time.Month, d int) time.Time {
			t := time.Date(y, m, d, 12, 0, 0, 0, time.UTC)
			return t.AddDate(0, 0, -((int(t.Weekday()) + 6) % 7))
		}
		weeks := int(monday(local.Year(), local.Month(), local.Day()).Sub(monday(b.Anchor.Year, b.Anchor.Month, b.Anchor.Day)).Hours()) / (24 * 7)
		if weeks%2 != 0 {
			return false
		}
	}
	from, to := max(b.Start, 0), min(b.End, 24*time.Hour)
	if to <= from {
		return false
	}
	y, m, d := local.Date()
	bs := time.Date(y, m, d, int(from/time.Hour), int(from%time.Hour/time.Minute), 0, 0, loc)
	be := time.Date(y, m, d, int(to/time.Hour), int(to%time.Hour/time.Minute), 0, 0, loc)
	return bs.Before(end) && start.Before(be)
}

func FuzzProposeSlots(f *testing.F) {
	f.Add(int16(0), uint8(7), uint16(60), uint8(12), uint8(14), uint8(15), uint8(1), []byte{0, 2, 36, 12, 1, 1, 3, 56, 12, 3})
	f.Add(int16(450), uint8(14), uint16(45), uint8(0), uint8(0), uint8(0), uint8(3), []byte{0, 1, 0, 47, 0, 1, 2, 40, 8, 130})
	f.Add(int16(-300), uint8(92), uint16(480), uint8(8), uint8(18), uint8(5), uint8(0), []byte{})
	f.Add(int16(663), uint8(3), uint16(90), uint8(13), uint8(12), uint8(20), uint8(9), []byte{4, 4, 40, 30, 7, 1, 5, 36, 20, 254})
	cal := mdtCalendar(f)
	loc := mdtLondon(f)
	base := time.Date(2025, time.January, 1, 0, 0, 0, 0, loc)
	f.Fuzz(func(t *testing.T, dayOffset int16, spanDays uint8, durMin uint16, prefFrom, prefTo, stepMin, perDay uint8, raw []byte) {
		from := base.AddDate(0, 0, int(dayOffset)).Add(time.Duration(durMin%97) * 15 * time.Minute)
		req := care.SlotRequest{
			Calendar:       cal,
			Duration:       time.Duration(durMin) * time.Minute,
			From:           from,
			To:             from.AddDate(0, 0, int(spanDays)%100).Add(time.Duration(prefTo) * time.Minute),
			PreferredStart: time.Duration(prefFrom%26) * time.Hour,
			PreferredEnd:   time.Duration(prefTo%26) * time.Hour,
			Core:           []string{"gp-1", "sw-1"},
			Blocked:        fuzzBlockedTimes(raw, care.CivilDateOf(from)),
			Step:           time.Duration(stepMin) * time.Minute,
			PerDay:         int(perDay % 5),
			Limit:          int(perDay),
		}
		slots, err := care.ProposeSlots(req)
		if err != nil {
			if !care.IsKind(err, care.KindInvalid) || len(care.FieldsOf(err)) == 0 {
				t.Fatalf("error without field problems: %v", err)
			}
			return
		}
		limit := req.Limit
		if limit == 0 {
			limit = 10
		}
		if len(slots) > limit {
			t.Fatalf("%d slots, limit %d", len(slots), limit)
		}
		for i, s := range slots {
			if s.End.Sub(s.Start) != req.Duration {
				t.Fatalf("slot %v lasts %v, want %v", s.Start, s.End.Sub(s.Start), req.Duration)
			}
			if s.Start.Before(req.From) || s.End.After(req.To) {
				t.Fatalf("slot %v to %v outside the window %v to %v", s.Start, s.End, req.From, req.To)
			}
			local := s.Start.In(loc)
			day := care.CivilDateOf(local)
			if wd := local.Weekday(); wd == time.Saturday || wd == time.Sunday {
				t.Fatalf("slot at a weekend: %v", local)
			}
			if h, ok := care.HolidayOn(day); ok {
				t.Fatalf("slot on %s: %v", h.Name, local)
			}
			if care.CivilDateOf(s.End.In(loc)) != day && !s.End.Equal(time.Date(day.Year, day.Month, day.Day+1, 0, 0, 0, 0, loc)) {
				t.Fatalf("slot runs over midnight: %v to %v", local, s.End.In(loc))
			}
			if local.Hour() < 9 || s.End.In(loc).After(time.Date(day.Year, day.Month, day.Day, 17, 0, 0, 0, loc)) {
				t.Fatalf("slot outside working hours: %v to %v", local, s.End.In(loc))
			}
			for _, b := range req.Blocked {
				if slices.Contains(req.Core, b.UserID) && blockedAt(loc, b, s.Start, s.End) {
					t.Fatalf("slot %v to %v overlaps core blocked time %+v", local, s.End.In(loc), b)
				}
			}
			if i > 0 {
				p := slots[i-1]
				if p.Protected == s.Protected && len(p.Clashes) == len(s.Clashes) && p.Preferred == s.Preferred && p.Start.After(s.Start) {
					t.Fatalf("equal-ranked slots out of time order: %v before %v", p.Start, s.Start)
				}
				if !p.Protected && s.Protected {
					t.Fatalf("unprotected slot %v ranked above protected %v", p.Start, s.Start)
				}
			}
		}
	})
}

// BenchmarkProposeSlots searches the longest window allowed around a large
// team's surgeries: ten core members and five other invitees, ten sessions
// a week each.
func BenchmarkProposeSlots(b *testing.B) {
	cal := mdtCalendar(b)
	req := care.SlotRequest{
		Calendar: cal, Duration: time.Hour,
		From: mdtAt(b, "2025-03-03 00:00"), To: mdtAt(b, "2025-06-03 00:00"),
		PreferredStart: 12 * time.Hour, PreferredEnd: 14 * time.Hour,
	}
	for i := range 15 {
		user := "user-" + string(rune('a'+i))
		if i < 10 {
			req.Core = append(req.Core, user)
		}
		req.Blocked = append(req.Blocked, surgeries(user)...)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := care.ProposeSlots(req); err != nil {
			b.Fatal(err)
		}
	}
}
