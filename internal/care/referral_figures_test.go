package care

import (
	"slices"
	"testing"
	"time"
)

func TestReferralLoop(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		r    ReferralTask
		edit func(*ReferralTask)
		want ReferralLoop
	}{
		{"draft", referralIn(t, refState{status: ReferralDraft}), nil, ReferralLoopNotStarted},
		{"sent", referralIn(t, refState{status: ReferralRequested}), nil, ReferralLoopOpen},
		{"acknowledged", referralIn(t, refState{status: ReferralReceived}), nil, ReferralLoopOpen},
		{"on hold", referralIn(t, refState{ReferralOnHold, ReferralReceived}), nil, ReferralLoopOpen},
		{"accepted", referralIn(t, refState{status: ReferralAccepted}), nil, ReferralLoopOpen},
		{"in progress", referralIn(t, refState{status: ReferralInProgress}), nil, ReferralLoopOpen},
		{"completed with outcome", referralIn(t, refState{status: ReferralCompleted}), nil, ReferralLoopClosed},
		{"completed without outcome", referralIn(t, refState{status: ReferralCompleted}),
			func(r *ReferralTask) { r.Outcome = "" }, ReferralLoopOpen},
		{"completed without summary", referralIn(t, refState{status: ReferralCompleted}),
			func(r *ReferralTask) { r.OutcomeSummary = "" }, ReferralLoopOpen},
		{"declined with reason", referralIn(t, refState{status: ReferralRejected}), nil, ReferralLoopClosed},
		{"declined without reason", referralIn(t, refState{status: ReferralRejected}),
			func(r *ReferralTask) { r.StatusReason = "" }, ReferralLoopOpen},
		{"redirected with target", referralIn(t, refState{status: ReferralRedirected}), nil, ReferralLoopClosed},
		{"redirected nowhere", referralIn(t, refState{status: ReferralRedirected}),
			func(r *ReferralTask) { r.RedirectedTo = ReferralLink{} }, ReferralLoopOpen},
		{"unable to complete with reason", referralIn(t, refState{status: ReferralFailed}), nil, ReferralLoopClosed},
		{"unable to complete without reason", referralIn(t, refState{status: ReferralFailed}),
			func(r *ReferralTask) { r.StatusReason = "" }, ReferralLoopOpen},
		{"cancelled by the referrer", referralIn(t, refState{status: ReferralCancelled}), nil, ReferralLoopClosed},
		{"draft discarded", draftReferral(t), func(r *ReferralTask) {
			*r, _, _ = r.Transition(refGP, ReferrerSide, fullChange(ReferralCancelled, refT0.Add(time.Hour)))
		}, ReferralLoopNotStarted},
		{"entered in error", referralIn(t, refState{status: ReferralEnteredInError}), nil, ReferralLoopVoid},
	}
	for _, c := range cases {
		r := c.r
		if c.edit != nil {
			c.edit(&r)
		}
		if got := r.Loop(); got != c.want || r.LoopClosed() != (c.want == ReferralLoopClosed) || got.Label() == string(got) {
			t.Errorf("%s: loop %s (%q), want %s", c.name, got, got.Label(), c.want)
		}
	}
}

// figureReferral is a referral sent at sent, acknowledged ack working hours
// later and decided dec working hours later (negative for never), all on the
// Monday 3 March 2025 working day.
func figureReferral(sent time.Time, ack, dec int, decision ReferralStatus) ReferralTask {
	r := ReferralTask{Status: ReferralRequested, SentAt: sent}
	if ack >= 0 {
		r.Status, r.AcknowledgedAt = ReferralReceived, sent.Add(time.Duration(ack)*time.Hour)
	}
	if dec >= 0 {
		r.Status, r.Decision, r.DecidedAt = decision, decision, sent.Add(time.Duration(dec)*time.Hour)
	}
	return r
}

func TestReferralResponseFigures(t *testing.T) {
	t.Parallel()
	cal := londonCalendar(t)
	mon := time.Date(2025, time.March, 3, 9, 0, 0, 0, time.UTC) // 09:00 in London too
	now := time.Date(2025, time.March, 31, 12, 0, 0, 0, time.UTC)

	few := []ReferralTask{
		figureReferral(mon, 1, 2, ReferralAccepted),
		figureReferral(mon, 1, 2, ReferralAccepted),
		figureReferral(mon, 1, 2, ReferralAccepted),
		figureReferral(mon, 1, 2, ReferralAccepted),
	}
	f := ReferralResponseFigures(few, cal, now)
	if _, ok := f.Acknowledge.Value(); ok || f.Acknowledge.String() != "Not enough data" || f.Acknowledge.Sample() != 4 {
		t.Errorf("four referrals give a median: %+v", f.Acknowledge)
	}
	if _, ok := f.Accepted.Percent(); ok || f.Accepted.String() != "Not enough data" {
		t.Errorf("four referrals give a share: %+v", f.Accepted)
	}
	if v, ok := (WorkingTimeMedian{}).Value(); ok || v != 0 {
		t.Error("an empty median has a value")
	}

	refs := []ReferralTask{
		figureReferral(mon, 1, 2, ReferralAccepted),
		figureReferral(mon, 2, 3, ReferralAccepted),
		figureReferral(mon, 3, 4, ReferralRejected),
		figureReferral(mon, 4, 5, ReferralAccepted),
		figureReferral(mon, 7, 6, ReferralRedirected), // decided without a separate acknowledgement
		figureReferral(mon, 5, -1, ""),                // acknowledged, not yet decided
		figureReferral(mon, -1, -1, ""),               // still waiting: in neither median
		// Left out: outside the 90 days, in the future, voided, never sent.
		figureReferral(now.AddDate(0, 0, -90), 0, 0, ReferralRejected),
		figureReferral(now.Add(time.Hour), 0, 0, ReferralRejected),
		func() ReferralTask {
			r := figureReferral(mon, 0, 0, ReferralRejected)
			r.Status = ReferralEnteredInError
			return r
		}(),
		{Status: ReferralDraft},
	}
	refs[4].AcknowledgedAt = refs[4].DecidedAt
	f = ReferralResponseFigures(refs, cal, now)
	if !f.Since.Equal(now.AddDate(0, 0, -90)) || !f.Until.Equal(now) {
		t.Errorf("window %v to %v", f.Since, f.Until)
	}
	// Acknowledged after 1, 2, 3, 4, 5 and 6 hours: the median of six is
	// halfway between the middle two.
	if v, ok := f.Acknowledge.Value(); !ok || v != 3*time.Hour+30*time.Minute || f.Acknowledge.Sample() != 6 ||
		f.Acknowledge.String() != "3.5 working hours" {
		t.Errorf("acknowledge median %v %v (%d): %q", v, ok, f.Acknowledge.Sample(), f.Acknowledge.String())
	}
	if v, ok := f.Decide.Value(); !ok || v != 4*time.Hour || f.Decide.Sample() != 5 || f.Decide.String() != "4 working hours" {
		t.Errorf("decide median %v %v: %q", v, ok, f.Decide.String())
	}
	if p, ok := f.Accepted.Percent(); !ok || p != 60 || f.Accepted.Sample() != 5 || f.Accepted.String() != "60%" {
		t.Errorf("accepted %v %v: %q", p, ok, f.Accepted.String())
	}
	if v, ok := f.Accepted.Value(); !ok || v != 0.6 {
		t.Errorf("accepted share %v", v)
	}

	// Working hours, not clock hours: sent Friday 16:00, decided Monday
	// 10:00 is two working hours.
	fri := time.Date(2025, time.March, 7, 16, 0, 0, 0, time.UTC)
	var weekend []ReferralTask
	for range 5 {
		r := figureReferral(fri, 0, 0, ReferralAccepted)
		r.DecidedAt = time.Date(2025, time.March, 10, 10, 0, 0, 0, time.UTC)
		weekend = append(weekend, r)
	}
	if v, _ := ReferralResponseFigures(weekend, cal, now).Decide.Value(); v != 2*time.Hour {
		t.Errorf("weekend decision took %v of working time", v)
	}
	for d, want := range map[time.Duration]string{
		time.Hour: "1 working hour", 2 * time.Minute: "Less than 0.1 working hours",
		90 * time.Minute: "1.5 working hours", 40 * time.Hour: "40 working hours",
	} {
		if got := (WorkingTimeMedian{sample: 5, median: d}).String(); got != want {
			t.Errorf("%v says %q, want %q", d, got, want)
		}
	}
}

func TestCountMissingInfo(t *testing.T) {
	t.Parallel()
	with := func(s ReferralStatus, m ...ReferralMissingInfo) ReferralTask {
		return ReferralTask{Status: s, MissingInfo: m}
	}
	got := CountMissingInfo([]ReferralTask{
		with(ReferralAccepted, MissingRisks, MissingContactDetails),
		with(ReferralRejected, MissingRisks),
		with(ReferralCompleted, MissingMedication),
		with(ReferralEnteredInError, MissingMedication, MissingMedication),
		with(ReferralReceived),
	})
	want := []MissingInfoCount{{MissingRisks, 2}, {MissingContactDetails, 1}, {MissingMedication, 1}}
	if !slices.Equal(got, want) {
		t.Errorf("counts = %v, want %v", got, want)
	}
	if got := CountMissingInfo(nil); len(got) != 0 {
		t.Errorf("no referrals counts %v", got)
	}
}
