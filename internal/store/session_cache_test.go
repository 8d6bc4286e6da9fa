package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/joinedup/joinedup/internal/care"
)

// TestCachedSessionsEndOnEveryInstance runs two instances (two stores) on
// one SQLite database. A session read once is served from memory; when the
// other instance ends it, or disables its user, this instance stops
// accepting it within the epoch check, and at once when it is ended here.
func TestCachedSessionsEndOnEveryInstance(t *testing.T) {
	ctx := context.Background()
	path := "sqlite:" + filepath.Join(t.TempDir(), "shared.db")
	open := func() *Store {
		s, err := Open(ctx, path, Options{Calendar: testCalendar(t)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		return s
	}
	a, b := open(), open()
	team := seedTeam(t, a, "Cache Practice", "F99002")
	u := seedUser(t, a, "cache@example.nhs.uk", care.RoleGP, team)
	now := time.Now().UTC()
	start := func(hash string) {
		if _, err := a.CreateSession(ctx, Session{IDHash: hash, UserID: u.ID, AuthMethod: "password", CreatedAt: now,
			LastSeenAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	alive := func(s *Store, hash string) bool {
		t.Helper()
		_, actor, err := s.SessionActor(ctx, hash)
		if err != nil && !care.IsKind(err, care.KindUnauthenticated) {
			t.Fatal(err)
		}
		return err == nil && actor.UserID == u.ID
	}
	afterEpochCheck := func() { time.Sleep(sessionEpochCheck + 50*time.Millisecond) }

	// Served from memory: a row removed behind the store's back (no epoch
	// change, as no product path does) is still answered from the cache.
	start("cached")
	if !alive(a, "cached") {
		t.Fatal("a new session is not accepted")
	}
	if _, err := a.writer.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = 'cached'`); err != nil {
		t.Fatal(err)
	}
	if !alive(a, "cached") {
		t.Fatal("the session was read from the database again: nothing is cached")
	}

	// Ended on the other instance: refused here once the epoch is checked.
	start("elsewhere")
	if !alive(a, "elsewhere") || !alive(b, "elsewhere") {
		t.Fatal("session not accepted on both instances")
	}
	if err := b.EndSession(ctx, care.Actor{UserID: u.ID}, "elsewhere", "sign-out"); err != nil {
		t.Fatal(err)
	}
	if alive(b, "elsewhere") {
		t.Fatal("the instance that ended the session still accepts it")
	}
	afterEpochCheck()
	if alive(a, "elsewhere") {
		t.Fatal("a session signed out on another instance is still accepted here after the epoch check")
	}

	// Ended here: refused at once, without waiting for the epoch check.
	start("here")
	if !alive(a, "here") {
		t.Fatal("session not accepted")
	}
	if err := a.EndSession(ctx, care.Actor{UserID: u.ID}, "here", "sign-out"); err != nil {
		t.Fatal(err)
	}
	if alive(a, "here") {
		t.Fatal("a signed-out session is accepted at once after signing out")
	}

	// A user disabled on the other instance loses every cached session.
	start("disabled")
	if !alive(a, "disabled") {
		t.Fatal("session not accepted")
	}
	admin := care.SystemActor("test")
	if err := b.DisableUser(ctx, admin, u.ID); err != nil {
		t.Fatal(err)
	}
	afterEpochCheck()
	if alive(a, "disabled") {
		t.Fatal("a disabled user's session is still accepted on another instance after the epoch check")
	}
}
