package store

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/joinedup/joinedup/internal/audit"
	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/notify"
)

// referralArea adds to the person tests' area what referrals need: a
// social work service run by the council team, a reablement service run by
// another council team, and more people in the council teams.
type referralArea struct {
	*area
	service, reablement     care.Service
	reablementTeam          care.Team
	manager, socialWorker2  care.Actor
	reablementWorker        care.Actor
	person                  care.Person
	otherPractice           care.Service
	practiceTeamPersonActor care.Actor
}

func newReferralArea(t *testing.T, s *Store) *referralArea {
	t.Helper()
	ctx := context.Background()
	sys := care.SystemActor("test")
	a := &referralArea{area: newArea(t, s)}
	rt, err := s.CreateTeam(ctx, sys, care.Team{OrganisationID: a.council.ID, Name: "Reablement Team", Kind: "reablement"})
	if err != nil {
		t.Fatal(err)
	}
	a.reablementTeam = rt
	actor := func(email string, role care.Role, tm care.Team) care.Actor {
		u, err := s.CreateUser(ctx, sys, NewUser{Email: email, Name: "Test " + email, PasswordHash: "h",
			Memberships: []NewMembership{{TeamID: tm.ID, Role: role}}})
		if err != nil {
			t.Fatal(err)
		}
		return care.Actor{UserID: u.ID, Name: u.Name, Acting: u.Memberships[0], Memberships: u.Memberships}
	}
	a.manager = actor("manager@example.gov.uk", care.RoleTeamManager, a.councilTeam)
	a.socialWorker2 = actor("sw2@example.gov.uk", care.RoleSocialWorker, a.councilTeam)
	a.reablementWorker = actor("reable@example.gov.uk", care.RoleOccupationalTherapist, rt)
	service := func(name string, tm care.Team, methods ...care.ReferralMethod) care.Service {
		sv, err := s.CreateService(ctx, sys, care.Service{OrganisationID: a.council.ID, TeamID: tm.ID, Name: name,
			Description: "A service for tests.", Status: care.ServiceActive, Needs: []string{"personal-care"},
			Catchment: []care.CatchmentArea{{Kind: care.CatchLocalAuthority, Code: "E09000012"}},
			Referral:  care.Referral{Methods: methods, Phone: "020 7946 0000"},
			Capacity:  care.Capacity{State: care.CapacityAccepting}})
		if err != nil {
			t.Fatal(err)
		}
		return sv
	}
	a.service = service("North Locality social work", a.councilTeam, care.ReferThroughJoinedup)
	a.reablement = service("Reablement", rt, care.ReferThroughJoinedup)
	a.otherPractice = service("Phone-only service", a.councilTeam, care.ReferByPhone)
	a.person = a.register(t, "9990000026", "Ada", "Lovelace")
	return a
}

func (a *referralArea) form(service care.Service) NewReferral {
	return NewReferral{NHSNumber: "999 000 0026", ServiceID: service.ID, NeedCode: "personal-care/washing-and-dressing",
		Wants: "Help getting washed and dressed in the mornings", Urgency: care.UrgencyRoutine,
		LegalBasis: care.LegalBasisConsent, Contact: "Phone her daughter first", AccessNeeds: "Hard of hearing"}
}

func (a *referralArea) send(t *testing.T) care.ReferralTask {
	t.Helper()
	r, err := a.s.SendReferral(context.Background(), a.gp, a.form(a.service))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func inboxOf(t *testing.T, s *Store, actor care.Actor) []notify.Notification {
	t.Helper()
	list, _, err := s.Inbox(context.Background(), actor, 200)
	if err != nil {
		t.Fatal(err)
	}
	return list
}

func hasNotification(list []notify.Notification, kind notify.Kind, link string) bool {
	for _, n := range list {
		if n.Kind == kind && n.Link == link {
			return true
		}
	}
	return false
}

func TestSendReferral(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		a := newReferralArea(t, s)

		// Before the referral, the social worker has no relationship.
		if _, err := s.PersonRecord(ctx, a.socialWorker, a.person.ID); !care.IsKind(err, care.KindForbidden) {
			t.Fatalf("social worker before the referral: %v", err)
		}
		r := a.send(t)
		if r.Status != care.ReferralRequested || r.ToTeamID != a.councilTeam.ID || r.FromTeamID != a.practiceTeam.ID || r.Version != 1 {
			t.Fatalf("sent referral = %+v", r)
		}
		// An open referral gives the receiving team a relationship.
		rec, err := s.PersonRecord(ctx, a.socialWorker, a.person.ID)
		if err != nil || !rec.Relationships.Referral {
			t.Fatalf("social worker after the referral: %v %+v", err, rec.Relationships)
		}
		v, err := s.Referral(ctx, a.socialWorker, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Routine: acknowledge within 1 working day of Monday 09:00, which
		// is the whole of Monday.
		if want := time.Date(2026, 3, 2, 17, 0, 0, 0, time.UTC); !v.Deadlines.AcknowledgeBy.Equal(want) {
			t.Errorf("acknowledge by %v, want %v", v.Deadlines.AcknowledgeBy, want)
		}
		if v.Person.FullName() != "Ada Lovelace" || v.ServiceName != "North Locality social work" || len(v.History) != 1 {
			t.Errorf("view = %+v", v)
		}
		rows := auditRows(t, s, a.person.ID)
		if !hasAudit(rows, "referral.send", audit.OutcomeSuccess, "urgency=routine") || !hasAudit(rows, "relationship.grant", audit.OutcomeSuccess, "open_referral") ||
			!hasAudit(rows, "referral.read", audit.OutcomeSuccess, "sides=receiver") {
			t.Error("sending and reading are not audited")
		}
		_, events, err := s.Timeline(ctx, a.gp, a.person.ID)
		if err != nil || len(events) == 0 || events[0].Type != care.ReferralEvent(care.ReferralRequested) ||
			!strings.Contains(events[0].Summary, "Referred to North Locality social work") {
			t.Errorf("timeline = %v %+v", err, events)
		}
		for _, who := range []care.Actor{a.socialWorker, a.socialWorker2, a.manager} {
			if !hasNotification(inboxOf(t, s, who), notify.KindReferralNew, "/referrals/"+r.ID) {
				t.Errorf("%s was not told of the new referral", who.Name)
			}
		}
		for _, n := range inboxOf(t, s, a.manager) {
			if strings.Contains(n.Subject+n.Body, "Ada") || strings.Contains(n.Subject+n.Body, "Lovelace") {
				t.Errorf("a notification names the person: %q", n.Subject)
			}
		}

		// A second open referral to the same service needs confirming.
		_, err = s.SendReferral(ctx, a.gp, a.form(a.service))
		if !care.IsKind(err, care.KindConflict) || care.FieldsOf(err).Message("confirm") == "" {
			t.Fatalf("duplicate = %v", err)
		}
		check, err := s.CheckReferral(ctx, a.gp, a.form(a.service))
		if err != nil || check.OpenReferral != r.ID || check.Person.ID != a.person.ID {
			t.Errorf("check = %+v %v", check, err)
		}
		confirmed := a.form(a.service)
		confirmed.ConfirmDuplicate = true
		if _, err := s.SendReferral(ctx, a.gp, confirmed); err != nil {
			t.Errorf("confirmed duplicate: %v", err)
		}
	})
}

func TestSendReferralRefusesWhatItCannotSend(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		a := newReferralArea(t, s)
		// Someone the referrer has no relationship with is "not found",
		// and the attempt is audited against them.
		form := a.form(a.service)
		_, err := s.SendReferral(ctx, a.nurseElsewhere, form)
		if care.FieldsOf(err).Message("nhs_number") == "" {
			t.Fatalf("no relationship = %v", err)
		}
		if !hasAudit(auditRows(t, s, a.person.ID), "referral.send", audit.OutcomeDenied, "no-relationship") {
			t.Error("the refusal is not audited")
		}
		// Missing content is reported at each field.
		_, err = s.SendReferral(ctx, a.gp, NewReferral{ServiceID: a.service.ID, NHSNumber: "999 000 0026", LegalBasis: care.LegalBasisSafeguarding})
		fields := care.FieldsOf(err)
		for _, f := range []string{"need", "wants", "urgency", "justification", "contact"} {
			if fields.Message(f) == "" {
				t.Errorf("no problem at %s: %v", f, fields)
			}
		}
		// A service that does not take referrals through joinedup.
		if _, err := s.SendReferral(ctx, a.gp, a.form(a.otherPractice)); care.FieldsOf(err).Message("service") == "" {
			t.Errorf("phone-only service = %v", err)
		}
		// Roles that do not refer.
		if _, err := s.SendReferral(ctx, a.analyst, form); !care.IsKind(err, care.KindForbidden) {
			t.Errorf("analyst = %v", err)
		}
		if n, _ := s.CountReferrals(ctx); n != 0 {
			t.Errorf("%d referrals saved by refused attempts", n)
		}
	})
}

func TestReferralLifecycleClosesTheLoop(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		a := newReferralArea(t, s)
		r := a.send(t)
		link := "/referrals/" + r.ID
		move := func(actor care.Actor, side care.ReferralSide, c care.ReferralChange) care.ReferralTask {
			t.Helper()
			v, err := s.Referral(ctx, actor, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			next, err := s.ChangeReferral(ctx, actor, r.ID, side, c, v.Task.Version)
			if err != nil {
				t.Fatalf("%s: %v", c.To, err)
			}
			a.clock.Add(10 * time.Minute)
			return next
		}
		move(a.socialWorker, care.ReceiverSide, care.ReferralChange{To: care.ReferralReceived})
		if !hasNotification(inboxOf(t, s, a.gp), notify.KindReferralUpdate, link) {
			t.Error("the GP was not told it was acknowledged")
		}
		move(a.socialWorker, care.ReceiverSide, care.ReferralChange{To: care.ReferralOnHold,
			Reason: string(care.HoldInformationRequested), Note: "Does she have a key safe?"})
		if err := s.PostReferralMessage(ctx, a.gp, r.ID, "Yes, the code is with her daughter.", nil); err != nil {
			t.Fatal(err)
		}
		v, err := s.Referral(ctx, a.socialWorker, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Messages) != 2 || v.Messages[0].Kind != care.MessageQuestion || v.Messages[1].Kind != care.MessageAnswer ||
			!v.AnsweredSinceQuestion {
			t.Fatalf("thread = %+v", v.Messages)
		}
		// The GP's view now shows the social worker read the question, and
		// the social worker's view marked the answer read.
		g, err := s.Referral(ctx, a.gp, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(g.Messages[0].Reads) != 1 || len(g.Messages[1].Reads) != 1 || g.Messages[1].Reads[0].Name != a.socialWorker.Name {
			t.Errorf("read receipts = %+v / %+v", g.Messages[0].Reads, g.Messages[1].Reads)
		}
		move(a.socialWorker, care.ReceiverSide, care.ReferralChange{To: care.ReferralAccepted})
		move(a.socialWorker, care.ReceiverSide, care.ReferralChange{To: care.ReferralInProgress})
		done := move(a.socialWorker, care.ReceiverSide, care.ReferralChange{To: care.ReferralCompleted,
			Outcome: care.OutcomeAssessmentArranged, Note: "Assessment visit booked for Thursday."})
		if !done.LoopClosed() {
			t.Fatal("completing did not close the loop")
		}
		if !hasNotification(inboxOf(t, s, a.gp), notify.KindReferralOutcome, link) {
			t.Error("the outcome did not go back to the referrer")
		}
		// The relationship ends with the referral.
		if _, err := s.PersonRecord(ctx, a.socialWorker, a.person.ID); !care.IsKind(err, care.KindForbidden) {
			t.Errorf("social worker after completion: %v", err)
		}
		g, err = s.Referral(ctx, a.gp, r.ID)
		if err != nil || g.LoopClosedAt.IsZero() || !g.OutcomeSeenNow || g.Task.OutcomeSummary != "Assessment visit booked for Thursday." {
			t.Errorf("referrer's view of the outcome: %v %+v", err, g.Task)
		}
		// The stored history explains the stored state.
		start := g.Task
		start.Status, start.Version = care.ReferralDraft, 0
		history := make([]care.ReferralTransition, len(g.History))
		for i, h := range g.History {
			history[i] = h.ReferralTransition
		}
		start = care.ReferralTask{ID: r.ID, PersonID: r.PersonID, NeedCode: r.NeedCode, Wants: r.Wants, Urgency: r.Urgency,
			LegalBasis: r.LegalBasis, Contact: r.Contact, AccessNeeds: r.AccessNeeds, ReferrerUserID: r.ReferrerUserID,
			FromTeamID: r.FromTeamID, FromOrgID: r.FromOrgID, ServiceID: r.ServiceID, ToTeamID: r.ToTeamID, ToOrgID: r.ToOrgID,
			Status: care.ReferralDraft, CreatedAt: r.CreatedAt, UpdatedAt: r.CreatedAt}
		replayed, err := care.ReplayReferral(start, history)
		if err != nil {
			t.Fatal(err)
		}
		if replayed.Status != g.Task.Status || !replayed.DecidedAt.Equal(g.Task.DecidedAt) || len(replayed.Holds) != len(g.Task.Holds) {
			t.Errorf("replayed %+v\nstored %+v", replayed, g.Task)
		}
		_, events, _ := s.Timeline(ctx, a.gp, a.person.ID)
		var kinds []string
		for _, e := range events {
			kinds = append(kinds, string(e.Type))
		}
		for _, want := range []string{"referral.requested", "referral.received", "referral.on-hold", "referral.message", "referral.accepted", "referral.completed"} {
			if !strings.Contains(strings.Join(kinds, " "), want) {
				t.Errorf("the timeline lacks %s: %v", want, kinds)
			}
		}
		// An illegal move is refused with a clear message, and saves nothing.
		_, err = s.ChangeReferral(ctx, a.socialWorker, r.ID, care.ReceiverSide, care.ReferralChange{To: care.ReferralRejected,
			Reason: string(care.RejectOther), Note: "x"}, g.Task.Version)
		if !care.IsKind(err, care.KindInvalid) || !strings.Contains(care.MessageOf(err), "has been completed, so it can no longer be changed") {
			t.Errorf("declining a completed referral = %v", err)
		}
	})
}

func TestReferralAccessNeedsASide(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		a := newReferralArea(t, s)
		r := a.send(t)
		for _, who := range []care.Actor{a.nurseElsewhere, a.reablementWorker, a.analyst, a.officer} {
			if _, err := s.Referral(ctx, who, r.ID); !care.IsKind(err, care.KindForbidden) {
				t.Errorf("%s reading = %v", who.Name, err)
			}
			if _, err := s.ChangeReferral(ctx, who, r.ID, care.ReceiverSide, care.ReferralChange{To: care.ReferralAccepted}, 0); !care.IsKind(err, care.KindForbidden) {
				t.Errorf("%s accepting = %v", who.Name, err)
			}
			if err := s.PostReferralMessage(ctx, who, r.ID, "hello", nil); !care.IsKind(err, care.KindForbidden) {
				t.Errorf("%s writing = %v", who.Name, err)
			}
		}
		if !hasAudit(auditRows(t, s, a.person.ID), "referral.read", audit.OutcomeDenied, "not-on-side") {
			t.Error("refused reads are not audited")
		}
		// The referrer's side cannot accept; the receiving side cannot cancel.
		if _, err := s.ChangeReferral(ctx, a.gp, r.ID, care.ReceiverSide, care.ReferralChange{To: care.ReferralAccepted}, 0); !care.IsKind(err, care.KindForbidden) {
			t.Errorf("GP accepting = %v", err)
		}
		if _, err := s.ChangeReferral(ctx, a.socialWorker, r.ID, care.ReferrerSide, care.ReferralChange{To: care.ReferralCancelled,
			Reason: string(care.CancelNoLongerNeeded)}, 0); !care.IsKind(err, care.KindForbidden) {
			t.Errorf("social worker cancelling = %v", err)
		}
		// The referrer's colleague may follow it up and cancel it.
		if _, err := s.ChangeReferral(ctx, a.practiceStaff, r.ID, care.ReferrerSide, care.ReferralChange{To: care.ReferralCancelled,
			Reason: string(care.CancelNoLongerNeeded)}, 1); err != nil {
			t.Errorf("colleague cancelling = %v", err)
		}
	})
}

// TestConcurrentAcceptExactlyOneSucceeds races two workers accepting the
// same referral from the same page version.
func TestConcurrentAcceptExactlyOneSucceeds(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		a := newReferralArea(t, s)
		for round := range 5 {
			r := a.send(t)
			if round > 0 {
				// Each round's referral is for the same person and service.
				_ = r
			}
			if _, err := s.ChangeReferral(ctx, a.socialWorker, r.ID, care.ReceiverSide, care.ReferralChange{To: care.ReferralReceived}, 1); err != nil {
				t.Fatal(err)
			}
			workers := []care.Actor{a.socialWorker, a.socialWorker2}
			var wg sync.WaitGroup
			start := make(chan struct{})
			errs := make([]error, len(workers))
			for i, w := range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					_, errs[i] = s.ChangeReferral(ctx, w, r.ID, care.ReceiverSide, care.ReferralChange{To: care.ReferralAccepted}, 2)
				}()
			}
			close(start)
			wg.Wait()
			ok, conflicts := 0, 0
			for _, err := range errs {
				switch {
				case err == nil:
					ok++
				case care.IsKind(err, care.KindConflict):
					conflicts++
				default:
					t.Errorf("round %d: %v", round, err)
				}
			}
			if ok != 1 || conflicts != 1 {
				t.Fatalf("round %d: %d succeeded and %d conflicted: %v", round, ok, conflicts, errs)
			}
			v, err := s.Referral(ctx, a.manager, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			accepts := 0
			for _, h := range v.History {
				if h.To == care.ReferralAccepted {
					accepts++
				}
			}
			if accepts != 1 || v.Task.Version != 3 {
				t.Fatalf("round %d: %d acceptances recorded, version %d", round, accepts, v.Task.Version)
			}
			// Close it so the next round's referral is not a duplicate.
			if _, err := s.ChangeReferral(ctx, a.gp, r.ID, care.ReferrerSide, care.ReferralChange{To: care.ReferralCancelled,
				Reason: string(care.CancelNoLongerNeeded)}, 3); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func TestRedirectReferral(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		a := newReferralArea(t, s)
		att, err := s.UploadAttachment(ctx, a.gp, "letter.pdf", "application/pdf", []byte("%PDF-1.4 test"))
		if err != nil {
			t.Fatal(err)
		}
		form := a.form(a.service)
		form.Attachments = []string{att.ID}
		r, err := s.SendReferral(ctx, a.gp, form)
		if err != nil {
			t.Fatal(err)
		}
		// Redirecting needs a service.
		if _, err := s.RedirectReferral(ctx, a.socialWorker, r.ID, "", string(care.RejectWrongService), "", 1); care.FieldsOf(err).Message("target") == "" {
			t.Errorf("no target = %v", err)
		}
		next, err := s.RedirectReferral(ctx, a.socialWorker, r.ID, a.reablement.ID, string(care.RejectWrongService), "Reablement first", 1)
		if err != nil {
			t.Fatal(err)
		}
		if next.Status != care.ReferralRequested || next.ToTeamID != a.reablementTeam.ID || next.RedirectedFrom != r.ID ||
			next.ReferrerUserID != a.gp.UserID {
			t.Fatalf("new referral = %+v", next)
		}
		orig, err := s.Referral(ctx, a.gp, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if orig.Task.Status != care.ReferralRedirected || orig.Task.RedirectedTo.ReferralID != next.ID ||
			orig.RedirectedToService != "Reablement" || !orig.Task.LoopClosed() {
			t.Errorf("original = %+v", orig.Task)
		}
		nv, err := s.Referral(ctx, a.reablementWorker, next.ID)
		if err != nil {
			t.Fatal(err)
		}
		if nv.RedirectedFromService != "North Locality social work" || len(nv.Attachments) != 1 {
			t.Errorf("new referral view: from %q, %d attachments", nv.RedirectedFromService, len(nv.Attachments))
		}
		if _, err := s.PersonRecord(ctx, a.reablementWorker, a.person.ID); err != nil {
			t.Errorf("the new team has no relationship: %v", err)
		}
		if _, err := s.PersonRecord(ctx, a.socialWorker, a.person.ID); !care.IsKind(err, care.KindForbidden) {
			t.Errorf("the old team kept its relationship: %v", err)
		}
		if !hasNotification(inboxOf(t, s, a.gp), notify.KindReferralOutcome, "/referrals/"+r.ID) ||
			!hasNotification(inboxOf(t, s, a.reablementWorker), notify.KindReferralNew, "/referrals/"+next.ID) {
			t.Error("the referrer and the new team were not told")
		}
	})
}

func TestAssignReferral(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		a := newReferralArea(t, s)
		r := a.send(t)
		if err := s.AssignReferral(ctx, a.socialWorker, r.ID, a.socialWorker2.UserID, 1); !care.IsKind(err, care.KindForbidden) {
			t.Errorf("a worker giving it to a colleague = %v", err)
		}
		if err := s.AssignReferral(ctx, a.socialWorker, r.ID, a.socialWorker.UserID, 1); err != nil {
			t.Fatal(err)
		}
		if err := s.AssignReferral(ctx, a.manager, r.ID, a.gp.UserID, 2); care.FieldsOf(err).Message("assignee") == "" {
			t.Errorf("assigning to someone outside the team = %v", err)
		}
		if err := s.AssignReferral(ctx, a.manager, r.ID, a.socialWorker2.UserID, 2); err != nil {
			t.Fatal(err)
		}
		if !hasNotification(inboxOf(t, s, a.socialWorker2), notify.KindReferralAssign, "/referrals/"+r.ID) {
			t.Error("the new holder was not told")
		}
		q, err := s.IncomingReferrals(ctx, a.socialWorker2, IncomingMine)
		if err != nil || len(q.Rows) != 1 || q.Rows[0].AssignedName != a.socialWorker2.Name || q.Counts[IncomingUnassigned] != 0 {
			t.Errorf("mine = %v %+v", err, q)
		}
	})
}

func TestEscalationOfOverdueReferrals(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		a := newReferralArea(t, s)
		routine := a.send(t)
		urgentForm := a.form(a.reablement)
		urgentForm.Urgency = care.UrgencyUrgent
		urgent, err := s.SendReferral(ctx, a.gp, urgentForm)
		if err != nil {
			t.Fatal(err)
		}
		// Monday 10:59: the urgent one is due by 11:00; nothing is overdue.
		a.clock.Add(119 * time.Minute)
		if n, err := s.EscalateOverdueReferrals(ctx); err != nil || n != 0 {
			t.Fatalf("before any deadline: %d %v", n, err)
		}
		// 11:01: the urgent one missed its two working hours. The
		// reablement team has no manager, so its members are told.
		a.clock.Add(2 * time.Minute)
		if n, err := s.EscalateOverdueReferrals(ctx); err != nil || n != 1 {
			t.Fatalf("urgent overdue: %d %v", n, err)
		}
		if !hasNotification(inboxOf(t, s, a.reablementWorker), notify.KindReferralOverdue, "/referrals/"+urgent.ID) {
			t.Error("the urgent escalation reached nobody")
		}
		// Monday 17:01: the routine one missed acknowledgement and the
		// urgent one its decision (1 working day). The council team's
		// manager is told of the routine one; the social workers are not.
		a.clock.Add(6 * time.Hour)
		if n, err := s.EscalateOverdueReferrals(ctx); err != nil || n != 2 {
			t.Fatalf("at the close of Monday: %d %v", n, err)
		}
		if !hasNotification(inboxOf(t, s, a.manager), notify.KindReferralOverdue, "/referrals/"+routine.ID) ||
			hasNotification(inboxOf(t, s, a.socialWorker), notify.KindReferralOverdue, "/referrals/"+routine.ID) {
			t.Error("the routine escalation went to the wrong people")
		}
		// Running again sends nothing new.
		if n, err := s.EscalateOverdueReferrals(ctx); err != nil || n != 0 {
			t.Fatalf("second run: %d %v", n, err)
		}
		// It is flagged in the team's queues and the referrer's list.
		q, err := s.IncomingReferrals(ctx, a.socialWorker, IncomingOverdue)
		if err != nil || len(q.Rows) != 1 || !q.Rows[0].Overdue || !q.Rows[0].Escalated || q.Counts[IncomingNew] != 1 {
			t.Fatalf("overdue queue = %v %+v", err, q)
		}
		sent, err := s.SentReferrals(ctx, a.gp, "")
		if err != nil || len(sent.Open) != 2 || !sent.Open[0].Overdue || sent.Open[0].Wait.WorkingDays != 1 {
			t.Fatalf("sent list = %v %+v", err, sent.Open)
		}
		v, err := s.Referral(ctx, a.manager, routine.ID)
		if err != nil || len(v.Escalations) != 1 || v.Escalations[0].Step != care.AcknowledgeStep || len(v.Overdue) != 1 {
			t.Errorf("escalations = %v %+v", err, v.Escalations)
		}
		// On hold for information, nothing is owed, so nothing more is
		// escalated and it leaves the overdue queue.
		if _, err := s.ChangeReferral(ctx, a.socialWorker, routine.ID, care.ReceiverSide, care.ReferralChange{To: care.ReferralOnHold,
			Reason: string(care.HoldInformationRequested), Note: "Which days suit?"}, v.Task.Version); err != nil {
			t.Fatal(err)
		}
		a.clock.Add(7 * 24 * time.Hour)
		if n, err := s.EscalateOverdueReferrals(ctx); err != nil || n != 0 {
			t.Fatalf("after a week: %d %v", n, err)
		}
		q, _ = s.IncomingReferrals(ctx, a.socialWorker, IncomingOverdue)
		if len(q.Rows) != 0 {
			t.Errorf("a referral on hold is listed as overdue: %+v", q.Rows)
		}
	})
}

func TestIncomingAndSentQueues(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		a := newReferralArea(t, s)
		first := a.send(t)
		second, err := s.SendReferral(ctx, a.gp, a.form(a.reablement))
		if err != nil {
			t.Fatal(err)
		}
		q, err := s.IncomingReferrals(ctx, a.socialWorker, IncomingNew)
		if err != nil || len(q.Rows) != 1 || q.Rows[0].ID != first.ID || q.Rows[0].PersonName != "Ada Lovelace" || q.Counts[IncomingUnassigned] != 1 {
			t.Fatalf("new = %v %+v", err, q)
		}
		if !hasAudit(auditRows(t, s, a.person.ID), "referral.listed", audit.OutcomeSuccess, "incoming:new") {
			t.Error("listing is not audited against the person")
		}
		if _, err := s.ChangeReferral(ctx, a.reablementWorker, second.ID, care.ReceiverSide, care.ReferralChange{To: care.ReferralRejected,
			Reason: string(care.RejectNotEligible), Alternative: "The district nurses"}, 1); err != nil {
			t.Fatal(err)
		}
		sent, err := s.SentReferrals(ctx, a.gp, "")
		if err != nil || len(sent.Open) != 1 || len(sent.Closed) != 1 || sent.Closed[0].Loop != care.ReferralLoopClosed ||
			sent.Counts[care.ReferralRequested] != 1 {
			t.Fatalf("sent = %v %+v", err, sent)
		}
		only, err := s.SentReferrals(ctx, a.gp, care.ReferralRejected)
		if err != nil || len(only.Open) != 0 || len(only.Closed) != 1 {
			t.Errorf("sent, declined only = %v %+v", err, only)
		}
		if _, err := s.IncomingReferrals(ctx, a.analyst, IncomingNew); !care.IsKind(err, care.KindForbidden) {
			t.Errorf("analyst's queue = %v", err)
		}
	})
}

func TestReferralFiguresNeedFiveReferrals(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		a := newReferralArea(t, s)
		for i := range 5 {
			form := a.form(a.service)
			form.ConfirmDuplicate = true
			r, err := s.SendReferral(ctx, a.gp, form)
			if err != nil {
				t.Fatal(err)
			}
			a.clock.Add(time.Hour)
			to := care.ReferralAccepted
			c := care.ReferralChange{To: to}
			if i == 4 {
				c = care.ReferralChange{To: care.ReferralRejected, Reason: string(care.RejectDuplicate)}
			}
			if _, err := s.ChangeReferral(ctx, a.socialWorker, r.ID, care.ReceiverSide, c, 1); err != nil {
				t.Fatal(err)
			}
			if i == 3 {
				figs, err := s.ReferralFigures(ctx, []string{a.service.ID})
				if err != nil || figs[a.service.ID].Decide.String() != "Not enough data" {
					t.Fatalf("with 4 referrals: %v %v", err, figs[a.service.ID].Decide)
				}
			}
		}
		figs, err := s.ReferralFigures(ctx, []string{a.service.ID, a.reablement.ID})
		if err != nil {
			t.Fatal(err)
		}
		f := figs[a.service.ID]
		if f.Acknowledge.String() != "1 working hour" || f.Accepted.String() != "80%" {
			t.Errorf("figures = %s, %s", f.Acknowledge, f.Accepted)
		}
		if figs[a.reablement.ID].Accepted.String() != "Not enough data" {
			t.Errorf("a service with no referrals = %s", figs[a.reablement.ID].Accepted)
		}
		// Missing information feedback counts per service.
		list, _ := s.SentReferrals(ctx, a.gp, "")
		for i, row := range append(list.Open, list.Closed...)[:2] {
			cats := []care.ReferralMissingInfo{care.MissingRisks}
			if i == 0 {
				cats = append(cats, care.MissingMedication)
			}
			if err := s.RecordMissingInfo(ctx, a.socialWorker, row.ID, cats); err != nil {
				t.Fatal(err)
			}
		}
		if err := s.RecordMissingInfo(ctx, a.gp, list.Open[0].ID, []care.ReferralMissingInfo{care.MissingRisks}); !care.IsKind(err, care.KindForbidden) {
			t.Errorf("the referrer giving feedback = %v", err)
		}
		counts, err := s.ServiceMissingInfo(ctx, a.service.ID)
		if err != nil || len(counts) != 2 || counts[0].Category != care.MissingRisks || counts[0].Count != 2 || counts[1].Count != 1 {
			t.Errorf("missing info = %v %+v", err, counts)
		}
	})
}

func TestReferralAttachments(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		a := newReferralArea(t, s)
		if _, err := s.UploadAttachment(ctx, a.gp, "notes.html", "text/html; charset=utf-8", []byte("<script>")); care.FieldsOf(err).Message("attachments") == "" {
			t.Errorf("html = %v", err)
		}
		if _, err := s.UploadAttachment(ctx, a.gp, "big.pdf", "application/pdf", make([]byte, care.MaxAttachmentBytes+1)); care.FieldsOf(err).Message("attachments") == "" {
			t.Errorf("too big = %v", err)
		}
		png := []byte("\x89PNG\r\n\x1a\n rest of a picture")
		att, err := s.UploadAttachment(ctx, a.gp, `C:\Users\me\wound "1".png`, "image/png", png)
		if err != nil {
			t.Fatal(err)
		}
		if att.Filename != "wound 1.png" {
			t.Errorf("filename = %q", att.Filename)
		}
		// Someone else cannot use another person's upload.
		if got, _ := s.PendingAttachments(ctx, a.practiceStaff, []string{att.ID}); len(got) != 0 {
			t.Error("another user sees the upload")
		}
		form := a.form(a.service)
		form.Attachments = []string{att.ID}
		staffForm := form
		if _, err := s.SendReferral(ctx, a.practiceStaff, staffForm); care.FieldsOf(err).Message("attachments") == "" {
			t.Errorf("sending someone else's file = %v", err)
		}
		r, err := s.SendReferral(ctx, a.gp, form)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.ReferralAttachment(ctx, a.socialWorker, r.ID, att.ID)
		if err != nil || string(got.Content) != string(png) || got.ContentType != "image/png" {
			t.Fatalf("download = %v %q", err, got.Content)
		}
		if _, err := s.ReferralAttachment(ctx, a.nurseElsewhere, r.ID, att.ID); !care.IsKind(err, care.KindForbidden) {
			t.Errorf("outsider download = %v", err)
		}
		if !hasAudit(auditRows(t, s, a.person.ID), "referral.attachment", audit.OutcomeSuccess, "referral="+r.ID) {
			t.Error("opening the file is not audited")
		}
		// Files in messages.
		msgAtt, err := s.UploadAttachment(ctx, a.socialWorker, "form.pdf", "application/pdf", []byte("%PDF-1.7"))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.PostReferralMessage(ctx, a.socialWorker, r.ID, "Please fill this in", []string{msgAtt.ID}); err != nil {
			t.Fatal(err)
		}
		v, _ := s.Referral(ctx, a.gp, r.ID)
		if len(v.Attachments) != 1 || len(v.Messages) != 1 || len(v.Messages[0].Attachments) != 1 {
			t.Errorf("attachments on the page: %d and %+v", len(v.Attachments), v.Messages)
		}
		// Unsent uploads are removed after a day.
		if _, err := s.UploadAttachment(ctx, a.gp, "left.pdf", "application/pdf", []byte("%PDF-")); err != nil {
			t.Fatal(err)
		}
		a.clock.Add(25 * time.Hour)
		if n, err := s.PurgePendingAttachments(ctx, 24*time.Hour); err != nil || n != 1 {
			t.Errorf("purge = %d %v", n, err)
		}
	})
}

func TestPendingEmailsAreSentOnce(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		a := newReferralArea(t, s)
		a.send(t)
		since := a.clock.Now().Add(-time.Hour)
		list, err := s.PendingEmails(ctx, since, 10)
		if err != nil || len(list) != 3 {
			t.Fatalf("pending = %v %+v", err, list)
		}
		var ids []string
		for _, p := range list {
			if p.Email == "" || len(p.NotificationIDs) != 1 {
				t.Errorf("pending email = %+v", p)
			}
			ids = append(ids, p.NotificationIDs...)
		}
		if err := s.MarkEmailed(ctx, ids); err != nil {
			t.Fatal(err)
		}
		if list, _ := s.PendingEmails(ctx, since, 10); len(list) != 0 {
			t.Errorf("emailed twice: %+v", list)
		}
	})
}

func TestReferralTargetsPerService(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		a := newReferralArea(t, s)
		tg := care.ReferralTargets{Routine: care.ResponseTarget{Acknowledge: care.WorkingHoursTarget(4), Decide: care.WorkingDaysTarget(2)}}
		if err := s.SetServiceReferralTargets(ctx, a.socialWorker, a.service.ID, tg, 0); !care.IsKind(err, care.KindForbidden) {
			t.Errorf("a social worker setting targets = %v", err)
		}
		if err := s.SetServiceReferralTargets(ctx, a.manager, a.service.ID, tg, 0); err != nil {
			t.Fatal(err)
		}
		if err := s.SetServiceReferralTargets(ctx, a.manager, a.service.ID, tg, 0); !care.IsKind(err, care.KindConflict) {
			t.Errorf("a stale save = %v", err)
		}
		got, version, err := s.ServiceReferralTargets(ctx, a.service.ID)
		if err != nil || version != 1 || got.Routine.Acknowledge != care.WorkingHoursTarget(4) || !got.Urgent.Acknowledge.IsZero() {
			t.Fatalf("targets = %+v %d %v", got, version, err)
		}
		r := a.send(t)
		v, _ := s.Referral(ctx, a.gp, r.ID)
		if want := time.Date(2026, 3, 2, 13, 0, 0, 0, time.UTC); !v.Deadlines.AcknowledgeBy.Equal(want) {
			t.Errorf("acknowledge by %v, want %v", v.Deadlines.AcknowledgeBy, want)
		}
		bad := care.ReferralTargets{Urgent: care.ResponseTarget{Acknowledge: care.WorkingDaysTarget(99)}}
		if err := s.SetServiceReferralTargets(ctx, a.manager, a.service.ID, bad, 1); care.FieldsOf(err).Message("urgent_acknowledge") == "" {
			t.Errorf("a bad target = %v", err)
		}
	})
}

func TestImportReferralsReplaysHistory(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		a := newReferralArea(t, s)
		sys := care.SystemActor("test")
		at := a.clock.Now().Add(-72 * time.Hour)
		start, err := care.StartReferral(a.gp, "00000000-0000-7000-8000-000000000001", at)
		if err != nil {
			t.Fatal(err)
		}
		start.PersonID, start.NeedCode, start.Wants, start.Urgency = a.person.ID, "personal-care", "Help at home", care.UrgencyRoutine
		start.LegalBasis, start.Contact, start.ServiceID, start.ToTeamID, start.ToOrgID = care.LegalBasisConsent, "Phone", a.service.ID, a.councilTeam.ID, a.council.ID
		sentR, sent, err := start.Transition(a.gp, care.ReferrerSide, care.ReferralChange{To: care.ReferralRequested, At: at})
		if err != nil {
			t.Fatal(err)
		}
		_, ack, err := sentR.Transition(a.socialWorker, care.ReceiverSide, care.ReferralChange{To: care.ReferralReceived, At: at.Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.ImportReferrals(ctx, a.gp, []ReferralImport{{Start: start}}, ImportOptions{}); !care.IsKind(err, care.KindForbidden) {
			t.Errorf("a user importing = %v", err)
		}
		bad := []ReferralImport{{Start: start, History: []care.ReferralTransition{ack}}}
		if err := s.ImportReferrals(ctx, sys, bad, ImportOptions{}); err == nil {
			t.Error("a history that does not explain the state was imported")
		}
		good := []ReferralImport{{Start: start, History: []care.ReferralTransition{sent, ack},
			Messages: []ImportedMessage{{At: at, Side: care.ReferrerSide, Kind: care.MessagePlain, Author: a.gp, Body: "Thanks"}}}}
		if err := s.ImportReferrals(ctx, sys, good, ImportOptions{Timeline: true}); err != nil {
			t.Fatal(err)
		}
		v, err := s.Referral(ctx, a.socialWorker, start.ID)
		if err != nil || v.Task.Status != care.ReferralReceived || v.Task.Version != 2 || len(v.Messages) != 1 || len(v.History) != 2 {
			t.Fatalf("imported = %v %+v", err, v.Task)
		}
		// Sent Thursday and acknowledged: it owed a decision by the next
		// Thursday, and the import keeps that.
		if !v.Deadlines.DecideBy.Equal(s.Calendar().AddWorkingDays(at, 5)) {
			t.Errorf("decide by %v", v.Deadlines.DecideBy)
		}
		if _, err := s.PersonRecord(ctx, a.socialWorker, a.person.ID); err != nil {
			t.Errorf("an open imported referral gives no relationship: %v", err)
		}
		_, events, _ := s.Timeline(ctx, a.gp, a.person.ID)
		found := false
		for _, e := range events {
			found = found || (e.Type == care.ReferralEvent(care.ReferralReceived) && e.At.Equal(at.Add(time.Hour)))
		}
		if !found {
			t.Error("the imported history is not on the timeline at its own time")
		}
		_ = fmt.Sprint()
	})
}

func TestSafeguardingReferralsAreSensitiveOnTheTimeline(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		a := newReferralArea(t, s)
		form := a.form(a.service)
		form.LegalBasis, form.Justify = care.LegalBasisSafeguarding, "She is afraid of her nephew."
		if _, err := s.SendReferral(ctx, a.gp, form); err != nil {
			t.Fatal(err)
		}
		count := func(who care.Actor) int {
			_, events, err := s.Timeline(ctx, who, a.person.ID)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, e := range events {
				if strings.HasPrefix(string(e.Type), "referral.") {
					n++
				}
			}
			return n
		}
		if count(a.gp) != 1 || count(a.practiceStaff) != 0 {
			t.Errorf("GP sees %d referral events, practice staff %d", count(a.gp), count(a.practiceStaff))
		}
	})
}
