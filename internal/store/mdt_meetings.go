package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/joinedup/joinedup/internal/care"
)

// This file loads MDT meetings: the views pages show, the meetings a user
// is invited to, and the check every meeting method starts with
// (meetingFor). The agenda is in mdt_agenda.go, invitations and attendance
// in mdt_attendance.go, pre-read packs in mdt_packs.go, and outcomes and
// finishing a meeting in mdt_outcomes.go.

// MDTMember is an invitee of a meeting, or a core member of a series, with
// the names pages show.
type MDTMember struct {
	care.MDTInvitee
	TeamID, Name, TeamName, OrgName string
}

// MDTMeetingSummary is one meeting in a list.
type MDTMeetingSummary struct {
	ID, SeriesID, Title string
	Place, RemoteLink   string
	Date                care.CivilDate
	Start, End          time.Time
	AgendaClosesAt      time.Time
	AgendaSentAt        time.Time
	StartedAt           time.Time
	FinishedAt          time.Time
	// Items counts the people on the agenda.
	Items int
	// MyState is the actor's own attendance, in lists of their meetings.
	MyState care.AttendanceState
}

// Status says where the meeting has got to, as a page shows it.
func (m MDTMeetingSummary) Status() string {
	switch {
	case !m.FinishedAt.IsZero():
		return "Finished"
	case !m.StartedAt.IsZero():
		return "In progress"
	case !m.AgendaSentAt.IsZero():
		return "Agenda sent"
	}
	return "Agenda open"
}

// Finished reports whether the meeting has been finished.
func (m MDTMeetingSummary) Finished() bool { return !m.FinishedAt.IsZero() }

// Started reports whether the meeting is under way (or over) at now: it was
// started, or its time has come.
func (m MDTMeetingSummary) Started(now time.Time) bool {
	return !m.StartedAt.IsZero() || !now.Before(m.Start)
}

// MDTItemView is an agenda item as the meeting page shows it.
type MDTItemView struct {
	Item care.MDTAgendaItem
	// Named is false when the viewer has no relationship with the person,
	// such as an invitee who declined: the item shows without their name.
	Named      bool
	PersonName string
	NHSNumber  care.NHSNumber
	AddedBy    string
	Late       bool
	Outcome    string
	Decisions  string
	Discussed  time.Time
	// PreRead is the pre-read rate, live until the meeting is finished and
	// as it was at the start of the meeting afterwards.
	PreRead    care.PreReadRate
	OpenedByMe bool
	Warnings   []MDTNeedWarningView
	Actions    []MDTActionView
	// OutcomeSentTo counts the practice users the outcome was sent to;
	// PracticeName and PracticePhone say whom to call when it is none.
	OutcomeSentTo int
	PracticeName  string
	PracticePhone string
	// CarriedFrom is the date of the meeting the item was carried from.
	CarriedFrom care.CivilDate
}

// MDTNeedWarningView explains an unmet need in words.
type MDTNeedWarningView struct {
	care.MDTNeedWarning
	Message string
}

// MDTMeetingView is a meeting with everything its page shows.
type MDTMeetingView struct {
	MDTMeetingSummary
	Series       care.MDTSeries
	OwnerOrgName string
	Rel          care.MDTRelation
	Invitees     []MDTMember
	Attendance   care.MDTAttendance
	Items        []MDTItemView
	// Review lists open actions from earlier meetings, on this agenda for
	// review.
	Review []MDTActionView
	// Owners are who actions can be given to: invitees and their teams.
	Owners []ActionOwnerChoice
	// NextMeetingID is set once the meeting is finished.
	NextMeetingID string
	Now           time.Time
	// Version guards finishing against a change made meanwhile.
	Version int
}

// MyInvitation is the viewer's own invitation, if they have one.
func (v MDTMeetingView) MyInvitation(userID string) (MDTMember, bool) {
	for _, m := range v.Invitees {
		if m.UserID == userID {
			return m, true
		}
	}
	return MDTMember{}, false
}

// meetingRow is a meeting with its series.
type meetingRow struct {
	MDTMeetingSummary
	series  seriesRow
	nextID  string
	version int
}

const meetingColumns = `m.id, m.series_id, m.meeting_date, m.starts_at, m.ends_at, m.agenda_closes_at, m.agenda_sent_at,
	m.started_at, m.finished_at, m.next_meeting_id, m.version`

func scanMeeting(r rowScanner) (meetingRow, error) {
	var m meetingRow
	var date string
	var sent, started, finished sql.NullTime
	var next sql.NullString
	err := r.Scan(&m.ID, &m.SeriesID, &date, &m.Start, &m.End, &m.AgendaClosesAt, &sent, &started, &finished, &next, &m.version)
	m.Date, m.nextID = parseCivil(date), next.String
	m.Start, m.End, m.AgendaClosesAt = m.Start.UTC(), m.End.UTC(), m.AgendaClosesAt.UTC()
	m.AgendaSentAt, m.StartedAt, m.FinishedAt = sent.Time.UTC(), started.Time.UTC(), finished.Time.UTC()
	if !sent.Valid {
		m.AgendaSentAt = time.Time{}
	}
	if !started.Valid {
		m.StartedAt = time.Time{}
	}
	if !finished.Valid {
		m.FinishedAt = time.Time{}
	}
	return m, err
}

func findMeeting(ctx context.Context, t *tx, id string) (meetingRow, error) {
	m, err := scanMeeting(t.queryRow(ctx, `SELECT `+meetingColumns+` FROM mdt_meetings m WHERE m.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return m, care.Errorf(care.KindNotFound, "There is no such meeting.")
	}
	if err != nil {
		return m, err
	}
	if m.series, err = findSeries(ctx, t, m.SeriesID); err != nil {
		return m, err
	}
	m.Title, m.Place, m.RemoteLink = m.series.Title, m.series.Place, m.series.RemoteLink
	return m, nil
}

func findInvitees(ctx context.Context, t *tx, meetingID string) ([]MDTMember, error) {
	rows, err := t.query(ctx, `SELECT i.user_id, i.team_id, i.role, i.core, i.state, u.display_name, tm.name, o.name
		FROM mdt_invitees i JOIN users u ON u.id = i.user_id JOIN teams tm ON tm.id = i.team_id
		JOIN organisations o ON o.id = tm.organisation_id WHERE i.meeting_id = ? ORDER BY i.core DESC, u.display_name, i.user_id`, meetingID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []MDTMember
	for rows.Next() {
		var m MDTMember
		var role, state string
		var core int
		if err := rows.Scan(&m.UserID, &m.TeamID, &role, &core, &state, &m.Name, &m.TeamName, &m.OrgName); err != nil {
			return nil, err
		}
		m.Role, m.Core, m.State = care.Role(role), core == 1, care.AttendanceState(state)
		list = append(list, m)
	}
	return list, rows.Err()
}

func invitationOf(invitees []MDTMember, userID string) *care.MDTInvitee {
	for _, m := range invitees {
		if m.UserID == userID {
			inv := m.MDTInvitee
			return &inv
		}
	}
	return nil
}

// meetingFor loads a meeting and checks the actor may take the action on
// it, returning a refusal to audit when not.
func meetingFor(ctx context.Context, t *tx, actor care.Actor, id string, action care.MeetingAction, auditAction string) (meetingRow, []MDTMember, care.MDTRelation, error) {
	m, err := findMeeting(ctx, t, id)
	if err != nil {
		return m, nil, care.MDTRelation{}, err
	}
	invitees, err := findInvitees(ctx, t, id)
	if err != nil {
		return m, nil, care.MDTRelation{}, err
	}
	rel := care.MeetingRelation(actor, m.series.ownerOrgID, invitationOf(invitees, actor.UserID))
	if !actor.System && !care.MeetingAllowed(actor, rel, action) {
		msg := "Only the people invited to this meeting and its coordinators can see it."
		switch action {
		case care.MeetingRun:
			msg = "Only the meeting's coordinators can do this."
		case care.MeetingRespond:
			msg = "You are not invited to this meeting."
		case care.MeetingReadPack, care.MeetingAddItem:
			if rel.Declined {
				msg = "You declined this meeting. Accept it again to read the packs and add people."
			}
		}
		return m, invitees, rel, refuse(auditAction, "Appointment", id, "", "no-meeting-relationship", care.Errorf(care.KindForbidden, "%s", msg))
	}
	return m, invitees, rel, nil
}

// meetingWrite runs fn in a write transaction, auditing a refusal it
// returns in a transaction of its own.
func (s *Store) meetingWrite(ctx context.Context, actor care.Actor, fn func(*tx) error) error {
	return s.personWrite(ctx, actor, fn)
}

func findMeetingSummaries(ctx context.Context, t *tx, where, order string, limit int, args ...any) ([]MDTMeetingSummary, error) {
	args = append(args, limit)
	rows, err := t.query(ctx, `SELECT `+meetingColumns+`, s.title, s.place, s.remote_link,
		(SELECT COUNT(*) FROM mdt_items it WHERE it.meeting_id = m.id AND it.status <> ?)
		FROM mdt_meetings m JOIN mdt_series s ON s.id = m.series_id WHERE `+where+` ORDER BY `+order+`, m.id LIMIT ?`,
		append([]any{string(care.MDTItemWithdrawn)}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []MDTMeetingSummary
	for rows.Next() {
		var title, place, link string
		var n int
		m, err := scanMeeting(multiScanner{rows, []any{&title, &place, &link, &n}})
		if err != nil {
			return nil, err
		}
		m.Title, m.Place, m.RemoteLink, m.Items = title, place, link, n
		list = append(list, m.MDTMeetingSummary)
	}
	return list, rows.Err()
}

// multiScanner scans a row's leading columns with one scanner and the rest
// into extra destinations.
type multiScanner struct {
	rows  *sql.Rows
	extra []any
}

func (m multiScanner) Scan(dest ...any) error { return m.rows.Scan(append(dest, m.extra...)...) }

// MyMDTMeetings lists the meetings the actor is invited to that are not yet
// finished, or finished in the last four weeks, soonest first.
func (s *Store) MyMDTMeetings(ctx context.Context, actor care.Actor) ([]MDTMeetingSummary, error) {
	if !care.CanUseMDT(actor) {
		return nil, care.Errorf(care.KindForbidden, "Your role does not take part in MDT meetings.")
	}
	var list []MDTMeetingSummary
	err := s.read(ctx, func(t *tx) error {
		rows, err := t.query(ctx, `SELECT m.id, i.state FROM mdt_invitees i JOIN mdt_meetings m ON m.id = i.meeting_id
			WHERE i.user_id = ? AND (m.finished_at IS NULL OR m.finished_at > ?) ORDER BY m.starts_at, m.id LIMIT 50`,
			actor.UserID, t.now.Add(-28*24*time.Hour))
		if err != nil {
			return err
		}
		states := map[string]care.AttendanceState{}
		var ids []any
		var marks []string
		for rows.Next() {
			var id, state string
			if err := rows.Scan(&id, &state); err != nil {
				rows.Close()
				return err
			}
			states[id] = care.AttendanceState(state)
			ids, marks = append(ids, id), append(marks, "?")
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		list, err = findMeetingSummaries(ctx, t, `m.id IN (`+strings.Join(marks, ", ")+`)`, "m.starts_at", 50, ids...)
		for i := range list {
			list[i].MyState = states[list[i].ID]
		}
		return err
	})
	return list, err
}

// MDTMeeting returns a meeting for its page. The agenda names people, so
// each person shown is audited as listed, and people the viewer has no
// relationship with (an invitee who declined) are shown without a name.
func (s *Store) MDTMeeting(ctx context.Context, actor care.Actor, id string) (MDTMeetingView, error) {
	var v MDTMeetingView
	err := s.meetingWrite(ctx, actor, func(t *tx) error {
		m, invitees, rel, err := meetingFor(ctx, t, actor, id, care.MeetingView, "mdt.meeting.read")
		if err != nil {
			return err
		}
		v = MDTMeetingView{MDTMeetingSummary: m.MDTMeetingSummary, Series: m.series.MDTSeries, Rel: rel, Invitees: invitees,
			NextMeetingID: m.nextID, Now: t.now, Version: m.version}
		if err := t.queryRow(ctx, `SELECT name FROM organisations WHERE id = ?`, m.series.ownerOrgID).Scan(&v.OwnerOrgName); err != nil {
			return err
		}
		inv := make([]care.MDTInvitee, len(invitees))
		for i, m := range invitees {
			inv[i] = m.MDTInvitee
		}
		v.Attendance = care.CountAttendance(inv)
		if v.Items, err = findItemViews(ctx, t, actor, m, invitees); err != nil {
			return err
		}
		v.countItems()
		if v.Review, err = findActionViews(ctx, t, actor, `a.review_meeting_id = ? AND a.meeting_id <> ? AND a.status = ?`,
			id, id, string(care.MDTActionOpen)); err != nil {
			return err
		}
		v.Owners = meetingActionOwners(invitees)
		shown := 0
		for _, it := range v.Items {
			if !it.Named {
				continue
			}
			shown++
			if err := t.appendAudit(ctx, actor, auditEntry{Action: "mdt.agenda.listed", ResourceType: "Appointment", ResourceID: id,
				PersonID: it.Item.PersonID, Detail: "item=" + it.Item.ID}); err != nil {
				return err
			}
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "mdt.meeting.read", ResourceType: "Appointment", ResourceID: id,
			Detail: "items=" + itoa(len(v.Items)) + " named=" + itoa(shown)})
	})
	return v, err
}

// countItems keeps the summary's count of people in step with the items.
func (v *MDTMeetingView) countItems() {
	n := 0
	for _, it := range v.Items {
		if it.Item.Status != care.MDTItemWithdrawn {
			n++
		}
	}
	v.MDTMeetingSummary.Items = n
}
