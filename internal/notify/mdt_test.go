package notify

import (
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the tests must not depend on the machine's zone database
)

func TestMDTMessagesAreValidAndIdempotent(t *testing.T) {
	t.Parallel()
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	m := Meeting{ID: "m1", Title: "Clapton frailty MDT", Start: time.Date(2026, 6, 2, 12, 0, 0, 0, time.UTC)}
	tests := []struct {
		msg      Message
		kind     Kind
		link     string
		key      string
		contains string
	}{
		{AgendaReady("u", m, 1, london), KindMDTAgenda, "/mdt/meetings/m1", "mdt-agenda:m1", "1 person to discuss"},
		{AgendaReady("u", m, 3, london), KindMDTAgenda, "/mdt/meetings/m1", "mdt-agenda:m1", "3 people to discuss"},
		{MeetingOutcomes("u", m, 2, 1, 4, london), KindMDTOutcomes, "/mdt/meetings/m1", "mdt-outcomes:m1", "1 person not reached"},
		{PracticeOutcome("u", m, "i1", "p1", london), KindMDTPracticeOutcome, "/people/p1/timeline", "mdt-outcome:i1", "registered with your practice"},
		{ActionAssigned("u", m, "a1", "16 June 2026"), KindMDTAction, "/mdt/actions/a1", "mdt-action:a1", "due by 16 June 2026"},
	}
	for _, tt := range tests {
		if err := tt.msg.Validate(); err != nil {
			t.Errorf("%s: %v", tt.kind, err)
		}
		if tt.msg.Kind != tt.kind || tt.msg.Link != tt.link || tt.msg.DedupeKey != tt.key {
			t.Errorf("%s: kind %s, link %s, key %s", tt.kind, tt.msg.Kind, tt.msg.Link, tt.msg.DedupeKey)
		}
		if !strings.Contains(tt.msg.Body, tt.contains) {
			t.Errorf("%s: body %q does not say %q", tt.kind, tt.msg.Body, tt.contains)
		}
	}
	// Times are said in London time: 12:00 UTC in June is 13:00 BST.
	if body := AgendaReady("u", m, 1, london).Body; !strings.Contains(body, "Tuesday 2 June 2026 at 13:00") {
		t.Errorf("agenda body %q", body)
	}
}
