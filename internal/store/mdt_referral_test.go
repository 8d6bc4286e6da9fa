package store

import (
	"context"
	"strings"
	"testing"

	"github.com/joinedup/joinedup/internal/audit"
	"github.com/joinedup/joinedup/internal/care"
)

// mdtService adds a service run by the team given that takes referrals
// through joinedup.
func mdtService(t *testing.T, w *mdtWorld, name string, team care.Team) care.Service {
	t.Helper()
	sv, err := w.s.CreateService(context.Background(), care.SystemActor("test"), care.Service{OrganisationID: team.OrganisationID,
		TeamID: team.ID, Name: name, Description: "A service for tests.", Status: care.ServiceActive, Needs: []string{"personal-care"},
		Catchment: []care.CatchmentArea{{Kind: care.CatchLocalAuthority, Code: "E09000012"}},
		Referral:  care.Referral{Methods: []care.ReferralMethod{care.ReferThroughJoinedup}},
		Capacity:  care.Capacity{State: care.CapacityAccepting}})
	if err != nil {
		t.Fatal(err)
	}
	return sv
}

func actionReferral(sv care.Service, nhs, actionID string) NewReferral {
	return NewReferral{NHSNumber: nhs, ServiceID: sv.ID, NeedCode: "personal-care/washing-and-dressing",
		Wants: "Medication review", Urgency: care.UrgencyRoutine, LegalBasis: care.LegalBasisConsent, Contact: "Phone her daughter first", FromAction: actionID}
}

func countReferrals(t *testing.T, s *Store) int {
	t.Helper()
	var n int
	if err := s.read(context.Background(), func(tx *tx) error {
		return tx.queryRow(context.Background(), `SELECT COUNT(*) FROM referrals`).Scan(&n)
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestMDTActionBecomesAReferralInOneStep(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		w := newMDTWorld(t, s)
		_, _, gpAction, teamAction := runFirstMeeting(t, w)
		sv := mdtService(t, w, "North Locality social work", w.councilTeam)

		// Only the owner (or a coordinator) who may refer starts it.
		start, err := s.ActionToRefer(ctx, w.gp, gpAction.ID)
		if err != nil || start.Person.ID != w.person.ID || start.Action.Action.Description != "Medication review" {
			t.Fatalf("start = %+v, %v", start, err)
		}
		if _, err := s.ActionToRefer(ctx, w.socialWorker, gpAction.ID); !care.IsKind(err, care.KindForbidden) {
			t.Errorf("someone else's action: %v", err)
		}
		if _, err := s.ActionToRefer(ctx, w.gp, "nope"); !care.IsKind(err, care.KindNotFound) {
			t.Errorf("no such action: %v", err)
		}
		// Refused sends leave nothing behind.
		if _, err := s.SendReferral(ctx, w.socialWorker, actionReferral(sv, "9990000026", gpAction.ID)); !care.IsKind(err, care.KindForbidden) {
			t.Errorf("someone else's action sent: %v", err)
		}
		if _, err := s.SendReferral(ctx, w.socialWorker, actionReferral(sv, "9990000034", teamAction.ID)); care.FieldsOf(err).Message("nhs_number") == "" {
			t.Errorf("a referral for another person: %v", err)
		}
		if n := countReferrals(t, s); n != 0 {
			t.Fatalf("refused sends left %d referrals", n)
		}

		r, err := s.SendReferral(ctx, w.gp, actionReferral(sv, "9990000026", gpAction.ID))
		if err != nil {
			t.Fatal(err)
		}
		v, err := s.MDTActionPage(ctx, w.gp, gpAction.ID)
		if err != nil || v.Action.ReferralID != r.ID || v.Action.Status != care.MDTActionDone {
			t.Fatalf("action after sending = %+v, %v", v.Action, err)
		}
		if _, err := s.SendReferral(ctx, w.gp, actionReferral(sv, "9990000026", gpAction.ID)); !care.IsKind(err, care.KindConflict) {
			t.Errorf("an action became two referrals: %v", err)
		}
		if n := countReferrals(t, s); n != 1 {
			t.Errorf("referrals = %d, want 1", n)
		}
		if !hasAudit(auditRows(t, s, w.person.ID), "mdt.action.refer", audit.OutcomeSuccess, "referral="+r.ID) {
			t.Error("the link is not audited")
		}
		if !hasAudit(auditRows(t, s, w.person.ID), "mdt.action.refer", audit.OutcomeDenied, "not-owner") {
			t.Error("the refusal is not audited")
		}
	})
}

func TestMDTPackListsOpenReferrals(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		w := newMDTWorld(t, s)
		discussed, _, _, _ := runFirstMeeting(t, w)
		pack, _, err := s.MDTPack(ctx, w.gp, w.first, discussed.ID)
		if err != nil {
			t.Fatal(err)
		}
		if sec, ok := pack.Section("referrals"); !ok || len(sec.Lines) != 0 || sec.None == "" {
			t.Fatalf("referrals before any = %+v", sec)
		}
		rt, err := s.CreateTeam(ctx, care.SystemActor("test"), care.Team{OrganisationID: w.council.ID, Name: "Reablement Team", Kind: "reablement"})
		if err != nil {
			t.Fatal(err)
		}
		sv := mdtService(t, w, "Reablement", rt)
		f := actionReferral(sv, "9990000026", "")
		r, err := s.SendReferral(ctx, w.gp, f)
		if err != nil {
			t.Fatal(err)
		}
		// The referrer's pack links it; the social worker, who is on
		// neither side, sees it listed without a link.
		for _, c := range []struct {
			who  care.Actor
			link string
		}{{w.gp, "/referrals/" + r.ID}, {w.socialWorker, ""}} {
			pack, _, err := s.MDTPack(ctx, c.who, w.first, discussed.ID)
			if err != nil {
				t.Fatal(err)
			}
			sec, _ := pack.Section("referrals")
			if len(sec.Lines) != 1 || sec.Lines[0].Link != c.link || !strings.HasPrefix(sec.Lines[0].Label, "Reablement") ||
				!strings.Contains(sec.Lines[0].Text, care.ReferralReference(r.ID)) {
				t.Errorf("%s sees %+v", c.who.Name, sec.Lines)
			}
		}
		// Closed referrals are not listed.
		if _, err := s.ChangeReferral(ctx, w.gp, r.ID, care.ReferrerSide, care.ReferralChange{To: care.ReferralCancelled, Reason: "no-longer-needed"}, r.Version); err != nil {
			t.Fatal(err)
		}
		pack, _, err = s.MDTPack(ctx, w.gp, w.first, discussed.ID)
		if sec, _ := pack.Section("referrals"); err != nil || len(sec.Lines) != 0 {
			t.Errorf("after cancelling = %+v, %v", sec.Lines, err)
		}
	})
}
