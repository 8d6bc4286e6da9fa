package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/notify"
)

// This file holds the referral work joinedup does by itself: escalating
// overdue referrals to the receiving team's managers, emailing people that
// they have an update, and bringing in referrals made elsewhere (the demo
// and benchmark datasets).

// escalationBatch bounds how many referrals one pass of the job looks at.
const escalationBatch = 100

// EscalateOverdueReferrals escalates every referral whose target has been
// missed and not yet escalated: the receiving team's managers (or, in a
// team without one, everyone in it) are told in their inbox, the
// escalation is recorded against the referral, and the referral is
// flagged in every queue. Each referral is escalated in a transaction of
// its own, and each missed target only once, however many instances run
// the job. It reports how many escalations were sent.
func (s *Store) EscalateOverdueReferrals(ctx context.Context) (int, error) {
	actor := care.SystemActor("referral escalation")
	total := 0
	seen := map[string]bool{}
	for {
		var ids []string
		err := s.read(ctx, func(t *tx) error {
			due, err := queryStrings(ctx, t, `SELECT id FROM referrals WHERE escalate_at IS NOT NULL AND escalate_at < ?
				ORDER BY escalate_at, id LIMIT ?`, t.now, escalationBatch)
			for _, id := range due {
				if !seen[id] {
					ids = append(ids, id)
				}
			}
			return err
		})
		if err != nil || len(ids) == 0 {
			return total, err
		}
		for _, id := range ids {
			seen[id] = true
			n, err := s.escalate(ctx, actor, id)
			if err != nil {
				return total, err
			}
			total += n
		}
	}
}

func (s *Store) escalate(ctx context.Context, actor care.Actor, id string) (int, error) {
	sent := 0
	err := s.write(ctx, func(t *tx) error {
		row, err := findReferral(ctx, t, id)
		if err != nil {
			return err
		}
		r := row.task
		targets, _, err := findTargets(ctx, t, r.ServiceID)
		if err != nil {
			return err
		}
		due := r.DueEscalations(t.cal, targets, t.now)
		if len(due) > 0 {
			managers, err := referralTeamMembers(ctx, t, r.ToTeamID, care.ReferralManagerRoles...)
			if err != nil {
				return err
			}
			if len(managers) == 0 {
				// Nobody manages the team in joinedup: an overdue referral
				// must still reach someone who can act on it.
				if managers, err = referralTeamMembers(ctx, t, r.ToTeamID); err != nil {
					return err
				}
			}
			name, err := serviceName(ctx, t, r.ServiceID)
			if err != nil {
				return err
			}
			for _, e := range due {
				res, err := t.exec(ctx, `INSERT INTO referral_escalations (id, referral_id, step, deadline, escalated_at, team_id,
					managers_told) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (referral_id, step) DO NOTHING`,
					newID(), r.ID, string(e.Step), e.Deadline, t.now, r.ToTeamID, len(managers))
				if err != nil {
					return err
				}
				if n, _ := res.RowsAffected(); n == 0 {
					r = r.MarkEscalated(e.Step, t.now)
					continue
				}
				ids := make([]string, len(managers))
				for i, m := range managers {
					ids[i] = m.UserID
				}
				if err := notifyUsers(ctx, t, actor, ids, func(uid string) notify.Message {
					return notify.ReferralOverdue(uid, r.ID, name, e.Step, e.Urgency)
				}); err != nil {
					return err
				}
				if err := t.appendAudit(ctx, actor, auditEntry{Action: "referral.escalate", ResourceType: "Task", ResourceID: r.ID,
					PersonID: r.PersonID, Detail: "step=" + string(e.Step) + " managers=" + itoa(len(managers))}); err != nil {
					return err
				}
				r = r.MarkEscalated(e.Step, t.now)
				sent++
			}
		}
		// The escalation columns change without a new version: escalating
		// is not an edit, and must not make someone's open form conflict.
		sc := scheduleOf(t.cal, r, targets)
		_, err = t.exec(ctx, `UPDATE referrals SET acknowledge_escalated_at = ?, decide_escalated_at = ?, escalate_at = ? WHERE id = ?`,
			nullTime(r.AcknowledgeEscalatedAt), nullTime(r.DecideEscalatedAt), nullTime(sc.escalate), r.ID)
		return err
	})
	return sent, err
}

// PendingEmail is one user to email that they have updates, and the
// notifications the email covers.
type PendingEmail struct {
	UserID          string
	Email           string
	NotificationIDs []string
}

// PendingEmails lists the users with notifications created since since that
// have not been emailed, one entry per user, at most limit users. Disabled
// accounts are left out.
func (s *Store) PendingEmails(ctx context.Context, since time.Time, limit int) ([]PendingEmail, error) {
	var list []PendingEmail
	err := s.read(ctx, func(t *tx) error {
		rows, err := t.query(ctx, `SELECT n.id, n.user_id, u.email FROM notifications n JOIN users u ON u.id = n.user_id
			WHERE n.emailed_at IS NULL AND n.created_at > ? AND u.disabled_at IS NULL ORDER BY n.user_id, n.created_at LIMIT ?`,
			since, limit*20)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, user, email string
			if err := rows.Scan(&id, &user, &email); err != nil {
				return err
			}
			if n := len(list); n > 0 && list[n-1].UserID == user {
				list[n-1].NotificationIDs = append(list[n-1].NotificationIDs, id)
				continue
			}
			if len(list) == limit {
				break
			}
			list = append(list, PendingEmail{UserID: user, Email: email, NotificationIDs: []string{id}})
		}
		return rows.Err()
	})
	return list, err
}

// MarkEmailed records that the notifications were emailed, so they are
// never emailed again.
func (s *Store) MarkEmailed(ctx context.Context, ids []string) error {
	return s.write(ctx, func(t *tx) error {
		for _, id := range ids {
			if _, err := t.exec(ctx, `UPDATE notifications SET emailed_at = ? WHERE id = ? AND emailed_at IS NULL`, t.now, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// ReferralImport is a referral made elsewhere, to bring into joinedup: the
// draft it started as (what it says, who made it and where it went), the
// changes it went through, its messages and the receiving team's feedback.
// Times are the times things happened, not the time of the import.
type ReferralImport struct {
	Start       care.ReferralTask
	History     []care.ReferralTransition
	Messages    []ImportedMessage
	MissingInfo []care.ReferralMissingInfo
}

// ImportedMessage is a message of an imported referral's thread.
type ImportedMessage struct {
	At     time.Time
	Side   care.ReferralSide
	Kind   care.ReferralMessageKind
	Author care.Actor
	Body   string
}

// ImportOptions tune an import.
type ImportOptions struct {
	// Timeline writes each change to the person's timeline, as if it had
	// happened in joinedup. Benchmark datasets leave it out.
	Timeline bool
}

// ImportReferrals brings in referrals, replaying each one's history through
// the state machine so that only a referral whose history explains its
// state is accepted. A redirected referral's target must be in the same
// import. Open referrals give their receiving teams a relationship with
// the person. One bad referral fails the whole import.
func (s *Store) ImportReferrals(ctx context.Context, actor care.Actor, list []ReferralImport, opts ImportOptions) error {
	if !actor.System {
		return s.denied(ctx, actor, auditEntry{Action: "referral.import", ResourceType: "Task"},
			care.Errorf(care.KindForbidden, "Only joinedup itself can import referrals."))
	}
	return s.write(ctx, func(t *tx) error {
		targetsOf := map[string]care.ReferralTargets{}
		names := map[string]string{}
		type link struct{ from, to string }
		var links []link
		for i, in := range list {
			r, err := care.ReplayReferral(in.Start, in.History)
			if err != nil {
				return fmt.Errorf("referral %d: %w", i+1, err)
			}
			if err := r.Consistent(); err != nil {
				return fmt.Errorf("referral %d: %w", i+1, err)
			}
			targets, ok := targetsOf[r.ServiceID]
			if !ok {
				if targets, _, err = findTargets(ctx, t, r.ServiceID); err != nil {
					return err
				}
				targetsOf[r.ServiceID] = targets
				if names[r.ServiceID], err = serviceName(ctx, t, r.ServiceID); err != nil {
					return fmt.Errorf("referral %d: service %s: %w", i+1, r.ServiceID, err)
				}
			}
			if r.RedirectedTo.ReferralID != "" {
				links = append(links, link{r.ID, r.RedirectedTo.ReferralID})
			}
			r.RedirectedTo, r.RedirectedFrom = care.ReferralLink{}, ""
			r.Version = len(in.History)
			if err := insertReferral(ctx, t, r, targets); err != nil {
				return fmt.Errorf("referral %d: %w", i+1, err)
			}
			for j, h := range in.History {
				h.Target.ReferralID = ""
				if err := insertTransition(ctx, t, h, j+1); err != nil {
					return err
				}
			}
			for _, m := range in.Messages {
				if _, err := t.exec(ctx, `INSERT INTO referral_messages (id, referral_id, sent_at, side, kind, author_user_id,
					author_name, author_team, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, newID(), r.ID, m.At, string(m.Side),
					string(m.Kind), m.Author.UserID, m.Author.Name, actorTeam(m.Author), m.Body); err != nil {
					return err
				}
			}
			for _, c := range in.MissingInfo {
				if _, err := t.exec(ctx, `INSERT INTO referral_missing_info (referral_id, category, service_id, recorded_at)
					VALUES (?, ?, ?, ?)`, r.ID, string(c), r.ServiceID, r.UpdatedAt); err != nil {
					return err
				}
			}
			if r.Status.Open() {
				if _, err := t.exec(ctx, `INSERT INTO care_relationships (id, person_id, kind, team_id, source_type, source_id,
					valid_from, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, newID(), r.PersonID, string(care.GrantOpenReferral),
					r.ToTeamID, referralSource, r.ID, r.SentAt, t.now); err != nil {
					return err
				}
			}
			if err := t.appendAudit(ctx, actor, auditEntry{Action: "referral.import", ResourceType: "Task", ResourceID: r.ID,
				PersonID: r.PersonID, Detail: "status=" + string(r.Status)}); err != nil {
				return err
			}
			if opts.Timeline {
				for _, h := range in.History {
					if h.Assignment {
						continue
					}
					summary := "Referral to " + names[r.ServiceID] + ": " + strings.ToLower(h.Headline())
					if h.To == care.ReferralRequested {
						summary = "Referred to " + names[r.ServiceID] + " (" + r.Urgency.Label() + ")"
					}
					if _, err := t.exec(ctx, `INSERT INTO timeline_events (id, person_id, occurred_at, type, summary, actor_user_id,
						actor_name, actor_team, visibility, link) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
						newID(), r.PersonID, h.At, string(care.ReferralEvent(h.To)), summary, h.ActorUserID, h.ActorName,
						importedTeamName(ctx, t, h.ActorTeamID), string(referralVisibility(r)), "/referrals/"+r.ID); err != nil {
						return err
					}
				}
			}
		}
		for _, l := range links {
			if _, err := t.exec(ctx, `UPDATE referrals SET redirected_to = ? WHERE id = ?`, l.to, l.from); err != nil {
				return err
			}
			if _, err := t.exec(ctx, `UPDATE referrals SET redirected_from = ? WHERE id = ?`, l.from, l.to); err != nil {
				return err
			}
			if _, err := t.exec(ctx, `UPDATE referral_transitions SET target_referral_id = ? WHERE referral_id = ? AND to_status = ?`,
				l.to, l.from, string(care.ReferralRedirected)); err != nil {
				return err
			}
		}
		return nil
	})
}

func importedTeamName(ctx context.Context, t *tx, teamID string) string {
	var name string
	err := t.queryRow(ctx, `SELECT name FROM teams WHERE id = ?`, teamID).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) || err != nil {
		return ""
	}
	return name
}

// CountReferrals reports how many referrals there are.
func (s *Store) CountReferrals(ctx context.Context) (int, error) {
	var n int
	err := s.read(ctx, func(t *tx) error {
		return t.queryRow(ctx, `SELECT COUNT(*) FROM referrals`).Scan(&n)
	})
	return n, err
}
