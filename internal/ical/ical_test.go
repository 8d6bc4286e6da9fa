package ical

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func utc(t testing.TB, s string) time.Time {
	t.Helper()
	tm, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		t.Fatalf("bad test time %q: %v", s, err)
	}
	return tm
}

// sampleCalendar has an in-person meeting with a joining link, a remote-only
// meeting that was cancelled, and one whose text needs escaping and folding.
func sampleCalendar(t testing.TB) Calendar {
	return Calendar{
		ProdID:  "-//joinedup//MDT meetings//EN",
		Name:    "My MDT meetings",
		Refresh: time.Hour,
		Stamp:   utc(t, "2025-03-20 09:00"),
		Events: []Event{
			{
				UID:        "0195b2a0-0000-7000-8000-000000000001@joinedup.example",
				Start:      utc(t, "2025-03-31 12:00"), // 13:00 BST
				End:        utc(t, "2025-03-31 13:00"),
				Title:      "Riverside practice MDT",
				Place:      "Meeting room 2, Riverside Surgery; first floor",
				RemoteLink: "https://meet.example.org/riverside-mdt?pwd=abc",
				URL:        "https://joinedup.example/mdt/meetings/0195b2a0-0000-7000-8000-000000000001",
			},
			{
				UID:        "0195b2a0-0000-7000-8000-000000000002@joinedup.example",
				Sequence:   2,
				Status:     StatusCancelled,
				Stamp:      utc(t, "2025-03-25 16:45"),
				Start:      utc(t, "2025-10-27 13:00"), // 13:00 GMT
				End:        utc(t, "2025-10-27 14:30"),
				Title:      "Neighbourhood MDT",
				RemoteLink: "https://meet.example.org/neighbourhood",
			},
			{
				UID:         "0195b2a0-0000-7000-8000-000000000003@joinedup.example",
				Status:      StatusTentative,
				Start:       utc(t, "2025-12-09 09:30"),
				End:         utc(t, "2025-12-09 10:30"),
				Title:       "Primary care network MDT — Café Room, Ōtautahi House",
				Place:       `Room "B", 1\2 Main St`,
				Description: "Bring your diary, please.\nTea provided; parking is limited, so walk if you can. Ça va? €€€ 🙂 " + strings.Repeat("long ", 12),
			},
		},
	}
}

func TestGolden(t *testing.T) {
	t.Parallel()
	got, err := Marshal(sampleCalendar(t))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "golden.ics")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s:\n%s", path, got)
	}
	checkLines(t, got)
}

// checkLines checks the framing RFC 5545 requires of every line.
func checkLines(t *testing.T, out []byte) {
	t.Helper()
	s := string(out)
	if !strings.HasSuffix(s, "\r\n") {
		t.Fatalf("output does not end in CRLF")
	}
	for i, line := range strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Fatalf("line %d is %d octets: %q", i+1, len(line), line)
		}
		if strings.ContainsAny(line, "\r\n") {
			t.Fatalf("line %d has a bare CR or LF: %q", i+1, line)
		}
		if !utf8.ValidString(line) {
			t.Fatalf("line %d splits a UTF-8 character: %q", i+1, line)
		}
		for _, r := range line {
			if r < ' ' && r != '\t' || r == 0x7f {
				t.Fatalf("line %d has control character %U", i+1, r)
			}
		}
	}
}

func TestEventHoldsMeetingDetailsOnly(t *testing.T) {
	t.Parallel()
	// A field added to Event goes into every calendar it is exported to,
	// outside joinedup's access controls. Adding one must be a decision,
	// made here, that it is not personal data.
	var fields []string
	for f := range reflect.TypeFor[Event]().Fields() {
		fields = append(fields, f.Name)
	}
	want := []string{"UID", "Sequence", "Status", "Stamp", "Start", "End", "Title", "Place", "RemoteLink", "URL", "Description"}
	if !slices.Equal(fields, want) {
		t.Fatalf("Event fields = %v, want %v", fields, want)
	}
}

func TestEscapeText(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"", ""},
		{"plain text", "plain text"},
		{`back\slash`, `back\\slash`},
		{"a,b;c", `a\,b\;c`},
		{"line one\nline two", `line one\nline two`},
		{"windows\r\nbreak", `windows\nbreak`},
		{"old mac\rbreak", `old mac\nbreak`},
		{"two\n\nbreaks", `two\n\nbreaks`},
		{"\r\r\n", `\n\n`},
		{`\n is not a newline`, `\\n is not a newline`},
		{"tab\tstays", "tab\tstays"},
		{"bell\a, nul\x00 and del\x7f go", `bell\, nul and del go`},
		{`colon: and "quotes" stay`, `colon: and "quotes" stay`},
		{"café €5 🙂", "café €5 🙂"},
		{"bad \xff byte", "bad \uFFFD byte"},
	}
	for _, tt := range tests {
		if got := EscapeText(tt.in); got != tt.want {
			t.Errorf("EscapeText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFold(t *testing.T) {
	t.Parallel()
	a := func(n int) string { return strings.Repeat("a", n) }
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"empty", "", "\r\n"},
		{"short", "SUMMARY:x", "SUMMARY:x\r\n"},
		{"exactly 75", a(75), a(75) + "\r\n"},
		{"76", a(76), a(75) + "\r\n a\r\n"},
		{"continuations carry 74", a(75 + 74 + 1), a(75) + "\r\n " + a(74) + "\r\n a\r\n"},
		{"3-octet character across the boundary", a(74) + "€b", a(74) + "\r\n €b\r\n"},
		{"3-octet character ending exactly at 75", a(72) + "€b", a(72) + "€\r\n b\r\n"},
		{"4-octet character across the boundary", a(73) + "🙂", a(73) + "\r\n 🙂\r\n"},
		{"2-octet characters throughout", strings.Repeat("é", 40), strings.Repeat("é", 37) + "\r\n " + strings.Repeat("é", 3) + "\r\n"},
		{"a space after the fold survives", a(75) + " x", a(75) + "\r\n  x\r\n"},
		{"not UTF-8 is still split", strings.Repeat("\x80", 76), strings.Repeat("\x80", 75) + "\r\n \x80\r\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Fold(tt.in)
			if got != tt.want {
				t.Fatalf("Fold:\n got %q\nwant %q", got, tt.want)
			}
			if unfolded := unfold(got); unfolded != tt.in+"\r\n" {
				t.Fatalf("unfolds to %q", unfolded)
			}
		})
	}
}

func TestFormatDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		d    time.Duration
		want string
	}{
		{time.Hour, "PT1H"},
		{90 * time.Minute, "PT1H30M"},
		{15 * time.Minute, "PT15M"},
		{24 * time.Hour, "P1D"},
		{26*time.Hour + 5*time.Minute, "P1DT2H5M"},
		{24*time.Hour + time.Minute, "P1DT1M"},
		{20 * time.Second, "PT1M"},
		{89 * time.Second, "PT1M"},
	}
	for _, tt := range tests {
		if got := formatDuration(tt.d); got != tt.want {
			t.Errorf("formatDuration(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestWriteRejectsBadInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(*Calendar)
	}{
		{"no PRODID", func(c *Calendar) { c.ProdID = " " }},
		{"bad METHOD", func(c *Calendar) { c.Method = "PUBLISH\r\nX-EVIL:1" }},
		{"negative refresh", func(c *Calendar) { c.Refresh = -time.Minute }},
		{"no UID", func(c *Calendar) { c.Events[0].UID = "" }},
		{"no stamp at all", func(c *Calendar) { c.Stamp = time.Time{} }},
		{"no start", func(c *Calendar) { c.Events[1].Start = time.Time{} }},
		{"end before start", func(c *Calendar) { c.Events[0].End = c.Events[0].Start.Add(-time.Minute) }},
		{"zero length", func(c *Calendar) { c.Events[0].End = c.Events[0].Start }},
		{"negative sequence", func(c *Calendar) { c.Events[0].Sequence = -1 }},
		{"unknown status", func(c *Calendar) { c.Events[0].Status = "MAYBE" }},
		{"URL with a line break", func(c *Calendar) { c.Events[0].URL = "https://joinedup.example/\r\nATTENDEE:x" }},
		{"URL with a space", func(c *Calendar) { c.Events[0].URL = "https://joinedup.example/a b" }},
		{"relative URL", func(c *Calendar) { c.Events[0].URL = "/mdt/meetings/1" }},
		{"script URL", func(c *Calendar) { c.Events[0].URL = "javascript:alert(1)" }},
		{"remote link not a URL", func(c *Calendar) { c.Events[0].RemoteLink = "meet.example.org" }},
		{"huge description", func(c *Calendar) { c.Events[2].Description = strings.Repeat("x", maxText+1) }},
		{"year 10000", func(c *Calendar) { c.Events[0].End = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := sampleCalendar(t)
			// Event 1 has its own stamp; take it away so "no stamp" bites.
			c.Events[1].Stamp = time.Time{}
			tt.change(&c)
			var buf bytes.Buffer
			if err := Write(&buf, c); err == nil {
				t.Fatal("no error")
			}
			if buf.Len() != 0 {
				t.Fatalf("wrote %d bytes before failing", buf.Len())
			}
		})
	}
}

func TestEmptyCalendar(t *testing.T) {
	t.Parallel()
	got, err := Marshal(Calendar{ProdID: "-//joinedup//MDT meetings//EN"})
	if err != nil {
		t.Fatal(err)
	}
	want := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//joinedup//MDT meetings//EN\r\n" +
		"CALSCALE:GREGORIAN\r\nMETHOD:PUBLISH\r\nEND:VCALENDAR\r\n"
	if string(got) != want {
		t.Fatalf("got %q", got)
	}
}

func TestTimesAreWrittenInUTC(t *testing.T) {
	t.Parallel()
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	c := Calendar{ProdID: "x", Stamp: time.Date(2025, 3, 20, 9, 0, 0, 999, london), Events: []Event{{
		UID:   "u1",
		Start: time.Date(2025, 3, 31, 13, 0, 30, 500, london),
		End:   time.Date(2025, 3, 31, 14, 0, 0, 0, london),
	}}}
	got, err := Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"DTSTART:20250331T120030Z\r\n", "DTEND:20250331T130000Z\r\n", "DTSTAMP:20250320T090000Z\r\n"} {
		if !strings.Contains(string(got), want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}

// unfold joins folded lines, as RFC 5545 section 3.1 says a reader must.
func unfold(s string) string {
	s = strings.ReplaceAll(s, "\r\n ", "")
	return strings.ReplaceAll(s, "\r\n\t", "")
}

// unescapeText reverses TEXT escaping, independently of EscapeText.
func unescapeText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 'n', 'N':
				b.WriteByte('\n')
			default:
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// expectedText is what a TEXT value should read back as: line breaks made
// \n, control characters gone, bad bytes replaced.
func expectedText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Map(func(r rune) rune {
		if r < ' ' && r != '\t' && r != '\n' || r == 0x7f {
			return -1
		}
		return r
	}, s)
}

// properties returns the content lines of an unfolded feed as name and
// value, in order.
func properties(t *testing.T, out []byte) [][2]string {
	t.Helper()
	var props [][2]string
	for _, line := range strings.Split(strings.TrimSuffix(unfold(string(out)), "\r\n"), "\r\n") {
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			t.Fatalf("content line without a colon: %q", line)
		}
		props = append(props, [2]string{name, value})
	}
	return props
}

func FuzzWrite(f *testing.F) {
	f.Add("Riverside MDT", "Room 2, Surgery; upstairs", "Bring\r\nyour diary\\", "u1@x", uint16(60))
	f.Add(strings.Repeat("€", 30), strings.Repeat("a,", 50), "\x00\x7f\xff\r\r\n", "u;2", uint16(1))
	f.Add("", "", "", "", uint16(0))
	f.Add(strings.Repeat("🙂", 19)+"x", "\t", "\n", " ", uint16(480))
	f.Fuzz(func(t *testing.T, title, place, desc, uid string, minutes uint16) {
		start := time.Date(2025, 3, 31, 12, 0, 0, 0, time.UTC)
		c := Calendar{
			ProdID: "-//joinedup//MDT meetings//EN",
			Name:   title,
			Stamp:  start.Add(-time.Hour),
			Events: []Event{{
				UID: uid, Start: start, End: start.Add(time.Duration(minutes) * time.Minute),
				Title: title, Place: place, Description: desc,
			}},
		}
		out, err := Marshal(c)
		if err != nil {
			if strings.TrimSpace(expectedText(uid)) != "" && len(uid) <= maxUID && minutes > 0 &&
				len(title) <= maxText && len(place) <= maxText && len(desc) <= maxText {
				t.Fatalf("valid input rejected: %v", err)
			}
			return
		}
		checkLines(t, out)
		want := map[string]string{
			"UID": expectedText(uid), "SUMMARY": expectedText(title), "NAME": expectedText(title),
			"LOCATION": expectedText(place), "DESCRIPTION": expectedText(desc),
		}
		seen := map[string]bool{}
		for _, p := range properties(t, out) {
			w, ok := want[p[0]]
			if !ok {
				continue
			}
			seen[p[0]] = true
			if got := unescapeText(p[1]); got != w {
				t.Fatalf("%s reads back as %q, want %q", p[0], got, w)
			}
		}
		if !seen["UID"] || seen["SUMMARY"] != (want["SUMMARY"] != "") || seen["LOCATION"] != (want["LOCATION"] != "") ||
			seen["DESCRIPTION"] != (want["DESCRIPTION"] != "") {
			t.Fatalf("properties missing or extra: %v", seen)
		}
	})
}

func FuzzFold(f *testing.F) {
	f.Add("SUMMARY:" + strings.Repeat("é", 50))
	f.Add(strings.Repeat("\xe2\x82", 60))
	f.Add("")
	f.Fuzz(func(t *testing.T, line string) {
		line = strings.NewReplacer("\r", "", "\n", "").Replace(line)
		out := Fold(line)
		if !strings.HasSuffix(out, "\r\n") {
			t.Fatal("no CRLF at the end")
		}
		parts := strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n")
		for i, p := range parts {
			if len(p) > 75 {
				t.Fatalf("line %d is %d octets", i, len(p))
			}
			if i > 0 && !strings.HasPrefix(p, " ") {
				t.Fatalf("continuation line %d does not start with a space", i)
			}
			if utf8.ValidString(line) && !utf8.ValidString(p) {
				t.Fatalf("line %d splits a character: %q", i, p)
			}
		}
		if got := strings.ReplaceAll(out, "\r\n ", ""); got != line+"\r\n" {
			t.Fatalf("unfolds to %q, want %q", got, line)
		}
	})
}
