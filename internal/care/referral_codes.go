package care

import "slices"

// This file holds the coded reasons a referral's life is explained in: why it
// was declined, cancelled, put on hold or closed as unable to complete, what
// came of it, and what it should have said. They are codes, not free text,
// so that figures can count them ("declined as outside the area 14 times")
// and referrers learn what each service needs. Codes are stored and
// published, so a code is never renamed or reused; labels may be reworded.

// ReferralReason is one choice in a list of coded reasons, as a form offers
// it.
type ReferralReason struct {
	Code  string
	Label string
	// NeedsNote marks a reason that says too little on its own ("Other"),
	// or that asks something of the referrer, so words must go with it.
	NeedsNote bool
	// NeedsAlternative marks a reason for declining that must come with a
	// suggestion of where to go instead, so the referrer is never left with
	// just "no".
	NeedsAlternative bool
}

// ReferralRejectReason is why the receiving team declined a referral, or
// redirected it.
type ReferralRejectReason string

const (
	RejectNotEligible          ReferralRejectReason = "not-eligible"
	RejectOutsideArea          ReferralRejectReason = "outside-area"
	RejectWrongService         ReferralRejectReason = "wrong-service"
	RejectNoCapacity           ReferralRejectReason = "no-capacity"
	RejectNeedsMetElsewhere    ReferralRejectReason = "needs-met-elsewhere"
	RejectDuplicate            ReferralRejectReason = "duplicate"
	RejectPersonDeclined       ReferralRejectReason = "person-declined"
	RejectNotEnoughInformation ReferralRejectReason = "not-enough-information"
	RejectOther                ReferralRejectReason = "other"
)

// ReferralCancelReason is why the referrer cancelled a referral.
type ReferralCancelReason string

const (
	CancelNoLongerNeeded    ReferralCancelReason = "no-longer-needed"
	CancelPersonDeclined    ReferralCancelReason = "person-declined"
	CancelNeedsMetElsewhere ReferralCancelReason = "needs-met-elsewhere"
	CancelWrongService      ReferralCancelReason = "wrong-service"
	CancelDuplicate         ReferralCancelReason = "duplicate"
	CancelPersonMoved       ReferralCancelReason = "person-moved"
	CancelPersonAdmitted    ReferralCancelReason = "person-admitted"
	CancelPersonDied        ReferralCancelReason = "person-died"
	CancelOther             ReferralCancelReason = "other"
)

// ReferralHoldReason is why the receiving team paused a referral.
type ReferralHoldReason string

const (
	// HoldInformationRequested: the team has asked the referrer something
	// and cannot go on until they answer.
	HoldInformationRequested ReferralHoldReason = "information-requested"
	HoldAwaitingConsent      ReferralHoldReason = "awaiting-consent"
	HoldCapacityAssessment   ReferralHoldReason = "capacity-assessment"
	HoldPersonUnavailable    ReferralHoldReason = "person-unavailable"
	HoldOther                ReferralHoldReason = "other"
)

// ReferralFailReason is why an accepted referral could not be completed.
type ReferralFailReason string

const (
	FailUnableToContact      ReferralFailReason = "unable-to-contact"
	FailPersonDeclined       ReferralFailReason = "person-declined"
	FailCircumstancesChanged ReferralFailReason = "circumstances-changed"
	FailPersonDied           ReferralFailReason = "person-died"
	FailServiceUnavailable   ReferralFailReason = "service-unavailable"
	FailOther                ReferralFailReason = "other"
)

// ReferralOutcome is what came of a completed referral. It goes back to the
// referrer with a summary in words.
type ReferralOutcome string

const (
	OutcomeInformationAndAdvice ReferralOutcome = "information-advice"
	OutcomeSignposted           ReferralOutcome = "signposted"
	OutcomeAssessmentArranged   ReferralOutcome = "assessment-arranged"
	OutcomeAssessmentCompleted  ReferralOutcome = "assessment-completed"
	OutcomeServiceProvided      ReferralOutcome = "service-provided"
	OutcomeCareArranged         ReferralOutcome = "care-arranged"
	OutcomeEquipmentProvided    ReferralOutcome = "equipment-provided"
	OutcomeReferredOn           ReferralOutcome = "referred-on"
	OutcomeNoFurtherAction      ReferralOutcome = "no-further-action"
	OutcomePersonDeclined       ReferralOutcome = "person-declined"
	OutcomeOther                ReferralOutcome = "other"
)

// ReferralMissingInfo is a kind of information the receiving team needed
// but did not get. Counted per service, it tells referrers what to include.
type ReferralMissingInfo string

const (
	MissingReasonForReferral ReferralMissingInfo = "reason"
	MissingPersonsWishes     ReferralMissingInfo = "wishes"
	MissingConsent           ReferralMissingInfo = "consent"
	MissingContactDetails    ReferralMissingInfo = "contact"
	MissingAccessNeeds       ReferralMissingInfo = "access-needs"
	MissingHealthHistory     ReferralMissingInfo = "health"
	MissingMedication        ReferralMissingInfo = "medication"
	MissingRisks             ReferralMissingInfo = "risks"
	MissingSafeguarding      ReferralMissingInfo = "safeguarding"
	MissingHomeSituation     ReferralMissingInfo = "home"
	MissingDailyLiving       ReferralMissingInfo = "daily-living"
	MissingOtherServices     ReferralMissingInfo = "other-services"
	MissingUrgency           ReferralMissingInfo = "urgency"
	MissingOther             ReferralMissingInfo = "other"
)

var rejectReasons = []ReferralReason{
	{Code: string(RejectNotEligible), Label: "Does not meet the service’s eligibility criteria", NeedsAlternative: true},
	{Code: string(RejectOutsideArea), Label: "Outside the area the service covers", NeedsAlternative: true},
	{Code: string(RejectWrongService), Label: "Another service is better placed to help", NeedsAlternative: true},
	{Code: string(RejectNoCapacity), Label: "The service is not taking new referrals", NeedsAlternative: true},
	{Code: string(RejectNeedsMetElsewhere), Label: "The person already gets this help elsewhere"},
	{Code: string(RejectDuplicate), Label: "A referral for this is already open"},
	{Code: string(RejectPersonDeclined), Label: "The person does not want this service"},
	{Code: string(RejectNotEnoughInformation), Label: "Not enough information to decide, even after asking"},
	{Code: string(RejectOther), Label: "Another reason", NeedsNote: true},
}

// redirectReasons are the reasons for declining that a redirect can give:
// those that say the work belongs elsewhere. The new referral is the
// alternative, so none needs another.
var redirectReasons = []ReferralReason{
	{Code: string(RejectNotEligible), Label: "Does not meet the service’s eligibility criteria"},
	{Code: string(RejectOutsideArea), Label: "Outside the area the service covers"},
	{Code: string(RejectWrongService), Label: "Another service is better placed to help"},
	{Code: string(RejectNoCapacity), Label: "The service is not taking new referrals"},
	{Code: string(RejectOther), Label: "Another reason", NeedsNote: true},
}

var cancelReasons = []ReferralReason{
	{Code: string(CancelNoLongerNeeded), Label: "No longer needed"},
	{Code: string(CancelPersonDeclined), Label: "The person no longer wants it"},
	{Code: string(CancelNeedsMetElsewhere), Label: "The person’s needs are now met elsewhere"},
	{Code: string(CancelWrongService), Label: "Sent to the wrong service"},
	{Code: string(CancelDuplicate), Label: "Sent more than once"},
	{Code: string(CancelPersonMoved), Label: "The person has moved out of the area"},
	{Code: string(CancelPersonAdmitted), Label: "The person has gone into hospital or a care home"},
	{Code: string(CancelPersonDied), Label: "The person has died"},
	{Code: string(CancelOther), Label: "Another reason", NeedsNote: true},
}

var holdReasons = []ReferralReason{
	{Code: string(HoldInformationRequested), Label: "Information requested from the referrer", NeedsNote: true},
	{Code: string(HoldAwaitingConsent), Label: "Waiting for the person’s consent"},
	{Code: string(HoldCapacityAssessment), Label: "Waiting for a mental capacity assessment"},
	{Code: string(HoldPersonUnavailable), Label: "The person cannot be seen for now (for example, in hospital)"},
	{Code: string(HoldOther), Label: "Another reason", NeedsNote: true},
}

var failReasons = []ReferralReason{
	{Code: string(FailUnableToContact), Label: "Could not contact the person"},
	{Code: string(FailPersonDeclined), Label: "The person declined the service"},
	{Code: string(FailCircumstancesChanged), Label: "The person’s circumstances changed"},
	{Code: string(FailPersonDied), Label: "The person has died"},
	{Code: string(FailServiceUnavailable), Label: "The service could not be provided"},
	{Code: string(FailOther), Label: "Another reason", NeedsNote: true},
}

// Every outcome needs a summary in words: the code is for counting, the
// summary is what the referrer reads.
var referralOutcomes = []ReferralReason{
	{Code: string(OutcomeInformationAndAdvice), Label: "Information and advice given", NeedsNote: true},
	{Code: string(OutcomeSignposted), Label: "Signposted to other support", NeedsNote: true},
	{Code: string(OutcomeAssessmentArranged), Label: "Assessment arranged", NeedsNote: true},
	{Code: string(OutcomeAssessmentCompleted), Label: "Assessment completed", NeedsNote: true},
	{Code: string(OutcomeServiceProvided), Label: "Service provided", NeedsNote: true},
	{Code: string(OutcomeCareArranged), Label: "Care and support arranged", NeedsNote: true},
	{Code: string(OutcomeEquipmentProvided), Label: "Equipment or adaptations provided", NeedsNote: true},
	{Code: string(OutcomeReferredOn), Label: "Referred on to another service", NeedsNote: true},
	{Code: string(OutcomeNoFurtherAction), Label: "No further action needed", NeedsNote: true},
	{Code: string(OutcomePersonDeclined), Label: "The person declined support", NeedsNote: true},
	{Code: string(OutcomeOther), Label: "Another outcome", NeedsNote: true},
}

var missingInfoCategories = []ReferralReason{
	{Code: string(MissingReasonForReferral), Label: "Why the person is being referred, and what is being asked"},
	{Code: string(MissingPersonsWishes), Label: "What the person wants, in their words"},
	{Code: string(MissingConsent), Label: "Consent, or the legal basis for sharing"},
	{Code: string(MissingContactDetails), Label: "How to contact the person"},
	{Code: string(MissingAccessNeeds), Label: "Communication and access needs"},
	{Code: string(MissingHealthHistory), Label: "Health conditions and relevant history"},
	{Code: string(MissingMedication), Label: "Current medication"},
	{Code: string(MissingRisks), Label: "Risks to the person or to staff visiting"},
	{Code: string(MissingSafeguarding), Label: "Safeguarding concerns"},
	{Code: string(MissingHomeSituation), Label: "Home situation, family and carers"},
	{Code: string(MissingDailyLiving), Label: "What the person can and cannot do day to day"},
	{Code: string(MissingOtherServices), Label: "Other services already involved"},
	{Code: string(MissingUrgency), Label: "Why it is urgent"},
	{Code: string(MissingOther), Label: "Something else"},
}

// reasonsFor returns the list a move to status draws its reason from, or nil
// when the move takes no coded reason. The list is shared: never modify it.
func reasonsFor(to ReferralStatus) []ReferralReason {
	switch to {
	case ReferralRejected:
		return rejectReasons
	case ReferralRedirected:
		return redirectReasons
	case ReferralCancelled:
		return cancelReasons
	case ReferralOnHold:
		return holdReasons
	case ReferralFailed:
		return failReasons
	case ReferralCompleted:
		return referralOutcomes
	}
	return nil
}

// ReferralReasons returns the coded reasons a form offers for moving a
// referral to status, in the order to show them: the rejection reasons for
// rejected, the shorter list for redirected, the outcomes for completed, and
// so on. It returns nil for a status that takes no coded reason.
func ReferralReasons(to ReferralStatus) []ReferralReason { return slices.Clone(reasonsFor(to)) }

// ReferralMissingInfoCategories returns every missing-information category,
// in the order a feedback form offers them.
func ReferralMissingInfoCategories() []ReferralReason { return slices.Clone(missingInfoCategories) }

// findReason looks code up in list.
func findReason(list []ReferralReason, code string) (ReferralReason, bool) {
	for _, r := range list {
		if r.Code == code {
			return r, true
		}
	}
	return ReferralReason{}, false
}

// ReasonLabel returns the label of a coded reason given for moving to
// status, or the code itself if it is not in that status's list.
func ReasonLabel(to ReferralStatus, code string) string {
	if r, ok := findReason(reasonsFor(to), code); ok {
		return r.Label
	}
	return code
}

// Label is the reason as people read it.
func (r ReferralRejectReason) Label() string { return ReasonLabel(ReferralRejected, string(r)) }

// Valid reports whether r is a known reason.
func (r ReferralRejectReason) Valid() bool { _, ok := findReason(rejectReasons, string(r)); return ok }

// Label is the reason as people read it.
func (r ReferralCancelReason) Label() string { return ReasonLabel(ReferralCancelled, string(r)) }

// Valid reports whether r is a known reason.
func (r ReferralCancelReason) Valid() bool { _, ok := findReason(cancelReasons, string(r)); return ok }

// Label is the reason as people read it.
func (r ReferralHoldReason) Label() string { return ReasonLabel(ReferralOnHold, string(r)) }

// Valid reports whether r is a known reason.
func (r ReferralHoldReason) Valid() bool { _, ok := findReason(holdReasons, string(r)); return ok }

// Label is the reason as people read it.
func (r ReferralFailReason) Label() string { return ReasonLabel(ReferralFailed, string(r)) }

// Valid reports whether r is a known reason.
func (r ReferralFailReason) Valid() bool { _, ok := findReason(failReasons, string(r)); return ok }

// Label is the outcome as people read it.
func (o ReferralOutcome) Label() string { return ReasonLabel(ReferralCompleted, string(o)) }

// Valid reports whether o is a known outcome.
func (o ReferralOutcome) Valid() bool { _, ok := findReason(referralOutcomes, string(o)); return ok }

// Label is the category as people read it.
func (m ReferralMissingInfo) Label() string {
	if r, ok := findReason(missingInfoCategories, string(m)); ok {
		return r.Label
	}
	return string(m)
}

// Valid reports whether m is a known category.
func (m ReferralMissingInfo) Valid() bool {
	_, ok := findReason(missingInfoCategories, string(m))
	return ok
}
