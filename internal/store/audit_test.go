package store

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/joinedup/joinedup/internal/audit"
	"github.com/joinedup/joinedup/internal/care"
)

// writeEvents commits n audited changes and seals them.
func writeEvents(t *testing.T, s *Store, n int) {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		if err := s.RecordDenied(ctx, care.SystemActor("test"), "test.action", "Thing", string(rune('a'+i)), "", ""); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.SealAudit(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestAuditChainVerifiesAndDetectsTampering(t *testing.T) {
	t.Parallel()
	tampering := []struct {
		name   string
		sql    string
		wantIn string
	}{
		{"untouched", "", ""},
		{"edited row", `UPDATE audit_events SET action = 'nothing.happened' WHERE seq = 3`, "audit row 3"},
		{"edited outcome", `UPDATE audit_events SET outcome = 'success' WHERE seq = 2`, "audit row 2"},
		{"deleted middle row", `DELETE FROM audit_events WHERE seq = 3`, "audit row 4"},
		{"deleted last row", `DELETE FROM audit_events WHERE seq = 5`, "head records row 5"},
		{"inserted sealed row", `INSERT INTO audit_events (id, occurred_at, user_id, role, team_id, action, resource_type, resource_id, person_id, ip, reason, outcome, detail, digest, seq, chain_hash)
			SELECT 'forged', occurred_at, user_id, role, team_id, action, resource_type, resource_id, person_id, ip, reason, outcome, detail, digest, 6, chain_hash FROM audit_events WHERE seq = 5`, "audit row 6"},
		{"inserted unsealed row", `INSERT INTO audit_events (id, occurred_at, user_id, role, team_id, action, resource_type, resource_id, person_id, ip, reason, outcome, detail, digest)
			SELECT 'forged', occurred_at, user_id, role, team_id, 'made.up', resource_type, resource_id, person_id, ip, reason, outcome, detail, digest FROM audit_events WHERE seq = 5`, "unsealed audit row forged"},
		{"renumbered rows", `UPDATE audit_events SET seq = seq + 100 WHERE seq >= 4`, "audit row 104"},
	}
	for _, tc := range tampering {
		t.Run(tc.name, func(t *testing.T) {
			engines(t, func(t *testing.T, s *Store) {
				ctx := context.Background()
				writeEvents(t, s, 5)
				if tc.sql != "" {
					if _, err := s.writer.ExecContext(ctx, tc.sql); err != nil {
						t.Fatal(err)
					}
				}
				res, err := s.VerifyAudit(ctx, time.Minute)
				if tc.wantIn == "" {
					if err != nil || res.Sealed != 5 || res.Head.Seq != 5 {
						t.Fatalf("verify = %+v, %v", res, err)
					}
					return
				}
				var p *audit.Problem
				if !errors.As(err, &p) || !strings.Contains(err.Error(), tc.wantIn) {
					t.Fatalf("verify error = %v, want it to name %q", err, tc.wantIn)
				}
			})
		})
	}
}

func TestUnsealedRowsAreAcceptedOnlyWhileRecent(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		writeEvents(t, s, 2)
		if err := s.RecordDenied(ctx, care.SystemActor("test"), "test.recent", "Thing", "x", "", ""); err != nil {
			t.Fatal(err)
		}
		res, err := s.VerifyAudit(ctx, time.Minute)
		if err != nil || res.Unsealed != 1 || res.Sealed != 2 {
			t.Fatalf("recent unsealed row: %+v, %v", res, err)
		}
		if _, err := s.VerifyAudit(ctx, -time.Second); err == nil || !strings.Contains(err.Error(), "never sealed") {
			t.Fatalf("old unsealed row accepted: %v", err)
		}
		n, err := s.SealAudit(ctx)
		if err != nil || n != 1 {
			t.Fatalf("sealed %d, %v", n, err)
		}
		if res, err := s.VerifyAudit(ctx, time.Minute); err != nil || res.Sealed != 3 {
			t.Fatalf("after sealing: %+v, %v", res, err)
		}
	})
}

func TestConcurrentSealersKeepOneChain(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		for i := range 40 {
			if err := s.RecordDenied(ctx, care.SystemActor("test"), "test.action", "Thing", string(rune('A'+i)), "", ""); err != nil {
				t.Fatal(err)
			}
		}
		errs := make(chan error, 4)
		for range 4 {
			go func() {
				_, err := s.SealAudit(ctx)
				errs <- err
			}()
		}
		for range 4 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		res, err := s.VerifyAudit(ctx, time.Minute)
		if err != nil || res.Sealed != 40 {
			t.Fatalf("verify = %+v, %v", res, err)
		}
	})
}

// TestReadingTheAuditTrailIsAudited checks a read made on the reader pool
// still leaves its audit row, committed before the read returns, and that
// the row names the reader.
func TestReadingTheAuditTrailIsAudited(t *testing.T) {
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		team := seedTeam(t, s, "Privacy", "P00001")
		u := seedUser(t, s, "privacy@example.nhs.uk", care.RolePrivacyOfficer, team)
		officer := care.Actor{UserID: u.ID, Name: u.Name, Acting: u.Memberships[0], Memberships: u.Memberships}
		writeEvents(t, s, 3)
		if _, err := s.ListAudit(ctx, officer, AuditFilter{}); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := s.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_events WHERE action = 'audit.list' AND user_id = `+
			map[Dialect]string{SQLite: "?", Postgres: "$1"}[s.dialect], u.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Fatalf("%d audit rows for one read of the audit trail, want 1", n)
		}
	})
}

// TestAuditWrittenSignalsOnlyAuditedCommits checks the sealer is woken by a
// committed change that wrote audit rows, and not by its own sealing, so an
// idle server does no sealing work.
func TestAuditWrittenSignalsOnlyAuditedCommits(t *testing.T) {
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		drain := func() bool {
			select {
			case <-s.AuditWritten():
				return true
			default:
				return false
			}
		}
		drain()
		if err := s.RecordDenied(ctx, care.SystemActor("test"), "test.action", "Thing", "x", "", ""); err != nil {
			t.Fatal(err)
		}
		if !drain() {
			t.Fatal("no signal after an audited commit")
		}
		if n, err := s.SealAudit(ctx); err != nil || n == 0 {
			t.Fatalf("sealed %d, %v", n, err)
		}
		if drain() {
			t.Fatal("sealing woke the sealer")
		}
		if _, err := s.SealAudit(ctx); err != nil {
			t.Fatal(err)
		}
		if drain() {
			t.Fatal("an empty seal woke the sealer")
		}
	})
}
