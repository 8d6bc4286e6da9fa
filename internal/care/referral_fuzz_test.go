package care

import (
	"reflect"
	"testing"
	"time"
)

// referralFuzzActors are the people a fuzzed sequence of changes is made by,
// including some who may never change the referral.
var referralFuzzActors = []Actor{refGP, refPracticeStaff, refWorker, refWorker2, refManager, refAnalyst, refOutsider, refSystem, {}}

// referralFuzzOp encodes one change for the fuzzer: who makes it and for which side,
// the status asked for (12 means an assignment), which fields are given, and
// how many 7-minute steps later it happens (negative runs the clock back).
func referralFuzzOp(actor int, receiver bool, to int, fields byte, steps int8) []byte {
	b := byte(actor)
	if receiver {
		b |= 0x80
	}
	return []byte{b, byte(to), fields, byte(steps)}
}

// referralFuzzChange builds a change to to from the fields byte: each bit gives or
// withholds one thing, and the high bits choose which reason.
func referralFuzzChange(to ReferralStatus, fields byte, at time.Time) ReferralChange {
	c := ReferralChange{To: to, At: at}
	if list := reasonsFor(to); fields&1 != 0 && len(list) > 0 {
		c.Reason = list[int(fields>>5)%len(list)].Code
		c.Outcome = ReferralOutcome(c.Reason)
	} else if fields&1 != 0 {
		c.Reason = "made-up"
	}
	if fields&2 != 0 {
		c.Note = "Because"
	}
	if fields&4 != 0 {
		c.Alternative = "The carers' centre"
	}
	if fields&8 == 0 {
		c.Outcome = ""
	}
	if fields&16 != 0 {
		c.Target = ReferralLink{ReferralID: "r-next", ServiceID: "s-other", TeamID: "t-other"}
	}
	return c
}

const maxReferralFuzzOps = 200

func FuzzReferralTransitions(f *testing.F) {
	journey := [][]byte{
		referralFuzzOp(0, false, 1, 0, 1),     // the GP sends it
		referralFuzzOp(2, true, 2, 0, 3),      // a social worker acknowledges
		referralFuzzOp(2, true, 3, 0x03, 2),   // asks the referrer a question
		referralFuzzOp(2, true, 4, 0, 40),     // accepts when the answer comes
		referralFuzzOp(4, true, 12, 1, 1),     // the manager assigns it
		referralFuzzOp(3, true, 5, 0, 9),      // work starts
		referralFuzzOp(3, true, 6, 0x0b, 100), // and completes with an outcome
		referralFuzzOp(0, false, 11, 2, 1),    // the GP voids it
	}
	var all []byte
	for _, op := range journey {
		all = append(all, op...)
	}
	f.Add(byte(0), all)
	f.Add(byte(0), append(referralFuzzOp(0, false, 1, 0, 1), referralFuzzOp(2, true, 8, 0x13, 5)...))  // redirect
	f.Add(byte(0), append(referralFuzzOp(0, false, 1, 0, 1), referralFuzzOp(2, true, 7, 0x25, -5)...)) // decline, clock back
	f.Add(byte(1), append(referralFuzzOp(0, false, 1, 0, 1), referralFuzzOp(0, false, 9, 0x01, 0)...)) // cannot send
	f.Add(byte(0), append(referralFuzzOp(7, true, 1, 0, 1), referralFuzzOp(7, false, 3, 0xff, 7)...))

	f.Fuzz(fuzzReferralBody)
}

// fuzzReferralBody runs one fuzzed sequence. It reads at most maxReferralFuzzOps changes:
// a real referral has tens, and each change copies and compares the holds,
// so a sequence thousands long only slows the fuzzer down.
func fuzzReferralBody(t *testing.T, shape byte, ops []byte) {
	if len(ops) > 4*maxReferralFuzzOps {
		ops = ops[:4*maxReferralFuzzOps]
	}
	cal := londonCalendar(t)
	start := draftReferral(t)
	if shape&1 != 0 {
		start.Wants = ""
	}
	if shape&2 != 0 {
		start.Urgency = ReferralUrgencies[int(shape>>2)%len(ReferralUrgencies)]
	}
	r := start
	at := refT0
	var history []ReferralTransition
	for len(ops) >= 4 {
		op := ops[:4]
		ops = ops[4:]
		a := referralFuzzActors[int(op[0]&0x7f)%len(referralFuzzActors)]
		side := ReferrerSide
		if op[0]&0x80 != 0 {
			side = ReceiverSide
		}
		at = at.Add(time.Duration(int8(op[3])) * 7 * time.Minute)
		before := cloneReferral(r)

		var next ReferralTask
		var rec ReferralTransition
		var err error
		var again func() (ReferralTask, ReferralTransition, error)
		if int(op[1])%13 == 12 {
			users := []string{"", "u-sw", "u-sw2", "u-mgr", a.UserID}
			user := users[int(op[2])%len(users)]
			next, rec, err = r.Assign(a, user, at)
			again = func() (ReferralTask, ReferralTransition, error) { return before.Assign(a, user, at) }
		} else {
			c := referralFuzzChange(ReferralStatuses[int(op[1])%13], op[2], at)
			next, rec, err = r.Transition(a, side, c)
			again = func() (ReferralTask, ReferralTransition, error) { return before.Transition(a, side, c) }
		}
		if !reflect.DeepEqual(r, before) {
			t.Fatalf("a change altered the referral it was made on")
		}
		if err != nil {
			switch KindOf(err) {
			case KindInvalid, KindForbidden, KindConflict, KindUnauthenticated:
			default:
				t.Fatalf("change %v refused as %s: %v", op, KindOf(err), err)
			}
			if MessageOf(err) == "" {
				t.Fatalf("refused without a message")
			}
			continue
		}
		if err := next.Consistent(); err != nil {
			t.Fatalf("after %s: %v", rec.To, err)
		}
		if rec.From != r.Status || rec.To != next.Status || rec.ReferralID != r.ID || rec.At.Before(r.UpdatedAt) {
			t.Fatalf("record %+v for %s > %s", rec, r.Status, next.Status)
		}
		if n2, rec2, err2 := again(); err2 != nil || !reflect.DeepEqual(n2, next) || !reflect.DeepEqual(rec2, rec) {
			t.Fatalf("the same change gave a different result: %v", err2)
		}
		r = next
		history = append(history, rec)
	}
	replayed, err := ReplayReferral(start, history)
	if err != nil {
		t.Fatalf("replay: %v", err)
	}
	if !reflect.DeepEqual(replayed, r) {
		t.Fatalf("replay gives\n%+v\nwant\n%+v", replayed, r)
	}
	// Whatever state it reached, the deadline functions answer sensibly.
	d, sent := r.Deadlines(cal, ReferralTargets{})
	if sent != !r.SentAt.IsZero() || sent && d.AcknowledgeBy.After(d.DecideBy) {
		t.Fatalf("deadlines %+v for %+v", d, r)
	}
	for _, step := range r.Overdue(cal, ReferralTargets{}, at.Add(1000*time.Hour)) {
		if !r.Status.Open() || r.Decision != "" || (step == AcknowledgeStep && r.Status != ReferralRequested) {
			t.Fatalf("%s referral overdue to %s", r.Status, step)
		}
	}
	if w := r.Wait(cal, at); w.Waiting && (r.Decision != "" || r.Status.Terminal()) {
		t.Fatalf("%s referral still waiting", r.Status)
	}
	if r.Loop() == ReferralLoopClosed && !r.Status.Terminal() {
		t.Fatalf("%s referral has its loop closed", r.Status)
	}
}
