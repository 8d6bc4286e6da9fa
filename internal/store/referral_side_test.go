package store

import (
	"context"
	"testing"

	"github.com/joinedup/joinedup/internal/audit"
	"github.com/joinedup/joinedup/internal/care"
)

// TestChangeReferralWorksOutTheSide checks that a change made without
// naming a side is made on the side the move belongs to, in the change's
// own transaction, and that neither it nor the heading a form shows marks
// the thread read.
func TestChangeReferralWorksOutTheSide(t *testing.T) {
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		a := newReferralArea(t, s)
		r := a.send(t)
		if err := s.PostReferralMessage(ctx, a.gp, r.ID, "Her son has a key.", nil); err != nil {
			t.Fatal(err)
		}

		h, err := s.ReferralHeading(ctx, a.socialWorker, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if h.Task.ID != r.ID || h.Person.FullName() != a.person.FullName() || h.ServiceName != a.service.Name {
			t.Errorf("heading = %+v", h)
		}
		if h.Messages != nil || h.History != nil {
			t.Error("the heading loaded the thread or the history")
		}
		if _, err := s.ReferralHeading(ctx, a.nurseElsewhere, r.ID); !care.IsKind(err, care.KindForbidden) {
			t.Errorf("heading for someone on no side = %v", err)
		}

		// The team's move is made on the team's side, the referrer's on the
		// referrer's; a move the actor cannot make is refused as before.
		if _, err := s.ChangeReferral(ctx, a.gp, r.ID, "", care.ReferralChange{To: care.ReferralAccepted}, 1); !care.IsKind(err, care.KindForbidden) {
			t.Errorf("GP accepting = %v", err)
		}
		next, err := s.ChangeReferral(ctx, a.socialWorker, r.ID, "", care.ReferralChange{To: care.ReferralReceived}, 1)
		if err != nil {
			t.Fatal(err)
		}
		if next.Status != care.ReferralReceived {
			t.Errorf("status = %s", next.Status)
		}
		if _, err := s.ChangeReferral(ctx, a.gp, r.ID, "", care.ReferralChange{To: care.ReferralCancelled,
			Reason: string(care.CancelNoLongerNeeded)}, 2); err != nil {
			t.Errorf("GP cancelling = %v", err)
		}

		v, err := s.Referral(ctx, a.gp, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Messages) != 1 || len(v.Messages[0].Reads) != 0 {
			t.Errorf("the GP's message was marked read without the team opening the referral: %+v", v.Messages)
		}
		sides := map[care.ReferralSide]bool{}
		for _, h := range v.History {
			sides[h.Side] = true
		}
		if !sides[care.ReceiverSide] || !sides[care.ReferrerSide] {
			t.Errorf("history sides = %v", sides)
		}
		if !hasAudit(auditRows(t, s, a.person.ID), "referral.read", audit.OutcomeSuccess, "sides=receiver") {
			t.Error("the heading's read is not audited")
		}
	})
}
