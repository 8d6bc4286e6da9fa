package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/joinedup/joinedup/internal/care"
)

// This file keeps MDT meeting series, their core members, users' recurring
// blocked times and the colleagues a coordinator can invite. Meetings are
// in mdt_meetings.go, with their agendas, attendance, pre-read packs and
// outcomes in mdt_agenda.go, mdt_attendance.go, mdt_packs.go and
// mdt_outcomes.go; actions are in mdt_actions.go.

// mdtHorizon is how far ahead a series' meetings exist as rows, so they can
// have agendas and invitees. The scheduling job keeps it rolling forward.
const mdtHorizon = 8 * 7 * 24 * time.Hour

func parseCivil(s string) care.CivilDate {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return care.CivilDate{}
	}
	return care.CivilDateOf(t)
}

func civilText(d care.CivilDate) string {
	if d == (care.CivilDate{}) {
		return ""
	}
	return d.String()
}

// MDTColleague is a user, in one of their teams, whom a coordinator can make
// a core member of a series or invite to a meeting.
type MDTColleague struct {
	MembershipID string
	UserID       string
	TeamID       string
	Name         string
	Role         care.Role
	TeamName     string
	OrgName      string
}

// MDTColleagues lists the people who work with the actor's organisation and
// could be at its meetings: users in care roles in the same organisation, in
// teams that cover it (for a practice), and in organisations of the same
// local authority area. It lists staff, not people receiving care, so it is
// not audited as a read of a record.
func (s *Store) MDTColleagues(ctx context.Context, actor care.Actor) ([]MDTColleague, error) {
	if !care.CanUseMDT(actor) {
		return nil, care.Errorf(care.KindForbidden, "Your role does not take part in MDT meetings.")
	}
	var list []MDTColleague
	err := s.read(ctx, func(t *tx) error {
		var err error
		list, err = findColleagues(ctx, t, actor.Acting.OrgID)
		return err
	})
	return list, err
}

// maxColleagues bounds the list a form offers.
const maxColleagues = 300

func findColleagues(ctx context.Context, t *tx, orgID string) ([]MDTColleague, error) {
	roles, marks := careRoleArgs()
	args := append([]any{orgID, orgID, orgID}, roles...)
	args = append(args, maxColleagues)
	rows, err := t.query(ctx, `SELECT m.id, u.id, tm.id, u.display_name, m.role, tm.name, o.name
		FROM memberships m JOIN users u ON u.id = m.user_id JOIN teams tm ON tm.id = m.team_id
		JOIN organisations o ON o.id = tm.organisation_id
		WHERE u.disabled_at IS NULL
		AND (o.id = ?
			OR EXISTS (SELECT 1 FROM team_practices tp WHERE tp.team_id = tm.id AND tp.practice_id = ?)
			OR (o.local_authority_gss IS NOT NULL AND o.local_authority_gss <> ''
				AND o.local_authority_gss = (SELECT local_authority_gss FROM organisations WHERE id = ?)))
		AND m.role IN (`+marks+`)
		ORDER BY u.display_name, o.name, tm.name, m.id LIMIT ?`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []MDTColleague
	for rows.Next() {
		var c MDTColleague
		var role string
		if err := rows.Scan(&c.MembershipID, &c.UserID, &c.TeamID, &c.Name, &role, &c.TeamName, &c.OrgName); err != nil {
			return nil, err
		}
		c.Role = care.Role(role)
		list = append(list, c)
	}
	return list, rows.Err()
}

func careRoleArgs() ([]any, string) {
	roles := make([]any, 0, len(care.CareRoles))
	marks := make([]string, 0, len(care.CareRoles))
	for _, r := range care.CareRoles {
		roles = append(roles, string(r))
		marks = append(marks, "?")
	}
	return roles, strings.Join(marks, ", ")
}

// findMembership loads an active user's membership in a care role.
func findMembership(ctx context.Context, t *tx, membershipID string) (MDTColleague, error) {
	var c MDTColleague
	var role string
	err := t.queryRow(ctx, `SELECT m.id, u.id, tm.id, u.display_name, m.role, tm.name, o.name
		FROM memberships m JOIN users u ON u.id = m.user_id JOIN teams tm ON tm.id = m.team_id
		JOIN organisations o ON o.id = tm.organisation_id
		WHERE m.id = ? AND u.disabled_at IS NULL`, membershipID).Scan(&c.MembershipID, &c.UserID, &c.TeamID, &c.Name, &role,
		&c.TeamName, &c.OrgName)
	c.Role = care.Role(role)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !c.Role.IsCareRole() {
		return c, care.Errorf(care.KindNotFound, "That colleague was not found.")
	}
	return c, err
}

// NewMDTSeries is a series to create: the series, the memberships of its
// core members, and the slot the coordinator chose for its first meeting.
type NewMDTSeries struct {
	Series care.MDTSeries
	// CoreMemberships are membership ids, so each core member is invited
	// in the team and role they meet for.
	CoreMemberships []string
	// ScopeName names the practice, network or neighbourhood.
	ScopeName string
}

// MDTSeriesView is a series as its pages show it.
type MDTSeriesView struct {
	Series       care.MDTSeries
	ScopeName    string
	OwnerOrgID   string
	OwnerOrgName string
	Core         []MDTMember
	// Meetings are the series' meetings from the first unfinished one on,
	// up to the horizon; Past are the latest finished ones, newest first.
	Meetings []MDTMeetingSummary
	Past     []MDTMeetingSummary
	// Skipped are the bank holidays in the next weeks the series would
	// have met on.
	Skipped     []care.Holiday
	Coordinator bool
	Measures    MDTMeasures
}

// CreateMDTSeries sets up a series for the organisation the actor acts for,
// with its core members (the actor always among them, so the coordinator is
// at every meeting), and creates its meetings up to the horizon, each with
// the core members invited.
func (s *Store) CreateMDTSeries(ctx context.Context, actor care.Actor, ns NewMDTSeries) (care.MDTSeries, error) {
	if !care.CanCoordinateMDT(actor) {
		return care.MDTSeries{}, s.denied(ctx, actor, auditEntry{Action: "mdt.series.create", ResourceType: "Schedule"},
			care.Errorf(care.KindForbidden, "Your role does not set up MDT meetings."))
	}
	sr := ns.Series
	sr.Title, sr.Place, sr.RemoteLink = strings.TrimSpace(sr.Title), strings.TrimSpace(sr.Place), strings.TrimSpace(sr.RemoteLink)
	ns.ScopeName = strings.TrimSpace(ns.ScopeName)
	if sr.Scope == care.MDTScopePractice {
		sr.ScopeID = actor.Acting.OrgID
		ns.ScopeName = actor.Acting.OrgName
	} else {
		sr.ScopeID = ns.ScopeName
	}
	// Core members are checked as memberships below; the domain rule sees
	// their ids.
	sr.CoreMembers = nil
	seen := map[string]bool{}
	for _, m := range ns.CoreMemberships {
		if m != "" && !seen[m] {
			seen[m] = true
			sr.CoreMembers = append(sr.CoreMembers, m)
		}
	}
	if err := sr.Validate(); err != nil {
		return sr, err
	}
	sr.ID, sr.Version = newID(), 1
	err := s.write(ctx, func(t *tx) error {
		var core []MDTColleague
		mine := false
		for _, id := range sr.CoreMembers {
			c, err := findMembership(ctx, t, id)
			if err != nil {
				return care.FieldErrors{{Field: "core_members", Message: "Choose each core member from the list"}}.Err()
			}
			mine = mine || c.UserID == actor.UserID
			core = append(core, c)
		}
		if !mine {
			core = append(core, MDTColleague{UserID: actor.UserID, TeamID: actor.Acting.TeamID, Role: actor.Role()})
		}
		sr.CoreMembers = sr.CoreMembers[:0]
		for _, c := range core {
			sr.CoreMembers = append(sr.CoreMembers, c.UserID)
		}
		if _, err := t.exec(ctx, `INSERT INTO mdt_series (id, title, scope, scope_id, scope_name, owner_org_id, cadence_repeat,
			weekday, week_of_month, first_date, last_date, start_minute, duration_minutes, place, remote_link,
			agenda_deadline_minutes, created_at, created_by, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
			sr.ID, sr.Title, string(sr.Scope), sr.ScopeID, ns.ScopeName, actor.Acting.OrgID, string(sr.Cadence.Repeat),
			int(sr.Cadence.Weekday), sr.Cadence.WeekOfMonth, civilText(sr.FirstDate), civilText(sr.LastDate),
			int(sr.StartTime/time.Minute), int(sr.Duration/time.Minute), sr.Place, sr.RemoteLink,
			int(sr.AgendaDeadline/time.Minute), t.now, auditUserID(actor)); err != nil {
			return err
		}
		for _, c := range core {
			if _, err := t.exec(ctx, `INSERT INTO mdt_core_members (series_id, user_id, team_id, role) VALUES (?, ?, ?, ?)
				ON CONFLICT (series_id, user_id) DO NOTHING`, sr.ID, c.UserID, c.TeamID, string(c.Role)); err != nil {
				return err
			}
		}
		if err := t.appendAudit(ctx, actor, auditEntry{Action: "mdt.series.create", ResourceType: "Schedule", ResourceID: sr.ID,
			Detail: "scope=" + string(sr.Scope) + " core=" + itoa(len(core))}); err != nil {
			return err
		}
		_, err := scheduleSeries(ctx, t, actor, sr, t.now)
		return err
	})
	return sr, err
}

const seriesColumns = `s.id, s.title, s.scope, s.scope_id, s.scope_name, s.owner_org_id, s.cadence_repeat, s.weekday,
	s.week_of_month, s.first_date, s.last_date, s.start_minute, s.duration_minutes, s.place, s.remote_link,
	s.agenda_deadline_minutes, s.version`

// seriesRow is a series with what the store keeps beside it.
type seriesRow struct {
	care.MDTSeries
	scopeName, ownerOrgID string
}

func scanSeries(r rowScanner) (seriesRow, error) {
	var sr seriesRow
	var scope, repeat, first, last string
	var weekday, start, duration, deadline int
	err := r.Scan(&sr.ID, &sr.Title, &scope, &sr.ScopeID, &sr.scopeName, &sr.ownerOrgID, &repeat, &weekday,
		&sr.Cadence.WeekOfMonth, &first, &last, &start, &duration, &sr.Place, &sr.RemoteLink, &deadline, &sr.Version)
	sr.Scope, sr.Cadence.Repeat, sr.Cadence.Weekday = care.MDTScope(scope), care.MDTRepeat(repeat), time.Weekday(weekday)
	sr.FirstDate, sr.LastDate = parseCivil(first), parseCivil(last)
	sr.StartTime, sr.Duration = time.Duration(start)*time.Minute, time.Duration(duration)*time.Minute
	sr.AgendaDeadline = time.Duration(deadline) * time.Minute
	return sr, err
}

func findSeries(ctx context.Context, t *tx, id string) (seriesRow, error) {
	sr, err := scanSeries(t.queryRow(ctx, `SELECT `+seriesColumns+` FROM mdt_series s WHERE s.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return sr, care.Errorf(care.KindNotFound, "There is no such meeting series.")
	}
	if err != nil {
		return sr, err
	}
	sr.CoreMembers, err = queryStrings(ctx, t, `SELECT user_id FROM mdt_core_members WHERE series_id = ? ORDER BY user_id`, id)
	return sr, err
}

// scheduleSeries makes sure the series' meetings exist from now up to the
// horizon, and at least its next meeting however far off, each with the
// core members invited. It returns how many meetings it created.
func scheduleSeries(ctx context.Context, t *tx, actor care.Actor, sr care.MDTSeries, now time.Time) (int, error) {
	cal := t.cal
	occs := sr.Occurrences(cal, now, now.Add(mdtHorizon))
	if len(occs) == 0 {
		if next, ok := sr.NextOccurrence(cal, now); ok {
			occs = append(occs, next)
		}
	}
	created := 0
	for _, occ := range occs {
		_, isNew, err := ensureMeeting(ctx, t, actor, sr, occ)
		if err != nil {
			return created, err
		}
		if isNew {
			created++
		}
	}
	return created, nil
}

// ensureMeeting returns the series' meeting on occ's date, creating it with
// the core members invited when it does not exist yet. Two instances
// creating it at once are kept to one row by the unique date.
func ensureMeeting(ctx context.Context, t *tx, actor care.Actor, sr care.MDTSeries, occ care.MDTOccurrence) (string, bool, error) {
	id := newID()
	res, err := t.exec(ctx, `INSERT INTO mdt_meetings (id, series_id, meeting_date, starts_at, ends_at, agenda_closes_at,
		invited_count, attended_in_person, attended_remotely, declined_count, created_at, version)
		VALUES (?, ?, ?, ?, ?, ?, 0, 0, 0, 0, ?, 1) ON CONFLICT (series_id, meeting_date) DO NOTHING`,
		id, sr.ID, occ.Date.String(), occ.Start, occ.End, care.AgendaClosesAt(occ.Start, sr.Deadline()), t.now)
	if err != nil {
		return "", false, err
	}
	if n, err := res.RowsAffected(); err != nil {
		return "", false, err
	} else if n == 0 {
		err := t.queryRow(ctx, `SELECT id FROM mdt_meetings WHERE series_id = ? AND meeting_date = ?`, sr.ID, occ.Date.String()).Scan(&id)
		return id, false, err
	}
	if _, err := t.exec(ctx, `INSERT INTO mdt_invitees (meeting_id, user_id, team_id, role, core, state, invited_at, updated_at)
		SELECT ?, c.user_id, c.team_id, c.role, 1, ?, ?, ? FROM mdt_core_members c JOIN users u ON u.id = c.user_id
		WHERE c.series_id = ? AND u.disabled_at IS NULL`, id, string(care.AttendanceInvited), t.now, t.now, sr.ID); err != nil {
		return "", false, err
	}
	return id, true, t.appendAudit(ctx, actor, auditEntry{Action: "mdt.meeting.schedule", ResourceType: "Appointment", ResourceID: id,
		Detail: "series=" + sr.ID + " date=" + occ.Date.String()})
}

// ScheduleMDTMeetings keeps every series' meetings created up to the
// horizon. It is the scheduling job's work, safe to run on several
// instances at once, and returns how many meetings it created.
func (s *Store) ScheduleMDTMeetings(ctx context.Context, actor care.Actor, now time.Time) (int, error) {
	if !actor.System {
		return 0, s.denied(ctx, actor, auditEntry{Action: "mdt.meeting.schedule", ResourceType: "Appointment"},
			care.Errorf(care.KindForbidden, "Only joinedup itself schedules meetings ahead."))
	}
	created := 0
	err := s.write(ctx, func(t *tx) error {
		ids, err := queryStrings(ctx, t, `SELECT id FROM mdt_series WHERE last_date = '' OR last_date >= ? ORDER BY id`,
			care.CivilDateOf(now.In(t.cal.Location())).String())
		if err != nil {
			return err
		}
		for _, id := range ids {
			sr, err := findSeries(ctx, t, id)
			if err != nil {
				return err
			}
			n, err := scheduleSeries(ctx, t, actor, sr.MDTSeries, now)
			if err != nil {
				return err
			}
			created += n
		}
		return nil
	})
	return created, err
}

// MDTSeriesPage returns a series with its members, meetings and measures,
// for its coordinators and its core members.
func (s *Store) MDTSeriesPage(ctx context.Context, actor care.Actor, id string) (MDTSeriesView, error) {
	var v MDTSeriesView
	err := s.write(ctx, func(t *tx) error {
		sr, err := findSeries(ctx, t, id)
		if err != nil {
			return err
		}
		v.Series, v.ScopeName, v.OwnerOrgID = sr.MDTSeries, sr.scopeName, sr.ownerOrgID
		v.Coordinator = care.MeetingRelation(actor, sr.ownerOrgID, nil).Coordinator
		core := false
		for _, u := range sr.CoreMembers {
			core = core || u == actor.UserID
		}
		if !care.CanUseMDT(actor) || !v.Coordinator && !core {
			return refuse("mdt.series.read", "Schedule", id, "", "not-coordinator-or-member",
				care.Errorf(care.KindForbidden, "Only the coordinators and core members of a meeting series can see it."))
		}
		if err := t.queryRow(ctx, `SELECT name FROM organisations WHERE id = ?`, sr.ownerOrgID).Scan(&v.OwnerOrgName); err != nil {
			return err
		}
		if v.Core, err = findCoreMembers(ctx, t, id); err != nil {
			return err
		}
		if v.Meetings, err = findMeetingSummaries(ctx, t, `m.series_id = ? AND m.finished_at IS NULL`, "m.starts_at", 20, id); err != nil {
			return err
		}
		if v.Past, err = findMeetingSummaries(ctx, t, `m.series_id = ? AND m.finished_at IS NOT NULL`, "m.starts_at DESC", 10, id); err != nil {
			return err
		}
		v.Skipped = sr.SkippedOccurrences(t.cal, t.now, t.now.Add(mdtHorizon))
		if v.Measures, err = findMeasures(ctx, t, id, t.now); err != nil {
			return err
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "mdt.series.read", ResourceType: "Schedule", ResourceID: id})
	})
	var r *personRefusal
	if errors.As(err, &r) {
		return v, s.denied(ctx, actor, r.entry, r.err)
	}
	return v, err
}

func findCoreMembers(ctx context.Context, t *tx, seriesID string) ([]MDTMember, error) {
	rows, err := t.query(ctx, `SELECT c.user_id, c.team_id, c.role, u.display_name, tm.name, o.name
		FROM mdt_core_members c JOIN users u ON u.id = c.user_id JOIN teams tm ON tm.id = c.team_id
		JOIN organisations o ON o.id = tm.organisation_id WHERE c.series_id = ? ORDER BY u.display_name, c.user_id`, seriesID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []MDTMember
	for rows.Next() {
		m := MDTMember{MDTInvitee: care.MDTInvitee{Core: true}}
		var role string
		if err := rows.Scan(&m.UserID, &m.TeamID, &role, &m.Name, &m.TeamName, &m.OrgName); err != nil {
			return nil, err
		}
		m.Role = care.Role(role)
		list = append(list, m)
	}
	return list, rows.Err()
}

// MDTSeriesList lists the series the actor coordinates (those of the
// organisation they act for, when their role coordinates) and those they
// are a core member of.
func (s *Store) MDTSeriesList(ctx context.Context, actor care.Actor) ([]MDTSeriesView, error) {
	if !care.CanUseMDT(actor) {
		return nil, care.Errorf(care.KindForbidden, "Your role does not take part in MDT meetings.")
	}
	var list []MDTSeriesView
	err := s.read(ctx, func(t *tx) error {
		owner := ""
		if care.CanCoordinateMDT(actor) {
			owner = actor.Acting.OrgID
		}
		rows, err := t.query(ctx, `SELECT `+seriesColumns+`, o.name FROM mdt_series s JOIN organisations o ON o.id = s.owner_org_id
			WHERE s.owner_org_id = ? OR EXISTS (SELECT 1 FROM mdt_core_members c WHERE c.series_id = s.id AND c.user_id = ?)
			ORDER BY s.title, s.id LIMIT 100`, owner, actor.UserID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var v MDTSeriesView
			var sr seriesRow
			var repeat, scope, first, last string
			var weekday, start, duration, deadline int
			if err := rows.Scan(&sr.ID, &sr.Title, &scope, &sr.ScopeID, &sr.scopeName, &sr.ownerOrgID, &repeat, &weekday,
				&sr.Cadence.WeekOfMonth, &first, &last, &start, &duration, &sr.Place, &sr.RemoteLink, &deadline, &sr.Version,
				&v.OwnerOrgName); err != nil {
				return err
			}
			sr.Scope, sr.Cadence.Repeat, sr.Cadence.Weekday = care.MDTScope(scope), care.MDTRepeat(repeat), time.Weekday(weekday)
			sr.FirstDate, sr.LastDate = parseCivil(first), parseCivil(last)
			sr.StartTime, sr.Duration = time.Duration(start)*time.Minute, time.Duration(duration)*time.Minute
			sr.AgendaDeadline = time.Duration(deadline) * time.Minute
			v.Series, v.ScopeName, v.OwnerOrgID = sr.MDTSeries, sr.scopeName, sr.ownerOrgID
			v.Coordinator = care.MeetingRelation(actor, sr.ownerOrgID, nil).Coordinator
			list = append(list, v)
		}
		return rows.Err()
	})
	return list, err
}

// ---- Blocked times ----

// BlockedTimes lists the actor's own recurring blocked times.
func (s *Store) BlockedTimes(ctx context.Context, actor care.Actor) ([]care.BlockedTime, error) {
	if !care.CanUseMDT(actor) {
		return nil, care.Errorf(care.KindForbidden, "Your role does not take part in MDT meetings.")
	}
	var list []care.BlockedTime
	err := s.read(ctx, func(t *tx) error {
		var err error
		list, err = findBlockedTimes(ctx, t, []string{actor.UserID})
		return err
	})
	return list, err
}

func findBlockedTimes(ctx context.Context, t *tx, userIDs []string) ([]care.BlockedTime, error) {
	if len(userIDs) == 0 {
		return nil, nil
	}
	args := make([]any, len(userIDs))
	marks := make([]string, len(userIDs))
	for i, u := range userIDs {
		args[i], marks[i] = u, "?"
	}
	rows, err := t.query(ctx, `SELECT id, user_id, label, weekday, start_minute, end_minute, cadence_repeat, anchor_date, clinical
		FROM mdt_blocked_times WHERE user_id IN (`+strings.Join(marks, ", ")+`) ORDER BY user_id, weekday, start_minute, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []care.BlockedTime
	for rows.Next() {
		var b care.BlockedTime
		var weekday, start, end, clinical int
		var repeat, anchor string
		if err := rows.Scan(&b.ID, &b.UserID, &b.Label, &weekday, &start, &end, &repeat, &anchor, &clinical); err != nil {
			return nil, err
		}
		b.Weekday, b.Start, b.End = time.Weekday(weekday), time.Duration(start)*time.Minute, time.Duration(end)*time.Minute
		b.Repeat, b.Anchor, b.Clinical = care.MDTRepeat(repeat), parseCivil(anchor), clinical == 1
		list = append(list, b)
	}
	return list, rows.Err()
}

// maxBlockedTimesEach bounds one user's blocked times.
const maxBlockedTimesEach = 50

// AddBlockedTime records one of the actor's own recurring blocked times.
func (s *Store) AddBlockedTime(ctx context.Context, actor care.Actor, b care.BlockedTime) (care.BlockedTime, error) {
	if !care.CanUseMDT(actor) {
		return b, s.denied(ctx, actor, auditEntry{Action: "mdt.blocked_time.add", ResourceType: "Schedule"},
			care.Errorf(care.KindForbidden, "Your role does not take part in MDT meetings."))
	}
	b.UserID, b.Label = actor.UserID, strings.TrimSpace(b.Label)
	if b.Repeat != care.MDTFortnightly {
		b.Anchor = care.CivilDate{}
	}
	if err := b.Validate(); err != nil {
		return b, err
	}
	b.ID = newID()
	err := s.write(ctx, func(t *tx) error {
		var n int
		if err := t.queryRow(ctx, `SELECT COUNT(*) FROM mdt_blocked_times WHERE user_id = ?`, actor.UserID).Scan(&n); err != nil {
			return err
		}
		if n >= maxBlockedTimesEach {
			return care.FieldErrors{{Field: "label", Message: "You have 50 blocked times already. Remove some you no longer need first"}}.Err()
		}
		if _, err := t.exec(ctx, `INSERT INTO mdt_blocked_times (id, user_id, label, weekday, start_minute, end_minute,
			cadence_repeat, anchor_date, clinical, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			b.ID, b.UserID, b.Label, int(b.Weekday), int(b.Start/time.Minute), int(b.End/time.Minute), string(b.Repeat),
			civilText(b.Anchor), boolInt(b.Clinical), t.now); err != nil {
			return err
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "mdt.blocked_time.add", ResourceType: "Schedule", ResourceID: b.ID})
	})
	return b, err
}

// RemoveBlockedTime removes one of the actor's own blocked times; someone
// else's is not found, so its existence is not given away.
func (s *Store) RemoveBlockedTime(ctx context.Context, actor care.Actor, id string) error {
	if !care.CanUseMDT(actor) {
		return s.denied(ctx, actor, auditEntry{Action: "mdt.blocked_time.remove", ResourceType: "Schedule", ResourceID: id},
			care.Errorf(care.KindForbidden, "Your role does not take part in MDT meetings."))
	}
	return s.write(ctx, func(t *tx) error {
		if err := t.execOne(ctx, care.Errorf(care.KindNotFound, "That blocked time is not one of yours."),
			`DELETE FROM mdt_blocked_times WHERE id = ? AND user_id = ?`, id, actor.UserID); err != nil {
			return err
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "mdt.blocked_time.remove", ResourceType: "Schedule", ResourceID: id})
	})
}

// ProposeMDTSlots runs the scheduling assistant for a coordinator: it loads
// the blocked times of the chosen core members (by membership) and of the
// coordinator, and proposes slots around them.
func (s *Store) ProposeMDTSlots(ctx context.Context, actor care.Actor, coreMemberships []string, req care.SlotRequest) ([]care.ProposedSlot, error) {
	if !care.CanCoordinateMDT(actor) {
		return nil, care.Errorf(care.KindForbidden, "Your role does not set up MDT meetings.")
	}
	var slots []care.ProposedSlot
	err := s.read(ctx, func(t *tx) error {
		users := []string{actor.UserID}
		for _, id := range coreMemberships {
			c, err := findMembership(ctx, t, id)
			if err != nil {
				return care.FieldErrors{{Field: "core_members", Message: "Choose each core member from the list"}}.Err()
			}
			users = append(users, c.UserID)
		}
		blocked, err := findBlockedTimes(ctx, t, users)
		if err != nil {
			return err
		}
		req.Core, req.Blocked = users, blocked
		if req.Calendar == nil {
			req.Calendar = t.cal
		}
		slots, err = care.ProposeSlots(req)
		return err
	})
	return slots, err
}
