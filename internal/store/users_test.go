package store

import (
	"context"
	"testing"
	"time"

	"github.com/joinedup/joinedup/internal/care"
)

func TestUserLifecycleEndsSessions(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		team := seedTeam(t, s, "Test Practice", "F99001")
		u := seedUser(t, s, "GP@Example.NHS.uk ", care.RoleGP, team)
		if u.Email != "gp@example.nhs.uk" {
			t.Fatalf("email not normalised: %q", u.Email)
		}
		if len(u.Memberships) != 1 || u.Memberships[0].Role != care.RoleGP || u.Memberships[0].TeamName != "Test Practice team" {
			t.Fatalf("memberships = %+v", u.Memberships)
		}
		// A second account with the same email is refused at the field.
		_, err := s.CreateUser(ctx, care.SystemActor("test"), NewUser{Email: "gp@example.nhs.uk", Name: "Other",
			PasswordHash: "h", Memberships: []NewMembership{{TeamID: team.ID, Role: care.RoleGP}}})
		if !care.IsKind(err, care.KindConflict) || care.FieldsOf(err).Message("email") == "" {
			t.Fatalf("duplicate email: %v", err)
		}

		now := time.Now().UTC()
		start := func(hash string) {
			if _, err := s.CreateSession(ctx, Session{IDHash: hash, UserID: u.ID, AuthMethod: "password", CreatedAt: now,
				LastSeenAt: now, ExpiresAt: now.Add(time.Hour), IP: "192.0.2.1", UserAgent: "test"}); err != nil {
				t.Fatal(err)
			}
		}
		start("a")
		sess, actor, err := s.SessionActor(ctx, "a")
		if err != nil {
			t.Fatal(err)
		}
		if actor.UserID != u.ID || actor.Role() != care.RoleGP || sess.ExpiresAt.Sub(now.Truncate(time.Microsecond)) != time.Hour {
			t.Fatalf("session = %+v actor = %+v", sess, actor)
		}

		if err := s.SetPassword(ctx, care.SystemActor("test"), u.ID, "new-hash"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionActor(ctx, "a"); !care.IsKind(err, care.KindUnauthenticated) {
			t.Fatalf("session survived a password change: %v", err)
		}
		creds, err := s.CredentialsByEmail(ctx, "gp@example.nhs.uk")
		if err != nil || creds.PasswordHash != "new-hash" {
			t.Fatalf("credentials = %+v, %v", creds, err)
		}

		start("b")
		if err := s.DisableUser(ctx, care.SystemActor("test"), u.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionActor(ctx, "b"); !care.IsKind(err, care.KindUnauthenticated) {
			t.Fatalf("session survived disabling: %v", err)
		}
		if creds, _ := s.CredentialsByEmail(ctx, "gp@example.nhs.uk"); !creds.Disabled {
			t.Fatal("account not disabled")
		}
		if _, err := s.CreateSession(ctx, Session{IDHash: "c", UserID: u.ID, CreatedAt: now, LastSeenAt: now, ExpiresAt: now}); !care.IsKind(err, care.KindForbidden) {
			t.Fatalf("disabled user got a session: %v", err)
		}
	})
}

func TestUserManagementIsDeniedAndAudited(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		team := seedTeam(t, s, "Test Practice", "F99001")
		gp := seedUser(t, s, "gp@example.nhs.uk", care.RoleGP, team)
		actor := care.Actor{UserID: gp.ID, Acting: gp.Memberships[0], Memberships: gp.Memberships}
		err := s.DisableUser(ctx, actor, gp.ID)
		if !care.IsKind(err, care.KindForbidden) {
			t.Fatalf("a GP disabled an account: %v", err)
		}
		var n int
		if err := s.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_events WHERE action = 'user.disable' AND outcome = 'denied' AND user_id = `+placeholder(s, 1), gp.ID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Fatalf("denied attempt audited %d times", n)
		}
	})
}

func TestLoginFailuresAreCountedPerKey(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		since := time.Now().Add(-time.Minute)
		for range 3 {
			if err := s.RecordLoginFailure(ctx, time.Now(), "", "wrong password", "account:a@x", "ip:192.0.2.1"); err != nil {
				t.Fatal(err)
			}
		}
		counts, err := s.CountLoginFailures(ctx, since, "account:a@x", "ip:192.0.2.1", "account:b@x")
		if err != nil {
			t.Fatal(err)
		}
		if counts["account:a@x"] != 3 || counts["ip:192.0.2.1"] != 3 || counts["account:b@x"] != 0 {
			t.Fatalf("counts = %v", counts)
		}
		if err := s.ClearLoginFailures(ctx, "account:a@x"); err != nil {
			t.Fatal(err)
		}
		counts, _ = s.CountLoginFailures(ctx, since, "account:a@x", "ip:192.0.2.1")
		if counts["account:a@x"] != 0 || counts["ip:192.0.2.1"] != 3 {
			t.Fatalf("after clearing: %v", counts)
		}
	})
}

// placeholder writes the n-th bind parameter in the store's dialect, for
// tests that query the database directly.
func placeholder(s *Store, n int) string {
	if s.dialect == Postgres {
		return "$" + string(rune('0'+n))
	}
	return "?"
}
