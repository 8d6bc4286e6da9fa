package audit

import (
	"strings"
	"testing"
	"time"
)

// chain builds n correctly sealed rows.
func chain(n int) ([]Row, Head) {
	prev := GenesisHash
	rows := make([]Row, n)
	at := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	for i := range rows {
		e := Event{ID: string(rune('a' + i)), At: at.Add(time.Duration(i) * time.Second), UserID: "u1", Action: "person.read",
			ResourceType: "Patient", ResourceID: "p1", PersonID: "p1", Outcome: OutcomeSuccess}
		d := Digest(e)
		seq := int64(i + 1)
		prev = ChainHash(prev, seq, d)
		rows[i] = Row{Event: e, Digest: d, Seq: seq, ChainHash: prev}
	}
	return rows, Head{Seq: int64(n), Hash: prev}
}

func verify(rows []Row, head Head) error {
	v := NewVerifier()
	for _, r := range rows {
		if err := v.Sealed(r); err != nil {
			return err
		}
	}
	_, err := v.Finish(head)
	return err
}

func TestVerifier(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		tamper func(rows []Row, head Head) ([]Row, Head)
		want   string
	}{
		{"intact", func(r []Row, h Head) ([]Row, Head) { return r, h }, ""},
		{"edited field", func(r []Row, h Head) ([]Row, Head) { r[2].Reason = "made up"; return r, h }, "audit row 3"},
		{"edited time", func(r []Row, h Head) ([]Row, Head) { r[1].At = r[1].At.Add(time.Hour); return r, h }, "audit row 2"},
		{"edited digest too", func(r []Row, h Head) ([]Row, Head) {
			r[2].Action = "x"
			r[2].Digest = Digest(r[2].Event)
			return r, h
		}, "audit row 3"},
		{"deleted middle", func(r []Row, h Head) ([]Row, Head) { return append(r[:2], r[3:]...), h }, "audit row 4"},
		{"deleted last", func(r []Row, h Head) ([]Row, Head) { return r[:4], h }, "head records row 5"},
		{"appended", func(r []Row, h Head) ([]Row, Head) {
			extra := r[4]
			extra.Seq = 6
			extra.ChainHash = ChainHash(r[4].ChainHash, 6, extra.Digest)
			return append(r, extra), h
		}, "head records row 5"},
		{"swapped", func(r []Row, h Head) ([]Row, Head) { r[1], r[2] = r[2], r[1]; return r, h }, "audit row 3"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows, head := chain(5)
			rows, head = c.tamper(rows, head)
			err := verify(rows, head)
			if c.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error = %v, want %q", err, c.want)
			}
		})
	}
}

func TestDigestCoversEveryFieldUnambiguously(t *testing.T) {
	t.Parallel()
	base := Event{ID: "1", At: time.Unix(0, 0), UserID: "u", Role: "gp", TeamID: "t", Action: "a", ResourceType: "r",
		ResourceID: "i", PersonID: "p", IP: "ip", Reason: "why", Outcome: OutcomeSuccess, Detail: "d"}
	changes := []func(*Event){
		func(e *Event) { e.ID = "2" }, func(e *Event) { e.At = e.At.Add(time.Microsecond) },
		func(e *Event) { e.UserID = "v" }, func(e *Event) { e.Role = "nurse" }, func(e *Event) { e.TeamID = "x" },
		func(e *Event) { e.Action = "b" }, func(e *Event) { e.ResourceType = "s" }, func(e *Event) { e.ResourceID = "j" },
		func(e *Event) { e.PersonID = "q" }, func(e *Event) { e.IP = "ip2" }, func(e *Event) { e.Reason = "" },
		func(e *Event) { e.Outcome = OutcomeDenied }, func(e *Event) { e.Detail = "e" },
		// Moving text between neighbouring fields must change the digest too.
		func(e *Event) { e.UserID, e.Role = "ug", "p" },
	}
	d := Digest(base)
	for i, change := range changes {
		e := base
		change(&e)
		if Digest(e) == d {
			t.Errorf("change %d did not change the digest", i)
		}
	}
}

func TestUnsealedRows(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	e := Event{ID: "x", At: now.Add(-time.Minute), Action: "a", Outcome: OutcomeSuccess}
	good := Row{Event: e, Digest: Digest(e)}
	if err := NewVerifier().Unsealed(good, now, 5*time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := NewVerifier().Unsealed(good, now, 30*time.Second); err == nil || !strings.Contains(err.Error(), "never sealed") {
		t.Fatalf("old unsealed row: %v", err)
	}
	bad := good
	bad.Action = "b"
	if err := NewVerifier().Unsealed(bad, now, 5*time.Minute); err == nil || !strings.Contains(err.Error(), "does not match its digest") {
		t.Fatalf("edited unsealed row: %v", err)
	}
}
