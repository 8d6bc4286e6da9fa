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

// This file keeps referrals (C2): sending one, loading it, moving it on
// through the state machine in care, redirecting and assigning it. Every
// change is one transaction that writes the referral, the record of the
// change, the audit row, the event on the person's timeline, the
// relationship an open referral gives the receiving team, and the
// notifications to the other side. The workflow rules themselves are in
// care; this file only applies them to what is stored.

// referralCalendar counts working time for every referral: England and Wales
// bank holidays, 09:00 to 17:00 in London. It never changes once made.
var referralCalendar = mustCalendar()

func mustCalendar() *care.Calendar {
	cal, err := care.NewCalendar(england)
	if err != nil {
		panic(err)
	}
	return cal
}

// ReferralCalendar is the working-time calendar referrals are counted on.
func ReferralCalendar() *care.Calendar { return referralCalendar }

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

// findTargets loads a service's response targets; a service that has set
// none has the defaults.
func findTargets(ctx context.Context, t *tx, serviceID string) (care.ReferralTargets, int, error) {
	var tg care.ReferralTargets
	var version int
	periods := []*care.TargetPeriod{&tg.Routine.Acknowledge, &tg.Routine.Decide, &tg.Urgent.Acknowledge, &tg.Urgent.Decide,
		&tg.SameDay.Acknowledge, &tg.SameDay.Decide}
	units := make([]string, len(periods))
	args := make([]any, 0, 2*len(periods)+1)
	for i, p := range periods {
		args = append(args, &p.Amount, &units[i])
	}
	args = append(args, &version)
	err := t.queryRow(ctx, `SELECT routine_ack_amount, routine_ack_unit, routine_decide_amount, routine_decide_unit,
		urgent_ack_amount, urgent_ack_unit, urgent_decide_amount, urgent_decide_unit, same_day_ack_amount, same_day_ack_unit,
		same_day_decide_amount, same_day_decide_unit, version FROM service_referral_targets WHERE service_id = ?`, serviceID).Scan(args...)
	if errors.Is(err, sql.ErrNoRows) {
		return care.ReferralTargets{}, 0, nil
	}
	if err != nil {
		return tg, 0, err
	}
	for i, p := range periods {
		p.Unit = care.TargetUnit(units[i])
		if p.Amount == 0 {
			*p = care.TargetPeriod{}
		}
	}
	return tg, version, nil
}

// referralSchedule is what the store keeps beside a referral so queues and
// the escalation job need no calendar: see the referrals table.
type referralSchedule struct {
	ackBy, decideBy, due, escalate time.Time
	paused                         bool
}

func scheduleOf(r care.ReferralTask, targets care.ReferralTargets) referralSchedule {
	d, ok := r.Deadlines(referralCalendar, targets)
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
	sc := scheduleOf(r, targets)
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
	sc := scheduleOf(r, targets)
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

// NewReferral is what the referral form asks for.
type NewReferral struct {
	// NHSNumber finds the person, who must be someone whose record the
	// referrer may see.
	NHSNumber   string
	ServiceID   string
	NeedCode    string
	Wants       string
	Urgency     care.ReferralUrgency
	LegalBasis  care.LegalBasis
	Justify     string
	Contact     string
	AccessNeeds string
	// Attachments are ids of files the referrer uploaded with the form.
	Attachments []string
	// ConfirmDuplicate says the referrer has seen that the person already
	// has an open referral to this service, and sends this one anyway.
	ConfirmDuplicate bool
	// FromAction, when set, is the MDT action the referral is made from:
	// sending it records the referral on the action and closes the action.
	FromAction string
}

// ReferralCheck is what is known about a referral before it is sent: who
// it is about, where it goes, and what the referrer should know first.
type ReferralCheck struct {
	Person  care.Person
	Service care.Service
	// OpenReferral is the id of an open referral for the same person to the
	// same service, when there is one.
	OpenReferral string
}

// errPersonNotFound is the one answer for a person the referrer may not see
// or who does not exist, so the form cannot be used to find out who has a
// record.
func errPersonNotFound() error {
	return care.FieldErrors{{Field: "nhs_number", Message: "Enter the NHS number of someone whose record you can see. If they are not in joinedup yet, register them first"}}.Err()
}

// prepareReferral resolves and checks everything the referral form gave,
// building the referral as it will be sent. denied is set when the NHS
// number belongs to someone the actor may not see, for the caller to audit.
func prepareReferral(ctx context.Context, t *tx, actor care.Actor, n NewReferral, id string) (care.ReferralTask, ReferralCheck, string, error) {
	var check ReferralCheck
	task, err := care.StartReferral(actor, id, t.now)
	if err != nil {
		return task, check, "", err
	}
	task.NeedCode, task.Wants, task.Urgency = n.NeedCode, strings.TrimSpace(n.Wants), n.Urgency
	task.LegalBasis, task.Justification = n.LegalBasis, strings.TrimSpace(n.Justify)
	task.Contact, task.AccessNeeds = strings.TrimSpace(n.Contact), strings.TrimSpace(n.AccessNeeds)
	var errs care.FieldErrors
	denied := ""
	nhs, nhsErr := care.ParseNHSNumber(n.NHSNumber)
	switch {
	case strings.TrimSpace(n.NHSNumber) == "":
		errs.Add("nhs_number", "Enter the person's NHS number")
	case nhsErr != nil:
		errs.Add("nhs_number", care.MessageOf(nhsErr))
	default:
		var personID string
		err := t.queryRow(ctx, `SELECT id FROM people WHERE nhs_number = ?`, string(nhs)).Scan(&personID)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			errs = append(errs, care.FieldsOf(errPersonNotFound())...)
		case err != nil:
			return task, check, "", err
		default:
			a, err := findAccess(ctx, t, actor, personID)
			if err != nil {
				return task, check, "", err
			}
			if a.level != care.AccessFull {
				denied = personID
				errs = append(errs, care.FieldsOf(errPersonNotFound())...)
			} else {
				check.Person, task.PersonID = a.person, personID
			}
		}
	}
	sv, err := findService(ctx, t, n.ServiceID)
	if err != nil {
		return task, check, denied, err
	}
	check.Service = sv
	switch {
	case sv.Status != care.ServiceActive || sv.TeamID == "":
		errs.Add("service", "This service is not taking referrals through joinedup")
	case !sv.Referral.Has(care.ReferThroughJoinedup):
		errs.Add("service", "This service does not take referrals through joinedup: use one of the ways to refer on its page")
	default:
		task.ServiceID, task.ToTeamID = sv.ID, sv.TeamID
		if err := t.queryRow(ctx, `SELECT organisation_id FROM teams WHERE id = ?`, sv.TeamID).Scan(&task.ToOrgID); err != nil {
			return task, check, denied, err
		}
	}
	if err := task.ValidateForSending(); err != nil {
		for _, f := range care.FieldsOf(err) {
			switch f.Field {
			case "person", "service":
				// Said above, in the referrer's terms.
			default:
				errs.Add(f.Field, f.Message)
			}
		}
	}
	if task.PersonID != "" && task.ServiceID != "" {
		err := t.queryRow(ctx, `SELECT id FROM referrals WHERE person_id = ? AND service_id = ? AND is_open = 1
			ORDER BY sent_at DESC LIMIT 1`, task.PersonID, task.ServiceID).Scan(&check.OpenReferral)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return task, check, denied, err
		}
	}
	return task, check, denied, errs.Err()
}

// CheckReferral looks at a referral form before it is sent: it finds the
// person and the service and checks what was given, returning the problems
// as field errors, and says whether the person already has an open referral
// there. It changes nothing, but a person the referrer may not see is a
// refusal, and audited as one.
func (s *Store) CheckReferral(ctx context.Context, actor care.Actor, n NewReferral) (ReferralCheck, error) {
	if !care.CanRefer(actor) || actor.System {
		return ReferralCheck{}, s.denied(ctx, actor, auditEntry{Action: "referral.send", ResourceType: "Task"},
			care.Errorf(care.KindForbidden, "Your role does not make referrals."))
	}
	var check ReferralCheck
	var denied string
	err := s.read(ctx, func(t *tx) error {
		var err error
		_, check, denied, err = prepareReferral(ctx, t, actor, n, "check")
		return err
	})
	if denied != "" {
		if auditErr := s.RecordDenied(ctx, actor, "referral.send", "Patient", denied, denied, "no-relationship"); auditErr != nil {
			return check, auditErr
		}
	}
	return check, err
}

// SendReferral sends a referral: it checks everything CheckReferral does,
// refuses a second open referral for the person to the same service unless
// confirmed, and then, in one transaction, saves the referral as sent with
// the record of sending, attaches the files, gives the receiving team a
// relationship with the person, and tells the team.
func (s *Store) SendReferral(ctx context.Context, actor care.Actor, n NewReferral) (care.ReferralTask, error) {
	if !care.CanRefer(actor) || actor.System {
		return care.ReferralTask{}, s.denied(ctx, actor, auditEntry{Action: "referral.send", ResourceType: "Task"},
			care.Errorf(care.KindForbidden, "Your role does not make referrals."))
	}
	var sent care.ReferralTask
	var denied string
	err := s.personWrite(ctx, actor, func(t *tx) error {
		task, check, d, err := prepareReferral(ctx, t, actor, n, newID())
		denied = d
		if err != nil {
			return err
		}
		if check.OpenReferral != "" && !n.ConfirmDuplicate {
			return &care.Error{Kind: care.KindConflict, Message: "This person already has an open referral to this service.",
				Fields: care.FieldErrors{{Field: "confirm", Message: "This person already has an open referral to this service. Check it before sending another"}}}
		}
		next, rec, err := task.Transition(actor, care.ReferrerSide, care.ReferralChange{To: care.ReferralRequested, At: t.now})
		if err != nil {
			return err
		}
		targets, _, err := findTargets(ctx, t, next.ServiceID)
		if err != nil {
			return err
		}
		next.Version = 1
		if err := insertReferral(ctx, t, next, targets); err != nil {
			return err
		}
		if err := insertTransition(ctx, t, rec, 1); err != nil {
			return err
		}
		if n.FromAction != "" {
			if err := linkActionReferral(ctx, t, actor, n.FromAction, next); err != nil {
				return err
			}
		}
		if err := linkAttachments(ctx, t, actor, next.ID, "", n.Attachments); err != nil {
			return err
		}
		if _, err := grantRelationship(ctx, t, actor, RelationshipGrant{PersonID: next.PersonID, Kind: care.GrantOpenReferral,
			TeamID: next.ToTeamID, SourceType: referralSource, SourceID: next.ID}); err != nil {
			return err
		}
		if err := t.appendAudit(ctx, actor, auditEntry{Action: "referral.send", ResourceType: "Task", ResourceID: next.ID,
			PersonID: next.PersonID, Detail: "service=" + next.ServiceID + " urgency=" + string(next.Urgency) +
				" basis=" + string(next.LegalBasis) + " attachments=" + itoa(len(n.Attachments))}); err != nil {
			return err
		}
		if err := appendTimeline(ctx, t, actor, care.TimelineEvent{PersonID: next.PersonID, Type: care.ReferralEvent(care.ReferralRequested),
			Summary: "Referred to " + check.Service.Name + " (" + next.Urgency.Label() + ")", Link: "/referrals/" + next.ID, Visibility: referralVisibility(next)}); err != nil {
			return err
		}
		users, err := receivingUsers(ctx, t, next)
		if err != nil {
			return err
		}
		if err := notifyUsers(ctx, t, actor, users, func(id string) notify.Message {
			return notify.NewReferral(id, next.ID, check.Service.Name, next.Urgency)
		}); err != nil {
			return err
		}
		sent = next
		return nil
	})
	if denied != "" {
		if auditErr := s.RecordDenied(ctx, actor, "referral.send", "Patient", denied, denied, "no-relationship"); auditErr != nil {
			return sent, auditErr
		}
	}
	return sent, err
}

// loadForChange loads a referral for a change and checks the form was
// made from its current version, so a decision is never made on a referral
// that has moved on since the page was shown.
func loadForChange(ctx context.Context, t *tx, id string, version int) (referralRow, error) {
	row, err := findReferral(ctx, t, id)
	if err != nil {
		return row, err
	}
	if version != 0 && row.task.Version != version {
		return row, care.Errorf(care.KindConflict, "This referral has changed since you opened it: it is now %s. Nothing you did has been saved: look at the referral again before you act on it.",
			strings.ToLower(row.task.Status.Label()))
	}
	return row, nil
}

// refuseReferral turns a domain refusal into an audited one.
func refuseReferral(action string, r care.ReferralTask, err error) error {
	if care.IsKind(err, care.KindForbidden) {
		return refuse(action, "Task", r.ID, r.PersonID, "not-on-side", err)
	}
	return err
}

// ChangeReferral moves a referral on: acknowledging, accepting, declining,
// asking a question (on hold), taking it off hold, starting work,
// completing, cancelling and the rest, as care.ReferralTask.Transition
// allows for the actor on side. An empty side means the side the move
// belongs to (care.ReferralTask.SideFor), worked out in the transaction, so
// a page need not load the referral first to learn it. version is the
// version the actor's page showed; when someone else changed the referral
// since, nothing is saved and the error is a conflict, so of two people
// accepting at once exactly one succeeds.
func (s *Store) ChangeReferral(ctx context.Context, actor care.Actor, id string, side care.ReferralSide, c care.ReferralChange, version int) (care.ReferralTask, error) {
	if c.To == care.ReferralRedirected {
		return care.ReferralTask{}, care.Errorf(care.KindInvalid, "Choose the service to redirect this referral to.")
	}
	var out care.ReferralTask
	err := s.personWrite(ctx, actor, func(t *tx) error {
		row, err := loadForChange(ctx, t, id, version)
		if err != nil {
			return err
		}
		r := row.task
		if !care.CanSeeReferral(actor, r) {
			return refuse("referral.change", "Task", r.ID, r.PersonID, "not-on-side", errNoReferralAccess())
		}
		onSide := side
		if onSide == "" {
			onSide, _ = r.SideFor(actor, c.To)
		}
		c.At = t.now
		next, rec, err := r.Transition(actor, onSide, c)
		if err != nil {
			return refuseReferral("referral.change", r, err)
		}
		if err := saveChange(ctx, t, actor, r, next, rec); err != nil {
			return err
		}
		out = next
		return nil
	})
	return out, err
}

func errNoReferralAccess() error {
	return care.Errorf(care.KindForbidden, "Only the person who made this referral, their team, and the team it was sent to can see it.")
}

// saveChange writes a transition: the referral, its history, the question
// in the thread when information was asked for, the relationship ending
// when it closes, the audit row, the timeline event and the notification
// to the other side.
func saveChange(ctx context.Context, t *tx, actor care.Actor, was, next care.ReferralTask, rec care.ReferralTransition) error {
	targets, _, err := findTargets(ctx, t, next.ServiceID)
	if err != nil {
		return err
	}
	if err := updateReferral(ctx, t, next, was.Version, targets, holdsChanged(was, next)); err != nil {
		return err
	}
	next.Version = was.Version + 1
	if err := insertTransition(ctx, t, rec, next.Version); err != nil {
		return err
	}
	if rec.To == care.ReferralOnHold && rec.Reason == string(care.HoldInformationRequested) {
		if _, err := insertMessage(ctx, t, actor, next, care.ReceiverSide, care.MessageQuestion, rec.Note); err != nil {
			return err
		}
	}
	if !next.Status.Open() && was.Status.Open() {
		if err := endRelationships(ctx, t, referralSource, next.ID); err != nil {
			return err
		}
	}
	detail := "from=" + string(rec.From) + " to=" + string(rec.To)
	if rec.Reason != "" {
		detail += " reason=" + rec.Reason
	}
	if rec.Outcome != "" {
		detail += " outcome=" + string(rec.Outcome)
	}
	if err := t.appendAudit(ctx, actor, auditEntry{Action: "referral.change", ResourceType: "Task", ResourceID: next.ID,
		PersonID: next.PersonID, Detail: detail}); err != nil {
		return err
	}
	name, err := serviceName(ctx, t, next.ServiceID)
	if err != nil {
		return err
	}
	summary := "Referral to " + name + ": " + strings.ToLower(rec.Headline())
	if label := rec.ReasonLabel(); label != "" {
		summary += " (" + label + ")"
	}
	if err := appendTimeline(ctx, t, actor, care.TimelineEvent{PersonID: next.PersonID, Type: care.ReferralEvent(rec.To),
		Summary: summary, Link: "/referrals/" + next.ID, Visibility: referralVisibility(next)}); err != nil {
		return err
	}
	if rec.Side == care.ReceiverSide {
		return notifyUsers(ctx, t, actor, []string{next.ReferrerUserID}, func(id string) notify.Message {
			return notify.ReferralUpdate(id, next.ID, name, rec.Headline(), next.LoopClosed() && !was.LoopClosed())
		})
	}
	users, err := receivingUsers(ctx, t, next)
	if err != nil {
		return err
	}
	return notifyUsers(ctx, t, actor, users, func(id string) notify.Message {
		return notify.ReferralUpdate(id, next.ID, name, rec.Headline(), false)
	})
}

// RedirectReferral forwards a referral to another service, as a new linked
// referral sent on the referrer's behalf, and closes the original as
// redirected, naming where it went. The receiving team of the original
// loses its relationship with the person and the new team gains one.
func (s *Store) RedirectReferral(ctx context.Context, actor care.Actor, id, targetServiceID, reason, note string, version int) (care.ReferralTask, error) {
	var out care.ReferralTask
	err := s.personWrite(ctx, actor, func(t *tx) error {
		row, err := loadForChange(ctx, t, id, version)
		if err != nil {
			return err
		}
		r := row.task
		if !care.CanSeeReferral(actor, r) {
			return refuse("referral.redirect", "Task", r.ID, r.PersonID, "not-on-side", errNoReferralAccess())
		}
		c := care.ReferralChange{To: care.ReferralRedirected, Reason: reason, Note: note, At: t.now}
		var target care.Service
		if targetServiceID != "" {
			sv, err := findService(ctx, t, targetServiceID)
			if err != nil && !care.IsKind(err, care.KindNotFound) {
				return err
			}
			if err == nil {
				if sv.Status != care.ServiceActive || sv.TeamID == "" || !sv.Referral.Has(care.ReferThroughJoinedup) {
					return care.FieldErrors{{Field: "target", Message: "Choose a service that takes referrals through joinedup"}}.Err()
				}
				target = sv
				c.Target = care.ReferralLink{ReferralID: newID(), ServiceID: sv.ID, TeamID: sv.TeamID}
				if err := t.queryRow(ctx, `SELECT organisation_id FROM teams WHERE id = ?`, sv.TeamID).Scan(&c.Target.OrgID); err != nil {
					return err
				}
			}
		}
		red, err := r.Redirect(actor, c)
		if err != nil {
			return refuseReferral("referral.redirect", r, err)
		}
		targets, _, err := findTargets(ctx, t, red.Next.ServiceID)
		if err != nil {
			return err
		}
		next := red.Next
		next.Version = 1
		if err := insertReferral(ctx, t, next, targets); err != nil {
			return err
		}
		if _, err := t.exec(ctx, `UPDATE referrals SET redirected_from = ? WHERE id = ?`, r.ID, next.ID); err != nil {
			return err
		}
		if err := insertTransition(ctx, t, red.NextChange, 1); err != nil {
			return err
		}
		if err := copyAttachments(ctx, t, r.ID, next.ID); err != nil {
			return err
		}
		if err := saveChange(ctx, t, actor, r, red.Original, red.OriginalChange); err != nil {
			return err
		}
		if _, err := grantRelationship(ctx, t, actor, RelationshipGrant{PersonID: next.PersonID, Kind: care.GrantOpenReferral,
			TeamID: next.ToTeamID, SourceType: referralSource, SourceID: next.ID}); err != nil {
			return err
		}
		if err := t.appendAudit(ctx, actor, auditEntry{Action: "referral.redirect", ResourceType: "Task", ResourceID: next.ID,
			PersonID: next.PersonID, Detail: "from-referral=" + r.ID + " service=" + next.ServiceID}); err != nil {
			return err
		}
		if err := appendTimeline(ctx, t, actor, care.TimelineEvent{PersonID: next.PersonID, Type: care.ReferralEvent(care.ReferralRequested),
			Summary: "Referred on to " + target.Name + " (" + next.Urgency.Label() + ")", Link: "/referrals/" + next.ID, Visibility: referralVisibility(next)}); err != nil {
			return err
		}
		users, err := receivingUsers(ctx, t, next)
		if err != nil {
			return err
		}
		if err := notifyUsers(ctx, t, actor, users, func(id string) notify.Message {
			return notify.NewReferral(id, next.ID, target.Name, next.Urgency)
		}); err != nil {
			return err
		}
		out = next
		return nil
	})
	return out, err
}

// AssignReferral gives a referral to someone in the receiving team, or
// releases it when userID is "". Anyone in the team may take an unassigned
// referral; giving it to someone else or taking it from them is for a
// manager (care.ReferralTask.Assign).
func (s *Store) AssignReferral(ctx context.Context, actor care.Actor, id, userID string, version int) error {
	return s.personWrite(ctx, actor, func(t *tx) error {
		row, err := loadForChange(ctx, t, id, version)
		if err != nil {
			return err
		}
		r := row.task
		if !care.CanSeeReferral(actor, r) {
			return refuse("referral.assign", "Task", r.ID, r.PersonID, "not-on-side", errNoReferralAccess())
		}
		name := ""
		if userID != "" {
			members, err := referralTeamMembers(ctx, t, r.ToTeamID)
			if err != nil {
				return err
			}
			i := slices.IndexFunc(members, func(m TeamMember) bool { return m.UserID == userID })
			if i < 0 {
				return care.FieldErrors{{Field: "assignee", Message: "Choose someone in the team this referral was sent to"}}.Err()
			}
			name = members[i].Name
		}
		next, rec, err := r.Assign(actor, userID, t.now)
		if err != nil {
			return refuseReferral("referral.assign", r, err)
		}
		targets, _, err := findTargets(ctx, t, r.ServiceID)
		if err != nil {
			return err
		}
		if err := updateReferral(ctx, t, next, r.Version, targets, false); err != nil {
			return err
		}
		if err := insertTransition(ctx, t, rec, r.Version+1); err != nil {
			return err
		}
		if err := t.appendAudit(ctx, actor, auditEntry{Action: "referral.assign", ResourceType: "Task", ResourceID: r.ID,
			PersonID: r.PersonID, Detail: "assigned=" + boolWord(userID != "")}); err != nil {
			return err
		}
		svName, err := serviceName(ctx, t, r.ServiceID)
		if err != nil {
			return err
		}
		summary := "Referral to " + svName + ": no longer held by anyone"
		if userID != "" {
			summary = "Referral to " + svName + ": now held by " + name
		}
		if err := appendTimeline(ctx, t, actor, care.TimelineEvent{PersonID: r.PersonID, Type: care.EventReferralAssigned,
			Summary: summary, Link: "/referrals/" + r.ID, Visibility: referralVisibility(r)}); err != nil {
			return err
		}
		return notifyUsers(ctx, t, actor, []string{userID}, func(id string) notify.Message {
			return notify.ReferralAssigned(id, r.ID, svName)
		})
	})
}

// RecordMissingInfo records the receiving team's feedback on what a
// referral should have said, replacing what they said before.
func (s *Store) RecordMissingInfo(ctx context.Context, actor care.Actor, id string, cats []care.ReferralMissingInfo) error {
	return s.personWrite(ctx, actor, func(t *tx) error {
		row, err := findReferral(ctx, t, id)
		if err != nil {
			return err
		}
		r := row.task
		next, err := r.RecordMissingInfo(actor, cats)
		if err != nil {
			return refuseReferral("referral.feedback", r, err)
		}
		if _, err := t.exec(ctx, `DELETE FROM referral_missing_info WHERE referral_id = ?`, r.ID); err != nil {
			return err
		}
		codes := make([]string, len(next.MissingInfo))
		for i, c := range next.MissingInfo {
			codes[i] = string(c)
			if _, err := t.exec(ctx, `INSERT INTO referral_missing_info (referral_id, category, service_id, recorded_at)
				VALUES (?, ?, ?, ?)`, r.ID, string(c), r.ServiceID, t.now); err != nil {
				return err
			}
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "referral.feedback", ResourceType: "Task", ResourceID: r.ID,
			PersonID: r.PersonID, Detail: "missing=" + strings.Join(codes, ",")})
	})
}

// ServiceReferralTargets returns a service's response targets as it set
// them (unset ones are zero), and their version.
func (s *Store) ServiceReferralTargets(ctx context.Context, serviceID string) (care.ReferralTargets, int, error) {
	var tg care.ReferralTargets
	var version int
	err := s.read(ctx, func(t *tx) error {
		if _, err := findService(ctx, t, serviceID); err != nil {
			return err
		}
		var err error
		tg, version, err = findTargets(ctx, t, serviceID)
		return err
	})
	return tg, version, err
}

// SetServiceReferralTargets saves a service's response targets. Only the
// people who look after the service's directory entry may. Referrals
// already sent keep the deadlines they were given until they next change.
func (s *Store) SetServiceReferralTargets(ctx context.Context, actor care.Actor, serviceID string, tg care.ReferralTargets, version int) error {
	if err := tg.Validate(); err != nil {
		return err
	}
	return s.personWrite(ctx, actor, func(t *tx) error {
		sv, err := findService(ctx, t, serviceID)
		if err != nil {
			return err
		}
		if !care.CanManageDirectoryEntry(actor, sv.OrganisationID) {
			return refuse("service.targets", "HealthcareService", serviceID, "", "not-owner",
				care.Errorf(care.KindForbidden, "Only the team managers and administrators of the organisation that runs this service can change its targets."))
		}
		_, current, err := findTargets(ctx, t, serviceID)
		if err != nil {
			return err
		}
		if current != version {
			return care.Errorf(care.KindConflict, "Someone else changed these targets while you were editing them. Nothing you typed has been saved yet.")
		}
		ps := []care.TargetPeriod{tg.Routine.Acknowledge, tg.Routine.Decide, tg.Urgent.Acknowledge, tg.Urgent.Decide,
			tg.SameDay.Acknowledge, tg.SameDay.Decide}
		args := []any{serviceID}
		for _, p := range ps {
			args = append(args, p.Amount, string(p.Unit))
		}
		args = append(args, t.now, auditUserID(actor), version+1)
		if version == 0 {
			_, err = t.exec(ctx, `INSERT INTO service_referral_targets (service_id, routine_ack_amount, routine_ack_unit,
				routine_decide_amount, routine_decide_unit, urgent_ack_amount, urgent_ack_unit, urgent_decide_amount,
				urgent_decide_unit, same_day_ack_amount, same_day_ack_unit, same_day_decide_amount, same_day_decide_unit,
				updated_at, updated_by, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
		} else {
			err = t.execOne(ctx, care.Errorf(care.KindConflict, "Someone else changed these targets while you were editing them. Nothing you typed has been saved yet."),
				`UPDATE service_referral_targets SET routine_ack_amount = ?, routine_ack_unit = ?, routine_decide_amount = ?,
				routine_decide_unit = ?, urgent_ack_amount = ?, urgent_ack_unit = ?, urgent_decide_amount = ?, urgent_decide_unit = ?,
				same_day_ack_amount = ?, same_day_ack_unit = ?, same_day_decide_amount = ?, same_day_decide_unit = ?, updated_at = ?,
				updated_by = ?, version = ? WHERE service_id = ? AND version = ?`, append(args[1:], serviceID, version)...)
		}
		if err != nil {
			return err
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "service.targets", ResourceType: "HealthcareService", ResourceID: serviceID})
	})
}
