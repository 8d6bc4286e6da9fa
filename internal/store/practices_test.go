package store

import (
	"context"
	"testing"

	"github.com/joinedup/joinedup/internal/care"
)

func TestUpsertPracticesIsIdempotent(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		sys := care.SystemActor("test")
		if err := s.UpsertPostcodes(ctx, sys, []PostcodeRow{{Postcode: "TS18 1HU", LocalAuthority: "E06000004"}}); err != nil {
			t.Fatal(err)
		}
		batch := []care.Organisation{
			{Name: "LOWER CLAPTON GROUP PRACTICE", ODSCode: "F84003", Postcode: "E5 0PQ", Phone: "020 89867111",
				Status: care.OrgActive, OpenedOn: "1974-04-01", Commissioner: "07T", LocalAuthorityGSS: "E09000012"},
			{Name: "THE DENSHAM SURGERY", ODSCode: "A81001", Postcode: "TS18 1HU", Status: care.OrgActive, OpenedOn: "1974-04-01"},
		}
		res, err := s.UpsertPractices(ctx, sys, batch, "NHS ODS epraccur")
		if err != nil || res != (PracticeImport{Created: 2}) {
			t.Fatalf("first import = %+v, %v", res, err)
		}
		densham, err := s.OrganisationByCode(ctx, "A81001")
		if err != nil || densham.LocalAuthorityGSS != "E06000004" || densham.Verified.ByName != "NHS ODS epraccur" || densham.Kind != care.OrgGPPractice {
			t.Fatalf("placed by postcode = %+v, %v", densham, err)
		}
		if teams, _ := s.TeamsOf(ctx, "A81001"); len(teams) != 1 || teams[0].Name != "THE DENSHAM SURGERY practice team" {
			t.Fatalf("practice team = %+v", teams)
		}
		res, err = s.UpsertPractices(ctx, sys, batch, "NHS ODS epraccur")
		if err != nil || res != (PracticeImport{Unchanged: 2}) {
			t.Fatalf("second import = %+v, %v", res, err)
		}
		again, _ := s.OrganisationByCode(ctx, "A81001")
		if again.Version != densham.Version {
			t.Errorf("an unchanged practice got a new version")
		}
		// Title case and phone spacing are not changes; closing is.
		batch[0].Name, batch[0].Phone = "Lower Clapton Group Practice", "020 8986 7111"
		batch[1].Status, batch[1].ClosedOn = care.OrgClosed, "2020-01-31"
		res, err = s.UpsertPractices(ctx, sys, batch, "NHS ODS epraccur")
		if err != nil || res != (PracticeImport{Updated: 1, Unchanged: 1}) {
			t.Fatalf("third import = %+v, %v", res, err)
		}
		closed, _ := s.OrganisationByCode(ctx, "A81001")
		if closed.Status != care.OrgClosed || closed.ClosedOn != "2020-01-31" || closed.Version != densham.Version+1 {
			t.Fatalf("closed = %+v", closed)
		}
		if _, err := s.UpsertPractices(ctx, care.Actor{UserID: "u"}, batch, "x"); !care.IsKind(err, care.KindForbidden) {
			t.Fatalf("a person imported practices: %v", err)
		}
	})
}
