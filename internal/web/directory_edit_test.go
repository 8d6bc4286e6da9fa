package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/directory"
	"github.com/joinedup/joinedup/internal/store"
	"github.com/joinedup/joinedup/internal/store/storetest"
)

// serviceValues is what the service form posts for f.
func serviceValues(f serviceForm) url.Values {
	v := url.Values{"version": {f.Version}, "name": {f.Name}, "description": {f.Description}, "team": {f.Team},
		"status": {f.Status}, "needs": f.Needs, "required_need": {f.RequiredNeed}, "eligibility": {f.Eligibility},
		"min_age": {f.MinAge}, "max_age": {f.MaxAge}, "catchment_la": f.LAs, "catchment_postcodes": {f.Postcodes},
		"catchment_practices": {f.Practices}, "catchment_wards": {f.Wards}, "referral_methods": f.Methods,
		"referral_phone": {f.Phone}, "referral_email": {f.Email}, "referral_form_url": {f.FormURL},
		"referral_must_include": {f.MustInclude}, "typical_wait": {f.TypicalWait}, "capacity": {f.Capacity},
		"wait_band": {f.WaitBand}, "bank_holidays": {f.BankHolidays}, "postcode": {f.Postcode}, "website": {f.Website}}
	for _, d := range f.Days {
		v.Set(d.Code+"_opens", d.Opens)
		v.Set(d.Code+"_closes", d.Closes)
	}
	return v
}

func currentForm(t *testing.T, env *testEnv, id string) serviceForm {
	t.Helper()
	sv, err := env.store.Service(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return serviceFormOf(sv)
}

func TestVerifyingChangesTheBadge(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, testVerifyingChangesTheBadge)
}

func testVerifyingChangesTheBadge(t *testing.T, st *store.Store) {
	env := newDirectoryEnv(t, st)
	ids := findDemoIDs(t, env)
	manager := env.client(t).signInAs(care.RoleTeamManager)
	page := manager.get("/directory/services/" + ids.ot)
	if page.status != 200 || !strings.Contains(page.body, "Stale: may be out of date") || !strings.Contains(page.body, "Confirm these details are still correct") {
		t.Fatalf("OT page for the manager = %d", page.status)
	}
	version := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page.body)
	res := manager.post("/directory/services/"+ids.ot+"/verify", url.Values{"version": {version[1]}})
	if res.status != http.StatusSeeOther || res.location != "/directory/services/"+ids.ot {
		t.Fatalf("verify = %d %q", res.status, res.location)
	}
	page = manager.get(res.location)
	if !strings.Contains(page.body, "Checked recently") || strings.Contains(page.body, "Stale: may be out of date") ||
		!strings.Contains(page.body, "You confirmed these details are still correct") || !strings.Contains(page.body, "by Marcus Campbell") {
		t.Fatal("the badge did not change after verifying")
	}
	// Search shows the new state straight away.
	search := manager.get("/directory?" + url.Values{"need": {"equipment-and-adaptations/home-adaptations"}, "postcode": {"E5 0PQ"}}.Encode())
	if !strings.Contains(search.body, "Hackney Occupational Therapy") || !strings.Contains(search.body, "by Marcus Campbell") {
		t.Error("search still shows the old verification")
	}
	// Verifying the version it no longer is: a conflict, not a silent tick.
	if res := manager.post("/directory/services/"+ids.ot+"/verify", url.Values{"version": {version[1]}}); res.status != http.StatusConflict {
		t.Errorf("stale verify = %d", res.status)
	}

	// A GP sees no button and is refused if they try; the refusal is audited.
	gp := env.client(t).signInAs(care.RoleGP)
	if page := gp.get("/directory/services/" + ids.ot); strings.Contains(page.body, "Confirm these details are still correct") {
		t.Error("a GP is offered the verify button")
	}
	if res := gp.post("/directory/services/"+ids.ot+"/verify", url.Values{"version": {"2"}}); res.status != http.StatusForbidden {
		t.Errorf("GP verify = %d", res.status)
	}
	// A team manager of Hackney cannot change Croydon's entries.
	croydon, err := env.store.OrganisationByCode(context.Background(), "E09000008")
	if err != nil {
		t.Fatal(err)
	}
	services, _ := env.store.ServicesOf(context.Background(), croydon.ID, "")
	if res := manager.get("/directory/services/" + services[0].ID + "/edit"); res.status != http.StatusForbidden {
		t.Errorf("Hackney manager editing Croydon = %d", res.status)
	}
	rows, err := env.store.ListAudit(context.Background(), care.SystemActor("test"), store.AuditFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var refusals []string
	for _, r := range rows {
		if r.Outcome == "denied" {
			refusals = append(refusals, r.Action)
		}
	}
	if !contains(refusals, "directory.service.verify") || !contains(refusals, "directory.service.edit") {
		t.Errorf("refusals audited: %v", refusals)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestEditingAServiceKeepsWhatWasTypedAndDetectsConflicts(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, testEditingAServiceKeepsWhatWasTypedAndDetectsConflicts)
}

func testEditingAServiceKeepsWhatWasTypedAndDetectsConflicts(t *testing.T, st *store.Store) {
	env := newDirectoryEnv(t, st)
	ids := findDemoIDs(t, env)
	manager := env.client(t).signInAs(care.RoleTeamManager)
	if res := manager.get("/directory/services/" + ids.reablement + "/edit"); res.status != 200 || !strings.Contains(res.body, `value="Hackney Reablement"`) {
		t.Fatalf("edit page = %d", res.status)
	}

	// Problems are shown at their fields, with what was typed kept.
	f := currentForm(t, env, ids.reablement)
	bad := f
	bad.Name, bad.Postcodes, bad.TypicalWait = "", "E8, Hackney", "About a fortnight"
	bad.Days[0].Opens, bad.Days[0].Closes = "20:00", "08:00"
	res := manager.post("/directory/services/"+ids.reablement, serviceValues(bad))
	if res.status != http.StatusBadRequest {
		t.Fatalf("bad edit = %d", res.status)
	}
	for _, want := range []string{`href="#catchment_postcodes"`, "is not a postcode district", `href="#hours_mon"`,
		"On Monday the opening time must be before the closing time", `value="About a fortnight"`, "E8, Hackney"} {
		if !strings.Contains(res.body, want) {
			t.Errorf("bad edit page lacks %q", want)
		}
	}
	bad.Postcodes, bad.Days = "", f.Days
	res = manager.post("/directory/services/"+ids.reablement, serviceValues(bad))
	if res.status != http.StatusBadRequest || !strings.Contains(res.body, "Enter the service&#39;s name") {
		t.Fatalf("empty name = %d", res.status)
	}

	// Two people open the form; the first saves; the second is told.
	first, second := f, f
	first.TypicalWait = "Within 3 working days"
	res = manager.post("/directory/services/"+ids.reablement, serviceValues(first))
	if res.status != http.StatusSeeOther || res.location != "/directory/services/"+ids.reablement {
		t.Fatalf("save = %d %q", res.status, res.location)
	}
	admin := env.client(t).signInAs(care.RoleOrgAdmin)
	second.Capacity, second.WaitBand = string(care.CapacityWaitlist), string(care.Wait2To6Weeks)
	res = admin.post("/directory/services/"+ids.reablement, serviceValues(second))
	if res.status != http.StatusConflict || !strings.Contains(res.body, "Someone else changed this service after you opened it") ||
		!strings.Contains(res.body, "Within 3 working days") {
		t.Fatalf("second save = %d", res.status)
	}
	// The second person's typed choice is still selected, and the form now
	// carries the saved version, so saving again is deliberate.
	if !regexp.MustCompile(`value="2-to-6-weeks" selected`).MatchString(res.body) || !strings.Contains(res.body, `name="version" value="`+itoa(atoi(f.Version)+1)+`"`) {
		t.Error("the conflict page lost what was typed or the new version")
	}
	sv, _ := env.store.Service(context.Background(), ids.reablement)
	if sv.Capacity.State != care.CapacityAccepting || sv.TypicalWait != "Within 3 working days" {
		t.Fatalf("saved = %+v", sv)
	}

	// The history says who changed what.
	hist := manager.get("/directory/services/" + ids.reablement + "/history")
	if hist.status != 200 || !strings.Contains(hist.body, "Changed: typical wait") || !strings.Contains(hist.body, "Marcus Campbell") {
		t.Errorf("history = %d", hist.status)
	}
	// Search shows the saved wait straight away.
	search := manager.get("/directory?" + url.Values{"text": {"washing and dressing"}, "postcode": {"E5 0PQ"}}.Encode())
	if !strings.Contains(search.body, "Within 3 working days") {
		t.Error("search shows the old wait")
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

func TestContactsAndTeamEditing(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, testContactsAndTeamEditing)
}

func testContactsAndTeamEditing(t *testing.T, st *store.Store) {
	env := newDirectoryEnv(t, st)
	ids := findDemoIDs(t, env)
	manager := env.client(t).signInAs(care.RoleTeamManager)
	res := manager.post("/directory/teams/"+ids.reablementTeam+"/contacts", url.Values{"role": {"Weekend duty"}, "phone": {"not a number"}})
	if res.status != http.StatusBadRequest || !strings.Contains(res.body, "Enter the person&#39;s name, or say this is a duty line") ||
		!strings.Contains(res.body, "Enter a UK phone number") || !strings.Contains(res.body, `value="Weekend duty"`) {
		t.Fatalf("bad contact = %d", res.status)
	}
	res = manager.post("/directory/teams/"+ids.reablementTeam+"/contacts", url.Values{"role": {"Weekend duty line"}, "duty": {"yes"},
		"phone": {"020 7946 0149"}, "hours": {"Saturday and Sunday, 8am to 8pm"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("add contact = %d", res.status)
	}
	page := manager.get(res.location)
	if !strings.Contains(page.body, "The contact has been added") || !strings.Contains(page.body, "Weekend duty line") {
		t.Fatal("the new contact is not on the team page")
	}
	contacts, _ := env.store.ContactsOfTeam(context.Background(), ids.reablementTeam)
	var added care.Contact
	for _, c := range contacts {
		if c.Role == "Weekend duty line" {
			added = c
		}
	}
	res = manager.post("/directory/contacts/"+added.ID+"/remove", url.Values{"version": {"1"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("remove = %d", res.status)
	}
	if page := manager.get(res.location); strings.Contains(page.body, "Weekend duty line") {
		t.Error("the removed contact is still listed")
	}

	// Team details, with an ODS code that is not a practice.
	tm, _ := env.store.Team(context.Background(), ids.north)
	form := url.Values{"version": {itoa(tm.Version)}, "name": {tm.Name}, "practices": {"F84003, ZZZ999"}, "mon_opens": {"09:00"}, "mon_closes": {"17:00"}}
	res = manager.post("/directory/teams/"+ids.north, form)
	if res.status != http.StatusBadRequest || !strings.Contains(res.body, "ZZZ999 is not a GP practice in the directory") {
		t.Fatalf("bad team edit = %d", res.status)
	}
	form.Set("practices", "F84003")
	res = manager.post("/directory/teams/"+ids.north, form)
	if res.status != http.StatusSeeOther {
		t.Fatalf("team edit = %d", res.status)
	}
	if page := manager.get("/directory/teams/" + ids.north + "/practices"); !strings.Contains(page.body, "covers 1 GP practice") {
		t.Error("the team's practices did not change")
	}
}

func TestRemindersReachTheInbox(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, testRemindersReachTheInbox)
}

func testRemindersReachTheInbox(t *testing.T, st *store.Store) {
	env := newDirectoryEnv(t, st)
	n, err := directory.SendReminders(context.Background(), env.store, time.Now(), env.app.loc)
	if err != nil || n == 0 {
		t.Fatalf("reminders = %d, %v", n, err)
	}
	admin := env.client(t).signInAs(care.RoleOrgAdmin)
	page := admin.get("/inbox")
	if page.status != 200 || !strings.Contains(page.body, "Check the directory entry for Hackney Occupational Therapy") {
		t.Fatalf("inbox = %d", page.status)
	}
	if home := admin.get("/"); !strings.Contains(home.body, "unread") {
		t.Error("the home page does not mention unread messages")
	}
	// Running again sends nothing new.
	before := strings.Count(page.body, "Check the directory entry")
	if _, err := directory.SendReminders(context.Background(), env.store, time.Now(), env.app.loc); err != nil {
		t.Fatal(err)
	}
	if again := admin.get("/inbox"); strings.Count(again.body, "Check the directory entry") != before {
		t.Error("a second run sent the reminders again")
	}
	if res := admin.post("/inbox/read-all", url.Values{}); res.status != http.StatusSeeOther {
		t.Fatalf("read all = %d", res.status)
	}
	if page := admin.get("/inbox"); !strings.Contains(page.body, "You have read every message") {
		t.Error("messages still unread")
	}
}
