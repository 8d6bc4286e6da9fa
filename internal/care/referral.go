package care

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// This file holds the referral itself: what it says, who sent it where, and
// the vocabulary its life is described in. The state machine is in
// referral_transition.go, response targets in referral_targets.go, loop
// closure and response figures in referral_figures.go, and the coded reasons
// in referral_codes.go.
//
// The referral type is called ReferralTask rather than Referral because
// Service.Referral already names how a directory service takes referrals,
// and because the workflow it carries is the one FHIR models as a Task.

// ReferralStatus is where a referral is in its life. The codes are the FHIR
// Task status codes of the HL7 Gravity SDOH Clinical Care guide, plus
// "redirected" for a referral forwarded to another service. Codes are stored
// and published, so they never change; what people see is Label.
type ReferralStatus string

const (
	ReferralDraft          ReferralStatus = "draft"
	ReferralRequested      ReferralStatus = "requested"
	ReferralReceived       ReferralStatus = "received"
	ReferralAccepted       ReferralStatus = "accepted"
	ReferralRejected       ReferralStatus = "rejected"
	ReferralRedirected     ReferralStatus = "redirected"
	ReferralOnHold         ReferralStatus = "on-hold"
	ReferralInProgress     ReferralStatus = "in-progress"
	ReferralCompleted      ReferralStatus = "completed"
	ReferralCancelled      ReferralStatus = "cancelled"
	ReferralFailed         ReferralStatus = "failed"
	ReferralEnteredInError ReferralStatus = "entered-in-error"
)

// ReferralStatuses lists every status in the order a referral usually meets
// them, which is the order filters and figures show them in.
var ReferralStatuses = []ReferralStatus{
	ReferralDraft, ReferralRequested, ReferralReceived, ReferralOnHold,
	ReferralAccepted, ReferralInProgress, ReferralCompleted,
	ReferralRejected, ReferralRedirected, ReferralCancelled, ReferralFailed,
	ReferralEnteredInError,
}

// referralStatusText is how one status is named and described. The phrases
// are written to complete the sentences the state machine refuses with, such
// as "This referral has already been accepted, so it can't be declined."
type referralStatusText struct {
	label    string // the status as people see it
	incoming string // the label in the receiving team's queue, when different
	tag      string // NHS.UK tag modifier
	state    string // completes "This referral ..." when a move from it is refused
	already  string // completes "This referral ..." when it is asked to become it again
	done     string // completes "... so it can't be ..." (past participle)
	do       string // completes "Only ... can ..." (infinitive)
	task     string // FHIR Task.status
}

var referralStatusTexts = map[ReferralStatus]referralStatusText{
	ReferralDraft: {label: "Draft", tag: "nhsuk-tag--grey",
		state: "has not been sent yet", already: "is already a draft",
		done: "made a draft again", do: "make this referral a draft again", task: "draft"},
	ReferralRequested: {label: "Sent", incoming: "New", tag: "nhsuk-tag--blue",
		state: "has not been accepted yet", already: "has already been sent",
		done: "sent", do: "send this referral", task: "requested"},
	ReferralReceived: {label: "Acknowledged", tag: "nhsuk-tag--aqua-green",
		state: "has not been accepted yet", already: "has already been acknowledged",
		done: "acknowledged", do: "acknowledge this referral", task: "received"},
	ReferralOnHold: {label: "On hold", tag: "nhsuk-tag--yellow",
		state: "is on hold", already: "is already on hold",
		done: "put on hold", do: "put this referral on hold", task: "on-hold"},
	ReferralAccepted: {label: "Accepted", tag: "nhsuk-tag--green",
		state: "has already been accepted", already: "has already been accepted",
		done: "accepted", do: "accept this referral", task: "accepted"},
	ReferralInProgress: {label: "In progress", tag: "nhsuk-tag--purple",
		state: "is already in progress", already: "is already in progress",
		done: "started", do: "start work on this referral", task: "in-progress"},
	ReferralCompleted: {label: "Completed", tag: "nhsuk-tag--white",
		state: "has been completed", already: "has already been completed",
		done: "completed", do: "complete this referral", task: "completed"},
	ReferralRejected: {label: "Declined", tag: "nhsuk-tag--red",
		state: "has been declined", already: "has already been declined",
		done: "declined", do: "decline this referral", task: "rejected"},
	// A redirect is the receiving team declining the work and forwarding it
	// in one step, so FHIR sees the original Task as rejected; the new linked
	// referral is its own Task, whose request replaces the original's.
	ReferralRedirected: {label: "Redirected", tag: "nhsuk-tag--orange",
		state: "has been redirected to another service", already: "has already been redirected",
		done: "redirected", do: "redirect this referral", task: "rejected"},
	ReferralCancelled: {label: "Cancelled", tag: "nhsuk-tag--grey",
		state: "has been cancelled", already: "has already been cancelled",
		done: "cancelled", do: "cancel this referral", task: "cancelled"},
	ReferralFailed: {label: "Unable to complete", tag: "nhsuk-tag--red",
		state: "has been closed as unable to complete", already: "has already been closed as unable to complete",
		done: "closed as unable to complete", do: "close this referral as unable to complete", task: "failed"},
	ReferralEnteredInError: {label: "Entered in error", tag: "nhsuk-tag--grey",
		state: "has been marked as entered in error", already: "has already been marked as entered in error",
		done: "marked as entered in error", do: "mark this referral as entered in error", task: "entered-in-error"},
}

// Valid reports whether s is a known status.
func (s ReferralStatus) Valid() bool { _, ok := referralStatusTexts[s]; return ok }

// Label is the status as the referrer sees it, such as "Sent".
func (s ReferralStatus) Label() string {
	if t, ok := referralStatusTexts[s]; ok {
		return t.label
	}
	return string(s)
}

// LabelFor is the status as one side sees it: a referral the referrer calls
// "Sent" is "New" in the receiving team's queue.
func (s ReferralStatus) LabelFor(side ReferralSide) string {
	if t, ok := referralStatusTexts[s]; ok && side == ReceiverSide && t.incoming != "" {
		return t.incoming
	}
	return s.Label()
}

// TagClass is the NHS.UK tag modifier for the status's badge.
func (s ReferralStatus) TagClass() string { return referralStatusTexts[s].tag }

// FHIRTaskStatus is the FHIR Task.status code the status maps to at the edge.
// Every status maps to itself except redirected, which FHIR sees as rejected
// with a status reason of "redirected" and an output naming the new referral.
func (s ReferralStatus) FHIRTaskStatus() string { return referralStatusTexts[s].task }

// Terminal reports whether the referral can no longer change, except to be
// marked as entered in error.
func (s ReferralStatus) Terminal() bool {
	switch s {
	case ReferralCompleted, ReferralRejected, ReferralRedirected, ReferralCancelled,
		ReferralFailed, ReferralEnteredInError:
		return true
	}
	return false
}

// Open reports whether the referral has been sent and is still being dealt
// with. An open referral gives the receiving team a legitimate relationship
// with the person.
func (s ReferralStatus) Open() bool {
	switch s {
	case ReferralRequested, ReferralReceived, ReferralAccepted, ReferralInProgress, ReferralOnHold:
		return true
	}
	return false
}

// String implements fmt.Stringer.
func (s ReferralStatus) String() string { return string(s) }

// ReferralSide is which end of a referral someone acts for: the referrer,
// who sent it and gets the outcome back, or the receiving team.
type ReferralSide string

const (
	ReferrerSide ReferralSide = "referrer"
	ReceiverSide ReferralSide = "receiver"
)

// Valid reports whether s is one of the two sides.
func (s ReferralSide) Valid() bool { return s == ReferrerSide || s == ReceiverSide }

// Label is the side as people say it.
func (s ReferralSide) Label() string {
	switch s {
	case ReferrerSide:
		return "Referrer"
	case ReceiverSide:
		return "Receiving team"
	}
	return string(s)
}

// ReferralUrgency is how quickly the referrer needs a response. It chooses
// which of the service's response targets apply.
type ReferralUrgency string

const (
	UrgencyRoutine ReferralUrgency = "routine"
	UrgencyUrgent  ReferralUrgency = "urgent"
	UrgencySameDay ReferralUrgency = "same-day"
)

// ReferralUrgencies lists the urgencies from least to most urgent.
var ReferralUrgencies = []ReferralUrgency{UrgencyRoutine, UrgencyUrgent, UrgencySameDay}

// Valid reports whether u is a known urgency.
func (u ReferralUrgency) Valid() bool { return slices.Contains(ReferralUrgencies, u) }

// Label is the urgency as people say it.
func (u ReferralUrgency) Label() string {
	switch u {
	case UrgencyRoutine:
		return "Routine"
	case UrgencyUrgent:
		return "Urgent"
	case UrgencySameDay:
		return "Same day"
	}
	return string(u)
}

// FHIRPriority is the FHIR request priority code the urgency maps to.
func (u ReferralUrgency) FHIRPriority() string {
	switch u {
	case UrgencyUrgent:
		return "urgent"
	case UrgencySameDay:
		return "asap"
	}
	return "routine"
}

// LegalBasis is why the referrer may share the person's information with the
// receiving service. It is recorded on every referral so the receiving team,
// and the person, can see on what grounds their information was shared.
type LegalBasis string

const (
	// LegalBasisConsent: the person has explicitly agreed to the referral.
	LegalBasisConsent LegalBasis = "consent"
	// LegalBasisBestInterests: the person lacks capacity to decide, and the
	// referral is made in their best interests under the Mental Capacity Act
	// 2005.
	LegalBasisBestInterests LegalBasis = "best-interests"
	// LegalBasisSafeguarding: information is shared without consent to
	// protect the person or others; the referrer must say why.
	LegalBasisSafeguarding LegalBasis = "safeguarding"
)

// LegalBases lists the legal bases in the order a form offers them.
var LegalBases = []LegalBasis{LegalBasisConsent, LegalBasisBestInterests, LegalBasisSafeguarding}

// Valid reports whether b is a known legal basis.
func (b LegalBasis) Valid() bool { return slices.Contains(LegalBases, b) }

// Label is the legal basis as a form offers it.
func (b LegalBasis) Label() string {
	switch b {
	case LegalBasisConsent:
		return "The person has given explicit consent"
	case LegalBasisBestInterests:
		return "In the person’s best interests (Mental Capacity Act 2005)"
	case LegalBasisSafeguarding:
		return "Safeguarding, without consent"
	}
	return string(b)
}

// NeedsJustification reports whether the basis must be explained in words:
// sharing without consent has to be justified case by case.
func (b LegalBasis) NeedsJustification() bool { return b == LegalBasisSafeguarding }

// ReferralLink points at another referral, and the service and team it went
// to: where a redirected referral was forwarded.
type ReferralLink struct {
	ReferralID string
	ServiceID  string
	TeamID     string
	OrgID      string
}

// IsZero reports whether the link points nowhere.
func (l ReferralLink) IsZero() bool { return l == ReferralLink{} }

// ReferralHold is one spell on hold. A hold before the decision stops the
// decision clock, because the team is waiting for the referrer or the
// person, not sitting on the referral.
type ReferralHold struct {
	From time.Time
	// To is when the hold ended, or zero while it lasts.
	To time.Time
	// BeforeDecision marks a hold started before the referral was accepted,
	// declined or redirected; only these pause the decision target.
	BeforeDecision bool
}

// ReferralTask is a referral: a request from one team to a service for a
// person, and the workflow that follows it until the outcome is back with
// the referrer. It is a value: every change returns a new one, with a
// ReferralTransition recording it.
type ReferralTask struct {
	ID string

	// What the referral is about.
	PersonID string
	// NeedCode is the need from the needs taxonomy (see needs.go).
	NeedCode string
	// Wants is what the person wants from the referral, in their words.
	Wants   string
	Urgency ReferralUrgency
	// LegalBasis and Justification record why the information may be shared.
	LegalBasis    LegalBasis
	Justification string
	// Contact says how to reach the person; AccessNeeds how to communicate
	// with them (an interpreter, large print, a carer present).
	Contact     string
	AccessNeeds string

	// The referring side: who made it and the team they made it for.
	ReferrerUserID string
	FromTeamID     string
	FromOrgID      string

	// The receiving side: the directory service and the team that runs it.
	ServiceID string
	ToTeamID  string
	ToOrgID   string
	// AssignedTo is the user in the receiving team who holds it, or "".
	AssignedTo string

	Status ReferralStatus
	// HeldFrom is the status an on-hold referral returns to.
	HeldFrom ReferralStatus
	// Decision is accepted, rejected or redirected once the receiving team
	// has decided, and stays so whatever happens after.
	Decision ReferralStatus
	// StatusReason is the coded reason for the current status, from the list
	// for that status (see ReferralReasons); StatusNote is the words given
	// with it, or the question asked when put on hold.
	StatusReason string
	StatusNote   string
	// Alternative is what the receiving team suggested instead when they
	// declined it.
	Alternative string
	// Outcome and OutcomeSummary are what came of a completed referral.
	Outcome        ReferralOutcome
	OutcomeSummary string
	// RedirectedTo is the linked referral a redirected one became;
	// RedirectedFrom is the referral this one was redirected from.
	RedirectedTo   ReferralLink
	RedirectedFrom string

	CreatedAt time.Time
	// SentAt starts the response targets. AcknowledgedAt is the receiving
	// team's first response of any kind, DecidedAt its decision, ClosedAt
	// the move to a terminal status, UpdatedAt the latest change.
	SentAt         time.Time
	AcknowledgedAt time.Time
	DecidedAt      time.Time
	ClosedAt       time.Time
	UpdatedAt      time.Time
	Holds          []ReferralHold

	// Escalations already sent to the team manager, once per missed target.
	AcknowledgeEscalatedAt time.Time
	DecideEscalatedAt      time.Time

	// MissingInfo is the receiving team's feedback on what the referral
	// should have said, for the service's referral quality figures.
	MissingInfo []ReferralMissingInfo

	Version int
}

// Text limits keep a referral readable on one screen and in an email-free
// notification; they are generous for what people actually write.
const (
	referralLongText  = 5000 // free text: what the person wants, notes, outcome summary
	referralShortText = 500  // one-line answers: contact, a suggested alternative
)

// referralRoles are the roles that take part in referrals. The others
// (administrators, privacy officers, analysts) oversee the system and never
// make or handle a referral themselves.
var referralRoles = []Role{
	RoleGP, RolePracticeManager, RolePracticeStaff, RoleSocialWorker, RoleTeamManager,
	RoleNurse, RoleOccupationalTherapist, RoleCareNavigator, RoleMDTCoordinator,
}

// ReferralManagerRoles are the roles that manage a team's referrals: they
// may reassign them, and overdue referrals are escalated to them.
var ReferralManagerRoles = []Role{RoleTeamManager, RolePracticeManager}

// CanRefer reports whether the actor may make referrals at all.
func CanRefer(a Actor) bool {
	return a.System || (a.SignedIn() && a.Acting.TeamID != "" && slices.Contains(referralRoles, a.Role()))
}

// StartReferral begins a draft referral made by the actor for the team they
// are acting for. The caller fills in what the referral is about and where
// it goes, then sends it with Transition.
func StartReferral(a Actor, id string, at time.Time) (ReferralTask, error) {
	if !CanRefer(a) || a.System {
		return ReferralTask{}, Errorf(KindForbidden, "You cannot make referrals in your current role")
	}
	if id == "" || at.IsZero() {
		return ReferralTask{}, Errorf(KindInternal, "A new referral needs an id and a time")
	}
	return ReferralTask{
		ID:             id,
		ReferrerUserID: a.UserID,
		FromTeamID:     a.Acting.TeamID,
		FromOrgID:      a.Acting.OrgID,
		Urgency:        UrgencyRoutine,
		Status:         ReferralDraft,
		CreatedAt:      at,
		UpdatedAt:      at,
	}, nil
}

// CanActFor reports whether the actor may act for the given side of this
// referral. The referrer side is the user who made it and anyone acting for
// the team it was made for, so a colleague can follow it up when the
// referrer is away; the receiving side is anyone acting for the team it was
// sent to. Either way the actor's current role must be one that takes part
// in referrals. The system actor acts for both.
func (r ReferralTask) CanActFor(a Actor, side ReferralSide) bool {
	if a.System {
		return side.Valid()
	}
	if !a.SignedIn() || !slices.Contains(referralRoles, a.Role()) {
		return false
	}
	switch side {
	case ReferrerSide:
		return a.UserID == r.ReferrerUserID || (r.FromTeamID != "" && a.Acting.TeamID == r.FromTeamID)
	case ReceiverSide:
		return r.ToTeamID != "" && a.Acting.TeamID == r.ToTeamID
	}
	return false
}

// SidesOf returns the sides the actor may act for, referrer first. Someone
// whose team refers to itself is on both sides, and a page must ask which.
func (r ReferralTask) SidesOf(a Actor) []ReferralSide {
	var sides []ReferralSide
	for _, s := range []ReferralSide{ReferrerSide, ReceiverSide} {
		if r.CanActFor(a, s) {
			sides = append(sides, s)
		}
	}
	return sides
}

// SideFor returns the side the actor makes the move to on: the receiving
// team for the moves only it can make, the referrer for the others. When
// the actor may not make the move at all, ok is false and side is the one
// whose refusal explains it best: the receiving side when the actor is on
// it, otherwise the referrer's.
func (r ReferralTask) SideFor(a Actor, to ReferralStatus) (side ReferralSide, ok bool) {
	for _, side := range []ReferralSide{ReceiverSide, ReferrerSide} {
		if slices.Contains(r.Moves(a, side), to) {
			return side, true
		}
	}
	if r.CanActFor(a, ReceiverSide) {
		return ReceiverSide, false
	}
	return ReferrerSide, false
}

// ValidateForSending checks that the referral says everything the receiving
// team needs before it can be sent. The field names match the referral form.
func (r ReferralTask) ValidateForSending() error {
	var errs FieldErrors
	if r.PersonID == "" {
		errs.Add("person", "Choose the person this referral is about")
	}
	if r.ServiceID == "" || r.ToTeamID == "" {
		errs.Add("service", "Choose the service to refer to")
	}
	if n, ok := NeedByCode(r.NeedCode); !ok || n.Deprecated {
		errs.Add("need", "Choose what the person needs help with")
	}
	checkReferralText(&errs, "wants", "What the person wants", r.Wants, referralLongText,
		"Say what the person wants from this referral, in their words")
	if !r.Urgency.Valid() {
		errs.Add("urgency", "Choose how urgent this referral is")
	}
	if !r.LegalBasis.Valid() {
		errs.Add("legal_basis", "Choose the legal basis for sharing the person’s information")
	}
	if r.LegalBasis.NeedsJustification() {
		checkReferralText(&errs, "justification", "The reason for sharing without consent", r.Justification, referralLongText,
			"Explain why sharing without the person’s consent is justified")
	} else if utf8.RuneCountInString(r.Justification) > referralLongText {
		errs.Add("justification", "The reason for sharing without consent must be "+referralThousands(referralLongText)+" characters or fewer")
	}
	checkReferralText(&errs, "contact", "How to contact the person", r.Contact, referralShortText,
		"Say how to contact the person")
	if utf8.RuneCountInString(r.AccessNeeds) > referralLongText {
		errs.Add("access_needs", "The access needs must be "+referralThousands(referralLongText)+" characters or fewer")
	}
	if r.ReferrerUserID == "" || r.FromTeamID == "" {
		errs.Add("referrer", "A referral must come from a person in a team")
	}
	return errs.Err()
}

// checkReferralText records a problem if s is blank or longer than max
// characters; what names the field, as checkText's does.
func checkReferralText(errs *FieldErrors, field, what, s string, max int, missing string) {
	switch {
	case strings.TrimSpace(s) == "":
		errs.Add(field, missing)
	case utf8.RuneCountInString(s) > max:
		errs.Add(field, what+" must be "+referralThousands(max)+" characters or fewer")
	}
}

// referralThousands writes n with a comma between thousands, as GOV.UK style
// writes numbers.
func referralThousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
