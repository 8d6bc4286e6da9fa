package directory

import (
	"slices"
	"testing"

	"github.com/joinedup/joinedup/internal/care"
)

func TestServiceChanges(t *testing.T) {
	t.Parallel()
	base := fixture().Services[0]
	cases := []struct {
		name string
		edit func(*care.Service)
		want []string
	}{
		{"nothing", func(*care.Service) {}, nil},
		{"same needs in another order", func(s *care.Service) { s.Needs = []string{s.Needs[1], s.Needs[0]} }, nil},
		{"wait and capacity", func(s *care.Service) {
			s.TypicalWait = "3 weeks"
			s.Capacity = care.Capacity{State: care.CapacityWaitlist, WaitBand: care.Wait2To6Weeks}
		}, []string{"typical wait", "capacity"}},
		{"capacity time only", func(s *care.Service) { s.Capacity.UpdatedAt = testNow }, nil},
		{"areas", func(s *care.Service) {
			s.Catchment = append(s.Catchment, care.CatchmentArea{Kind: care.CatchOutcode, Code: "N16"})
		}, []string{"areas covered"}},
		{"ages and referral", func(s *care.Service) {
			s.Eligibility.MinAge = 65
			s.Referral.Phone = "020 7946 0999"
		}, []string{"ages", "referral contact details"}},
		{"verification only", func(s *care.Service) { s.Verified = care.Verification{At: testNow, ByName: "X"} }, nil},
	}
	for _, c := range cases {
		next := base
		next.Needs = slices.Clone(base.Needs)
		next.Catchment = slices.Clone(base.Catchment)
		c.edit(&next)
		if got := ServiceChanges(base, next); !slices.Equal(got, c.want) {
			t.Errorf("%s: changes = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestParsePostcodeAreasAndCodes(t *testing.T) {
	t.Parallel()
	got, err := ParsePostcodeAreas(" e8, N16 7\nCR0 ;se6 ")
	want := []care.CatchmentArea{{Kind: care.CatchOutcode, Code: "E8"}, {Kind: care.CatchSector, Code: "N16 7"},
		{Kind: care.CatchOutcode, Code: "CR0"}, {Kind: care.CatchOutcode, Code: "SE6"}}
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("ParsePostcodeAreas = %v, %v", got, err)
	}
	for _, bad := range []string{"E8 1AA", "Hackney", "E8 12", "QQ1"} {
		if _, err := ParsePostcodeAreas(bad); !care.IsKind(err, care.KindInvalid) {
			t.Errorf("ParsePostcodeAreas(%q) = %v", bad, err)
		}
	}
	codes, err := ParseCodes("f84003, F84008\nf84003  e09000012")
	if err != nil || !slices.Equal(codes, []string{"F84003", "F84008", "E09000012"}) {
		t.Fatalf("ParseCodes = %v, %v", codes, err)
	}
}

func FuzzParsePostcodeAreas(f *testing.F) {
	for _, s := range []string{"E8", "e8 1, n16", "CR0\nSE6 4", ",,", "E8 1AA"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		areas, err := ParsePostcodeAreas(s)
		if err != nil {
			if !care.IsKind(err, care.KindInvalid) {
				t.Fatalf("error of kind %v", care.KindOf(err))
			}
			return
		}
		for _, a := range areas {
			sv := care.Service{OrganisationID: "o", Name: "n", Description: "d", Status: care.ServiceActive,
				Needs: []string{"personal-care"}, Catchment: []care.CatchmentArea{a},
				Referral: care.Referral{Methods: []care.ReferralMethod{care.ReferSelf}}, Capacity: care.Capacity{State: care.CapacityAccepting}}
			if err := sv.Validate(); err != nil {
				t.Fatalf("%q gave area %v that a service cannot hold: %v", s, a, err)
			}
		}
	})
}
