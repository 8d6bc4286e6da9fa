package store

import (
	"context"
	"database/sql"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/notify"
)

// This file keeps the actions MDT meetings agree, "My actions", and the
// figures later measures need.
//
// An action's owner holds a relationship with its person while the action
// is open (a care_relationships row of kind mdt_attendee, source
// mdt_action, with no end until the action is closed), so the owner can
// open the record to do the work.
//
// An action can become a referral in one step: mdt_referral.go sets
// mdt_actions.referral_id, and closes the action, in the same transaction
// as the referral is sent.

// ActionOwnerChoice is an owner an action form offers: an invitee, or one of
// their teams. Value is "user:<id>" or "team:<id>".
type ActionOwnerChoice struct {
	Value string
	Label string
}

// meetingActionOwners lists who a meeting's actions can be given to: its invitees,
// then their teams.
func meetingActionOwners(invitees []MDTMember) []ActionOwnerChoice {
	var users, teams []ActionOwnerChoice
	seen := map[string]bool{}
	for _, m := range invitees {
		users = append(users, ActionOwnerChoice{Value: "user:" + m.UserID, Label: m.Name + " (" + m.Role.Label() + ", " + m.TeamName + ")"})
		if !seen[m.TeamID] {
			seen[m.TeamID] = true
			teams = append(teams, ActionOwnerChoice{Value: "team:" + m.TeamID, Label: m.TeamName + ", " + m.OrgName})
		}
	}
	return append(users, teams...)
}

// MDTActionView is an action with the names pages show.
type MDTActionView struct {
	Action     care.MDTAction
	OwnerLabel string
	Progress   string
	Overdue    bool
	// The meeting that raised it.
	MeetingTitle string
	MeetingDate  care.CivilDate
	// Named is false when the viewer has no relationship with the person.
	Named      bool
	PersonName string
	// CanUpdate reports whether the viewer may update or close it.
	CanUpdate bool
}

const actionColumns = `a.id, a.meeting_id, a.item_id, a.person_id, a.description, a.owner_user_id, a.owner_team_id, a.owner_label,
	a.due_date, a.status, a.progress, a.created_at, a.done_at, a.review_meeting_id, a.referral_id, a.version`

func scanAction(r rowScanner) (care.MDTAction, string, string, error) {
	var a care.MDTAction
	var ownerUser, ownerTeam sql.NullString
	var label, due, status, progress string
	var done sql.NullTime
	var referral sql.NullString
	err := r.Scan(&a.ID, &a.MeetingID, &a.ItemID, &a.PersonID, &a.Description, &ownerUser, &ownerTeam, &label, &due, &status,
		&progress, &a.CreatedAt, &done, &a.ReviewMeetingID, &referral, &a.Version)
	a.ReferralID = referral.String
	a.OwnerUserID, a.OwnerTeamID, a.Due, a.Status = ownerUser.String, ownerTeam.String, parseCivil(due), care.MDTActionStatus(status)
	a.CreatedAt = a.CreatedAt.UTC()
	if done.Valid {
		a.DoneAt = done.Time.UTC()
	}
	return a, label, progress, err
}

func findMDTActions(ctx context.Context, t *tx, where string, args ...any) ([]care.MDTAction, error) {
	rows, err := t.query(ctx, `SELECT `+actionColumns+` FROM mdt_actions a WHERE `+where+` ORDER BY a.created_at, a.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []care.MDTAction
	for rows.Next() {
		a, _, _, err := scanAction(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, a)
	}
	return list, rows.Err()
}

// findActionViews lists actions with their meeting and, where the actor
// may see the person, the person's name. Overdue open actions come first.
func findActionViews(ctx context.Context, t *tx, actor care.Actor, where string, args ...any) ([]MDTActionView, error) {
	rows, err := t.query(ctx, `SELECT `+actionColumns+`, s.title, m.meeting_date, s.owner_org_id
		FROM mdt_actions a JOIN mdt_meetings m ON m.id = a.meeting_id JOIN mdt_series s ON s.id = m.series_id
		WHERE `+where+` ORDER BY a.status DESC, a.due_date, a.created_at, a.id LIMIT 500`, args...)
	if err != nil {
		return nil, err
	}
	type row struct {
		v     MDTActionView
		owner string
	}
	var list []row
	for rows.Next() {
		var r row
		var date string
		a, label, progress, err := scanAction(multiScanner{rows, []any{&r.v.MeetingTitle, &date, &r.owner}})
		if err != nil {
			rows.Close()
			return nil, err
		}
		r.v.Action, r.v.OwnerLabel, r.v.Progress, r.v.MeetingDate = a, label, progress, parseCivil(date)
		r.v.Overdue = a.OverdueAt(t.now, t.cal.Location())
		list = append(list, r)
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	people := make([]string, len(list))
	for i, r := range list {
		people[i] = r.v.Action.PersonID
	}
	byPerson, err := findAccessAll(ctx, t, actor, people)
	if err != nil {
		return nil, err
	}
	out := make([]MDTActionView, 0, len(list))
	for _, r := range list {
		v := r.v
		if a := byPerson[v.Action.PersonID]; a.level != care.AccessNone {
			v.Named, v.PersonName = true, a.person.FullName()
		}
		v.CanUpdate = actor.System || care.CanUpdateMDTAction(actor, v.Action, care.MeetingRelation(actor, r.owner, nil).Coordinator)
		out = append(out, v)
	}
	return out, nil
}

// AddMDTAction records an action agreed about an item, owned by an invitee
// or one of their teams, due by a date. The owner is told in their inbox,
// and holds a relationship with the person until the action is closed.
func (s *Store) AddMDTAction(ctx context.Context, actor care.Actor, meetingID, itemID, description, ownerValue string, due care.CivilDate) (care.MDTAction, error) {
	a := care.MDTAction{MeetingID: meetingID, ItemID: itemID, Description: strings.TrimSpace(description), Due: due,
		Status: care.MDTActionOpen, ReviewMeetingID: meetingID}
	err := s.meetingWrite(ctx, actor, func(t *tx) error {
		m, invitees, _, err := meetingFor(ctx, t, actor, meetingID, care.MeetingRun, "mdt.action.add")
		if err != nil {
			return err
		}
		it, err := findItem(ctx, t, meetingID, itemID)
		if err != nil {
			return err
		}
		switch {
		case m.Finished():
			return care.Errorf(care.KindConflict, "This meeting has finished. Add actions at the next meeting.")
		case !m.Started(t.now):
			return care.Errorf(care.KindConflict, "Start the meeting before agreeing actions.")
		case it.Status != care.MDTItemOpen && it.Status != care.MDTItemDiscussed:
			return care.Errorf(care.KindConflict, "This item is no longer on the agenda.")
		}
		a.PersonID = it.PersonID
		label := ""
		for _, o := range meetingActionOwners(invitees) {
			if o.Value == ownerValue {
				label = o.Label
			}
		}
		if label != "" {
			kind, id, _ := strings.Cut(ownerValue, ":")
			if kind == "user" {
				a.OwnerUserID = id
			} else {
				a.OwnerTeamID = id
			}
		}
		var errs care.FieldErrors
		if err := a.Validate(); err != nil {
			errs = care.FieldsOf(err)
		}
		if label == "" && ownerValue != "" && errs.Message("owner") == "" {
			errs.Add("owner", "Choose who owns the action from the list")
		}
		if today := care.CivilDateOf(t.now.In(t.cal.Location())); a.Due.IsValid() && a.Due.Before(today) {
			errs.Add("due", "The due date must be today or later")
		}
		if len(errs) > 0 {
			return errs.Err()
		}
		a.ID, a.CreatedAt, a.Version = newID(), t.now, 1
		if _, err := t.exec(ctx, `INSERT INTO mdt_actions (id, meeting_id, item_id, person_id, description, owner_user_id,
			owner_team_id, owner_label, due_date, status, progress, created_at, created_by, review_meeting_id, updated_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, ?, 1)`,
			a.ID, meetingID, itemID, a.PersonID, a.Description, nullString(a.OwnerUserID), nullString(a.OwnerTeamID), label,
			a.Due.String(), string(a.Status), t.now, auditUserID(actor), meetingID, t.now); err != nil {
			return err
		}
		if err := t.appendAudit(ctx, actor, auditEntry{Action: "mdt.action.add", ResourceType: "Task", ResourceID: a.ID,
			PersonID: a.PersonID, Detail: "owner=" + strings.SplitN(ownerValue, ":", 2)[0]}); err != nil {
			return err
		}
		if err := grantActionOwner(ctx, t, actor, a); err != nil {
			return err
		}
		owners := []string{a.OwnerUserID}
		if a.OwnerTeamID != "" {
			if owners, err = teamCareMembers(ctx, t, a.OwnerTeamID); err != nil {
				return err
			}
		}
		meeting := notify.Meeting{ID: m.ID, Title: m.Title, Start: m.Start}
		var msgs []notify.Message
		for _, u := range owners {
			msgs = append(msgs, notify.ActionAssigned(u, meeting, a.ID, readableCivil(a.Due)))
		}
		_, err = insertNotifications(ctx, t, msgs)
		return err
	})
	return a, err
}

// grantActionOwner gives an open action's owner a relationship with its
// person until the action is closed.
func grantActionOwner(ctx context.Context, t *tx, actor care.Actor, a care.MDTAction) error {
	_, err := grantRelationship(ctx, t, actor, RelationshipGrant{PersonID: a.PersonID, Kind: care.GrantMDTAttendee,
		UserID: a.OwnerUserID, TeamID: a.OwnerTeamID, SourceType: "mdt_action", SourceID: a.ID, From: t.now})
	return err
}

func teamCareMembers(ctx context.Context, t *tx, teamID string) ([]string, error) {
	roles, marks := careRoleArgs()
	return queryStrings(ctx, t, `SELECT DISTINCT u.id FROM memberships ms JOIN users u ON u.id = ms.user_id
		WHERE ms.team_id = ? AND u.disabled_at IS NULL AND ms.role IN (`+marks+`) ORDER BY u.id`, append([]any{teamID}, roles...)...)
}

// MyMDTActions lists the actions the actor owns, or their acting team owns,
// across meetings: open ones first, soonest due first, overdue ones flagged;
// then those done in the last four weeks. Each person named is audited as
// listed.
func (s *Store) MyMDTActions(ctx context.Context, actor care.Actor) ([]MDTActionView, error) {
	if !care.CanUseMDT(actor) {
		return nil, s.denied(ctx, actor, auditEntry{Action: "mdt.action.list", ResourceType: "Task"},
			care.Errorf(care.KindForbidden, "Your role does not take part in MDT meetings."))
	}
	var list []MDTActionView
	err := s.write(ctx, func(t *tx) error {
		var err error
		list, err = findActionViews(ctx, t, actor, `(a.owner_user_id = ? OR a.owner_team_id = ?) AND (a.status = ? OR a.done_at > ?)`,
			actor.UserID, actor.Acting.TeamID, string(care.MDTActionOpen), t.now.Add(-28*24*time.Hour))
		if err != nil {
			return err
		}
		listed := map[string]bool{}
		for _, v := range list {
			if !v.Named || listed[v.Action.PersonID] {
				continue
			}
			listed[v.Action.PersonID] = true
			if err := t.appendAudit(ctx, actor, auditEntry{Action: "mdt.action.listed", ResourceType: "Task", ResourceID: v.Action.ID,
				PersonID: v.Action.PersonID}); err != nil {
				return err
			}
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "mdt.action.list", ResourceType: "Task", Detail: "results=" + itoa(len(list))})
	})
	return list, err
}

// MDTActionPage returns one action for its owner or the meeting's
// coordinators.
func (s *Store) MDTActionPage(ctx context.Context, actor care.Actor, id string) (MDTActionView, error) {
	var v MDTActionView
	err := s.meetingWrite(ctx, actor, func(t *tx) error {
		list, err := findActionViews(ctx, t, actor, `a.id = ?`, id)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return care.Errorf(care.KindNotFound, "There is no such action.")
		}
		v = list[0]
		if !v.CanUpdate {
			return refuse("mdt.action.read", "Task", id, v.Action.PersonID, "not-owner",
				care.Errorf(care.KindForbidden, "Only the action's owner and the meeting's coordinators can see it."))
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "mdt.action.read", ResourceType: "Task", ResourceID: id, PersonID: v.Action.PersonID})
	})
	return v, err
}

const mdtMaxProgress = 2000

// MDTActionUpdate is what an owner changes about an action.
type MDTActionUpdate struct {
	Status   care.MDTActionStatus
	Due      care.CivilDate
	Progress string
	Version  int
}

// UpdateMDTAction lets an action's owner (or a coordinator) record progress,
// change the due date, close it or open it again. Closing it ends the
// owner's relationship with the person that the action gave, and puts the
// action's completion on the person's timeline.
func (s *Store) UpdateMDTAction(ctx context.Context, actor care.Actor, id string, u MDTActionUpdate) error {
	u.Progress = strings.TrimSpace(u.Progress)
	return s.meetingWrite(ctx, actor, func(t *tx) error {
		list, err := findActionViews(ctx, t, actor, `a.id = ?`, id)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			return care.Errorf(care.KindNotFound, "There is no such action.")
		}
		cur := list[0]
		if !cur.CanUpdate {
			return refuse("mdt.action.update", "Task", id, cur.Action.PersonID, "not-owner",
				care.Errorf(care.KindForbidden, "Only the action's owner and the meeting's coordinators can change it."))
		}
		if cur.Action.Version != u.Version {
			return care.Errorf(care.KindConflict, "Someone else changed this action while you were looking at it. Nothing has been saved yet.")
		}
		next := cur.Action
		next.Due = u.Due
		var errs care.FieldErrors
		switch {
		case u.Status == next.Status:
		case u.Status == care.MDTActionDone:
			next, _ = next.Close(t.now)
		case u.Status == care.MDTActionOpen:
			next, _ = next.Reopen()
		default:
			errs.Add("status", "Choose whether the action is open or done")
		}
		if err := next.Validate(); err != nil {
			for _, f := range care.FieldsOf(err) {
				errs.Add(f.Field, f.Message)
			}
		}
		if utf8.RuneCountInString(u.Progress) > mdtMaxProgress {
			errs.Add("progress", "The progress note must be 2000 characters or fewer")
		}
		if len(errs) > 0 {
			return errs.Err()
		}
		var done any
		if !next.DoneAt.IsZero() {
			done = next.DoneAt
		}
		if err := t.execOne(ctx, care.Errorf(care.KindConflict, "Someone else changed this action while you were looking at it. Nothing has been saved yet."),
			`UPDATE mdt_actions SET status = ?, due_date = ?, progress = ?, done_at = ?, updated_at = ?, version = version + 1
			WHERE id = ? AND version = ?`, string(next.Status), next.Due.String(), u.Progress, done, t.now, id, u.Version); err != nil {
			return err
		}
		if err := t.appendAudit(ctx, actor, auditEntry{Action: "mdt.action.update", ResourceType: "Task", ResourceID: id,
			PersonID: next.PersonID, Detail: "status=" + string(next.Status)}); err != nil {
			return err
		}
		switch {
		case cur.Action.Status == care.MDTActionOpen && next.Status == care.MDTActionDone:
			if err := endRelationships(ctx, t, "mdt_action", id); err != nil {
				return err
			}
			on := "on time"
			if !next.ClosedOnTime(t.cal.Location()) {
				on = "after its due date of " + readableCivil(next.Due)
			}
			return appendTimeline(ctx, t, actor, care.TimelineEvent{PersonID: next.PersonID, Type: care.EventMDTActionDone,
				Summary: "Action from " + cur.MeetingTitle + " done " + on + ": " + next.Description, Visibility: care.VisibleToRecord})
		case cur.Action.Status == care.MDTActionDone && next.Status == care.MDTActionOpen:
			return grantActionOwner(ctx, t, actor, next)
		}
		return nil
	})
}

// MDTMeasures are the figures a series' finished meetings leave for later
// measures (C8): attendance, pre-read rates and actions closed on time.
type MDTMeasures struct {
	Meetings   int
	Attendance care.MDTAttendance
	PreRead    care.PreReadRate
	Actions    care.MDTActionMeasure
}

// AttendancePercent is the share of invitees who attended, rounded down.
func (m MDTMeasures) AttendancePercent() int {
	if m.Attendance.Total == 0 {
		return 0
	}
	return m.Attendance.Attended() * 100 / m.Attendance.Total
}

// findMeasures totals a series' finished meetings.
func findMeasures(ctx context.Context, t *tx, seriesID string, now time.Time) (MDTMeasures, error) {
	var m MDTMeasures
	err := t.queryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(invited_count), 0), COALESCE(SUM(attended_in_person), 0),
		COALESCE(SUM(attended_remotely), 0), COALESCE(SUM(declined_count), 0)
		FROM mdt_meetings WHERE series_id = ? AND finished_at IS NOT NULL`, seriesID).Scan(&m.Meetings, &m.Attendance.Total,
		&m.Attendance.InPerson, &m.Attendance.Remote, &m.Attendance.Declined)
	if err != nil {
		return m, err
	}
	err = t.queryRow(ctx, `SELECT COALESCE(SUM(it.pre_read_read), 0), COALESCE(SUM(it.pre_read_expected), 0)
		FROM mdt_items it JOIN mdt_meetings m ON m.id = it.meeting_id
		WHERE m.series_id = ? AND m.finished_at IS NOT NULL AND it.status <> ?`, seriesID, string(care.MDTItemWithdrawn)).Scan(&m.PreRead.Read, &m.PreRead.Expected)
	if err != nil {
		return m, err
	}
	actions, err := findMDTActions(ctx, t, `a.meeting_id IN (SELECT id FROM mdt_meetings WHERE series_id = ?)`, seriesID)
	if err != nil {
		return m, err
	}
	m.Actions = care.MeasureActions(actions, now, t.cal.Location())
	return m, nil
}
