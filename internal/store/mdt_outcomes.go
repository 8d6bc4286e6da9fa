package store

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/notify"
)

// This file runs an MDT meeting to its end: recording each item's outcome,
// moving an item to the next meeting, and finishing the meeting, which
// carries over what was not discussed and tells people the outcomes.

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
	occ, ok := m.series.NextOccurrence(t.cal, m.Start)
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
			msgs = append(msgs, notify.MeetingOutcomes(mb.UserID, meeting, out.Discussed, out.Carried, out.Actions, t.cal.Location()))
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
		msgs = append(msgs, notify.PracticeOutcome(u, meeting, it.ID, it.PersonID, t.cal.Location()))
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
