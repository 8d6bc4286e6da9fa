package care

import (
	"strings"
	"time"
)

// MemberKind says whether a care-team member uses joinedup.
type MemberKind string

const (
	// MemberUser is someone who signs in to joinedup; being in the care team
	// gives them a relationship with the person.
	MemberUser MemberKind = "user"
	// MemberExternal is a contact who does not use joinedup, such as a
	// district nurse from a trust not yet on it. They get no access; the
	// record just says who they are and how to reach them.
	MemberExternal MemberKind = "external"
)

// CareTeamMember is one person in the care team, with their role and what
// they are responsible for. Exactly one member at a time is the care
// coordinator, the single point of contact for the person and everyone else.
type CareTeamMember struct {
	ID       string
	PersonID string
	Kind     MemberKind
	// For users: who they are and which team they were added for.
	UserID string
	TeamID string
	OrgID  string
	Role   Role
	// Shown for every member; for users they come from their account and
	// team, for external contacts from what was typed.
	Name             string
	RoleLabel        string
	TeamName         string
	OrganisationName string
	Phone            string
	Email            string
	Responsibility   string
	Coordinator      bool
	AddedAt          time.Time
	Version          int
}

// ValidateMember checks a member before they are added. Users come with
// their name, role and organisation from their account; external contacts
// must have them typed, and a way to reach them. The two are added with
// different forms, so their fields have different names.
func ValidateMember(m CareTeamMember) FieldErrors {
	var errs FieldErrors
	phoneField, responsibilityField := "user_phone", "responsibility"
	switch m.Kind {
	case MemberUser:
		if m.UserID == "" || m.TeamID == "" {
			errs.Add("membership", "Choose the colleague to add")
		}
	case MemberExternal:
		phoneField, responsibilityField = "member_phone", "member_responsibility"
		checkText(&errs, "member_name", "Their name", strings.TrimSpace(m.Name), maxName, "Enter their name")
		checkText(&errs, "member_role", "Their role", strings.TrimSpace(m.RoleLabel), maxName, "Enter their role, like district nurse")
		checkText(&errs, "member_organisation", "The organisation they work for", strings.TrimSpace(m.OrganisationName), maxShortText, "Enter the organisation they work for")
		if strings.TrimSpace(m.Phone) == "" && strings.TrimSpace(m.Email) == "" {
			errs.Add("member_phone", "Enter a phone number or an email address, so people can reach them")
		}
		if email := strings.TrimSpace(m.Email); email != "" && !ValidEmail(email) {
			errs.Add("member_email", "Enter an email address in the correct format, like name@example.nhs.uk")
		}
	default:
		errs.Add("membership", "Choose who to add")
	}
	if phone := strings.TrimSpace(m.Phone); phone != "" && !ValidPhone(phone) {
		errs.Add(phoneField, "Enter a phone number, like 020 7946 0000")
	}
	checkText(&errs, responsibilityField, "What they are responsible for", strings.TrimSpace(m.Responsibility), maxShortText, "Say what they are responsible for in this person's care")
	return errs
}

// BreakGlassReason is why someone needs a record without a relationship.
type BreakGlassReason string

const (
	BreakGlassEmergency    BreakGlassReason = "emergency"
	BreakGlassUrgentCare   BreakGlassReason = "urgent_care"
	BreakGlassSafeguarding BreakGlassReason = "safeguarding"
	BreakGlassOther        BreakGlassReason = "other"
)

// BreakGlassReasons lists the reasons in the order a form offers them.
var BreakGlassReasons = []BreakGlassReason{BreakGlassEmergency, BreakGlassUrgentCare, BreakGlassSafeguarding, BreakGlassOther}

var breakGlassLabels = map[BreakGlassReason]string{
	BreakGlassEmergency:    "A risk to the person's life or health right now",
	BreakGlassUrgentCare:   "Urgent care they need today, and their own team cannot be reached",
	BreakGlassSafeguarding: "A safeguarding concern",
	BreakGlassOther:        "Another reason",
}

// Label is the reason as a form offers it.
func (r BreakGlassReason) Label() string { return breakGlassLabels[r] }

// BreakGlass is one use of emergency access, and its review.
type BreakGlass struct {
	ID          string
	PersonID    string
	UserID      string
	UserName    string
	Role        Role
	TeamName    string
	OrgName     string
	Category    BreakGlassReason
	Reason      string
	StartedAt   time.Time
	ExpiresAt   time.Time
	ReviewedAt  time.Time
	ReviewedBy  string
	Outcome     ReviewOutcome
	ReviewNote  string
	Version     int
	PersonName  string
	PersonNHS   NHSNumber
	ReadsDuring int // how many times the record was read under this access
}

// ValidateBreakGlass checks a request for emergency access: an NHS number
// (so the user knows exactly whose record they need), a reason from the list
// and the reason in their own words.
func ValidateBreakGlass(nhs string, category BreakGlassReason, reason string) (NHSNumber, FieldErrors) {
	var errs FieldErrors
	n, err := ParseNHSNumber(nhs)
	if err != nil {
		errs.Add("nhs_number", MessageOf(err))
	}
	if _, ok := breakGlassLabels[category]; !ok {
		errs.Add("category", "Choose why you need this record")
	}
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		errs.Add("reason", "Explain why you need this record now. A privacy officer will read it")
	case len([]rune(reason)) < 10:
		errs.Add("reason", "Explain in a sentence why you need this record now")
	case len([]rune(reason)) > 1000:
		errs.Add("reason", "The reason must be 1000 characters or fewer")
	}
	return n, errs
}

// ReviewOutcome is a privacy officer's finding on a use of break-glass.
type ReviewOutcome string

const (
	ReviewAppropriate   ReviewOutcome = "appropriate"
	ReviewInappropriate ReviewOutcome = "inappropriate"
)

// Label is the outcome as people say it.
func (o ReviewOutcome) Label() string {
	switch o {
	case ReviewAppropriate:
		return "Appropriate"
	case ReviewInappropriate:
		return "Not appropriate: referred for investigation"
	}
	return "Not reviewed"
}

// ValidateReview checks a privacy officer's review: an outcome, and a note
// whenever the access was not appropriate, since that starts an
// investigation.
func ValidateReview(o ReviewOutcome, note string) FieldErrors {
	var errs FieldErrors
	if o != ReviewAppropriate && o != ReviewInappropriate {
		errs.Add("outcome", "Choose whether the access was appropriate")
	}
	note = strings.TrimSpace(note)
	if o == ReviewInappropriate && note == "" {
		errs.Add("note", "Say why the access was not appropriate and what happens next")
	}
	if len([]rune(note)) > 2000 {
		errs.Add("note", "The note must be 2000 characters or fewer")
	}
	return errs
}
