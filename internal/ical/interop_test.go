package ical

import (
	"bytes"
	"strings"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"
)

// TestParsesWithIndependentLibrary reads the output back with a separately
// written iCalendar library, so that a misreading of RFC 5545 shared by the
// writer and this package's own tests would still be caught.
func TestParsesWithIndependentLibrary(t *testing.T) {
	t.Parallel()
	in := sampleCalendar(t)
	// Long, awkward text in every field that is escaped and folded.
	in.Events[0].Title = strings.Repeat("Riverside, Hill; & Vale \\ MDT — ", 5)
	in.Events[1].Description = "Line one\r\nLine two\nLine three, with a comma; and a semicolon \\ 🙂"
	out, err := Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	cal, err := goical.NewDecoder(bytes.NewReader(out)).Decode()
	if err != nil {
		t.Fatalf("independent parser rejects the output: %v\n%s", err, out)
	}

	text := func(props goical.Props, name string) string {
		t.Helper()
		p := props.Get(name)
		if p == nil {
			return ""
		}
		s, err := p.Text()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return s
	}
	for name, want := range map[string]string{
		"VERSION": "2.0", "PRODID": in.ProdID, "CALSCALE": "GREGORIAN", "METHOD": "PUBLISH", "NAME": in.Name,
	} {
		if got := text(cal.Props, name); got != want {
			t.Errorf("calendar %s = %q, want %q", name, got, want)
		}
	}
	if d, err := cal.Props.Get("REFRESH-INTERVAL").Duration(); err != nil || d != time.Hour {
		t.Errorf("REFRESH-INTERVAL = %v, %v; want 1h", d, err)
	}

	events := cal.Events()
	if len(events) != len(in.Events) {
		t.Fatalf("parsed %d events, want %d", len(events), len(in.Events))
	}
	for i, want := range in.Events {
		got := events[i]
		if uid := text(got.Props, goical.PropUID); uid != want.UID {
			t.Errorf("event %d UID = %q, want %q", i, uid, want.UID)
		}
		start, err := got.DateTimeStart(nil)
		if err != nil || !start.Equal(want.Start) {
			t.Errorf("event %d start = %v (%v), want %v", i, start, err, want.Start)
		}
		end, err := got.DateTimeEnd(nil)
		if err != nil || !end.Equal(want.End) {
			t.Errorf("event %d end = %v (%v), want %v", i, end, err, want.End)
		}
		stamp, err := got.Props.DateTime(goical.PropDateTimeStamp, nil)
		wantStamp := want.Stamp
		if wantStamp.IsZero() {
			wantStamp = in.Stamp
		}
		if err != nil || !stamp.Equal(wantStamp) {
			t.Errorf("event %d DTSTAMP = %v (%v), want %v", i, stamp, err, wantStamp)
		}
		if s := text(got.Props, goical.PropSummary); s != want.Title {
			t.Errorf("event %d SUMMARY = %q, want %q", i, s, want.Title)
		}
		wantPlace := want.Place
		if wantPlace == "" {
			wantPlace = want.RemoteLink
		}
		if s := text(got.Props, goical.PropLocation); s != wantPlace {
			t.Errorf("event %d LOCATION = %q, want %q", i, s, wantPlace)
		}
		wantDesc := strings.ReplaceAll(description(want), "\r\n", "\n")
		if s := text(got.Props, goical.PropDescription); s != wantDesc {
			t.Errorf("event %d DESCRIPTION = %q, want %q", i, s, wantDesc)
		}
		wantStatus := want.Status
		if wantStatus == "" {
			wantStatus = StatusConfirmed
		}
		if s := text(got.Props, goical.PropStatus); s != string(wantStatus) {
			t.Errorf("event %d STATUS = %q, want %q", i, s, wantStatus)
		}
		if n, err := got.Props.Get(goical.PropSequence).Int(); err != nil || n != want.Sequence {
			t.Errorf("event %d SEQUENCE = %d (%v), want %d", i, n, err, want.Sequence)
		}
		if want.URL != "" {
			u, err := got.Props.URI(goical.PropURL)
			if err != nil || u.String() != want.URL {
				t.Errorf("event %d URL = %v (%v), want %q", i, u, err, want.URL)
			}
		}
	}
}

// FuzzIndependentParse checks that whatever text an event holds, the
// independent library reads back the same title, place and description.
func FuzzIndependentParse(f *testing.F) {
	f.Add("Riverside MDT", "Room 2, Surgery; upstairs", "Bring\r\nyour diary\\")
	f.Add(strings.Repeat("€", 30), strings.Repeat("a,", 50), "\x00\x7f\xff\r\r\n")
	f.Add(strings.Repeat("🙂", 19)+"x", "\t", " leading and trailing ")
	f.Fuzz(func(t *testing.T, title, place, desc string) {
		if len(title)+len(place)+len(desc) > 4000 {
			return // keeps each run quick; FuzzWrite covers long values
		}
		start := time.Date(2025, 10, 27, 13, 0, 0, 0, time.UTC)
		c := Calendar{ProdID: "-//joinedup//MDT meetings//EN", Stamp: start, Events: []Event{{
			UID: "u1@joinedup.example", Start: start, End: start.Add(time.Hour),
			Title: title, Place: place, Description: desc,
		}}}
		out, err := Marshal(c)
		if err != nil {
			return // too long; TestWriteRejectsBadInput covers the limits
		}
		cal, err := goical.NewDecoder(bytes.NewReader(out)).Decode()
		if err != nil {
			t.Fatalf("independent parser rejects the output: %v\n%q", err, out)
		}
		events := cal.Events()
		if len(events) != 1 {
			t.Fatalf("parsed %d events", len(events))
		}
		for name, want := range map[string]string{
			goical.PropSummary: expectedText(title), goical.PropLocation: expectedText(place),
			goical.PropDescription: expectedText(desc),
		} {
			got := ""
			if p := events[0].Props.Get(name); p != nil {
				if got, err = p.Text(); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
			}
			if got != want {
				t.Fatalf("%s reads back as %q, want %q", name, got, want)
			}
		}
		start2, err := events[0].DateTimeStart(nil)
		if err != nil || !start2.Equal(start) {
			t.Fatalf("start = %v (%v)", start2, err)
		}
	})
}
