package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/notify"
)

// This file keeps MDT agendas: the items on them and the views pages show
// of each, putting a person on an agenda, and sending the agenda to the
// invitees when it closes.

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
			msgs = append(msgs, notify.AgendaReady(inv.UserID, meeting, items, t.cal.Location()))
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
