package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/store/storetest"
)

// TestEveryKindOfEntrySavesAlike posts each kind of directory entry's edit
// form as a browser would: a save goes to the entry's page, the same form
// posted again is a conflict shown beside the saved version, a form with a
// problem is shown again with it, and someone who does not look after the
// entry is refused.
func TestEveryKindOfEntrySavesAlike(t *testing.T) {
	t.Parallel()
	env := newDirectoryEnv(t, storetest.SQLite(t))
	ids := findDemoIDs(t, env)
	ctx := context.Background()
	manager := env.client(t).signInAs(care.RoleTeamManager)
	gp := env.client(t).signInAs(care.RoleGP)
	contact, err := env.store.CreateContact(ctx, care.SystemActor("test"), care.Contact{TeamID: ids.north,
		Role: "Duty line", Duty: true, Phone: "020 7946 0150"})
	if err != nil {
		t.Fatal(err)
	}
	council, err := env.store.Organisation(ctx, ids.council)
	if err != nil {
		t.Fatal(err)
	}
	north, err := env.store.Team(ctx, ids.north)
	if err != nil {
		t.Fatal(err)
	}
	service := currentForm(t, env, ids.ot)
	badService := service
	badService.Name = ""

	kinds := []struct {
		what, path string
		version    int
		form, bad  url.Values
		savedTo    string
	}{
		{"organisation", "/directory/organisations/" + council.ID, council.Version,
			url.Values{"name": {council.Name}, "website": {"https://hackney.example.org.uk"}},
			url.Values{"name": {council.Name}, "postcode": {"not a postcode"}},
			"/directory/organisations/" + council.ID},
		{"team", "/directory/teams/" + north.ID, north.Version,
			url.Values{"name": {north.Name}, "phone": {"020 7946 0151"}},
			url.Values{"name": {""}},
			"/directory/teams/" + north.ID},
		{"service", "/directory/services/" + ids.ot, atoi(service.Version), serviceValues(service), serviceValues(badService),
			"/directory/services/" + ids.ot},
		{"contact", "/directory/contacts/" + contact.ID, contact.Version,
			url.Values{"role": {"Duty line"}, "duty": {"yes"}, "phone": {"020 7946 0152"}},
			url.Values{"role": {"Duty line"}, "duty": {"yes"}, "phone": {"not a number"}},
			"/directory/teams/" + ids.north},
	}
	post := func(c *client, path string, form url.Values, version int) response {
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		f.Set("version", itoa(version))
		return c.post(path, f)
	}
	for _, k := range kinds {
		if res := post(gp, k.path, k.form, k.version); res.status != http.StatusForbidden {
			t.Errorf("%s: someone who does not look after it = %d", k.what, res.status)
		}
		if res := post(manager, k.path, k.bad, k.version); res.status != http.StatusBadRequest || !strings.Contains(res.body, "<title>Error: ") {
			t.Errorf("%s: a form with a problem = %d", k.what, res.status)
		}
		if res := post(manager, k.path, k.form, k.version); res.status != http.StatusSeeOther || res.location != k.savedTo {
			t.Fatalf("%s: save = %d %q", k.what, res.status, res.location)
		}
		res := post(manager, k.path, k.form, k.version)
		if res.status != http.StatusConflict || !strings.Contains(res.body, "Someone else changed this "+k.what+" after you opened it") ||
			!strings.Contains(res.body, `name="version" value="`+itoa(k.version+1)+`"`) {
			t.Errorf("%s: the same form again = %d", k.what, res.status)
		}
	}
}
