package care

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// The referral tests share one cast: a GP practice refers to an adult
// social work team.
var (
	refGP = Actor{UserID: "u-gp", Name: "Dr Ada", Acting: Membership{
		ID: "m-gp", TeamID: "t-practice", OrgID: "o-practice", Role: RoleGP}}
	refPracticeStaff = Actor{UserID: "u-staff", Name: "Sam", Acting: Membership{
		ID: "m-staff", TeamID: "t-practice", OrgID: "o-practice", Role: RolePracticeStaff}}
	refWorker = Actor{UserID: "u-sw", Name: "Sol", Acting: Membership{
		ID: "m-sw", TeamID: "t-adults", OrgID: "o-council", Role: RoleSocialWorker}}
	refWorker2 = Actor{UserID: "u-sw2", Name: "Kim", Acting: Membership{
		ID: "m-sw2", TeamID: "t-adults", OrgID: "o-council", Role: RoleSocialWorker}}
	refManager = Actor{UserID: "u-mgr", Name: "Mo", Acting: Membership{
		ID: "m-mgr", TeamID: "t-adults", OrgID: "o-council", Role: RoleTeamManager}}
	refAnalyst = Actor{UserID: "u-an", Name: "Ana", Acting: Membership{
		ID: "m-an", TeamID: "t-adults", OrgID: "o-council", Role: RoleAnalyst}}
	refOutsider = Actor{UserID: "u-out", Name: "Olu", Acting: Membership{
		ID: "m-out", TeamID: "t-elsewhere", OrgID: "o-council", Role: RoleSocialWorker}}
	refSystem = SystemActor("test")
)

// refT0 is a Monday morning in winter, clear of bank holidays.
var refT0 = time.Date(2025, time.February, 3, 10, 0, 0, 0, time.UTC)

// draftReferral returns a draft that says everything needed to send it.
func draftReferral(t testing.TB) ReferralTask {
	t.Helper()
	r, err := StartReferral(refGP, "r-1", refT0)
	if err != nil {
		t.Fatal(err)
	}
	r.PersonID = "p-1"
	r.NeedCode = "personal-care/washing-and-dressing"
	r.Wants = "Help getting washed and dressed in the mornings"
	r.Urgency = UrgencyRoutine
	r.LegalBasis = LegalBasisConsent
	r.Contact = "Phone the person's daughter first"
	r.ServiceID = "s-adults"
	r.ToTeamID = "t-adults"
	r.ToOrgID = "o-council"
	return r
}

func TestReferralStatusTexts(t *testing.T) {
	t.Parallel()
	fhir := []string{"draft", "requested", "received", "accepted", "rejected", "ready", "cancelled",
		"in-progress", "on-hold", "failed", "completed", "entered-in-error"}
	if len(ReferralStatuses) != 12 {
		t.Fatalf("%d statuses, want the 11 FHIR Task statuses used plus redirected", len(ReferralStatuses))
	}
	seen := map[ReferralStatus]bool{}
	for _, s := range ReferralStatuses {
		if seen[s] {
			t.Errorf("%s listed twice", s)
		}
		seen[s] = true
		text := referralStatusTexts[s]
		if !s.Valid() || s.Label() == "" || s.Label() == string(s) ||
			!strings.HasPrefix(s.TagClass(), "nhsuk-tag--") || text.state == "" || text.already == "" ||
			text.done == "" || !strings.Contains(text.do, "this referral") {
			t.Errorf("%s is missing some of its wording: %+v", s, text)
		}
		if !slices.Contains(fhir, s.FHIRTaskStatus()) {
			t.Errorf("%s maps to FHIR Task status %q", s, s.FHIRTaskStatus())
		}
		if s != ReferralRedirected && s.FHIRTaskStatus() != string(s) {
			t.Errorf("%s maps to %q, not itself", s, s.FHIRTaskStatus())
		}
		if s.Open() && s.Terminal() {
			t.Errorf("%s is both open and terminal", s)
		}
	}
	if ReferralRedirected.FHIRTaskStatus() != "rejected" {
		t.Errorf("redirected maps to %q, want rejected", ReferralRedirected.FHIRTaskStatus())
	}
	if ReferralStatus("ready").Valid() {
		t.Error("ready is not a referral status: nothing in joinedup waits between accepted and started")
	}
	for _, c := range []struct {
		s    ReferralStatus
		side ReferralSide
		want string
	}{
		{ReferralRequested, ReferrerSide, "Sent"},
		{ReferralRequested, ReceiverSide, "New"},
		{ReferralReceived, ReferrerSide, "Acknowledged"},
		{ReferralReceived, ReceiverSide, "Acknowledged"},
		{ReferralRejected, ReferrerSide, "Declined"},
		{ReferralFailed, ReceiverSide, "Unable to complete"},
	} {
		if got := c.s.LabelFor(c.side); got != c.want {
			t.Errorf("%s.LabelFor(%s) = %q, want %q", c.s, c.side, got, c.want)
		}
	}
	for _, u := range ReferralUrgencies {
		if u.Label() == string(u) || !u.Valid() {
			t.Errorf("urgency %s has no label", u)
		}
	}
	if UrgencySameDay.FHIRPriority() != "asap" || UrgencyUrgent.FHIRPriority() != "urgent" || UrgencyRoutine.FHIRPriority() != "routine" {
		t.Error("urgencies map to the wrong FHIR priorities")
	}
	for _, b := range LegalBases {
		if !b.Valid() || b.Label() == string(b) {
			t.Errorf("legal basis %s has no label", b)
		}
		if b.NeedsJustification() != (b == LegalBasisSafeguarding) {
			t.Errorf("%s.NeedsJustification() = %v", b, b.NeedsJustification())
		}
	}
	if !strings.Contains(LegalBasisBestInterests.Label(), "Mental Capacity Act") {
		t.Errorf("best interests label %q does not name the Act", LegalBasisBestInterests.Label())
	}
}

func TestReferralCodeLists(t *testing.T) {
	t.Parallel()
	lists := map[string][]ReferralReason{
		"rejected":   ReferralReasons(ReferralRejected),
		"redirected": ReferralReasons(ReferralRedirected),
		"cancelled":  ReferralReasons(ReferralCancelled),
		"on-hold":    ReferralReasons(ReferralOnHold),
		"failed":     ReferralReasons(ReferralFailed),
		"completed":  ReferralReasons(ReferralCompleted),
		"missing":    ReferralMissingInfoCategories(),
	}
	for name, list := range lists {
		if len(list) < 4 {
			t.Errorf("%s has only %d codes", name, len(list))
		}
		codes := map[string]bool{}
		for _, r := range list {
			if codes[r.Code] || r.Code == "" || r.Label == "" || strings.ToLower(r.Code) != r.Code || strings.Contains(r.Code, " ") {
				t.Errorf("%s: bad or repeated code %+v", name, r)
			}
			codes[r.Code] = true
			if r.Code == "other" && name != "missing" && !r.NeedsNote {
				t.Errorf("%s: other must come with words", name)
			}
		}
	}
	for _, s := range []ReferralStatus{ReferralDraft, ReferralRequested, ReferralReceived, ReferralAccepted, ReferralInProgress, ReferralEnteredInError} {
		if ReferralReasons(s) != nil {
			t.Errorf("%s takes no coded reason but has a list", s)
		}
	}
	// A caller changing its copy cannot change the lists.
	l := ReferralReasons(ReferralRejected)
	l[0].Label = "changed"
	if ReferralReasons(ReferralRejected)[0].Label == "changed" {
		t.Error("ReferralReasons returned the shared list")
	}
	alternative := 0
	for _, r := range ReferralReasons(ReferralRejected) {
		if r.NeedsAlternative {
			alternative++
		}
	}
	if alternative == 0 || ReferralReasons(ReferralRedirected)[0].NeedsAlternative {
		t.Error("declining must ask for an alternative for some reasons, and redirecting never")
	}
	typed := []struct {
		valid bool
		label string
	}{
		{RejectOutsideArea.Valid(), RejectOutsideArea.Label()},
		{CancelPersonMoved.Valid(), CancelPersonMoved.Label()},
		{HoldInformationRequested.Valid(), HoldInformationRequested.Label()},
		{FailUnableToContact.Valid(), FailUnableToContact.Label()},
		{OutcomeInformationAndAdvice.Valid(), OutcomeInformationAndAdvice.Label()},
		{OutcomeAssessmentArranged.Valid(), OutcomeAssessmentArranged.Label()},
		{OutcomeServiceProvided.Valid(), OutcomeServiceProvided.Label()},
		{OutcomeNoFurtherAction.Valid(), OutcomeNoFurtherAction.Label()},
		{MissingRisks.Valid(), MissingRisks.Label()},
	}
	for i, c := range typed {
		if !c.valid || c.label == "" || !strings.ContainsAny(c.label, " ") {
			t.Errorf("typed code %d: valid %v label %q", i, c.valid, c.label)
		}
	}
	if ReferralRejectReason("no-longer-needed").Valid() || ReferralOutcome("rejected").Valid() || ReferralMissingInfo("x").Valid() {
		t.Error("a code from another list is accepted")
	}
	if got := ReasonLabel(ReferralOnHold, "nonsense"); got != "nonsense" {
		t.Errorf("unknown reason label = %q", got)
	}
}

func TestStartReferral(t *testing.T) {
	t.Parallel()
	r, err := StartReferral(refGP, "r-9", refT0)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != ReferralDraft || r.ReferrerUserID != "u-gp" || r.FromTeamID != "t-practice" ||
		r.FromOrgID != "o-practice" || !r.CreatedAt.Equal(refT0) || r.Urgency != UrgencyRoutine {
		t.Errorf("draft = %+v", r)
	}
	if err := r.Consistent(); err != nil {
		t.Error(err)
	}
	for _, a := range []Actor{refAnalyst, refSystem, {}, {UserID: "u", Acting: Membership{Role: RoleGP}}} {
		if _, err := StartReferral(a, "r", refT0); !IsKind(err, KindForbidden) {
			t.Errorf("StartReferral(%+v) = %v, want forbidden", a, err)
		}
	}
}

func TestReferralSides(t *testing.T) {
	t.Parallel()
	r := draftReferral(t)
	cases := []struct {
		a    Actor
		want []ReferralSide
	}{
		{refGP, []ReferralSide{ReferrerSide}},
		{refPracticeStaff, []ReferralSide{ReferrerSide}},
		{refWorker, []ReferralSide{ReceiverSide}},
		{refManager, []ReferralSide{ReceiverSide}},
		{refAnalyst, nil},
		{refOutsider, nil},
		{Actor{}, nil},
		{refSystem, []ReferralSide{ReferrerSide, ReceiverSide}},
		// The referrer is the referrer whichever team they are acting for.
		{Actor{UserID: "u-gp", Acting: Membership{TeamID: "t-mdt", Role: RoleGP}}, []ReferralSide{ReferrerSide}},
		// Anyone acting for the referring team can follow the referral up.
		{Actor{UserID: "u-x", Acting: Membership{TeamID: "t-practice", Role: RoleGP}}, []ReferralSide{ReferrerSide}},
	}
	for _, c := range cases {
		if got := r.SidesOf(c.a); !slices.Equal(got, c.want) {
			t.Errorf("SidesOf(%s) = %v, want %v", c.a.UserID, got, c.want)
		}
	}
	self := r
	self.ToTeamID = "t-practice"
	if got := self.SidesOf(refPracticeStaff); !slices.Equal(got, []ReferralSide{ReferrerSide, ReceiverSide}) {
		t.Errorf("self-referral sides = %v", got)
	}
	if r.CanActFor(refGP, "bystander") || refSystem.System && r.CanActFor(refSystem, "") {
		t.Error("an unknown side is accepted")
	}
	if ReferrerSide.Label() != "Referrer" || ReceiverSide.Label() != "Receiving team" {
		t.Error("side labels")
	}
}

func TestValidateForSending(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 5001)
	cases := []struct {
		name  string
		edit  func(*ReferralTask)
		field string
	}{
		{"complete", func(*ReferralTask) {}, ""},
		{"no person", func(r *ReferralTask) { r.PersonID = "" }, "person"},
		{"no service", func(r *ReferralTask) { r.ServiceID = "" }, "service"},
		{"no team", func(r *ReferralTask) { r.ToTeamID = "" }, "service"},
		{"no need", func(r *ReferralTask) { r.NeedCode = "" }, "need"},
		{"unknown need", func(r *ReferralTask) { r.NeedCode = "flying" }, "need"},
		{"blank wants", func(r *ReferralTask) { r.Wants = "  \n" }, "wants"},
		{"long wants", func(r *ReferralTask) { r.Wants = long }, "wants"},
		{"no urgency", func(r *ReferralTask) { r.Urgency = "" }, "urgency"},
		{"bad urgency", func(r *ReferralTask) { r.Urgency = "whenever" }, "urgency"},
		{"no basis", func(r *ReferralTask) { r.LegalBasis = "" }, "legal_basis"},
		{"safeguarding unexplained", func(r *ReferralTask) { r.LegalBasis = LegalBasisSafeguarding }, "justification"},
		{"safeguarding explained", func(r *ReferralTask) {
			r.LegalBasis, r.Justification = LegalBasisSafeguarding, "Risk of serious harm from a family member"
		}, ""},
		{"best interests", func(r *ReferralTask) { r.LegalBasis = LegalBasisBestInterests }, ""},
		{"no contact", func(r *ReferralTask) { r.Contact = "" }, "contact"},
		{"long access needs", func(r *ReferralTask) { r.AccessNeeds = long }, "access_needs"},
		{"no referrer", func(r *ReferralTask) { r.FromTeamID = "" }, "referrer"},
	}
	for _, c := range cases {
		r := draftReferral(t)
		c.edit(&r)
		err := r.ValidateForSending()
		if c.field == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if !IsKind(err, KindInvalid) || FieldsOf(err).Message(c.field) == "" {
			t.Errorf("%s: %v, want a problem with %s", c.name, err, c.field)
		}
	}
	r := draftReferral(t)
	r.Wants = long
	if got := FieldsOf(r.ValidateForSending()).Message("wants"); got != "What the person wants must be 5,000 characters or fewer" {
		t.Errorf("length message = %q", got)
	}
}
