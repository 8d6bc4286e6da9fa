package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"time"

	"github.com/joinedup/joinedup/internal/care"
)

// This file keeps each user's calendar subscription: a secret token in a
// URL that calendar apps fetch without signing in. Only the token's hash is
// stored, the feed holds meeting details only (never the agenda), and a new
// token replaces the old one at once.

func calendarTokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// NewCalendarToken makes (or replaces) the actor's subscription token and
// returns it. It is shown once: joinedup keeps only its hash.
func (s *Store) NewCalendarToken(ctx context.Context, actor care.Actor) (string, error) {
	if !care.CanUseMDT(actor) {
		return "", s.denied(ctx, actor, auditEntry{Action: "mdt.calendar.token", ResourceType: "Schedule"},
			care.Errorf(care.KindForbidden, "Your role does not take part in MDT meetings."))
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", s.internal(err)
	}
	token := base64.RawURLEncoding.EncodeToString(b[:])
	err := s.write(ctx, func(t *tx) error {
		res, err := t.exec(ctx, `UPDATE mdt_calendar_tokens SET token_hash = ?, created_at = ? WHERE user_id = ?`,
			calendarTokenHash(token), t.now, actor.UserID)
		if err != nil {
			return err
		}
		detail := "replaced"
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			detail = "created"
			if _, err := t.exec(ctx, `INSERT INTO mdt_calendar_tokens (user_id, token_hash, created_at) VALUES (?, ?, ?)`,
				actor.UserID, calendarTokenHash(token), t.now); err != nil {
				return err
			}
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "mdt.calendar.token", ResourceType: "Schedule", Detail: detail})
	})
	return token, err
}

// CalendarTokenCreated says when the actor's current subscription token was
// made, or zero if they have none.
func (s *Store) CalendarTokenCreated(ctx context.Context, actor care.Actor) (time.Time, error) {
	var at time.Time
	err := s.read(ctx, func(t *tx) error {
		err := t.queryRow(ctx, `SELECT created_at FROM mdt_calendar_tokens WHERE user_id = ?`, actor.UserID).Scan(&at)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	return at.UTC(), err
}

// maxFeedMeetings bounds a feed.
const maxFeedMeetings = 500

// CalendarFeed returns the meetings for the subscription whose token this
// is: those its user is invited to and has not declined, from four weeks
// ago to a year ahead. An unknown token is not found. The feed carries
// meeting details only, so reading it is not audited as a read of anyone's
// record; a disabled user's feed is empty.
func (s *Store) CalendarFeed(ctx context.Context, token string, now time.Time) ([]MDTMeetingSummary, error) {
	if len(token) < 20 || len(token) > 100 {
		return nil, care.Errorf(care.KindNotFound, "There is no such calendar.")
	}
	var list []MDTMeetingSummary
	err := s.read(ctx, func(t *tx) error {
		var userID string
		err := t.queryRow(ctx, `SELECT c.user_id FROM mdt_calendar_tokens c JOIN users u ON u.id = c.user_id
			WHERE c.token_hash = ? AND u.disabled_at IS NULL`, calendarTokenHash(token)).Scan(&userID)
		if errors.Is(err, sql.ErrNoRows) {
			return care.Errorf(care.KindNotFound, "There is no such calendar.")
		}
		if err != nil {
			return err
		}
		list, err = findMeetingSummaries(ctx, t, `m.starts_at >= ? AND m.starts_at < ? AND EXISTS (SELECT 1 FROM mdt_invitees i
			WHERE i.meeting_id = m.id AND i.user_id = ? AND i.state <> ?)`, "m.starts_at", maxFeedMeetings,
			now.Add(-28*24*time.Hour), now.Add(366*24*time.Hour), userID, string(care.AttendanceDeclined))
		return err
	})
	return list, err
}
