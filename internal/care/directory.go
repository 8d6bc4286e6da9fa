package care

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// This file holds the directory's entries: services, the contacts that
// answer for teams and services, and the freshness of every entry. The
// organisations and teams they hang from are in organisations.go.

// Freshness says how recently someone confirmed an entry is right. A
// directory entry nobody has checked for months is how a phone number that
// no longer works ends up in a referral letter, so search shows it.
type Freshness string

const (
	FreshnessFresh Freshness = "fresh"
	FreshnessDue   Freshness = "due"
	FreshnessStale Freshness = "stale"
)

// Entries are fresh for 90 days after they were last verified, due for
// checking until 180 days, and stale from then on.
const (
	FreshFor   = 90 * 24 * time.Hour
	StaleAfter = 180 * 24 * time.Hour
)

// FreshnessAt returns the state of an entry last verified at verifiedAt, as
// seen at now. An entry that has never been verified is stale.
func FreshnessAt(verifiedAt, now time.Time) Freshness {
	if verifiedAt.IsZero() {
		return FreshnessStale
	}
	age := now.Sub(verifiedAt)
	switch {
	case age < FreshFor:
		return FreshnessFresh
	case age < StaleAfter:
		return FreshnessDue
	default:
		return FreshnessStale
	}
}

// Label is how the state reads on a badge.
func (f Freshness) Label() string {
	switch f {
	case FreshnessFresh:
		return "Checked recently"
	case FreshnessDue:
		return "Due for checking"
	default:
		return "Stale: may be out of date"
	}
}

// TagClass is the NHS.UK tag modifier for the state's badge.
func (f Freshness) TagClass() string {
	switch f {
	case FreshnessFresh:
		return "nhsuk-tag--green"
	case FreshnessDue:
		return "nhsuk-tag--yellow"
	default:
		return "nhsuk-tag--red"
	}
}

// Verification records who last confirmed an entry is still correct.
type Verification struct {
	At     time.Time
	ByID   string
	ByName string
}

// State is the entry's freshness at now.
func (v Verification) State(now time.Time) Freshness { return FreshnessAt(v.At, now) }

// DueAt is when the entry needs checking again; the zero time if it has
// never been verified, which means now.
func (v Verification) DueAt() time.Time {
	if v.At.IsZero() {
		return time.Time{}
	}
	return v.At.Add(FreshFor)
}

// ActionEditDirectory lets a role change its own organisation's directory
// entries; which entries is decided by CanManageDirectoryEntry.
const ActionEditDirectory Action = "directory.edit"

// ActionViewServiceGaps lets a role list the searches that found nothing.
const ActionViewServiceGaps Action = "directory.gaps"

// CanManageDirectoryEntry reports whether the actor may edit or verify an
// entry owned by the organisation ownerOrgID: team managers and organisation
// administrators, acting for a team of that organisation. Nobody else may,
// not even a system administrator, because the people who run a service are
// the ones who know whether its details are right.
func CanManageDirectoryEntry(a Actor, ownerOrgID string) bool {
	if a.System {
		return true
	}
	return ownerOrgID != "" && Allowed(a, ActionEditDirectory) && a.Acting.OrgID == ownerOrgID
}

// ServiceStatus says whether a service is running.
type ServiceStatus string

const (
	ServiceActive   ServiceStatus = "active"
	ServiceInactive ServiceStatus = "inactive"
)

// Valid reports whether s is a known status.
func (s ServiceStatus) Valid() bool { return s == ServiceActive || s == ServiceInactive }

// CatchmentKind is the kind of area a catchment names.
type CatchmentKind string

const (
	// CatchLocalAuthority is a council area, by ONS GSS code (E09000012).
	CatchLocalAuthority CatchmentKind = "local_authority"
	// CatchWard is an electoral ward, by ONS GSS code (E05009367).
	CatchWard CatchmentKind = "ward"
	// CatchOutcode is a postcode district, such as E8.
	CatchOutcode CatchmentKind = "outcode"
	// CatchSector is a postcode sector, such as E8 1.
	CatchSector CatchmentKind = "sector"
	// CatchPractice is the registered list of a GP practice, by ODS code.
	CatchPractice CatchmentKind = "practice"
)

// CatchmentKinds lists the kinds in the order forms show them.
var CatchmentKinds = []CatchmentKind{CatchLocalAuthority, CatchWard, CatchOutcode, CatchSector, CatchPractice}

// Valid reports whether k is a known kind.
func (k CatchmentKind) Valid() bool { return slices.Contains(CatchmentKinds, k) }

// CatchmentArea is one area a service covers.
type CatchmentArea struct {
	Kind CatchmentKind
	Code string
}

func (c CatchmentArea) String() string { return string(c.Kind) + ":" + c.Code }

// validCode checks the shape of the code for its kind. Postcode districts
// and sectors are normalised by the caller (with the geo package) first;
// here they only need to look canonical.
func (c CatchmentArea) validCode() bool {
	switch c.Kind {
	case CatchLocalAuthority, CatchWard:
		return validGSSCode(c.Code)
	case CatchPractice:
		return validODSCode(c.Code)
	case CatchOutcode:
		return validOutcodeShape(c.Code)
	case CatchSector:
		out, in, ok := strings.Cut(c.Code, " ")
		return ok && validOutcodeShape(out) && len(in) == 1 && in[0] >= '0' && in[0] <= '9'
	}
	return false
}

func validOutcodeShape(s string) bool {
	if len(s) < 2 || len(s) > 4 || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	digit := false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch >= '0' && ch <= '9':
			digit = true
		case ch >= 'A' && ch <= 'Z':
		default:
			return false
		}
	}
	return digit
}

// ReferralMethod is one way a service takes referrals.
type ReferralMethod string

const (
	ReferThroughJoinedup ReferralMethod = "joinedup"
	ReferByPhone         ReferralMethod = "phone"
	ReferByEmail         ReferralMethod = "email"
	ReferByForm          ReferralMethod = "form"
	ReferSelf            ReferralMethod = "self"
)

// ReferralMethods lists the methods in the order pages show them.
var ReferralMethods = []ReferralMethod{ReferThroughJoinedup, ReferByPhone, ReferByEmail, ReferByForm, ReferSelf}

var referralLabels = map[ReferralMethod]string{
	ReferThroughJoinedup: "Through joinedup",
	ReferByPhone:         "By phone",
	ReferByEmail:         "By secure email",
	ReferByForm:          "Using the service's online form",
	ReferSelf:            "The person can refer themselves",
}

// Label is the method as people say it.
func (m ReferralMethod) Label() string { return referralLabels[m] }

// Valid reports whether m is a known method.
func (m ReferralMethod) Valid() bool { _, ok := referralLabels[m]; return ok }

// Referral says how to refer to a service and what the referral must say.
type Referral struct {
	Methods []ReferralMethod
	Phone   string
	Email   string
	FormURL string
	// MustInclude is what the service needs in every referral, so it is not
	// sent back for more information.
	MustInclude string
}

// Has reports whether the service takes referrals by m.
func (r Referral) Has(m ReferralMethod) bool { return slices.Contains(r.Methods, m) }

// CapacityState says whether a service is taking referrals now.
type CapacityState string

const (
	CapacityAccepting CapacityState = "accepting"
	CapacityWaitlist  CapacityState = "waitlist"
	CapacityClosed    CapacityState = "closed"
)

// Valid reports whether c is a known state.
func (c CapacityState) Valid() bool {
	return c == CapacityAccepting || c == CapacityWaitlist || c == CapacityClosed
}

// Label is the state as a badge says it.
func (c CapacityState) Label() string {
	switch c {
	case CapacityAccepting:
		return "Accepting referrals"
	case CapacityWaitlist:
		return "Waiting list"
	case CapacityClosed:
		return "Not accepting referrals"
	}
	return ""
}

// TagClass is the NHS.UK tag modifier for the state's badge.
func (c CapacityState) TagClass() string {
	switch c {
	case CapacityAccepting:
		return "nhsuk-tag--green"
	case CapacityWaitlist:
		return "nhsuk-tag--orange"
	default:
		return "nhsuk-tag--red"
	}
}

// WaitBand is how long a waiting list is, in broad bands: services can say
// that honestly without tracking each person on it.
type WaitBand string

const (
	WaitUnder2Weeks WaitBand = "under-2-weeks"
	Wait2To6Weeks   WaitBand = "2-to-6-weeks"
	Wait6To12Weeks  WaitBand = "6-to-12-weeks"
	WaitOver12Weeks WaitBand = "over-12-weeks"
)

// WaitBands lists the bands from shortest to longest.
var WaitBands = []WaitBand{WaitUnder2Weeks, Wait2To6Weeks, Wait6To12Weeks, WaitOver12Weeks}

var waitBandLabels = map[WaitBand]string{
	WaitUnder2Weeks: "less than 2 weeks",
	Wait2To6Weeks:   "2 to 6 weeks",
	Wait6To12Weeks:  "6 to 12 weeks",
	WaitOver12Weeks: "more than 12 weeks",
}

// Label is the band as people say it.
func (b WaitBand) Label() string { return waitBandLabels[b] }

// Valid reports whether b is a known band.
func (b WaitBand) Valid() bool { _, ok := waitBandLabels[b]; return ok }

// Capacity is whether a service is taking referrals, and when it said so.
type Capacity struct {
	State     CapacityState
	WaitBand  WaitBand // only for CapacityWaitlist
	UpdatedAt time.Time
}

// Summary describes the capacity in one phrase, such as "Waiting list:
// 2 to 6 weeks".
func (c Capacity) Summary() string {
	if c.State == CapacityWaitlist && c.WaitBand.Valid() {
		return c.State.Label() + ": " + c.WaitBand.Label()
	}
	return c.State.Label()
}

// Eligibility says who a service is for: text for people to read, and the
// rules search applies.
type Eligibility struct {
	Text string
	// MinAge and MaxAge are inclusive ages in years; 0 means no limit.
	MinAge int
	MaxAge int
	// RequiredNeeds, when set, limits the service to people who need help
	// with at least one of these needs (a carers' service, for example, is
	// only for carers), whatever else the service can help with.
	RequiredNeeds []string
}

// AllowsAge reports whether a person of age years may use the service.
func (e Eligibility) AllowsAge(age int) bool {
	if e.MinAge > 0 && age < e.MinAge {
		return false
	}
	if e.MaxAge > 0 && age > e.MaxAge {
		return false
	}
	return true
}

// AgeRule describes the age limits, such as "18+ only", or "" when there
// are none.
func (e Eligibility) AgeRule() string {
	switch {
	case e.MinAge > 0 && e.MaxAge > 0:
		return fmt.Sprintf("%d to %d only", e.MinAge, e.MaxAge)
	case e.MinAge > 0:
		return fmt.Sprintf("%d+ only", e.MinAge)
	case e.MaxAge > 0:
		return fmt.Sprintf("%d and under only", e.MaxAge)
	}
	return ""
}

// Service is something people can be referred to: what it helps with, who
// it is for, where it covers, and how to get a person to it.
type Service struct {
	ID             string
	OrganisationID string
	// TeamID is the team that runs the service, or "" when the organisation
	// does not say.
	TeamID      string
	Name        string
	Description string
	Status      ServiceStatus
	// Needs are codes from the needs taxonomy (see needs.go).
	Needs       []string
	Eligibility Eligibility
	Catchment   []CatchmentArea
	Referral    Referral
	// TypicalWait is how long people usually wait to be seen, in the
	// service's words ("2 to 5 working days").
	TypicalWait string
	Capacity    Capacity
	Hours       OpeningHours
	// Postcode is where the service is based, used to rank by distance.
	// Empty means the organisation's postcode.
	Postcode string
	Website  string
	Verified Verification
	// ExternalID identifies a service imported from another directory, so
	// importing the same feed again updates rather than duplicates it.
	ExternalID string
	UpdatedAt  time.Time
	Version    int
}

// Limits on free text, so one entry cannot swamp a page or the index.
const (
	maxNameLen = 200
	maxTextLen = 4000
)

// Validate checks a service before it is saved. Field names match the
// service form, so each problem shows beside its field.
func (s Service) Validate() error {
	var errs FieldErrors
	name := strings.TrimSpace(s.Name)
	switch {
	case name == "":
		errs.Add("name", "Enter the service's name")
	case utf8.RuneCountInString(name) > maxNameLen:
		errs.Add("name", fmt.Sprintf("The name must be %d characters or fewer", maxNameLen))
	}
	if strings.TrimSpace(s.Description) == "" {
		errs.Add("description", "Describe what the service does")
	} else if utf8.RuneCountInString(s.Description) > maxTextLen {
		errs.Add("description", fmt.Sprintf("The description must be %d characters or fewer", maxTextLen))
	}
	if s.OrganisationID == "" {
		errs.Add("organisation", "Choose the organisation that runs the service")
	}
	if !s.Status.Valid() {
		errs.Add("status", "Choose whether the service is running")
	}
	if len(s.Needs) == 0 && s.ExternalID == "" {
		errs.Add("needs", "Choose at least one need the service helps with")
	}
	for _, code := range s.Needs {
		if n, ok := NeedByCode(code); !ok || n.Deprecated {
			errs.Add("needs", fmt.Sprintf("%q is not a need in the taxonomy", code))
		}
	}
	for _, code := range s.Eligibility.RequiredNeeds {
		if n, ok := NeedByCode(code); !ok || n.Deprecated {
			errs.Add("required_needs", fmt.Sprintf("%q is not a need in the taxonomy", code))
		}
	}
	if utf8.RuneCountInString(s.Eligibility.Text) > maxTextLen {
		errs.Add("eligibility", fmt.Sprintf("The eligibility must be %d characters or fewer", maxTextLen))
	}
	if s.Eligibility.MinAge < 0 || s.Eligibility.MinAge > 120 {
		errs.Add("min_age", "The minimum age must be a number from 0 to 120")
	}
	if s.Eligibility.MaxAge < 0 || s.Eligibility.MaxAge > 120 {
		errs.Add("max_age", "The maximum age must be a number from 0 to 120")
	} else if s.Eligibility.MaxAge > 0 && s.Eligibility.MaxAge < s.Eligibility.MinAge {
		errs.Add("max_age", "The maximum age must be the same as or more than the minimum age")
	}
	if len(s.Catchment) == 0 {
		errs.Add("catchment", "Say which areas or GP practices the service covers")
	}
	for _, c := range s.Catchment {
		if !c.Kind.Valid() || !c.validCode() {
			errs.Add("catchment", fmt.Sprintf("%q is not an area the directory understands", c.Code))
		}
	}
	s.Referral.validate(&errs)
	if utf8.RuneCountInString(s.TypicalWait) > maxNameLen {
		errs.Add("typical_wait", fmt.Sprintf("The typical wait must be %d characters or fewer", maxNameLen))
	}
	if !s.Capacity.State.Valid() {
		errs.Add("capacity", "Choose whether the service is accepting referrals")
	} else if s.Capacity.State == CapacityWaitlist && !s.Capacity.WaitBand.Valid() {
		errs.Add("wait_band", "Choose how long the waiting list is")
	}
	if s.Website != "" && !validWebAddress(s.Website) {
		errs.Add("website", "Enter a web address starting with https://, like https://www.example.org.uk")
	}
	return errs.Err()
}

func (r Referral) validate(errs *FieldErrors) {
	if len(r.Methods) == 0 {
		errs.Add("referral_methods", "Choose at least one way to refer")
	}
	for _, m := range r.Methods {
		if !m.Valid() {
			errs.Add("referral_methods", fmt.Sprintf("%q is not a way to refer", m))
		}
	}
	if r.Has(ReferByPhone) && strings.TrimSpace(r.Phone) == "" {
		errs.Add("referral_phone", "Enter the phone number for referrals")
	}
	if r.Phone != "" && !validPhone(r.Phone) {
		errs.Add("referral_phone", "Enter a UK phone number, like 020 7946 0123")
	}
	if r.Has(ReferByEmail) && strings.TrimSpace(r.Email) == "" {
		errs.Add("referral_email", "Enter the secure email address for referrals")
	}
	if r.Email != "" && !validEmail(r.Email) {
		errs.Add("referral_email", "Enter an email address in the correct format, like team@nhs.net")
	}
	if r.Has(ReferByForm) && strings.TrimSpace(r.FormURL) == "" {
		errs.Add("referral_form_url", "Enter the web address of the referral form")
	}
	if r.FormURL != "" && !validWebAddress(r.FormURL) {
		errs.Add("referral_form_url", "Enter a web address starting with https://, like https://www.example.org.uk/refer")
	}
	if utf8.RuneCountInString(r.MustInclude) > maxTextLen {
		errs.Add("referral_must_include", fmt.Sprintf("What a referral must include must be %d characters or fewer", maxTextLen))
	}
}

// validPhone accepts UK numbers as people write them: digits, spaces and an
// optional leading +44, 10 or 11 digits in all (or 3 to 5 for short codes
// such as 111).
func validPhone(s string) bool {
	digits := 0
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == ' ' || r == '-' || r == '(' || r == ')':
		case r == '+' && i == 0:
		default:
			return false
		}
	}
	return digits >= 3 && digits <= 13
}

func validEmail(s string) bool {
	s = strings.TrimSpace(s)
	at := strings.IndexByte(s, '@')
	return at > 0 && at < len(s)-1 && !strings.ContainsAny(s, " <>,;\"") && strings.Contains(s[at:], ".")
}

// validWebAddress accepts only https addresses with a host, so a link on a
// page can never run script or point at a file on someone's computer.
func validWebAddress(s string) bool {
	u, err := url.Parse(strings.TrimSpace(s))
	return err == nil && u.Scheme == "https" && u.Host != "" && !strings.ContainsAny(s, " <>\"")
}

// Contact is a named person or a duty line that answers for a team or a
// service. A duty line need not name anyone: it is whoever is on duty.
type Contact struct {
	ID             string
	OrganisationID string
	TeamID         string
	// ServiceID, when set, makes this the contact for one of the team's
	// services rather than for the whole team.
	ServiceID string
	// PracticeID, when set, links the contact to one GP practice, as a
	// practice's named social worker or link worker.
	PracticeID string
	Name       string
	Role       string
	Phone      string
	Email      string
	// Hours says when the contact answers, in the team's words.
	Hours   string
	Duty    bool
	Version int
}

// Title is how the contact is introduced: the person's name and role, or
// the role alone for a duty line.
func (c Contact) Title() string {
	if c.Name == "" {
		return c.Role
	}
	return c.Name + ", " + c.Role
}

// Validate checks a contact before it is saved.
func (c Contact) Validate() error {
	var errs FieldErrors
	if strings.TrimSpace(c.Role) == "" {
		errs.Add("role", "Enter the contact's role, like Duty social worker")
	} else if utf8.RuneCountInString(c.Role) > maxNameLen {
		errs.Add("role", fmt.Sprintf("The role must be %d characters or fewer", maxNameLen))
	}
	if utf8.RuneCountInString(c.Name) > maxNameLen {
		errs.Add("name", fmt.Sprintf("The name must be %d characters or fewer", maxNameLen))
	}
	if !c.Duty && strings.TrimSpace(c.Name) == "" {
		errs.Add("name", "Enter the person's name, or say this is a duty line")
	}
	if strings.TrimSpace(c.Phone) == "" && strings.TrimSpace(c.Email) == "" {
		errs.Add("phone", "Enter a phone number or a secure email address")
	}
	if c.Phone != "" && !validPhone(c.Phone) {
		errs.Add("phone", "Enter a UK phone number, like 020 7946 0123")
	}
	if c.Email != "" && !validEmail(c.Email) {
		errs.Add("email", "Enter an email address in the correct format, like team@nhs.net")
	}
	if utf8.RuneCountInString(c.Hours) > maxNameLen {
		errs.Add("hours", fmt.Sprintf("The hours must be %d characters or fewer", maxNameLen))
	}
	if c.TeamID == "" {
		errs.Add("team", "Choose the team the contact belongs to")
	}
	return errs.Err()
}

// ServiceGap records that a search found nothing eligible: the need, the
// area and the day, and deliberately nothing about who searched or for whom.
type ServiceGap struct {
	Day      CivilDate
	NeedCode string // "" when the search named no need the taxonomy knows
	// Outcode is the postcode district searched; the full postcode is never
	// kept, because with a date it could point at a household.
	Outcode        string
	LocalAuthority string // GSS code, or "" when not known
}

// Team kinds the directory treats specially. Other kinds are free text.
const (
	// TeamLocalitySocialWork is an adult social work team for a locality,
	// linked to the GP practices in it.
	TeamLocalitySocialWork = "locality_social_work"
	// TeamDutySPA is a council's single point of access or duty desk.
	TeamDutySPA = "duty_spa"
)
