package care

import (
	"testing"
	"time"
)

func TestReferralSideFor(t *testing.T) {
	requested := referralIn(t, refState{status: ReferralRequested})
	accepted := referralIn(t, refState{status: ReferralAccepted})
	self := requested
	self.ToTeamID = "t-practice"
	cases := []struct {
		name     string
		r        ReferralTask
		a        Actor
		to       ReferralStatus
		wantSide ReferralSide
		wantOK   bool
	}{
		{"the team acknowledges", requested, refWorker, ReferralReceived, ReceiverSide, true},
		{"the referrer cancels", requested, refGP, ReferralCancelled, ReferrerSide, true},
		{"a colleague of the referrer cancels", requested, refPracticeStaff, ReferralCancelled, ReferrerSide, true},
		{"the team completes", accepted, refManager, ReferralCompleted, ReceiverSide, true},
		// A team referring to itself makes the team's moves as the team and
		// the referrer's as the referrer.
		{"a self-referral is acknowledged", self, refPracticeStaff, ReferralReceived, ReceiverSide, true},
		{"a self-referral is cancelled", self, refPracticeStaff, ReferralCancelled, ReferrerSide, true},
		// Refused moves name the side whose refusal explains why.
		{"the referrer cannot accept", requested, refGP, ReferralAccepted, ReferrerSide, false},
		{"the team cannot complete before accepting", requested, refWorker, ReferralCompleted, ReceiverSide, false},
		{"an outsider is on no side", requested, refOutsider, ReferralReceived, ReferrerSide, false},
		{"an analyst makes no moves", requested, refAnalyst, ReferralReceived, ReferrerSide, false},
	}
	for _, c := range cases {
		side, ok := c.r.SideFor(c.a, c.to)
		if side != c.wantSide || ok != c.wantOK {
			t.Errorf("%s: SideFor = %s, %v; want %s, %v", c.name, side, ok, c.wantSide, c.wantOK)
		}
		if ok {
			if _, _, err := c.r.Transition(c.a, side, fullChange(c.to, refT0.Add(24*time.Hour))); err != nil {
				t.Errorf("%s: the move on side %s is refused: %v", c.name, side, err)
			}
		}
	}
}
