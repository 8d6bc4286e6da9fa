package notify

import (
	"strings"
	"testing"
	"time"

	"github.com/joinedup/joinedup/internal/care"
)

func TestMessageValidate(t *testing.T) {
	t.Parallel()
	ok := Message{UserID: "u1", Kind: KindDirectoryReminder, Subject: "Check", Link: "/directory/services/1"}
	cases := []struct {
		name string
		edit func(*Message)
		ok   bool
	}{
		{"valid", func(*Message) {}, true},
		{"no link", func(m *Message) { m.Link = "" }, true},
		{"no user", func(m *Message) { m.UserID = "" }, false},
		{"no kind", func(m *Message) { m.Kind = "" }, false},
		{"blank subject", func(m *Message) { m.Subject = " " }, false},
		{"long subject", func(m *Message) { m.Subject = strings.Repeat("x", 201) }, false},
		{"long body", func(m *Message) { m.Body = strings.Repeat("x", 2001) }, false},
		{"off-site link", func(m *Message) { m.Link = "https://evil.example/" }, false},
		{"protocol-relative link", func(m *Message) { m.Link = "//evil.example/" }, false},
		{"backslash link", func(m *Message) { m.Link = "/\\evil.example/" }, false},
		{"javascript link", func(m *Message) { m.Link = "javascript:alert(1)" }, false},
	}
	for _, c := range cases {
		m := ok
		c.edit(&m)
		err := m.Validate()
		if c.ok != (err == nil) {
			t.Errorf("%s: Validate = %v", c.name, err)
		}
		if err != nil && !care.IsKind(err, care.KindInvalid) {
			t.Errorf("%s: error kind %v", c.name, care.KindOf(err))
		}
	}
}

func TestVerifyReminder(t *testing.T) {
	t.Parallel()
	london, _ := time.LoadLocation("Europe/London")
	at := time.Date(2026, 1, 3, 10, 0, 0, 0, time.UTC)
	e := DirectoryEntry{Type: "service", ID: "s1", Name: "Hackney Reablement", Link: "/directory/services/s1", VerifiedAt: at}
	m := VerifyReminder("u1", e, london)
	if err := m.Validate(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.Subject, "Hackney Reablement") || !strings.Contains(m.Body, "3 January 2026") || m.Link != e.Link {
		t.Errorf("reminder = %+v", m)
	}
	// The key changes only when the entry is verified again.
	again := VerifyReminder("u2", e, london)
	if again.DedupeKey != m.DedupeKey {
		t.Errorf("keys differ for the same cycle: %q %q", m.DedupeKey, again.DedupeKey)
	}
	e.VerifiedAt = at.Add(24 * time.Hour)
	if VerifyReminder("u1", e, london).DedupeKey == m.DedupeKey {
		t.Error("a new verification cycle reuses the old key")
	}
	e.VerifiedAt = time.Time{}
	never := VerifyReminder("u1", e, london)
	if !strings.Contains(never.Body, "never been confirmed") || !strings.HasSuffix(never.DedupeKey, ":never") {
		t.Errorf("never-verified reminder = %+v", never)
	}
}
