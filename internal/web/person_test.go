package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/joinedup/joinedup/internal/auth"
	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/store"
	"github.com/joinedup/joinedup/internal/store/storetest"
)

// relation is how a test user stands towards a test person.
type relation string

const (
	relNone        relation = "none"
	relPractice    relation = "registered practice"
	relCareTeam    relation = "care team, other organisation"
	relReferral    relation = "open referral"
	relMDT         relation = "MDT attendee within the window"
	relMDTEnded    relation = "MDT attendee after the window"
	relBreakGlass  relation = "break-glass"
	relObjecting   relation = "care team, but the person objects (recorded by the practice)"
	relObjectingOK relation = "care team of the organisation that recorded the objection"
	relPracticeObj relation = "registered practice, and the person objects"
)

// personWorld is a test area with people in every relation to the users of
// two organisations: the practice every foundation test user works for, and
// a council with one user per role.
type personWorld struct {
	env *testEnv
	// people maps each relation a council user can have to a person id;
	// practiceRel says how practice users stand to the same person.
	people      map[relation]string
	practiceRel map[string]relation
	councilRel  map[string]relation
}

func councilEmail(r care.Role) string { return "council-" + string(r) + "@example.gov.uk" }

func newPersonWorld(t *testing.T, st *store.Store) *personWorld {
	t.Helper()
	env := newTestEnv(t, st)
	ctx := context.Background()
	sys := care.SystemActor("test")
	council, err := st.CreateOrganisation(ctx, sys, care.Organisation{Name: "London Borough of Hackney", Kind: care.OrgLocalAuthority, GSSCode: "E09000012"})
	if err != nil {
		t.Fatal(err)
	}
	councilTeam, err := st.CreateTeam(ctx, sys, care.Team{OrganisationID: council.ID, Name: "North Locality Team", Kind: "locality"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := st.CreateOrganisation(ctx, sys, care.Organisation{Name: "Other Practice", Kind: care.OrgGPPractice, ODSCode: "F99002", Phone: "020 7946 0999"})
	if err != nil {
		t.Fatal(err)
	}
	practice, err := st.OrganisationByCode(ctx, "F99001")
	if err != nil {
		t.Fatal(err)
	}
	hash, _ := auth.HashPassword(testPassword, auth.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1})
	councilActors := map[care.Role]care.Actor{}
	for _, r := range care.Roles {
		u, err := st.CreateUser(ctx, sys, store.NewUser{Email: councilEmail(r), Name: "Council " + r.Label(), PasswordHash: hash,
			Memberships: []store.NewMembership{{TeamID: councilTeam.ID, Role: r}}})
		if err != nil {
			t.Fatal(err)
		}
		councilActors[r] = care.Actor{UserID: u.ID, Name: u.Name, Acting: u.Memberships[0], Memberships: u.Memberships}
	}
	gpUser, err := st.UserByEmail(ctx, emailFor(care.RoleGP))
	if err != nil {
		t.Fatal(err)
	}
	gp := care.Actor{UserID: gpUser.ID, Name: gpUser.Name, Acting: gpUser.Memberships[0], Memberships: gpUser.Memberships}
	sw := councilActors[care.RoleSocialWorker]

	w := &personWorld{env: env, people: map[relation]string{}, practiceRel: map[string]relation{}, councilRel: map[string]relation{}}
	n := 0
	register := func(practiceID string) string {
		n++
		first9 := fmt.Sprintf("999100%03d", n)
		d, ok := care.NHSCheckDigit(first9)
		for !ok {
			n++
			first9 = fmt.Sprintf("999100%03d", n)
			d, ok = care.NHSCheckDigit(first9)
		}
		p, err := st.RegisterPerson(ctx, sys, care.Person{NHSNumber: care.NHSNumber(first9 + string(rune('0'+d))), GivenName: "Person",
			FamilyName: "Number " + first9, DateOfBirth: "1940-01-01", Address: "1 Test Road", Postcode: "E8 1AA",
			RegisteredPracticeID: practiceID}, nil, false)
		if err != nil {
			t.Fatal(err)
		}
		return p.ID
	}
	// Only the roles that work with people can join a care team; the
	// others stand in no relationship to anyone, as the matrix expects.
	addCouncilTeam := func(personID string) {
		for _, r := range care.CareRoles {
			if _, err := st.AddCareTeamUser(ctx, sys, personID, councilActors[r].Acting.ID, "Support", ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	set := func(id string, practiceRel, councilRel relation) {
		w.practiceRel[id], w.councilRel[id] = practiceRel, councilRel
		w.people[councilRel] = id
	}

	set(env.ids["{person}"], relPractice, relNone)

	id := register(other.ID)
	addCouncilTeam(id)
	set(id, relNone, relCareTeam)

	id = register(other.ID)
	if _, err := st.GrantRelationship(ctx, sys, store.RelationshipGrant{PersonID: id, Kind: care.GrantOpenReferral, TeamID: councilTeam.ID,
		SourceType: "referral", SourceID: "r1"}); err != nil {
		t.Fatal(err)
	}
	set(id, relNone, relReferral)

	now := time.Now()
	for _, window := range []struct {
		rel         relation
		from, until time.Time
	}{
		{relMDT, now.Add(-time.Hour), now.Add(time.Hour)},
		{relMDTEnded, now.Add(-72 * time.Hour), now.Add(-time.Hour)},
	} {
		id = register(other.ID)
		for _, r := range care.Roles {
			if _, err := st.GrantRelationship(ctx, sys, store.RelationshipGrant{PersonID: id, Kind: care.GrantMDTAttendee,
				UserID: councilActors[r].UserID, SourceType: "mdt_meeting", SourceID: "m-" + string(window.rel), From: window.from, Until: window.until}); err != nil {
				t.Fatal(err)
			}
		}
		set(id, relNone, window.rel)
	}

	id = register(other.ID)
	var nhs string
	if rec, err := st.PersonRecord(ctx, sys, id); err == nil {
		nhs = string(rec.Person.NHSNumber)
	}
	for _, r := range care.CareRoles {
		if _, _, err := st.StartBreakGlass(ctx, councilActors[r], nhs, care.BreakGlassEmergency, "Testing emergency access"); err != nil {
			t.Fatal(err)
		}
	}
	set(id, relNone, relBreakGlass)

	// The practice records an objection: council care-team members see only
	// that the record exists.
	id = register(practice.ID)
	addCouncilTeam(id)
	rec, _ := st.PersonRecord(ctx, gp, id)
	if err := st.SetObjection(ctx, gp, id, true, rec.Person.Version); err != nil {
		t.Fatal(err)
	}
	set(id, relPracticeObj, relObjecting)

	// The council records one: its care-team members still see everything.
	id = register(other.ID)
	addCouncilTeam(id)
	rec, _ = st.PersonRecord(ctx, sw, id)
	if err := st.SetObjection(ctx, sw, id, true, rec.Person.Version); err != nil {
		t.Fatal(err)
	}
	set(id, relNone, relObjectingOK)
	return w
}

// routeRule is who may use a person route, as an expectation written out
// independently of the rules in care.
type routeRule int

const (
	seeAnything    routeRule = iota // any relationship, objection or not
	seeDetails                      // a relationship, and no objection in the way
	change                          // a standing relationship (practice, care team)
	changePlan                      // change, in one of the plan roles
	privacyOfficer                  // the privacy officer, whatever the relationship
)

// personRoutes lists every route about one person with a request that
// exercises it without changing anything, and what an allowed user gets.
var personRoutes = []struct {
	pattern string
	path    string
	form    url.Values
	rule    routeRule
	ok      int
}{
	{"GET /people/{id}", "/people/{person}", nil, seeAnything, 200},
	{"GET /people/{id}/edit", "/people/{person}/edit", nil, change, 200},
	{"POST /people/{id}", "/people/{person}", url.Values{}, change, 400},
	{"POST /people/{id}/objection", "/people/{person}/objection", url.Values{"objects": {"maybe"}}, change, 400},
	{"GET /people/{id}/carers/new", "/people/{person}/carers/new", nil, change, 200},
	{"POST /people/{id}/carers", "/people/{person}/carers", url.Values{}, change, 400},
	{"POST /people/{id}/carers/{carer}/remove", "/people/{person}/carers/none/remove", url.Values{}, change, 404},
	{"GET /people/{id}/alerts/new", "/people/{person}/alerts/new", nil, change, 200},
	{"POST /people/{id}/alerts", "/people/{person}/alerts", url.Values{}, change, 400},
	{"POST /people/{id}/alerts/{alert}/end", "/people/{person}/alerts/none/end", url.Values{}, change, 404},
	{"GET /people/{id}/care-team", "/people/{person}/care-team", nil, seeDetails, 200},
	{"POST /people/{id}/care-team", "/people/{person}/care-team", url.Values{}, change, 400},
	{"POST /people/{id}/care-team/contacts", "/people/{person}/care-team/contacts", url.Values{}, change, 400},
	{"POST /people/{id}/care-team/{member}/coordinator", "/people/{person}/care-team/none/coordinator", url.Values{}, change, 404},
	{"POST /people/{id}/care-team/{member}/remove", "/people/{person}/care-team/none/remove", url.Values{}, change, 404},
	{"GET /people/{id}/plan", "/people/{person}/plan", nil, seeDetails, 200},
	{"GET /people/{id}/plan/history", "/people/{person}/plan/history", nil, seeDetails, 200},
	{"GET /people/{id}/plan/sections/{section}/edit", "/people/{person}/plan/sections/goals/edit", nil, changePlan, 200},
	{"POST /people/{id}/plan/sections/{section}", "/people/{person}/plan/sections/review", url.Values{"review_date_day": {"31"}, "review_date_month": {"2"}, "review_date_year": {"2027"}}, changePlan, 400},
	{"GET /people/{id}/plan/actions/new", "/people/{person}/plan/actions/new", nil, changePlan, 200},
	{"POST /people/{id}/plan/actions", "/people/{person}/plan/actions", url.Values{}, changePlan, 400},
	{"GET /people/{id}/plan/actions/{action}/edit", "/people/{person}/plan/actions/none/edit", nil, changePlan, 404},
	{"POST /people/{id}/plan/actions/{action}", "/people/{person}/plan/actions/none", url.Values{"description": {"x"}, "owner": {"person:"}, "due_date_day": {"1"}, "due_date_month": {"1"}, "due_date_year": {"2027"}, "status": {"done"}}, changePlan, 404},
	{"GET /people/{id}/timeline", "/people/{person}/timeline", nil, seeDetails, 200},
	{"GET /people/{id}/access", "/people/{person}/access", nil, privacyOfficer, 200},
}

// expectedStatus is the table the matrix checks against.
func expectedStatus(role care.Role, rel relation, rule routeRule, ok int) int {
	careRole := slices.Contains([]care.Role{care.RoleGP, care.RolePracticeManager, care.RolePracticeStaff, care.RoleSocialWorker,
		care.RoleTeamManager, care.RoleNurse, care.RoleOccupationalTherapist, care.RoleCareNavigator, care.RoleMDTCoordinator}, role)
	planRole := slices.Contains([]care.Role{care.RoleGP, care.RoleSocialWorker, care.RoleTeamManager, care.RoleNurse,
		care.RoleOccupationalTherapist, care.RoleCareNavigator, care.RoleMDTCoordinator}, role)
	any := map[relation]bool{relPractice: true, relCareTeam: true, relReferral: true, relMDT: true, relBreakGlass: true,
		relObjecting: true, relObjectingOK: true, relPracticeObj: true}
	details := map[relation]bool{relPractice: true, relCareTeam: true, relReferral: true, relMDT: true, relBreakGlass: true,
		relObjectingOK: true, relPracticeObj: true}
	standing := map[relation]bool{relPractice: true, relCareTeam: true, relObjectingOK: true, relPracticeObj: true}
	allowed := false
	switch rule {
	case seeAnything:
		allowed = careRole && any[rel]
	case seeDetails:
		allowed = careRole && details[rel]
	case change:
		allowed = careRole && standing[rel]
	case changePlan:
		allowed = planRole && standing[rel]
	case privacyOfficer:
		allowed = role == care.RolePrivacyOfficer
	}
	if allowed {
		return ok
	}
	return http.StatusForbidden
}

func TestEveryPersonRouteIsInThePersonMatrix(t *testing.T) {
	t.Parallel()
	s := &Server{assets: &assets{}}
	covered := map[string]bool{}
	for _, r := range personRoutes {
		covered[r.pattern] = true
	}
	for _, rt := range s.routeTable() {
		if _, path, _ := strings.Cut(rt.pattern, " "); strings.HasPrefix(path, "/people/{id}") && !covered[rt.pattern] {
			t.Errorf("person route %q is not in personRoutes", rt.pattern)
		}
	}
}

// TestPersonRoutesMatrix requests every person route as every role, in
// every relationship with a person, with and without an objection to
// sharing, and checks the status against the expected table. Deny is the
// default: anything not listed as allowed must be refused.
func TestPersonRoutesMatrix(t *testing.T) {
	t.Parallel()
	w := newPersonWorld(t, storetest.SQLite(t))
	type user struct {
		email string
		role  care.Role
		rels  map[string]relation
	}
	var users []user
	for _, r := range care.Roles {
		users = append(users, user{emailFor(r), r, w.practiceRel}, user{councilEmail(r), r, w.councilRel})
	}
	for _, u := range users {
		c := w.env.client(t)
		if res := c.signIn(u.email, testPassword); res.status != http.StatusSeeOther {
			t.Fatalf("sign in %s: %d", u.email, res.status)
		}
		for personID, rel := range u.rels {
			for _, route := range personRoutes {
				method, _, _ := strings.Cut(route.pattern, " ")
				res := c.do(method, strings.ReplaceAll(route.path, "{person}", personID), route.form, nil)
				if want := expectedStatus(u.role, rel, route.rule, route.ok); res.status != want {
					t.Errorf("%s as %s (%s), %s: %d, want %d", route.pattern, u.role, u.email, rel, res.status, want)
				}
			}
		}
	}
}

func TestObjectionShowsOnlyThatARecordExists(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, testObjectionShowsOnlyThatARecordExists)
}

func testObjectionShowsOnlyThatARecordExists(t *testing.T, st *store.Store) {
	w := newPersonWorld(t, st)
	c := w.env.client(t)
	c.signIn(councilEmail(care.RoleSocialWorker), testPassword)
	res := c.get("/people/" + w.people[relObjecting])
	if res.status != 200 || !strings.Contains(res.body, "objected to sharing") || !strings.Contains(res.body, "Test Practice") ||
		strings.Contains(res.body, "1 Test Road") || strings.Contains(res.body, "Care coordinator") {
		t.Fatalf("restricted page = %d\n%s", res.status, res.body)
	}
	res = c.get("/people/" + w.people[relObjectingOK])
	if res.status != 200 || !strings.Contains(res.body, "1 Test Road") {
		t.Fatalf("same-organisation care team = %d", res.status)
	}
}

func TestNoRelationshipIsRefusedAndAudited(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, testNoRelationshipIsRefusedAndAudited)
}

func testNoRelationshipIsRefusedAndAudited(t *testing.T, st *store.Store) {
	w := newPersonWorld(t, st)
	c := w.env.client(t).mustSignIn(care.RoleNurse)
	res := c.get("/people/" + w.people[relCareTeam])
	if res.status != http.StatusForbidden || !strings.Contains(res.body, "You do not have access to this record") ||
		strings.Contains(res.body, "Number 9991") {
		t.Fatalf("no relationship = %d\n%s", res.status, res.body)
	}
	rows, err := w.env.store.ListAudit(context.Background(), care.SystemActor("test"), store.AuditFilter{PersonID: w.people[relCareTeam]})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rows {
		found = found || r.Action == "person.read" && r.Outcome == "denied" && r.Role == string(care.RoleNurse)
	}
	if !found {
		t.Error("the refusal is not in the audit trail")
	}
}

func TestRegisterPersonForm(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, testRegisterPersonForm)
}

func testRegisterPersonForm(t *testing.T, st *store.Store) {
	env := newTestEnv(t, st)
	ctx := context.Background()
	sys := care.SystemActor("test")
	if _, err := env.store.CreateOrganisation(ctx, sys, care.Organisation{Name: "London Borough of Hackney", Kind: care.OrgLocalAuthority, GSSCode: "E09000012"}); err != nil {
		t.Fatal(err)
	}
	practice, _ := env.store.OrganisationByCode(ctx, "F99001")
	c := env.client(t).mustSignIn(care.RolePracticeManager)
	form := url.Values{"nhs_number": {"999 000 0034"}, "given_name": {"Grace"}, "family_name": {"Hopper"},
		"dob_day": {"9"}, "dob_month": {"12"}, "dob_year": {"1936"}, "address": {"2 Example Road"}, "postcode": {"n1 1aa"},
		"registered_practice": {practice.ID}, "phone": {"020 7946 0003"}, "contact_preference": {"phone"},
		"what_matters": {"Teaching my grandchildren to code"}}

	// N1 is in more than one council; with no way to tell, the form asks,
	// keeping everything typed.
	res := c.post("/people", form)
	if res.status != http.StatusBadRequest || !strings.Contains(res.body, "could not work out the local authority") ||
		!strings.Contains(res.body, `value="Grace"`) || !strings.Contains(res.body, "Teaching my grandchildren to code") {
		t.Fatalf("unknown council = %d\n%s", res.status, res.body)
	}
	// An E8 postcode is in Hackney.
	form.Set("postcode", "E8 1AA")
	res = c.post("/people", form)
	if res.status != http.StatusSeeOther || !strings.HasPrefix(res.location, "/people/") {
		t.Fatalf("register = %d %q\n%s", res.status, res.location, res.body)
	}
	page := c.get(res.location)
	for _, want := range []string{"Grace Hopper", "999 000 0034", "London Borough of Hackney", "Teaching my grandchildren to code",
		"No care coordinator has been named", "has been registered"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("the new record lacks %q", want)
		}
	}

	// Every problem is shown at its field, and what was typed is kept.
	bad := url.Values{"nhs_number": {"999 000 0035"}, "given_name": {"Ada"}, "dob_day": {"31"}, "dob_month": {"2"}, "dob_year": {"1950"},
		"postcode": {"E8"}, "email": {"not an email"}}
	res = c.post("/people", bad)
	for _, want := range []string{"This is not a valid NHS number", "Enter their last name", "Date of birth: enter a real date",
		"Enter the full postcode", "Enter an email address in the correct format", "Choose the GP practice", `value="Ada"`,
		`href="#nhs_number"`, `href="#date_of_birth"`, `id="date_of_birth"`} {
		if !strings.Contains(res.body, want) {
			t.Errorf("invalid form lacks %q", want)
		}
	}
	if res.status != http.StatusBadRequest {
		t.Errorf("invalid form = %d", res.status)
	}

	// The same name and date of birth under another number asks for a
	// confirmation, then registers.
	twin := url.Values{}
	for k, v := range form {
		twin[k] = v
	}
	twin.Set("nhs_number", "9990000042")
	res = c.post("/people", twin)
	if res.status != http.StatusBadRequest || !strings.Contains(res.body, "may be someone who is already registered") ||
		!strings.Contains(res.body, `name="confirm_duplicate"`) {
		t.Fatalf("possible duplicate = %d", res.status)
	}
	twin.Set("confirm_duplicate", "yes")
	if res := c.post("/people", twin); res.status != http.StatusSeeOther {
		t.Fatalf("confirmed = %d\n%s", res.status, res.body)
	}
	// The same NHS number twice is refused at the field.
	res = c.post("/people", form)
	if res.status != http.StatusBadRequest || !strings.Contains(res.body, "already a record with this NHS number") {
		t.Errorf("duplicate NHS number = %d", res.status)
	}
}

func TestCareTeamJourney(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, testCareTeamJourney)
}

func testCareTeamJourney(t *testing.T, st *store.Store) {
	w := newPersonWorld(t, st)
	pm := w.env.client(t).mustSignIn(care.RolePracticeManager)
	personID := w.env.ids["{person}"]
	res := pm.get("/people/" + personID + "/care-team?q=council%20social")
	if res.status != 200 || !strings.Contains(res.body, "Council Social worker, Social worker") {
		t.Fatalf("colleague search = %d\n%s", res.status, res.body)
	}
	i := strings.Index(res.body, `name="membership" type="radio" value="`)
	if i < 0 {
		t.Fatal("no colleague to choose")
	}
	rest := res.body[i+len(`name="membership" type="radio" value="`):]
	membership := rest[:strings.IndexByte(rest, '"')]
	// The responsibility is needed; what was chosen is kept.
	res = pm.post("/people/"+personID+"/care-team", url.Values{"membership": {membership}, "q": {"council social"}})
	if res.status != 400 || !strings.Contains(res.body, "Say what they are responsible for") || !strings.Contains(res.body, `value="`+membership+`" checked`) {
		t.Fatalf("no responsibility = %d", res.status)
	}
	res = pm.post("/people/"+personID+"/care-team", url.Values{"membership": {membership}, "responsibility": {"Care Act assessment"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("add = %d\n%s", res.status, res.body)
	}
	page := pm.get("/people/" + personID + "/care-team")
	i = strings.Index(page.body, "/coordinator")
	start := strings.LastIndex(page.body[:i], "/people/")
	res = pm.post(page.body[start:i+len("/coordinator")], url.Values{})
	if res.status != http.StatusSeeOther {
		t.Fatalf("name coordinator = %d", res.status)
	}
	record := pm.get("/people/" + personID)
	if !strings.Contains(record.body, "Care coordinator") || !strings.Contains(record.body, "Council Social worker") ||
		strings.Contains(record.body, "No care coordinator has been named") {
		t.Errorf("the coordinator is not at the top of the record")
	}
	// The social worker now has a relationship through the care team.
	sw := w.env.client(t)
	sw.signIn(councilEmail(care.RoleSocialWorker), testPassword)
	if res := sw.get("/people/" + personID); res.status != 200 {
		t.Errorf("social worker after joining = %d", res.status)
	}
}

func TestPlanEditConflictShowsBothVersionsAndLosesNothing(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, testPlanEditConflictShowsBothVersionsAndLosesNothing)
}

func testPlanEditConflictShowsBothVersionsAndLosesNothing(t *testing.T, st *store.Store) {
	env := newTestEnv(t, st)
	path := "/people/" + env.ids["{person}"] + "/plan/sections/goals"
	gp := env.client(t).mustSignIn(care.RoleGP)
	nurse := env.client(t).mustSignIn(care.RoleNurse)
	// Both open the form on the same version.
	for _, c := range []*client{gp, nurse} {
		if res := c.get(path + "/edit"); res.status != 200 || !strings.Contains(res.body, `name="version" value="0"`) {
			t.Fatalf("edit form = %d", res.status)
		}
	}
	if res := gp.post(path, url.Values{"version": {"0"}, "goals": {"Walk to the shop\nSee my grandson"}}); res.status != http.StatusSeeOther {
		t.Fatalf("first save = %d\n%s", res.status, res.body)
	}
	res := nurse.post(path, url.Values{"version": {"0"}, "goals": {"Go swimming again"}})
	if res.status != http.StatusConflict {
		t.Fatalf("second save = %d", res.status)
	}
	for _, want := range []string{"Someone else changed this section", "Walk to the shop", "Test GP", ">Go swimming again</textarea>",
		`name="version" value="1"`, "Added: </span>", "Removed: </span>"} {
		if !strings.Contains(res.body, want) {
			t.Errorf("conflict page lacks %q", want)
		}
	}
	// Saving again, on their version, is a deliberate choice and works.
	if res := nurse.post(path, url.Values{"version": {"1"}, "goals": {"Walk to the shop\nGo swimming again"}}); res.status != http.StatusSeeOther {
		t.Fatalf("save after conflict = %d", res.status)
	}
	plan := gp.get("/people/" + env.ids["{person}"] + "/plan")
	if !strings.Contains(plan.body, "Go swimming again") || !strings.Contains(plan.body, "Last changed by Test Nurse") {
		t.Error("the plan does not show the saved version and who saved it")
	}
	history := gp.get("/people/" + env.ids["{person}"] + "/plan/history")
	if strings.Count(history.body, "My goals: changed by") != 2 || !strings.Contains(history.body, "Removed: </span><span aria-hidden=\"true\">− </span>See my grandson") {
		t.Errorf("history = %s", history.body)
	}
}

func TestPlanActionForm(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, testPlanActionForm)
}

func testPlanActionForm(t *testing.T, st *store.Store) {
	env := newTestEnv(t, st)
	gp := env.client(t).mustSignIn(care.RoleGP)
	base := "/people/" + env.ids["{person}"] + "/plan/actions"
	res := gp.post(base, url.Values{"description": {"Order a grab rail"}, "owner": {"person:"}, "due_date_day": {"31"},
		"due_date_month": {"4"}, "due_date_year": {"2026"}, "status": {"not_started"}})
	if res.status != 400 || !strings.Contains(res.body, "Due date: enter a real date") || !strings.Contains(res.body, "Order a grab rail") {
		t.Fatalf("bad date = %d", res.status)
	}
	res = gp.post(base, url.Values{"description": {"Order a grab rail"}, "owner": {"person:"}, "due_date_day": {"30"},
		"due_date_month": {"4"}, "due_date_year": {"2026"}, "status": {"not_started"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("add action = %d\n%s", res.status, res.body)
	}
	plan := gp.get("/people/" + env.ids["{person}"] + "/plan")
	if !strings.Contains(plan.body, "Order a grab rail") || !strings.Contains(plan.body, "30 April 2026") || !strings.Contains(plan.body, "Test Person (the person)") {
		t.Errorf("the plan does not list the action")
	}
}

func TestTimelineShowsPlanAndCareTeamChanges(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, testTimelineShowsPlanAndCareTeamChanges)
}

func testTimelineShowsPlanAndCareTeamChanges(t *testing.T, st *store.Store) {
	w := newPersonWorld(t, st)
	gp := w.env.client(t).mustSignIn(care.RoleGP)
	id := w.env.ids["{person}"]
	if res := gp.post("/people/"+id+"/plan/sections/needs", url.Values{"version": {"0"}, "needs": {"Help with shopping"}}); res.status != http.StatusSeeOther {
		t.Fatalf("plan change = %d", res.status)
	}
	if res := gp.post("/people/"+id+"/care-team/contacts", url.Values{"member_name": {"Jo Bloggs"}, "member_role": {"District nurse"},
		"member_organisation": {"Hackney Community Health"}, "member_phone": {"020 7946 0002"}, "member_responsibility": {"Dressings"}}); res.status != http.StatusSeeOther {
		t.Fatalf("care team change = %d\n%s", res.status, res.body)
	}
	if res := gp.post("/people/"+id+"/alerts", url.Values{"alert_kind": {"safeguarding"}, "sensitivity": {"sensitive"},
		"alert_description": {"Concern about finances"}}); res.status != http.StatusSeeOther {
		t.Fatalf("alert = %d\n%s", res.status, res.body)
	}
	res := gp.get("/people/" + id + "/timeline")
	for _, want := range []string{"Care plan changed: My needs", "Jo Bloggs (District nurse, Hackney Community Health) joined the care team", "Safeguarding alert added", "Record registered"} {
		if !strings.Contains(res.body, want) {
			t.Errorf("timeline lacks %q", want)
		}
	}
	// Practice staff may not read sensitive alerts, so not their events either.
	staff := w.env.client(t).mustSignIn(care.RolePracticeStaff)
	res = staff.get("/people/" + id + "/timeline")
	if res.status != 200 || strings.Contains(res.body, "Safeguarding alert added") || !strings.Contains(res.body, "Care plan changed") {
		t.Errorf("practice staff's timeline = %d", res.status)
	}
	record := staff.get("/people/" + id)
	if !strings.Contains(record.body, "There is 1 sensitive alert that your role cannot see") || strings.Contains(record.body, "Concern about finances") {
		t.Error("the hidden alert is not announced, or is shown")
	}
}

func TestBreakGlassJourney(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, testBreakGlassJourney)
}

func testBreakGlassJourney(t *testing.T, st *store.Store) {
	w := newPersonWorld(t, st)
	id := w.people[relCareTeam]
	rec, err := w.env.store.PersonRecord(context.Background(), care.SystemActor("test"), id)
	if err != nil {
		t.Fatal(err)
	}
	nhs := string(rec.Person.NHSNumber)
	nurse := w.env.client(t).mustSignIn(care.RoleNurse)

	// Refused, with the way to emergency access.
	res := nurse.get("/people/" + id)
	if res.status != http.StatusForbidden || !strings.Contains(res.body, `href="/break-glass"`) {
		t.Fatalf("refused = %d", res.status)
	}
	// A search by NHS number finds no one, and offers emergency access; a
	// search by name never does.
	res = nurse.get("/people?nhs_number=" + nhs)
	if !strings.Contains(res.body, "No one found") || !strings.Contains(res.body, "/break-glass?nhs_number="+nhs) {
		t.Errorf("search by NHS number:\n%s", res.body)
	}
	res = nurse.get("/people?family_name=Number&dob_day=1&dob_month=1&dob_year=1940")
	if strings.Contains(res.body, "/break-glass") {
		t.Error("a search by name offers emergency access")
	}
	// A reason is required.
	res = nurse.post("/break-glass", url.Values{"nhs_number": {nhs}, "category": {"emergency"}})
	if res.status != 400 || !strings.Contains(res.body, "Explain why you need this record now") {
		t.Fatalf("no reason = %d", res.status)
	}
	res = nurse.post("/break-glass", url.Values{"nhs_number": {nhs}, "category": {"emergency"}, "reason": {"Found on the floor at home, need medicines"}})
	if res.status != http.StatusSeeOther || res.location != "/people/"+id {
		t.Fatalf("break-glass = %d %q", res.status, res.location)
	}
	res = nurse.get("/people/" + id)
	if res.status != 200 || !strings.Contains(res.body, "You are using emergency access") || strings.Contains(res.body, "Change their details") {
		t.Fatalf("record under break-glass = %d", res.status)
	}

	// The privacy officer reviews it.
	officer := w.env.client(t).mustSignIn(care.RolePrivacyOfficer)
	res = officer.get("/privacy/break-glass")
	if !strings.Contains(res.body, "Found on the floor at home") || !strings.Contains(res.body, "Test Nurse") {
		t.Fatalf("queue:\n%s", res.body)
	}
	i := strings.Index(res.body, `href="/privacy/break-glass/`)
	rest := res.body[i+len(`href="`):]
	reviewPath := rest[:strings.IndexByte(rest, '"')]
	for !strings.Contains(officer.get(reviewPath).body, "Test Nurse") {
		// Other emergency accesses in the world come first; find the nurse's.
		rest = rest[strings.Index(rest, `href="/privacy/break-glass/`)+len(`href="`):]
		reviewPath = rest[:strings.IndexByte(rest, '"')]
	}
	page := officer.get(reviewPath)
	version := "1"
	if res := officer.post(reviewPath, url.Values{"outcome": {"inappropriate"}, "version": {version}}); res.status != 400 ||
		!strings.Contains(res.body, "Say why the access was not appropriate") {
		t.Errorf("inappropriate without a note = %d", res.status)
	}
	if !strings.Contains(page.body, "Read the record 1 time") {
		t.Errorf("review page does not count the reads:\n%s", page.body)
	}
	if res := officer.post(reviewPath, url.Values{"outcome": {"appropriate"}, "version": {version}, "note": {"Confirmed with the ambulance crew"}}); res.status != http.StatusSeeOther {
		t.Fatalf("review = %d\n%s", res.status, res.body)
	}
	if res := officer.get("/privacy/break-glass?reviewed=1"); !strings.Contains(res.body, "Appropriate") {
		t.Error("the review is not in the reviewed list")
	}

	// Who has accessed this record: the refusal and the emergency access.
	res = officer.get("/privacy/access?nhs_number=" + nhs)
	if res.status != http.StatusSeeOther || res.location != "/people/"+id+"/access" {
		t.Fatalf("find access log = %d %q", res.status, res.location)
	}
	res = officer.get(res.location)
	for _, want := range []string{"Who has accessed this record", "Used emergency access", "Refused", "Test Nurse", "Found on the floor at home",
		"Through emergency access.", "Their identity, contact details, communication needs, carers, no alerts, the care team and “About me”."} {
		if !strings.Contains(res.body, want) {
			t.Errorf("access log lacks %q", want)
		}
	}
	// The audit trail's own shorthand stays off the page.
	for _, raw := range []string{"0 shown", "0 withheld", "through:", "break glass", "about me,"} {
		if strings.Contains(res.body, raw) {
			t.Errorf("access log shows the audit trail's words %q", raw)
		}
	}
}
