package oruk

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	_ "time/tzdata" // as in the binary: the tests never depend on the machine's zone database

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/demo"
	"github.com/joinedup/joinedup/internal/directory"
	"github.com/joinedup/joinedup/internal/store"
	"github.com/joinedup/joinedup/internal/store/storetest"
)

// schemas compiles the HSDS 3.0 compiled schemas once for all tests. The
// validator asserts formats (uuid, uri, email, date-time), which JSON Schema
// 2020-12 otherwise treats as annotations only.
var schemas = sync.OnceValues(func() (map[string]*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	for _, name := range []string{"schema_compiled_service.json", "schema_compiled_service_at_location_list.json", "schema_compiled_organization.json"} {
		f, err := os.Open(filepath.Join("testdata", "hsds-3.0", name))
		if err != nil {
			return nil, err
		}
		doc, err := jsonschema.UnmarshalJSON(f)
		f.Close()
		if err != nil {
			return nil, err
		}
		if err := c.AddResource("hsds:"+name, doc); err != nil {
			return nil, err
		}
	}
	out := map[string]*jsonschema.Schema{}
	for key, loc := range map[string]string{
		"service":             "hsds:schema_compiled_service.json",
		"service_at_location": "hsds:schema_compiled_service_at_location_list.json",
		"organization":        "hsds:schema_compiled_organization.json",
		// HSDS has no compiled schema of its own for a taxonomy term or a
		// taxonomy; the service schema defines both inside its attributes.
		"taxonomy_term": "hsds:schema_compiled_service.json#/properties/attributes/items/properties/taxonomy_term",
		"taxonomy":      "hsds:schema_compiled_service.json#/properties/attributes/items/properties/taxonomy_term/properties/taxonomy_detail",
	} {
		s, err := c.Compile(loc)
		if err != nil {
			return nil, err
		}
		out[key] = s
	}
	return out, nil
})

func validate(t *testing.T, kind string, raw json.RawMessage) {
	t.Helper()
	all, err := schemas()
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	if err := all[kind].Validate(inst); err != nil {
		t.Errorf("a %s does not validate against the HSDS 3.0 schema: %v\n%s", kind, err, raw)
	}
}

func TestTheSchemasCatchMistakes(t *testing.T) {
	t.Parallel()
	// The specification's own example validates, and breaking it does not,
	// so the checks below are not vacuous.
	example, err := os.ReadFile("testdata/hsds-3.0/examples_service_full.json")
	if err != nil {
		t.Fatal(err)
	}
	validate(t, "service", example)
	all, _ := schemas()
	for _, broken := range []string{
		`{"id": "not-a-uuid", "name": "x", "status": "active"}`,
		`{"id": "ac148810-d857-441c-9679-408f346de14b", "name": "x", "status": "open"}`,
		`{"id": "ac148810-d857-441c-9679-408f346de14b", "status": "active"}`,
		`{"id": "ac148810-d857-441c-9679-408f346de14b", "name": "x", "status": "active", "email": "not an email"}`,
	} {
		inst, _ := jsonschema.UnmarshalJSON(strings.NewReader(broken))
		if all["service"].Validate(inst) == nil {
			t.Errorf("the service schema accepts %s", broken)
		}
	}
}

// testAPI serves the API over the demo area's directory.
// testAPI serves the API over the demo area loaded into st, a fresh store
// from storetest. The API reads only the in-memory index, so one test
// (TestServicesValidateAgainstHSDS, which publishes every service) runs on
// both engines and the rest on SQLite.
func testAPI(t *testing.T, st *store.Store) (*httptest.Server, *directory.Index) {
	t.Helper()
	ctx := context.Background()
	if err := demo.Load(ctx, st, demo.Generate(1), func(string) (string, error) { return "x", nil }); err != nil {
		t.Fatal(err)
	}
	ix := directory.New(directory.Options{Location: st.Calendar().Location()})
	if err := ix.LoadAll(ctx, st); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(NewAPI(ix, slog.New(slog.NewTextHandler(io.Discard, nil)), "/api/oruk"))
	t.Cleanup(srv.Close)
	return srv, ix
}

type reply struct {
	status int
	header http.Header
	body   []byte
}

func get(t *testing.T, srv *httptest.Server, path string) reply {
	t.Helper()
	res, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.Header.Get("Access-Control-Allow-Origin") != "*" || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Errorf("%s: headers %v", path, res.Header)
	}
	return reply{status: res.StatusCode, header: res.Header, body: b}
}

type page struct {
	TotalItems int               `json:"total_items"`
	TotalPages int               `json:"total_pages"`
	PageNumber int               `json:"page_number"`
	Size       int               `json:"size"`
	FirstPage  bool              `json:"first_page"`
	LastPage   bool              `json:"last_page"`
	Empty      bool              `json:"empty"`
	Contents   []json.RawMessage `json:"contents"`
}

// getPage fetches a list and checks its envelope is complete and consistent.
func getPage(t *testing.T, srv *httptest.Server, path string) page {
	t.Helper()
	r := get(t, srv, path)
	if r.status != 200 {
		t.Fatalf("%s = %d %s", path, r.status, r.body)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(r.body, &fields); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"} {
		if _, ok := fields[k]; !ok {
			t.Errorf("%s: the envelope has no %s", path, k)
		}
	}
	var p page
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatal(err)
	}
	wantPages := (p.TotalItems + p.Size - 1) / p.Size
	if p.TotalPages != wantPages || p.FirstPage != (p.PageNumber == 1) || p.LastPage != (p.PageNumber >= p.TotalPages) ||
		p.Empty != (len(p.Contents) == 0) || len(p.Contents) > p.Size {
		t.Errorf("%s: inconsistent envelope %+v", path, p)
	}
	return p
}

func wantError(t *testing.T, srv *httptest.Server, path string, status int, mention string) {
	t.Helper()
	r := get(t, srv, path)
	var p problem
	if r.status != status || json.Unmarshal(r.body, &p) != nil || p.Code != status || !strings.Contains(p.Message, mention) {
		t.Errorf("%s = %d %s, want %d mentioning %q", path, r.status, r.body, status, mention)
	}
}

func TestServicesValidateAgainstHSDS(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, testServicesValidateAgainstHSDS)
}

func testServicesValidateAgainstHSDS(t *testing.T, st *store.Store) {
	srv, _ := testAPI(t, st)
	root := get(t, srv, "/api/oruk/")
	if root.status != 200 || !strings.Contains(string(root.body), `"version":"3.0"`) {
		t.Fatalf("root = %d %s", root.status, root.body)
	}
	p := getPage(t, srv, "/api/oruk/services?per_page=5")
	if p.TotalItems != 24 || p.Size != 5 || p.TotalPages != 5 || len(p.Contents) != 5 {
		t.Fatalf("services = %+v", p)
	}
	seen := map[string]bool{}
	for n := 1; n <= p.TotalPages; n++ {
		pg := getPage(t, srv, "/api/oruk/services?per_page=5&page="+itoa(n))
		for _, raw := range pg.Contents {
			validate(t, "service", raw)
			var s Service
			json.Unmarshal(raw, &s)
			if seen[s.ID] {
				t.Errorf("service %s is on two pages", s.ID)
			}
			seen[s.ID] = true
		}
	}
	if len(seen) != 24 {
		t.Errorf("paging returned %d services of 24", len(seen))
	}
	// per_page is capped, not refused.
	if capped := getPage(t, srv, "/api/oruk/services?per_page=1000"); capped.Size != MaxPerPage {
		t.Errorf("per_page=1000 gave size %d", capped.Size)
	}
	// Filtering by need and by text.
	washing := getPage(t, srv, "/api/oruk/services?taxonomy_term_id="+TermID("personal-care/washing-and-dressing"))
	if washing.TotalItems != 3 {
		t.Errorf("services meeting washing and dressing = %d", washing.TotalItems)
	}
	if text := getPage(t, srv, "/api/oruk/services?text=reablement"); text.TotalItems != 3 {
		t.Errorf("text=reablement found %d", text.TotalItems)
	}

	var first Service
	json.Unmarshal(p.Contents[0], &first)
	one := get(t, srv, "/api/oruk/services/"+first.ID)
	if one.status != 200 {
		t.Fatalf("service = %d", one.status)
	}
	validate(t, "service", one.body)
}

func TestReablementIsPublishedWithoutNamingPeople(t *testing.T) {
	t.Parallel()
	srv, ix := testAPI(t, storetest.SQLite(t))
	_, list := ix.Listings(directory.ListingQuery{Text: "Hackney Reablement", Limit: 1})
	if len(list) != 1 {
		t.Fatal("no Hackney Reablement")
	}
	r := get(t, srv, "/api/oruk/services/"+list[0].Service.ID)
	validate(t, "service", r.body)
	var s Service
	if err := json.Unmarshal(r.body, &s); err != nil {
		t.Fatal(err)
	}
	if s.Name != "Hackney Reablement" || s.Organization == nil || s.Organization.Name != "London Borough of Hackney" ||
		len(s.ServiceAreas) != 1 || s.ServiceAreas[0].Extent != "E09000012" || len(s.Schedules) != 7 || s.Schedules[0].Byday != "MO" ||
		s.MinimumAge == nil || *s.MinimumAge != 18 || len(s.Attributes) != 6 || s.AssuredDate == "" || len(s.Phones) != 1 {
		t.Errorf("Hackney Reablement = %+v", s)
	}
	for _, secret := range []string{"Funmilayo", "Demo data", "system:"} {
		if strings.Contains(string(r.body), secret) {
			t.Errorf("the published service contains %q", secret)
		}
	}
}

func TestServiceAtLocations(t *testing.T) {
	t.Parallel()
	srv, _ := testAPI(t, storetest.SQLite(t))
	p := getPage(t, srv, "/api/oruk/service_at_locations?postcode=E5+0PQ&proximity=5000")
	if p.TotalItems == 0 {
		t.Fatal("nothing near E5 0PQ")
	}
	for _, raw := range p.Contents {
		validate(t, "service_at_location", raw)
		var sal ServiceAtLocation
		json.Unmarshal(raw, &sal)
		if sal.Service == nil || sal.Location == nil || sal.Location.Latitude == nil || sal.ServiceID != sal.Service.ID {
			t.Fatalf("service at location = %s", raw)
		}
		if !strings.HasPrefix(sal.Service.Name, "Hackney") {
			t.Errorf("%s is not within 5 km of E5 0PQ", sal.Service.Name)
		}
		validate(t, "service", mustJSON(t, sal.Service))
	}
	wide := getPage(t, srv, "/api/oruk/service_at_locations?postcode=E5+0PQ&proximity=30000")
	if wide.TotalItems <= p.TotalItems {
		t.Errorf("30 km found %d, 5 km %d", wide.TotalItems, p.TotalItems)
	}
	all := getPage(t, srv, "/api/oruk/service_at_locations")
	if all.TotalItems != 24 {
		t.Errorf("every service at its location = %d", all.TotalItems)
	}
}

func TestTaxonomies(t *testing.T) {
	t.Parallel()
	srv, _ := testAPI(t, storetest.SQLite(t))
	tx := getPage(t, srv, "/api/oruk/taxonomies")
	if tx.TotalItems != 1 || len(tx.Contents) != 1 {
		t.Fatalf("taxonomies = %+v", tx)
	}
	validate(t, "taxonomy", tx.Contents[0])
	terms := getPage(t, srv, "/api/oruk/taxonomy_terms?per_page=100&taxonomy_id="+NeedsTaxonomyID())
	if terms.TotalItems != len(care.Needs()) || len(terms.Contents) != len(care.Needs()) {
		t.Fatalf("terms = %d", terms.TotalItems)
	}
	ids := map[string]bool{}
	var parsed []TaxonomyTerm
	for _, raw := range terms.Contents {
		validate(t, "taxonomy_term", raw)
		var term TaxonomyTerm
		json.Unmarshal(raw, &term)
		ids[term.ID] = true
		parsed = append(parsed, term)
	}
	for _, term := range parsed {
		if term.ParentID != "" && !ids[term.ParentID] {
			t.Errorf("term %s has a parent that is not published", term.Code)
		}
	}
	// Term ids are derived from codes and must never change: other
	// directories store them.
	if got := TermID("personal-care/washing-and-dressing"); got != "41476875-1ddf-5afd-82f7-c5276004e33b" {
		t.Errorf("the term id of washing and dressing changed to %s", got)
	}
}

func TestBadParametersGetAJSONError(t *testing.T) {
	t.Parallel()
	srv, _ := testAPI(t, storetest.SQLite(t))
	for _, c := range []struct {
		path, mention string
		status        int
	}{
		{"/api/oruk/services?page=0", "page must be", 400},
		{"/api/oruk/services?page=two", "page must be", 400},
		{"/api/oruk/services?per_page=0", "per_page must be", 400},
		{"/api/oruk/services?per_page=-5", "per_page must be", 400},
		{"/api/oruk/services?taxonomy_term_id=nope", "taxonomy_term_id", 400},
		{"/api/oruk/services?text=" + strings.Repeat("x", 201), "text must be", 400},
		{"/api/oruk/service_at_locations?postcode=nowhere", "postcode", 400},
		{"/api/oruk/service_at_locations?proximity=100", "needs a postcode", 400},
		{"/api/oruk/service_at_locations?postcode=E5+0PQ&proximity=0", "proximity must be", 400},
		{"/api/oruk/service_at_locations?postcode=E5+0PQ&proximity=far", "proximity must be", 400},
		{"/api/oruk/taxonomy_terms?taxonomy_id=other", "taxonomy_id", 400},
		{"/api/oruk/services/01234567-89ab-7def-8123-456789abcdef", "no service", 404},
		{"/api/oruk/organizations", "nothing at this address", 404},
	} {
		wantError(t, srv, c.path, c.status, c.mention)
	}
	res, err := http.Post(srv.URL+"/api/oruk/services", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST = %d", res.StatusCode)
	}
}

func mustJSON(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func itoa(n int) string { return strconv.Itoa(n) }
