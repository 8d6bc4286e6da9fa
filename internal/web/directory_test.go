package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/joinedup/joinedup/internal/auth"
	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/demo"
	"github.com/joinedup/joinedup/internal/store"
	"github.com/joinedup/joinedup/internal/store/storetest"
)

// newDirectoryEnv is the test server with the demo area loaded on top, so
// directory pages have real-looking entries. Demo users sign in with the
// test password.
func newDirectoryEnv(t *testing.T, st *store.Store) *testEnv {
	t.Helper()
	env := newTestEnv(t, st)
	ctx := context.Background()
	cheap := auth.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}
	hash := func(string) (string, error) { return auth.HashPassword(testPassword, cheap) }
	if err := demo.Load(ctx, env.store, demo.Generate(1), hash); err != nil {
		t.Fatal(err)
	}
	if err := env.app.dir.LoadAll(ctx, env.store); err != nil {
		t.Fatal(err)
	}
	return env
}

// signInAs signs in as the demo user holding role.
func (c *client) signInAs(r care.Role) *client {
	c.t.Helper()
	if res := c.signIn(demo.DemoEmail(r), testPassword); res.status != http.StatusSeeOther {
		c.t.Fatalf("sign in as demo %s: %d", r, res.status)
	}
	return c
}

func TestDirectorySearchPage(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, testDirectorySearchPage)
}

func testDirectorySearchPage(t *testing.T, st *store.Store) {
	env := newDirectoryEnv(t, st)
	gp := env.client(t).signInAs(care.RoleGP)

	// The form alone, with the GP's own practice filled in.
	res := gp.get("/directory")
	if res.status != 200 || !strings.Contains(res.body, `name="practice" type="text" value="F84003"`) {
		t.Fatalf("search form = %d", res.status)
	}

	q := url.Values{"text": {"help with washing and dressing"}, "postcode": {"e5 0pq"}}
	res = gp.get("/directory?" + q.Encode())
	if res.status != 200 {
		t.Fatalf("search = %d", res.status)
	}
	for _, want := range []string{
		"Hackney Reablement", "Funmilayo Adebayo", "Reablement duty coordinator", `href="tel:02079460141"`,
		"Checked recently", "Accepting referrals", "Median time to acknowledge", "Searching near E5 0PQ",
		"Not available for this person", "Croydon Reablement", "Covers Croydon only",
	} {
		if !strings.Contains(res.body, want) {
			t.Errorf("search results lack %q", want)
		}
	}
	if i, j := strings.Index(res.body, "Hackney Reablement"), strings.Index(res.body, "Not available for this person"); i > j {
		t.Error("Hackney Reablement is not among the eligible services")
	}
	// The results are below a long form: a link at the top jumps to them.
	skip := `<a class="nhsuk-link" href="#results">Skip to the results: 2 services can help</a>`
	if i, j := strings.Index(res.body, skip), strings.Index(res.body, `<form action="/directory"`); i < 0 || i > j ||
		!strings.Contains(res.body, `<h2 id="results" tabindex="-1">`) {
		t.Error("no link to the results above the search form")
	}
	if strings.Contains(gp.get("/directory").body, `href="#results"`) {
		t.Error("the empty search form links to results")
	}

	// A team named after its organisation is not preceded by it again.
	res = gp.get("/directory?" + url.Values{"text": {"leg ulcer dressings"}, "postcode": {"E5 0PQ"}, "practice": {"F84003"}}.Encode())
	if !strings.Contains(res.body, ">Hackney Community Health Services – District Nursing Team<") ||
		strings.Contains(res.body, "Hackney Community Health Services – Hackney Community Health Services") {
		t.Errorf("district nursing's team line is not as expected:\n%s", res.body)
	}

	// A bad postcode is an error at its field, with what was typed kept.
	res = gp.get("/directory?" + url.Values{"text": {"washing"}, "postcode": {"not a postcode"}}.Encode())
	if res.status != 400 || !strings.Contains(res.body, "Enter a real postcode") || !strings.Contains(res.body, `value="not a postcode"`) ||
		!strings.Contains(res.body, `value="washing"`) || !strings.Contains(res.body, `href="#postcode"`) {
		t.Errorf("bad postcode = %d", res.status)
	}

	// An unknown full postcode falls back to its district, with a notice.
	res = gp.get("/directory?" + url.Values{"text": {"washing and dressing"}, "postcode": {"E5 9ZZ"}}.Encode())
	if res.status != 200 || !strings.Contains(res.body, "We could not find the postcode E5 9ZZ, so these results are for the E5 area") ||
		!strings.Contains(res.body, "Hackney Reablement") {
		t.Errorf("fallback = %d", res.status)
	}
}

func TestDirectoryGapsAreRecordedWithoutPersonalData(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, testDirectoryGapsAreRecordedWithoutPersonalData)
}

func testDirectoryGapsAreRecordedWithoutPersonalData(t *testing.T, st *store.Store) {
	env := newDirectoryEnv(t, st)
	gp := env.client(t).signInAs(care.RoleGP)
	// The City of London has no services in the demo.
	res := gp.get("/directory?" + url.Values{"text": {"Mrs Jones needs help with washing"}, "postcode": {"EC1A 7HF"}}.Encode())
	if res.status != 200 || !strings.Contains(res.body, "No service in the directory can help") || !strings.Contains(res.body, "recorded as a gap in service") {
		t.Fatalf("gap search = %d", res.status)
	}
	analyst := env.client(t).signInAs(care.RoleAnalyst)
	res = analyst.get("/directory/gaps")
	if res.status != 200 || !strings.Contains(res.body, "Washing and dressing") || !strings.Contains(res.body, "City of London") || !strings.Contains(res.body, "EC1A") {
		t.Fatalf("gap list = %d", res.status)
	}
	if strings.Contains(res.body, "Jones") || strings.Contains(res.body, "EC1A 7HF") {
		t.Error("the gap list shows what was typed or the full postcode")
	}
	if res := env.client(t).signInAs(care.RoleGP).get("/directory/gaps"); res.status != http.StatusForbidden {
		t.Errorf("GP gap list = %d", res.status)
	}

	// District nursing takes only the patients of Hackney practices: a
	// search that does not say the person's practice finds nothing, but
	// that is no gap in service, and the page says why.
	res = gp.get("/directory?" + url.Values{"need": {"nursing-care/wound-and-pressure-care"}, "postcode": {"E5 0PQ"}}.Encode())
	if res.status != 200 || !strings.Contains(res.body, "No service in the directory can help") ||
		strings.Contains(res.body, "recorded as a gap in service,") || !strings.Contains(res.body, "has not been recorded as a gap in service") ||
		!strings.Contains(res.body, "Add their GP practice") {
		t.Errorf("search without a practice = %d", res.status)
	}
	// A search from a demo person's postcode records the council area.
	gp.get("/directory?" + url.Values{"need": {"substance-use/alcohol"}, "postcode": {"E5 0PQ"}}.Encode())
	res = analyst.get("/directory/gaps?area=E09000012")
	if res.status != 200 || !strings.Contains(res.body, "Alcohol") || strings.Contains(res.body, "Wound and pressure care") {
		t.Errorf("Hackney's gaps = %d:\n%s", res.status, res.body)
	}
}

// demoIDs finds the ids of demo entries the tests visit.
type demoIDs struct {
	practice, council, north, reablementTeam, reablement, ot string
}

func findDemoIDs(t *testing.T, env *testEnv) demoIDs {
	t.Helper()
	ctx := context.Background()
	var ids demoIDs
	p, err := env.store.OrganisationByCode(ctx, "F84003")
	if err != nil {
		t.Fatal(err)
	}
	c, err := env.store.OrganisationByCode(ctx, "E09000012")
	if err != nil {
		t.Fatal(err)
	}
	ids.practice, ids.council = p.ID, c.ID
	teams, err := env.store.TeamsOf(ctx, "E09000012")
	if err != nil {
		t.Fatal(err)
	}
	for _, tm := range teams {
		switch tm.Name {
		case "Hackney Adult Social Care – North Locality Team":
			ids.north = tm.ID
		case "Hackney Reablement Service":
			ids.reablementTeam = tm.ID
		}
	}
	services, err := env.store.ServicesOf(ctx, c.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, sv := range services {
		switch sv.Name {
		case "Hackney Reablement":
			ids.reablement = sv.ID
		case "Hackney Occupational Therapy – equipment and adaptations":
			ids.ot = sv.ID
		}
	}
	if ids.north == "" || ids.reablement == "" || ids.ot == "" || ids.reablementTeam == "" {
		t.Fatalf("demo ids = %+v", ids)
	}
	return ids
}

func TestDirectoryEntryPages(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, testDirectoryEntryPages)
}

func testDirectoryEntryPages(t *testing.T, st *store.Store) {
	env := newDirectoryEnv(t, st)
	ids := findDemoIDs(t, env)
	gp := env.client(t).signInAs(care.RoleGP)

	checks := []struct {
		path string
		want []string
	}{
		{"/directory/practices/" + ids.practice, []string{"Who covers this practice?", "Lower Clapton Group Practice",
			"Hackney Adult Social Care – North Locality Team", "North locality duty social worker",
			"Hackney Adult Social Care – Single Point of Access (duty)", "Adult social care duty line",
			"Named link workers", "Link social worker for the practice", "Social prescribing link worker",
			"Hackney Community Health Services – District Nursing Team"}},
		{"/directory/services/" + ids.reablement, []string{"Hackney Reablement", "Funmilayo Adebayo", "Every day: 8am to 8pm",
			"Bank holidays: usual hours", "Hackney (council area)", "A referral must include", "Median time to acknowledge", "Ages: 18"}},
		{"/directory/teams/" + ids.north, []string{"North Locality Team", "practices</a>", "Team manager"}},
		{"/directory/teams/" + ids.north + "/practices", []string{"Practices this team covers", "Lower Clapton Group Practice"}},
		{"/directory/organisations/" + ids.council, []string{"London Borough of Hackney", "E09000012", "Hackney Reablement Service", "Hackney Reablement"}},
		{"/directory/organisations/" + ids.practice, []string{"F84003", "Who covers this practice?"}},
		{"/directory/practices?q=clapton", []string{"Lower Clapton Group Practice", "Who covers Lower Clapton Group Practice, your practice"}},
		{"/", []string{"Who covers your practice?", "/directory/practices/" + ids.practice}},
	}
	for _, c := range checks {
		res := gp.get(c.path)
		if res.status != 200 {
			t.Errorf("%s = %d", c.path, res.status)
			continue
		}
		for _, want := range c.want {
			if !strings.Contains(res.body, want) {
				t.Errorf("%s lacks %q", c.path, want)
			}
		}
	}
	// The reverse question, from a social worker's home page.
	sw := env.client(t).signInAs(care.RoleSocialWorker)
	if res := sw.get("/"); !strings.Contains(res.body, "Which practices does your team cover?") || !strings.Contains(res.body, "/directory/teams/"+ids.north+"/practices") {
		t.Error("the social worker's home page does not offer the practices their team covers")
	}
	// A team is not a practice.
	if res := gp.get("/directory/practices/" + ids.council); res.status != 404 {
		t.Errorf("coverage of a council = %d", res.status)
	}
}

func TestRoleProfilesAndGlossary(t *testing.T) {
	t.Parallel()
	env := newDirectoryEnv(t, storetest.SQLite(t))
	ids := findDemoIDs(t, env)
	sw := env.client(t).signInAs(care.RoleSocialWorker)
	checks := []struct {
		path   string
		status int
		want   []string
	}{
		{"/learning/roles", 200, []string{"What each role does", "Social care", "/learning/roles/care-navigator", "/learning/roles/social-prescribing-link-worker"}},
		{"/learning/roles/occupational-therapist", 200, []string{"What they need in a referral", "When to involve them"}},
		{"/learning/roles/no-such-role", 404, nil},
		{"/learning/glossary", 200, []string{`id="amhp"`, "Approved mental health professional"}},
		{"/learning/glossary?q=amhp", 200, []string{"Approved mental health professional", "See also"}},
		{"/learning/glossary?q=zzzz", 200, []string{"No term matches"}},
		// The directory links to the profiles.
		{"/directory/teams/" + ids.reablementTeam, 200, []string{"/learning/roles/reablement-worker"}},
		{"/directory/services/" + ids.ot, 200, []string{"/learning/roles/occupational-therapist"}},
		{"/directory", 200, []string{`href="/learning/glossary"`}},
	}
	for _, c := range checks {
		res := sw.get(c.path)
		if res.status != c.status {
			t.Errorf("%s = %d, want %d", c.path, res.status, c.status)
			continue
		}
		for _, want := range c.want {
			if !strings.Contains(res.body, want) {
				t.Errorf("%s lacks %q", c.path, want)
			}
		}
	}
}

func TestORUKIsPublicAndOutsideTheSession(t *testing.T) {
	t.Parallel()
	env := newDirectoryEnv(t, storetest.SQLite(t))
	c := env.client(t)
	res := c.get("/api/oruk/services?per_page=2")
	if res.status != 200 || res.header.Get("Access-Control-Allow-Origin") != "*" || res.header.Get("Set-Cookie") != "" ||
		!strings.Contains(res.body, `"total_items":25`) {
		t.Fatalf("services = %d %v %s", res.status, res.header, res.body)
	}
	// A signed-in browser gets the same public data; no session is looked up.
	signed := env.client(t).signInAs(care.RoleGP)
	if res := signed.get("/api/oruk/"); res.status != 200 || !strings.Contains(res.body, `"version":"3.0"`) {
		t.Fatalf("root = %d", res.status)
	}
	// It is read-only whoever asks.
	if res := c.do(http.MethodPost, "/api/oruk/services", url.Values{}, map[string]string{"Sec-Fetch-Site": "cross-site"}); res.status != http.StatusMethodNotAllowed {
		t.Errorf("POST = %d", res.status)
	}
	if res := c.get("/metrics"); !strings.Contains(res.body, `route="GET /api/oruk/services"`) {
		t.Error("the API's requests are not in the metrics by route")
	}
}
