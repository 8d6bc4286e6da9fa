package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/notify"
)

// This file keeps the in-app inbox, and finds the directory entries whose
// owners need reminding to check them.

func insertNotifications(ctx context.Context, t *tx, msgs []notify.Message) (int, error) {
	sent := 0
	for _, m := range msgs {
		if err := m.Validate(); err != nil {
			return sent, err
		}
		res, err := t.exec(ctx, `INSERT INTO notifications (id, user_id, kind, subject, body, link, dedupe_key, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, dedupe_key) DO NOTHING`,
			newID(), m.UserID, string(m.Kind), m.Subject, m.Body, m.Link, nullString(m.DedupeKey), t.now)
		if err != nil {
			return sent, err
		}
		if n, err := res.RowsAffected(); err == nil {
			sent += int(n)
		}
	}
	return sent, nil
}

// SendNotifications puts messages in their users' inboxes. A message whose
// dedupe key the user already has is skipped, so sending is idempotent. It
// returns how many were new.
func (s *Store) SendNotifications(ctx context.Context, actor care.Actor, msgs []notify.Message) (int, error) {
	sent := 0
	err := s.write(ctx, func(t *tx) error {
		var err error
		if sent, err = insertNotifications(ctx, t, msgs); err != nil {
			return err
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "notification.send", ResourceType: "Communication",
			Detail: fmt.Sprintf("%d sent", sent)})
	})
	return sent, err
}

// Inbox lists the actor's own notifications, newest first, and how many
// are unread.
func (s *Store) Inbox(ctx context.Context, actor care.Actor, limit int) ([]notify.Notification, int, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	var list []notify.Notification
	unread := 0
	err := s.read(ctx, func(t *tx) error {
		if err := t.queryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL`, actor.UserID).Scan(&unread); err != nil {
			return err
		}
		rows, err := t.query(ctx, `SELECT id, user_id, kind, subject, body, link, created_at, read_at FROM notifications
			WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`, actor.UserID, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var n notify.Notification
			var kind string
			var read sql.NullTime
			if err := rows.Scan(&n.ID, &n.UserID, &kind, &n.Subject, &n.Body, &n.Link, &n.Created, &read); err != nil {
				return err
			}
			n.Kind, n.Created = notify.Kind(kind), n.Created.UTC()
			if read.Valid {
				n.Read = read.Time.UTC()
			}
			list = append(list, n)
		}
		return rows.Err()
	})
	return list, unread, err
}

// UnreadNotifications counts the actor's unread notifications.
func (s *Store) UnreadNotifications(ctx context.Context, actor care.Actor) (int, error) {
	n := 0
	err := s.read(ctx, func(t *tx) error {
		return t.queryRow(ctx, `SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL`, actor.UserID).Scan(&n)
	})
	return n, err
}

// MarkNotificationRead marks one of the actor's own notifications read.
// Someone else's notification is not found, so its existence is not given
// away.
func (s *Store) MarkNotificationRead(ctx context.Context, actor care.Actor, id string) error {
	return s.write(ctx, func(t *tx) error {
		return t.execOne(ctx, care.Errorf(care.KindNotFound, "That notification is not in your inbox."),
			`UPDATE notifications SET read_at = COALESCE(read_at, ?) WHERE id = ? AND user_id = ?`, t.now, id, actor.UserID)
	})
}

// MarkAllNotificationsRead marks every notification of the actor read.
func (s *Store) MarkAllNotificationsRead(ctx context.Context, actor care.Actor) error {
	return s.write(ctx, func(t *tx) error {
		_, err := t.exec(ctx, `UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL`, t.now, actor.UserID)
		return err
	})
}

// DueEntry is a directory entry that has become due for checking and whose
// owners have not yet been reminded this cycle.
type DueEntry struct {
	Ref            EntryRef
	Name           string
	OrganisationID string
	TeamID         string
	VerifiedAt     time.Time
}

// EntriesDueForReminder lists up to limit entries last verified before
// dueBefore (or never), whose owners have not been reminded since.
func (s *Store) EntriesDueForReminder(ctx context.Context, dueBefore time.Time, limit int) ([]DueEntry, error) {
	var list []DueEntry
	err := s.read(ctx, func(t *tx) error {
		for _, q := range []struct {
			typ, query string
		}{
			{EntryService, `SELECT id, name, organisation_id, team_id, verified_at FROM services`},
			{EntryTeam, `SELECT id, name, organisation_id, id, verified_at FROM teams`},
			{EntryOrganisation, `SELECT id, name, id, NULL, verified_at FROM organisations`},
		} {
			if len(list) >= limit {
				break
			}
			rows, err := t.query(ctx, q.query+` WHERE (verified_at IS NULL OR verified_at <= ?)
				AND (reminded_at IS NULL OR (verified_at IS NOT NULL AND reminded_at < verified_at))
				ORDER BY id LIMIT ?`, dueBefore, limit-len(list))
			if err != nil {
				return err
			}
			for rows.Next() {
				e := DueEntry{Ref: EntryRef{Type: q.typ}}
				var team sql.NullString
				var verified sql.NullTime
				if err := rows.Scan(&e.Ref.ID, &e.Name, &e.OrganisationID, &team, &verified); err != nil {
					rows.Close()
					return err
				}
				e.TeamID = team.String
				if verified.Valid {
					e.VerifiedAt = verified.Time.UTC()
				}
				list = append(list, e)
			}
			if err := rows.Close(); err != nil {
				return err
			}
		}
		return nil
	})
	return list, err
}

// DirectoryOwners lists the users who look after an entry: team managers of
// its team, and the organisation's administrators. Disabled accounts are
// left out.
func (s *Store) DirectoryOwners(ctx context.Context, orgID, teamID string) ([]string, error) {
	var ids []string
	err := s.read(ctx, func(t *tx) error {
		var err error
		ids, err = queryStrings(ctx, t, `SELECT DISTINCT u.id FROM memberships m JOIN users u ON u.id = m.user_id
			JOIN teams tm ON tm.id = m.team_id
			WHERE u.disabled_at IS NULL AND ((m.role = ? AND m.team_id = ?) OR (m.role = ? AND tm.organisation_id = ?))
			ORDER BY u.id`, string(care.RoleTeamManager), teamID, string(care.RoleOrgAdmin), orgID)
		return err
	})
	return ids, err
}

// Reminder is the reminders for one due entry.
type Reminder struct {
	Ref      EntryRef
	Messages []notify.Message
}

// RemindOwners sends the reminders for a batch of due entries and records
// that each entry's owners were reminded, in one transaction, so a reminder
// is never sent twice or lost. An entry nobody owns is still marked, so it
// is not looked at again until it is next verified.
func (s *Store) RemindOwners(ctx context.Context, actor care.Actor, batch []Reminder) error {
	if !actor.System {
		return s.denied(ctx, actor, auditEntry{Action: "directory.remind", ResourceType: "Communication"},
			care.Errorf(care.KindForbidden, "Only joinedup itself sends reminders."))
	}
	return s.write(ctx, func(t *tx) error {
		for _, r := range batch {
			table := map[string]string{EntryOrganisation: "organisations", EntryTeam: "teams", EntryService: "services"}[r.Ref.Type]
			if table == "" {
				return fmt.Errorf("no reminders for entries of type %q", r.Ref.Type)
			}
			sent, err := insertNotifications(ctx, t, r.Messages)
			if err != nil {
				return err
			}
			if _, err := t.exec(ctx, `UPDATE `+table+` SET reminded_at = ? WHERE id = ?`, t.now, r.Ref.ID); err != nil {
				return err
			}
			if err := t.appendAudit(ctx, actor, auditEntry{Action: "directory.remind", ResourceType: r.Ref.Type, ResourceID: r.Ref.ID,
				Detail: fmt.Sprintf("%d reminders", sent)}); err != nil {
				return err
			}
		}
		return nil
	})
}
