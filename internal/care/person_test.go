package care

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func validPerson() Person {
	return Person{
		NHSNumber: "9990000026", GivenName: "Ada", FamilyName: "Lovelace", DateOfBirth: "1940-12-10",
		Address: "1 Example Road", Postcode: "E8 1AA", RegisteredPracticeID: "org-1",
	}
}

func TestValidatePerson(t *testing.T) {
	t.Parallel()
	today := time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		name  string
		edit  func(*Person)
		field string
		msg   string
	}{
		{"valid", func(*Person) {}, "", ""},
		{"wrong check digit", func(p *Person) { p.NHSNumber = "9990000027" }, "nhs_number", "not a valid NHS number"},
		{"missing NHS number", func(p *Person) { p.NHSNumber = "" }, "nhs_number", "Enter an NHS number"},
		{"no first name", func(p *Person) { p.GivenName = "" }, "given_name", "first name"},
		{"no last name", func(p *Person) { p.FamilyName = "" }, "family_name", "last name"},
		{"long name", func(p *Person) { p.FamilyName = strings.Repeat("a", 101) }, "family_name", "100 characters or fewer"},
		{"no date of birth", func(p *Person) { p.DateOfBirth = "" }, "date_of_birth", "Enter their date of birth"},
		{"future birth", func(p *Person) { p.DateOfBirth = "2026-03-03" }, "date_of_birth", "in the past"},
		{"born today", func(p *Person) { p.DateOfBirth = "2026-03-02" }, "", ""},
		{"too old", func(p *Person) { p.DateOfBirth = "1890-01-01" }, "date_of_birth", "130 years"},
		{"not a date", func(p *Person) { p.DateOfBirth = "2001-02-30" }, "date_of_birth", "real date"},
		{"no address", func(p *Person) { p.Address = "" }, "address", "Enter their address"},
		{"no postcode", func(p *Person) { p.Postcode = "" }, "postcode", "Enter their postcode"},
		{"no practice", func(p *Person) { p.RegisteredPracticeID = "" }, "registered_practice", "GP practice"},
		{"bad phone", func(p *Person) { p.Phone = "call me" }, "phone", "Enter a phone number"},
		{"short phone", func(p *Person) { p.Phone = "12345" }, "phone", "Enter a phone number"},
		{"good phone", func(p *Person) { p.Phone = "+44 (0)20 7946-0000" }, "", ""},
		{"bad email", func(p *Person) { p.Email = "ada at example" }, "email", "correct format"},
		{"text without phone", func(p *Person) { p.ContactPreference = ContactText }, "phone", "choose another way"},
		{"email without address", func(p *Person) { p.ContactPreference = ContactEmail }, "email", "choose another way"},
		{"letter", func(p *Person) { p.ContactPreference = ContactLetter }, "", ""},
		{"unknown preference", func(p *Person) { p.ContactPreference = "pigeon" }, "contact_preference", "Choose how"},
		{"unknown format", func(p *Person) { p.AccessibleFormats = []AccessibleFormat{"smoke"} }, "accessible_formats", "from the list"},
	}
	for _, c := range cases {
		p := validPerson()
		c.edit(&p)
		errs := ValidatePerson(p, today)
		if c.field == "" {
			if len(errs) != 0 {
				t.Errorf("%s: unexpected problems %+v", c.name, errs)
			}
			continue
		}
		if msg := errs.Message(c.field); !strings.Contains(msg, c.msg) {
			t.Errorf("%s: %s = %q, want it to mention %q (all: %+v)", c.name, c.field, msg, c.msg, errs)
		}
	}
}

func TestNormalisePerson(t *testing.T) {
	t.Parallel()
	p := NormalisePerson(Person{GivenName: "  Ada ", Address: " 1 Road \r\n\r\n  Hackney \n", Email: " a@b.com "})
	if p.GivenName != "Ada" || p.Address != "1 Road\nHackney" || p.Email != "a@b.com" {
		t.Errorf("NormalisePerson = %+v", p)
	}
}

func TestSameNameAndBirth(t *testing.T) {
	t.Parallel()
	a := Person{GivenName: "Mary-Ann", FamilyName: "O'Neil", DateOfBirth: "1950-01-01"}
	cases := []struct {
		b    Person
		want bool
	}{
		{Person{GivenName: "mary ann", FamilyName: "o neil", DateOfBirth: "1950-01-01"}, true},
		{Person{GivenName: " MARY-ANN ", FamilyName: "O'NEIL", DateOfBirth: "1950-01-01"}, true},
		{Person{GivenName: "Mary", FamilyName: "O'Neil", DateOfBirth: "1950-01-01"}, false},
		{Person{GivenName: "Mary-Ann", FamilyName: "O'Neil", DateOfBirth: "1950-01-02"}, false},
	}
	for _, c := range cases {
		if got := SameNameAndBirth(a, c.b); got != c.want {
			t.Errorf("SameNameAndBirth(%+v) = %v", c.b, got)
		}
	}
	if FoldName(" Smith-Jones ") != "smith jones" {
		t.Errorf("FoldName = %q", FoldName(" Smith-Jones "))
	}
}

func TestParseDate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		d, m, y string
		want    string
		msg     string
	}{
		{"27", "3", "1950", "1950-03-27", ""},
		{"1", "12", "2000", "2000-12-01", ""},
		{" 09 ", "02", "1961", "1961-02-09", ""},
		{"29", "2", "2024", "2024-02-29", ""},
		{"29", "2", "2023", "", "real date"},
		{"31", "4", "2020", "", "real date"},
		{"0", "4", "2020", "", "real date"},
		{"1", "13", "2020", "", "1 to 12"},
		{"1", "0", "2020", "", "1 to 12"},
		{"1", "1", "50", "", "4 numbers"},
		{"a", "1", "1950", "", "as numbers"},
		{"1", "1", "19500", "", "as numbers"},
		{"", "", "", "", "Enter a date"},
		{"1", "", "1950", "", "as numbers"},
		{"-1", "1", "1950", "", "as numbers"},
	}
	for _, c := range cases {
		got, msg := ParseDate(c.d, c.m, c.y)
		if got != c.want || !strings.Contains(msg, c.msg) || (c.msg == "") != (msg == "") {
			t.Errorf("ParseDate(%q, %q, %q) = %q, %q; want %q, %q", c.d, c.m, c.y, got, msg, c.want, c.msg)
		}
	}
	if d, m, y := DateParts("1950-03-07"); d != "7" || m != "3" || y != "1950" {
		t.Errorf("DateParts = %s %s %s", d, m, y)
	}
	if d, _, _ := DateParts("nonsense"); d != "" {
		t.Errorf("DateParts(nonsense) = %q", d)
	}
}

func FuzzParseDate(f *testing.F) {
	f.Add("27", "3", "1950")
	f.Add("29", "2", "2024")
	f.Add("", "", "")
	f.Add("99", "99", "9999")
	f.Add("1", "1", "0000")
	f.Fuzz(func(t *testing.T, d, m, y string) {
		got, msg := ParseDate(d, m, y)
		if (got == "") == (msg == "") {
			t.Fatalf("ParseDate(%q, %q, %q) = %q, %q: exactly one of a date and a message", d, m, y, got, msg)
		}
		if got == "" {
			return
		}
		parsed, err := time.Parse(time.DateOnly, got)
		if err != nil || parsed.Format(time.DateOnly) != got {
			t.Fatalf("ParseDate gave %q, which is not a canonical date", got)
		}
		// The boxes a form shows for the date read back as the same date.
		if again, msg := ParseDate(DateParts(got)); again != got {
			t.Fatalf("round trip of %q gave %q, %q", got, again, msg)
		}
	})
}

func TestParseAccessibleFormats(t *testing.T) {
	t.Parallel()
	got, ok := ParseAccessibleFormats([]string{"braille", "large_print", "braille"})
	if !ok || !slices.Equal(got, []AccessibleFormat{FormatLargePrint, FormatBraille}) {
		t.Errorf("ParseAccessibleFormats = %v, %v", got, ok)
	}
	if _, ok := ParseAccessibleFormats([]string{"large_print", "smoke signals"}); ok {
		t.Error("an unknown format was accepted")
	}
	for _, f := range AccessibleFormats {
		if f.Label() == "" {
			t.Errorf("%s has no label", f)
		}
	}
}

func TestValidateCarer(t *testing.T) {
	t.Parallel()
	ok := Carer{Name: "Sam", Relationship: "son", Phone: "07700 900123"}
	cases := []struct {
		c     Carer
		given bool
		field string
	}{
		{ok, true, ""},
		{ok, false, "may_be_told"},
		{Carer{Relationship: "son", Phone: "07700 900123"}, true, "carer_name"},
		{Carer{Name: "Sam", Phone: "07700 900123"}, true, "carer_relationship"},
		{Carer{Name: "Sam", Relationship: "son"}, true, "carer_phone"},
		{Carer{Name: "Sam", Relationship: "son", Phone: "nope"}, true, "carer_phone"},
		{Carer{Name: "Sam", Relationship: "son", Email: "sam@example.com"}, true, ""},
		{Carer{Name: "Sam", Relationship: "son", Email: "sam"}, true, "carer_email"},
	}
	for _, c := range cases {
		errs := ValidateCarer(c.c, c.given)
		if c.field == "" && len(errs) > 0 || c.field != "" && errs.Message(c.field) == "" {
			t.Errorf("ValidateCarer(%+v, %v) = %+v, want a problem with %q", c.c, c.given, errs, c.field)
		}
	}
}

func TestValidateAlert(t *testing.T) {
	t.Parallel()
	cases := []struct {
		a     Alert
		field string
	}{
		{Alert{Kind: AlertSafeguarding, Sensitivity: SensitivitySensitive, Description: "Concern about finances"}, ""},
		{Alert{Kind: AlertRiskToStaff, Sensitivity: SensitivityStandard, Description: "Dog in the house"}, ""},
		// A risk to staff must reach every visitor.
		{Alert{Kind: AlertRiskToStaff, Sensitivity: SensitivitySensitive, Description: "Dog"}, "sensitivity"},
		{Alert{Kind: "gossip", Sensitivity: SensitivityStandard, Description: "x"}, "alert_kind"},
		{Alert{Kind: AlertRiskToSelf, Sensitivity: "secret", Description: "x"}, "sensitivity"},
		{Alert{Kind: AlertRiskToSelf, Sensitivity: SensitivityStandard, Description: "  "}, "alert_description"},
		{Alert{Kind: AlertRiskToSelf, Sensitivity: SensitivityStandard, Description: strings.Repeat("x", 501)}, "alert_description"},
	}
	for _, c := range cases {
		errs := ValidateAlert(c.a)
		if c.field == "" && len(errs) > 0 || c.field != "" && errs.Message(c.field) == "" {
			t.Errorf("ValidateAlert(%+v) = %+v, want a problem with %q", c.a, errs, c.field)
		}
	}
	for _, k := range AlertKinds {
		if k.Label() == "" {
			t.Errorf("%s has no label", k)
		}
	}
}

func TestValidateMember(t *testing.T) {
	t.Parallel()
	cases := []struct {
		m     CareTeamMember
		field string
	}{
		{CareTeamMember{Kind: MemberUser, UserID: "u", TeamID: "t", Responsibility: "Care coordination"}, ""},
		{CareTeamMember{Kind: MemberUser, UserID: "u", TeamID: "t"}, "responsibility"},
		{CareTeamMember{Kind: MemberUser, UserID: "u", TeamID: "t", Phone: "x", Responsibility: "y"}, "user_phone"},
		{CareTeamMember{Kind: MemberExternal, Name: "Jo", RoleLabel: "Nurse", OrganisationName: "Trust", Phone: "020 7946 0000"}, "member_responsibility"},
		{CareTeamMember{Kind: MemberUser, Responsibility: "x"}, "membership"},
		{CareTeamMember{Kind: MemberExternal, Name: "Jo", RoleLabel: "District nurse", OrganisationName: "Trust", Phone: "020 7946 0000", Responsibility: "Dressings"}, ""},
		{CareTeamMember{Kind: MemberExternal, RoleLabel: "District nurse", OrganisationName: "Trust", Phone: "020 7946 0000", Responsibility: "x"}, "member_name"},
		{CareTeamMember{Kind: MemberExternal, Name: "Jo", OrganisationName: "Trust", Phone: "020 7946 0000", Responsibility: "x"}, "member_role"},
		{CareTeamMember{Kind: MemberExternal, Name: "Jo", RoleLabel: "Nurse", Phone: "020 7946 0000", Responsibility: "x"}, "member_organisation"},
		{CareTeamMember{Kind: MemberExternal, Name: "Jo", RoleLabel: "Nurse", OrganisationName: "Trust", Responsibility: "x"}, "member_phone"},
		{CareTeamMember{Kind: MemberExternal, Name: "Jo", RoleLabel: "Nurse", OrganisationName: "Trust", Email: "jo", Responsibility: "x"}, "member_email"},
		{CareTeamMember{Kind: "robot", Responsibility: "x"}, "membership"},
	}
	for _, c := range cases {
		errs := ValidateMember(c.m)
		if c.field == "" && len(errs) > 0 || c.field != "" && errs.Message(c.field) == "" {
			t.Errorf("ValidateMember(%+v) = %+v, want a problem with %q", c.m, errs, c.field)
		}
	}
}

func TestValidateBreakGlass(t *testing.T) {
	t.Parallel()
	n, errs := ValidateBreakGlass("999 000 0026", BreakGlassEmergency, "Found collapsed at home, need medication list")
	if len(errs) != 0 || n != "9990000026" {
		t.Fatalf("valid request: %q %+v", n, errs)
	}
	cases := []struct {
		nhs      string
		category BreakGlassReason
		reason   string
		field    string
	}{
		{"9990000027", BreakGlassEmergency, "Found collapsed at home", "nhs_number"},
		{"9990000026", "curiosity", "Found collapsed at home", "category"},
		{"9990000026", BreakGlassOther, "", "reason"},
		{"9990000026", BreakGlassOther, "because", "reason"},
		{"9990000026", BreakGlassOther, strings.Repeat("x", 1001), "reason"},
	}
	for _, c := range cases {
		if _, errs := ValidateBreakGlass(c.nhs, c.category, c.reason); errs.Message(c.field) == "" {
			t.Errorf("ValidateBreakGlass(%q, %q, %q) = %+v, want a problem with %q", c.nhs, c.category, c.reason, errs, c.field)
		}
	}
}

func TestValidateReview(t *testing.T) {
	t.Parallel()
	if errs := ValidateReview(ReviewAppropriate, ""); len(errs) != 0 {
		t.Errorf("appropriate without a note: %+v", errs)
	}
	if errs := ValidateReview(ReviewInappropriate, " "); errs.Message("note") == "" {
		t.Error("inappropriate without a note was accepted")
	}
	if errs := ValidateReview("", ""); errs.Message("outcome") == "" {
		t.Error("no outcome was accepted")
	}
}

func TestParsePersonQuery(t *testing.T) {
	t.Parallel()
	cases := []struct {
		nhs, given, family, d, m, y string
		want                        PersonQuery
		field                       string
	}{
		{nhs: "999 000 0026", want: PersonQuery{NHSNumber: "9990000026"}},
		{nhs: "9990000027", field: "nhs_number"},
		{family: " Lovelace ", given: "Ada", d: "10", m: "12", y: "1940", want: PersonQuery{GivenName: "Ada", FamilyName: "Lovelace", DateOfBirth: "1940-12-10"}},
		{family: "Lovelace", field: "date_of_birth"},
		{d: "10", m: "12", y: "1940", field: "family_name"},
		{given: "Ada", field: "family_name"},
		{family: strings.Repeat("x", 101), d: "1", m: "1", y: "1950", field: "family_name"},
		{field: "nhs_number"},
	}
	for _, c := range cases {
		q, errs := ParsePersonQuery(c.nhs, c.given, c.family, c.d, c.m, c.y)
		if c.field != "" {
			if errs.Message(c.field) == "" {
				t.Errorf("ParsePersonQuery(%+v) = %+v, want a problem with %s", c, errs, c.field)
			}
			continue
		}
		if len(errs) > 0 || q != c.want {
			t.Errorf("ParsePersonQuery(%+v) = %+v, %+v", c, q, errs)
		}
	}
}

func FuzzParsePersonQuery(f *testing.F) {
	f.Add("999 000 0026", "", "", "", "", "")
	f.Add("", "Ada", "Lovelace", "10", "12", "1940")
	f.Add("", "", "O'Neil-Smith", "29", "2", "2024")
	f.Add("x", "", "", "", "", "")
	f.Fuzz(func(t *testing.T, nhs, given, family, d, m, y string) {
		q, errs := ParsePersonQuery(nhs, given, family, d, m, y)
		if len(errs) > 0 {
			for _, e := range errs {
				if e.Message == "" {
					t.Fatalf("a problem with %s has no message", e.Field)
				}
			}
			return
		}
		// A query with no problems is exactly one of the two kinds, and each
		// is complete enough to search with.
		switch {
		case q.ByNHSNumber():
			if _, err := ParseNHSNumber(string(q.NHSNumber)); err != nil || q.FamilyName != "" {
				t.Fatalf("NHS number query %+v", q)
			}
		default:
			if q.FamilyName == "" || q.DateOfBirth == "" {
				t.Fatalf("name query without a name or date: %+v", q)
			}
			if _, err := time.Parse(time.DateOnly, q.DateOfBirth); err != nil {
				t.Fatalf("name query with date %q", q.DateOfBirth)
			}
		}
	})
}

func FuzzParseAccessibleFormats(f *testing.F) {
	f.Add("large_print", "braille", "")
	f.Add("smoke", "", "")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		got, ok := ParseAccessibleFormats([]string{a, b, c})
		if !ok {
			return
		}
		for i, x := range got {
			if x.Label() == "" {
				t.Fatalf("accepted unknown format %q", x)
			}
			if i > 0 && slices.Index(AccessibleFormats, got[i-1]) >= slices.Index(AccessibleFormats, x) {
				t.Fatalf("formats %v are not in order, once each", got)
			}
		}
	})
}
