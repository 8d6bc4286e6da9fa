package care

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// OrgKind is the kind of organisation: it decides which identifier it carries.
type OrgKind string

const (
	OrgGPPractice      OrgKind = "gp_practice"
	OrgLocalAuthority  OrgKind = "local_authority"
	OrgNHSTrust        OrgKind = "nhs_trust"
	OrgICB             OrgKind = "icb"
	OrgCommunityHealth OrgKind = "community_health"
	OrgVCS             OrgKind = "vcs"
)

var orgKindLabels = map[OrgKind]string{
	OrgGPPractice:      "GP practice",
	OrgLocalAuthority:  "Local authority",
	OrgNHSTrust:        "NHS trust",
	OrgICB:             "Integrated care board",
	OrgCommunityHealth: "Community health service",
	OrgVCS:             "Voluntary and community sector",
}

// Label is the kind's name as people say it.
func (k OrgKind) Label() string { return orgKindLabels[k] }

// Valid reports whether k is a known kind.
func (k OrgKind) Valid() bool { _, ok := orgKindLabels[k]; return ok }

// Organisation is a GP practice, council, NHS body or voluntary group.
type Organisation struct {
	ID   string
	Name string
	Kind OrgKind
	// ODSCode identifies NHS organisations and GP practices; GSSCode
	// identifies local authorities and ICBs (ONS codes, such as E09000012).
	ODSCode           string
	GSSCode           string
	Postcode          string
	Phone             string
	LocalAuthorityGSS string
	// The directory's details: what people need to find and contact the
	// organisation.
	Address     string
	Website     string
	Description string
	Status      OrgStatus
	// OpenedOn and ClosedOn are YYYY-MM-DD, from the ODS record for GP
	// practices; ClosedOn is empty while the organisation is open.
	OpenedOn string
	ClosedOn string
	// Commissioner is the ODS code of the body that commissions a GP
	// practice (a CCG in 2020 files).
	Commissioner string
	// ExternalID identifies an organisation imported from another
	// directory, so a second import updates it.
	ExternalID string
	Verified   Verification
	UpdatedAt  time.Time
	Version    int
}

// OrgStatus says whether an organisation is still operating. The empty
// status means active.
type OrgStatus string

const (
	OrgActive  OrgStatus = "active"
	OrgClosed  OrgStatus = "closed"
	OrgDormant OrgStatus = "dormant"
)

// Active reports whether the organisation is operating.
func (s OrgStatus) Active() bool { return s == "" || s == OrgActive }

// Label is the status as a tag says it.
func (s OrgStatus) Label() string {
	switch s {
	case OrgClosed:
		return "Closed"
	case OrgDormant:
		return "Dormant"
	}
	return "Open"
}

// Validate checks an organisation before it is saved.
func (o Organisation) Validate() error {
	var errs FieldErrors
	if strings.TrimSpace(o.Name) == "" {
		errs.Add("name", "Enter the organisation's name")
	}
	if !o.Kind.Valid() {
		errs.Add("kind", "Choose what kind of organisation this is")
	}
	if o.ODSCode != "" && !validODSCode(o.ODSCode) {
		errs.Add("ods_code", "An ODS code is 3 to 6 letters and numbers, like F84003")
	}
	if o.GSSCode != "" && !validGSSCode(o.GSSCode) {
		errs.Add("gss_code", "A GSS code is a letter and 8 digits, like E09000012")
	}
	if o.Phone != "" && !validPhone(o.Phone) {
		errs.Add("phone", "Enter a UK phone number, like 020 7946 0123")
	}
	if o.Website != "" && !validWebAddress(o.Website) {
		errs.Add("website", "Enter a web address starting with https://, like https://www.example.org.uk")
	}
	if utf8.RuneCountInString(o.Description) > maxTextLen {
		errs.Add("description", fmt.Sprintf("The description must be %d characters or fewer", maxTextLen))
	}
	if utf8.RuneCountInString(o.Address) > maxNameLen {
		errs.Add("address", fmt.Sprintf("The address must be %d characters or fewer", maxNameLen))
	}
	switch o.Status {
	case "", OrgActive, OrgClosed, OrgDormant:
	default:
		errs.Add("status", "Choose whether the organisation is open")
	}
	return errs.Err()
}

func validODSCode(s string) bool {
	if len(s) < 3 || len(s) > 6 {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

func validGSSCode(s string) bool {
	if len(s) != 9 || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	for _, r := range s[1:] {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Team is a group of people in an organisation who take work together, such
// as a locality social work team or a practice.
type Team struct {
	ID             string
	OrganisationID string
	Name           string
	Kind           string
	// The directory's details of the team.
	Description string
	Phone       string
	Email       string
	Hours       OpeningHours
	// Practices are the ids of the GP practices the team covers, such as a
	// locality social work team's practices.
	Practices []string
	Verified  Verification
	UpdatedAt time.Time
	Version   int
}

// Validate checks the directory details of a team before they are saved.
func (t Team) Validate() error {
	var errs FieldErrors
	if strings.TrimSpace(t.Name) == "" {
		errs.Add("name", "Enter the team's name")
	} else if utf8.RuneCountInString(t.Name) > maxNameLen {
		errs.Add("name", fmt.Sprintf("The name must be %d characters or fewer", maxNameLen))
	}
	if utf8.RuneCountInString(t.Description) > maxTextLen {
		errs.Add("description", fmt.Sprintf("The description must be %d characters or fewer", maxTextLen))
	}
	if t.Phone != "" && !validPhone(t.Phone) {
		errs.Add("phone", "Enter a UK phone number, like 020 7946 0123")
	}
	if t.Email != "" && !validEmail(t.Email) {
		errs.Add("email", "Enter an email address in the correct format, like team@nhs.net")
	}
	return errs.Err()
}

// User is someone who signs in to joinedup.
type User struct {
	ID          string
	Email       string
	Name        string
	Disabled    bool
	Memberships []Membership
}

// NormaliseEmail gives the form emails are stored and compared in.
func NormaliseEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidateNewUser checks the details of an account before it is created.
func ValidateNewUser(email, name string) error {
	var errs FieldErrors
	email = NormaliseEmail(email)
	at := strings.IndexByte(email, '@')
	if email == "" {
		errs.Add("email", "Enter an email address")
	} else if at < 1 || at == len(email)-1 || strings.ContainsAny(email, " <>,;") {
		errs.Add("email", "Enter an email address in the correct format, like name@example.nhs.uk")
	}
	if strings.TrimSpace(name) == "" {
		errs.Add("name", "Enter the person's full name")
	}
	return errs.Err()
}
