package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/store"
)

// Config sets the session and throttling policy.
type Config struct {
	IdleTimeout     time.Duration
	AbsoluteTimeout time.Duration
	// AccountLimit and AddressLimit are the failed sign-ins allowed per
	// account and per IP address within ThrottleWindow.
	AccountLimit   int
	AddressLimit   int
	ThrottleWindow time.Duration
	Argon2         Argon2Params
	Now            func() time.Time
}

// DefaultConfig is the policy the issue and docs/security.md describe.
func DefaultConfig() Config {
	return Config{
		IdleTimeout:     30 * time.Minute,
		AbsoluteTimeout: 12 * time.Hour,
		AccountLimit:    5,
		AddressLimit:    20,
		ThrottleWindow:  15 * time.Minute,
		Argon2:          DefaultArgon2,
	}
}

// touchEvery limits how often activity is written back: a session's idle
// clock is accurate to this much, and a busy user costs one write a minute
// rather than one a request.
const touchEvery = time.Minute

// Service signs users in and out and recognises their sessions.
type Service struct {
	store *store.Store
	cfg   Config
	// dummyHash is checked when no account matches, so a missing account
	// takes as long to refuse as a wrong password.
	dummyHash string
}

// NewService makes a service with the given policy.
func NewService(s *store.Store, cfg Config) (*Service, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	dummy, err := HashPassword("not a real password", cfg.Argon2)
	if err != nil {
		return nil, err
	}
	return &Service{store: s, cfg: cfg, dummyHash: dummy}, nil
}

// Config returns the policy in force.
func (s *Service) Config() Config { return s.cfg }

// errSignIn is the one message for every failed sign-in, so it reveals
// nothing about whether the account exists or is disabled.
var errSignIn = &care.Error{Kind: care.KindUnauthenticated, Message: "Email address or password is not right"}

// ErrThrottled is returned while an account or address is locked out.
var errThrottled = &care.Error{Kind: care.KindTooManyRequests, Message: "There have been too many attempts to sign in. Wait 15 minutes, then try again."}

// Attempt is one sign-in attempt.
type Attempt struct {
	Email     string
	Password  string
	IP        string
	UserAgent string
}

// SignIn checks the credentials and starts a session. It returns the session
// token to put in the cookie; only its hash is stored.
func (s *Service) SignIn(ctx context.Context, a Attempt) (string, care.Actor, error) {
	email := care.NormaliseEmail(a.Email)
	accountKey, addressKey := "account:"+email, "address:"+a.IP
	now := s.cfg.Now()
	counts, err := s.store.CountLoginFailures(ctx, now.Add(-s.cfg.ThrottleWindow), accountKey, addressKey)
	if err != nil {
		return "", care.Actor{}, err
	}
	if counts[accountKey] >= s.cfg.AccountLimit || counts[addressKey] >= s.cfg.AddressLimit {
		// Audited without counting as another failure, so a locked-out
		// account unlocks on time even while someone keeps trying.
		if err := s.store.RecordLoginFailure(ctx, now, "", "throttled"); err != nil {
			return "", care.Actor{}, err
		}
		return "", care.Actor{}, errThrottled
	}
	creds, err := s.store.CredentialsByEmail(ctx, email)
	if err != nil && !care.IsKind(err, care.KindNotFound) {
		return "", care.Actor{}, err
	}
	hash, why := creds.PasswordHash, "wrong password"
	if creds.UserID == "" {
		hash, why = s.dummyHash, "no such account"
	}
	ok, _ := CheckPassword(a.Password, hash)
	if ok && creds.Disabled {
		ok, why = false, "account disabled"
	}
	if !ok || creds.UserID == "" {
		if err := s.store.RecordLoginFailure(ctx, now, creds.UserID, why, accountKey, addressKey); err != nil {
			return "", care.Actor{}, err
		}
		return "", care.Actor{}, errSignIn
	}
	if err := s.store.ClearLoginFailures(ctx, accountKey); err != nil {
		return "", care.Actor{}, err
	}
	token, hashed, err := newToken()
	if err != nil {
		return "", care.Actor{}, err
	}
	now = now.UTC()
	actor, err := s.store.CreateSession(ctx, store.Session{IDHash: hashed, UserID: creds.UserID, AuthMethod: "password",
		CreatedAt: now, LastSeenAt: now, ExpiresAt: now.Add(s.cfg.AbsoluteTimeout), IP: a.IP, UserAgent: a.UserAgent})
	if err != nil {
		return "", care.Actor{}, err
	}
	return token, actor, nil
}

// newToken makes a 256-bit random session id and the hash that is stored.
func newToken() (token, hashed string, err error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", "", err
	}
	token = base64.RawURLEncoding.EncodeToString(b[:])
	return token, HashToken(token), nil
}

// HashToken is how a session token is stored and looked up.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

var errExpired = &care.Error{Kind: care.KindUnauthenticated, Message: "You were signed out because your session expired. Sign in again."}

// Authenticate recognises a session token, ending the session if it has been
// idle too long or reached its absolute lifetime.
func (s *Service) Authenticate(ctx context.Context, token string) (care.Actor, error) {
	if token == "" {
		return care.Actor{}, care.Errorf(care.KindUnauthenticated, "Sign in to continue.")
	}
	hashed := HashToken(token)
	sess, actor, err := s.store.SessionActor(ctx, hashed)
	if err != nil {
		return care.Actor{}, err
	}
	now := s.cfg.Now().UTC()
	switch {
	case !now.Before(sess.ExpiresAt):
		return care.Actor{}, s.end(ctx, actor, hashed, "expired")
	case now.Sub(sess.LastSeenAt) >= s.cfg.IdleTimeout:
		return care.Actor{}, s.end(ctx, actor, hashed, "idle")
	case now.Sub(sess.LastSeenAt) >= touchEvery:
		if err := s.store.TouchSession(ctx, hashed, now); err != nil {
			return care.Actor{}, err
		}
	}
	return actor, nil
}

func (s *Service) end(ctx context.Context, actor care.Actor, hashed, why string) error {
	if err := s.store.EndSession(ctx, actor, hashed, why); err != nil {
		return err
	}
	return errExpired
}

// SignOut ends the session behind token.
func (s *Service) SignOut(ctx context.Context, actor care.Actor, token string) error {
	return s.store.EndSession(ctx, actor, HashToken(token), "sign-out")
}

// SwitchTeam makes the session act for another of the user's teams.
func (s *Service) SwitchTeam(ctx context.Context, actor care.Actor, token, membershipID string) (care.Actor, error) {
	return s.store.SwitchTeam(ctx, actor, HashToken(token), membershipID)
}

// ChangePassword checks the current password, sets the new one and ends
// every session of the user, including this one.
func (s *Service) ChangePassword(ctx context.Context, actor care.Actor, current, next, confirm string) error {
	var errs care.FieldErrors
	if current == "" {
		errs.Add("current", "Enter your current password")
	}
	if err := ValidatePassword("password", next); err != nil {
		errs = append(errs, care.FieldsOf(err)...)
	} else if next != confirm {
		errs.Add("confirm", "The passwords do not match")
	}
	if len(errs) > 0 {
		return errs.Err()
	}
	creds, err := s.store.CredentialsByUserID(ctx, actor.UserID)
	if err != nil {
		return err
	}
	if ok, _ := CheckPassword(current, creds.PasswordHash); !ok {
		return care.FieldErrors{{Field: "current", Message: "Your current password is not right"}}.Err()
	}
	hash, err := HashPassword(next, s.cfg.Argon2)
	if err != nil {
		return err
	}
	return s.store.SetPassword(ctx, actor, actor.UserID, hash)
}

// EndStale removes sessions that can no longer be used.
func (s *Service) EndStale(ctx context.Context) (int64, error) {
	return s.store.DeleteStaleSessions(ctx, s.cfg.IdleTimeout, s.cfg.ThrottleWindow)
}
