package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/notify"
)

// This file keeps MDT meetings: invitees and attendance, the agenda and the
// relationships it gives, pre-read packs and who opened them, outcomes, and
// finishing a meeting.

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

const itemColumns = `it.id, it.meeting_id, it.person_id, it.question, it.needs, it.added_by, it.added_by_name, it.added_at, it.late,
	it.status, it.carried_from_id, it.outcome_notes, it.decisions, it.discussed_at, it.pre_read_read, it.pre_read_expected,
	it.version`

type itemRow struct {
	care.MDTAgendaItem
	addedByName        string
	late               bool
	outcome, decisions string
	discussed          time.Time
	readSnapshot       care.PreReadRate
}

func scanItem(r rowScanner) (itemRow, error) {
	var it itemRow
	var needs, status string
	var late int
	var carried sql.NullString
	var discussed sql.NullTime
	err := r.Scan(&it.ID, &it.MeetingID, &it.PersonID, &it.Question, &needs, &it.AddedBy, &it.addedByName, &it.AddedAt, &late,
		&status, &carried, &it.outcome, &it.decisions, &discussed, &it.readSnapshot.Read, &it.readSnapshot.Expected, &it.Version)
	it.Needs, it.Status, it.late, it.CarriedFromID = decodeNeeds(needs), care.MDTItemStatus(status), late == 1, carried.String
	it.AddedAt = it.AddedAt.UTC()
	if discussed.Valid {
		it.discussed = discussed.Time.UTC()
	}
	return it, err
}

func findItems(ctx context.Context, t *tx, meetingID string) ([]itemRow, error) {
	rows, err := t.query(ctx, `SELECT `+itemColumns+` FROM mdt_items it WHERE it.meeting_id = ? ORDER BY it.added_at, it.id`, meetingID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []itemRow
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, it)
	}
	return list, rows.Err()
}

func findItem(ctx context.Context, t *tx, meetingID, itemID string) (itemRow, error) {
	it, err := scanItem(t.queryRow(ctx, `SELECT `+itemColumns+` FROM mdt_items it WHERE it.id = ? AND it.meeting_id = ?`, itemID, meetingID))
	if errors.Is(err, sql.ErrNoRows) {
		return it, care.Errorf(care.KindNotFound, "That item is not on this meeting's agenda.")
	}
	return it, err
}

func encodeNeeds(needs []care.MDTNeed) string {
	parts := make([]string, 0, len(needs))
	for _, n := range needs {
		if n.UserID != "" {
			parts = append(parts, "user:"+n.UserID)
		} else {
			parts = append(parts, "role:"+string(n.Role))
		}
	}
	return strings.Join(parts, ",")
}

func decodeNeeds(s string) []care.MDTNeed {
	var out []care.MDTNeed
	for _, p := range strings.Split(s, ",") {
		kind, v, ok := strings.Cut(p, ":")
		switch {
		case !ok || v == "":
		case kind == "user":
			out = append(out, care.MDTNeed{UserID: v})
		case kind == "role":
			out = append(out, care.MDTNeed{Role: care.Role(v)})
		}
	}
	return out
}

// findPackOpens lists who opened each item's pack, by item.
func findPackOpens(ctx context.Context, t *tx, meetingID string) (map[string][]care.MDTPackOpen, error) {
	rows, err := t.query(ctx, `SELECT o.item_id, o.user_id, o.opened_at FROM mdt_pack_opens o JOIN mdt_items it ON it.id = o.item_id
		WHERE it.meeting_id = ? ORDER BY o.opened_at`, meetingID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]care.MDTPackOpen{}
	for rows.Next() {
		var item string
		var o care.MDTPackOpen
		if err := rows.Scan(&item, &o.UserID, &o.At); err != nil {
			return nil, err
		}
		out[item] = append(out[item], o)
	}
	return out, rows.Err()
}

// preReadStart is the moment packs must be read by: the meeting's start, or
// when it was started if that was earlier.
func preReadStart(m meetingRow) time.Time {
	if !m.StartedAt.IsZero() && m.StartedAt.Before(m.Start) {
		return m.StartedAt
	}
	return m.Start
}

func findItemViews(ctx context.Context, t *tx, actor care.Actor, m meetingRow, invitees []MDTMember) ([]MDTItemView, error) {
	items, err := findItems(ctx, t, m.ID)
	if err != nil {
		return nil, err
	}
	opens, err := findPackOpens(ctx, t, m.ID)
	if err != nil {
		return nil, err
	}
	inv := make([]care.MDTInvitee, len(invitees))
	names := map[string]string{}
	for i, mb := range invitees {
		inv[i], names[mb.UserID] = mb.MDTInvitee, mb.Name
	}
	domain := make([]care.MDTAgendaItem, len(items))
	for i, it := range items {
		domain[i] = it.MDTAgendaItem
	}
	warnings := care.UnmetNeeds(domain, inv)
	people := make([]string, len(items))
	for i, it := range items {
		people[i] = it.PersonID
	}
	byPerson, err := findAccessAll(ctx, t, actor, people)
	if err != nil {
		return nil, err
	}
	var out []MDTItemView
	for _, it := range items {
		v := MDTItemView{Item: it.MDTAgendaItem, AddedBy: it.addedByName, Late: it.late, Outcome: it.outcome,
			Decisions: it.decisions, Discussed: it.discussed}
		if a := byPerson[it.PersonID]; a.level != care.AccessNone {
			v.Named, v.PersonName, v.NHSNumber = true, a.person.FullName(), a.person.NHSNumber
		}
		if m.Finished() {
			v.PreRead = it.readSnapshot
		} else {
			v.PreRead = care.PreReadRateFor(inv, opens[it.ID], preReadStart(m))
		}
		for _, o := range opens[it.ID] {
			v.OpenedByMe = v.OpenedByMe || o.UserID == actor.UserID
		}
		for _, w := range warnings {
			if w.ItemID == it.ID {
				v.Warnings = append(v.Warnings, MDTNeedWarningView{MDTNeedWarning: w, Message: needWarningText(w, names)})
			}
		}
		if v.Actions, err = findActionViews(ctx, t, actor, `a.item_id = ?`, it.ID); err != nil {
			return nil, err
		}
		if it.CarriedFromID != "" {
			var date string
			if err := t.queryRow(ctx, `SELECT m.meeting_date FROM mdt_items it JOIN mdt_meetings m ON m.id = it.meeting_id
				WHERE it.id = ?`, it.CarriedFromID).Scan(&date); err != nil {
				return nil, err
			}
			v.CarriedFrom = parseCivil(date)
		}
		if it.Status == care.MDTItemDiscussed || it.Status == care.MDTItemCarriedOver {
			var sent int
			var practiceName, practicePhone sql.NullString
			if err := t.queryRow(ctx, `SELECT it.outcome_sent_to, o.name, o.phone FROM mdt_items it JOIN people p ON p.id = it.person_id
				LEFT JOIN organisations o ON o.id = p.registered_practice_id WHERE it.id = ?`, it.ID).Scan(&sent, &practiceName, &practicePhone); err != nil {
				return nil, err
			}
			v.OutcomeSentTo, v.PracticeName, v.PracticePhone = sent, practiceName.String, practicePhone.String
		}
		out = append(out, v)
	}
	return out, nil
}

// needWarningText says what an unmet need means, naming who declined.
func needWarningText(w care.MDTNeedWarning, names map[string]string) string {
	who := w.Need.Role.Label()
	if w.Need.UserID != "" {
		who = names[w.Need.UserID]
		if who == "" {
			who = "A professional this item needs"
		}
	} else {
		who = indefinite(who)
	}
	if w.Problem == care.MDTNeedDeclined {
		var declined []string
		for _, u := range w.Declined {
			declined = append(declined, names[u])
		}
		return "Needs " + who + ", but " + strings.Join(declined, " and ") + " declined. Invite someone else or move the item to the next meeting."
	}
	return "Needs " + who + ", and nobody in that role is invited. Invite someone or move the item to the next meeting."
}

// indefinite puts "a" or "an" before a role's label, in lower case but
// for its initials: "a GP", "an occupational therapist", "an MDT
// coordinator".
func indefinite(label string) string {
	if strings.ToUpper(label[:min(3, len(label))]) != label[:min(3, len(label))] {
		label = strings.ToLower(label[:1]) + label[1:]
	}
	switch {
	case strings.ContainsAny(label[:1], "aeiouAEIOU"), strings.HasPrefix(label, "MDT"):
		return "an " + label
	}
	return "a " + label
}

// ---- Agenda ----

// AddAgendaItem puts a person on a meeting's agenda, found by their exact
// NHS number. The actor needs a standing relationship with the person
// (care.CanPutOnAgenda), because being on the agenda gives every attendee a
// relationship with them until a week after the meeting. An item added
// after the agenda closed is marked late.
func (s *Store) AddAgendaItem(ctx context.Context, actor care.Actor, meetingID, nhs, question string, needs []care.MDTNeed) (care.MDTAgendaItem, error) {
	item := care.MDTAgendaItem{MeetingID: meetingID, Question: strings.TrimSpace(question), Needs: needs, Status: care.MDTItemOpen}
	var errs care.FieldErrors
	n, nhsErr := care.ParseNHSNumber(nhs)
	var formErr error
	if nhsErr != nil {
		errs.Add("nhs_number", care.MessageOf(nhsErr))
	}
	err := s.meetingWrite(ctx, actor, func(t *tx) error {
		m, invitees, _, err := meetingFor(ctx, t, actor, meetingID, care.MeetingAddItem, "mdt.item.add")
		if err != nil {
			return err
		}
		if m.Finished() {
			return care.Errorf(care.KindConflict, "This meeting has finished. Add the person to the next meeting's agenda.")
		}
		if nhsErr == nil {
			var personID string
			err := t.queryRow(ctx, `SELECT id FROM people WHERE nhs_number = ?`, string(n)).Scan(&personID)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				errs.Add("nhs_number", "There is no record with this NHS number that you can put on the agenda")
			case err != nil:
				return err
			default:
				a, err := findAccess(ctx, t, actor, personID)
				if err != nil {
					return err
				}
				if !actor.System && !care.CanPutOnAgenda(a.rel) {
					// Said the same way as a missing record, so the form does
					// not reveal whether someone is on joinedup.
					if err := t.appendAudit(ctx, actor, auditEntry{Action: "mdt.item.add", ResourceType: "Appointment",
						ResourceID: meetingID, PersonID: personID, Outcome: "denied", Detail: "no-standing-relationship via=" +
							strings.Join(a.rel.Names(), "+")}); err != nil {
						return err
					}
					errs.Add("nhs_number", "There is no record with this NHS number that you can put on the agenda")
				} else {
					item.PersonID = personID
					var exists bool
					if err := t.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM mdt_items WHERE meeting_id = ? AND person_id = ? AND status = ?)`,
						meetingID, personID, string(care.MDTItemOpen)).Scan(&exists); err != nil {
						return err
					}
					if exists {
						errs.Add("nhs_number", "This person is already on the agenda")
					}
				}
			}
		}
		if err := item.Validate(); err != nil {
			for _, f := range care.FieldsOf(err) {
				if f.Field != "person_id" {
					errs.Add(f.Field, f.Message)
				}
			}
		}
		if len(errs) > 0 {
			// Commit, so that a refusal audited above is kept, and report
			// the form's problems once the transaction is over.
			formErr = errs.Err()
			return nil
		}
		item.ID, item.AddedBy, item.AddedAt, item.Version = newID(), auditUserID(actor), t.now, 1
		late := care.IsLate(t.now, m.Start, m.series.Deadline())
		if err := insertItem(ctx, t, actor, item, late); err != nil {
			return err
		}
		if err := t.appendAudit(ctx, actor, auditEntry{Action: "mdt.item.add", ResourceType: "Appointment", ResourceID: meetingID,
			PersonID: item.PersonID, Detail: "item=" + item.ID + " late=" + boolWord(late)}); err != nil {
			return err
		}
		return grantAttendees(ctx, t, actor, m, item, invitees)
	})
	if err == nil && formErr != nil {
		return item, formErr
	}
	return item, err
}

func boolWord(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func insertItem(ctx context.Context, t *tx, actor care.Actor, it care.MDTAgendaItem, late bool) error {
	name := actor.Name
	if actor.System {
		name = "joinedup"
	}
	_, err := t.exec(ctx, `INSERT INTO mdt_items (id, meeting_id, person_id, question, needs, added_by, added_by_name, added_at,
		late, status, carried_from_id, outcome_notes, decisions, discussed_by_name, pre_read_read, pre_read_expected,
		outcome_sent_to, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', '', '', 0, 0, 0, 1)`,
		it.ID, it.MeetingID, it.PersonID, it.Question, encodeNeeds(it.Needs), it.AddedBy, name, it.AddedAt, boolInt(late),
		string(it.Status), nullString(it.CarriedFromID))
	return err
}

// grantAttendees gives every invitee who has not declined a relationship
// with the item's person, from now until a week after the meeting.
func grantAttendees(ctx context.Context, t *tx, actor care.Actor, m meetingRow, item care.MDTAgendaItem, invitees []MDTMember) error {
	for _, inv := range invitees {
		if inv.State == care.AttendanceDeclined {
			continue
		}
		if err := grantAttendee(ctx, t, actor, m, item.ID, item.PersonID, inv.UserID); err != nil {
			return err
		}
	}
	return nil
}

func grantAttendee(ctx context.Context, t *tx, actor care.Actor, m meetingRow, itemID, personID, userID string) error {
	until := care.MDTAttendeeAccessUntil(m.End)
	var active bool
	if err := t.queryRow(ctx, `SELECT EXISTS (SELECT 1 FROM care_relationships WHERE source_type = 'mdt_item' AND source_id = ?
		AND user_id = ? AND valid_from <= ? AND (valid_until IS NULL OR valid_until > ?))`, itemID, userID, t.now, t.now).Scan(&active); err != nil {
		return err
	}
	if active {
		return nil
	}
	_, err := grantRelationship(ctx, t, actor, RelationshipGrant{PersonID: personID, Kind: care.GrantMDTAttendee, UserID: userID,
		SourceType: "mdt_item", SourceID: itemID, From: t.now, Until: until})
	return err
}

// endAttendeeGrants ends, from now, the relationships one invitee holds
// through a meeting's agenda: they declined, so they no longer need them.
func endAttendeeGrants(ctx context.Context, t *tx, meetingID, userID string) error {
	_, err := t.exec(ctx, `UPDATE care_relationships SET valid_until = ? WHERE source_type = 'mdt_item' AND user_id = ?
		AND source_id IN (SELECT id FROM mdt_items WHERE meeting_id = ?) AND (valid_until IS NULL OR valid_until > ?)`,
		t.now, userID, meetingID, t.now)
	return err
}

// grantOpenItems gives one invitee relationships with the people on the
// meeting's agenda still to be discussed.
func grantOpenItems(ctx context.Context, t *tx, actor care.Actor, m meetingRow, userID string) error {
	items, err := findItems(ctx, t, m.ID)
	if err != nil {
		return err
	}
	for _, it := range items {
		if it.Status == care.MDTItemOpen {
			if err := grantAttendee(ctx, t, actor, m, it.ID, it.PersonID, userID); err != nil {
				return err
			}
		}
	}
	return nil
}

// InviteToMeeting invites a colleague (by membership, so in the team and
// role they attend for) to one meeting, giving them relationships with the
// people on its agenda.
func (s *Store) InviteToMeeting(ctx context.Context, actor care.Actor, meetingID, membershipID string) error {
	return s.meetingWrite(ctx, actor, func(t *tx) error {
		m, invitees, _, err := meetingFor(ctx, t, actor, meetingID, care.MeetingRun, "mdt.invite")
		if err != nil {
			return err
		}
		if m.Finished() {
			return care.Errorf(care.KindConflict, "This meeting has finished.")
		}
		c, err := findMembership(ctx, t, membershipID)
		if err != nil {
			return care.FieldErrors{{Field: "membership", Message: "Choose who to invite from the list"}}.Err()
		}
		if invitationOf(invitees, c.UserID) != nil {
			return care.FieldErrors{{Field: "membership", Message: c.Name + " is already invited"}}.Err()
		}
		if _, err := t.exec(ctx, `INSERT INTO mdt_invitees (meeting_id, user_id, team_id, role, core, state, invited_at, updated_at)
			VALUES (?, ?, ?, ?, 0, ?, ?, ?)`, meetingID, c.UserID, c.TeamID, string(c.Role), string(care.AttendanceInvited), t.now, t.now); err != nil {
			return err
		}
		if err := t.appendAudit(ctx, actor, auditEntry{Action: "mdt.invite", ResourceType: "Appointment", ResourceID: meetingID,
			Detail: "user=" + c.UserID}); err != nil {
			return err
		}
		return grantOpenItems(ctx, t, actor, m, c.UserID)
	})
}

// setAttendance changes one invitee's state, keeping their relationships
// with the people on the agenda in step: declining ends them, and coming
// back gives them again.
func setAttendance(ctx context.Context, t *tx, actor care.Actor, m meetingRow, inv care.MDTInvitee, next care.AttendanceState) error {
	if err := t.execOne(ctx, care.Errorf(care.KindConflict, "Attendance changed at the same moment. Try again."),
		`UPDATE mdt_invitees SET state = ?, updated_at = ? WHERE meeting_id = ? AND user_id = ? AND state = ?`,
		string(next), t.now, m.ID, inv.UserID, string(inv.State)); err != nil {
		return err
	}
	if err := t.appendAudit(ctx, actor, auditEntry{Action: "mdt.attendance", ResourceType: "Appointment", ResourceID: m.ID,
		Detail: "user=" + inv.UserID + " state=" + string(next)}); err != nil {
		return err
	}
	switch {
	case next == care.AttendanceDeclined:
		return endAttendeeGrants(ctx, t, m.ID, inv.UserID)
	case inv.State == care.AttendanceDeclined && !m.Finished():
		return grantOpenItems(ctx, t, actor, m, inv.UserID)
	}
	return nil
}

// RespondToMeeting records the actor's own answer to an invitation before
// the meeting starts: accepted or declined.
func (s *Store) RespondToMeeting(ctx context.Context, actor care.Actor, meetingID string, answer care.AttendanceState) error {
	return s.meetingWrite(ctx, actor, func(t *tx) error {
		m, invitees, _, err := meetingFor(ctx, t, actor, meetingID, care.MeetingRespond, "mdt.attendance")
		if err != nil {
			return err
		}
		inv := invitationOf(invitees, actor.UserID)
		if answer != care.AttendanceAccepted && answer != care.AttendanceDeclined {
			return care.FieldErrors{{Field: "answer", Message: "Choose whether you will attend"}}.Err()
		}
		if answer == inv.State {
			return nil
		}
		if m.Started(t.now) || !inv.State.CanChangeTo(answer, false) {
			return care.Errorf(care.KindConflict, "The meeting has started, so the coordinator records who attended.")
		}
		return setAttendance(ctx, t, actor, m, *inv, answer)
	})
}

// RecordAttendance records, once the meeting has started, how each invitee
// attended (or that they did not). states maps user ids to states; invitees
// not in it are left as they are.
func (s *Store) RecordAttendance(ctx context.Context, actor care.Actor, meetingID string, states map[string]care.AttendanceState) error {
	return s.meetingWrite(ctx, actor, func(t *tx) error {
		m, invitees, _, err := meetingFor(ctx, t, actor, meetingID, care.MeetingRun, "mdt.attendance")
		if err != nil {
			return err
		}
		if !m.Started(t.now) {
			return care.Errorf(care.KindConflict, "Start the meeting before recording who attended.")
		}
		var errs care.FieldErrors
		for _, inv := range invitees {
			next, ok := states[inv.UserID]
			if !ok || next == inv.State {
				continue
			}
			if !inv.State.CanChangeTo(next, true) {
				errs.Add("attendance-"+inv.UserID, "Choose how "+inv.Name+" attended, or that they did not")
				continue
			}
			if err := setAttendance(ctx, t, actor, m, inv.MDTInvitee, next); err != nil {
				return err
			}
		}
		return errs.Err()
	})
}

// StartMeeting records that the meeting has begun, which can be before its
// planned time when it is brought forward. The agenda closes then if it has
// not already, and packs opened from then on no longer count as read
// beforehand.
func (s *Store) StartMeeting(ctx context.Context, actor care.Actor, meetingID string) error {
	return s.meetingWrite(ctx, actor, func(t *tx) error {
		m, invitees, _, err := meetingFor(ctx, t, actor, meetingID, care.MeetingRun, "mdt.start")
		if err != nil {
			return err
		}
		if !m.StartedAt.IsZero() {
			return nil
		}
		if m.Finished() {
			return care.Errorf(care.KindConflict, "This meeting has finished.")
		}
		if err := t.execOne(ctx, care.Errorf(care.KindConflict, "Someone else started the meeting at the same moment."),
			`UPDATE mdt_meetings SET started_at = ?, version = version + 1 WHERE id = ? AND started_at IS NULL`, t.now, meetingID); err != nil {
			return err
		}
		if err := t.appendAudit(ctx, actor, auditEntry{Action: "mdt.start", ResourceType: "Appointment", ResourceID: meetingID}); err != nil {
			return err
		}
		_, err = sendAgenda(ctx, t, actor, m, invitees)
		return err
	})
}

// sendAgenda closes the agenda and tells the invitees who have not declined,
// once: a second call, from another instance or after the meeting started,
// sends nothing.
func sendAgenda(ctx context.Context, t *tx, actor care.Actor, m meetingRow, invitees []MDTMember) (bool, error) {
	res, err := t.exec(ctx, `UPDATE mdt_meetings SET agenda_sent_at = ? WHERE id = ? AND agenda_sent_at IS NULL`, t.now, m.ID)
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err
	}
	var items int
	if err := t.queryRow(ctx, `SELECT COUNT(*) FROM mdt_items WHERE meeting_id = ? AND status = ?`, m.ID, string(care.MDTItemOpen)).Scan(&items); err != nil {
		return false, err
	}
	meeting := notify.Meeting{ID: m.ID, Title: m.Title, Start: m.Start}
	var msgs []notify.Message
	for _, inv := range invitees {
		if inv.State != care.AttendanceDeclined {
			msgs = append(msgs, notify.AgendaReady(inv.UserID, meeting, items, england))
		}
	}
	sent, err := insertNotifications(ctx, t, msgs)
	if err != nil {
		return false, err
	}
	return true, t.appendAudit(ctx, actor, auditEntry{Action: "mdt.agenda.send", ResourceType: "Appointment", ResourceID: m.ID,
		Detail: "items=" + itoa(items) + " sent=" + itoa(sent)})
}

// SendDueAgendas sends the agenda of every unfinished meeting whose agenda
// has closed by now and was not yet sent. It is the agenda job's work: each
// meeting is marked in the same transaction as its notifications, so an
// agenda is sent once however many instances run the job. It returns how
// many agendas it sent.
func (s *Store) SendDueAgendas(ctx context.Context, actor care.Actor, now time.Time) (int, error) {
	if !actor.System {
		return 0, s.denied(ctx, actor, auditEntry{Action: "mdt.agenda.send", ResourceType: "Appointment"},
			care.Errorf(care.KindForbidden, "Only joinedup itself sends agendas at their deadline."))
	}
	sent := 0
	err := s.write(ctx, func(t *tx) error {
		ids, err := queryStrings(ctx, t, `SELECT id FROM mdt_meetings WHERE agenda_sent_at IS NULL AND finished_at IS NULL
			AND agenda_closes_at <= ? ORDER BY agenda_closes_at, id LIMIT 200`, now)
		if err != nil {
			return err
		}
		for _, id := range ids {
			m, err := findMeeting(ctx, t, id)
			if err != nil {
				return err
			}
			invitees, err := findInvitees(ctx, t, id)
			if err != nil {
				return err
			}
			ok, err := sendAgenda(ctx, t, actor, m, invitees)
			if err != nil {
				return err
			}
			if ok {
				sent++
			}
		}
		return nil
	})
	return sent, err
}

// ---- Pre-read packs ----

// maxPackEvents is how many recent timeline events a pack shows.
const maxPackEvents = 10

// packBuilder adds one section to a pack from the record. Each capability
// that has something an MDT should read adds its builder to packBuilders.
type packBuilder func(ctx context.Context, t *tx, actor care.Actor, a access, pack *care.PreReadPack) error

var packBuilders = []packBuilder{packPlan, packReferrals, packActions, packTimeline}

// MDTPack builds an item's pre-read pack from the person's record as it is
// now, records that the actor opened it, and audits the read. Invitees read
// it through the relationship the agenda gives them.
func (s *Store) MDTPack(ctx context.Context, actor care.Actor, meetingID, itemID string) (care.PreReadPack, MDTMeetingSummary, error) {
	var pack care.PreReadPack
	var summary MDTMeetingSummary
	err := s.meetingWrite(ctx, actor, func(t *tx) error {
		m, _, _, err := meetingFor(ctx, t, actor, meetingID, care.MeetingReadPack, "mdt.pack.read")
		if err != nil {
			return err
		}
		summary = m.MDTMeetingSummary
		it, err := findItem(ctx, t, meetingID, itemID)
		if err != nil {
			return err
		}
		a, err := findAccess(ctx, t, actor, it.PersonID)
		if err != nil {
			return err
		}
		if a.level != care.AccessFull {
			return refuse("mdt.pack.read", "Patient", it.PersonID, it.PersonID, "no-relationship-or-objection", errCannotSeeDetails(a.level))
		}
		pack = care.PreReadPack{Item: it.MDTAgendaItem, Person: a.person}
		for _, build := range packBuilders {
			if err := build(ctx, t, actor, a, &pack); err != nil {
				return err
			}
		}
		if _, err := t.exec(ctx, `INSERT INTO mdt_pack_opens (id, item_id, user_id, opened_at) VALUES (?, ?, ?, ?)`,
			newID(), itemID, auditUserID(actor), t.now); err != nil {
			return err
		}
		keys := make([]string, len(pack.Sections))
		for i, sec := range pack.Sections {
			keys[i] = sec.Key
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "mdt.pack.read", ResourceType: "Patient", ResourceID: it.PersonID,
			PersonID: it.PersonID, Detail: "parts=" + strings.Join(keys, ",") + " item=" + itemID + " " + a.via(actor)})
	})
	return pack, summary, err
}

// packPlan summarises the care and support plan: goals, needs, the
// contingency plan and the review date.
func packPlan(ctx context.Context, t *tx, actor care.Actor, a access, pack *care.PreReadPack) error {
	sections, err := findSections(ctx, t, a.person.ID)
	if err != nil {
		return err
	}
	sec := care.PackSection{Key: "plan", Title: "Care and support plan", None: "There is no care and support plan yet."}
	for _, spec := range care.PlanSections() {
		saved, ok := sections[spec.Key]
		if !ok {
			continue
		}
		for _, f := range spec.Fields {
			v := strings.TrimSpace(saved.Fields[f.Name])
			if v == "" {
				continue
			}
			if f.Kind == care.FieldDate {
				v = care.ReadableDate(v)
			}
			sec.Lines = append(sec.Lines, care.PackLine{Label: f.Label, Text: v})
		}
	}
	if len(sec.Lines) > 0 {
		sec.Lines = append(sec.Lines, care.PackLine{Text: "The whole plan", Link: "/people/" + a.person.ID + "/plan"})
	}
	pack.Sections = append(pack.Sections, sec)
	return nil
}

// packActions lists what is still to do for the person: open actions of the
// plan and of earlier meetings, overdue ones flagged.
func packActions(ctx context.Context, t *tx, actor care.Actor, a access, pack *care.PreReadPack) error {
	sec := care.PackSection{Key: "actions", Title: "Open actions", None: "No open actions."}
	plan, err := findActions(ctx, t, a.person.ID)
	if err != nil {
		return err
	}
	today := care.CivilDateOf(t.now.In(england)).String()
	for _, p := range plan {
		if !p.Status.Open() {
			continue
		}
		line := care.PackLine{Label: "Plan: " + p.OwnerLabel + ", due " + care.ReadableDate(p.DueDate), Text: p.Description}
		if p.DueDate != "" && p.DueDate < today {
			line.Flag = "Overdue"
		}
		sec.Lines = append(sec.Lines, line)
	}
	mdt, err := findActionViews(ctx, t, actor, `a.person_id = ? AND a.status = ?`, a.person.ID, string(care.MDTActionOpen))
	if err != nil {
		return err
	}
	for _, v := range mdt {
		line := care.PackLine{Label: "MDT: " + v.OwnerLabel + ", due " + care.ReadableDate(v.Action.Due.String()), Text: v.Action.Description}
		if v.Overdue {
			line.Flag = "Overdue"
		}
		sec.Lines = append(sec.Lines, line)
	}
	pack.Sections = append(pack.Sections, sec)
	return nil
}

// packTimeline lists the latest timeline events the actor may see.
func packTimeline(ctx context.Context, t *tx, actor care.Actor, a access, pack *care.PreReadPack) error {
	sec := care.PackSection{Key: "timeline", Title: "Recent events", None: "Nothing has happened yet."}
	rows, err := t.query(ctx, `SELECT occurred_at, summary, actor_name, visibility FROM timeline_events WHERE person_id = ?
		ORDER BY occurred_at DESC, id DESC LIMIT ?`, a.person.ID, 4*maxPackEvents)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() && len(sec.Lines) < maxPackEvents {
		var at time.Time
		var summary, by, vis string
		if err := rows.Scan(&at, &summary, &by, &vis); err != nil {
			return err
		}
		if !actor.System && !care.CanSeeEvent(actor, a.level, care.Visibility(vis)) {
			continue
		}
		sec.Lines = append(sec.Lines, care.PackLine{Label: by, Text: summary, At: at.UTC()})
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(sec.Lines) > 0 {
		sec.Lines = append(sec.Lines, care.PackLine{Text: "The whole timeline", Link: "/people/" + a.person.ID + "/timeline"})
	}
	pack.Sections = append(pack.Sections, sec)
	return nil
}

// ---- Running the meeting ----

const mdtMaxOutcome = 4000

// RecordOutcome records what was said and decided about an item, marking it
// discussed. version is the item's version when the form was opened.
func (s *Store) RecordOutcome(ctx context.Context, actor care.Actor, meetingID, itemID, notes, decisions string, version int) error {
	notes, decisions = strings.TrimSpace(notes), strings.TrimSpace(decisions)
	var errs care.FieldErrors
	switch {
	case notes == "" && decisions == "":
		errs.Add("outcome", "Enter what was discussed, what was decided, or both")
	case utf8.RuneCountInString(notes) > mdtMaxOutcome:
		errs.Add("outcome", "The notes must be 4000 characters or fewer")
	}
	if utf8.RuneCountInString(decisions) > mdtMaxOutcome {
		errs.Add("decisions", "The decisions must be 4000 characters or fewer")
	}
	return s.meetingWrite(ctx, actor, func(t *tx) error {
		m, _, _, err := meetingFor(ctx, t, actor, meetingID, care.MeetingRun, "mdt.outcome")
		if err != nil {
			return err
		}
		it, err := findItem(ctx, t, meetingID, itemID)
		if err != nil {
			return err
		}
		switch {
		case m.Finished():
			return care.Errorf(care.KindConflict, "This meeting has finished, so its outcomes can no longer change.")
		case !m.Started(t.now):
			return care.Errorf(care.KindConflict, "Start the meeting before recording outcomes.")
		case it.Status != care.MDTItemOpen && it.Status != care.MDTItemDiscussed:
			return care.Errorf(care.KindConflict, "This item is no longer on the agenda.")
		}
		if err := errs.Err(); err != nil {
			return err
		}
		if err := t.execOne(ctx, care.Errorf(care.KindConflict, "Someone else recorded this outcome while you were writing. Nothing you typed has been saved yet."),
			`UPDATE mdt_items SET outcome_notes = ?, decisions = ?, status = ?, discussed_at = ?, discussed_by_name = ?,
			version = version + 1 WHERE id = ? AND version = ?`,
			notes, decisions, string(care.MDTItemDiscussed), t.now, actor.Name, itemID, version); err != nil {
			return err
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "mdt.outcome", ResourceType: "Appointment", ResourceID: meetingID,
			PersonID: it.PersonID, Detail: "item=" + itemID})
	})
}

// carryItem marks an open item carried over and continues it on the next
// meeting's agenda, giving that meeting's invitees their relationships.
func carryItem(ctx context.Context, t *tx, actor care.Actor, from meetingRow, it care.MDTAgendaItem, next meetingRow) error {
	if err := t.execOne(ctx, care.Errorf(care.KindConflict, "The agenda changed at the same moment. Try again."),
		`UPDATE mdt_items SET status = ?, version = version + 1 WHERE id = ? AND status = ?`,
		string(care.MDTItemCarriedOver), it.ID, string(care.MDTItemOpen)); err != nil {
		return err
	}
	carried := it
	carried.ID, carried.MeetingID, carried.Status, carried.AddedAt, carried.CarriedFromID, carried.Version =
		newID(), next.ID, care.MDTItemOpen, t.now, it.ID, 1
	carried.Needs = slices.Clone(it.Needs)
	if err := insertItem(ctx, t, actor, carried, false); err != nil {
		return err
	}
	nextInvitees, err := findInvitees(ctx, t, next.ID)
	if err != nil {
		return err
	}
	if err := grantAttendees(ctx, t, actor, next, carried, nextInvitees); err != nil {
		return err
	}
	if err := t.appendAudit(ctx, actor, auditEntry{Action: "mdt.item.carry", ResourceType: "Appointment", ResourceID: from.ID,
		PersonID: it.PersonID, Detail: "item=" + it.ID + " to=" + next.ID}); err != nil {
		return err
	}
	return appendTimeline(ctx, t, actor, care.TimelineEvent{PersonID: it.PersonID, Type: care.EventMDTCarriedOver,
		Summary: "On the agenda of " + from.Title + " on " + readableCivil(from.Date) + " but not reached: carried over to the meeting on " +
			readableCivil(next.Date) + ". Question for the team: " + it.Question, Visibility: care.VisibleToRecord})
}

func readableCivil(d care.CivilDate) string { return care.ReadableDate(d.String()) }

// nextMeeting finds, creating it if need be, the series' meeting after m.
func nextMeeting(ctx context.Context, t *tx, actor care.Actor, m meetingRow) (meetingRow, bool, error) {
	if m.nextID != "" {
		next, err := findMeeting(ctx, t, m.nextID)
		return next, err == nil, err
	}
	occ, ok := m.series.NextOccurrence(mdtCalendar(), m.Start)
	if !ok {
		return meetingRow{}, false, nil
	}
	id, _, err := ensureMeeting(ctx, t, actor, m.series.MDTSeries, occ)
	if err != nil {
		return meetingRow{}, false, err
	}
	next, err := findMeeting(ctx, t, id)
	return next, err == nil, err
}

// MoveItem moves an open item to the series' next meeting now, such as when
// a professional it needs has declined.
func (s *Store) MoveItem(ctx context.Context, actor care.Actor, meetingID, itemID string) (string, error) {
	var nextID string
	err := s.meetingWrite(ctx, actor, func(t *tx) error {
		m, _, _, err := meetingFor(ctx, t, actor, meetingID, care.MeetingRun, "mdt.item.carry")
		if err != nil {
			return err
		}
		it, err := findItem(ctx, t, meetingID, itemID)
		if err != nil {
			return err
		}
		if m.Finished() || it.Status != care.MDTItemOpen {
			return care.Errorf(care.KindConflict, "Only an item still to be discussed can be moved.")
		}
		next, ok, err := nextMeeting(ctx, t, actor, m)
		if err != nil {
			return err
		}
		if !ok {
			return care.Errorf(care.KindConflict, "This series has no next meeting to move the item to.")
		}
		nextID = next.ID
		return carryItem(ctx, t, actor, m, it.MDTAgendaItem, next)
	})
	return nextID, err
}

// MDTFinish says what finishing a meeting did.
type MDTFinish struct {
	NextMeetingID string
	Discussed     int
	Carried       int
	Actions       int
	// Unreached names the practices with nobody in joinedup to send an
	// outcome to: the coordinator must tell them another way.
	Unreached []string
}

// FinishMeeting applies "Finish meeting" (care.CarryOver) in one
// transaction: undiscussed items and open actions go to the next meeting;
// every outcome goes on its person's timeline and to the inbox of everyone
// at their registered practice; the invitees are sent the outcomes; and the
// figures later measures need (attendance, pre-read rates) are kept.
func (s *Store) FinishMeeting(ctx context.Context, actor care.Actor, meetingID string, version int) (MDTFinish, error) {
	var out MDTFinish
	err := s.meetingWrite(ctx, actor, func(t *tx) error {
		m, invitees, _, err := meetingFor(ctx, t, actor, meetingID, care.MeetingRun, "mdt.finish")
		if err != nil {
			return err
		}
		switch {
		case m.Finished():
			return care.Errorf(care.KindConflict, "This meeting has already been finished.")
		case !m.Started(t.now):
			return care.Errorf(care.KindConflict, "Start the meeting before finishing it.")
		case version != m.version:
			return care.Errorf(care.KindConflict, "The meeting changed while you were looking at it. Check it and finish it again.")
		}
		items, err := findItems(ctx, t, meetingID)
		if err != nil {
			return err
		}
		actions, err := findMDTActions(ctx, t, `(a.meeting_id = ? OR a.review_meeting_id = ?) AND a.status = ?`,
			meetingID, meetingID, string(care.MDTActionOpen))
		if err != nil {
			return err
		}
		domainItems := make([]care.MDTAgendaItem, len(items))
		for i, it := range items {
			domainItems[i] = it.MDTAgendaItem
		}
		// Ask care.CarryOver whether there is anything to carry first, so a
		// meeting with nothing left creates no next meeting.
		var next meetingRow
		if _, err := care.CarryOver(domainItems, actions, "", t.now); err != nil {
			if next, _, err = nextMeeting(ctx, t, actor, m); err != nil {
				return err
			}
		}
		co, err := care.CarryOver(domainItems, actions, next.ID, t.now)
		if err != nil {
			return err
		}
		out.NextMeetingID = next.ID
		inv := make([]care.MDTInvitee, len(invitees))
		for i, mb := range invitees {
			inv[i] = mb.MDTInvitee
		}
		opens, err := findPackOpens(ctx, t, meetingID)
		if err != nil {
			return err
		}
		for i, it := range items {
			rate := care.PreReadRateFor(inv, opens[it.ID], preReadStart(m))
			if _, err := t.exec(ctx, `UPDATE mdt_items SET pre_read_read = ?, pre_read_expected = ? WHERE id = ?`,
				rate.Read, rate.Expected, it.ID); err != nil {
				return err
			}
			switch {
			case co.Items[i].Status == care.MDTItemCarriedOver && it.Status != care.MDTItemCarriedOver:
				if err := carryItem(ctx, t, actor, m, it.MDTAgendaItem, next); err != nil {
					return err
				}
				out.Carried++
				continue
			case it.Status != care.MDTItemDiscussed:
				continue
			}
			if err := publishOutcome(ctx, t, actor, m, it); err != nil {
				return err
			}
			out.Discussed++
			unreached, err := sendPracticeOutcome(ctx, t, actor, m, it)
			if err != nil {
				return err
			}
			if unreached != "" && !slices.Contains(out.Unreached, unreached) {
				out.Unreached = append(out.Unreached, unreached)
			}
		}
		for _, a := range co.Actions {
			if _, err := t.exec(ctx, `UPDATE mdt_actions SET review_meeting_id = ?, version = version + 1 WHERE id = ?`,
				a.ReviewMeetingID, a.ID); err != nil {
				return err
			}
		}
		if err := t.queryRow(ctx, `SELECT COUNT(*) FROM mdt_actions WHERE meeting_id = ?`, meetingID).Scan(&out.Actions); err != nil {
			return err
		}
		att := care.CountAttendance(inv)
		var nextID any
		if next.ID != "" {
			nextID = next.ID
		}
		if err := t.execOne(ctx, care.Errorf(care.KindConflict, "Someone else finished the meeting at the same moment."),
			`UPDATE mdt_meetings SET finished_at = ?, finished_by = ?, next_meeting_id = ?, invited_count = ?, attended_in_person = ?,
			attended_remotely = ?, declined_count = ?, agenda_sent_at = COALESCE(agenda_sent_at, ?), version = version + 1
			WHERE id = ? AND version = ? AND finished_at IS NULL`,
			t.now, auditUserID(actor), nextID, att.Total, att.InPerson, att.Remote, att.Declined, t.now, meetingID, version); err != nil {
			return err
		}
		meeting := notify.Meeting{ID: m.ID, Title: m.Title, Start: m.Start}
		var msgs []notify.Message
		for _, mb := range invitees {
			msgs = append(msgs, notify.MeetingOutcomes(mb.UserID, meeting, out.Discussed, out.Carried, out.Actions, england))
		}
		if _, err := insertNotifications(ctx, t, msgs); err != nil {
			return err
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "mdt.finish", ResourceType: "Appointment", ResourceID: meetingID,
			Detail: "discussed=" + itoa(out.Discussed) + " carried=" + itoa(out.Carried) + " actions=" + itoa(out.Actions) +
				" attended=" + itoa(att.Attended()) + "/" + itoa(att.Total)})
	})
	return out, err
}

// publishOutcome puts a discussed item's outcome, decisions and actions on
// the person's timeline.
func publishOutcome(ctx context.Context, t *tx, actor care.Actor, m meetingRow, it itemRow) error {
	var b strings.Builder
	b.WriteString("Discussed at " + m.Title + " on " + readableCivil(m.Date) + ". Question: " + it.Question)
	if it.outcome != "" {
		b.WriteString("\nOutcome: " + it.outcome)
	}
	if it.decisions != "" {
		b.WriteString("\nDecisions: " + it.decisions)
	}
	acts, err := findActionViews(ctx, t, actor, `a.item_id = ?`, it.ID)
	if err != nil {
		return err
	}
	for _, a := range acts {
		b.WriteString("\nAction: " + a.Action.Description + " (" + a.OwnerLabel + ", due " + readableCivil(a.Action.Due) + ")")
	}
	return appendTimeline(ctx, t, actor, care.TimelineEvent{PersonID: it.PersonID, Type: care.EventMDTOutcome, Summary: b.String(),
		Visibility: care.VisibleToRecord})
}

// sendPracticeOutcome tells everyone in a care role at the person's
// registered practice that the outcome is on the timeline, and records how
// many it reached. It returns the practice's name when nobody there uses
// joinedup, so the coordinator knows to tell them another way.
func sendPracticeOutcome(ctx context.Context, t *tx, actor care.Actor, m meetingRow, it itemRow) (string, error) {
	var practiceID, practiceName sql.NullString
	if err := t.queryRow(ctx, `SELECT p.registered_practice_id, o.name FROM people p LEFT JOIN organisations o ON o.id = p.registered_practice_id
		WHERE p.id = ?`, it.PersonID).Scan(&practiceID, &practiceName); err != nil {
		return "", err
	}
	if !practiceID.Valid {
		return "", nil
	}
	roles, marks := careRoleArgs()
	users, err := queryStrings(ctx, t, `SELECT DISTINCT u.id FROM memberships ms JOIN users u ON u.id = ms.user_id JOIN teams tm ON tm.id = ms.team_id
		WHERE tm.organisation_id = ? AND u.disabled_at IS NULL AND ms.role IN (`+marks+`) ORDER BY u.id`,
		append([]any{practiceID.String}, roles...)...)
	if err != nil {
		return "", err
	}
	meeting := notify.Meeting{ID: m.ID, Title: m.Title, Start: m.Start}
	msgs := make([]notify.Message, 0, len(users))
	for _, u := range users {
		msgs = append(msgs, notify.PracticeOutcome(u, meeting, it.ID, it.PersonID, england))
	}
	if _, err := insertNotifications(ctx, t, msgs); err != nil {
		return "", err
	}
	if _, err := t.exec(ctx, `UPDATE mdt_items SET outcome_sent_to = ? WHERE id = ?`, len(users), it.ID); err != nil {
		return "", err
	}
	if err := t.appendAudit(ctx, actor, auditEntry{Action: "mdt.outcome.send", ResourceType: "Communication", ResourceID: it.ID,
		PersonID: it.PersonID, Detail: "practice=" + practiceID.String + " users=" + itoa(len(users))}); err != nil {
		return "", err
	}
	if len(users) == 0 {
		return practiceName.String, nil
	}
	return "", nil
}
