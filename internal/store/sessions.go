package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/joinedup/joinedup/internal/audit"
	"github.com/joinedup/joinedup/internal/care"
)

// Session is a signed-in browser. Only a hash of the session id is stored,
// so a copy of the database cannot be used to take over a session.
type Session struct {
	IDHash       string
	UserID       string
	MembershipID string
	// AuthMethod records how the user proved who they are ("password");
	// single sign-on and a second factor will add their own values.
	AuthMethod string
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time
	IP         string
	UserAgent  string
}

// CreateSession starts a session for a user who has just signed in, acting
// in their first team unless they choose another.
func (s *Store) CreateSession(ctx context.Context, sess Session) (care.Actor, error) {
	var actor care.Actor
	err := s.write(ctx, func(t *tx) error {
		u, err := findUserBy(ctx, t, "id", sess.UserID)
		if err != nil {
			return err
		}
		if u.Disabled {
			return care.Errorf(care.KindForbidden, "This account is disabled.")
		}
		if len(u.Memberships) == 0 {
			return care.Errorf(care.KindForbidden, "This account does not belong to any team yet.")
		}
		if sess.MembershipID == "" {
			sess.MembershipID = u.Memberships[0].ID
		}
		if _, err := t.exec(ctx, `INSERT INTO sessions (id_hash, user_id, membership_id, auth_method, created_at,
			last_seen_at, expires_at, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			sess.IDHash, sess.UserID, sess.MembershipID, sess.AuthMethod, sess.CreatedAt, sess.LastSeenAt,
			sess.ExpiresAt, sess.IP, sess.UserAgent); err != nil {
			return err
		}
		actor = actorFor(u, sess.MembershipID)
		return t.appendAudit(ctx, actor, auditEntry{Action: "session.start", ResourceType: "Session", Detail: sess.AuthMethod})
	})
	return actor, err
}

func actorFor(u care.User, membershipID string) care.Actor {
	a := care.Actor{UserID: u.ID, Name: u.Name, Memberships: u.Memberships}
	for _, m := range u.Memberships {
		if m.ID == membershipID {
			a.Acting = m
		}
	}
	return a
}

// SessionActor loads a session and the user acting through it. It does not
// judge expiry: the caller compares the times with its own policy.
func (s *Store) SessionActor(ctx context.Context, idHash string) (Session, care.Actor, error) {
	if e, ok, err := s.cachedSession(ctx, idHash); err != nil || ok {
		return e.sess, e.actor, err
	}
	var sess Session
	var actor care.Actor
	var epoch int64
	loadedAt := time.Now()
	err := s.read(ctx, func(t *tx) error {
		// The epoch is read in the same snapshot, so the entry is cached
		// under the epoch it was true at (session_cache.go).
		if err := t.queryRow(ctx, `SELECT epoch FROM session_epoch WHERE id = 1`).Scan(&epoch); err != nil {
			return err
		}
		var membership sql.NullString
		err := t.queryRow(ctx, `SELECT id_hash, user_id, membership_id, auth_method, created_at, last_seen_at,
			expires_at, ip, user_agent FROM sessions WHERE id_hash = ?`, idHash).
			Scan(&sess.IDHash, &sess.UserID, &membership, &sess.AuthMethod, &sess.CreatedAt, &sess.LastSeenAt,
				&sess.ExpiresAt, &sess.IP, &sess.UserAgent)
		if errors.Is(err, sql.ErrNoRows) {
			return care.Errorf(care.KindUnauthenticated, "Your session has ended. Sign in again.")
		}
		if err != nil {
			return err
		}
		sess.MembershipID = membership.String
		u, err := findUserBy(ctx, t, "id", sess.UserID)
		if err != nil {
			return err
		}
		if u.Disabled {
			return care.Errorf(care.KindUnauthenticated, "Your session has ended. Sign in again.")
		}
		actor = actorFor(u, sess.MembershipID)
		if actor.Acting.ID == "" {
			// The membership was removed while signed in: act as nobody
			// rather than guess a team.
			return care.Errorf(care.KindUnauthenticated, "Your team membership has changed. Sign in again.")
		}
		return nil
	})
	if err == nil {
		s.rememberSession(idHash, cachedSession{sess: sess, actor: actor, loadedAt: loadedAt}, epoch)
	}
	return sess, actor, err
}

// TouchSession records activity, which keeps an idle session alive.
func (s *Store) TouchSession(ctx context.Context, idHash string, at time.Time) error {
	err := s.write(ctx, func(t *tx) error {
		_, err := t.exec(ctx, `UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?`, at, idHash)
		return err
	})
	if err == nil {
		s.touchCached(idHash, at)
	}
	return err
}

// SwitchTeam changes which of the user's teams the session acts for.
func (s *Store) SwitchTeam(ctx context.Context, actor care.Actor, idHash, membershipID string) (care.Actor, error) {
	var next care.Actor
	err := s.write(ctx, func(t *tx) error {
		u, err := findUserBy(ctx, t, "id", actor.UserID)
		if err != nil {
			return err
		}
		next = actorFor(u, membershipID)
		if next.Acting.ID == "" {
			return care.Errorf(care.KindInvalid, "Choose one of your own teams.")
		}
		if err := t.execOne(ctx, care.Errorf(care.KindUnauthenticated, "Your session has ended. Sign in again."),
			`UPDATE sessions SET membership_id = ? WHERE id_hash = ? AND user_id = ?`, membershipID, idHash, actor.UserID); err != nil {
			return err
		}
		if err := bumpSessionEpoch(ctx, t); err != nil {
			return err
		}
		return t.appendAudit(ctx, next, auditEntry{Action: "session.switch-team", ResourceType: "Team", ResourceID: next.Acting.TeamID})
	})
	s.forgetSessions(idHash)
	return next, err
}

// EndSession deletes a session; why is "sign-out", "idle" or "expired".
func (s *Store) EndSession(ctx context.Context, actor care.Actor, idHash, why string) error {
	err := s.write(ctx, func(t *tx) error {
		if _, err := t.exec(ctx, `DELETE FROM sessions WHERE id_hash = ?`, idHash); err != nil {
			return err
		}
		if err := bumpSessionEpoch(ctx, t); err != nil {
			return err
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "session.end", ResourceType: "Session", Detail: why})
	})
	s.forgetSessions(idHash)
	return err
}

// endUserSessions ends every session of a user. The caller forgets the
// cached sessions once its transaction has committed.
func endUserSessions(ctx context.Context, t *tx, userID string) error {
	if _, err := t.exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
		return err
	}
	return bumpSessionEpoch(ctx, t)
}

// DeleteStaleSessions removes sessions past their absolute expiry or idle for
// longer than idle, and old throttling records, and reports how many
// sessions went.
func (s *Store) DeleteStaleSessions(ctx context.Context, idle, throttleWindow time.Duration) (int64, error) {
	var n int64
	err := s.write(ctx, func(t *tx) error {
		res, err := t.exec(ctx, `DELETE FROM sessions WHERE expires_at < ? OR last_seen_at < ?`, t.now, t.now.Add(-idle))
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		_, err = t.exec(ctx, `DELETE FROM login_failures WHERE failed_at < ?`, t.now.Add(-throttleWindow))
		return err
	})
	return n, err
}

// CountLoginFailures counts failed sign-ins for each key since a time.
func (s *Store) CountLoginFailures(ctx context.Context, since time.Time, keys ...string) (map[string]int, error) {
	counts := map[string]int{}
	err := s.read(ctx, func(t *tx) error {
		for _, k := range keys {
			var n int
			if err := t.queryRow(ctx, `SELECT COUNT(*) FROM login_failures WHERE throttle_key = ? AND failed_at >= ?`, k, since).Scan(&n); err != nil {
				return err
			}
			counts[k] = n
		}
		return nil
	})
	return counts, err
}

// RecordLoginFailure notes a failed sign-in against each throttling key and
// audits it. userID is empty when no account matched. at comes from the
// caller's clock, the same one that later counts the failures.
func (s *Store) RecordLoginFailure(ctx context.Context, at time.Time, userID, why string, keys ...string) error {
	return s.write(ctx, func(t *tx) error {
		for _, k := range keys {
			if _, err := t.exec(ctx, `INSERT INTO login_failures (id, throttle_key, failed_at) VALUES (?, ?, ?)`, newID(), k, at); err != nil {
				return err
			}
		}
		return t.appendAudit(ctx, care.Actor{UserID: userID}, auditEntry{Action: "session.sign-in", ResourceType: "User",
			ResourceID: userID, Outcome: audit.OutcomeFailure, Detail: why})
	})
}

// ClearLoginFailures forgets failures for a key after a successful sign-in.
func (s *Store) ClearLoginFailures(ctx context.Context, key string) error {
	return s.write(ctx, func(t *tx) error {
		_, err := t.exec(ctx, `DELETE FROM login_failures WHERE throttle_key = ?`, key)
		return err
	})
}
