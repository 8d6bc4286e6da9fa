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
)

// newDirectoryEnv is the test server with the demo area loaded on top, so
// directory pages have real-looking entries. Demo users sign in with the
// test password.
func newDirectoryEnv(t *testing.T) *testEnv {
	t.Helper()
	env := newTestEnv(t)
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
	env := newDirectoryEnv(t)
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
		"Checked recently", "Accepting referrals", "No data yet", "Searching near E5 0PQ",
		"Not available for this person", "Croydon Reablement", "Covers Croydon only",
	} {
		if !strings.Contains(res.body, want) {
			t.Errorf("search results lack %q", want)
		}
	}
	if i, j := strings.Index(res.body, "Hackney Reablement"), strings.Index(res.body, "Not available for this person"); i > j {
		t.Error("Hackney Reablement is not among the eligible services")
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
	env := newDirectoryEnv(t)
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
}
