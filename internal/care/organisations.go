package care

import "strings"

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
	Version           int
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
	Version        int
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
