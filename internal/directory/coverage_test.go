package directory

import (
	"strings"
	"testing"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/store"
)

func TestPracticeCoverage(t *testing.T) {
	t.Parallel()
	ix := newTestIndex()
	ix.Apply(store.DirectoryData{
		Teams: []care.Team{
			{ID: "t-north", OrganisationID: "o-hackney", Name: "North Locality Team", Kind: care.TeamLocalitySocialWork, Practices: []string{"p-F84003"}},
			{ID: "t-spa", OrganisationID: "o-hackney", Name: "Single Point of Access", Kind: care.TeamDutySPA},
			{ID: "t-croydon-spa", OrganisationID: "o-croydon", Name: "Croydon Single Point of Access", Kind: care.TeamDutySPA},
		},
		Contacts: []care.Contact{
			{ID: "n1", OrganisationID: "o-hackney", TeamID: "t-north", Role: "Duty social worker", Phone: "020 7946 0120", Duty: true},
			{ID: "n2", OrganisationID: "o-hackney", TeamID: "t-north", PracticeID: "p-F84003", Name: "Leyla Yilmaz", Role: "Link social worker", Phone: "020 7946 0122"},
			{ID: "s1", OrganisationID: "o-hackney", TeamID: "t-spa", Role: "Adult social care duty line", Phone: "020 7946 0110", Duty: true},
			{ID: "s2", OrganisationID: "o-hackney", TeamID: "t-spa", Name: "Rachel Goldberg", Role: "Business support", Phone: "020 7946 0119"},
		},
	}, nil)

	cov, ok := ix.PracticeCoverage("p-F84003")
	if !ok || cov.LocalAuthority != hackney {
		t.Fatalf("coverage = %+v", cov)
	}
	if len(cov.Locality) != 1 || cov.Locality[0].Team.ID != "t-north" || len(cov.Locality[0].Contacts) != 1 || cov.Locality[0].Contacts[0].ID != "n1" {
		t.Errorf("locality = %+v", cov.Locality)
	}
	// Only Hackney's single point of access, and only its duty contacts.
	if len(cov.SinglePoint) != 1 || cov.SinglePoint[0].Team.ID != "t-spa" || len(cov.SinglePoint[0].Contacts) != 1 || cov.SinglePoint[0].Contacts[0].ID != "s1" {
		t.Errorf("single point = %+v", cov.SinglePoint)
	}
	if len(cov.Named) != 2 || cov.Named[0].Contact.Name != "Grace Adeyemi" || cov.Named[1].Contact.Name != "Leyla Yilmaz" {
		t.Errorf("named = %+v", cov.Named)
	}
	if len(cov.Others) != 1 || cov.Others[0].Team.ID != "t-nursing" {
		t.Errorf("others = %+v", cov.Others)
	}
	if _, ok := ix.PracticeCoverage("o-hackney"); ok {
		t.Error("a council has practice coverage")
	}

	team, practices, ok := ix.PracticesCoveredBy("t-nursing")
	if !ok || team.Name != "District Nursing Team" || len(practices) != 2 || practices[0].Practice.ODSCode != "F84008" ||
		len(practices[1].Named) != 1 || practices[1].Named[0].Name != "Grace Adeyemi" {
		t.Errorf("covered by nursing = %+v", practices)
	}
	// The reverse list follows a change to the team's practices.
	ix.Apply(store.DirectoryData{Teams: []care.Team{{ID: "t-north", OrganisationID: "o-hackney", Name: "North Locality Team",
		Kind: care.TeamLocalitySocialWork, Practices: []string{"p-F84008"}}}}, nil)
	if cov, _ := ix.PracticeCoverage("p-F84003"); len(cov.Locality) != 0 {
		t.Errorf("F84003 still linked to the north team: %+v", cov.Locality)
	}
	if cov, _ := ix.PracticeCoverage("p-F84008"); len(cov.Locality) != 1 {
		t.Errorf("F84008 not linked to the north team: %+v", cov.Locality)
	}
}

func TestFindPracticesAndDescribeArea(t *testing.T) {
	t.Parallel()
	ix := newTestIndex()
	for _, q := range []string{"clapton", "f84003", "  LOWER  clapton ", "e50pq"} {
		found := ix.FindPractices(q, 10)
		if len(found) == 0 || found[0].ODSCode != "F84003" {
			t.Errorf("FindPractices(%q) = %v", q, found)
		}
	}
	if got := ix.FindPractices("F84", 1); len(got) != 1 {
		t.Errorf("limit ignored: %d", len(got))
	}
	if got := ix.FindPractices("", 10); got != nil {
		t.Errorf("empty query found %d", len(got))
	}
	cases := map[care.CatchmentArea]string{
		{Kind: care.CatchLocalAuthority, Code: croydon}: "Croydon (council area)",
		{Kind: care.CatchOutcode, Code: "E8"}:           "Postcode district E8",
		{Kind: care.CatchSector, Code: "E8 1"}:          "Postcode sector E8 1",
		{Kind: care.CatchPractice, Code: "F84003"}:      "Patients registered with Lower Clapton Group Practice (F84003)",
		{Kind: care.CatchPractice, Code: "Y99999"}:      "Patients registered with the practice Y99999",
	}
	for a, want := range cases {
		if got := ix.DescribeArea(a); got != want {
			t.Errorf("DescribeArea(%v) = %q, want %q", a, got, want)
		}
	}
	if !strings.Contains(ix.DescribeArea(care.CatchmentArea{Kind: care.CatchWard, Code: "E05009367"}), "E05009367") {
		t.Error("ward")
	}
}
