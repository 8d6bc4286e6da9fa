package fhir

import (
	"strings"
	"time"

	"github.com/joinedup/joinedup/internal/care"
)

// ODSOrganizationCodeSystem is the FHIR identifier system for NHS ODS codes,
// which identify GP practices and other NHS organisations.
const ODSOrganizationCodeSystem = "https://fhir.nhs.uk/Id/ods-organization-code"

// pdsODSSystem is the system the NHS Personal Demographics Service FHIR API
// gives the ODS code of a patient's practice in; exports built from it carry
// it still.
const pdsODSSystem = "https://digital.nhs.uk/services/organisation-data-service"

// Patient is a FHIR R4 Patient resource, with the elements joinedup reads.
// Others (gender, extensions, contacts, communication, …) are ignored when
// read.
type Patient struct {
	ResourceType        string         `json:"resourceType"`
	ID                  string         `json:"id,omitempty"`
	Active              *bool          `json:"active,omitempty"`
	Identifier          []Identifier   `json:"identifier,omitempty"`
	Name                []HumanName    `json:"name,omitempty"`
	Telecom             []ContactPoint `json:"telecom,omitempty"`
	BirthDate           string         `json:"birthDate,omitempty"`
	DeceasedBoolean     *bool          `json:"deceasedBoolean,omitempty"`
	DeceasedDateTime    string         `json:"deceasedDateTime,omitempty"`
	Address             []Address      `json:"address,omitempty"`
	GeneralPractitioner []Reference    `json:"generalPractitioner,omitempty"`
}

// Identifier is a FHIR Identifier: a value in a namespace (system).
type Identifier struct {
	Use    string  `json:"use,omitempty"`
	System string  `json:"system,omitempty"`
	Value  string  `json:"value,omitempty"`
	Period *Period `json:"period,omitempty"`
}

// HumanName is a FHIR HumanName.
type HumanName struct {
	Use    string   `json:"use,omitempty"`
	Text   string   `json:"text,omitempty"`
	Family string   `json:"family,omitempty"`
	Given  []string `json:"given,omitempty"`
	Prefix []string `json:"prefix,omitempty"`
	Suffix []string `json:"suffix,omitempty"`
	Period *Period  `json:"period,omitempty"`
}

// ContactPoint is a FHIR ContactPoint: a phone number, email address, ….
type ContactPoint struct {
	System string  `json:"system,omitempty"`
	Value  string  `json:"value,omitempty"`
	Use    string  `json:"use,omitempty"`
	Rank   int     `json:"rank,omitempty"`
	Period *Period `json:"period,omitempty"`
}

// Address is a FHIR Address.
type Address struct {
	Use        string   `json:"use,omitempty"`
	Type       string   `json:"type,omitempty"`
	Text       string   `json:"text,omitempty"`
	Line       []string `json:"line,omitempty"`
	City       string   `json:"city,omitempty"`
	District   string   `json:"district,omitempty"`
	State      string   `json:"state,omitempty"`
	PostalCode string   `json:"postalCode,omitempty"`
	Country    string   `json:"country,omitempty"`
	Period     *Period  `json:"period,omitempty"`
}

// Reference is a FHIR Reference, literal (Reference) or logical (Identifier).
type Reference struct {
	Reference  string      `json:"reference,omitempty"`
	Type       string      `json:"type,omitempty"`
	Identifier *Identifier `json:"identifier,omitempty"`
	Display    string      `json:"display,omitempty"`
}

// Period is a FHIR Period; an empty End means it has not ended.
type Period struct {
	Start string `json:"start,omitempty"`
	End   string `json:"end,omitempty"`
}

// ended reports whether a period has an end, which in an export of current
// records means the name, address or number is no longer in use.
func (p *Period) ended() bool { return p != nil && p.End != "" }

// Registration is what joinedup takes from a Patient: the person, and the
// ODS code of the GP practice they are registered with, which the store
// turns into the practice's id. Person.RegisteredPracticeID is left empty.
type Registration struct {
	Person      care.Person
	PracticeODS string
}

// PersonFromPatient maps a UK Core Patient to a person registered with a
// practice. It takes:
//
//   - the NHS number: the identifier with system
//     https://fhir.nhs.uk/Id/nhs-number, which must pass the modulus 11 check;
//   - the name: official in preference to usual, then one with no use, and
//     never an old or maiden name; given names are joined by spaces;
//   - birthDate, which must be a whole date;
//   - the address: home in preference to one with no use, then temporary,
//     then work, and never an old or billing address; its lines, then its
//     city and district, become the lines of the address, and postalCode the
//     postcode;
//   - the first phone number and email address that are usable, home and
//     mobile numbers before work ones, never old ones;
//   - the registered practice: the generalPractitioner that names an
//     Organization by its ODS code (https://fhir.nhs.uk/Id/ods-organization-code,
//     or the Personal Demographics Service's older system for it).
//
// Of several candidates with the same standing, one whose period has not
// ended is taken, then the first. The error, of kind Invalid, lists every
// problem that stops the resource from being imported: not a Patient, marked
// inactive or deceased, no valid NHS number, a partial birth date, no
// registered practice. Everything else the domain checks (names present,
// dates in range, postcodes, phone numbers) is for care.ValidatePerson.
func PersonFromPatient(p Patient) (Registration, error) {
	var reg Registration
	var problems []string
	if p.ResourceType != "Patient" {
		if p.ResourceType == "" {
			return reg, care.Errorf(care.KindInvalid, "it has no resourceType, so it is not a Patient resource")
		}
		return reg, care.Errorf(care.KindInvalid, "it is a %s resource, not a Patient", clip(p.ResourceType))
	}
	if p.Active != nil && !*p.Active {
		problems = append(problems, "the record is marked inactive (active is false), as a merged or replaced record is")
	}
	if (p.DeceasedBoolean != nil && *p.DeceasedBoolean) || p.DeceasedDateTime != "" {
		problems = append(problems, "the record says the person has died, and joinedup does not import the records of people who have died")
	}

	person := &reg.Person
	found := false
	for _, id := range p.Identifier {
		if id.System != care.NHSNumberSystem {
			continue
		}
		found = true
		n, err := care.ParseNHSNumber(id.Value)
		if err != nil {
			problems = append(problems, "NHS number: "+care.MessageOf(err))
		}
		person.NHSNumber = n
		break
	}
	if !found {
		problems = append(problems, "it has no NHS number (an identifier with system "+care.NHSNumberSystem+")")
	}

	if n, ok := best(p.Name, nameRank, func(n HumanName) *Period { return n.Period }); ok {
		person.GivenName = strings.Join(nonBlank(n.Given), " ")
		person.FamilyName = strings.TrimSpace(n.Family)
	}

	if p.BirthDate != "" {
		if _, err := time.Parse(time.DateOnly, p.BirthDate); err != nil {
			problems = append(problems, "the birth date is not a whole date in the form YYYY-MM-DD")
		} else {
			person.DateOfBirth = p.BirthDate
		}
	}

	if a, ok := best(p.Address, addressRank, func(a Address) *Period { return a.Period }); ok {
		person.Address = addressLines(a)
		person.Postcode = strings.TrimSpace(a.PostalCode)
	}
	person.Phone = firstContact(p.Telecom, "phone", care.ValidPhone)
	person.Email = firstContact(p.Telecom, "email", care.ValidEmail)

	reg.PracticeODS = practiceODS(p.GeneralPractitioner)
	if reg.PracticeODS == "" {
		problems = append(problems, "it names no registered GP practice (a generalPractitioner that is an Organization with an identifier of system "+
			ODSOrganizationCodeSystem+")")
	}
	if len(problems) > 0 {
		return reg, care.Errorf(care.KindInvalid, "%s", strings.Join(problems, "; "))
	}
	return reg, nil
}

// best picks the candidate with the lowest rank (a negative rank is never
// picked), preferring one whose period has not ended, then the first.
func best[T any](items []T, rank func(T) int, period func(T) *Period) (T, bool) {
	var chosen T
	bestRank, found := 0, false
	for _, it := range items {
		r := rank(it) * 2
		if r < 0 {
			continue
		}
		if period(it).ended() {
			r++
		}
		if !found || r < bestRank {
			chosen, bestRank, found = it, r, true
		}
	}
	return chosen, found
}

// nameRank orders names by their use: the official name is the one a record
// goes by. A name without a family name is no use to a record.
func nameRank(n HumanName) int {
	if strings.TrimSpace(n.Family) == "" {
		return -1
	}
	switch n.Use {
	case "official":
		return 0
	case "usual":
		return 1
	case "":
		return 2
	case "old", "maiden":
		return -1
	default: // temp, nickname, anonymous
		return 3
	}
}

func addressRank(a Address) int {
	switch a.Use {
	case "home":
		return 0
	case "":
		return 1
	case "temp":
		return 2
	case "work":
		return 3
	default: // old, billing
		return -1
	}
}

// addressLines writes an address as the domain keeps it: its lines, one to
// a line, without the postcode. The city and district are added when the
// lines do not already end with them, as UK Core examples give the town in
// city and the Personal Demographics Service gives it as a line.
func addressLines(a Address) string {
	lines := nonBlank(a.Line)
	for _, extra := range []string{a.District, a.City} {
		extra = strings.TrimSpace(extra)
		if extra == "" {
			continue
		}
		seen := false
		for _, l := range lines {
			if strings.EqualFold(l, extra) {
				seen = true
				break
			}
		}
		if !seen {
			lines = append(lines, extra)
		}
	}
	return strings.Join(lines, "\n")
}

// firstContact returns the first usable value of a telecom system,
// preferring home and mobile numbers, and current ones, to the rest.
func firstContact(telecom []ContactPoint, system string, valid func(string) bool) string {
	c, ok := best(telecom, func(c ContactPoint) int {
		if c.System != system || !valid(strings.TrimSpace(c.Value)) {
			return -1
		}
		switch c.Use {
		case "home", "mobile":
			return 0
		case "":
			return 1
		case "old":
			return -1
		default: // work, temp
			return 2
		}
	}, func(c ContactPoint) *Period { return c.Period })
	if !ok {
		return ""
	}
	return strings.TrimSpace(c.Value)
}

// practiceODS returns the ODS code of the registered practice: the first
// generalPractitioner naming an organisation by ODS code. References to
// practitioners (the GP as a person) are passed over.
func practiceODS(refs []Reference) string {
	for _, r := range refs {
		if r.Type != "" && r.Type != "Organization" || r.Identifier == nil {
			continue
		}
		if r.Identifier.System != ODSOrganizationCodeSystem && r.Identifier.System != pdsODSSystem {
			continue
		}
		if code := strings.ToUpper(strings.TrimSpace(r.Identifier.Value)); code != "" {
			return code
		}
	}
	return ""
}

func nonBlank(ss []string) []string {
	var out []string
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// clip shortens a value quoted in a reason, so a runaway field cannot
// flood a report.
func clip(s string) string {
	const limit = 40
	if len(s) > limit {
		s = strings.ToValidUTF8(s[:limit], "") + "…"
	}
	return s
}
