package directory

import (
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // as in the binary: the tests never depend on the machine's zone database

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/geo"
	"github.com/joinedup/joinedup/internal/store"
)

const (
	hackney  = "E09000012"
	croydon  = "E09000008"
	lewisham = "E09000023"
)

// testLondon is the zone of the working calendar cmd/joinedup runs on.
func testLondon() *time.Location {
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic(err) // the zone database is embedded
	}
	return loc
}

var testNow = time.Date(2026, 5, 20, 11, 0, 0, 0, time.UTC)

// fixture is a small directory: reablement in three boroughs, a Hackney
// assessment service for personal care in general, district nursing for
// the registered lists of Hackney practices, and a carers' hub limited to
// carers.
func fixture() store.DirectoryData {
	la := func(code string) []care.CatchmentArea {
		return []care.CatchmentArea{{Kind: care.CatchLocalAuthority, Code: code}}
	}
	svc := func(id, org, team, name string, needs []string, catchment []care.CatchmentArea, postcode string, verifiedDaysAgo int) care.Service {
		return care.Service{ID: id, OrganisationID: org, TeamID: team, Name: name, Description: name + " for adults.",
			Status: care.ServiceActive, Needs: needs, Catchment: catchment, Eligibility: care.Eligibility{MinAge: 18},
			Referral: care.Referral{Methods: []care.ReferralMethod{care.ReferThroughJoinedup}},
			Capacity: care.Capacity{State: care.CapacityAccepting}, Postcode: postcode,
			Verified: care.Verification{At: testNow.AddDate(0, 0, -verifiedDaysAgo)}}
	}
	reablement := []string{"personal-care/washing-and-dressing", "home-care-and-reablement/reablement"}
	carers := svc("s-carers", "o-hackney", "t-hackney-reablement", "Hackney Carers' Hub", []string{"carers-support/respite-and-short-breaks"}, la(hackney), "E8 1DY", 10)
	carers.Eligibility = care.Eligibility{RequiredNeeds: []string{"carers-support"}}
	return store.DirectoryData{
		Organisations: []care.Organisation{
			{ID: "o-hackney", Name: "London Borough of Hackney", Kind: care.OrgLocalAuthority, GSSCode: hackney, Status: care.OrgActive},
			{ID: "o-croydon", Name: "London Borough of Croydon", Kind: care.OrgLocalAuthority, GSSCode: croydon, Status: care.OrgActive},
			{ID: "o-lewisham", Name: "London Borough of Lewisham", Kind: care.OrgLocalAuthority, GSSCode: lewisham, Status: care.OrgActive},
			{ID: "o-nursing", Name: "Hackney Community Health", Kind: care.OrgNHSTrust, Status: care.OrgActive, Postcode: "E8 1DY"},
			{ID: "o-closed", Name: "Closed Charity", Kind: care.OrgVCS, Status: care.OrgClosed, Postcode: "E8 1DY"},
			{ID: "p-F84003", Name: "Lower Clapton Group Practice", Kind: care.OrgGPPractice, ODSCode: "F84003", Postcode: "E5 0PQ", LocalAuthorityGSS: hackney, Status: care.OrgActive},
			{ID: "p-F84008", Name: "Barton House Group Practice", Kind: care.OrgGPPractice, ODSCode: "F84008", Postcode: "N16 9JT", LocalAuthorityGSS: hackney, Status: care.OrgActive},
		},
		Teams: []care.Team{
			{ID: "t-hackney-reablement", OrganisationID: "o-hackney", Name: "Hackney Reablement Service", Kind: "reablement"},
			{ID: "t-croydon-reablement", OrganisationID: "o-croydon", Name: "Croydon Reablement Service", Kind: "reablement"},
			{ID: "t-nursing", OrganisationID: "o-nursing", Name: "District Nursing Team", Kind: "district_nursing", Practices: []string{"p-F84003", "p-F84008"}},
		},
		Contacts: []care.Contact{
			{ID: "c1", OrganisationID: "o-hackney", TeamID: "t-hackney-reablement", Role: "Reablement duty line", Phone: "020 7946 0140", Duty: true},
			{ID: "c2", OrganisationID: "o-hackney", TeamID: "t-hackney-reablement", Name: "Funmilayo Adebayo", Role: "Reablement duty coordinator", Phone: "020 7946 0141", Duty: true},
			{ID: "c3", OrganisationID: "o-hackney", TeamID: "t-hackney-reablement", Name: "Tom Whitaker", Role: "Team manager", Phone: "020 7946 0142"},
			{ID: "c4", OrganisationID: "o-nursing", TeamID: "t-nursing", PracticeID: "p-F84003", Name: "Grace Adeyemi", Role: "Named district nurse", Phone: "020 7946 0160"},
		},
		Services: []care.Service{
			svc("s-hackney", "o-hackney", "t-hackney-reablement", "Hackney Reablement", reablement, la(hackney), "E8 1DY", 12),
			svc("s-croydon", "o-croydon", "t-croydon-reablement", "Croydon Reablement", reablement, la(croydon), "CR0 1EA", 40),
			svc("s-lewisham", "o-lewisham", "", "Lewisham Reablement", reablement, la(lewisham), "SE6 4RU", 200),
			svc("s-assess", "o-hackney", "", "Hackney Adult Social Care assessment", []string{"personal-care"}, la(hackney), "E8 1DY", 100),
			svc("s-nursing", "o-nursing", "t-nursing", "Hackney District Nursing", []string{"nursing-care/wound-and-pressure-care", "personal-care/washing-and-dressing"},
				[]care.CatchmentArea{{Kind: care.CatchPractice, Code: "F84003"}, {Kind: care.CatchPractice, Code: "F84008"}}, "", 30),
			svc("s-closed", "o-closed", "", "Closed Charity Washing Help", reablement, la(hackney), "", 10),
			carers,
		},
	}
}

// gazetteer knows a few postcodes: two in Hackney with positions, one in
// Croydon, and E8 1ZZ not at all.
func gazetteer() (*geo.Gazetteer, map[string][]string) {
	b := geo.NewGazetteerBuilder(0)
	add := func(pc string, lat, lon float64, la string) {
		p, err := geo.ParsePostcode(pc)
		if err != nil {
			panic(err)
		}
		b.Add(geo.PostcodeRecord{Postcode: p, LatLon: geo.LatLon{Lat: lat, Lon: lon}, HasLatLon: true, LocalAuthority: la, Ward: "E05009367"})
	}
	add("E8 1DY", 51.5455, -0.0553, hackney)
	add("E5 0PQ", 51.5560, -0.0560, hackney)
	add("CR0 1EA", 51.3725, -0.1000, croydon)
	return b.Build(), map[string][]string{"E8": {hackney}, "E5": {hackney}, "CR0": {croydon}, "N16": {hackney}}
}

func newTestIndex() *Index {
	ix := New(Options{Now: func() time.Time { return testNow }, Location: testLondon()})
	g, las := gazetteer()
	ix.SetGazetteer(g, las, "import-1")
	ix.Replace(fixture())
	return ix
}

func ids(hits []Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Service.ID)
	}
	return out
}

func find(hits []Hit, id string) (Hit, bool) {
	for _, h := range hits {
		if h.Service.ID == id {
			return h, true
		}
	}
	return Hit{}, false
}

func TestSearchTheDemoJourney(t *testing.T) {
	t.Parallel()
	ix := newTestIndex()
	res, err := ix.Search(Query{Text: "help with washing and dressing", Postcode: "e5 0pq"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Place.Typed != "E5 0PQ" || !res.Place.Found || !res.Place.AreaCertain || res.Place.LocalAuthorities[0] != hackney {
		t.Fatalf("place = %+v", res.Place)
	}
	if len(res.Needs) == 0 || res.Needs[0].Need.Code != "personal-care/washing-and-dressing" {
		t.Fatalf("needs = %+v", res.Needs)
	}
	// Reablement matches the need itself; the assessment service meets
	// personal care in general, so it comes after.
	if got := ids(res.Eligible); !slices.Equal(got, []string{"s-hackney", "s-assess"}) {
		t.Fatalf("eligible = %v", got)
	}
	top := res.Eligible[0]
	if len(top.Contacts) != 2 || top.Contacts[0].Name != "Funmilayo Adebayo" || top.Contacts[1].Role != "Reablement duty line" {
		t.Errorf("contacts = %+v", top.Contacts)
	}
	if top.Freshness != care.FreshnessFresh || !top.HasDistance || top.Distance > 2000 || top.OpenStatus == "" && !top.Service.Hours.IsZero() {
		t.Errorf("top hit = %+v", top)
	}
	croydonHit, ok := find(res.NotAvailable, "s-croydon")
	if !ok || croydonHit.Reasons[0] != "Covers Croydon only" {
		t.Fatalf("Croydon = %+v (not available %v)", croydonHit, ids(res.NotAvailable))
	}
	if _, ok := find(res.NotAvailable, "s-lewisham"); !ok {
		t.Errorf("Lewisham is not listed as out of area: %v", ids(res.NotAvailable))
	}
	// District nursing covers practices' registered lists, not a postcode:
	// without a practice it is listed with what to add.
	nursing, ok := find(res.NotAvailable, "s-nursing")
	if !ok || !strings.Contains(nursing.Reasons[0], "Only for patients registered with Lower Clapton Group Practice or Barton House Group Practice: add the person's GP practice to check") {
		t.Errorf("nursing = %+v", nursing.Reasons)
	}
	if _, ok := find(append(res.Eligible, res.NotAvailable...), "s-closed"); ok {
		t.Error("a service of a closed organisation was listed")
	}
	if res.Gap != nil {
		t.Errorf("a gap was recorded: %+v", res.Gap)
	}

	// With the person's practice, district nursing is eligible too.
	res, err = ix.Search(Query{Text: "help with washing and dressing", Postcode: "E5 0PQ", Practice: "f84003"})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := find(res.Eligible, "s-nursing"); !ok {
		t.Errorf("with the practice, eligible = %v", ids(res.Eligible))
	}
}

func TestSearchValidation(t *testing.T) {
	t.Parallel()
	ix := newTestIndex()
	cases := []struct {
		q     Query
		field string
	}{
		{Query{Postcode: "E5 0PQ"}, "text"},
		{Query{Need: "personal-care/juggling", Postcode: "E5 0PQ"}, "need"},
		{Query{Text: "washing", Postcode: ""}, "postcode"},
		{Query{Text: "washing", Postcode: "not a postcode"}, "postcode"},
		{Query{Text: "washing", Postcode: "E5 0PQ", Age: "eighty"}, "age"},
		{Query{Text: "washing", Postcode: "E5 0PQ", Age: "121"}, "age"},
		{Query{Text: "washing", Postcode: "E5 0PQ", Practice: "Q99999"}, "practice"},
		{Query{Text: "washing", Postcode: "E5 0PQ", Practice: "E09000012"}, "practice"},
		{Query{Text: strings.Repeat("wash ", 101), Postcode: "E5 0PQ"}, "text"},
	}
	for _, c := range cases {
		_, err := ix.Search(c.q)
		if care.FieldsOf(err).Message(c.field) == "" {
			t.Errorf("Search(%+v) = %v, want a problem with %s", c.q, err, c.field)
		}
	}
}

func TestSearchFallsBackToTheOutcode(t *testing.T) {
	t.Parallel()
	ix := newTestIndex()
	res, err := ix.Search(Query{Need: "personal-care/washing-and-dressing", Postcode: "e8 1zz"})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Place.FellBack || res.Place.Found || !res.Place.Approximate || res.Place.AreaCertain {
		t.Fatalf("place = %+v", res.Place)
	}
	h, ok := find(res.Eligible, "s-hackney")
	if !ok || !strings.Contains(h.CheckArea, "check the person lives in Hackney") || !h.DistanceApprox {
		t.Fatalf("Hackney reablement = %+v (eligible %v)", h, ids(res.Eligible))
	}
	// A district alone works the same way.
	res, err = ix.Search(Query{Need: "personal-care/washing-and-dressing", Postcode: "CR0"})
	if err != nil || res.Place.Full || len(res.Eligible) != 1 || res.Eligible[0].Service.ID != "s-croydon" {
		t.Fatalf("CR0: %+v, %v", ids(res.Eligible), err)
	}
	// A district the postcode directory has never seen: no council area,
	// so council services nearby are listed with the reason.
	res, err = ix.Search(Query{Need: "personal-care/washing-and-dressing", Postcode: "E9 7AA"})
	if err != nil {
		t.Fatal(err)
	}
	h, ok = find(res.NotAvailable, "s-hackney")
	if len(res.Eligible) != 0 || !ok || !strings.Contains(h.Reasons[0], "we could not tell which council area E9 7AA is in") {
		t.Fatalf("E9 7AA: eligible %v, hackney %+v", ids(res.Eligible), h)
	}
}

func TestSearchEligibilityRulesAndGaps(t *testing.T) {
	t.Parallel()
	ix := newTestIndex()
	res, err := ix.Search(Query{Need: "personal-care/washing-and-dressing", Postcode: "E5 0PQ", Age: "16"})
	if err != nil {
		t.Fatal(err)
	}
	h, ok := find(res.NotAvailable, "s-hackney")
	if len(res.Eligible) != 0 || !ok || h.Reasons[0] != "18+ only" {
		t.Fatalf("age 16: eligible %v, hackney %+v", ids(res.Eligible), h)
	}
	if res.Gap == nil || res.Gap.NeedCode != "personal-care/washing-and-dressing" || res.Gap.Outcode != "E5" ||
		res.Gap.LocalAuthority != hackney || res.Gap.Day != (care.CivilDate{Year: 2026, Month: 5, Day: 20}) {
		t.Fatalf("gap = %+v", res.Gap)
	}

	// The carers' hub is only for carers.
	res, err = ix.Search(Query{Text: "carer needs a break, respite", Postcode: "E5 0PQ"})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := find(res.Eligible, "s-carers"); !ok {
		t.Fatalf("carers' hub not eligible for a carer: eligible %v", ids(res.Eligible))
	}
	res, err = ix.Search(Query{Need: "carers-support/respite-and-short-breaks", Postcode: "E5 0PQ"})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := find(res.Eligible, "s-carers"); !ok {
		t.Fatalf("carers' hub not eligible for respite: %v", ids(res.Eligible))
	}

	// Nothing for a need nobody meets, with free text that names no need:
	// the gap has no need code.
	res, err = ix.Search(Query{Text: "xylophone lessons", Postcode: "E5 0PQ"})
	if err != nil || res.Gap == nil || res.Gap.NeedCode != "" || len(res.Eligible) != 0 {
		t.Fatalf("no match: %+v, %v", res.Gap, err)
	}
}

func TestIndexAppliesChanges(t *testing.T) {
	t.Parallel()
	ix := newTestIndex()
	d := fixture()
	// Croydon's reablement starts covering Hackney too, and a contact goes.
	sv := d.Services[1]
	sv.Catchment = append(sv.Catchment, care.CatchmentArea{Kind: care.CatchOutcode, Code: "E5"})
	sv.Status = care.ServiceActive
	ix.Apply(store.DirectoryData{Services: []care.Service{sv}}, []store.EntryRef{{Type: store.EntryContact, ID: "c2"}})
	res, err := ix.Search(Query{Need: "personal-care/washing-and-dressing", Postcode: "E5 0PQ"})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := find(res.Eligible, "s-croydon"); !ok {
		t.Fatalf("Croydon not eligible after covering E5: %v", ids(res.Eligible))
	}
	h, _ := find(res.Eligible, "s-hackney")
	if len(h.Contacts) != 1 || h.Contacts[0].Role != "Reablement duty line" {
		t.Fatalf("contacts after removal = %+v", h.Contacts)
	}
	// Taking a service out of action removes it from results.
	sv.Status = care.ServiceInactive
	ix.Apply(store.DirectoryData{Services: []care.Service{sv}}, nil)
	res, _ = ix.Search(Query{Need: "personal-care/washing-and-dressing", Postcode: "E5 0PQ"})
	if _, ok := find(append(res.Eligible, res.NotAvailable...), "s-croydon"); ok {
		t.Fatal("an inactive service is still listed")
	}
	if st := ix.Stats(); st.Services != 7 || st.Contacts != 3 || st.Postcodes != 3 {
		t.Fatalf("stats = %+v", st)
	}
}

func TestWords(t *testing.T) {
	t.Parallel()
	got := words("Help with the Carers' Hub, for carers!", 0)
	if !slices.Equal(got, []string{"carer", "hub", "carer"}) {
		t.Errorf("words = %q", got)
	}
}

func TestLocalAuthorityList(t *testing.T) {
	t.Parallel()
	names := localAuthorityNames()
	if len(names) != 365 || names[hackney] != "Hackney" || names[croydon] != "Croydon" || names["E09000022"] != "Lambeth" {
		t.Fatalf("%d names; Hackney %q", len(names), names[hackney])
	}
	if _, err := parseLocalAuthorities("code,name\nE1,x\n"); err == nil {
		t.Error("a bad header was accepted")
	}
}

func FuzzSearch(f *testing.F) {
	ix := newTestIndex()
	f.Add("washing and dressing", "e5 0pq", "", "82")
	f.Add("", "CR0", "F84003", "")
	f.Add("carer", "SW1A 1AA", "f84008", "-1")
	f.Fuzz(func(t *testing.T, text, postcode, practice, age string) {
		res, err := ix.Search(Query{Text: text, Postcode: postcode, Practice: practice, Age: age})
		if err != nil {
			if !care.IsKind(err, care.KindInvalid) || len(care.FieldsOf(err)) == 0 {
				t.Fatalf("error without field problems: %v", err)
			}
			return
		}
		if len(res.Eligible) > maxEligible || len(res.NotAvailable) > maxNotAvailable {
			t.Fatalf("too many results: %d, %d", len(res.Eligible), len(res.NotAvailable))
		}
		if (len(res.Eligible) == 0) != (res.Gap != nil) {
			t.Fatalf("gap %v with %d eligible", res.Gap, len(res.Eligible))
		}
	})
}

// TestSearchWithoutPracticeIsNoGapWhenAPracticeListServiceCouldHelp: a
// service that takes the patients of some practices in the person's area
// might take them, so a search that did not say their practice records no
// gap in service; it says why instead.
func TestSearchWithoutPracticeIsNoGapWhenAPracticeListServiceCouldHelp(t *testing.T) {
	ix := newTestIndex()
	for _, c := range []struct {
		name              string
		q                 Query
		eligible, mayHelp int
		gap               bool
	}{
		{"no practice, living in Hackney", Query{Need: "nursing-care/wound-and-pressure-care", Postcode: "E5 0PQ"}, 0, 1, false},
		{"no practice, only the district known", Query{Need: "nursing-care/wound-and-pressure-care", Postcode: "E5"}, 0, 1, false},
		{"their practice given", Query{Need: "nursing-care/wound-and-pressure-care", Postcode: "E5 0PQ", Practice: "F84003"}, 1, 0, false},
		{"no practice, living in Croydon", Query{Need: "nursing-care/wound-and-pressure-care", Postcode: "CR0 1EA"}, 0, 0, true},
		{"no practice, too young for it", Query{Need: "nursing-care/wound-and-pressure-care", Postcode: "E5 0PQ", Age: "16"}, 0, 0, true},
		{"nobody meets the need", Query{Text: "xylophone lessons", Postcode: "E5 0PQ"}, 0, 0, true},
	} {
		res, err := ix.Search(c.q)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if len(res.Eligible) != c.eligible || res.PracticeMayHelp != c.mayHelp || (res.Gap != nil) != c.gap {
			t.Errorf("%s: %d eligible, %d may help with a practice, gap %+v", c.name, len(res.Eligible), res.PracticeMayHelp, res.Gap)
		}
	}
}
