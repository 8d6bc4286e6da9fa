package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/joinedup/joinedup/internal/store"
	"github.com/joinedup/joinedup/internal/store/storetest"
)

// TestMDTActionBecomesAReferralOverHTTP follows the one step from an
// action to a referral: the owner picks a service, the referral form opens
// with the person and the action filled in, and sending it links the two.
func TestMDTActionBecomesAReferralOverHTTP(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, testMDTActionBecomesAReferralOverHTTP)
}

func testMDTActionBecomesAReferralOverHTTP(t *testing.T, st *store.Store) {
	w := newMDTWorld(t, st)
	sw := w.env.client(t)
	if res := sw.signIn(mdtCouncilSW, testPassword); res.status != http.StatusSeeOther {
		t.Fatalf("sign in: %d", res.status)
	}
	actionPath := "/mdt/actions/" + w.action
	if res := sw.get(actionPath); !strings.Contains(res.body, `href="`+actionPath+`/refer"`) {
		t.Fatal("the action page offers no referral")
	}
	for _, c := range []struct {
		query string
		want  int
	}{{"", 200}, {"?service=", 400}, {"?service=none", 400}, {"?service=%3Cscript%3E", 400}} {
		if res := sw.get(actionPath + "/refer" + c.query); res.status != c.want {
			t.Errorf("refer%s = %d, want %d", c.query, res.status, c.want)
		}
	}
	service := w.env.ids["{service}"]
	res := sw.get(actionPath + "/refer?service=" + url.QueryEscape(service))
	formPath := "/directory/services/" + service + "/refer?action=" + w.action
	if res.status != http.StatusSeeOther || res.location != formPath {
		t.Fatalf("choosing a service = %d %q", res.status, res.location)
	}
	form := sw.get(formPath)
	for _, want := range []string{`value="999 999 9999"`, "Care Act assessment", `name="from_action" value="` + w.action + `"`} {
		if !strings.Contains(form.body, want) {
			t.Errorf("the prefilled form lacks %q", want)
		}
	}
	// Someone who does not own the action cannot start from it.
	out := w.env.client(t)
	out.signIn(mdtCouncilGP, testPassword)
	if res := out.get(formPath); res.status != http.StatusForbidden {
		t.Errorf("an outsider's form from the action = %d", res.status)
	}
	f := referForm("9999999999")
	f.Set("wants", "Care Act assessment")
	f.Set("from_action", w.action)
	f.Set("confirm", "yes")
	if res := out.multipartPost("/directory/services/"+service+"/refer", f, nil); res.status != http.StatusForbidden {
		t.Errorf("an outsider sent from the action = %d", res.status)
	}
	res = sw.multipartPost("/directory/services/"+service+"/refer", f, nil)
	if res.status != http.StatusSeeOther || !strings.HasPrefix(res.location, "/referrals/") {
		t.Fatalf("send = %d %q\n%s", res.status, res.location, res.body)
	}
	refID := strings.TrimSuffix(strings.TrimPrefix(res.location, "/referrals/"), "?done=sent")
	page := sw.get(actionPath)
	if !strings.Contains(page.body, `href="/referrals/`+refID+`"`) || strings.Contains(page.body, actionPath+`/refer"`) {
		t.Error("the action does not show its referral, or still offers one")
	}
	if res := sw.get(actionPath + "/refer"); res.status != http.StatusConflict {
		t.Errorf("a second referral from the action = %d", res.status)
	}
}
