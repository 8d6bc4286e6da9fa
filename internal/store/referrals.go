package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/notify"
)

// Referrals (C2) are kept in referral_*.go: sending one (referral_send.go),
// moving it on through the state machine in care, redirecting and
// assigning it (referral_changes.go), its page and thread
// (referral_thread.go), the queues (referral_queues.go), escalation and
// email (referral_jobs.go), and each service's targets
// (referral_targets.go). Every change is one transaction that writes the
// referral, the record of the change, the audit row, the event on the
// person's timeline, the relationship an open referral gives the receiving
// team, and the notifications to the other side. The workflow rules
// themselves are in care; the store only applies them to what is stored.
//
// This file keeps a referral as stored: its row, the schedule kept beside
// it, its holds and history, and whom a change tells.

// Calendar is the working calendar the store counts in: referral response
// targets and escalations, MDT dates, and today's date.
func (s *Store) Calendar() *care.Calendar { return s.cal }

// referralSource names referrals in care_relationships and audit rows.
const referralSource = "referral"

const referralColumns = `r.id, r.person_id, r.need_code, r.wants, r.urgency, r.legal_basis, r.justification, r.contact,
	r.access_needs, r.referrer_user_id, r.from_team_id, r.from_org_id, r.service_id, r.to_team_id, r.to_org_id,
	r.assigned_to, r.status, r.held_from, r.decision, r.status_reason, r.status_note, r.alternative, r.outcome,
	r.outcome_summary, r.redirected_to, r.redirected_from, r.created_at, r.sent_at, r.acknowledged_at, r.decided_at,
	r.closed_at, r.updated_at, r.acknowledge_escalated_at, r.decide_escalated_at, r.loop_closed_at, r.outcome_seen_at,
	r.due_at, r.version`

// referralRow is a referral as stored: the domain value and what only the
// store keeps beside it.
type referralRow struct {
	task          care.ReferralTask
	loopClosedAt  time.Time
	outcomeSeenAt time.Time
	dueAt         time.Time
}

func scanReferral(sc rowScanner) (referralRow, error) {
	var row referralRow
	r := &row.task
	var urgency, basis, status, heldFrom, decision, outcome string
	var assigned, redirectedTo, redirectedFrom sql.NullString
	var sent, ack, decided, closed, ackEsc, decEsc, loopClosed, seen, due sql.NullTime
	err := sc.Scan(&r.ID, &r.PersonID, &r.NeedCode, &r.Wants, &urgency, &basis, &r.Justification, &r.Contact,
		&r.AccessNeeds, &r.ReferrerUserID, &r.FromTeamID, &r.FromOrgID, &r.ServiceID, &r.ToTeamID, &r.ToOrgID,
		&assigned, &status, &heldFrom, &decision, &r.StatusReason, &r.StatusNote, &r.Alternative, &outcome,
		&r.OutcomeSummary, &redirectedTo, &redirectedFrom, &r.CreatedAt, &sent, &ack, &decided,
		&closed, &r.UpdatedAt, &ackEsc, &decEsc, &loopClosed, &seen, &due, &r.Version)
	if err != nil {
		return row, err
	}
	r.Urgency, r.LegalBasis, r.Status = care.ReferralUrgency(urgency), care.LegalBasis(basis), care.ReferralStatus(status)
	r.HeldFrom, r.Decision, r.Outcome = care.ReferralStatus(heldFrom), care.ReferralStatus(decision), care.ReferralOutcome(outcome)
	r.AssignedTo, r.RedirectedTo.ReferralID, r.RedirectedFrom = assigned.String, redirectedTo.String, redirectedFrom.String
	r.CreatedAt, r.UpdatedAt = r.CreatedAt.UTC(), r.UpdatedAt.UTC()
	r.SentAt, r.AcknowledgedAt, r.DecidedAt, r.ClosedAt = utcOf(sent), utcOf(ack), utcOf(decided), utcOf(closed)
	r.AcknowledgeEscalatedAt, r.DecideEscalatedAt = utcOf(ackEsc), utcOf(decEsc)
	row.loopClosedAt, row.outcomeSeenAt, row.dueAt = utcOf(loopClosed), utcOf(seen), utcOf(due)
	return row, nil
}

func utcOf(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

func errNoReferral() error {
	return care.Errorf(care.KindNotFound, "There is no such referral.")
}

// findReferral loads a referral with its holds, its missing-information
// feedback and where it was redirected to.
func findReferral(ctx context.Context, t *tx, id string) (referralRow, error) {
	row, err := scanReferral(t.queryRow(ctx, `SELECT `+referralColumns+` FROM referrals r WHERE r.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return row, errNoReferral()
	}
	if err != nil {
		return row, err
	}
	r := &row.task
	rows, err := t.query(ctx, `SELECT started_at, ended_at, before_decision FROM referral_holds WHERE referral_id = ? ORDER BY seq`, id)
	if err != nil {
		return row, err
	}
	for rows.Next() {
		var h care.ReferralHold
		var ended sql.NullTime
		var before int
		if err := rows.Scan(&h.From, &ended, &before); err != nil {
			rows.Close()
			return row, err
		}
		h.From, h.To, h.BeforeDecision = h.From.UTC(), utcOf(ended), before == 1
		r.Holds = append(r.Holds, h)
	}
	if err := rows.Close(); err != nil {
		return row, err
	}
	cats, err := queryStrings(ctx, t, `SELECT category FROM referral_missing_info WHERE referral_id = ?`, id)
	if err != nil {
		return row, err
	}
	for _, c := range care.ReferralMissingInfoCategories() {
		if slices.Contains(cats, c.Code) {
			r.MissingInfo = append(r.MissingInfo, care.ReferralMissingInfo(c.Code))
		}
	}
	if r.RedirectedTo.ReferralID != "" {
		err := t.queryRow(ctx, `SELECT service_id, to_team_id, to_org_id FROM referrals WHERE id = ?`, r.RedirectedTo.ReferralID).
			Scan(&r.RedirectedTo.ServiceID, &r.RedirectedTo.TeamID, &r.RedirectedTo.OrgID)
		if err != nil {
			return row, err
		}
	}
	return row, nil
}

// referralSchedule is what the store keeps beside a referral so queues and
// the escalation job need no calendar: see the referrals table.
type referralSchedule struct {
	ackBy, decideBy, due, escalate time.Time
	paused                         bool
}

func scheduleOf(cal *care.Calendar, r care.ReferralTask, targets care.ReferralTargets) referralSchedule {
	d, ok := r.Deadlines(cal, targets)
	if !ok {
		return referralSchedule{}
	}
	s := referralSchedule{ackBy: d.AcknowledgeBy, decideBy: d.DecideBy, paused: d.DecidePaused}
	switch r.Status {
	case care.ReferralRequested:
		s.due = d.AcknowledgeBy
		switch {
		case r.AcknowledgeEscalatedAt.IsZero():
			s.escalate = d.AcknowledgeBy
		case r.DecideEscalatedAt.IsZero():
			s.escalate = d.DecideBy
		}
	case care.ReferralReceived:
		if r.Decision == "" {
			s.due = d.DecideBy
			if r.DecideEscalatedAt.IsZero() {
				s.escalate = d.DecideBy
			}
		}
	}
	return s
}

// insertReferral writes a new referral row with its schedule and holds.
func insertReferral(ctx context.Context, t *tx, r care.ReferralTask, targets care.ReferralTargets) error {
	sc := scheduleOf(t.cal, r, targets)
	_, err := t.exec(ctx, `INSERT INTO referrals (id, person_id, need_code, wants, urgency, legal_basis, justification,
		contact, access_needs, referrer_user_id, from_team_id, from_org_id, service_id, to_team_id, to_org_id, assigned_to,
		status, is_open, held_from, decision, status_reason, status_note, alternative, outcome, outcome_summary,
		created_at, sent_at, acknowledged_at, decided_at, closed_at, updated_at, acknowledge_by, decide_by,
		decide_paused, due_at, escalate_at, acknowledge_escalated_at, decide_escalated_at, loop_closed_at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.PersonID, r.NeedCode, r.Wants, string(r.Urgency), string(r.LegalBasis), r.Justification,
		r.Contact, r.AccessNeeds, r.ReferrerUserID, r.FromTeamID, r.FromOrgID, r.ServiceID, r.ToTeamID, r.ToOrgID,
		nullString(r.AssignedTo), string(r.Status), boolInt(r.Status.Open()), string(r.HeldFrom), string(r.Decision),
		r.StatusReason, r.StatusNote, r.Alternative, string(r.Outcome), r.OutcomeSummary,
		r.CreatedAt, nullTime(r.SentAt), nullTime(r.AcknowledgedAt), nullTime(r.DecidedAt), nullTime(r.ClosedAt), r.UpdatedAt,
		nullTime(sc.ackBy), nullTime(sc.decideBy), boolInt(sc.paused), nullTime(sc.due), nullTime(sc.escalate),
		nullTime(r.AcknowledgeEscalatedAt), nullTime(r.DecideEscalatedAt), nullTime(loopClosedAt(r)), r.Version)
	if err != nil {
		return err
	}
	return writeHolds(ctx, t, r)
}

// loopClosedAt is when the outcome went back to the referrer: when the
// referral closed, if closing it closed the loop.
func loopClosedAt(r care.ReferralTask) time.Time {
	if r.LoopClosed() {
		return r.ClosedAt
	}
	return time.Time{}
}

func writeHolds(ctx context.Context, t *tx, r care.ReferralTask) error {
	if _, err := t.exec(ctx, `DELETE FROM referral_holds WHERE referral_id = ?`, r.ID); err != nil {
		return err
	}
	for i, h := range r.Holds {
		if _, err := t.exec(ctx, `INSERT INTO referral_holds (referral_id, seq, started_at, ended_at, before_decision)
			VALUES (?, ?, ?, ?, ?)`, r.ID, i+1, h.From, nullTime(h.To), boolInt(h.BeforeDecision)); err != nil {
			return err
		}
	}
	return nil
}

// errReferralChanged is what the slower of two people changing a referral
// at once is told.
func errReferralChanged() error {
	return care.Errorf(care.KindConflict, "Someone else changed this referral at the same moment. Nothing you did has been saved: look at the referral again to see where it is now.")
}

// updateReferral saves a changed referral if nobody else has changed it
// since version was read, recomputing its schedule.
func updateReferral(ctx context.Context, t *tx, r care.ReferralTask, version int, targets care.ReferralTargets, holdsChanged bool) error {
	sc := scheduleOf(t.cal, r, targets)
	if err := t.execOne(ctx, errReferralChanged(), `UPDATE referrals SET assigned_to = ?, status = ?, is_open = ?, held_from = ?,
		decision = ?, status_reason = ?, status_note = ?, alternative = ?, outcome = ?, outcome_summary = ?, redirected_to = ?,
		sent_at = ?, acknowledged_at = ?, decided_at = ?, closed_at = ?, updated_at = ?, acknowledge_by = ?, decide_by = ?,
		decide_paused = ?, due_at = ?, escalate_at = ?, loop_closed_at = COALESCE(loop_closed_at, ?), version = version + 1
		WHERE id = ? AND version = ?`,
		nullString(r.AssignedTo), string(r.Status), boolInt(r.Status.Open()), string(r.HeldFrom), string(r.Decision),
		r.StatusReason, r.StatusNote, r.Alternative, string(r.Outcome), r.OutcomeSummary, nullString(r.RedirectedTo.ReferralID),
		nullTime(r.SentAt), nullTime(r.AcknowledgedAt), nullTime(r.DecidedAt), nullTime(r.ClosedAt), r.UpdatedAt,
		nullTime(sc.ackBy), nullTime(sc.decideBy), boolInt(sc.paused), nullTime(sc.due), nullTime(sc.escalate),
		nullTime(loopClosedAt(r)), r.ID, version); err != nil {
		return err
	}
	if !holdsChanged {
		return nil
	}
	return writeHolds(ctx, t, r)
}

// holdsChanged reports whether a change started or ended a hold.
func holdsChanged(was, next care.ReferralTask) bool {
	return was.Status == care.ReferralOnHold || next.Status == care.ReferralOnHold || len(was.Holds) != len(next.Holds)
}

// insertTransition appends the record of a change to the referral's history
// as its seq'th change. Every change moves the referral to a new version,
// so seq is the version the change made; the unique key on (referral_id,
// seq) is a second guard against two changes from one version.
func insertTransition(ctx context.Context, t *tx, rec care.ReferralTransition, seq int) error {
	_, err := t.exec(ctx, `INSERT INTO referral_transitions (id, referral_id, seq, from_status, to_status, occurred_at, side,
		actor_user_id, actor_name, actor_team_id, actor_role, by_system, reason, note, alternative, outcome,
		target_referral_id, resumed, assignment, assigned_to)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		newID(), rec.ReferralID, seq, string(rec.From), string(rec.To), rec.At, string(rec.Side),
		rec.ActorUserID, rec.ActorName, rec.ActorTeamID, string(rec.ActorRole), boolInt(rec.System), rec.Reason, rec.Note,
		rec.Alternative, string(rec.Outcome), nullString(rec.Target.ReferralID), boolInt(rec.Resumed), boolInt(rec.Assignment),
		rec.AssignedTo)
	return err
}

// findTransitions loads a referral's history in order.
func findTransitions(ctx context.Context, t *tx, id string) ([]care.ReferralTransition, error) {
	rows, err := t.query(ctx, `SELECT from_status, to_status, occurred_at, side, actor_user_id, actor_name, actor_team_id,
		actor_role, by_system, reason, note, alternative, outcome, target_referral_id, resumed, assignment, assigned_to
		FROM referral_transitions WHERE referral_id = ? ORDER BY seq`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []care.ReferralTransition
	for rows.Next() {
		rec := care.ReferralTransition{ReferralID: id}
		var from, to, side, role, outcome string
		var target sql.NullString
		var system, resumed, assignment int
		if err := rows.Scan(&from, &to, &rec.At, &side, &rec.ActorUserID, &rec.ActorName, &rec.ActorTeamID, &role, &system,
			&rec.Reason, &rec.Note, &rec.Alternative, &outcome, &target, &resumed, &assignment, &rec.AssignedTo); err != nil {
			return nil, err
		}
		rec.From, rec.To, rec.Side, rec.ActorRole = care.ReferralStatus(from), care.ReferralStatus(to), care.ReferralSide(side), care.Role(role)
		rec.At, rec.Outcome, rec.Target.ReferralID = rec.At.UTC(), care.ReferralOutcome(outcome), target.String
		rec.System, rec.Resumed, rec.Assignment = system == 1, resumed == 1, assignment == 1
		list = append(list, rec)
	}
	return list, rows.Err()
}

// referralTeamMembers lists the enabled users who take part in referrals in
// a team, optionally only those in some roles.
func referralTeamMembers(ctx context.Context, t *tx, teamID string, roles ...care.Role) ([]TeamMember, error) {
	rows, err := t.query(ctx, `SELECT u.id, u.display_name, m.role FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.team_id = ? AND u.disabled_at IS NULL ORDER BY u.display_name, u.id`, teamID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []TeamMember
	for rows.Next() {
		var m TeamMember
		var role string
		if err := rows.Scan(&m.UserID, &m.Name, &role); err != nil {
			return nil, err
		}
		m.Role = care.Role(role)
		if !m.Role.IsCareRole() || len(roles) > 0 && !slices.Contains(roles, m.Role) {
			continue
		}
		if len(list) > 0 && list[len(list)-1].UserID == m.UserID {
			continue
		}
		list = append(list, m)
	}
	return list, rows.Err()
}

// TeamMember is someone in a team who can hold referrals.
type TeamMember struct {
	UserID string
	Name   string
	Role   care.Role
}

// ReferralTeamMembers lists who in a team can be given its referrals.
func (s *Store) ReferralTeamMembers(ctx context.Context, teamID string) ([]TeamMember, error) {
	var list []TeamMember
	err := s.read(ctx, func(t *tx) error {
		var err error
		list, err = referralTeamMembers(ctx, t, teamID)
		return err
	})
	return list, err
}

// notifyUsers sends one message to each user, except the actor, who has
// just done the thing they would be told about.
func notifyUsers(ctx context.Context, t *tx, actor care.Actor, userIDs []string, msg func(userID string) notify.Message) error {
	var msgs []notify.Message
	seen := map[string]bool{}
	for _, id := range userIDs {
		if id == "" || id == actor.UserID || seen[id] {
			continue
		}
		seen[id] = true
		msgs = append(msgs, msg(id))
	}
	_, err := insertNotifications(ctx, t, msgs)
	return err
}

// receivingUsers is who on the receiving side hears about a change: the
// holder, or the whole team while nobody holds it.
func receivingUsers(ctx context.Context, t *tx, r care.ReferralTask) ([]string, error) {
	if r.AssignedTo != "" {
		return []string{r.AssignedTo}, nil
	}
	members, err := referralTeamMembers(ctx, t, r.ToTeamID)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(members))
	for i, m := range members {
		ids[i] = m.UserID
	}
	return ids, nil
}

// serviceName names a service for timelines and notifications.
func serviceName(ctx context.Context, t *tx, id string) (string, error) {
	var name string
	err := t.queryRow(ctx, `SELECT name FROM services WHERE id = ?`, id).Scan(&name)
	return name, err
}

// referralVisibility decides who sees a referral's events on the person's
// timeline: a referral about safeguarding, or shared without consent to
// safeguard someone, is for the roles that may read sensitive alerts; the
// rest for everyone who may see the record.
func referralVisibility(r care.ReferralTask) care.Visibility {
	if r.LegalBasis == care.LegalBasisSafeguarding || strings.HasPrefix(r.NeedCode, "safeguarding") {
		return care.VisibleToSensitive
	}
	return care.VisibleToRecord
}
