package oruk

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/joinedup/joinedup/internal/care"
)

func readFeedFile(t *testing.T, path string) (FeedReport, []FeedItem) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var items []FeedItem
	rep, err := ReadFeed(f, func(it FeedItem) error { items = append(items, it); return nil })
	if err != nil {
		t.Fatal(err)
	}
	return rep, items
}

func TestReadFeed(t *testing.T) {
	t.Parallel()
	rep, items := readFeedFile(t, "testdata/oruk-feed.json")
	if rep.Items != 6 || rep.Organisations != 1 || rep.Services != 3 || rep.RejectedCount != 2 || len(items) != 4 {
		t.Fatalf("report = %+v, %d items", rep, len(items))
	}
	if rep.Rejected[0].Row != 4 || !strings.Contains(rep.Rejected[0].Reason, "no service area joinedup understands") {
		t.Errorf("first rejection = %+v", rep.Rejected[0])
	}
	if rep.Rejected[1].Row != 6 || !strings.Contains(rep.Rejected[1].Reason, "name should be a string") {
		t.Errorf("second rejection = %+v", rep.Rejected[1])
	}
	if len(rep.Warnings) != 2 || rep.Warnings[0].Row != 2 || rep.Warnings[1].Row != 5 {
		t.Errorf("warnings = %+v", rep.Warnings)
	}
	org := items[0].Organisation
	if org == nil || org.ExternalID != "oruk:5b1f3f0e-1c1a-4c55-9f55-0a1b2c3d4e01" || org.Phone != "020 7946 0801" ||
		org.Postcode != "E8 1DY" || org.Website != "https://befriending.example.org.uk" || org.Kind != care.OrgVCS {
		t.Fatalf("organisation = %+v", org)
	}
	tel := items[1].Service
	if tel == nil || tel.Organisation != org.ExternalID {
		t.Fatalf("telephone befriending = %+v", tel)
	}
	sv := tel.Service
	if sv.Catchment[0] != (care.CatchmentArea{Kind: care.CatchLocalAuthority, Code: "E09000012"}) || sv.Eligibility.MinAge != 60 ||
		sv.Needs[0] != "loneliness-and-isolation/befriending" || !sv.Referral.Has(care.ReferByPhone) || !sv.Referral.Has(care.ReferByEmail) ||
		sv.Hours.Days[time.Monday].Opens != 600 || sv.Verified.At.Format("2006-01-02") != "2026-03-01" || sv.TypicalWait != "About 3 weeks" {
		t.Errorf("telephone befriending = %+v", sv)
	}
	if len(tel.Contacts) != 1 || tel.Contacts[0].Role != "Befriending coordinator line" || !tel.Contacts[0].Duty {
		t.Errorf("contacts = %+v", tel.Contacts)
	}
	lunch := items[2].Service.Service
	if len(lunch.Catchment) != 3 || lunch.Catchment[2] != (care.CatchmentArea{Kind: care.CatchSector, Code: "N16 7"}) ||
		lunch.Needs[0] != "loneliness-and-isolation/groups-and-activities" || !lunch.Referral.Has(care.ReferByForm) {
		t.Errorf("lunch club = %+v", lunch)
	}
}

func TestReadFeedOfTheSpecificationsExamples(t *testing.T) {
	t.Parallel()
	// The specification's full example service covers "MyCity", which no
	// directory in England can place: it is rejected, saying why.
	rep, items := readFeedFile(t, "testdata/hsds-3.0/examples_service_full.json")
	if rep.Items != 1 || len(items) != 0 || rep.RejectedCount != 1 || !strings.Contains(rep.Rejected[0].Reason, "service area") {
		t.Fatalf("full example = %+v", rep)
	}
	rep, _ = readFeedFile(t, "testdata/hsds-3.0/examples_service_list.json")
	if rep.Items != 1 || rep.RejectedCount != 1 {
		t.Fatalf("list example = %+v", rep)
	}
}

func TestReadFeedRejectsWhatIsNotAFeed(t *testing.T) {
	t.Parallel()
	for _, in := range []string{"", "not json", "42", `{"contents": 3}`, `[{"id": "x", "status": "active"`} {
		_, err := ReadFeed(strings.NewReader(in), func(FeedItem) error { return nil })
		if !care.IsKind(err, care.KindInvalid) {
			t.Errorf("ReadFeed(%q) = %v", in, err)
		}
	}
}

func FuzzReadFeed(f *testing.F) {
	seed, err := os.ReadFile("testdata/oruk-feed.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte(`[{"id":"a","name":"n","status":"active","service_areas":[{"name":"E8"}],"organization_id":"o","email":"a@b.uk"}]`))
	f.Add([]byte(`{"id":"o","name":"Org","description":""}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		rep, err := ReadFeed(strings.NewReader(string(data)), func(it FeedItem) error {
			if it.Service != nil {
				sv := it.Service.Service
				sv.OrganisationID = "o"
				if err := sv.Validate(); err != nil {
					t.Fatalf("an invalid service was passed on: %v", err)
				}
			}
			if it.Organisation != nil && it.Organisation.Validate() != nil {
				t.Fatalf("an invalid organisation was passed on")
			}
			return nil
		})
		if err == nil && rep.Items != rep.Organisations+rep.Services+rep.RejectedCount {
			t.Fatalf("counts do not add up: %+v", rep)
		}
	})
}
