package store

import (
	"context"

	"github.com/joinedup/joinedup/internal/care"
)

// This file keeps who is invited to an MDT meeting and how they attended,
// and the relationships with the people on the agenda that an invitation
// gives: every invitee who has not declined holds one, from when they are
// invited until a week after the meeting.

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
