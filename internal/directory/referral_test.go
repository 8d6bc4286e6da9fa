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

func TestReferralTargetsPutServicesCoveringThePersonFirst(t *testing.T) {
	ix := newTestIndex()
	for _, c := range []struct {
		name   string
		person ReferralPerson
		need   string
		want   []string // service ids, in order
		covers int      // how many of them, first, cover the person
	}{
		// Services without a team, or whose organisation has closed, take
		// no referrals through joinedup. District nursing is placed where
		// its organisation is, beside the Hackney services, and takes the
		// patients of F84003.
		{"a Hackney resident, any need", ReferralPerson{Postcode: "E5 0PQ", PracticeODS: "F84003"}, "",
			[]string{"s-carers", "s-nursing", "s-hackney", "s-croydon"}, 3},
		{"a Hackney resident of no practice in the directory", ReferralPerson{Postcode: "E5 0PQ"}, "",
			[]string{"s-carers", "s-hackney", "s-nursing", "s-croydon"}, 2},
		{"a Croydon resident, personal care", ReferralPerson{Postcode: "CR0 1EA"}, "personal-care",
			[]string{"s-croydon", "s-nursing", "s-hackney"}, 1},
		{"nowhere known", ReferralPerson{}, "", []string{"s-croydon", "s-carers", "s-nursing", "s-hackney"}, 0},
	} {
		got := ix.ReferralTargets(c.person, c.need, 10)
		var ids []string
		covers := 0
		for i, tg := range got {
			ids = append(ids, tg.Service.ID)
			if tg.Covers {
				if i != covers {
					t.Errorf("%s: %s covers the person but comes after one that does not", c.name, tg.Service.ID)
				}
				covers++
			}
		}
		if strings.Join(ids, " ") != strings.Join(c.want, " ") || covers != c.covers {
			t.Errorf("%s: targets %v (%d covering), want %v (%d)", c.name, ids, covers, c.want, c.covers)
		}
	}
}

func TestReferralTargetsStopAtTheLimit(t *testing.T) {
	ix := newTestIndex()
	got := ix.ReferralTargets(ReferralPerson{Postcode: "CR0 1EA"}, "", 1)
	if len(got) != 1 || got[0].Service.ID != "s-croydon" || !got[0].Covers {
		t.Errorf("the first target for a Croydon resident = %+v, want Croydon Reablement alone", got)
	}
}
