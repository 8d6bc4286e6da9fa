// Package ical writes iCalendar feeds (RFC 5545) of meetings, so that people
// can see their MDT meetings in the calendar they already use, by download or
// by subscription.
//
// A feed carries no personal data by construction: an Event holds only the
// details of a meeting (its title, place, joining link, times and a link back
// to joinedup), never its agenda or the people on it, because a calendar feed
// leaves joinedup's access controls behind. It is copied to phones and shared
// calendars, and a subscription URL works without signing in.
//
// Times are written in UTC ("DTSTART:20250331T120000Z") rather than with a
// TZID and a VTIMEZONE component. Each meeting is its own event, with no
// recurrence rule, so nothing depends on the zone's rules: a UTC instant is
// exact, every client shows it in its own zone, and there is no copy of the
// Europe/London rules in the feed to go out of date.
package ical

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Status is an event's STATUS.
type Status string

const (
	StatusConfirmed Status = "CONFIRMED"
	StatusTentative Status = "TENTATIVE"
	StatusCancelled Status = "CANCELLED"
)

// Event is one meeting.
type Event struct {
	// UID identifies the meeting for ever, across every version of the
	// feed: a meeting id and a domain, such as "0190...@joinedup.example".
	UID string
	// Sequence counts the changes to the meeting that attendees should
	// notice (a new time or place); it starts at 0.
	Sequence int
	// Status is StatusConfirmed when empty. A cancelled meeting stays in
	// the feed as StatusCancelled, so calendars remove it.
	Status Status
	// Stamp is the DTSTAMP: when this version of the event was made. Zero
	// means the calendar's Stamp.
	Stamp      time.Time
	Start, End time.Time
	// Title is the SUMMARY, such as "Riverside practice MDT".
	Title string
	// Place is where to go. It is the LOCATION; an event with no place
	// has its RemoteLink as its LOCATION instead.
	Place string
	// RemoteLink is the https link to join remotely. It is added to the
	// end of the DESCRIPTION.
	RemoteLink string
	// URL links to the meeting's page in joinedup, where signed-in
	// members see the agenda.
	URL string
	// Description is a note about the meeting itself, such as "Bring
	// your diary". It must never hold agenda content.
	Description string
}

// Calendar is a whole feed.
type Calendar struct {
	// ProdID names the product that made the feed, such as
	// "-//joinedup//MDT meetings//EN".
	ProdID string
	// Method is the METHOD; empty means PUBLISH, which is right for a
	// download or a subscription.
	Method string
	// Name, when set, is shown by calendar apps as the feed's name.
	Name string
	// Refresh, when set, asks subscribing clients to fetch the feed this
	// often. It is rounded to whole minutes.
	Refresh time.Duration
	// Stamp is the DTSTAMP of events that have no Stamp of their own.
	Stamp  time.Time
	Events []Event
}

// Limits that keep a feed sensible; a longer value is almost certainly a bug.
const (
	maxText     = 10000
	maxURI      = 2000
	maxUID      = 255
	maxSequence = 1 << 30
)

// Marshal returns the feed as RFC 5545 text: CRLF line endings, lines folded
// at 75 octets.
func Marshal(c Calendar) ([]byte, error) {
	var b strings.Builder
	if err := Write(&b, c); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}

// Write checks the whole feed first and then writes it to w, so a feed with a
// bad event writes nothing.
func Write(w io.Writer, c Calendar) error {
	if err := c.validate(); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	l := lineWriter{w: bw}
	l.line("BEGIN", "VCALENDAR")
	l.line("VERSION", "2.0")
	l.line("PRODID", EscapeText(c.ProdID))
	l.line("CALSCALE", "GREGORIAN")
	l.line("METHOD", cmp.Or(c.Method, "PUBLISH"))
	if name := EscapeText(c.Name); name != "" {
		// NAME is RFC 7986; X-WR-CALNAME is what most clients read.
		l.line("NAME", name)
		l.line("X-WR-CALNAME", name)
	}
	if c.Refresh > 0 {
		d := formatDuration(c.Refresh)
		l.line("REFRESH-INTERVAL;VALUE=DURATION", d)
		l.line("X-PUBLISHED-TTL", d)
	}
	for _, e := range c.Events {
		stamp := e.Stamp
		if stamp.IsZero() {
			stamp = c.Stamp
		}
		l.line("BEGIN", "VEVENT")
		l.line("UID", EscapeText(e.UID))
		l.line("DTSTAMP", formatTime(stamp))
		l.line("DTSTART", formatTime(e.Start))
		l.line("DTEND", formatTime(e.End))
		l.line("SEQUENCE", strconv.Itoa(e.Sequence))
		l.line("STATUS", string(cmp.Or(e.Status, StatusConfirmed)))
		l.optional("SUMMARY", EscapeText(e.Title))
		l.optional("LOCATION", EscapeText(cmp.Or(e.Place, e.RemoteLink)))
		l.optional("DESCRIPTION", EscapeText(description(e)))
		if e.URL != "" {
			l.line("URL", e.URL)
		}
		l.line("END", "VEVENT")
	}
	l.line("END", "VCALENDAR")
	if l.err != nil {
		return l.err
	}
	return bw.Flush()
}

// description joins the event's note and its joining link.
func description(e Event) string {
	switch {
	case e.RemoteLink == "":
		return e.Description
	case e.Description == "":
		return "Join online: " + e.RemoteLink
	}
	return e.Description + "\n\nJoin online: " + e.RemoteLink
}

func (c Calendar) validate() error {
	if strings.TrimSpace(EscapeText(c.ProdID)) == "" {
		return errors.New("ical: the calendar needs a PRODID")
	}
	if err := checkText("PRODID", c.ProdID); err != nil {
		return err
	}
	if c.Method != "" && !isToken(c.Method) {
		return fmt.Errorf("ical: METHOD %q is not an iCalendar name", c.Method)
	}
	if err := checkText("NAME", c.Name); err != nil {
		return err
	}
	if c.Refresh < 0 {
		return errors.New("ical: a negative refresh interval")
	}
	for i, e := range c.Events {
		if err := e.validate(c.Stamp); err != nil {
			return fmt.Errorf("ical: event %d: %w", i, err)
		}
	}
	return nil
}

func (e Event) validate(calStamp time.Time) error {
	switch {
	case strings.TrimSpace(EscapeText(e.UID)) == "":
		return errors.New("no UID")
	case len(e.UID) > maxUID:
		return errors.New("UID too long")
	case e.Stamp.IsZero() && calStamp.IsZero():
		return errors.New("no DTSTAMP: set the event's or the calendar's Stamp")
	case e.Start.IsZero() || e.End.IsZero():
		return errors.New("no start or end")
	case !e.End.After(e.Start):
		return errors.New("the end is not after the start")
	case e.Sequence < 0 || e.Sequence > maxSequence:
		return errors.New("SEQUENCE out of range")
	}
	for _, t := range []time.Time{e.Start, e.End, e.Stamp, calStamp} {
		if y := t.UTC().Year(); !t.IsZero() && (y < 1 || y > 9999) {
			return errors.New("a time outside the years 1 to 9999")
		}
	}
	switch e.Status {
	case "", StatusConfirmed, StatusTentative, StatusCancelled:
	default:
		return fmt.Errorf("STATUS %q is not one of CONFIRMED, TENTATIVE, CANCELLED", e.Status)
	}
	for _, f := range []struct{ name, value string }{
		{"UID", e.UID}, {"SUMMARY", e.Title}, {"LOCATION", e.Place}, {"DESCRIPTION", e.Description},
	} {
		if err := checkText(f.name, f.value); err != nil {
			return err
		}
	}
	if err := checkURI("URL", e.URL); err != nil {
		return err
	}
	return checkURI("remote link", e.RemoteLink)
}

func checkText(name, s string) error {
	if len(s) > maxText {
		return fmt.Errorf("%s is longer than %d bytes", name, maxText)
	}
	return nil
}

// checkURI accepts an absolute http or https URI written entirely in printable
// ASCII, which is what a URI value may hold unescaped.
func checkURI(name, s string) error {
	if s == "" {
		return nil
	}
	if len(s) > maxURI {
		return fmt.Errorf("%s is longer than %d bytes", name, maxURI)
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] >= 0x7f {
			return fmt.Errorf("%s has a character a URI cannot hold", name)
		}
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%s is not an absolute http or https URL", name)
	}
	return nil
}

// isToken reports whether s is an iana-token or x-name: letters, digits and
// hyphens.
func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return s != ""
}

// formatTime writes t as a UTC DATE-TIME, to the second.
func formatTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// formatDuration writes d, rounded to whole minutes and at least one, as a
// DURATION value such as "PT1H" or "P1DT2H30M".
func formatDuration(d time.Duration) string {
	m := max(int64(d.Round(time.Minute)/time.Minute), 1)
	days, hours, mins := m/(24*60), m/60%24, m%60
	var b strings.Builder
	b.WriteByte('P')
	if days > 0 {
		fmt.Fprintf(&b, "%dD", days)
	}
	if hours > 0 || mins > 0 {
		b.WriteByte('T')
		if hours > 0 {
			fmt.Fprintf(&b, "%dH", hours)
		}
		if mins > 0 {
			fmt.Fprintf(&b, "%dM", mins)
		}
	}
	return b.String()
}

// EscapeText escapes s as an iCalendar TEXT value: backslash, semicolon and
// comma are escaped with a backslash, and each line break (CRLF, CR or LF)
// becomes \n. Control characters a TEXT value cannot hold are dropped, and
// bytes that are not UTF-8 become U+FFFD.
func EscapeText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' || c == ';' || c == ',':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			b.WriteString(`\n`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\t' || c >= ' ' && c != 0x7f:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// maxLine is the longest a content line may be, in octets, not counting its
// CRLF (RFC 5545 section 3.1).
const maxLine = 75

// Fold splits a content line into lines of at most 75 octets, each ending
// in CRLF, with every line after the first starting with a space. It never
// splits a UTF-8 character, so each line is valid UTF-8 when the content
// line is.
func Fold(line string) string {
	var b strings.Builder
	b.Grow(len(line) + len(line)/(maxLine-1)*3 + 2)
	limit := maxLine
	for {
		if len(line) <= limit {
			b.WriteString(line)
			b.WriteString("\r\n")
			return b.String()
		}
		cut := limit
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		if cut == 0 {
			// Not UTF-8 at all: split by octets rather than loop.
			cut = limit
		}
		b.WriteString(line[:cut])
		b.WriteString("\r\n ")
		line = line[cut:]
		limit = maxLine - 1 // the leading space counts
	}
}

// lineWriter writes content lines, folded, remembering the first error.
type lineWriter struct {
	w   io.Writer
	err error
}

func (l *lineWriter) line(name, value string) {
	if l.err != nil {
		return
	}
	_, l.err = io.WriteString(l.w, Fold(name+":"+value))
}

// optional writes a property only when it has a value.
func (l *lineWriter) optional(name, value string) {
	if value != "" {
		l.line(name, value)
	}
}
