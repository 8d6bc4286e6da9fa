package care

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Person is someone whose care joinedup helps to join up: who they are,
// where they live, who their GP is and how to reach them. What matters to
// them ("about me") is the first section of their care and support plan, so
// it is written down once and has a history.
type Person struct {
	ID            string
	NHSNumber     NHSNumber
	GivenName     string
	FamilyName    string
	PreferredName string // what they like to be called, if not their given name
	DateOfBirth   string // YYYY-MM-DD
	// Address holds the lines of the address without the postcode, one per
	// line.
	Address  string
	Postcode string
	// LocalAuthorityGSS is the ONS code of the council whose area the
	// postcode is in, which is the council responsible for their social care.
	LocalAuthorityGSS string
	// RegisteredPracticeID is the organisation id of the GP practice the
	// person is registered with.
	RegisteredPracticeID string
	Phone                string
	Email                string
	ContactPreference    ContactMethod
	// ContactNotes says when and how best to get in touch, in plain words.
	ContactNotes string
	// Language is the language they prefer to speak and read.
	Language           string
	Interpreter        bool
	AccessibleFormats  []AccessibleFormat
	CommunicationNotes string
	Objection          Objection
	Version            int
}

// Objection records that the person has asked for their information not to
// be shared beyond the organisations that already hold it.
type Objection struct {
	Recorded bool
	// OrgID is the organisation that recorded the objection. Its care-team
	// members, and the registered practice, still see the record.
	OrgID      string
	RecordedAt time.Time
}

// FullName is the name as the record shows it at the top of a page.
func (p Person) FullName() string {
	return strings.TrimSpace(p.GivenName + " " + p.FamilyName)
}

// ContactMethod is how the person prefers to be contacted.
type ContactMethod string

const (
	ContactPhone  ContactMethod = "phone"
	ContactText   ContactMethod = "text"
	ContactEmail  ContactMethod = "email"
	ContactLetter ContactMethod = "letter"
)

// ContactMethods lists the methods in the order a form offers them.
var ContactMethods = []ContactMethod{ContactPhone, ContactText, ContactEmail, ContactLetter}

var contactLabels = map[ContactMethod]string{
	ContactPhone:  "Phone call",
	ContactText:   "Text message",
	ContactEmail:  "Email",
	ContactLetter: "Letter",
}

// Label is the method as a form shows it.
func (c ContactMethod) Label() string { return contactLabels[c] }

// AccessibleFormat is a way information must be given to the person, in the
// terms of the Accessible Information Standard.
type AccessibleFormat string

const (
	FormatLargePrint AccessibleFormat = "large_print"
	FormatEasyRead   AccessibleFormat = "easy_read"
	FormatBraille    AccessibleFormat = "braille"
	FormatAudio      AccessibleFormat = "audio"
	FormatBSL        AccessibleFormat = "bsl"
	FormatDeafblind  AccessibleFormat = "deafblind_manual"
)

// AccessibleFormats lists the formats in the order a form offers them.
var AccessibleFormats = []AccessibleFormat{FormatLargePrint, FormatEasyRead, FormatBraille, FormatAudio, FormatBSL, FormatDeafblind}

var formatLabels = map[AccessibleFormat]string{
	FormatLargePrint: "Large print",
	FormatEasyRead:   "Easy read",
	FormatBraille:    "Braille",
	FormatAudio:      "Audio",
	FormatBSL:        "British Sign Language interpreter",
	FormatDeafblind:  "Deafblind manual interpreter",
}

// Label is the format as people say it.
func (f AccessibleFormat) Label() string { return formatLabels[f] }

// ParseAccessibleFormats reads the codes a form sent, dropping repeats and
// refusing unknown codes, and returns them in the standard order.
func ParseAccessibleFormats(codes []string) ([]AccessibleFormat, bool) {
	var out []AccessibleFormat
	for _, c := range codes {
		f := AccessibleFormat(c)
		if _, ok := formatLabels[f]; !ok {
			return nil, false
		}
		if !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	slices.SortFunc(out, func(a, b AccessibleFormat) int {
		return slices.Index(AccessibleFormats, a) - slices.Index(AccessibleFormats, b)
	})
	return out, true
}

// Limits on free text, generous enough for anything a person would type and
// small enough that a pasted document is refused rather than stored.
const (
	maxName      = 100
	maxShortText = 200
	maxLongText  = 4000
)

// NormalisePerson trims what people type, so "  Ann " and "Ann" are the same.
func NormalisePerson(p Person) Person {
	p.GivenName = strings.TrimSpace(p.GivenName)
	p.FamilyName = strings.TrimSpace(p.FamilyName)
	p.PreferredName = strings.TrimSpace(p.PreferredName)
	p.Address = normaliseLines(p.Address)
	p.Postcode = strings.TrimSpace(p.Postcode)
	p.Phone = strings.TrimSpace(p.Phone)
	p.Email = strings.TrimSpace(p.Email)
	p.ContactNotes = strings.TrimSpace(p.ContactNotes)
	p.Language = strings.TrimSpace(p.Language)
	p.CommunicationNotes = strings.TrimSpace(p.CommunicationNotes)
	return p
}

// normaliseLines trims each line and drops empty ones, and turns Windows line
// ends (which browsers send) into plain ones.
func normaliseLines(s string) string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// ValidatePerson checks a person's details before they are saved and returns
// every problem, field by field. The postcode's format is checked by the geo
// package, which knows postcodes; here it only has to be there. today is the
// date in England, for checking the date of birth.
func ValidatePerson(p Person, today time.Time) FieldErrors {
	var errs FieldErrors
	if _, err := ParseNHSNumber(string(p.NHSNumber)); err != nil {
		errs.Add("nhs_number", MessageOf(err))
	}
	checkText(&errs, "given_name", "The first name", p.GivenName, maxName, "Enter their first name")
	checkText(&errs, "family_name", "The last name", p.FamilyName, maxName, "Enter their last name")
	checkText(&errs, "preferred_name", "The name they like to be called", p.PreferredName, maxName, "")
	if p.DateOfBirth == "" {
		errs.Add("date_of_birth", "Enter their date of birth")
	} else if msg := checkBirthDate(p.DateOfBirth, today); msg != "" {
		errs.Add("date_of_birth", msg)
	}
	checkText(&errs, "address", "The address", p.Address, maxLongText/4, "Enter their address")
	if p.Postcode == "" {
		errs.Add("postcode", "Enter their postcode")
	}
	if p.RegisteredPracticeID == "" {
		errs.Add("registered_practice", "Choose the GP practice they are registered with")
	}
	if p.Phone != "" && !ValidPhone(p.Phone) {
		errs.Add("phone", "Enter a phone number, like 020 7946 0000 or 07700 900000")
	}
	if p.Email != "" && !ValidEmail(p.Email) {
		errs.Add("email", "Enter an email address in the correct format, like name@example.com")
	}
	switch p.ContactPreference {
	case "", ContactLetter:
	case ContactPhone, ContactText:
		if p.Phone == "" {
			errs.Add("phone", "Enter a phone number, or choose another way to contact them")
		}
	case ContactEmail:
		if p.Email == "" {
			errs.Add("email", "Enter an email address, or choose another way to contact them")
		}
	default:
		errs.Add("contact_preference", "Choose how they prefer to be contacted")
	}
	checkText(&errs, "contact_notes", "The notes on contacting them", p.ContactNotes, maxShortText, "")
	checkText(&errs, "language", "The language", p.Language, maxName, "")
	for _, f := range p.AccessibleFormats {
		if _, ok := formatLabels[f]; !ok {
			errs.Add("accessible_formats", "Choose formats from the list")
		}
	}
	checkText(&errs, "communication_notes", "The notes on communicating with them", p.CommunicationNotes, maxLongText, "")
	return errs
}

// checkText adds a problem when a required value is missing (required is the
// message; "" means optional) or a value is too long. what names the field
// in the error summary, where a message stands alone: "The first name".
func checkText(errs *FieldErrors, field, what, value string, max int, required string) {
	switch {
	case value == "" && required != "":
		errs.Add(field, required)
	case utf8.RuneCountInString(value) > max:
		errs.Add(field, what+" must be "+itoa(max)+" characters or fewer")
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// checkBirthDate accepts a date of birth that is a real date, not in the
// future and not implausibly long ago.
func checkBirthDate(s string, today time.Time) string {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return "Date of birth must be a real date"
	}
	t := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	if d.After(t) {
		return "Date of birth must be today or in the past"
	}
	if d.Before(t.AddDate(-130, 0, 0)) {
		return "Date of birth must be within the last 130 years"
	}
	return ""
}

// ValidPhone accepts a UK or international phone number as people write it:
// digits with spaces, hyphens, brackets and a leading +, 10 to 15 digits.
func ValidPhone(s string) bool {
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == ' ' || r == '-' || r == '(' || r == ')':
		case r == '+' && i == 0:
		default:
			return false
		}
	}
	return digits >= 10 && digits <= 15
}

// ValidEmail is the same plain check as for users' addresses: something, an
// at sign, something, and no spaces or list separators.
func ValidEmail(s string) bool {
	at := strings.IndexByte(s, '@')
	return at >= 1 && at < len(s)-1 && !strings.ContainsAny(s, " <>,;") && len(s) <= 254
}

// SameNameAndBirth reports whether two people have the same first and last
// names (ignoring case and spacing) and date of birth: the sign that one may
// be registered twice under different NHS numbers.
func SameNameAndBirth(a, b Person) bool {
	return a.DateOfBirth == b.DateOfBirth && foldName(a.GivenName) == foldName(b.GivenName) &&
		foldName(a.FamilyName) == foldName(b.FamilyName)
}

// foldName compares names the way people read them: case, spacing and
// hyphens do not matter ("Smith-Jones" is "smith jones").
func foldName(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return r == ' ' || r == '-' || r == '\''
	}), " ")
}

// FoldName is the form names are stored in for searching.
func FoldName(s string) string { return foldName(strings.TrimSpace(s)) }

// ParseDate reads a date typed as day, month and year in three boxes, as the
// NHS.UK date input asks for it, and returns it as YYYY-MM-DD. The error
// message can be shown next to the field.
func ParseDate(day, month, year string) (string, string) {
	day, month, year = strings.TrimSpace(day), strings.TrimSpace(month), strings.TrimSpace(year)
	if day == "" && month == "" && year == "" {
		return "", "Enter a date"
	}
	d, okD := smallNumber(day, 2)
	m, okM := smallNumber(month, 2)
	y, okY := smallNumber(year, 4)
	switch {
	case !okD || !okM || !okY:
		return "", "Enter the date as numbers, like 27 3 1950"
	case len(year) != 4 || y < 1000:
		return "", "Enter the year as 4 numbers, like 1950"
	case m < 1 || m > 12:
		return "", "The month must be a number from 1 to 12"
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if d < 1 || t.Day() != d || t.Month() != time.Month(m) {
		return "", "Enter a real date"
	}
	return t.Format(time.DateOnly), ""
}

// smallNumber parses at most width decimal digits.
func smallNumber(s string, width int) (int, bool) {
	if s == "" || len(s) > width {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, true
}

// DateParts splits YYYY-MM-DD back into the boxes a form shows, without
// leading zeros on the day and month.
func DateParts(s string) (day, month, year string) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return "", "", ""
	}
	return itoa(t.Day()), itoa(int(t.Month())), itoa(t.Year())
}

// Carer is a family member, friend or paid carer who supports the person.
type Carer struct {
	ID           string
	PersonID     string
	Name         string
	Relationship string // "daughter", "neighbour", in the person's words
	Phone        string
	Email        string
	// MayBeTold records whether the person agrees that staff may share
	// information about their care with this carer.
	MayBeTold bool
	Version   int
}

// ValidateCarer checks a carer's details. mayBeToldGiven says whether the
// form's yes-or-no answer was given at all: it has no safe default.
func ValidateCarer(c Carer, mayBeToldGiven bool) FieldErrors {
	var errs FieldErrors
	checkText(&errs, "carer_name", "The carer's name", strings.TrimSpace(c.Name), maxName, "Enter the carer's name")
	checkText(&errs, "carer_relationship", "How they know the person", strings.TrimSpace(c.Relationship), maxName, "Enter how they know the person, like daughter or neighbour")
	phone, email := strings.TrimSpace(c.Phone), strings.TrimSpace(c.Email)
	switch {
	case phone == "" && email == "":
		errs.Add("carer_phone", "Enter a phone number or an email address for the carer")
	case phone != "" && !ValidPhone(phone):
		errs.Add("carer_phone", "Enter a phone number, like 020 7946 0000 or 07700 900000")
	}
	if email != "" && !ValidEmail(email) {
		errs.Add("carer_email", "Enter an email address in the correct format, like name@example.com")
	}
	if !mayBeToldGiven {
		errs.Add("may_be_told", "Say whether the person agrees that staff may tell this carer about their care")
	}
	return errs
}

// AlertKind is what an alert warns about.
type AlertKind string

const (
	AlertRiskToSelf   AlertKind = "risk_to_self"
	AlertRiskToStaff  AlertKind = "risk_to_staff"
	AlertSafeguarding AlertKind = "safeguarding"
)

// AlertKinds lists the kinds in the order a form offers them.
var AlertKinds = []AlertKind{AlertRiskToSelf, AlertRiskToStaff, AlertSafeguarding}

var alertLabels = map[AlertKind]string{
	AlertRiskToSelf:   "Risk to self",
	AlertRiskToStaff:  "Risk to staff",
	AlertSafeguarding: "Safeguarding",
}

// Label is the kind as people say it.
func (k AlertKind) Label() string { return alertLabels[k] }

// Sensitivity decides who may read an alert.
type Sensitivity string

const (
	// SensitivityStandard alerts are shown to everyone who may see the record.
	SensitivityStandard Sensitivity = "standard"
	// SensitivitySensitive alerts are shown only to the roles in
	// SensitiveAlertRoles; everyone else is told one exists and whom to ask.
	SensitivitySensitive Sensitivity = "sensitive"
)

// Sensitivities lists the levels in the order a form offers them.
var Sensitivities = []Sensitivity{SensitivityStandard, SensitivitySensitive}

// Label is the level as people say it.
func (s Sensitivity) Label() string {
	switch s {
	case SensitivityStandard:
		return "Everyone who can see the record"
	case SensitivitySensitive:
		return "Only GPs, social workers, team managers, nurses and occupational therapists"
	}
	return string(s)
}

// Alert warns staff about a risk before they act.
type Alert struct {
	ID          string
	PersonID    string
	Kind        AlertKind
	Sensitivity Sensitivity
	Description string
	CreatedAt   time.Time
	CreatedBy   string // the name of who added it
	Version     int
}

// ValidateAlert checks an alert before it is added.
func ValidateAlert(a Alert) FieldErrors {
	var errs FieldErrors
	if _, ok := alertLabels[a.Kind]; !ok {
		errs.Add("alert_kind", "Choose what the alert is about")
	}
	switch a.Sensitivity {
	case SensitivityStandard:
	case SensitivitySensitive:
		// Anyone who may visit must know about a risk to them, so this kind
		// of alert can never be hidden from anyone who can see the record.
		if a.Kind == AlertRiskToStaff {
			errs.Add("sensitivity", "A risk to staff must be seen by everyone who may visit, so it cannot be sensitive")
		}
	default:
		errs.Add("sensitivity", "Choose who may see the alert")
	}
	checkText(&errs, "alert_description", "The description of the risk", strings.TrimSpace(a.Description), 500, "Describe the risk and what staff should do")
	return errs
}
