package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/joinedup/joinedup/internal/audit"
	"github.com/joinedup/joinedup/internal/care"
)

// auditEntry is what a store method knows about an action it audits; the
// actor, time and origin are filled in by appendAudit.
type auditEntry struct {
	Action       string
	ResourceType string
	ResourceID   string
	PersonID     string
	Reason       string
	Outcome      audit.Outcome
	Detail       string
}

// appendAudit writes an unsealed audit event inside the caller's transaction,
// so the event is committed exactly when the change it records is.
func (t *tx) appendAudit(ctx context.Context, actor care.Actor, e auditEntry) error {
	if e.Outcome == "" {
		e.Outcome = audit.OutcomeSuccess
	}
	if t.heldAudits != nil {
		// A read in readAudited: the row is written after it.
		*t.heldAudits = append(*t.heldAudits, e)
		return nil
	}
	ev := audit.Event{
		ID:           newID(),
		At:           t.now,
		UserID:       auditUserID(actor),
		Role:         string(actor.Role()),
		TeamID:       actor.Acting.TeamID,
		Action:       e.Action,
		ResourceType: e.ResourceType,
		ResourceID:   e.ResourceID,
		PersonID:     e.PersonID,
		IP:           audit.OriginFrom(ctx).IP,
		Reason:       e.Reason,
		Outcome:      e.Outcome,
		Detail:       e.Detail,
	}
	t.audited = true
	_, err := t.exec(ctx, `INSERT INTO audit_events (id, occurred_at, user_id, role, team_id, action,
		resource_type, resource_id, person_id, ip, reason, outcome, detail, digest)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		ev.ID, ev.At, ev.UserID, ev.Role, ev.TeamID, ev.Action, ev.ResourceType, ev.ResourceID,
		ev.PersonID, ev.IP, ev.Reason, string(ev.Outcome), ev.Detail, audit.Digest(ev))
	return err
}

// readAudited runs fn in a read-only transaction (on SQLite, on the reader
// pool, so reads run side by side instead of queueing for the writer), with
// every t.appendAudit it makes held back, then writes those audit rows in a
// write transaction of their own, which on SQLite shares its commit with
// other requests' (writer.go). It returns only once the rows are durable,
// so a read is never shown without its audit row. fn decides access on its
// snapshot; the rows record that decision a moment later. fn must not write
// anything else: the read-only transaction refuses it. A refusal fn returns
// (refuse) is audited as personWrite audits one.
func (s *Store) readAudited(ctx context.Context, actor care.Actor, fn func(*tx) error) error {
	var held []auditEntry
	err := s.read(ctx, func(t *tx) error {
		t.heldAudits = &held
		return fn(t)
	})
	var refusal *personRefusal
	if errors.As(err, &refusal) {
		return s.denied(ctx, actor, refusal.entry, refusal.err)
	}
	if err != nil || len(held) == 0 {
		return err
	}
	return s.write(ctx, func(t *tx) error {
		for _, e := range held {
			if err := t.appendAudit(ctx, actor, e); err != nil {
				return err
			}
		}
		return nil
	})
}

// RecordDenied audits an attempt that was refused. It runs in a transaction
// of its own because the refused work is never committed.
func (s *Store) RecordDenied(ctx context.Context, actor care.Actor, action, resourceType, resourceID, personID, detail string) error {
	return s.write(ctx, func(t *tx) error {
		return t.appendAudit(ctx, actor, auditEntry{Action: action, ResourceType: resourceType,
			ResourceID: resourceID, PersonID: personID, Outcome: audit.OutcomeDenied, Detail: detail})
	})
}

// denied writes the audit row for a refused attempt and returns err, so a
// store method can refuse with one line.
func (s *Store) denied(ctx context.Context, actor care.Actor, e auditEntry, err error) error {
	e.Outcome = audit.OutcomeDenied
	if auditErr := s.write(ctx, func(t *tx) error { return t.appendAudit(ctx, actor, e) }); auditErr != nil {
		return auditErr
	}
	return err
}

// sealBatch bounds how many events one seal handles, keeping each sealing
// transaction short.
const sealBatch = 5000

// SealAudit chains unsealed audit events in the order they are found and
// reports how many it sealed. Any number of instances may call it: on
// PostgreSQL the chain head row is locked for the few milliseconds a seal
// takes, which never blocks the business transactions that write events.
func (s *Store) SealAudit(ctx context.Context) (int, error) {
	total := 0
	for {
		n := 0
		err := s.write(ctx, func(t *tx) error {
			lock := ""
			if s.dialect == Postgres {
				lock = " FOR UPDATE"
			}
			var head audit.Head
			if err := t.queryRow(ctx, `SELECT last_seq, last_hash FROM audit_chain WHERE id = 1`+lock).Scan(&head.Seq, &head.Hash); err != nil {
				return err
			}
			rows, err := t.query(ctx, `SELECT id, digest FROM audit_events WHERE seq IS NULL ORDER BY occurred_at, id LIMIT ?`, sealBatch)
			if err != nil {
				return err
			}
			type pending struct{ id, digest string }
			var batch []pending
			for rows.Next() {
				var p pending
				if err := rows.Scan(&p.id, &p.digest); err != nil {
					rows.Close()
					return err
				}
				batch = append(batch, p)
			}
			if err := rows.Close(); err != nil {
				return err
			}
			if len(batch) == 0 {
				return nil
			}
			for _, p := range batch {
				head.Seq++
				head.Hash = audit.ChainHash(head.Hash, head.Seq, p.digest)
				if _, err := t.exec(ctx, `UPDATE audit_events SET seq = ?, chain_hash = ? WHERE id = ? AND seq IS NULL`, head.Seq, head.Hash, p.id); err != nil {
					return err
				}
			}
			n = len(batch)
			_, err = t.exec(ctx, `UPDATE audit_chain SET last_seq = ?, last_hash = ?, sealed_at = ? WHERE id = 1`, head.Seq, head.Hash, t.now)
			return err
		})
		total += n
		if err != nil || n < sealBatch {
			return total, err
		}
	}
}

// VerifyAudit checks the whole audit trail: every sealed row in sequence,
// then the unsealed tail, which may only hold rows younger than maxUnsealed.
// The returned error is an *audit.Problem naming the first broken row.
func (s *Store) VerifyAudit(ctx context.Context, maxUnsealed time.Duration) (audit.Result, error) {
	v := audit.NewVerifier()
	var res audit.Result
	err := s.read(ctx, func(t *tx) error {
		var head audit.Head
		if err := t.queryRow(ctx, `SELECT last_seq, last_hash FROM audit_chain WHERE id = 1`).Scan(&head.Seq, &head.Hash); err != nil {
			return err
		}
		if err := scanAudit(ctx, t, `WHERE seq IS NOT NULL ORDER BY seq`, v.Sealed); err != nil {
			return err
		}
		now := t.now
		if err := scanAudit(ctx, t, `WHERE seq IS NULL ORDER BY occurred_at, id`, func(r audit.Row) error {
			return v.Unsealed(r, now, maxUnsealed)
		}); err != nil {
			return err
		}
		var err error
		res, err = v.Finish(head)
		return err
	})
	return res, err
}

const auditColumns = `id, occurred_at, user_id, role, team_id, action, resource_type, resource_id,
	person_id, ip, reason, outcome, detail, digest, seq, chain_hash`

func scanAudit(ctx context.Context, t *tx, where string, fn func(audit.Row) error, args ...any) error {
	rows, err := t.query(ctx, `SELECT `+auditColumns+` FROM audit_events `+where, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanAuditRow(rows)
		if err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}

func scanAuditRow(rows *sql.Rows) (audit.Row, error) {
	var r audit.Row
	var seq sql.NullInt64
	var chain sql.NullString
	var outcome string
	err := rows.Scan(&r.ID, &r.At, &r.UserID, &r.Role, &r.TeamID, &r.Action, &r.ResourceType,
		&r.ResourceID, &r.PersonID, &r.IP, &r.Reason, &outcome, &r.Detail, &r.Digest, &seq, &chain)
	r.Outcome = audit.Outcome(outcome)
	r.Seq, r.ChainHash = seq.Int64, chain.String
	r.At = r.At.UTC()
	return r, err
}

// AuditFilter selects audit events to list.
type AuditFilter struct {
	PersonID string
	UserID   string
	Limit    int
}

// ListAudit returns audit events, newest first. Reading the audit trail is
// itself audited.
func (s *Store) ListAudit(ctx context.Context, actor care.Actor, f AuditFilter) ([]audit.Row, error) {
	if !care.Allowed(actor, care.ActionViewAudit) {
		return nil, s.denied(ctx, actor, auditEntry{Action: "audit.list", ResourceType: "AuditEvent", PersonID: f.PersonID},
			care.Errorf(care.KindForbidden, "Only privacy officers and administrators can read the audit trail."))
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	var list []audit.Row
	err := s.readAudited(ctx, actor, func(t *tx) error {
		where, args := "WHERE 1 = 1", []any{}
		if f.PersonID != "" {
			where += " AND person_id = ?"
			args = append(args, f.PersonID)
		}
		if f.UserID != "" {
			where += " AND user_id = ?"
			args = append(args, f.UserID)
		}
		args = append(args, f.Limit)
		if err := scanAudit(ctx, t, where+` ORDER BY occurred_at DESC, id DESC LIMIT ?`, func(r audit.Row) error {
			list = append(list, r)
			return nil
		}, args...); err != nil {
			return err
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "audit.list", ResourceType: "AuditEvent", PersonID: f.PersonID})
	})
	return list, err
}

// auditUserID names who acted: a user's id, or "system:" and what the system
// was doing, so command-line and scheduled work is attributable too.
func auditUserID(a care.Actor) string {
	if a.System {
		return "system:" + a.Name
	}
	return a.UserID
}
