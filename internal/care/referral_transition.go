package care

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// This file holds the referral state machine. Every legal move is one row of
// referralMoves: the status it leaves, the status it reaches, which side may
// make it, and what must be given with it. Anything not in the table is
// refused with a sentence saying why.

// sideSet says who may make a move.
type sideSet uint8

const (
	byReferrer sideSet = 1 << iota
	byReceiver
	// byReceiverManager lets the receiving team make the move only through
	// a manager (see ReferralManagerRoles).
	byReceiverManager
)

// referralNeed is something that must be given with a move.
type referralNeed uint8

const (
	// needContent: the referral must say everything needed to send it.
	needContent referralNeed = 1 << iota
	// needReason: a coded reason from the list for the status moved to.
	needReason
	// needOutcome: a coded outcome and a summary in words.
	needOutcome
	// needTarget: the linked referral a redirect becomes.
	needTarget
	// needNote: words saying why.
	needNote
)

type referralMove struct {
	from, to ReferralStatus
	by       sideSet
	needs    referralNeed
	// resume marks the move off hold back to the status it was held from.
	resume bool
}

// referralMoves is the state machine. A referral on hold has no rows of its
// own: it may go back to the status it was held from (HeldFrom), or make any
// move that status could make other than going on hold again, so a team
// that asked a question can accept or decline as soon as the answer comes.
var referralMoves = []referralMove{
	{ReferralDraft, ReferralRequested, byReferrer, needContent, false},
	{ReferralDraft, ReferralCancelled, byReferrer, needReason, false},

	{ReferralRequested, ReferralReceived, byReceiver, 0, false},
	{ReferralRequested, ReferralAccepted, byReceiver, 0, false},
	{ReferralRequested, ReferralRejected, byReceiver, needReason, false},
	{ReferralRequested, ReferralRedirected, byReceiver, needTarget, false},
	{ReferralRequested, ReferralOnHold, byReceiver, needReason, false},
	{ReferralRequested, ReferralCancelled, byReferrer, needReason, false},
	{ReferralRequested, ReferralEnteredInError, byReferrer | byReceiverManager, needNote, false},

	{ReferralReceived, ReferralAccepted, byReceiver, 0, false},
	{ReferralReceived, ReferralRejected, byReceiver, needReason, false},
	{ReferralReceived, ReferralRedirected, byReceiver, needTarget, false},
	{ReferralReceived, ReferralOnHold, byReceiver, needReason, false},
	{ReferralReceived, ReferralCancelled, byReferrer, needReason, false},
	{ReferralReceived, ReferralEnteredInError, byReferrer | byReceiverManager, needNote, false},

	{ReferralAccepted, ReferralInProgress, byReceiver, 0, false},
	{ReferralAccepted, ReferralCompleted, byReceiver, needOutcome, false},
	{ReferralAccepted, ReferralOnHold, byReceiver, needReason, false},
	{ReferralAccepted, ReferralFailed, byReceiver, needReason, false},
	{ReferralAccepted, ReferralCancelled, byReferrer, needReason, false},
	{ReferralAccepted, ReferralEnteredInError, byReferrer | byReceiverManager, needNote, false},

	{ReferralInProgress, ReferralCompleted, byReceiver, needOutcome, false},
	{ReferralInProgress, ReferralOnHold, byReceiver, needReason, false},
	{ReferralInProgress, ReferralFailed, byReceiver, needReason, false},
	{ReferralInProgress, ReferralCancelled, byReferrer, needReason, false},
	{ReferralInProgress, ReferralEnteredInError, byReferrer | byReceiverManager, needNote, false},

	// A closed referral stays closed; the only way out is to say it should
	// never have existed.
	{ReferralCompleted, ReferralEnteredInError, byReferrer | byReceiverManager, needNote, false},
	{ReferralRejected, ReferralEnteredInError, byReferrer | byReceiverManager, needNote, false},
	{ReferralRedirected, ReferralEnteredInError, byReferrer | byReceiverManager, needNote, false},
	{ReferralCancelled, ReferralEnteredInError, byReferrer | byReceiverManager, needNote, false},
	{ReferralFailed, ReferralEnteredInError, byReferrer | byReceiverManager, needNote, false},
}

// heldFromStatuses are the statuses a referral can be put on hold from, as
// HeldFrom records them. A hold straight from "requested" is recorded as
// held from "received": asking the referrer a question acknowledges the
// referral.
var heldFromStatuses = []ReferralStatus{ReferralReceived, ReferralAccepted, ReferralInProgress}

// moveTo finds the move from r's status to to.
func (r ReferralTask) moveTo(to ReferralStatus) (referralMove, bool) {
	from := r.Status
	if from == ReferralOnHold {
		if !slices.Contains(heldFromStatuses, r.HeldFrom) || to == ReferralOnHold {
			return referralMove{}, false
		}
		if to == r.HeldFrom {
			return referralMove{from: ReferralOnHold, to: to, by: byReceiver, resume: true}, true
		}
		from = r.HeldFrom
	}
	for _, m := range referralMoves {
		if m.from == from && m.to == to {
			m.from = r.Status
			return m, true
		}
	}
	return referralMove{}, false
}

// ReferralRule is one row of the state machine, for documentation, tests and
// pages that explain what can happen next.
type ReferralRule struct {
	From ReferralStatus
	// HeldFrom, for a move from on-hold, is the status the referral was put
	// on hold from; the moves from on-hold depend on it.
	HeldFrom ReferralStatus
	To       ReferralStatus
	// Referrer and Receiver say which sides may make the move; when
	// ReceiverManagerOnly is set, only a manager of the receiving team may.
	Referrer            bool
	Receiver            bool
	ReceiverManagerOnly bool
	// Needs names the fields that must be given: "content" (the whole
	// referral, to send it), "reason", "outcome", "note", "target".
	Needs []string
	// Resume marks the move off hold back to where it was.
	Resume bool
}

// ReferralRules returns the whole state machine, the moves from on-hold
// listed once for each status a referral can be held from.
func ReferralRules() []ReferralRule {
	var rules []ReferralRule
	for _, from := range ReferralStatuses {
		helds := []ReferralStatus{""}
		if from == ReferralOnHold {
			helds = heldFromStatuses
		}
		for _, held := range helds {
			r := ReferralTask{Status: from, HeldFrom: held}
			for _, to := range ReferralStatuses {
				m, ok := r.moveTo(to)
				if !ok {
					continue
				}
				rules = append(rules, ReferralRule{
					From: from, HeldFrom: held, To: to,
					Referrer:            m.by&byReferrer != 0,
					Receiver:            m.by&(byReceiver|byReceiverManager) != 0,
					ReceiverManagerOnly: m.by&byReceiverManager != 0,
					Needs:               m.needs.names(),
					Resume:              m.resume,
				})
			}
		}
	}
	return rules
}

func (n referralNeed) names() []string {
	var out []string
	for _, x := range []struct {
		need referralNeed
		name string
	}{{needContent, "content"}, {needReason, "reason"}, {needOutcome, "outcome"}, {needNote, "note"}, {needTarget, "target"}} {
		if n&x.need != 0 {
			out = append(out, x.name)
		}
	}
	return out
}

// ReferralChange is what someone asks for when they move a referral on:
// the status it should reach, and whatever must go with it.
type ReferralChange struct {
	To ReferralStatus
	// Reason is a code from ReferralReasons(To): required when declining,
	// cancelling, putting on hold or closing as unable to complete, optional
	// when redirecting, ignored otherwise.
	Reason string
	// Note is the why in words; the question when putting on hold for
	// information, and the outcome summary when completing.
	Note string
	// Alternative is where the person could go instead, when declining.
	Alternative string
	// Outcome is required when completing.
	Outcome ReferralOutcome
	// Target is the linked referral a redirect becomes; see Redirect.
	Target ReferralLink
	// At is when the change happens. A time earlier than the referral's
	// latest change is taken as that time, so a referral's history never
	// runs backwards whatever the clocks of the machines recording it say.
	At time.Time
}

// ReferralTransition is the record of one change to a referral: from what,
// to what, who, when and why. It is what the history, the person's timeline
// and the audit trail show, and ReplayReferral rebuilds a referral from them.
type ReferralTransition struct {
	ReferralID string
	From, To   ReferralStatus
	At         time.Time
	Side       ReferralSide

	ActorUserID string
	ActorName   string
	ActorTeamID string
	ActorRole   Role
	System      bool

	Reason      string
	Note        string
	Alternative string
	Outcome     ReferralOutcome
	Target      ReferralLink

	// Resumed marks a move off hold back to the status it was held from.
	Resumed bool
	// Assignment marks a change of who holds the referral rather than of
	// its status; AssignedTo is the new holder, "" when released.
	Assignment bool
	AssignedTo string
}

// Headline is the change in a few words, for a timeline: "Declined",
// "Taken off hold", "Assigned".
func (t ReferralTransition) Headline() string {
	switch {
	case t.Assignment && t.AssignedTo == "":
		return "Unassigned"
	case t.Assignment:
		return "Assigned"
	case t.Resumed:
		return "Taken off hold"
	}
	switch t.To {
	case ReferralRequested:
		return "Sent"
	case ReferralOnHold:
		return "Put on hold"
	case ReferralInProgress:
		return "Work started"
	case ReferralFailed:
		return "Closed as unable to complete"
	case ReferralEnteredInError:
		return "Marked as entered in error"
	}
	return t.To.Label()
}

// ReasonLabel is the coded reason or outcome given with the change, as
// people read it, or "" if none was given.
func (t ReferralTransition) ReasonLabel() string {
	switch {
	case t.Outcome != "":
		return t.Outcome.Label()
	case t.Reason != "":
		return ReasonLabel(t.To, t.Reason)
	}
	return ""
}

// change returns the request that made this transition, to replay it.
func (t ReferralTransition) change() ReferralChange {
	return ReferralChange{To: t.To, Reason: t.Reason, Note: t.Note, Alternative: t.Alternative,
		Outcome: t.Outcome, Target: t.Target, At: t.At}
}

// Transition moves the referral to c.To on behalf of the actor acting for
// side. It returns the changed referral and the record of the change, or
// leaves r as it was and returns a domain error:
//
//   - KindUnauthenticated for nobody signed in; KindForbidden when the
//     actor cannot act for side, or side may not make this move ("Only the
//     team this referral was sent to can accept this referral.");
//   - KindConflict when the referral is already in c.To ("This referral has
//     already been accepted."), which is what the slower of two people
//     accepting at once sees;
//   - KindInvalid when the move is not in the table ("This referral has
//     already been accepted, so it can’t be declined."), or with field
//     errors when something the move needs was not given;
//   - KindInternal for a caller's mistake: no time, or an unknown side.
//
// Transition is pure: the store applies it inside the transaction that
// reads and writes the referral, and saves the record in the same one.
func (r ReferralTask) Transition(a Actor, side ReferralSide, c ReferralChange) (ReferralTask, ReferralTransition, error) {
	if c.At.IsZero() {
		return r, ReferralTransition{}, Internal(fmt.Errorf("referral %s: change without a time", r.ID))
	}
	if err := r.checkActor(a, side); err != nil {
		return r, ReferralTransition{}, err
	}
	m, ok := r.moveTo(c.To)
	if !ok {
		return r, ReferralTransition{}, r.refusal(c.To)
	}
	if err := checkSide(m, a, side); err != nil {
		return r, ReferralTransition{}, err
	}
	c, err := r.checkChange(m, c)
	if err != nil {
		return r, ReferralTransition{}, err
	}
	next := r.apply(m, c)
	rec := ReferralTransition{
		ReferralID: r.ID, From: r.Status, To: next.Status, At: next.UpdatedAt, Side: side,
		ActorUserID: a.UserID, ActorName: a.Name, ActorTeamID: a.Acting.TeamID, ActorRole: a.Role(),
		System: a.System, Reason: c.Reason, Note: c.Note, Alternative: c.Alternative,
		Outcome: c.Outcome, Target: c.Target, Resumed: m.resume,
	}
	return next, rec, nil
}

// Moves returns the statuses the actor, acting for side, may move the
// referral to now, in lifecycle order: the buttons a page offers. What must
// be given with each move is checked only when it is made.
func (r ReferralTask) Moves(a Actor, side ReferralSide) []ReferralStatus {
	if r.checkActor(a, side) != nil {
		return nil
	}
	var out []ReferralStatus
	for _, to := range ReferralStatuses {
		if m, ok := r.moveTo(to); ok && checkSide(m, a, side) == nil {
			out = append(out, to)
		}
	}
	return out
}

func (r ReferralTask) checkActor(a Actor, side ReferralSide) error {
	switch {
	case !side.Valid():
		return Internal(fmt.Errorf("referral %s: unknown side %q", r.ID, side))
	case !a.System && !a.SignedIn():
		return Errorf(KindUnauthenticated, "Sign in to work on referrals")
	case r.CanActFor(a, side):
		return nil
	case side == ReferrerSide:
		return Errorf(KindForbidden, "Only the person who made this referral, or their team, can do this")
	default:
		return Errorf(KindForbidden, "Only the team this referral was sent to can do this")
	}
}

func checkSide(m referralMove, a Actor, side ReferralSide) error {
	do := referralStatusTexts[m.to].do
	if m.resume {
		do = "take this referral off hold"
	}
	switch side {
	case ReferrerSide:
		if m.by&byReferrer != 0 {
			return nil
		}
		return Errorf(KindForbidden, "Only the team this referral was sent to can %s.", do)
	case ReceiverSide:
		if m.by&byReceiver != 0 {
			return nil
		}
		if m.by&byReceiverManager != 0 {
			if a.System || slices.Contains(ReferralManagerRoles, a.Role()) {
				return nil
			}
			return Errorf(KindForbidden, "Only a manager of the team this referral was sent to can %s.", do)
		}
		return Errorf(KindForbidden, "Only the person who made this referral, or their team, can %s.", do)
	}
	return Internal(fmt.Errorf("unknown side %q", side))
}

// refusal explains why the referral cannot move to to.
func (r ReferralTask) refusal(to ReferralStatus) error {
	if !to.Valid() {
		return Errorf(KindInvalid, "%q is not a referral status", string(to))
	}
	from := r.Status
	if to == from {
		return Errorf(KindConflict, "This referral %s.", referralStatusTexts[to].already)
	}
	text, ok := referralStatusTexts[from]
	switch {
	case !ok:
		return Internal(fmt.Errorf("referral %s has unknown status %q", r.ID, from))
	case from.Terminal():
		return Errorf(KindInvalid, "This referral %s, so it can no longer be changed.", text.state)
	case to == ReferralDraft:
		return Errorf(KindInvalid, "This referral has been sent, so it can’t go back to being a draft.")
	case to == ReferralRequested:
		return Errorf(KindInvalid, "This referral has already been sent.")
	case from == ReferralOnHold:
		if held, ok := referralStatusTexts[r.HeldFrom]; ok {
			text = held
		}
	}
	return Errorf(KindInvalid, "This referral %s, so it can’t be %s.", text.state, referralStatusTexts[to].done)
}

// checkChange checks that c gives what m needs, and returns it tidied: free
// text trimmed, and anything the move does not use dropped, so the record
// holds only what mattered.
func (r ReferralTask) checkChange(m referralMove, c ReferralChange) (ReferralChange, error) {
	if m.needs&needContent != 0 {
		if err := r.ValidateForSending(); err != nil {
			return c, err
		}
	}
	out := ReferralChange{To: m.to, Note: strings.TrimSpace(c.Note), At: c.At}
	var errs FieldErrors
	list := reasonsFor(m.to)
	var reason ReferralReason
	switch {
	case m.needs&needOutcome != 0:
		o, ok := findReason(list, string(c.Outcome))
		if !ok {
			errs.Add("outcome", "Choose the outcome")
		}
		reason, out.Outcome = o, c.Outcome
	case m.needs&needReason != 0 || (m.to == ReferralRedirected && c.Reason != ""):
		rr, ok := findReason(list, c.Reason)
		if !ok {
			errs.Add("reason", reasonPrompt(m.to))
		}
		reason, out.Reason = rr, c.Reason
	}
	if m.to == ReferralRejected {
		out.Alternative = strings.TrimSpace(c.Alternative)
		if reason.NeedsAlternative && out.Alternative == "" {
			errs.Add("alternative", "Suggest where the person could be referred instead")
		} else if utf8.RuneCountInString(out.Alternative) > referralShortText {
			errs.Add("alternative", "Where they could be referred instead must be "+referralThousands(referralShortText)+" characters or fewer")
		}
	}
	if m.needs&needTarget != 0 {
		out.Target = c.Target
		switch {
		case c.Target.ServiceID == "" || c.Target.TeamID == "":
			errs.Add("target", "Choose the service to redirect this referral to")
		case c.Target.ServiceID == r.ServiceID:
			errs.Add("target", "Choose a different service from the one this referral was sent to")
		case c.Target.ReferralID == "" || c.Target.ReferralID == r.ID:
			return c, Internal(fmt.Errorf("referral %s: redirect without a new referral id", r.ID))
		}
	}
	switch {
	case out.Note == "" && (reason.NeedsNote || m.needs&needNote != 0):
		errs.Add("note", notePrompt(m.to, out.Reason))
	case utf8.RuneCountInString(out.Note) > referralLongText:
		errs.Add("note", "The note must be "+referralThousands(referralLongText)+" characters or fewer")
	}
	return out, errs.Err()
}

func reasonPrompt(to ReferralStatus) string {
	switch to {
	case ReferralRejected:
		return "Choose why you are declining this referral"
	case ReferralRedirected:
		return "Choose why you are redirecting this referral"
	case ReferralCancelled:
		return "Choose why you are cancelling this referral"
	case ReferralOnHold:
		return "Choose why you are putting this referral on hold"
	case ReferralFailed:
		return "Choose why this referral could not be completed"
	}
	return "Choose a reason"
}

func notePrompt(to ReferralStatus, reason string) string {
	switch {
	case to == ReferralCompleted:
		return "Summarise the outcome for the referrer"
	case to == ReferralEnteredInError:
		return "Say why this referral was entered in error"
	case to == ReferralOnHold && reason == string(HoldInformationRequested):
		return "Say what information you need from the referrer"
	}
	return "Give the reason in your own words"
}

// apply makes the move. It never changes r: the holds are copied before the
// last one is closed, so a referral value can be shared safely.
func (r ReferralTask) apply(m referralMove, c ReferralChange) ReferralTask {
	at := c.At
	if at.Before(r.UpdatedAt) {
		at = r.UpdatedAt
	}
	n := r
	n.Holds = slices.Clone(r.Holds)
	n.Status, n.UpdatedAt = m.to, at
	n.StatusReason, n.StatusNote = c.Reason, c.Note
	if r.Status == ReferralOnHold {
		if last := len(n.Holds) - 1; last >= 0 && n.Holds[last].To.IsZero() {
			n.Holds[last].To = at
		}
		n.HeldFrom = ""
	}
	switch m.to {
	case ReferralRequested:
		n.SentAt = at
	case ReferralOnHold:
		n.HeldFrom = r.Status
		if r.Status == ReferralRequested {
			n.HeldFrom = ReferralReceived
		}
		n.Holds = append(n.Holds, ReferralHold{From: at, BeforeDecision: r.Decision == ""})
	case ReferralRejected:
		n.Alternative = c.Alternative
	case ReferralRedirected:
		n.RedirectedTo = c.Target
	case ReferralCompleted:
		n.Outcome, n.OutcomeSummary = c.Outcome, c.Note
		n.StatusReason, n.StatusNote = "", ""
	}
	// Any answer from the receiving team acknowledges the referral; only the
	// referrer withdrawing it, or its being voided, does not.
	if r.Status == ReferralRequested && m.to != ReferralCancelled && m.to != ReferralEnteredInError {
		n.AcknowledgedAt = at
	}
	switch m.to {
	case ReferralAccepted, ReferralRejected, ReferralRedirected:
		if n.Decision == "" {
			n.Decision, n.DecidedAt = m.to, at
		}
	}
	if m.to.Terminal() && n.ClosedAt.IsZero() {
		n.ClosedAt = at
	}
	return n
}

// Assign gives the referral to userID in the receiving team, or releases it
// when userID is "". Anyone in the receiving team may take an unassigned
// referral for themselves, and the holder may release it; giving it to
// someone else, or taking it from them, is for a manager. The caller checks
// that userID is a member of the receiving team.
func (r ReferralTask) Assign(a Actor, userID string, at time.Time) (ReferralTask, ReferralTransition, error) {
	if at.IsZero() {
		return r, ReferralTransition{}, Internal(fmt.Errorf("referral %s: assignment without a time", r.ID))
	}
	if err := r.checkActor(a, ReceiverSide); err != nil {
		return r, ReferralTransition{}, err
	}
	if !r.Status.Open() {
		text := referralStatusTexts[r.Status]
		return r, ReferralTransition{}, Errorf(KindInvalid, "This referral %s, so it can’t be assigned.", text.state)
	}
	if userID == r.AssignedTo {
		if userID == "" {
			return r, ReferralTransition{}, Errorf(KindConflict, "This referral is not assigned to anyone.")
		}
		return r, ReferralTransition{}, Errorf(KindConflict, "This referral is already assigned to that person.")
	}
	manager := a.System || slices.Contains(ReferralManagerRoles, a.Role())
	taking := userID == a.UserID && r.AssignedTo == ""
	releasing := userID == "" && r.AssignedTo == a.UserID
	if !manager && !taking && !releasing {
		if r.AssignedTo != "" {
			return r, ReferralTransition{}, Errorf(KindForbidden, "Only a team manager can reassign a referral that someone else holds.")
		}
		return r, ReferralTransition{}, Errorf(KindForbidden, "Only a team manager can assign a referral to someone else.")
	}
	n := r.assigned(userID, at)
	return n, ReferralTransition{
		ReferralID: r.ID, From: r.Status, To: r.Status, At: n.UpdatedAt, Side: ReceiverSide,
		ActorUserID: a.UserID, ActorName: a.Name, ActorTeamID: a.Acting.TeamID, ActorRole: a.Role(),
		System: a.System, Assignment: true, AssignedTo: userID,
	}, nil
}

func (r ReferralTask) assigned(userID string, at time.Time) ReferralTask {
	if at.Before(r.UpdatedAt) {
		at = r.UpdatedAt
	}
	r.AssignedTo, r.UpdatedAt = userID, at
	return r
}

// ReferralRedirect is the result of redirecting a referral: the original,
// closed and pointing at where it went, and the new linked referral, each
// with the record of its change.
type ReferralRedirect struct {
	Original       ReferralTask
	OriginalChange ReferralTransition
	Next           ReferralTask
	NextChange     ReferralTransition
}

// Redirect forwards the referral to another service, the way the NHS
// Booking and Referral Standard re-refers: the original is closed as
// redirected, with its RedirectedTo naming the new referral, and a new
// referral is sent to c.Target in the same moment, with RedirectedFrom
// naming the original. The new referral keeps the original referrer and
// everything the referral said, so the outcome still comes back to the
// person who asked, and its response targets start from the redirect.
// c.Target.ReferralID is the id the caller has chosen for the new referral.
// The store saves both referrals and both records in one transaction.
func (r ReferralTask) Redirect(a Actor, c ReferralChange) (ReferralRedirect, error) {
	c.To = ReferralRedirected
	orig, origRec, err := r.Transition(a, ReceiverSide, c)
	if err != nil {
		return ReferralRedirect{}, err
	}
	at := orig.UpdatedAt
	next := ReferralTask{
		ID:             c.Target.ReferralID,
		PersonID:       r.PersonID,
		NeedCode:       r.NeedCode,
		Wants:          r.Wants,
		Urgency:        r.Urgency,
		LegalBasis:     r.LegalBasis,
		Justification:  r.Justification,
		Contact:        r.Contact,
		AccessNeeds:    r.AccessNeeds,
		ReferrerUserID: r.ReferrerUserID,
		FromTeamID:     r.FromTeamID,
		FromOrgID:      r.FromOrgID,
		ServiceID:      c.Target.ServiceID,
		ToTeamID:       c.Target.TeamID,
		ToOrgID:        c.Target.OrgID,
		Status:         ReferralRequested,
		RedirectedFrom: r.ID,
		CreatedAt:      at,
		SentAt:         at,
		UpdatedAt:      at,
	}
	// The redirecting team sends the new referral on the referrer's behalf.
	nextRec := ReferralTransition{
		ReferralID: next.ID, From: ReferralDraft, To: ReferralRequested, At: at, Side: ReferrerSide,
		ActorUserID: a.UserID, ActorName: a.Name, ActorTeamID: a.Acting.TeamID, ActorRole: a.Role(),
		System: a.System,
	}
	return ReferralRedirect{Original: orig, OriginalChange: origRec, Next: next, NextChange: nextRec}, nil
}

// ReplayReferral rebuilds a referral's workflow by applying its history, in
// order, to the draft it started as. Each step must be a legal move with
// what that move needs, but who made it is not checked again: people change
// teams, and the history is what happened. It is how the history is proven
// to explain the referral's current state.
func ReplayReferral(start ReferralTask, history []ReferralTransition) (ReferralTask, error) {
	r := start
	for i, t := range history {
		if t.From != r.Status {
			return r, Internal(fmt.Errorf("referral %s history step %d: from %s but the referral is %s", r.ID, i, t.From, r.Status))
		}
		if t.Assignment {
			r = r.assigned(t.AssignedTo, t.At)
			continue
		}
		m, ok := r.moveTo(t.To)
		if !ok {
			return r, Internal(fmt.Errorf("referral %s history step %d: no move from %s to %s", r.ID, i, r.Status, t.To))
		}
		c, err := r.checkChange(m, t.change())
		if err != nil {
			return r, Internal(fmt.Errorf("referral %s history step %d: %w", r.ID, i, err))
		}
		r = r.apply(m, c)
	}
	return r, nil
}

// RecordMissingInfo records the receiving team's feedback on what the
// referral should have said, replacing any given before. Categories are
// kept once each, in the order the feedback form lists them.
func (r ReferralTask) RecordMissingInfo(a Actor, cats []ReferralMissingInfo) (ReferralTask, error) {
	if err := r.checkActor(a, ReceiverSide); err != nil {
		return r, err
	}
	if r.Status == ReferralDraft || r.Status == ReferralEnteredInError {
		return r, Errorf(KindInvalid, "Feedback can only be given on a referral that was sent.")
	}
	for _, c := range cats {
		if !c.Valid() {
			var errs FieldErrors
			errs.Add("missing", "Choose from the list what the referral was missing")
			return r, errs.Err()
		}
	}
	var out []ReferralMissingInfo
	for _, c := range missingInfoCategories {
		if slices.Contains(cats, ReferralMissingInfo(c.Code)) {
			out = append(out, ReferralMissingInfo(c.Code))
		}
	}
	r.MissingInfo = out
	return r, nil
}

// Consistent reports the first way in which the referral's workflow fields
// contradict each other, or nil. Every referral Transition, Assign and
// Redirect return is consistent; the store can check what it loads.
func (r ReferralTask) Consistent() error {
	bad := func(format string, args ...any) error {
		return Internal(fmt.Errorf("referral %s: "+format, append([]any{r.ID}, args...)...))
	}
	s := r.Status
	if !s.Valid() {
		return bad("unknown status %q", s)
	}
	acknowledged := s != ReferralDraft && s != ReferralRequested && s != ReferralCancelled && s != ReferralEnteredInError
	switch {
	case s == ReferralDraft && !r.SentAt.IsZero():
		return bad("a draft with a sent time")
	case r.SentAt.IsZero() && s != ReferralDraft && s != ReferralCancelled && s != ReferralEnteredInError:
		return bad("%s but never sent", s)
	case acknowledged && r.AcknowledgedAt.IsZero():
		return bad("%s but never acknowledged", s)
	case (s == ReferralDraft || s == ReferralRequested) && !r.AcknowledgedAt.IsZero():
		return bad("%s but acknowledged", s)
	case (r.Decision == "") != r.DecidedAt.IsZero():
		return bad("decision %q at %v", r.Decision, r.DecidedAt)
	case r.Decision != "" && r.Decision != ReferralAccepted && r.Decision != ReferralRejected && r.Decision != ReferralRedirected:
		return bad("decision %q", r.Decision)
	case s.Terminal() != !r.ClosedAt.IsZero():
		return bad("%s with closed time %v", s, r.ClosedAt)
	case (s == ReferralOnHold) != (r.HeldFrom != ""):
		return bad("%s held from %q", s, r.HeldFrom)
	case s == ReferralOnHold && !slices.Contains(heldFromStatuses, r.HeldFrom):
		return bad("held from %s", r.HeldFrom)
	}
	decided := map[ReferralStatus]ReferralStatus{
		ReferralAccepted: ReferralAccepted, ReferralInProgress: ReferralAccepted,
		ReferralCompleted: ReferralAccepted, ReferralFailed: ReferralAccepted,
		ReferralRejected: ReferralRejected, ReferralRedirected: ReferralRedirected,
		ReferralDraft: "", ReferralRequested: "", ReferralReceived: "",
	}
	if s == ReferralOnHold {
		decided[s] = decided[r.HeldFrom]
	}
	if want, ok := decided[s]; ok && r.Decision != want {
		return bad("%s with decision %q", s, r.Decision)
	}
	for i, h := range r.Holds {
		open := h.To.IsZero()
		last := i == len(r.Holds)-1
		if open && !(last && s == ReferralOnHold) || !open && last && s == ReferralOnHold {
			return bad("hold %d open %v while %s", i, open, s)
		}
	}
	if s == ReferralOnHold && len(r.Holds) == 0 {
		return bad("on hold with no hold recorded")
	}
	needReasonFrom := map[ReferralStatus][]ReferralReason{
		ReferralRejected: rejectReasons, ReferralCancelled: cancelReasons,
		ReferralOnHold: holdReasons, ReferralFailed: failReasons,
	}
	if list, ok := needReasonFrom[s]; ok {
		if _, ok := findReason(list, r.StatusReason); !ok {
			return bad("%s with reason %q", s, r.StatusReason)
		}
	}
	switch {
	case s == ReferralCompleted && (!r.Outcome.Valid() || r.OutcomeSummary == ""):
		return bad("completed without an outcome")
	case s == ReferralRedirected && (r.RedirectedTo.ReferralID == "" || r.RedirectedTo.ServiceID == ""):
		return bad("redirected without a target")
	case s == ReferralEnteredInError && r.StatusNote == "":
		return bad("entered in error without a note")
	}
	// The times a referral passes through never run backwards.
	times := []time.Time{r.CreatedAt, r.SentAt, r.AcknowledgedAt, r.DecidedAt, r.ClosedAt, r.UpdatedAt}
	var prev time.Time
	for _, t := range times {
		if t.IsZero() {
			continue
		}
		if t.Before(prev) {
			return bad("times out of order: %v", times)
		}
		prev = t
	}
	return nil
}
