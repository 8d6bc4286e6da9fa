package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/notify"
)

// This file sends referrals: checking the form (who the referral is about,
// whether the service takes referrals through joinedup, what the actor may
// see) and sending it, which gives the receiving team a relationship with
// the person.

// NewReferral is what the referral form asks for.
type NewReferral struct {
	// NHSNumber finds the person, who must be someone whose record the
	// referrer may see.
	NHSNumber   string
	ServiceID   string
	NeedCode    string
	Wants       string
	Urgency     care.ReferralUrgency
	LegalBasis  care.LegalBasis
	Justify     string
	Contact     string
	AccessNeeds string
	// Attachments are ids of files the referrer uploaded with the form.
	Attachments []string
	// ConfirmDuplicate says the referrer has seen that the person already
	// has an open referral to this service, and sends this one anyway.
	ConfirmDuplicate bool
	// FromAction, when set, is the MDT action the referral is made from:
	// sending it records the referral on the action and closes the action.
	FromAction string
}

// ReferralCheck is what is known about a referral before it is sent: who
// it is about, where it goes, and what the referrer should know first.
type ReferralCheck struct {
	Person  care.Person
	Service care.Service
	// OpenReferral is the id of an open referral for the same person to the
	// same service, when there is one.
	OpenReferral string
}

// errPersonNotFound is the one answer for a person the referrer may not see
// or who does not exist, so the form cannot be used to find out who has a
// record.
func errPersonNotFound() error {
	return care.FieldErrors{{Field: "nhs_number", Message: "Enter the NHS number of someone whose record you can see. If they are not in joinedup yet, register them first"}}.Err()
}

// prepareReferral resolves and checks everything the referral form gave,
// building the referral as it will be sent. denied is set when the NHS
// number belongs to someone the actor may not see, for the caller to audit.
func prepareReferral(ctx context.Context, t *tx, actor care.Actor, n NewReferral, id string) (care.ReferralTask, ReferralCheck, string, error) {
	var check ReferralCheck
	task, err := care.StartReferral(actor, id, t.now)
	if err != nil {
		return task, check, "", err
	}
	task.NeedCode, task.Wants, task.Urgency = n.NeedCode, strings.TrimSpace(n.Wants), n.Urgency
	task.LegalBasis, task.Justification = n.LegalBasis, strings.TrimSpace(n.Justify)
	task.Contact, task.AccessNeeds = strings.TrimSpace(n.Contact), strings.TrimSpace(n.AccessNeeds)
	var errs care.FieldErrors
	denied := ""
	nhs, nhsErr := care.ParseNHSNumber(n.NHSNumber)
	switch {
	case strings.TrimSpace(n.NHSNumber) == "":
		errs.Add("nhs_number", "Enter the person's NHS number")
	case nhsErr != nil:
		errs.Add("nhs_number", care.MessageOf(nhsErr))
	default:
		var personID string
		err := t.queryRow(ctx, `SELECT id FROM people WHERE nhs_number = ?`, string(nhs)).Scan(&personID)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			errs = append(errs, care.FieldsOf(errPersonNotFound())...)
		case err != nil:
			return task, check, "", err
		default:
			a, err := findAccess(ctx, t, actor, personID)
			if err != nil {
				return task, check, "", err
			}
			if a.level != care.AccessFull {
				denied = personID
				errs = append(errs, care.FieldsOf(errPersonNotFound())...)
			} else {
				check.Person, task.PersonID = a.person, personID
			}
		}
	}
	sv, err := findService(ctx, t, n.ServiceID)
	if err != nil {
		return task, check, denied, err
	}
	check.Service = sv
	switch {
	case sv.Status != care.ServiceActive || sv.TeamID == "":
		errs.Add("service", "This service is not taking referrals through joinedup")
	case !sv.Referral.Has(care.ReferThroughJoinedup):
		errs.Add("service", "This service does not take referrals through joinedup: use one of the ways to refer on its page")
	default:
		task.ServiceID, task.ToTeamID = sv.ID, sv.TeamID
		if err := t.queryRow(ctx, `SELECT organisation_id FROM teams WHERE id = ?`, sv.TeamID).Scan(&task.ToOrgID); err != nil {
			return task, check, denied, err
		}
	}
	if err := task.ValidateForSending(); err != nil {
		for _, f := range care.FieldsOf(err) {
			switch f.Field {
			case "person", "service":
				// Said above, in the referrer's terms.
			default:
				errs.Add(f.Field, f.Message)
			}
		}
	}
	if task.PersonID != "" && task.ServiceID != "" {
		err := t.queryRow(ctx, `SELECT id FROM referrals WHERE person_id = ? AND service_id = ? AND is_open = 1
			ORDER BY sent_at DESC LIMIT 1`, task.PersonID, task.ServiceID).Scan(&check.OpenReferral)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return task, check, denied, err
		}
	}
	return task, check, denied, errs.Err()
}

// CheckReferral looks at a referral form before it is sent: it finds the
// person and the service and checks what was given, returning the problems
// as field errors, and says whether the person already has an open referral
// there. It changes nothing, but a person the referrer may not see is a
// refusal, and audited as one.
func (s *Store) CheckReferral(ctx context.Context, actor care.Actor, n NewReferral) (ReferralCheck, error) {
	if !care.CanRefer(actor) || actor.System {
		return ReferralCheck{}, s.denied(ctx, actor, auditEntry{Action: "referral.send", ResourceType: "Task"},
			care.Errorf(care.KindForbidden, "Your role does not make referrals."))
	}
	var check ReferralCheck
	var denied string
	err := s.read(ctx, func(t *tx) error {
		var err error
		_, check, denied, err = prepareReferral(ctx, t, actor, n, "check")
		return err
	})
	if denied != "" {
		if auditErr := s.RecordDenied(ctx, actor, "referral.send", "Patient", denied, denied, "no-relationship"); auditErr != nil {
			return check, auditErr
		}
	}
	return check, err
}

// SendReferral sends a referral: it checks everything CheckReferral does,
// refuses a second open referral for the person to the same service unless
// confirmed, and then, in one transaction, saves the referral as sent with
// the record of sending, attaches the files, gives the receiving team a
// relationship with the person, and tells the team.
func (s *Store) SendReferral(ctx context.Context, actor care.Actor, n NewReferral) (care.ReferralTask, error) {
	if !care.CanRefer(actor) || actor.System {
		return care.ReferralTask{}, s.denied(ctx, actor, auditEntry{Action: "referral.send", ResourceType: "Task"},
			care.Errorf(care.KindForbidden, "Your role does not make referrals."))
	}
	var sent care.ReferralTask
	var denied string
	err := s.personWrite(ctx, actor, func(t *tx) error {
		task, check, d, err := prepareReferral(ctx, t, actor, n, newID())
		denied = d
		if err != nil {
			return err
		}
		if check.OpenReferral != "" && !n.ConfirmDuplicate {
			return &care.Error{Kind: care.KindConflict, Message: "This person already has an open referral to this service.",
				Fields: care.FieldErrors{{Field: "confirm", Message: "This person already has an open referral to this service. Check it before sending another"}}}
		}
		next, rec, err := task.Transition(actor, care.ReferrerSide, care.ReferralChange{To: care.ReferralRequested, At: t.now})
		if err != nil {
			return err
		}
		targets, _, err := findTargets(ctx, t, next.ServiceID)
		if err != nil {
			return err
		}
		next.Version = 1
		if err := insertReferral(ctx, t, next, targets); err != nil {
			return err
		}
		if err := insertTransition(ctx, t, rec, 1); err != nil {
			return err
		}
		if n.FromAction != "" {
			if err := linkActionReferral(ctx, t, actor, n.FromAction, next); err != nil {
				return err
			}
		}
		if err := linkAttachments(ctx, t, actor, next.ID, "", n.Attachments); err != nil {
			return err
		}
		if _, err := grantRelationship(ctx, t, actor, RelationshipGrant{PersonID: next.PersonID, Kind: care.GrantOpenReferral,
			TeamID: next.ToTeamID, SourceType: referralSource, SourceID: next.ID}); err != nil {
			return err
		}
		if err := t.appendAudit(ctx, actor, auditEntry{Action: "referral.send", ResourceType: "Task", ResourceID: next.ID,
			PersonID: next.PersonID, Detail: "service=" + next.ServiceID + " urgency=" + string(next.Urgency) +
				" basis=" + string(next.LegalBasis) + " attachments=" + itoa(len(n.Attachments))}); err != nil {
			return err
		}
		if err := appendTimeline(ctx, t, actor, care.TimelineEvent{PersonID: next.PersonID, Type: care.ReferralEvent(care.ReferralRequested),
			Summary: "Referred to " + check.Service.Name + " (" + next.Urgency.Label() + ")", Link: "/referrals/" + next.ID, Visibility: referralVisibility(next)}); err != nil {
			return err
		}
		users, err := receivingUsers(ctx, t, next)
		if err != nil {
			return err
		}
		if err := notifyUsers(ctx, t, actor, users, func(id string) notify.Message {
			return notify.NewReferral(id, next.ID, check.Service.Name, next.Urgency)
		}); err != nil {
			return err
		}
		sent = next
		return nil
	})
	if denied != "" {
		if auditErr := s.RecordDenied(ctx, actor, "referral.send", "Patient", denied, denied, "no-relationship"); auditErr != nil {
			return sent, auditErr
		}
	}
	return sent, err
}
