package care

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// legalMoves is the state machine written out by hand, apart from the table
// in referral_transition.go, so that a slip in either shows up. The value
// says who may make the move: "R" the referrer's side, "T" the receiving
// team, "M" the referrer's side or a manager of the receiving team. A
// referral on hold is written with the status it was held from.
var legalMoves = map[string]string{
	"draft>requested": "R",
	"draft>cancelled": "R",

	"requested>received":         "T",
	"requested>accepted":         "T",
	"requested>rejected":         "T",
	"requested>redirected":       "T",
	"requested>on-hold":          "T",
	"requested>cancelled":        "R",
	"requested>entered-in-error": "M",

	"received>accepted":         "T",
	"received>rejected":         "T",
	"received>redirected":       "T",
	"received>on-hold":          "T",
	"received>cancelled":        "R",
	"received>entered-in-error": "M",

	"on-hold(received)>received":         "T",
	"on-hold(received)>accepted":         "T",
	"on-hold(received)>rejected":         "T",
	"on-hold(received)>redirected":       "T",
	"on-hold(received)>cancelled":        "R",
	"on-hold(received)>entered-in-error": "M",

	"accepted>in-progress":      "T",
	"accepted>completed":        "T",
	"accepted>on-hold":          "T",
	"accepted>failed":           "T",
	"accepted>cancelled":        "R",
	"accepted>entered-in-error": "M",

	"on-hold(accepted)>accepted":         "T",
	"on-hold(accepted)>in-progress":      "T",
	"on-hold(accepted)>completed":        "T",
	"on-hold(accepted)>failed":           "T",
	"on-hold(accepted)>cancelled":        "R",
	"on-hold(accepted)>entered-in-error": "M",

	"in-progress>completed":        "T",
	"in-progress>on-hold":          "T",
	"in-progress>failed":           "T",
	"in-progress>cancelled":        "R",
	"in-progress>entered-in-error": "M",

	"on-hold(in-progress)>in-progress":      "T",
	"on-hold(in-progress)>completed":        "T",
	"on-hold(in-progress)>failed":           "T",
	"on-hold(in-progress)>cancelled":        "R",
	"on-hold(in-progress)>entered-in-error": "M",

	"completed>entered-in-error":  "M",
	"rejected>entered-in-error":   "M",
	"redirected>entered-in-error": "M",
	"cancelled>entered-in-error":  "M",
	"failed>entered-in-error":     "M",
}

// refState names a starting state: a status, and for on-hold the status it
// was held from.
type refState struct {
	status, held ReferralStatus
}

func (s refState) String() string {
	if s.held != "" {
		return string(s.status) + "(" + string(s.held) + ")"
	}
	return string(s.status)
}

// everyState lists every state a referral can be in.
func everyState() []refState {
	var out []refState
	for _, s := range ReferralStatuses {
		if s == ReferralOnHold {
			for _, h := range []ReferralStatus{ReferralReceived, ReferralAccepted, ReferralInProgress} {
				out = append(out, refState{s, h})
			}
			continue
		}
		out = append(out, refState{status: s})
	}
	return out
}

// fullChange is a change to to with everything any move could need.
func fullChange(to ReferralStatus, at time.Time) ReferralChange {
	c := ReferralChange{To: to, Note: "Because it is needed", Alternative: "The carers' centre", At: at,
		Target: ReferralLink{ReferralID: "r-new", ServiceID: "s-other", TeamID: "t-other", OrgID: "o-other"}}
	switch to {
	case ReferralRejected:
		c.Reason = string(RejectOutsideArea)
	case ReferralRedirected:
		c.Reason = string(RejectWrongService)
	case ReferralCancelled:
		c.Reason = string(CancelNoLongerNeeded)
	case ReferralOnHold:
		c.Reason = string(HoldInformationRequested)
	case ReferralFailed:
		c.Reason = string(FailUnableToContact)
	case ReferralCompleted:
		c.Outcome = OutcomeAssessmentArranged
	}
	return c
}

// referralIn returns a referral brought to state by legal moves, an hour
// apart, starting from refT0.
func referralIn(t testing.TB, s refState) ReferralTask {
	t.Helper()
	var path []ReferralStatus
	switch s.status {
	case ReferralDraft:
	case ReferralRequested:
		path = []ReferralStatus{ReferralRequested}
	case ReferralReceived:
		path = []ReferralStatus{ReferralRequested, ReferralReceived}
	case ReferralAccepted:
		path = []ReferralStatus{ReferralRequested, ReferralReceived, ReferralAccepted}
	case ReferralInProgress:
		path = []ReferralStatus{ReferralRequested, ReferralReceived, ReferralAccepted, ReferralInProgress}
	case ReferralOnHold:
		path = append(referralPathTo(s.held), ReferralOnHold)
	case ReferralCompleted:
		path = []ReferralStatus{ReferralRequested, ReferralAccepted, ReferralCompleted}
	case ReferralRejected:
		path = []ReferralStatus{ReferralRequested, ReferralReceived, ReferralRejected}
	case ReferralRedirected:
		path = []ReferralStatus{ReferralRequested, ReferralRedirected}
	case ReferralCancelled:
		path = []ReferralStatus{ReferralRequested, ReferralCancelled}
	case ReferralFailed:
		path = []ReferralStatus{ReferralRequested, ReferralAccepted, ReferralFailed}
	case ReferralEnteredInError:
		path = []ReferralStatus{ReferralRequested, ReferralEnteredInError}
	default:
		t.Fatalf("no path to %s", s)
	}
	r := draftReferral(t)
	for i, to := range path {
		next, _, err := r.Transition(refSystem, referralSideFor(r, to), fullChange(to, refT0.Add(time.Duration(i+1)*time.Hour)))
		if err != nil {
			t.Fatalf("building %s, move to %s: %v", s, to, err)
		}
		r = next
	}
	if r.Status != s.status || r.HeldFrom != s.held {
		t.Fatalf("built %s/%s, want %s", r.Status, r.HeldFrom, s)
	}
	return r
}

func referralPathTo(s ReferralStatus) []ReferralStatus {
	all := []ReferralStatus{ReferralRequested, ReferralReceived, ReferralAccepted, ReferralInProgress}
	return all[:slices.Index(all, s)+1]
}

// referralSideFor is the side that makes a move: the receiving team unless only the
// referrer may.
func referralSideFor(r ReferralTask, to ReferralStatus) ReferralSide {
	if m, ok := r.moveTo(to); ok && m.by&byReferrer != 0 && m.by&byReceiver == 0 {
		return ReferrerSide
	}
	return ReceiverSide
}

// TestReferralEveryPair tries every status against every status, from each
// side, with everything the move could need, and checks the answer against
// legalMoves.
func TestReferralEveryPair(t *testing.T) {
	t.Parallel()
	actors := []struct {
		name string
		a    Actor
		side ReferralSide
		may  string // the legalMoves codes this actor may make
	}{
		{"gp", refGP, ReferrerSide, "RM"},
		{"practice staff", refPracticeStaff, ReferrerSide, "RM"},
		{"social worker", refWorker, ReceiverSide, "T"},
		{"team manager", refManager, ReceiverSide, "TM"},
	}
	at := refT0.Add(100 * time.Hour)
	legal := 0
	for _, st := range everyState() {
		for _, to := range ReferralStatuses {
			key := st.String() + ">" + string(to)
			who := legalMoves[key]
			for _, ac := range actors {
				r := referralIn(t, st)
				before := cloneReferral(r)
				next, rec, err := r.Transition(ac.a, ac.side, fullChange(to, at))
				offered := slices.Contains(r.Moves(ac.a, ac.side), to)
				if !reflect.DeepEqual(r, before) {
					t.Fatalf("%s by %s changed the original referral", key, ac.name)
				}
				switch {
				case who != "" && strings.Contains(ac.may, who):
					legal++
					if err != nil {
						t.Errorf("%s by %s: %v", key, ac.name, err)
						continue
					}
					if next.Status != to || rec.From != st.status || rec.To != to || rec.Side != ac.side ||
						rec.ActorUserID != ac.a.UserID || rec.ActorTeamID != ac.a.Acting.TeamID ||
						rec.ActorRole != ac.a.Role() || !rec.At.Equal(at) || !next.UpdatedAt.Equal(at) || rec.ReferralID != "r-1" {
						t.Errorf("%s by %s: got %s, record %+v", key, ac.name, next.Status, rec)
					}
					if err := next.Consistent(); err != nil {
						t.Errorf("%s by %s: %v", key, ac.name, err)
					}
					if !offered {
						t.Errorf("%s by %s is legal but not offered", key, ac.name)
					}
				case who != "":
					if !IsKind(err, KindForbidden) || !strings.HasPrefix(MessageOf(err), "Only ") {
						t.Errorf("%s by %s = %v, want forbidden", key, ac.name, err)
					}
					if offered {
						t.Errorf("%s by %s is offered but forbidden", key, ac.name)
					}
				default:
					want := KindInvalid
					if st.status == to {
						want = KindConflict
					}
					if !IsKind(err, want) || !strings.HasPrefix(MessageOf(err), "This referral ") {
						t.Errorf("%s by %s = %v, want %s", key, ac.name, err, want)
					}
					if offered {
						t.Errorf("%s by %s is offered but illegal", key, ac.name)
					}
				}
			}
		}
	}
	if legal == 0 {
		t.Fatal("no legal moves were tried")
	}
	// Every move written out here exists in some state.
	for key := range legalMoves {
		found := false
		for _, st := range everyState() {
			for _, to := range ReferralStatuses {
				found = found || st.String()+">"+string(to) == key
			}
		}
		if !found {
			t.Errorf("legalMoves has %q, which no state reaches", key)
		}
	}
}

// TestReferralRulesListing checks the published table against the one
// written out by hand.
func TestReferralRulesListing(t *testing.T) {
	t.Parallel()
	rules := ReferralRules()
	if len(rules) != len(legalMoves) {
		t.Errorf("%d rules, want %d", len(rules), len(legalMoves))
	}
	for _, r := range rules {
		key := refState{r.From, r.HeldFrom}.String() + ">" + string(r.To)
		var who string
		switch {
		case r.Referrer && r.Receiver && r.ReceiverManagerOnly:
			who = "M"
		case r.Referrer && !r.Receiver:
			who = "R"
		case r.Receiver && !r.Referrer && !r.ReceiverManagerOnly:
			who = "T"
		}
		if legalMoves[key] != who {
			t.Errorf("rule %s is for %q, want %q", key, who, legalMoves[key])
		}
		needs := map[ReferralStatus]string{
			ReferralRequested: "content", ReferralRejected: "reason", ReferralCancelled: "reason",
			ReferralOnHold: "reason", ReferralFailed: "reason", ReferralCompleted: "outcome",
			ReferralRedirected: "target", ReferralEnteredInError: "note",
		}
		if want := needs[r.To]; want != "" && !slices.Equal(r.Needs, []string{want}) || want == "" && r.Needs != nil {
			t.Errorf("rule %s needs %v, want %q", key, r.Needs, want)
		}
		if r.Resume != (r.From == ReferralOnHold && r.To == r.HeldFrom) {
			t.Errorf("rule %s resume = %v", key, r.Resume)
		}
	}
}

func TestReferralRefusalMessages(t *testing.T) {
	t.Parallel()
	cases := []struct {
		from refState
		by   Actor
		side ReferralSide
		to   ReferralStatus
		kind Kind
		msg  string
	}{
		{refState{status: ReferralAccepted}, refWorker2, ReceiverSide, ReferralAccepted, KindConflict,
			"This referral has already been accepted."},
		{refState{status: ReferralAccepted}, refWorker, ReceiverSide, ReferralRejected, KindInvalid,
			"This referral has already been accepted, so it can’t be declined."},
		{refState{status: ReferralRequested}, refWorker, ReceiverSide, ReferralCompleted, KindInvalid,
			"This referral has not been accepted yet, so it can’t be completed."},
		{refState{status: ReferralReceived}, refWorker, ReceiverSide, ReferralInProgress, KindInvalid,
			"This referral has not been accepted yet, so it can’t be started."},
		{refState{status: ReferralCompleted}, refGP, ReferrerSide, ReferralCancelled, KindInvalid,
			"This referral has been completed, so it can no longer be changed."},
		{refState{status: ReferralRedirected}, refWorker, ReceiverSide, ReferralAccepted, KindInvalid,
			"This referral has been redirected to another service, so it can no longer be changed."},
		{refState{status: ReferralDraft}, refWorker, ReceiverSide, ReferralAccepted, KindInvalid,
			"This referral has not been sent yet, so it can’t be accepted."},
		{refState{status: ReferralReceived}, refGP, ReferrerSide, ReferralDraft, KindInvalid,
			"This referral has been sent, so it can’t go back to being a draft."},
		{refState{status: ReferralAccepted}, refGP, ReferrerSide, ReferralRequested, KindInvalid,
			"This referral has already been sent."},
		{refState{ReferralOnHold, ReferralAccepted}, refWorker, ReceiverSide, ReferralRejected, KindInvalid,
			"This referral has already been accepted, so it can’t be declined."},
		{refState{ReferralOnHold, ReferralReceived}, refWorker, ReceiverSide, ReferralOnHold, KindConflict,
			"This referral is already on hold."},
		{refState{status: ReferralCancelled}, refGP, ReferrerSide, ReferralCancelled, KindConflict,
			"This referral has already been cancelled."},
		{refState{status: ReferralReceived}, refGP, ReferrerSide, ReferralAccepted, KindForbidden,
			"Only the team this referral was sent to can accept this referral."},
		{refState{ReferralOnHold, ReferralReceived}, refGP, ReferrerSide, ReferralReceived, KindForbidden,
			"Only the team this referral was sent to can take this referral off hold."},
		{refState{status: ReferralAccepted}, refWorker, ReceiverSide, ReferralCancelled, KindForbidden,
			"Only the person who made this referral, or their team, can cancel this referral."},
		{refState{status: ReferralCompleted}, refWorker, ReceiverSide, ReferralEnteredInError, KindForbidden,
			"Only a manager of the team this referral was sent to can mark this referral as entered in error."},
		{refState{status: ReferralRequested}, refWorker, ReferrerSide, ReferralCancelled, KindForbidden,
			"Only the person who made this referral, or their team, can do this"},
		{refState{status: ReferralRequested}, refOutsider, ReceiverSide, ReferralAccepted, KindForbidden,
			"Only the team this referral was sent to can do this"},
		{refState{status: ReferralRequested}, refAnalyst, ReceiverSide, ReferralReceived, KindForbidden,
			"Only the team this referral was sent to can do this"},
		{refState{status: ReferralRequested}, Actor{}, ReceiverSide, ReferralReceived, KindUnauthenticated,
			"Sign in to work on referrals"},
		{refState{status: ReferralRequested}, refWorker, ReceiverSide, "ready", KindInvalid,
			`"ready" is not a referral status`},
	}
	for _, c := range cases {
		r := referralIn(t, c.from)
		_, _, err := r.Transition(c.by, c.side, fullChange(c.to, refT0.Add(50*time.Hour)))
		if !IsKind(err, c.kind) || MessageOf(err) != c.msg {
			t.Errorf("%s > %s by %s: %v (%s), want %s %q", c.from, c.to, c.by.UserID, MessageOf(err), KindOf(err), c.kind, c.msg)
		}
	}
	if _, _, err := referralIn(t, refState{status: ReferralRequested}).Transition(refWorker, ReceiverSide, ReferralChange{To: ReferralReceived}); !IsKind(err, KindInternal) {
		t.Errorf("a change without a time = %v, want internal", err)
	}
	if _, _, err := referralIn(t, refState{status: ReferralRequested}).Transition(refWorker, "bystander", fullChange(ReferralReceived, refT0.Add(50*time.Hour))); !IsKind(err, KindInternal) {
		t.Errorf("an unknown side = %v, want internal", err)
	}
}

// TestReferralRequiredFields takes each thing a move needs away in turn.
func TestReferralRequiredFields(t *testing.T) {
	t.Parallel()
	at := refT0.Add(50 * time.Hour)
	cases := []struct {
		name  string
		from  refState
		by    Actor
		to    ReferralStatus
		edit  func(*ReferralChange)
		field string // "" when the change must succeed
	}{
		{"decline without reason", refState{status: ReferralReceived}, refWorker, ReferralRejected,
			func(c *ReferralChange) { c.Reason = "" }, "reason"},
		{"decline with a cancellation reason", refState{status: ReferralReceived}, refWorker, ReferralRejected,
			func(c *ReferralChange) { c.Reason = string(CancelPersonMoved) }, "reason"},
		{"decline as outside the area with no alternative", refState{status: ReferralReceived}, refWorker, ReferralRejected,
			func(c *ReferralChange) { c.Reason, c.Alternative = string(RejectOutsideArea), " " }, "alternative"},
		{"decline as a duplicate with no alternative", refState{status: ReferralReceived}, refWorker, ReferralRejected,
			func(c *ReferralChange) { c.Reason, c.Alternative = string(RejectDuplicate), "" }, ""},
		{"decline for another reason without words", refState{status: ReferralRequested}, refWorker, ReferralRejected,
			func(c *ReferralChange) { c.Reason, c.Note = string(RejectOther), "" }, "note"},
		{"decline with a long alternative", refState{status: ReferralReceived}, refWorker, ReferralRejected,
			func(c *ReferralChange) { c.Alternative = strings.Repeat("x", 501) }, "alternative"},
		{"cancel without reason", refState{status: ReferralAccepted}, refGP, ReferralCancelled,
			func(c *ReferralChange) { c.Reason = "" }, "reason"},
		{"cancel for another reason without words", refState{status: ReferralAccepted}, refGP, ReferralCancelled,
			func(c *ReferralChange) { c.Reason, c.Note = string(CancelOther), "" }, "note"},
		{"cancel a draft", refState{status: ReferralDraft}, refGP, ReferralCancelled,
			func(c *ReferralChange) { c.Note = "" }, ""},
		{"hold without reason", refState{status: ReferralReceived}, refWorker, ReferralOnHold,
			func(c *ReferralChange) { c.Reason = "" }, "reason"},
		{"ask the referrer nothing", refState{status: ReferralReceived}, refWorker, ReferralOnHold,
			func(c *ReferralChange) { c.Note = "  " }, "note"},
		{"hold for consent without words", refState{status: ReferralAccepted}, refWorker, ReferralOnHold,
			func(c *ReferralChange) { c.Reason, c.Note = string(HoldAwaitingConsent), "" }, ""},
		{"complete without outcome", refState{status: ReferralInProgress}, refWorker, ReferralCompleted,
			func(c *ReferralChange) { c.Outcome = "" }, "outcome"},
		{"complete with a made-up outcome", refState{status: ReferralInProgress}, refWorker, ReferralCompleted,
			func(c *ReferralChange) { c.Outcome = "sorted" }, "outcome"},
		{"complete without summary", refState{status: ReferralAccepted}, refWorker, ReferralCompleted,
			func(c *ReferralChange) { c.Note = "" }, "note"},
		{"complete with a long summary", refState{status: ReferralAccepted}, refWorker, ReferralCompleted,
			func(c *ReferralChange) { c.Note = strings.Repeat("x", 5001) }, "note"},
		{"fail without reason", refState{status: ReferralInProgress}, refWorker, ReferralFailed,
			func(c *ReferralChange) { c.Reason = "" }, "reason"},
		{"redirect nowhere", refState{status: ReferralReceived}, refWorker, ReferralRedirected,
			func(c *ReferralChange) { c.Target = ReferralLink{ReferralID: "r-new"} }, "target"},
		{"redirect to the same service", refState{status: ReferralReceived}, refWorker, ReferralRedirected,
			func(c *ReferralChange) { c.Target.ServiceID = "s-adults" }, "target"},
		{"redirect with a made-up reason", refState{status: ReferralReceived}, refWorker, ReferralRedirected,
			func(c *ReferralChange) { c.Reason = "bored" }, "reason"},
		{"redirect without a reason", refState{status: ReferralReceived}, refWorker, ReferralRedirected,
			func(c *ReferralChange) { c.Reason, c.Note = "", "" }, ""},
		{"void without words", refState{status: ReferralCompleted}, refGP, ReferralEnteredInError,
			func(c *ReferralChange) { c.Note = "" }, "note"},
		{"accept without words", refState{status: ReferralReceived}, refWorker, ReferralAccepted,
			func(c *ReferralChange) { c.Note = "" }, ""},
	}
	for _, c := range cases {
		r := referralIn(t, c.from)
		ch := fullChange(c.to, at)
		c.edit(&ch)
		side := ReceiverSide
		if c.by.UserID == refGP.UserID {
			side = ReferrerSide
		}
		next, _, err := r.Transition(c.by, side, ch)
		if c.field == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			} else if err := next.Consistent(); err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if !IsKind(err, KindInvalid) || FieldsOf(err).Message(c.field) == "" {
			t.Errorf("%s: %v %v, want a problem with %s", c.name, err, FieldsOf(err), c.field)
		}
	}
	// Sending checks the referral itself.
	r := draftReferral(t)
	r.LegalBasis = LegalBasisSafeguarding
	_, _, err := r.Transition(refGP, ReferrerSide, ReferralChange{To: ReferralRequested, At: at})
	if FieldsOf(err).Message("justification") == "" {
		t.Errorf("sending an unjustified safeguarding referral: %v", err)
	}
	// A redirect's new referral id is chosen by the caller, never by a form.
	r = referralIn(t, refState{status: ReferralReceived})
	ch := fullChange(ReferralRedirected, at)
	ch.Target.ReferralID = ""
	if _, _, err := r.Transition(refWorker, ReceiverSide, ch); !IsKind(err, KindInternal) {
		t.Errorf("redirect without a new referral id = %v", err)
	}
}

// TestReferralJourney follows the first journey and checks every
// time and field the workflow keeps.
func TestReferralJourney(t *testing.T) {
	t.Parallel()
	at := func(h int) time.Time { return refT0.Add(time.Duration(h) * time.Hour) }
	r := draftReferral(t)
	start := r
	var history []ReferralTransition
	step := func(a Actor, side ReferralSide, c ReferralChange) {
		t.Helper()
		next, rec, err := r.Transition(a, side, c)
		if err != nil {
			t.Fatalf("%s: %v", c.To, err)
		}
		if err := next.Consistent(); err != nil {
			t.Fatalf("%s: %v", c.To, err)
		}
		r = next
		history = append(history, rec)
	}
	step(refGP, ReferrerSide, ReferralChange{To: ReferralRequested, At: at(1)})
	if !r.SentAt.Equal(at(1)) || !r.AcknowledgedAt.IsZero() || r.Loop() != ReferralLoopOpen {
		t.Fatalf("sent: %+v", r)
	}
	step(refWorker, ReceiverSide, ReferralChange{To: ReferralReceived, At: at(2)})
	if !r.AcknowledgedAt.Equal(at(2)) || r.Decision != "" {
		t.Fatalf("acknowledged: %+v", r)
	}
	step(refWorker, ReceiverSide, ReferralChange{To: ReferralOnHold, Reason: string(HoldInformationRequested),
		Note: "  Does she live alone?  ", At: at(3)})
	if r.HeldFrom != ReferralReceived || r.StatusNote != "Does she live alone?" ||
		len(r.Holds) != 1 || !r.Holds[0].BeforeDecision || !r.Holds[0].To.IsZero() {
		t.Fatalf("on hold: %+v", r)
	}
	// The referrer answers in the thread; the team takes it off hold and
	// accepts as one decision.
	step(refWorker, ReceiverSide, ReferralChange{To: ReferralAccepted, Note: "Thanks", At: at(5)})
	if r.HeldFrom != "" || !r.Holds[0].To.Equal(at(5)) || r.Decision != ReferralAccepted ||
		!r.DecidedAt.Equal(at(5)) || !r.AcknowledgedAt.Equal(at(2)) || r.StatusReason != "" {
		t.Fatalf("accepted: %+v", r)
	}
	a, rec, err := r.Assign(refWorker, refWorker.UserID, at(6))
	if err != nil {
		t.Fatal(err)
	}
	r, history = a, append(history, rec)
	step(refWorker, ReceiverSide, ReferralChange{To: ReferralInProgress, At: at(7)})
	step(refWorker, ReceiverSide, ReferralChange{To: ReferralOnHold, Reason: string(HoldPersonUnavailable), At: at(8)})
	if r.HeldFrom != ReferralInProgress || r.Holds[1].BeforeDecision {
		t.Fatalf("held after the decision: %+v", r)
	}
	step(refWorker, ReceiverSide, ReferralChange{To: ReferralInProgress, At: at(9)})
	if history[len(history)-1].Headline() != "Taken off hold" || !history[len(history)-1].Resumed {
		t.Errorf("resume record: %+v", history[len(history)-1])
	}
	step(refWorker, ReceiverSide, ReferralChange{To: ReferralCompleted, Outcome: OutcomeCareArranged,
		Note: "Morning calls start Monday", Reason: "ignored", At: at(10)})
	if r.Outcome != OutcomeCareArranged || r.OutcomeSummary != "Morning calls start Monday" ||
		!r.ClosedAt.Equal(at(10)) || r.StatusReason != "" || !r.LoopClosed() || r.AssignedTo != "u-sw" {
		t.Fatalf("completed: %+v", r)
	}
	if got := history[len(history)-1]; got.Reason != "" || got.ReasonLabel() != "Care and support arranged" || got.Headline() != "Completed" {
		t.Errorf("completion record: %+v", got)
	}
	replayed, err := ReplayReferral(start, history)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(replayed, r) {
		t.Errorf("replay gives\n%+v\nwant\n%+v", replayed, r)
	}
	// A history that skips a step does not replay.
	if _, err := ReplayReferral(start, history[1:]); !IsKind(err, KindInternal) {
		t.Errorf("replaying a broken history = %v", err)
	}
	bad := slices.Clone(history)
	bad[1].To = ReferralCompleted
	if _, err := ReplayReferral(start, bad); !IsKind(err, KindInternal) {
		t.Errorf("replaying an illegal move = %v", err)
	}
}

func TestReferralTimes(t *testing.T) {
	t.Parallel()
	r := referralIn(t, refState{status: ReferralRequested})
	// A move dated before the latest change is recorded at the latest
	// change, so the history never runs backwards.
	next, rec, err := r.Transition(refWorker, ReceiverSide, ReferralChange{To: ReferralReceived, At: refT0})
	if err != nil {
		t.Fatal(err)
	}
	if !rec.At.Equal(r.UpdatedAt) || !next.AcknowledgedAt.Equal(r.UpdatedAt) || next.Consistent() != nil {
		t.Errorf("backdated move recorded at %v, referral %+v", rec.At, next)
	}
	// Each first response acknowledges; a withdrawal or a void does not.
	acks := map[ReferralStatus]bool{
		ReferralReceived: true, ReferralAccepted: true, ReferralRejected: true, ReferralRedirected: true,
		ReferralOnHold: true, ReferralCancelled: false, ReferralEnteredInError: false,
	}
	at := refT0.Add(20 * time.Hour)
	for to, want := range acks {
		next, _, err := r.Transition(refSystem, referralSideFor(r, to), fullChange(to, at))
		if err != nil {
			t.Fatalf("%s: %v", to, err)
		}
		if got := next.AcknowledgedAt.Equal(at); got != want {
			t.Errorf("requested > %s acknowledges: %v, want %v", to, got, want)
		}
		decides := to == ReferralAccepted || to == ReferralRejected || to == ReferralRedirected
		if next.DecidedAt.Equal(at) != decides || (next.Decision == to) != decides {
			t.Errorf("requested > %s decision %q at %v", to, next.Decision, next.DecidedAt)
		}
		if next.ClosedAt.Equal(at) != to.Terminal() {
			t.Errorf("requested > %s closed at %v", to, next.ClosedAt)
		}
	}
	// Putting a new referral straight on hold holds it as acknowledged.
	held, _, _ := r.Transition(refWorker, ReceiverSide, fullChange(ReferralOnHold, at))
	if held.HeldFrom != ReferralReceived {
		t.Errorf("held from %s", held.HeldFrom)
	}
	// Voiding a closed referral keeps the time it closed.
	done := referralIn(t, refState{status: ReferralCompleted})
	void, _, err := done.Transition(refGP, ReferrerSide, fullChange(ReferralEnteredInError, at))
	if err != nil || !void.ClosedAt.Equal(done.ClosedAt) || void.Loop() != ReferralLoopVoid {
		t.Errorf("voided: %v %+v", err, void)
	}
	// Voiding while on hold ends the hold.
	onHold := referralIn(t, refState{ReferralOnHold, ReferralAccepted})
	void, _, err = onHold.Transition(refManager, ReceiverSide, fullChange(ReferralEnteredInError, at))
	if err != nil || void.HeldFrom != "" || void.Holds[len(void.Holds)-1].To.IsZero() || void.Consistent() != nil {
		t.Errorf("voided on hold: %v %+v", err, void)
	}
	if !onHold.Holds[len(onHold.Holds)-1].To.IsZero() {
		t.Error("ending the hold changed the original referral's hold")
	}
}

func TestReferralAssign(t *testing.T) {
	t.Parallel()
	at := refT0.Add(30 * time.Hour)
	cases := []struct {
		name     string
		holder   string
		by       Actor
		to       string
		kind     Kind // 0 for success
		status   refState
		headline string
	}{
		{"take an unassigned referral", "", refWorker, "u-sw", 0, refState{status: ReferralRequested}, "Assigned"},
		{"give it to a colleague", "", refWorker, "u-sw2", KindForbidden, refState{status: ReferralReceived}, ""},
		{"take it from a colleague", "u-sw2", refWorker, "u-sw", KindForbidden, refState{status: ReferralAccepted}, ""},
		{"release it", "u-sw", refWorker, "", 0, refState{status: ReferralAccepted}, "Unassigned"},
		{"release a colleague's", "u-sw2", refWorker, "", KindForbidden, refState{status: ReferralAccepted}, ""},
		{"manager assigns", "", refManager, "u-sw2", 0, refState{status: ReferralReceived}, "Assigned"},
		{"manager reassigns", "u-sw", refManager, "u-sw2", 0, refState{ReferralOnHold, ReferralInProgress}, "Assigned"},
		{"manager unassigns", "u-sw", refManager, "", 0, refState{status: ReferralInProgress}, "Unassigned"},
		{"already holds it", "u-sw", refWorker, "u-sw", KindConflict, refState{status: ReferralAccepted}, ""},
		{"nobody holds it", "", refManager, "", KindConflict, refState{status: ReferralAccepted}, ""},
		{"the referrer", "", refGP, "u-gp", KindForbidden, refState{status: ReferralRequested}, ""},
		{"another team", "", refOutsider, "u-out", KindForbidden, refState{status: ReferralRequested}, ""},
		{"a draft", "", refManager, "u-sw", KindInvalid, refState{status: ReferralDraft}, ""},
		{"a completed referral", "", refManager, "u-sw", KindInvalid, refState{status: ReferralCompleted}, ""},
	}
	for _, c := range cases {
		r := referralIn(t, c.status)
		r.AssignedTo = c.holder
		next, rec, err := r.Assign(c.by, c.to, at)
		if c.kind != 0 {
			if !IsKind(err, c.kind) || MessageOf(err) == "" {
				t.Errorf("%s: %v, want %s", c.name, err, c.kind)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if next.AssignedTo != c.to || next.Status != r.Status || !rec.Assignment || rec.AssignedTo != c.to ||
			rec.From != r.Status || rec.To != r.Status || rec.Headline() != c.headline || !next.UpdatedAt.Equal(at) {
			t.Errorf("%s: %+v, record %+v", c.name, next, rec)
		}
	}
	if _, _, err := referralIn(t, refState{status: ReferralRequested}).Assign(refWorker, "u-sw", time.Time{}); !IsKind(err, KindInternal) {
		t.Errorf("assignment without a time = %v", err)
	}
}

func TestReferralRedirect(t *testing.T) {
	t.Parallel()
	r := referralIn(t, refState{ReferralOnHold, ReferralReceived})
	at := refT0.Add(40 * time.Hour)
	got, err := r.Redirect(refWorker, ReferralChange{Reason: string(RejectOutsideArea), Note: "They cover Croydon",
		Target: ReferralLink{ReferralID: "r-2", ServiceID: "s-croydon", TeamID: "t-croydon", OrgID: "o-croydon"}, At: at})
	if err != nil {
		t.Fatal(err)
	}
	o, n := got.Original, got.Next
	if o.Status != ReferralRedirected || o.RedirectedTo.ReferralID != "r-2" || o.Decision != ReferralRedirected ||
		!o.LoopClosed() || o.StatusReason != string(RejectOutsideArea) || o.Consistent() != nil {
		t.Errorf("original: %+v", o)
	}
	if n.ID != "r-2" || n.Status != ReferralRequested || n.RedirectedFrom != "r-1" || n.ServiceID != "s-croydon" ||
		n.ToTeamID != "t-croydon" || n.ToOrgID != "o-croydon" || n.ReferrerUserID != "u-gp" || n.FromTeamID != "t-practice" ||
		n.PersonID != r.PersonID || n.Wants != r.Wants || n.Urgency != r.Urgency || n.LegalBasis != r.LegalBasis ||
		!n.SentAt.Equal(at) || !n.AcknowledgedAt.IsZero() || n.Consistent() != nil || n.Loop() != ReferralLoopOpen {
		t.Errorf("next: %+v", n)
	}
	if got.OriginalChange.To != ReferralRedirected || got.OriginalChange.Target.ReferralID != "r-2" ||
		got.NextChange.ReferralID != "r-2" || got.NextChange.From != ReferralDraft || got.NextChange.To != ReferralRequested ||
		got.NextChange.ActorUserID != "u-sw" || !got.NextChange.At.Equal(at) {
		t.Errorf("records: %+v / %+v", got.OriginalChange, got.NextChange)
	}
	// The new referral is a fresh start in the new team's queue: it can be
	// acknowledged there, and only there.
	if _, _, err := n.Transition(refWorker, ReceiverSide, fullChange(ReferralReceived, at)); !IsKind(err, KindForbidden) {
		t.Errorf("the redirecting team acknowledging the new referral = %v", err)
	}
	if _, _, err := n.Transition(refGP, ReferrerSide, fullChange(ReferralCancelled, at)); err != nil {
		t.Errorf("the original referrer cancelling the new referral: %v", err)
	}
	if _, err := referralIn(t, refState{status: ReferralAccepted}).Redirect(refWorker, fullChange(ReferralRedirected, at)); !IsKind(err, KindInvalid) {
		t.Errorf("redirecting an accepted referral = %v", err)
	}
	if _, err := r.Redirect(refGP, fullChange(ReferralRedirected, at)); !IsKind(err, KindForbidden) {
		t.Errorf("the referrer redirecting = %v", err)
	}
}

func TestRecordMissingInfo(t *testing.T) {
	t.Parallel()
	r := referralIn(t, refState{status: ReferralReceived})
	got, err := r.RecordMissingInfo(refWorker, []ReferralMissingInfo{MissingRisks, MissingContactDetails, MissingRisks})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.MissingInfo, []ReferralMissingInfo{MissingContactDetails, MissingRisks}) {
		t.Errorf("missing = %v", got.MissingInfo)
	}
	if _, err := r.RecordMissingInfo(refWorker, []ReferralMissingInfo{"vibes"}); FieldsOf(err).Message("missing") == "" {
		t.Errorf("unknown category = %v", err)
	}
	if _, err := r.RecordMissingInfo(refGP, []ReferralMissingInfo{MissingRisks}); !IsKind(err, KindForbidden) {
		t.Errorf("the referrer marking their own referral = %v", err)
	}
	if _, err := draftReferral(t).RecordMissingInfo(refSystem, nil); !IsKind(err, KindInvalid) {
		t.Errorf("feedback on a draft = %v", err)
	}
	cleared, err := got.RecordMissingInfo(refManager, nil)
	if err != nil || cleared.MissingInfo != nil {
		t.Errorf("clearing feedback: %v %v", err, cleared.MissingInfo)
	}
}

func TestReferralConsistentCatchesContradictions(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		from refState
		edit func(*ReferralTask)
	}{
		{"unknown status", refState{status: ReferralAccepted}, func(r *ReferralTask) { r.Status = "ready" }},
		{"draft sent", refState{status: ReferralDraft}, func(r *ReferralTask) { r.SentAt = refT0 }},
		{"accepted unsent", refState{status: ReferralAccepted}, func(r *ReferralTask) { r.SentAt = time.Time{} }},
		{"accepted unacknowledged", refState{status: ReferralAccepted}, func(r *ReferralTask) { r.AcknowledgedAt = time.Time{} }},
		{"requested acknowledged", refState{status: ReferralRequested}, func(r *ReferralTask) { r.AcknowledgedAt = r.SentAt }},
		{"decided without decision", refState{status: ReferralAccepted}, func(r *ReferralTask) { r.Decision = "" }},
		{"odd decision", refState{status: ReferralAccepted}, func(r *ReferralTask) { r.Decision = ReferralCompleted }},
		{"in progress but declined", refState{status: ReferralInProgress}, func(r *ReferralTask) { r.Decision = ReferralRejected }},
		{"received but decided", refState{status: ReferralReceived}, func(r *ReferralTask) { r.Decision, r.DecidedAt = ReferralAccepted, r.UpdatedAt }},
		{"closed but open", refState{status: ReferralAccepted}, func(r *ReferralTask) { r.ClosedAt = r.UpdatedAt }},
		{"terminal not closed", refState{status: ReferralCancelled}, func(r *ReferralTask) { r.ClosedAt = time.Time{} }},
		{"on hold from nowhere", refState{ReferralOnHold, ReferralAccepted}, func(r *ReferralTask) { r.HeldFrom = "" }},
		{"held from a draft", refState{ReferralOnHold, ReferralAccepted}, func(r *ReferralTask) { r.HeldFrom = ReferralDraft }},
		{"held but not on hold", refState{status: ReferralAccepted}, func(r *ReferralTask) { r.HeldFrom = ReferralReceived }},
		{"on hold with the hold closed", refState{ReferralOnHold, ReferralAccepted}, func(r *ReferralTask) { r.Holds[0].To = r.UpdatedAt }},
		{"on hold without holds", refState{ReferralOnHold, ReferralAccepted}, func(r *ReferralTask) { r.Holds = nil }},
		{"hold left open", refState{status: ReferralAccepted}, func(r *ReferralTask) { r.Holds = []ReferralHold{{From: r.UpdatedAt}} }},
		{"declined without reason", refState{status: ReferralRejected}, func(r *ReferralTask) { r.StatusReason = "" }},
		{"cancelled with a rejection reason", refState{status: ReferralCancelled}, func(r *ReferralTask) { r.StatusReason = string(RejectOutsideArea) }},
		{"completed without outcome", refState{status: ReferralCompleted}, func(r *ReferralTask) { r.Outcome = "" }},
		{"completed without summary", refState{status: ReferralCompleted}, func(r *ReferralTask) { r.OutcomeSummary = "" }},
		{"redirected nowhere", refState{status: ReferralRedirected}, func(r *ReferralTask) { r.RedirectedTo = ReferralLink{} }},
		{"voided without note", refState{status: ReferralEnteredInError}, func(r *ReferralTask) { r.StatusNote = "" }},
		{"time runs backwards", refState{status: ReferralAccepted}, func(r *ReferralTask) { r.DecidedAt = r.SentAt.Add(-time.Hour) }},
	}
	for _, c := range cases {
		r := referralIn(t, c.from)
		if err := r.Consistent(); err != nil {
			t.Fatalf("%s: the unedited referral: %v", c.name, err)
		}
		c.edit(&r)
		if err := r.Consistent(); !IsKind(err, KindInternal) {
			t.Errorf("%s: Consistent() = %v", c.name, err)
		}
	}
}

// cloneReferral copies r deeply enough that changes to the copy's slices
// cannot reach r.
func cloneReferral(r ReferralTask) ReferralTask {
	r.Holds = slices.Clone(r.Holds)
	r.MissingInfo = slices.Clone(r.MissingInfo)
	return r
}

func TestReferralTransitionHeadlines(t *testing.T) {
	t.Parallel()
	cases := []struct {
		rec      ReferralTransition
		headline string
		reason   string
	}{
		{ReferralTransition{From: ReferralDraft, To: ReferralRequested}, "Sent", ""},
		{ReferralTransition{From: ReferralRequested, To: ReferralReceived}, "Acknowledged", ""},
		{ReferralTransition{From: ReferralReceived, To: ReferralOnHold, Reason: string(HoldAwaitingConsent)},
			"Put on hold", "Waiting for the person’s consent"},
		{ReferralTransition{From: ReferralOnHold, To: ReferralReceived, Resumed: true}, "Taken off hold", ""},
		{ReferralTransition{From: ReferralOnHold, To: ReferralAccepted}, "Accepted", ""},
		{ReferralTransition{From: ReferralAccepted, To: ReferralInProgress}, "Work started", ""},
		{ReferralTransition{From: ReferralReceived, To: ReferralRejected, Reason: string(RejectOutsideArea)},
			"Declined", "Outside the area the service covers"},
		{ReferralTransition{From: ReferralReceived, To: ReferralRedirected, Target: ReferralLink{ReferralID: "r-2"}}, "Redirected", ""},
		{ReferralTransition{From: ReferralAccepted, To: ReferralCompleted, Outcome: OutcomeNoFurtherAction},
			"Completed", "No further action needed"},
		{ReferralTransition{From: ReferralAccepted, To: ReferralFailed, Reason: string(FailPersonDied)},
			"Closed as unable to complete", "The person has died"},
		{ReferralTransition{From: ReferralRequested, To: ReferralCancelled, Reason: string(CancelDuplicate)},
			"Cancelled", "Sent more than once"},
		{ReferralTransition{From: ReferralCompleted, To: ReferralEnteredInError}, "Marked as entered in error", ""},
		{ReferralTransition{From: ReferralAccepted, To: ReferralAccepted, Assignment: true, AssignedTo: "u-sw"}, "Assigned", ""},
		{ReferralTransition{From: ReferralAccepted, To: ReferralAccepted, Assignment: true}, "Unassigned", ""},
	}
	for _, c := range cases {
		if c.rec.Headline() != c.headline || c.rec.ReasonLabel() != c.reason {
			t.Errorf("%s > %s: %q / %q, want %q / %q", c.rec.From, c.rec.To, c.rec.Headline(), c.rec.ReasonLabel(), c.headline, c.reason)
		}
	}
	if !(ReferralLink{}).IsZero() || (ReferralLink{ReferralID: "r"}).IsZero() {
		t.Error("ReferralLink.IsZero")
	}
}
