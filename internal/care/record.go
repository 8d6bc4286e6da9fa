package care

import (
	"strings"
	"time"
)

// PersonRecord is a person's record as one actor may see it. With
// AccessExistence only Person's identity, Practice and the objection are
// filled in; everything else is left empty.
type PersonRecord struct {
	Person         Person
	Access         AccessLevel
	Relationships  Relationships
	Practice       Organisation
	LocalAuthority Organisation
	// Coordinator is the care coordinator; its ID is "" when none is named.
	Coordinator CareTeamMember
	CareTeam    []CareTeamMember
	Carers      []Carer
	// Alerts holds the current alerts the actor may read; HiddenAlerts
	// counts the sensitive ones they may not, so the page can say so.
	Alerts       []Alert
	HiddenAlerts int
	AboutMe      PlanSection
	// BreakGlassUntil is when the actor's emergency access ends, when that
	// is how they see the record.
	BreakGlassUntil time.Time
	// ObjectionOrgName names the organisation that recorded an objection.
	ObjectionOrgName string

	canEdit, canManageTeam, canEditPlan bool
}

// WithPermissions fills in what the actor may do, from the rules.
func (r PersonRecord) WithPermissions(a Actor) PersonRecord {
	facts := PersonFacts{Objection: r.Person.Objection}
	r.canEdit = a.System || PersonAllowed(a, r.Relationships, facts, PersonEdit)
	r.canManageTeam = a.System || PersonAllowed(a, r.Relationships, facts, PersonManageCareTeam)
	r.canEditPlan = a.System || PersonAllowed(a, r.Relationships, facts, PersonEditPlan)
	return r
}

// CanEdit reports whether the actor may change the person's details,
// carers, alerts and objection.
func (r PersonRecord) CanEdit() bool { return r.canEdit }

// CanManageCareTeam reports whether the actor may change the care team.
func (r PersonRecord) CanManageCareTeam() bool { return r.canManageTeam }

// CanEditPlan reports whether the actor may change the plan.
func (r PersonRecord) CanEditPlan() bool { return r.canEditPlan }

// Full reports whether the actor sees the whole record.
func (r PersonRecord) Full() bool { return r.Access == AccessFull }

// Parts names the parts of the record that are shown, for the audit trail.
func (r PersonRecord) Parts() string {
	if r.Access != AccessFull {
		return "identity,contact-to-ask"
	}
	parts := []string{"identity", "contact", "communication", "carers",
		"alerts:" + itoa(len(r.Alerts)) + "-shown:" + itoa(r.HiddenAlerts) + "-withheld", "care-team", "about-me"}
	return strings.Join(parts, ",")
}

// PersonSummary is a person in a list of search results.
type PersonSummary struct {
	ID            string
	NHSNumber     NHSNumber
	GivenName     string
	FamilyName    string
	DateOfBirth   string
	Postcode      string
	PracticeName  string
	Access        AccessLevel
	Relationships Relationships
}

// FullName is the name as a list shows it.
func (p PersonSummary) FullName() string { return strings.TrimSpace(p.GivenName + " " + p.FamilyName) }

// PersonQuery is a search for people: by NHS number, or by last name and
// date of birth with the first name to narrow it.
type PersonQuery struct {
	NHSNumber   NHSNumber
	GivenName   string
	FamilyName  string
	DateOfBirth string
}

// ByNHSNumber reports whether the query is by NHS number.
func (q PersonQuery) ByNHSNumber() bool { return q.NHSNumber != "" }

// ParsePersonQuery reads a search form: either an NHS number, or a last name
// and date of birth (given as three boxes). Problems are reported at the
// fields.
func ParsePersonQuery(nhs, given, family, day, month, year string) (PersonQuery, FieldErrors) {
	var errs FieldErrors
	var q PersonQuery
	nhs = strings.TrimSpace(nhs)
	family = strings.TrimSpace(family)
	dateGiven := strings.TrimSpace(day+month+year) != ""
	switch {
	case nhs != "":
		n, err := ParseNHSNumber(nhs)
		if err != nil {
			errs.Add("nhs_number", MessageOf(err))
		}
		q.NHSNumber = n
	case family != "" || dateGiven || strings.TrimSpace(given) != "":
		q.GivenName, q.FamilyName = strings.TrimSpace(given), family
		if family == "" {
			errs.Add("family_name", "Enter their last name")
		} else if len([]rune(family)) > maxName {
			errs.Add("family_name", "The last name must be 100 characters or fewer")
		}
		if len([]rune(q.GivenName)) > maxName {
			errs.Add("given_name", "The first name must be 100 characters or fewer")
		}
		d, msg := ParseDate(day, month, year)
		if msg != "" {
			errs.Add("date_of_birth", "Date of birth: "+strings.ToLower(msg[:1])+msg[1:])
		}
		q.DateOfBirth = d
	default:
		errs.Add("nhs_number", "Enter an NHS number, or a last name and date of birth")
	}
	return q, errs
}
