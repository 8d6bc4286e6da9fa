package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/joinedup/joinedup/internal/care"
)

// StartBreakGlass gives the actor emergency access to the record with the
// given NHS number, for care.BreakGlassDuration, on a stated reason. The
// reason goes into the audit trail and the privacy officers' review queue.
// If the actor already has a relationship with the person, nothing is
// started and already is true. A number with no record is reported at the
// field, and the attempt audited.
func (s *Store) StartBreakGlass(ctx context.Context, actor care.Actor, nhs string, category care.BreakGlassReason, reason string) (personID string, already bool, err error) {
	if !care.Allowed(actor, care.ActionBreakGlass) {
		return "", false, s.denied(ctx, actor, auditEntry{Action: "break_glass.start", ResourceType: "Patient"},
			care.Errorf(care.KindForbidden, "Your role cannot use emergency access."))
	}
	n, errs := care.ValidateBreakGlass(nhs, category, reason)
	if len(errs) > 0 {
		return "", false, errs.Err()
	}
	reason = strings.TrimSpace(reason)
	noRecord := false
	err = s.write(ctx, func(t *tx) error {
		err := t.queryRow(ctx, `SELECT id FROM people WHERE nhs_number = ?`, string(n)).Scan(&personID)
		if errors.Is(err, sql.ErrNoRows) {
			noRecord = true
			return care.FieldErrors{{Field: "nhs_number", Message: "There is no record with this NHS number. Check it has been copied correctly"}}.Err()
		}
		if err != nil {
			return err
		}
		a, err := findAccess(ctx, t, actor, personID)
		if err != nil {
			return err
		}
		if a.level != care.AccessNone {
			already = true
			return nil
		}
		id := newID()
		expires := t.now.Add(care.BreakGlassDuration)
		if _, err := t.exec(ctx, `INSERT INTO break_glass_access (id, person_id, user_id, team_id, role, category, reason,
			started_at, expires_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
			id, personID, actor.UserID, actor.Acting.TeamID, string(actor.Role()), string(category), reason, t.now, expires); err != nil {
			return err
		}
		if err := t.appendAudit(ctx, actor, auditEntry{Action: "break_glass.start", ResourceType: "Patient", ResourceID: id,
			PersonID: personID, Reason: string(category) + ": " + reason, Detail: "hours=" + itoa(int(care.BreakGlassDuration.Hours()))}); err != nil {
			return err
		}
		return appendTimeline(ctx, t, actor, care.TimelineEvent{PersonID: personID, Type: care.EventBreakGlass,
			Summary: "Emergency access to the record by " + actor.Name + " (" + actor.Role().Label() + ")", Visibility: care.VisibleToRecord})
	})
	if noRecord {
		if auditErr := s.write(ctx, func(t *tx) error {
			return t.appendAudit(ctx, actor, auditEntry{Action: "break_glass.start", ResourceType: "Patient",
				Reason: string(category) + ": " + reason, Outcome: "failure", Detail: "no-record-with-that-nhs-number"})
		}); auditErr != nil {
			return "", false, auditErr
		}
	}
	return personID, already, err
}

const breakGlassColumns = `b.id, b.person_id, b.user_id, u.display_name, b.role, tm.name, o.name, b.category, b.reason,
	b.started_at, b.expires_at, b.reviewed_at, b.reviewed_by, b.outcome, b.review_note, b.version,
	p.given_name, p.family_name, p.nhs_number`

const breakGlassFrom = ` FROM break_glass_access b JOIN users u ON u.id = b.user_id JOIN teams tm ON tm.id = b.team_id
	JOIN organisations o ON o.id = tm.organisation_id JOIN people p ON p.id = b.person_id`

func scanBreakGlass(r rowScanner) (care.BreakGlass, error) {
	var b care.BreakGlass
	var role, category, given, family, nhs string
	var reviewedAt sql.NullTime
	var reviewedBy, outcome, note sql.NullString
	err := r.Scan(&b.ID, &b.PersonID, &b.UserID, &b.UserName, &role, &b.TeamName, &b.OrgName, &category, &b.Reason,
		&b.StartedAt, &b.ExpiresAt, &reviewedAt, &reviewedBy, &outcome, &note, &b.Version, &given, &family, &nhs)
	b.Role, b.Category = care.Role(role), care.BreakGlassReason(category)
	b.ReviewedAt, b.ReviewedBy, b.Outcome, b.ReviewNote = reviewedAt.Time, reviewedBy.String, care.ReviewOutcome(outcome.String), note.String
	b.PersonName, b.PersonNHS = strings.TrimSpace(given+" "+family), care.NHSNumber(nhs)
	return b, err
}

// countReads counts the reads of a record by a user during their emergency
// access, from the audit trail, so the reviewer sees what it was used for.
func countReads(ctx context.Context, t *tx, b *care.BreakGlass) error {
	return t.queryRow(ctx, `SELECT COUNT(*) FROM audit_events WHERE person_id = ? AND user_id = ? AND action LIKE 'person.read%'
		AND outcome = 'success' AND occurred_at >= ? AND occurred_at < ?`, b.PersonID, b.UserID, b.StartedAt, b.ExpiresAt).Scan(&b.ReadsDuring)
}

// BreakGlassQueue lists uses of emergency access for privacy officers:
// those waiting for review, oldest first, or those reviewed, newest first.
// Each person named is audited as seen in the queue.
func (s *Store) BreakGlassQueue(ctx context.Context, actor care.Actor, reviewed bool) ([]care.BreakGlass, error) {
	if !care.Allowed(actor, care.ActionReviewBreakGlass) {
		return nil, s.denied(ctx, actor, auditEntry{Action: "break_glass.queue", ResourceType: "AuditEvent"},
			care.Errorf(care.KindForbidden, "Only privacy officers review emergency access."))
	}
	where := ` WHERE b.reviewed_at IS NULL ORDER BY b.started_at, b.id LIMIT 200`
	if reviewed {
		where = ` WHERE b.reviewed_at IS NOT NULL ORDER BY b.reviewed_at DESC, b.id DESC LIMIT 200`
	}
	var list []care.BreakGlass
	err := s.write(ctx, func(t *tx) error {
		rows, err := t.query(ctx, `SELECT `+breakGlassColumns+breakGlassFrom+where)
		if err != nil {
			return err
		}
		for rows.Next() {
			b, err := scanBreakGlass(rows)
			if err != nil {
				rows.Close()
				return err
			}
			list = append(list, b)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		for i := range list {
			if err := countReads(ctx, t, &list[i]); err != nil {
				return err
			}
			if err := t.appendAudit(ctx, actor, auditEntry{Action: "break_glass.listed", ResourceType: "Patient",
				ResourceID: list[i].ID, PersonID: list[i].PersonID, Detail: "parts=identity,break-glass-reason"}); err != nil {
				return err
			}
		}
		return nil
	})
	return list, err
}

// BreakGlassUse returns one use of emergency access for review.
func (s *Store) BreakGlassUse(ctx context.Context, actor care.Actor, id string) (care.BreakGlass, error) {
	if !care.Allowed(actor, care.ActionReviewBreakGlass) {
		return care.BreakGlass{}, s.denied(ctx, actor, auditEntry{Action: "break_glass.read", ResourceType: "AuditEvent", ResourceID: id},
			care.Errorf(care.KindForbidden, "Only privacy officers review emergency access."))
	}
	var b care.BreakGlass
	err := s.write(ctx, func(t *tx) error {
		var err error
		b, err = scanBreakGlass(t.queryRow(ctx, `SELECT `+breakGlassColumns+breakGlassFrom+` WHERE b.id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return care.Errorf(care.KindNotFound, "There is no such use of emergency access.")
		}
		if err != nil {
			return err
		}
		if err := countReads(ctx, t, &b); err != nil {
			return err
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "break_glass.read", ResourceType: "Patient", ResourceID: id,
			PersonID: b.PersonID, Detail: "parts=identity,break-glass-reason"})
	})
	return b, err
}

// ReviewBreakGlass records a privacy officer's finding. version is the one
// they saw, so two officers cannot both review it unawares.
func (s *Store) ReviewBreakGlass(ctx context.Context, actor care.Actor, id string, outcome care.ReviewOutcome, note string, version int) error {
	if !care.Allowed(actor, care.ActionReviewBreakGlass) {
		return s.denied(ctx, actor, auditEntry{Action: "break_glass.review", ResourceType: "AuditEvent", ResourceID: id},
			care.Errorf(care.KindForbidden, "Only privacy officers review emergency access."))
	}
	if errs := care.ValidateReview(outcome, note); len(errs) > 0 {
		return errs.Err()
	}
	return s.write(ctx, func(t *tx) error {
		var personID string
		err := t.queryRow(ctx, `SELECT person_id FROM break_glass_access WHERE id = ?`, id).Scan(&personID)
		if errors.Is(err, sql.ErrNoRows) {
			return care.Errorf(care.KindNotFound, "There is no such use of emergency access.")
		}
		if err != nil {
			return err
		}
		if err := t.execOne(ctx, care.Errorf(care.KindConflict, "Someone else reviewed this at the same time. Their review has been kept."),
			`UPDATE break_glass_access SET reviewed_at = ?, reviewed_by = ?, outcome = ?, review_note = ?, version = version + 1
			WHERE id = ? AND version = ? AND reviewed_at IS NULL`, t.now, actor.Name, string(outcome), strings.TrimSpace(note), id, version); err != nil {
			return err
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "break_glass.review", ResourceType: "AuditEvent", ResourceID: id,
			PersonID: personID, Detail: "outcome=" + string(outcome)})
	})
}

// PersonAccessLog lists who has accessed the person's record: every audit
// row that names them, newest first, with people, teams and organisations
// by name and each action in plain words, so the person can read it too.
// Reading it is itself audited.
func (s *Store) PersonAccessLog(ctx context.Context, actor care.Actor, personID string) (care.PersonSummary, []care.AccessEvent, error) {
	var who care.PersonSummary
	var list []care.AccessEvent
	if !care.Allowed(actor, care.ActionViewAccessLog) {
		return who, nil, s.denied(ctx, actor, auditEntry{Action: "person.access_log", ResourceType: "AuditEvent", PersonID: personID},
			care.Errorf(care.KindForbidden, "Only privacy officers can see who has accessed a record."))
	}
	err := s.write(ctx, func(t *tx) error {
		p, err := findPerson(ctx, t, personID)
		if err != nil {
			return err
		}
		who = care.PersonSummary{ID: p.ID, NHSNumber: p.NHSNumber, GivenName: p.GivenName, FamilyName: p.FamilyName, DateOfBirth: p.DateOfBirth}
		rows, err := t.query(ctx, `SELECT a.occurred_at, a.user_id, a.role, a.action, a.reason, a.outcome, a.detail,
			u.display_name, tm.name, o.name
			FROM audit_events a LEFT JOIN users u ON u.id = a.user_id LEFT JOIN teams tm ON tm.id = a.team_id
			LEFT JOIN organisations o ON o.id = tm.organisation_id
			WHERE a.person_id = ? ORDER BY a.occurred_at DESC, a.id DESC LIMIT 500`, personID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var e care.AccessEvent
			var userID, role, action, outcome, detail string
			var name, team, org sql.NullString
			if err := rows.Scan(&e.At, &userID, &role, &action, &e.Reason, &outcome, &detail, &name, &team, &org); err != nil {
				rows.Close()
				return err
			}
			e.Role, e.TeamName, e.OrgName = care.Role(role), team.String, org.String
			e.UserName = name.String
			if strings.HasPrefix(userID, "system:") {
				e.UserName = "joinedup (" + strings.TrimPrefix(userID, "system:") + ")"
			}
			e.What, e.Denied = care.DescribeAuditAction(action), outcome == "denied"
			e.Parts, e.Via = detailField(detail, "parts"), detailField(detail, "via")
			list = append(list, e)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "person.access_log", ResourceType: "AuditEvent", ResourceID: personID,
			PersonID: personID, Detail: "rows=" + itoa(len(list))})
	})
	return who, list, err
}

// detailField reads key=value from an audit detail, with its hyphens and
// commas made readable: "parts=identity,care-team" gives "identity, care team".
func detailField(detail, key string) string {
	for _, f := range strings.Fields(detail) {
		if v, ok := strings.CutPrefix(f, key+"="); ok {
			v = strings.ReplaceAll(v, ",", ", ")
			v = strings.ReplaceAll(v, "+", ", ")
			v = strings.ReplaceAll(v, ":", " ")
			return strings.ReplaceAll(v, "-", " ")
		}
	}
	return ""
}

// FindPersonForAccessLog finds a person by NHS number for a privacy officer
// looking into who has accessed their record. The look-up is audited.
func (s *Store) FindPersonForAccessLog(ctx context.Context, actor care.Actor, nhs care.NHSNumber) (string, error) {
	if !care.Allowed(actor, care.ActionViewAccessLog) {
		return "", s.denied(ctx, actor, auditEntry{Action: "person.access_log", ResourceType: "AuditEvent"},
			care.Errorf(care.KindForbidden, "Only privacy officers can see who has accessed a record."))
	}
	var id string
	err := s.write(ctx, func(t *tx) error {
		err := t.queryRow(ctx, `SELECT id FROM people WHERE nhs_number = ?`, string(nhs)).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return care.FieldErrors{{Field: "nhs_number", Message: "There is no record with this NHS number"}}.Err()
		}
		if err != nil {
			return err
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "person.access_log.find", ResourceType: "Patient", ResourceID: id,
			PersonID: id, Detail: "by=nhs-number"})
	})
	return id, err
}
