package fhir

import (
	"strings"
	"testing"
	"time"

	"github.com/joinedup/joinedup/internal/care"
)

var today = time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)

func nhsID(v string) []Identifier {
	return []Identifier{{System: "https://fhir.nhs.uk/Id/other", Value: "123"}, {System: care.NHSNumberSystem, Value: v}}
}

func practice(code string) []Reference {
	return []Reference{{Type: "Organization", Identifier: &Identifier{System: ODSOrganizationCodeSystem, Value: code}}}
}

// basePatient is a patient joinedup can import; each case changes one thing.
func basePatient() Patient {
	return Patient{ResourceType: "Patient", Identifier: nhsID("999 000 0018"),
		Name:                []HumanName{{Use: "official", Family: "Okafor", Given: []string{"Grace"}}},
		BirthDate:           "1941-06-02",
		Address:             []Address{{Use: "home", Line: []string{"12 Chestnut Close"}, PostalCode: "E5 0PQ"}},
		GeneralPractitioner: practice("F84003")}
}

func TestPersonFromPatient(t *testing.T) {
	no, yes := false, true
	cases := []struct {
		name    string
		change  func(p *Patient)
		check   func(r Registration) bool
		problem string // "" when the patient can be imported
	}{
		{"the base patient", func(p *Patient) {}, func(r Registration) bool {
			return r.Person.NHSNumber == "9990000018" && r.Person.GivenName == "Grace" && r.Person.FamilyName == "Okafor" &&
				r.Person.DateOfBirth == "1941-06-02" && r.Person.Address == "12 Chestnut Close" && r.Person.Postcode == "E5 0PQ" &&
				r.PracticeODS == "F84003" && r.Person.RegisteredPracticeID == ""
		}, ""},
		{"official name before usual", func(p *Patient) {
			p.Name = []HumanName{{Use: "usual", Family: "Fletcher", Given: []string{"Jean"}}, {Use: "official", Family: "Baker", Given: []string{"Jean", "Mary"}}}
		}, func(r Registration) bool { return r.Person.FamilyName == "Baker" && r.Person.GivenName == "Jean Mary" }, ""},
		{"usual name when there is no official one", func(p *Patient) {
			p.Name = []HumanName{{Use: "nickname", Family: "Nick"}, {Use: "usual", Family: "Fletcher"}, {Family: "Plain"}}
		}, func(r Registration) bool { return r.Person.FamilyName == "Fletcher" }, ""},
		{"never an old or maiden name", func(p *Patient) {
			p.Name = []HumanName{{Use: "old", Family: "Old"}, {Use: "maiden", Family: "Maiden"}, {Use: "temp", Family: "Temp"}}
		}, func(r Registration) bool { return r.Person.FamilyName == "Temp" }, ""},
		{"a current name before an ended one", func(p *Patient) {
			p.Name = []HumanName{{Use: "official", Family: "Ended", Period: &Period{End: "2020-01-01"}}, {Use: "official", Family: "Current"}}
		}, func(r Registration) bool { return r.Person.FamilyName == "Current" }, ""},
		{"a name with no family name is passed over", func(p *Patient) {
			p.Name = []HumanName{{Use: "official", Text: "Grace Okafor"}, {Use: "usual", Family: "Okafor"}}
		}, func(r Registration) bool { return r.Person.FamilyName == "Okafor" }, ""},
		{"no name at all is left for the domain to refuse", func(p *Patient) { p.Name = nil },
			func(r Registration) bool {
				return r.Person.FamilyName == "" && len(care.ValidatePerson(withPractice(r.Person), today)) > 0
			}, ""},
		{"home address before temporary, city and district added once", func(p *Patient) {
			p.Address = []Address{{Use: "temp", Line: []string{"1 Temp Road"}, PostalCode: "N16 6UA"},
				{Use: "old", Line: []string{"1 Old Road"}, PostalCode: "N4 2NU"},
				{Use: "home", Line: []string{" Flat 3 ", "", "12 Chestnut Close", "LONDON"}, City: "London", District: "Hackney", PostalCode: " E5 0PQ "}}
		}, func(r Registration) bool {
			return r.Person.Address == "Flat 3\n12 Chestnut Close\nLONDON\nHackney" && r.Person.Postcode == "E5 0PQ"
		}, ""},
		{"no usable address", func(p *Patient) {
			p.Address = []Address{{Use: "old", PostalCode: "E5 0PQ"}, {Use: "billing", PostalCode: "E5 0PQ"}}
		},
			func(r Registration) bool { return r.Person.Address == "" && r.Person.Postcode == "" }, ""},
		{"home and mobile numbers before work, never old or unusable", func(p *Patient) {
			p.Telecom = []ContactPoint{{System: "phone", Value: "020 7946 0001", Use: "old"}, {System: "phone", Value: "020 7946 0002", Use: "work"},
				{System: "phone", Value: "not a number", Use: "home"}, {System: "phone", Value: "07700 900003", Use: "mobile"},
				{System: "email", Value: "no at sign"}, {System: "email", Value: "grace@example.com", Use: "work"}}
		}, func(r Registration) bool {
			return r.Person.Phone == "07700 900003" && r.Person.Email == "grace@example.com"
		}, ""},
		{"the practice in the Personal Demographics Service's system, after a practitioner", func(p *Patient) {
			p.GeneralPractitioner = []Reference{{Type: "Practitioner", Identifier: &Identifier{System: ODSOrganizationCodeSystem, Value: "G1234567"}},
				{Reference: "Organization/123"},
				{Identifier: &Identifier{System: "https://digital.nhs.uk/services/organisation-data-service", Value: " f84008 "}}}
		}, func(r Registration) bool { return r.PracticeODS == "F84008" }, ""},
		{"a birth date of a year and month", func(p *Patient) { p.BirthDate = "1941-06" }, nil, "the birth date is not a whole date"},
		{"a birth date that is not a date", func(p *Patient) { p.BirthDate = "1941-02-30" }, nil, "the birth date is not a whole date"},
		{"no birth date is left for the domain to refuse", func(p *Patient) { p.BirthDate = "" },
			func(r Registration) bool { return r.Person.DateOfBirth == "" }, ""},
		{"no NHS number", func(p *Patient) { p.Identifier = p.Identifier[:1] }, nil, "it has no NHS number"},
		{"an NHS number with a wrong check digit", func(p *Patient) { p.Identifier = nhsID("9990000019") }, nil, "NHS number: This is not a valid NHS number"},
		{"no registered practice", func(p *Patient) { p.GeneralPractitioner = practice(" ") }, nil, "names no registered GP practice"},
		{"inactive", func(p *Patient) { p.Active = &no }, nil, "marked inactive"},
		{"active", func(p *Patient) { p.Active = &yes }, func(r Registration) bool { return r.PracticeODS == "F84003" }, ""},
		{"deceased", func(p *Patient) { p.DeceasedBoolean = &yes }, nil, "has died"},
		{"deceased at a time", func(p *Patient) { p.DeceasedDateTime = "2024-01-01" }, nil, "has died"},
		{"not deceased", func(p *Patient) { p.DeceasedBoolean = &no }, func(r Registration) bool { return r.PracticeODS == "F84003" }, ""},
		{"not a patient", func(p *Patient) { p.ResourceType = "Practitioner" }, nil, "it is a Practitioner resource, not a Patient"},
		{"no resource type", func(p *Patient) { p.ResourceType = "" }, nil, "it has no resourceType"},
		{"every problem at once", func(p *Patient) { p.Identifier = nil; p.BirthDate = "1941"; p.GeneralPractitioner = nil },
			nil, "it has no NHS number (an identifier with system https://fhir.nhs.uk/Id/nhs-number); the birth date is not a whole date"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := basePatient()
			c.change(&p)
			r, err := PersonFromPatient(p)
			if c.problem == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if !c.check(r) {
					t.Fatalf("mapped to %+v, practice %q", r.Person, r.PracticeODS)
				}
				return
			}
			if !care.IsKind(err, care.KindInvalid) || !strings.Contains(care.MessageOf(err), c.problem) {
				t.Fatalf("error %v, want one saying %q", err, c.problem)
			}
		})
	}
}
