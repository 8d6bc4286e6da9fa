package store

import (
	"context"

	"github.com/joinedup/joinedup/internal/care"
)

// This file lets an MDT action become a referral in one step. The referral
// is sent through the ordinary referral form, prefilled from the action;
// sending it records the referral on the action and closes the action in
// the same transaction, so an action is never left open for work the
// referral now carries, nor closed for a referral that was not sent.

// ActionReferral is what the referral form is prefilled with when a
// referral is made from an action.
type ActionReferral struct {
	Action MDTActionView
	Person care.Person
}

// findActionToRefer loads an action the actor may turn into a referral:
// they must be able to refer, be its owner or a coordinator of its
// meeting, and see the person's whole record; the action must still be
// open and not yet have become a referral.
func findActionToRefer(ctx context.Context, t *tx, actor care.Actor, id string) (ActionReferral, error) {
	var out ActionReferral
	if !care.CanRefer(actor) || actor.System {
		return out, refuse("mdt.action.refer", "Task", id, "", "role",
			care.Errorf(care.KindForbidden, "Your role does not make referrals."))
	}
	list, err := findActionViews(ctx, t, actor, `a.id = ?`, id)
	if err != nil {
		return out, err
	}
	if len(list) == 0 {
		return out, care.Errorf(care.KindNotFound, "There is no such action.")
	}
	v := list[0]
	if !v.CanUpdate {
		return out, refuse("mdt.action.refer", "Task", id, v.Action.PersonID, "not-owner",
			care.Errorf(care.KindForbidden, "Only the action's owner and the meeting's coordinators can make a referral from it."))
	}
	a, err := findAccess(ctx, t, actor, v.Action.PersonID)
	if err != nil {
		return out, err
	}
	if a.level != care.AccessFull {
		return out, refuse("mdt.action.refer", "Patient", v.Action.PersonID, v.Action.PersonID, "no-relationship-or-objection",
			errCannotSeeDetails(a.level))
	}
	switch {
	case v.Action.ReferralID != "":
		return out, care.Errorf(care.KindConflict, "This action has already become a referral.")
	case v.Action.Status != care.MDTActionOpen:
		return out, care.Errorf(care.KindConflict, "This action is done. Open it again before making a referral from it.")
	}
	return ActionReferral{Action: v, Person: a.person}, nil
}

// ActionToRefer returns an action and its person for the referral form to
// be prefilled with, auditing the read of the person.
func (s *Store) ActionToRefer(ctx context.Context, actor care.Actor, id string) (ActionReferral, error) {
	var out ActionReferral
	err := s.meetingWrite(ctx, actor, func(t *tx) error {
		var err error
		if out, err = findActionToRefer(ctx, t, actor, id); err != nil {
			return err
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "mdt.action.refer.start", ResourceType: "Task", ResourceID: id,
			PersonID: out.Person.ID})
	})
	return out, err
}

// linkActionReferral records, inside the transaction that sends a
// referral, that the action became it: it checks the action again, sets
// its referral, closes it, and ends the relationship the action gave its
// owner (the receiving team now holds the person through the referral).
func linkActionReferral(ctx context.Context, t *tx, actor care.Actor, actionID string, r care.ReferralTask) error {
	ar, err := findActionToRefer(ctx, t, actor, actionID)
	if err != nil {
		return err
	}
	a := ar.Action.Action
	if a.PersonID != r.PersonID {
		return care.FieldErrors{{Field: "nhs_number", Message: "A referral made from an MDT action must be for the person the action is about"}}.Err()
	}
	closed, _ := a.Close(t.now)
	if err := t.execOne(ctx, care.Errorf(care.KindConflict, "Someone else changed this action while you were making the referral. Nothing has been sent."),
		`UPDATE mdt_actions SET referral_id = ?, status = ?, done_at = ?, updated_at = ?, version = version + 1
		WHERE id = ? AND version = ? AND referral_id IS NULL`, r.ID, string(closed.Status), closed.DoneAt, t.now, a.ID, a.Version); err != nil {
		return err
	}
	if err := t.appendAudit(ctx, actor, auditEntry{Action: "mdt.action.refer", ResourceType: "Task", ResourceID: a.ID,
		PersonID: a.PersonID, Detail: "referral=" + r.ID}); err != nil {
		return err
	}
	return endRelationships(ctx, t, "mdt_action", a.ID)
}

// maxPackReferrals is how many open referrals a pack lists.
const maxPackReferrals = 20

// packReferrals lists the person's open referrals that the reader may know
// of: those the person's timeline would show them (a safeguarding referral
// only to those who may see sensitive events), linked when the reader is on
// one of the referral's sides and so may open it.
func packReferrals(ctx context.Context, t *tx, actor care.Actor, a access, pack *care.PreReadPack) error {
	sec := care.PackSection{Key: "referrals", Title: "Open referrals", None: "No open referrals."}
	rows, err := t.query(ctx, `SELECT `+referralColumns+` FROM referrals r WHERE r.person_id = ? AND r.is_open = 1
		ORDER BY r.sent_at DESC, r.id DESC LIMIT ?`, a.person.ID, 4*maxPackReferrals)
	if err != nil {
		return err
	}
	var list []care.ReferralTask
	for rows.Next() {
		row, err := scanReferral(rows)
		if err != nil {
			rows.Close()
			return err
		}
		list = append(list, row.task)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	for _, r := range list {
		if len(sec.Lines) == maxPackReferrals {
			break
		}
		if !actor.System && !care.CanSeeEvent(actor, a.level, referralVisibility(r)) {
			continue
		}
		name, err := serviceName(ctx, t, r.ServiceID)
		if err != nil {
			return err
		}
		line := care.PackLine{Label: name + ", " + r.Urgency.Label(), Text: "Referral " + care.ReferralReference(r.ID) + ": " + r.Status.Label(), At: r.SentAt}
		if care.CanSeeReferral(actor, r) {
			line.Link = "/referrals/" + r.ID
		}
		sec.Lines = append(sec.Lines, line)
	}
	pack.Sections = append(pack.Sections, sec)
	return nil
}
