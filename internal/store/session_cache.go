package store

import (
	"context"
	"sync"
	"time"

	"github.com/joinedup/joinedup/internal/care"
)

// Sessions are read on every signed-in request, so each instance keeps the
// ones in use in memory instead of reading the session, user and
// memberships each time.
//
// Ending sessions must still take effect at once, on every instance: every
// change that ends or changes a session (sign-out, idle or expired end,
// disabling a user, a new password, switching team) bumps a counter, the
// session epoch, in the same transaction. This instance forgets the
// affected sessions as soon as the change commits; other instances read the
// epoch at most sessionEpochCheck apart and forget every cached session
// when it has moved. An entry is also reloaded after sessionCacheMaxAge, so
// names and teams shown from it stay fresh.
const (
	sessionEpochCheck   = 250 * time.Millisecond
	sessionCacheMaxAge  = 30 * time.Second
	sessionCacheEntries = 100_000
)

type sessionCache struct {
	mu      sync.Mutex
	entries map[string]cachedSession
	epoch   int64
	checked time.Time
}

type cachedSession struct {
	sess     Session
	actor    care.Actor
	loadedAt time.Time
}

// cachedSession returns a cached session, after making sure the cache has seen
// the latest epoch.
func (s *Store) cachedSession(ctx context.Context, idHash string) (cachedSession, bool, error) {
	c := &s.sessions
	now := time.Now()
	c.mu.Lock()
	stale := now.Sub(c.checked) >= sessionEpochCheck
	c.mu.Unlock()
	if stale {
		var epoch int64
		if err := s.read(ctx, func(t *tx) error {
			return t.queryRow(ctx, `SELECT epoch FROM session_epoch WHERE id = 1`).Scan(&epoch)
		}); err != nil {
			return cachedSession{}, false, err
		}
		c.mu.Lock()
		c.observe(epoch)
		c.checked = now
		c.mu.Unlock()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[idHash]
	if !ok || now.Sub(e.loadedAt) >= sessionCacheMaxAge {
		return cachedSession{}, false, nil
	}
	return e, true, nil
}

// observe forgets everything cached under an older epoch. Epochs only
// grow, so an older one read by a slow request changes nothing. The caller
// holds c.mu.
func (c *sessionCache) observe(epoch int64) {
	if epoch > c.epoch {
		clear(c.entries)
		c.epoch = epoch
	}
}

// rememberSession caches a session loaded from the database under epoch.
func (s *Store) rememberSession(idHash string, e cachedSession, epoch int64) {
	c := &s.sessions
	c.mu.Lock()
	defer c.mu.Unlock()
	c.observe(epoch)
	if epoch < c.epoch {
		// Loaded from a snapshot older than a change already seen: it may
		// be a session that has since ended.
		return
	}
	if c.entries == nil || len(c.entries) >= sessionCacheEntries {
		c.entries = map[string]cachedSession{}
	}
	c.entries[idHash] = e
}

// forgetSessions drops cached sessions after a change that ends or changes
// them has committed: one session by its hash, or with "" all of them.
func (s *Store) forgetSessions(idHash string) {
	c := &s.sessions
	c.mu.Lock()
	defer c.mu.Unlock()
	if idHash == "" {
		clear(c.entries)
		return
	}
	delete(c.entries, idHash)
}

// touchCached records activity on a cached session.
func (s *Store) touchCached(idHash string, at time.Time) {
	c := &s.sessions
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[idHash]; ok {
		e.sess.LastSeenAt = at
		c.entries[idHash] = e
	}
}

// bumpSessionEpoch tells every instance that sessions have ended or
// changed, in the transaction that ends or changes them.
func bumpSessionEpoch(ctx context.Context, t *tx) error {
	_, err := t.exec(ctx, `UPDATE session_epoch SET epoch = epoch + 1 WHERE id = 1`)
	return err
}
