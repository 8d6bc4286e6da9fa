package auth

import (
	"context"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // as in the binary: the tests never depend on the machine's zone database

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/store"
	"github.com/joinedup/joinedup/internal/store/storetest"
)

// cheap keeps tests fast; production uses DefaultArgon2.
var cheap = Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}

func TestPasswordHashing(t *testing.T) {
	t.Parallel()
	h, err := HashPassword("correct horse battery", cheap)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("hash format: %s", h)
	}
	h2, _ := HashPassword("correct horse battery", cheap)
	if h == h2 {
		t.Fatal("two hashes of one password are equal: the salt is not random")
	}
	cases := []struct {
		password, hash string
		ok, err        bool
	}{
		{"correct horse battery", h, true, false},
		{"correct horse batterY", h, false, false},
		{"", h, false, false},
		{"correct horse battery", "$argon2i$v=19$m=64,t=1,p=1$c2FsdA$a2V5", false, true},
		{"correct horse battery", "plain", false, true},
		{"correct horse battery", strings.Replace(h, "m=64", "m=0", 1), false, true},
	}
	for _, c := range cases {
		ok, err := CheckPassword(c.password, c.hash)
		if ok != c.ok || (err != nil) != c.err {
			t.Errorf("CheckPassword(%q, %q) = %v, %v", c.password, c.hash, ok, err)
		}
	}
}

func FuzzCheckPassword(f *testing.F) {
	h, _ := HashPassword("seed", cheap)
	f.Add("seed", h)
	f.Add("x", "$argon2id$v=19$m=1,t=1,p=1$$")
	f.Fuzz(func(t *testing.T, pw, hash string) {
		if strings.Contains(hash, "m=") && !strings.Contains(hash, "m=64,") && !strings.Contains(hash, "m=1,") {
			t.Skip("large memory costs make fuzzing slow")
		}
		CheckPassword(pw, hash)
	})
}

func TestValidatePassword(t *testing.T) {
	t.Parallel()
	for pw, ok := range map[string]bool{"": false, "short": false, "elevenchars": false, "twelve chars": true, strings.Repeat("x", 257): false} {
		if err := ValidatePassword("password", pw); (err == nil) != ok {
			t.Errorf("ValidatePassword(%d chars) = %v", len(pw), err)
		}
	}
}

type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

// newTestService is the service over s, a fresh store from storetest, with
// one GP and a clock the test moves.
func newTestService(t *testing.T, s *store.Store) (*Service, *clock) {
	t.Helper()
	ctx := context.Background()
	sys := care.SystemActor("test")
	org, err := s.CreateOrganisation(ctx, sys, care.Organisation{Name: "Practice", Kind: care.OrgGPPractice, ODSCode: "F99001"})
	if err != nil {
		t.Fatal(err)
	}
	team, err := s.CreateTeam(ctx, sys, care.Team{OrganisationID: org.ID, Name: "Practice team", Kind: "practice"})
	if err != nil {
		t.Fatal(err)
	}
	hash, _ := HashPassword("right password", cheap)
	if _, err := s.CreateUser(ctx, sys, store.NewUser{Email: "gp@example.nhs.uk", Name: "Dr Test", PasswordHash: hash,
		Memberships: []store.NewMembership{{TeamID: team.ID, Role: care.RoleGP}}}); err != nil {
		t.Fatal(err)
	}
	c := &clock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	cfg := DefaultConfig()
	cfg.Argon2, cfg.Now = cheap, c.Now
	svc, err := NewService(s, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return svc, c
}

func TestSignInGivesOneMessageForEveryFailure(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, testSignInGivesOneMessageForEveryFailure)
}

func testSignInGivesOneMessageForEveryFailure(t *testing.T, st *store.Store) {
	svc, _ := newTestService(t, st)
	ctx := context.Background()
	for _, a := range []Attempt{
		{Email: "gp@example.nhs.uk", Password: "wrong password", IP: "192.0.2.1"},
		{Email: "nobody@example.nhs.uk", Password: "right password", IP: "192.0.2.2"},
	} {
		_, _, err := svc.SignIn(ctx, a)
		if care.MessageOf(err) != "Email address or password is not right" {
			t.Errorf("SignIn(%s) = %v", a.Email, err)
		}
	}
	token, actor, err := svc.SignIn(ctx, Attempt{Email: " GP@example.nhs.uk", Password: "right password", IP: "192.0.2.1"})
	if err != nil || len(token) < 40 || actor.Role() != care.RoleGP {
		t.Fatalf("SignIn = %q, %+v, %v", token, actor, err)
	}
}

func TestSessionTimeouts(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, testSessionTimeouts)
}

func testSessionTimeouts(t *testing.T, st *store.Store) {
	svc, c := newTestService(t, st)
	ctx := context.Background()
	signIn := func() string {
		token, _, err := svc.SignIn(ctx, Attempt{Email: "gp@example.nhs.uk", Password: "right password", IP: "192.0.2.1"})
		if err != nil {
			t.Fatal(err)
		}
		return token
	}
	// Activity every 20 minutes keeps the session alive until the absolute limit.
	token := signIn()
	for range 35 {
		c.now = c.now.Add(20 * time.Minute)
		_, err := svc.Authenticate(ctx, token)
		if c.now.Sub(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)) >= 12*time.Hour {
			if !care.IsKind(err, care.KindUnauthenticated) {
				t.Fatalf("session outlived its 12 hours at %v", c.now)
			}
			break
		}
		if err != nil {
			t.Fatalf("active session ended at %v: %v", c.now, err)
		}
	}
	// 30 idle minutes end a session; it stays ended.
	token = signIn()
	c.now = c.now.Add(29 * time.Minute)
	if _, err := svc.Authenticate(ctx, token); err != nil {
		t.Fatalf("ended before the idle limit: %v", err)
	}
	c.now = c.now.Add(30 * time.Minute)
	if _, err := svc.Authenticate(ctx, token); !care.IsKind(err, care.KindUnauthenticated) {
		t.Fatalf("idle session still valid: %v", err)
	}
	c.now = c.now.Add(-10 * time.Minute)
	if _, err := svc.Authenticate(ctx, token); !care.IsKind(err, care.KindUnauthenticated) {
		t.Fatalf("ended session came back: %v", err)
	}
	// Sign-out ends the session.
	token = signIn()
	actor, err := svc.Authenticate(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.SignOut(ctx, actor, token); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Authenticate(ctx, token); !care.IsKind(err, care.KindUnauthenticated) {
		t.Fatalf("signed-out session still valid: %v", err)
	}
}

func TestThrottling(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, testThrottling)
}

func testThrottling(t *testing.T, st *store.Store) {
	svc, c := newTestService(t, st)
	ctx := context.Background()
	wrong := Attempt{Email: "gp@example.nhs.uk", Password: "nope", IP: "192.0.2.1"}
	for range 5 {
		svc.SignIn(ctx, wrong)
	}
	// Even the right password is refused while the account is locked.
	_, _, err := svc.SignIn(ctx, Attempt{Email: "gp@example.nhs.uk", Password: "right password", IP: "192.0.2.9"})
	if !care.IsKind(err, care.KindTooManyRequests) {
		t.Fatalf("account not throttled: %v", err)
	}
	c.now = c.now.Add(16 * time.Minute)
	if _, _, err := svc.SignIn(ctx, Attempt{Email: "gp@example.nhs.uk", Password: "right password", IP: "192.0.2.9"}); err != nil {
		t.Fatalf("account still locked after the window: %v", err)
	}
	// One address guessing many accounts is throttled too.
	for i := range 20 {
		svc.SignIn(ctx, Attempt{Email: string(rune('a'+i)) + "@example.nhs.uk", Password: "x", IP: "198.51.100.7"})
	}
	_, _, err = svc.SignIn(ctx, Attempt{Email: "gp@example.nhs.uk", Password: "right password", IP: "198.51.100.7"})
	if !care.IsKind(err, care.KindTooManyRequests) {
		t.Fatalf("address not throttled: %v", err)
	}
}

func TestChangePasswordEndsSessions(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, testChangePasswordEndsSessions)
}

func testChangePasswordEndsSessions(t *testing.T, st *store.Store) {
	svc, _ := newTestService(t, st)
	ctx := context.Background()
	token, actor, err := svc.SignIn(ctx, Attempt{Email: "gp@example.nhs.uk", Password: "right password", IP: "192.0.2.1"})
	if err != nil {
		t.Fatal(err)
	}
	err = svc.ChangePassword(ctx, actor, "wrong", "a new long password", "a new long password")
	if care.FieldsOf(err).Message("current") == "" {
		t.Fatalf("wrong current password accepted: %v", err)
	}
	err = svc.ChangePassword(ctx, actor, "right password", "a new long password", "a different one!")
	if care.FieldsOf(err).Message("confirm") == "" {
		t.Fatalf("mismatch accepted: %v", err)
	}
	if err := svc.ChangePassword(ctx, actor, "right password", "a new long password", "a new long password"); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Authenticate(ctx, token); !care.IsKind(err, care.KindUnauthenticated) {
		t.Fatalf("session survived password change: %v", err)
	}
	if _, _, err := svc.SignIn(ctx, Attempt{Email: "gp@example.nhs.uk", Password: "a new long password", IP: "192.0.2.1"}); err != nil {
		t.Fatal(err)
	}
}
