package store

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"github.com/joinedup/joinedup/internal/care"
)

// This file keeps the worklists: the receiving team's incoming queue, the
// referring team's sent list, and the response figures and missing-
// information counts a service shows in the directory.

// ReferralRow is a referral as a worklist shows it.
type ReferralRow struct {
	ID           string
	Status       care.ReferralStatus
	Urgency      care.ReferralUrgency
	NeedCode     string
	PersonID     string
	PersonName   string
	NHSNumber    care.NHSNumber
	ServiceName  string
	ToTeamName   string
	FromTeamName string
	ReferrerName string
	AssignedTo   string
	AssignedName string
	SentAt       time.Time
	UpdatedAt    time.Time
	ClosedAt     time.Time
	DueAt        time.Time
	// Overdue: a target has been missed and the step is still owed.
	Overdue bool
	// Escalated: a missed target has been escalated to the managers.
	Escalated     bool
	Wait          care.ReferralWait
	Loop          care.ReferralLoop
	LoopClosedAt  time.Time
	OutcomeSeenAt time.Time
}

const referralRowColumns = `r.id, r.status, r.urgency, r.need_code, r.person_id, p.given_name, p.family_name, p.nhs_number,
	s.name, tt.name, ft.name, ru.display_name, r.assigned_to, au.display_name, r.sent_at, r.updated_at, r.closed_at, r.due_at,
	r.acknowledge_escalated_at, r.decide_escalated_at, r.decided_at, r.decision, r.outcome, r.outcome_summary, r.status_reason,
	r.redirected_to, r.loop_closed_at, r.outcome_seen_at`

const referralRowJoins = ` FROM referrals r JOIN people p ON p.id = r.person_id JOIN services s ON s.id = r.service_id
	JOIN teams tt ON tt.id = r.to_team_id JOIN teams ft ON ft.id = r.from_team_id JOIN users ru ON ru.id = r.referrer_user_id
	LEFT JOIN users au ON au.id = r.assigned_to `

func scanReferralRows(rows *sql.Rows, cal *care.Calendar, now time.Time) ([]ReferralRow, error) {
	defer rows.Close()
	var list []ReferralRow
	for rows.Next() {
		var x ReferralRow
		var status, urgency, nhs, given, family, decision, outcome string
		var assigned, assignedName, redirected sql.NullString
		var sent, closed, due, ackEsc, decEsc, decided, loopClosed, seen sql.NullTime
		var summary, reason string
		if err := rows.Scan(&x.ID, &status, &urgency, &x.NeedCode, &x.PersonID, &given, &family, &nhs,
			&x.ServiceName, &x.ToTeamName, &x.FromTeamName, &x.ReferrerName, &assigned, &assignedName, &sent, &x.UpdatedAt,
			&closed, &due, &ackEsc, &decEsc, &decided, &decision, &outcome, &summary, &reason, &redirected, &loopClosed, &seen); err != nil {
			return nil, err
		}
		x.Status, x.Urgency, x.NHSNumber = care.ReferralStatus(status), care.ReferralUrgency(urgency), care.NHSNumber(nhs)
		x.PersonName = strings.TrimSpace(given + " " + family)
		x.AssignedTo, x.AssignedName = assigned.String, assignedName.String
		x.SentAt, x.ClosedAt, x.DueAt, x.UpdatedAt = utcOf(sent), utcOf(closed), utcOf(due), x.UpdatedAt.UTC()
		x.LoopClosedAt, x.OutcomeSeenAt = utcOf(loopClosed), utcOf(seen)
		x.Overdue = !x.DueAt.IsZero() && now.After(x.DueAt)
		x.Escalated = x.Overdue && (ackEsc.Valid || decEsc.Valid)
		task := care.ReferralTask{Status: x.Status, SentAt: x.SentAt, DecidedAt: utcOf(decided), ClosedAt: x.ClosedAt,
			Decision: care.ReferralStatus(decision), Outcome: care.ReferralOutcome(outcome), OutcomeSummary: summary,
			StatusReason: reason, RedirectedTo: care.ReferralLink{ReferralID: redirected.String}}
		x.Wait, x.Loop = task.Wait(cal, now), task.Loop()
		list = append(list, x)
	}
	return list, rows.Err()
}

// auditListed records that a worklist named each person in it, so their
// access log shows who saw them listed.
func auditListed(ctx context.Context, t *tx, actor care.Actor, list []ReferralRow, what string) error {
	if err := t.appendAudit(ctx, actor, auditEntry{Action: "referral.queue", ResourceType: "Task",
		Detail: what + " listed=" + itoa(len(list))}); err != nil {
		return err
	}
	for _, x := range list {
		if err := t.appendAudit(ctx, actor, auditEntry{Action: "referral.listed", ResourceType: "Task", ResourceID: x.ID,
			PersonID: x.PersonID, Detail: what}); err != nil {
			return err
		}
	}
	return nil
}

// Incoming queue views.
const (
	IncomingNew        = "new"
	IncomingOverdue    = "overdue"
	IncomingMine       = "mine"
	IncomingUnassigned = "unassigned"
	IncomingOpen       = "open"
)

// IncomingViews lists the views of the incoming queue in the order the
// page offers them.
var IncomingViews = []string{IncomingNew, IncomingOverdue, IncomingMine, IncomingUnassigned, IncomingOpen}

// IncomingQueue is one view of a team's incoming referrals, with how many
// are in each view.
type IncomingQueue struct {
	View   string
	Rows   []ReferralRow
	Counts map[string]int
	// More is how many more are in the view than are listed.
	More int
}

// maxQueueRows bounds one page of a worklist.
const maxQueueRows = 50

// incomingCount is each view's condition, after "r.to_team_id = ?"; its
// arguments follow the team's id.
func incomingCount(view string, actor care.Actor, now time.Time) (string, []any) {
	switch view {
	case IncomingNew:
		return ` AND r.status = ?`, []any{string(care.ReferralRequested)}
	case IncomingOverdue:
		return ` AND r.due_at IS NOT NULL AND r.due_at < ?`, []any{now}
	case IncomingMine:
		return ` AND r.assigned_to = ? AND r.is_open = 1`, []any{actor.UserID}
	case IncomingUnassigned:
		return ` AND r.is_open = 1 AND r.assigned_to IS NULL`, nil
	}
	return ` AND r.is_open = 1`, nil
}

// queuePart is one ordered slice of a view: a view lists what is owed,
// by deadline, and then the rest, by when it was sent, each read in the
// order of an index so a page stops after a page's worth of rows.
type queuePart struct {
	where string
	args  []any
	order string
}

func incomingParts(view string, actor care.Actor, now time.Time) []queuePart {
	owed := ` ORDER BY r.due_at, r.id`
	rest := ` ORDER BY r.sent_at, r.id`
	switch view {
	case IncomingNew:
		return []queuePart{{` AND r.status = ?`, []any{string(care.ReferralRequested)}, owed}}
	case IncomingOverdue:
		return []queuePart{{` AND r.due_at IS NOT NULL AND r.due_at < ?`, []any{now}, owed}}
	case IncomingMine:
		return []queuePart{{` AND r.assigned_to = ? AND r.is_open = 1`, []any{actor.UserID}, ` ORDER BY (r.due_at IS NULL), r.due_at, r.sent_at, r.id`}}
	case IncomingUnassigned:
		return []queuePart{
			{` AND r.due_at IS NOT NULL AND r.assigned_to IS NULL`, nil, owed},
			{` AND r.is_open = 1 AND r.assigned_to IS NULL AND r.due_at IS NULL`, nil, rest},
		}
	}
	return []queuePart{
		{` AND r.due_at IS NOT NULL`, nil, owed},
		{` AND r.is_open = 1 AND r.due_at IS NULL`, nil, rest},
	}
}

// IncomingReferrals lists the referrals sent to the team the actor acts
// for, in one view: new (not yet acknowledged), overdue, held by the actor,
// not held by anyone, or every open one. Overdue referrals come first in
// every view. Listing names people, so each is audited.
func (s *Store) IncomingReferrals(ctx context.Context, actor care.Actor, view string) (IncomingQueue, error) {
	if !care.CanRefer(actor) || actor.System {
		return IncomingQueue{}, s.denied(ctx, actor, auditEntry{Action: "referral.queue", ResourceType: "Task"},
			care.Errorf(care.KindForbidden, "Your role does not handle referrals."))
	}
	if !slices.Contains(IncomingViews, view) {
		view = IncomingNew
	}
	q := IncomingQueue{View: view, Counts: map[string]int{}}
	err := s.readAudited(ctx, actor, func(t *tx) error {
		team := actor.Acting.TeamID
		for _, v := range IncomingViews {
			where, args := incomingCount(v, actor, t.now)
			var n int
			if err := t.queryRow(ctx, `SELECT COUNT(*) FROM referrals r WHERE r.to_team_id = ?`+where, append([]any{team}, args...)...).Scan(&n); err != nil {
				return err
			}
			q.Counts[v] = n
		}
		for _, part := range incomingParts(view, actor, t.now) {
			if len(q.Rows) == maxQueueRows {
				break
			}
			rows, err := t.query(ctx, `SELECT `+referralRowColumns+referralRowJoins+`WHERE r.to_team_id = ?`+part.where+part.order+` LIMIT ?`,
				append(append([]any{team}, part.args...), maxQueueRows-len(q.Rows))...)
			if err != nil {
				return err
			}
			list, err := scanReferralRows(rows, t.cal, t.now)
			if err != nil {
				return err
			}
			q.Rows = append(q.Rows, list...)
		}
		q.More = max(0, q.Counts[view]-len(q.Rows))
		return auditListed(ctx, t, actor, q.Rows, "incoming:"+view)
	})
	return q, err
}

// IncomingSummary counts a team's new and overdue referrals, for the home
// page. It names nobody, so it is not audited.
func (s *Store) IncomingSummary(ctx context.Context, actor care.Actor) (newCount, overdue int, err error) {
	err = s.read(ctx, func(t *tx) error {
		if err := t.queryRow(ctx, `SELECT COUNT(*) FROM referrals WHERE to_team_id = ? AND status = ?`,
			actor.Acting.TeamID, string(care.ReferralRequested)).Scan(&newCount); err != nil {
			return err
		}
		return t.queryRow(ctx, `SELECT COUNT(*) FROM referrals WHERE to_team_id = ? AND due_at IS NOT NULL AND due_at < ?`,
			actor.Acting.TeamID, t.now).Scan(&overdue)
	})
	return newCount, overdue, err
}

// SentList is the referrals the actor's team has sent: every open one, and
// those closed in the last 90 days.
type SentList struct {
	Open   []ReferralRow
	Closed []ReferralRow
	// Counts is how many open referrals are in each status.
	Counts map[care.ReferralStatus]int
	// Status, when set, is the only status listed.
	Status care.ReferralStatus
}

// sentClosedDays is how far back the sent list shows closed referrals.
const sentClosedDays = 90

// SentReferrals lists what the team the actor acts for has referred:
// overdue ones first, then by where they are in their life, newest first.
// A status narrows the list to that status.
func (s *Store) SentReferrals(ctx context.Context, actor care.Actor, status care.ReferralStatus) (SentList, error) {
	if !care.CanRefer(actor) || actor.System {
		return SentList{}, s.denied(ctx, actor, auditEntry{Action: "referral.queue", ResourceType: "Task"},
			care.Errorf(care.KindForbidden, "Your role does not make referrals."))
	}
	l := SentList{Counts: map[care.ReferralStatus]int{}}
	if status.Valid() {
		l.Status = status
	}
	err := s.readAudited(ctx, actor, func(t *tx) error {
		team := actor.Acting.TeamID
		rows, err := t.query(ctx, `SELECT status, COUNT(*) FROM referrals WHERE from_team_id = ? AND is_open = 1 GROUP BY status`, team)
		if err != nil {
			return err
		}
		for rows.Next() {
			var st string
			var n int
			if err := rows.Scan(&st, &n); err != nil {
				rows.Close()
				return err
			}
			l.Counts[care.ReferralStatus(st)] = n
		}
		if err := rows.Close(); err != nil {
			return err
		}
		filter, args := "", []any{team}
		if l.Status != "" {
			filter, args = ` AND r.status = ?`, append(args, string(l.Status))
		}
		if l.Status == "" || l.Status.Open() {
			// Overdue ones first, however old, then the newest of the rest.
			rows, err = t.query(ctx, `SELECT `+referralRowColumns+referralRowJoins+`WHERE r.from_team_id = ? AND r.due_at IS NOT NULL
				AND r.due_at < ?`+filter+` ORDER BY r.due_at, r.id LIMIT ?`, append(append([]any{team, t.now}, args[1:]...), maxQueueRows)...)
			if err != nil {
				return err
			}
			if l.Open, err = scanReferralRows(rows, t.cal, t.now); err != nil {
				return err
			}
			rows, err = t.query(ctx, `SELECT `+referralRowColumns+referralRowJoins+`WHERE r.from_team_id = ? AND r.is_open = 1
				AND (r.due_at IS NULL OR r.due_at >= ?)`+filter+` ORDER BY r.sent_at DESC, r.id LIMIT ?`,
				append(append([]any{team, t.now}, args[1:]...), 3*maxQueueRows)...)
			if err != nil {
				return err
			}
			rest, err := scanReferralRows(rows, t.cal, t.now)
			if err != nil {
				return err
			}
			order := map[care.ReferralStatus]int{}
			for i, st := range care.ReferralStatuses {
				order[st] = i
			}
			slices.SortStableFunc(rest, func(a, b ReferralRow) int { return cmp.Compare(order[a.Status], order[b.Status]) })
			l.Open = append(l.Open, rest...)
		}
		if l.Status == "" || !l.Status.Open() {
			rows, err = t.query(ctx, `SELECT `+referralRowColumns+referralRowJoins+`WHERE r.from_team_id = ? AND r.closed_at IS NOT NULL
				AND r.closed_at > ?`+filter+` ORDER BY r.closed_at DESC, r.id LIMIT ?`,
				append(append([]any{team, t.now.AddDate(0, 0, -sentClosedDays)}, args[1:]...), maxQueueRows)...)
			if err != nil {
				return err
			}
			if l.Closed, err = scanReferralRows(rows, t.cal, t.now); err != nil {
				return err
			}
		}
		return auditListed(ctx, t, actor, append(slices.Clone(l.Open), l.Closed...), "sent")
	})
	return l, err
}

// ReferralFigures works out the response figures of each service over the
// referrals sent to it in the last 90 days (care.ReferralResponseFigures).
// They count referrals and name nobody, so reading them is not audited.
func (s *Store) ReferralFigures(ctx context.Context, serviceIDs []string) (map[string]care.ReferralFigures, error) {
	out := map[string]care.ReferralFigures{}
	if len(serviceIDs) == 0 {
		return out, nil
	}
	err := s.read(ctx, func(t *tx) error {
		since := t.now.AddDate(0, 0, -care.ReferralFiguresWindowDays)
		byService := map[string][]care.ReferralTask{}
		for start := 0; start < len(serviceIDs); start += 100 {
			batch := serviceIDs[start:min(start+100, len(serviceIDs))]
			args := []any{since}
			for _, id := range batch {
				args = append(args, id)
			}
			rows, err := t.query(ctx, `SELECT service_id, status, sent_at, acknowledged_at, decided_at, decision FROM referrals
				WHERE sent_at > ? AND service_id IN (`+placeholders(1, len(batch))+`)`, args...)
			if err != nil {
				return err
			}
			for rows.Next() {
				var id, status, decision string
				var sent, ack, decided sql.NullTime
				if err := rows.Scan(&id, &status, &sent, &ack, &decided, &decision); err != nil {
					rows.Close()
					return err
				}
				byService[id] = append(byService[id], care.ReferralTask{Status: care.ReferralStatus(status), SentAt: utcOf(sent),
					AcknowledgedAt: utcOf(ack), DecidedAt: utcOf(decided), Decision: care.ReferralStatus(decision)})
			}
			if err := rows.Close(); err != nil {
				return err
			}
		}
		for _, id := range serviceIDs {
			out[id] = care.ReferralResponseFigures(byService[id], t.cal, t.now)
		}
		return nil
	})
	return out, err
}

// ServiceMissingInfo counts what receiving teams said referrals to a
// service were missing, most often missing first (care.CountMissingInfo's
// order). Referrals entered in error are left out.
func (s *Store) ServiceMissingInfo(ctx context.Context, serviceID string) ([]care.MissingInfoCount, error) {
	var list []care.MissingInfoCount
	err := s.read(ctx, func(t *tx) error {
		rows, err := t.query(ctx, `SELECT mi.category, COUNT(*) FROM referral_missing_info mi JOIN referrals r ON r.id = mi.referral_id
			WHERE mi.service_id = ? AND r.status <> ? GROUP BY mi.category`, serviceID, string(care.ReferralEnteredInError))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c care.MissingInfoCount
			var cat string
			if err := rows.Scan(&cat, &c.Count); err != nil {
				return err
			}
			c.Category = care.ReferralMissingInfo(cat)
			list = append(list, c)
		}
		return rows.Err()
	})
	order := map[care.ReferralMissingInfo]int{}
	for i, c := range care.ReferralMissingInfoCategories() {
		order[care.ReferralMissingInfo(c.Code)] = i
	}
	slices.SortFunc(list, func(a, b care.MissingInfoCount) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(order[a.Category], order[b.Category]))
	})
	return list, err
}
