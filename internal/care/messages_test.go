package care

import (
	"strings"
	"testing"
	"time"
)

// TestTooLongMessagesNameTheirField checks that every "too long" problem
// names its field. The error summary at the top of a page lists messages
// without their fields' labels, so "This must be 100 characters or fewer"
// would not say which answer is too long.
func TestTooLongMessagesNameTheirField(t *testing.T) {
	long := strings.Repeat("x", 6000)
	var all FieldErrors
	add := func(errs FieldErrors) { all = append(all, errs...) }
	addErr := func(err error) { all = append(all, FieldsOf(err)...) }

	add(ValidatePerson(Person{GivenName: long, FamilyName: long, PreferredName: long, Address: long, ContactNotes: long,
		Language: long, CommunicationNotes: long}, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)))
	add(ValidateCarer(Carer{Name: long, Relationship: long}, true))
	add(ValidateAlert(Alert{Kind: AlertRiskToStaff, Sensitivity: SensitivityStandard, Description: long}))
	add(ValidateMember(CareTeamMember{Kind: MemberExternal, Name: long, RoleLabel: long, OrganisationName: long, Responsibility: long}))
	for _, spec := range PlanSections() {
		fields := map[string]string{}
		for _, f := range spec.Fields {
			if f.Kind != FieldDate {
				fields[f.Name] = long
			}
		}
		add(ValidateSection(spec, fields))
	}
	add(ValidateAction(PlanAction{Description: long}, true))

	r := draftReferral(t)
	r.Wants, r.Contact, r.Justification, r.AccessNeeds = long, long, long, long
	addErr(r.ValidateForSending())
	r.LegalBasis = LegalBasisSafeguarding
	addErr(r.ValidateForSending())
	addErr(CheckReferralMessage(long))

	tooLong := 0
	for _, e := range all {
		if !strings.Contains(e.Message, "characters or fewer") {
			continue
		}
		tooLong++
		if strings.HasPrefix(e.Message, "This ") || !strings.Contains(e.Message, " must be ") {
			t.Errorf("%s: %q does not say what is too long", e.Field, e.Message)
		}
	}
	if tooLong < 20 {
		t.Errorf("only %d too-long problems were found; the test no longer reaches the fields", tooLong)
	}
}
