package directory

import (
	"strings"
	"testing"
)

func TestReferralWarnings(t *testing.T) {
	t.Parallel()
	ix := newTestIndex()
	washing := "personal-care/washing-and-dressing"
	hackneyPerson := ReferralPerson{Postcode: "E5 0PQ", PracticeODS: "F84003", Age: 84, HasAge: true}
	tests := []struct {
		name    string
		service string
		need    string
		person  ReferralPerson
		want    []string // each a part of one warning, in order; nil for none
	}{
		{"eligible", "s-hackney", washing, hackneyPerson, nil},
		{"another borough", "s-croydon", washing, hackneyPerson, []string{"Covers Croydon only"}},
		{"too young", "s-hackney", washing, ReferralPerson{Postcode: "E5 0PQ", Age: 16, HasAge: true}, []string{"18+ only"}},
		{"limited to carers", "s-carers", washing, hackneyPerson, []string{"Only for people who need", "does not list help with washing"}},
		{"need not listed", "s-nursing", "money-housing-and-benefits/benefits-and-money-advice", hackneyPerson, []string{"does not list help with"}},
		{"practice list, registered there", "s-nursing", washing, hackneyPerson, nil},
		{"practice list, registered elsewhere", "s-nursing", washing, ReferralPerson{Postcode: "CR0 1EA", PracticeODS: "F84008", Age: 80, HasAge: true}, nil},
		{"no postcode", "s-hackney", washing, ReferralPerson{}, []string{"no postcode we recognise"}},
		{"closed organisation", "s-closed", washing, hackneyPerson, []string{"not running"}},
		{"unknown service", "s-none", washing, hackneyPerson, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ix.ReferralWarnings(tt.service, tt.need, tt.person)
			if len(got) != len(tt.want) {
				t.Fatalf("warnings = %q, want parts %q", got, tt.want)
			}
			for i, part := range tt.want {
				if !strings.Contains(got[i], part) {
					t.Errorf("warning %d = %q, want it to contain %q", i, got[i], part)
				}
			}
		})
	}
}
