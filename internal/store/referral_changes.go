package store

import (
	"context"
	"slices"
	"strings"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/notify"
)

// This file moves referrals on: each change, redirect and assignment loads
// the referral at the version the actor's page showed, asks care whether
// the actor may make it, and saves it with its history, audit row,
// timeline event and notifications in the same transaction.

// loadForChange loads a referral for a change and checks the form was
// made from its current version, so a decision is never made on a referral
// that has moved on since the page was shown, and that the actor is on one
// of its sides; a refusal is audited as action.
func loadForChange(ctx context.Context, t *tx, actor care.Actor, action, id string, version int) (care.ReferralTask, error) {
	row, err := findReferral(ctx, t, id)
	if err != nil {
		return row.task, err
	}
	r := row.task
	if version != 0 && r.Version != version {
		return r, care.Errorf(care.KindConflict, "This referral has changed since you opened it: it is now %s. Nothing you did has been saved: look at the referral again before you act on it.",
			strings.ToLower(r.Status.Label()))
	}
	if !care.CanSeeReferral(actor, r) {
		return r, refuse(action, "Task", r.ID, r.PersonID, "not-on-side", errNoReferralAccess())
	}
	return r, nil
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
		r, err := loadForChange(ctx, t, actor, "referral.change", id, version)
		if err != nil {
			return err
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
		r, err := loadForChange(ctx, t, actor, "referral.redirect", id, version)
		if err != nil {
			return err
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
		r, err := loadForChange(ctx, t, actor, "referral.assign", id, version)
		if err != nil {
			return err
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
