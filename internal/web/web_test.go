package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // as in the binary: the tests never depend on the machine's zone database

	"github.com/prometheus/client_golang/prometheus"

	"github.com/joinedup/joinedup/internal/auth"
	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/store"
	"github.com/joinedup/joinedup/internal/store/storetest"
	"github.com/joinedup/joinedup/internal/testdb"
)

const testPassword = "a long test password"

// clock is a controllable time source shared by the server under test.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type testEnv struct {
	srv   *httptest.Server
	store *store.Store
	clock *clock
	app   *Server
	// ids maps the matrix's placeholders, such as {service}, to the ids of
	// entries made for the test.
	ids map[string]string
}

// expand replaces the placeholders in a matrix path with real ids.
func (e *testEnv) expand(path string) string {
	for k, v := range e.ids {
		path = strings.ReplaceAll(path, k, v)
	}
	return path
}

func emailFor(r care.Role) string { return string(r) + "@example.nhs.uk" }

// newTestEnv serves joinedup on st, a fresh store from storetest, with one
// user per role.
//
// Tests whose outcome depends on the store (journeys that write and read
// back, audit, sessions, throttling, readiness) run on both engines through
// storetest.Engines. The route matrices (TestAuthorisationMatrix,
// TestPersonRoutesMatrix, TestReferralRoutesMatrix, TestMDTRoutesMatrix) and
// the tests of pure HTTP behaviour (headers, cookies, error pages, metrics,
// static pages) decide nothing in SQL that the journeys do not already
// cover, so they run on SQLite only, to keep the test command fast.
func newTestEnv(t *testing.T, st *store.Store) *testEnv {
	t.Helper()
	ctx := context.Background()
	sys := care.SystemActor("test")
	org, err := st.CreateOrganisation(ctx, sys, care.Organisation{Name: "Test Practice", Kind: care.OrgGPPractice, ODSCode: "F99001"})
	if err != nil {
		t.Fatal(err)
	}
	team, err := st.CreateTeam(ctx, sys, care.Team{OrganisationID: org.ID, Name: "Test team", Kind: "practice"})
	if err != nil {
		t.Fatal(err)
	}
	cheap := auth.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}
	hash, _ := auth.HashPassword(testPassword, cheap)
	for _, r := range care.Roles {
		if _, err := st.CreateUser(ctx, sys, store.NewUser{Email: emailFor(r), Name: "Test " + r.Label(), PasswordHash: hash,
			Memberships: []store.NewMembership{{TeamID: team.ID, Role: r}}}); err != nil {
			t.Fatal(err)
		}
	}
	// A directory entry of each kind, owned by the test practice, so the
	// matrix can check who may change them.
	sv, err := st.CreateService(ctx, sys, care.Service{OrganisationID: org.ID, TeamID: team.ID, Name: "Test service",
		Description: "A service for tests.", Status: care.ServiceActive, Needs: []string{"personal-care"},
		Catchment: []care.CatchmentArea{{Kind: care.CatchPractice, Code: "F99001"}},
		Referral:  care.Referral{Methods: []care.ReferralMethod{care.ReferThroughJoinedup}},
		Capacity:  care.Capacity{State: care.CapacityAccepting}})
	if err != nil {
		t.Fatal(err)
	}
	contact, err := st.CreateContact(ctx, sys, care.Contact{TeamID: team.ID, Role: "Test duty line", Phone: "020 7946 0000", Duty: true})
	if err != nil {
		t.Fatal(err)
	}
	person, err := st.RegisterPerson(ctx, sys, care.Person{NHSNumber: "9999999999", GivenName: "Test", FamilyName: "Person",
		DateOfBirth: "1940-01-01", Address: "1 Test Road", Postcode: "E8 1AA", RegisteredPracticeID: org.ID}, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	// A referral from the test team to its own service, so every care role
	// is on both of its sides; TestReferralRoutesMatrix covers the sides.
	gpUser, err := st.UserByEmail(ctx, emailFor(care.RoleGP))
	if err != nil {
		t.Fatal(err)
	}
	gp := care.Actor{UserID: gpUser.ID, Name: gpUser.Name, Acting: gpUser.Memberships[0], Memberships: gpUser.Memberships}
	ref, err := st.SendReferral(ctx, gp, store.NewReferral{NHSNumber: "9999999999", ServiceID: sv.ID, NeedCode: "personal-care",
		Wants: "Help at home", Urgency: care.UrgencyRoutine, LegalBasis: care.LegalBasisConsent, Contact: "Phone first"})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{"{org}": org.ID, "{team}": team.ID, "{service}": sv.ID, "{contact}": contact.ID, "{person}": person.ID,
		"{referral}": ref.ID}
	c := &clock{now: time.Now()}
	cfg := auth.DefaultConfig()
	cfg.Argon2, cfg.Now = cheap, c.Now
	a, err := auth.NewService(st, cfg)
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(st, a, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{Calendar: st.Calendar()})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return &testEnv{srv: srv, store: st, clock: c, app: s, ids: ids}
}

// client is a browser: it keeps cookies, does not follow redirects, and
// sends the headers a same-origin form post carries.
type client struct {
	t   *testing.T
	env *testEnv
	hc  *http.Client
}

func (e *testEnv) client(t *testing.T) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, env: e, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

type response struct {
	status   int
	location string
	body     string
	header   http.Header
}

func (c *client) do(method, path string, form url.Values, header map[string]string) response {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.env.srv.URL+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if method == http.MethodPost {
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("Origin", c.env.srv.URL)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, location: res.Header.Get("Location"), body: string(b), header: res.Header}
}

func (c *client) get(path string) response { return c.do(http.MethodGet, path, nil, nil) }
func (c *client) post(path string, form url.Values) response {
	return c.do(http.MethodPost, path, form, nil)
}

func (c *client) signIn(email, password string) response {
	c.t.Helper()
	return c.post("/sign-in", url.Values{"email": {email}, "password": {password}})
}

func (c *client) mustSignIn(r care.Role) *client {
	c.t.Helper()
	if res := c.signIn(emailFor(r), testPassword); res.status != http.StatusSeeOther || res.location != "/" {
		c.t.Fatalf("sign in as %s: %d %s", r, res.status, res.location)
	}
	return c
}

// access is what a role may do with a route.
type access int

const (
	public        access = iota // anyone, signed in or not
	anyone                      // any signed-in user
	auditRoles                  // privacy officers and administrators
	gapRoles                    // organisation administrators and analysts
	dirOwners                   // team managers and organisation administrators of the entry's organisation
	careRoles                   // the roles that work with people (care.CareRoles)
	registerRoles               // the roles that register people (care.RegisterRoles)
	planRoles                   // the roles that change care plans (care.PlanRoles)
	privacyRoles                // privacy officers only
)

// mdtCoordinators are the roles that set up MDT meetings
// (care.MDTCoordinatorRoles). It stands apart from the list above, with a
// value of its own, so capabilities built in parallel can each add theirs.
const mdtCoordinators access = 105

// matrix covers every route in routeTable: who may use it, and a request
// that exercises it. okStatus is what an allowed request gets.
var matrix = map[string]struct {
	access   access
	path     string
	form     url.Values
	okStatus int
	// signedInStatus, when set, is what a signed-in user gets instead.
	signedInStatus int
}{
	"GET /healthz":                                   {public, "/healthz", nil, 200, 0},
	"GET /readyz":                                    {public, "/readyz", nil, 200, 0},
	"GET /metrics":                                   {public, "/metrics", nil, 200, 0},
	"GET /static/":                                   {public, "/static/manifest.json", nil, 200, 0},
	"GET /sign-in":                                   {public, "/sign-in", nil, 200, 303},
	"POST /sign-in":                                  {public, "/sign-in", url.Values{"email": {""}}, 400, 0},
	"POST /sign-out":                                 {anyone, "/sign-out", url.Values{}, 303, 0},
	"GET /{$}":                                       {anyone, "/", nil, 200, 0},
	"GET /account":                                   {anyone, "/account", nil, 200, 0},
	"POST /account/password":                         {anyone, "/account/password", url.Values{"current": {""}}, 400, 0},
	"POST /account/team":                             {anyone, "/account/team", url.Values{"membership": {"not-mine"}}, 400, 0},
	"GET /audit":                                     {auditRoles, "/audit", nil, 200, 0},
	"POST /audit/verify":                             {auditRoles, "/audit/verify", url.Values{}, 200, 0},
	"GET /directory":                                 {anyone, "/directory?text=washing&postcode=E8+1DY", nil, 200, 0},
	"GET /directory/gaps":                            {gapRoles, "/directory/gaps", nil, 200, 0},
	"GET /directory/services/{id}":                   {anyone, "/directory/services/{service}", nil, 200, 0},
	"GET /directory/services/{id}/history":           {anyone, "/directory/services/{service}/history", nil, 200, 0},
	"GET /directory/teams/{id}":                      {anyone, "/directory/teams/{team}", nil, 200, 0},
	"GET /directory/teams/{id}/practices":            {anyone, "/directory/teams/{team}/practices", nil, 200, 0},
	"GET /directory/organisations/{id}":              {anyone, "/directory/organisations/{org}", nil, 200, 0},
	"GET /directory/practices":                       {anyone, "/directory/practices?q=test", nil, 200, 0},
	"GET /directory/practices/{id}":                  {anyone, "/directory/practices/{org}", nil, 200, 0},
	"GET /directory/services/{id}/edit":              {dirOwners, "/directory/services/{service}/edit", nil, 200, 0},
	"POST /directory/services/{id}":                  {dirOwners, "/directory/services/{service}", url.Values{"name": {""}}, 400, 0},
	"POST /directory/services/{id}/verify":           {dirOwners, "/directory/services/{service}/verify", url.Values{"version": {"0"}}, 409, 0},
	"GET /directory/organisations/{id}/services/new": {dirOwners, "/directory/organisations/{org}/services/new", nil, 200, 0},
	"POST /directory/organisations/{id}/services":    {dirOwners, "/directory/organisations/{org}/services", url.Values{"name": {""}}, 400, 0},
	"GET /directory/teams/{id}/edit":                 {dirOwners, "/directory/teams/{team}/edit", nil, 200, 0},
	"POST /directory/teams/{id}":                     {dirOwners, "/directory/teams/{team}", url.Values{"name": {""}}, 400, 0},
	"POST /directory/teams/{id}/verify":              {dirOwners, "/directory/teams/{team}/verify", url.Values{"version": {"0"}}, 409, 0},
	"GET /directory/teams/{id}/contacts/new":         {dirOwners, "/directory/teams/{team}/contacts/new", nil, 200, 0},
	"POST /directory/teams/{id}/contacts":            {dirOwners, "/directory/teams/{team}/contacts", url.Values{"role": {""}}, 400, 0},
	"GET /directory/contacts/{id}/edit":              {dirOwners, "/directory/contacts/{contact}/edit", nil, 200, 0},
	"POST /directory/contacts/{id}":                  {dirOwners, "/directory/contacts/{contact}", url.Values{"role": {""}}, 400, 0},
	"POST /directory/contacts/{id}/remove":           {dirOwners, "/directory/contacts/{contact}/remove", url.Values{"version": {"0"}}, 409, 0},
	"GET /directory/organisations/{id}/edit":         {dirOwners, "/directory/organisations/{org}/edit", nil, 200, 0},
	"POST /directory/organisations/{id}":             {dirOwners, "/directory/organisations/{org}", url.Values{"name": {""}}, 400, 0},
	"POST /directory/organisations/{id}/verify":      {dirOwners, "/directory/organisations/{org}/verify", url.Values{"version": {"0"}}, 409, 0},
	"GET /learning/roles":                            {anyone, "/learning/roles", nil, 200, 0},
	"GET /learning/roles/{slug}":                     {anyone, "/learning/roles/occupational-therapist", nil, 200, 0},
	"GET /learning/glossary":                         {anyone, "/learning/glossary?q=amhp", nil, 200, 0},
	"GET /inbox":                                     {anyone, "/inbox", nil, 200, 0},
	"POST /inbox/{id}/read":                          {anyone, "/inbox/no-such-id/read", url.Values{}, 404, 0},
	"POST /inbox/read-all":                           {anyone, "/inbox/read-all", url.Values{}, 303, 0},
	"/":                                              {public, "/no-such-page", nil, 404, 0},

	// People: every test user works for the test person's practice, so
	// each care role has a relationship; TestPersonRoutesMatrix covers the
	// other relationships.
	"GET /people":                                      {careRoles, "/people", nil, 200, 0},
	"GET /people/new":                                  {registerRoles, "/people/new", nil, 200, 0},
	"POST /people":                                     {registerRoles, "/people", url.Values{}, 400, 0},
	"GET /people/{id}":                                 {careRoles, "/people/{person}", nil, 200, 0},
	"GET /people/{id}/edit":                            {careRoles, "/people/{person}/edit", nil, 200, 0},
	"POST /people/{id}":                                {careRoles, "/people/{person}", url.Values{}, 400, 0},
	"POST /people/{id}/objection":                      {careRoles, "/people/{person}/objection", url.Values{"objects": {"maybe"}}, 400, 0},
	"GET /people/{id}/carers/new":                      {careRoles, "/people/{person}/carers/new", nil, 200, 0},
	"POST /people/{id}/carers":                         {careRoles, "/people/{person}/carers", url.Values{}, 400, 0},
	"POST /people/{id}/carers/{carer}/remove":          {careRoles, "/people/{person}/carers/none/remove", url.Values{}, 404, 0},
	"GET /people/{id}/alerts/new":                      {careRoles, "/people/{person}/alerts/new", nil, 200, 0},
	"POST /people/{id}/alerts":                         {careRoles, "/people/{person}/alerts", url.Values{}, 400, 0},
	"POST /people/{id}/alerts/{alert}/end":             {careRoles, "/people/{person}/alerts/none/end", url.Values{}, 404, 0},
	"GET /people/{id}/care-team":                       {careRoles, "/people/{person}/care-team", nil, 200, 0},
	"POST /people/{id}/care-team":                      {careRoles, "/people/{person}/care-team", url.Values{}, 400, 0},
	"POST /people/{id}/care-team/contacts":             {careRoles, "/people/{person}/care-team/contacts", url.Values{}, 400, 0},
	"POST /people/{id}/care-team/{member}/coordinator": {careRoles, "/people/{person}/care-team/none/coordinator", url.Values{}, 404, 0},
	"POST /people/{id}/care-team/{member}/remove":      {careRoles, "/people/{person}/care-team/none/remove", url.Values{}, 404, 0},
	"GET /people/{id}/plan":                            {careRoles, "/people/{person}/plan", nil, 200, 0},
	"GET /people/{id}/plan/history":                    {careRoles, "/people/{person}/plan/history", nil, 200, 0},
	"GET /people/{id}/plan/sections/{section}/edit":    {planRoles, "/people/{person}/plan/sections/goals/edit", nil, 200, 0},
	"POST /people/{id}/plan/sections/{section}":        {planRoles, "/people/{person}/plan/sections/review", url.Values{"review_date_day": {"31"}, "review_date_month": {"2"}, "review_date_year": {"2027"}}, 400, 0},
	"GET /people/{id}/plan/actions/new":                {planRoles, "/people/{person}/plan/actions/new", nil, 200, 0},
	"POST /people/{id}/plan/actions":                   {planRoles, "/people/{person}/plan/actions", url.Values{}, 400, 0},
	"GET /people/{id}/plan/actions/{action}/edit":      {planRoles, "/people/{person}/plan/actions/none/edit", nil, 404, 0},
	"POST /people/{id}/plan/actions/{action}":          {planRoles, "/people/{person}/plan/actions/none", url.Values{"description": {"x"}, "owner": {"person:"}, "due_date_day": {"1"}, "due_date_month": {"1"}, "due_date_year": {"2027"}, "status": {"done"}}, 404, 0},
	"GET /people/{id}/timeline":                        {careRoles, "/people/{person}/timeline", nil, 200, 0},
	"GET /people/{id}/access":                          {privacyRoles, "/people/{person}/access", nil, 200, 0},
	"GET /break-glass":                                 {careRoles, "/break-glass", nil, 200, 0},
	"POST /break-glass":                                {careRoles, "/break-glass", url.Values{}, 400, 0},
	"GET /privacy/break-glass":                         {privacyRoles, "/privacy/break-glass", nil, 200, 0},
	"GET /privacy/break-glass/{use}":                   {privacyRoles, "/privacy/break-glass/none", nil, 404, 0},
	"POST /privacy/break-glass/{use}":                  {privacyRoles, "/privacy/break-glass/none", url.Values{"outcome": {"appropriate"}}, 404, 0},
	"GET /privacy/access":                              {privacyRoles, "/privacy/access", nil, 200, 0},

	// MDT meetings: the roles that work with people take part; the
	// meetings here do not exist, so an allowed role gets 404, and
	// TestMDTRoutesMatrix covers each relation with a real meeting.
	"GET /mdt":                                     {careRoles, "/mdt", nil, 200, 0},
	"GET /mdt/series/new":                          {mdtCoordinators, "/mdt/series/new", nil, 200, 0},
	"POST /mdt/series":                             {mdtCoordinators, "/mdt/series", url.Values{"step": {"find"}}, 400, 0},
	"GET /mdt/series/{id}":                         {careRoles, "/mdt/series/none", nil, 404, 0},
	"GET /mdt/blocked-times":                       {careRoles, "/mdt/blocked-times", nil, 200, 0},
	"POST /mdt/blocked-times":                      {careRoles, "/mdt/blocked-times", url.Values{}, 400, 0},
	"POST /mdt/blocked-times/{id}/remove":          {careRoles, "/mdt/blocked-times/none/remove", url.Values{}, 404, 0},
	"GET /mdt/meetings/{id}":                       {careRoles, "/mdt/meetings/none", nil, 404, 0},
	"GET /mdt/meetings/{id}/meeting.ics":           {careRoles, "/mdt/meetings/none/meeting.ics", nil, 404, 0},
	"POST /mdt/meetings/{id}/items":                {careRoles, "/mdt/meetings/none/items", url.Values{}, 404, 0},
	"POST /mdt/meetings/{id}/invitees":             {careRoles, "/mdt/meetings/none/invitees", url.Values{}, 404, 0},
	"POST /mdt/meetings/{id}/response":             {careRoles, "/mdt/meetings/none/response", url.Values{"answer": {"accepted"}}, 404, 0},
	"POST /mdt/meetings/{id}/attendance":           {careRoles, "/mdt/meetings/none/attendance", url.Values{"attendance-x": {"declined"}}, 404, 0},
	"POST /mdt/meetings/{id}/start":                {careRoles, "/mdt/meetings/none/start", url.Values{}, 404, 0},
	"POST /mdt/meetings/{id}/finish":               {careRoles, "/mdt/meetings/none/finish", url.Values{"version": {"1"}}, 404, 0},
	"GET /mdt/meetings/{id}/items/{item}":          {careRoles, "/mdt/meetings/none/items/none", nil, 404, 0},
	"GET /mdt/meetings/{id}/items/{item}/pack":     {careRoles, "/mdt/meetings/none/items/none/pack", nil, 404, 0},
	"POST /mdt/meetings/{id}/items/{item}/outcome": {careRoles, "/mdt/meetings/none/items/none/outcome", url.Values{}, 404, 0},
	"POST /mdt/meetings/{id}/items/{item}/actions": {careRoles, "/mdt/meetings/none/items/none/actions", url.Values{}, 404, 0},
	"POST /mdt/meetings/{id}/items/{item}/move":    {careRoles, "/mdt/meetings/none/items/none/move", url.Values{}, 404, 0},
	"GET /mdt/actions":                             {careRoles, "/mdt/actions", nil, 200, 0},
	"GET /mdt/actions/{id}":                        {careRoles, "/mdt/actions/none", nil, 404, 0},
	"POST /mdt/actions/{id}":                       {careRoles, "/mdt/actions/none", url.Values{"status": {"done"}, "due_day": {"1"}, "due_month": {"1"}, "due_year": {"2030"}}, 404, 0},
	"GET /mdt/actions/{id}/refer":                  {careRoles, "/mdt/actions/none/refer", nil, 404, 0},
	"GET /mdt/calendar":                            {careRoles, "/mdt/calendar", nil, 200, 0},
	"POST /mdt/calendar":                           {careRoles, "/mdt/calendar", url.Values{}, 200, 0},
	"GET /calendar/{token}":                        {public, "/calendar/no-such-calendar-token-at-all", nil, 404, 0},
	// Referrals: care roles only; the test referral is the test team's to
	// its own service, so every care role is on both sides.
	"GET /directory/services/{id}/refer":     {careRoles, "/directory/services/{service}/refer", nil, 200, 0},
	"POST /directory/services/{id}/refer":    {careRoles, "/directory/services/{service}/refer", url.Values{"nhs_number": {"1"}}, 400, 0},
	"GET /directory/services/{id}/targets":   {dirOwners, "/directory/services/{service}/targets", nil, 200, 0},
	"POST /directory/services/{id}/targets":  {dirOwners, "/directory/services/{service}/targets", url.Values{"routine_acknowledge": {"x"}}, 400, 0},
	"GET /referrals/sent":                    {careRoles, "/referrals/sent", nil, 200, 0},
	"GET /referrals/incoming":                {careRoles, "/referrals/incoming?view=overdue", nil, 200, 0},
	"GET /referrals/{id}":                    {careRoles, "/referrals/{referral}", nil, 200, 0},
	"GET /referrals/{id}/move/{to}":          {careRoles, "/referrals/{referral}/move/rejected", nil, 200, 0},
	"POST /referrals/{id}/move/{to}":         {careRoles, "/referrals/{referral}/move/rejected", url.Values{"version": {"1"}}, 400, 0},
	"GET /referrals/{id}/redirect":           {careRoles, "/referrals/{referral}/redirect", nil, 200, 0},
	"POST /referrals/{id}/redirect":          {careRoles, "/referrals/{referral}/redirect", url.Values{"version": {"1"}}, 400, 0},
	"POST /referrals/{id}/messages":          {careRoles, "/referrals/{referral}/messages", url.Values{"body": {" "}}, 400, 0},
	"POST /referrals/{id}/assign":            {careRoles, "/referrals/{referral}/assign", url.Values{"version": {"1"}, "assignee": {"nobody"}}, 400, 0},
	"POST /referrals/{id}/feedback":          {careRoles, "/referrals/{referral}/feedback", url.Values{"missing": {"nonsense"}}, 400, 0},
	"GET /referrals/{id}/attachments/{file}": {careRoles, "/referrals/{referral}/attachments/none", nil, 404, 0},
}

func allowed(a access, r care.Role) bool {
	switch a {
	case public, anyone:
		return true
	case auditRoles:
		return r == care.RolePrivacyOfficer || r == care.RoleAdmin
	case gapRoles:
		return r == care.RoleOrgAdmin || r == care.RoleAnalyst
	case dirOwners:
		return r == care.RoleTeamManager || r == care.RoleOrgAdmin
	case careRoles:
		return r.IsCareRole()
	case registerRoles:
		return slices.Contains(care.RegisterRoles, r)
	case planRoles:
		return slices.Contains(care.PlanRoles, r)
	case privacyRoles:
		return r == care.RolePrivacyOfficer
	case mdtCoordinators:
		return slices.Contains(care.MDTCoordinatorRoles, r)
	}
	return false
}

func TestEveryRouteIsInTheMatrix(t *testing.T) {
	t.Parallel()
	s := &Server{assets: &assets{}}
	for _, rt := range s.routeTable() {
		if _, ok := matrix[rt.pattern]; !ok {
			t.Errorf("route %q is not in the authorisation matrix", rt.pattern)
		}
	}
	if len(matrix) != len(s.routeTable()) {
		t.Errorf("the matrix has %d entries for %d routes", len(matrix), len(s.routeTable()))
	}
}

func TestAuthorisationMatrix(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, storetest.SQLite(t))
	for pattern, m := range matrix {
		method, _, _ := strings.Cut(pattern, " ")
		if !strings.Contains(pattern, " ") {
			method = http.MethodGet
		}
		path := env.expand(m.path)
		t.Run("signed out "+pattern, func(t *testing.T) {
			res := env.client(t).do(method, path, m.form, nil)
			if m.access == public {
				if res.status != m.okStatus {
					t.Errorf("%s %s signed out = %d, want %d", method, path, res.status, m.okStatus)
				}
				return
			}
			if res.status != http.StatusSeeOther || !strings.HasPrefix(res.location, "/sign-in") {
				t.Errorf("%s %s signed out = %d %q, want a redirect to sign in", method, path, res.status, res.location)
			}
		})
		for _, role := range care.Roles {
			t.Run(string(role)+" "+pattern, func(t *testing.T) {
				c := env.client(t).mustSignIn(role)
				res := c.do(method, path, m.form, nil)
				want := m.okStatus
				if m.signedInStatus != 0 {
					want = m.signedInStatus
				}
				if !allowed(m.access, role) {
					want = http.StatusForbidden
				}
				if res.status != want {
					t.Errorf("%s %s as %s = %d, want %d", method, path, role, res.status, want)
				}
			})
		}
	}
}

func TestForbiddenAttemptsAreAudited(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, testForbiddenAttemptsAreAudited)
}

func testForbiddenAttemptsAreAudited(t *testing.T, st *store.Store) {
	env := newTestEnv(t, st)
	c := env.client(t).mustSignIn(care.RoleGP)
	if res := c.get("/audit"); res.status != http.StatusForbidden || !strings.Contains(res.body, "You do not have access to this page") {
		t.Fatalf("GP reading the audit trail: %d", res.status)
	}
	officer := env.client(t).mustSignIn(care.RolePrivacyOfficer)
	res := officer.get("/audit")
	if !strings.Contains(res.body, "audit.view") || !strings.Contains(res.body, "Refused") {
		t.Fatalf("the refused attempt is not in the audit trail:\n%s", res.body)
	}
}

func TestSignInPage(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, storetest.SQLite(t))
	c := env.client(t)
	if res := c.get("/"); res.status != http.StatusSeeOther || res.location != "/sign-in" {
		t.Fatalf("signed-out home = %d %q", res.status, res.location)
	}
	if res := c.get("/account"); res.location != "/sign-in?next=%2Faccount" {
		t.Fatalf("signed-out account = %q", res.location)
	}
	// Wrong password and unknown account give the same message, and the
	// typed email is kept.
	for _, email := range []string{emailFor(care.RoleGP), "nobody@example.nhs.uk"} {
		res := c.signIn(email, "wrong password")
		if res.status != http.StatusUnauthorized || !strings.Contains(res.body, "Email address or password is not right") ||
			!strings.Contains(res.body, `value="`+email+`"`) {
			t.Errorf("failed sign-in for %s = %d", email, res.status)
		}
	}
	res := c.post("/sign-in", url.Values{"email": {""}, "password": {""}})
	if res.status != http.StatusBadRequest || !strings.Contains(res.body, "Enter your email address") || !strings.Contains(res.body, "Enter your password") {
		t.Errorf("empty sign-in = %d", res.status)
	}
	// A next parameter returns the user where they were going, but only on this site.
	res = c.post("/sign-in", url.Values{"email": {emailFor(care.RoleGP)}, "password": {testPassword}, "next": {"//evil.example/"}})
	if res.status != http.StatusSeeOther || res.location != "/" {
		t.Errorf("off-site next = %d %q", res.status, res.location)
	}
	home := c.get("/")
	if home.status != 200 || !strings.Contains(home.body, "What you can do today") || !strings.Contains(home.body, "Test GP") || !strings.Contains(home.body, "Test team") {
		t.Errorf("home = %d", home.status)
	}
	if res := c.post("/sign-out", url.Values{}); res.status != http.StatusSeeOther || res.location != "/sign-in?signed-out=1" {
		t.Errorf("sign-out = %d %q", res.status, res.location)
	}
	if res := c.get("/"); res.status != http.StatusSeeOther {
		t.Errorf("home after sign-out = %d", res.status)
	}
}

func TestSessionCookie(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, storetest.SQLite(t))
	res := env.client(t).signIn(emailFor(care.RoleGP), testPassword)
	cookie := res.header.Get("Set-Cookie")
	for _, want := range []string{sessionCookie + "=", "HttpOnly", "SameSite=Lax", "Path=/"} {
		if !strings.Contains(cookie, want) {
			t.Errorf("cookie %q lacks %q", cookie, want)
		}
	}
	if strings.Contains(cookie, "Secure") {
		t.Errorf("cookie is Secure on plain http: %q", cookie)
	}
}

func TestCrossOriginPostIsRejected(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, storetest.SQLite(t))
	c := env.client(t).mustSignIn(care.RoleGP)
	res := c.do(http.MethodPost, "/sign-out", url.Values{}, map[string]string{"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"})
	if res.status != http.StatusForbidden || !strings.Contains(res.body, "sent from another website") {
		t.Fatalf("cross-site post = %d", res.status)
	}
	if res := c.get("/"); res.status != 200 {
		t.Fatalf("the cross-site post signed the user out: %d", res.status)
	}
}

func TestExpiredSessionSendsUserToSignIn(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, testExpiredSessionSendsUserToSignIn)
}

func testExpiredSessionSendsUserToSignIn(t *testing.T, st *store.Store) {
	env := newTestEnv(t, st)
	c := env.client(t).mustSignIn(care.RoleSocialWorker)
	env.clock.Add(31 * time.Minute)
	res := c.get("/account")
	if res.status != http.StatusSeeOther || !strings.Contains(res.location, "ended=1") {
		t.Fatalf("idle session = %d %q", res.status, res.location)
	}
	page := c.get(res.location)
	if !strings.Contains(page.body, "You were signed out because") {
		t.Fatalf("sign-in page does not say why")
	}
}

func TestSignInIsThrottled(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, testSignInIsThrottled)
}

func testSignInIsThrottled(t *testing.T, st *store.Store) {
	env := newTestEnv(t, st)
	c := env.client(t)
	for range 5 {
		c.signIn(emailFor(care.RoleNurse), "wrong password")
	}
	res := c.signIn(emailFor(care.RoleNurse), testPassword)
	if res.status != http.StatusTooManyRequests || !strings.Contains(res.body, "too many attempts") {
		t.Fatalf("sixth attempt = %d", res.status)
	}
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, storetest.SQLite(t))
	res := env.client(t).get("/sign-in")
	want := map[string]string{
		"Content-Security-Policy": "script-src 'self'",
		"X-Content-Type-Options":  "nosniff",
		"X-Frame-Options":         "DENY",
		"Referrer-Policy":         "same-origin",
		"Cache-Control":           "no-store",
	}
	for h, v := range want {
		if !strings.Contains(res.header.Get(h), v) {
			t.Errorf("%s = %q, want it to contain %q", h, res.header.Get(h), v)
		}
	}
	if strings.Contains(res.header.Get("Content-Security-Policy"), "unsafe-inline") {
		t.Error("the CSP allows inline script or style")
	}
	if strings.Contains(res.body, "<script>") || strings.Contains(res.body, "style=") {
		t.Error("the page has inline script or style")
	}
}

func TestErrorPagesExplainTheProblem(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, storetest.SQLite(t))
	c := env.client(t).mustSignIn(care.RoleGP)
	res := c.get("/no-such-page")
	if res.status != 404 || !strings.Contains(res.body, "Page not found") {
		t.Errorf("404 page = %d", res.status)
	}
	res = c.post("/account/team", url.Values{"membership": {"nope"}})
	if res.status != 400 || !strings.Contains(res.body, "Choose one of your own teams") {
		t.Errorf("400 page = %d", res.status)
	}
}

func TestMetricsCountRequestsByRoute(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, storetest.SQLite(t))
	c := env.client(t)
	c.get("/healthz")
	c.get("/no-such-page/123")
	c.do("BREW", "/healthz", nil, nil)
	c.do("BREW-456", "/healthz", nil, nil)
	res := c.get("/metrics")
	if res.status != 200 || !strings.HasPrefix(res.header.Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("metrics = %d %q", res.status, res.header.Get("Content-Type"))
	}
	for _, want := range []string{
		"# TYPE joinedup_http_requests_total counter",
		`joinedup_http_requests_total{code="200",method="GET",route="GET /healthz"} 1`,
		`joinedup_http_requests_total{code="404",method="GET",route="/"} 1`,
		"# TYPE joinedup_http_request_duration_seconds histogram",
		`joinedup_http_request_duration_seconds_bucket{method="GET",route="GET /healthz",le="0.05"} `,
		`joinedup_http_request_duration_seconds_count{method="GET",route="GET /healthz"} 1`,
		// Methods a client makes up are counted together.
		`joinedup_http_requests_total{code="404",method="OTHER",route="/"} 2`,
	} {
		if !strings.Contains(res.body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if strings.Contains(res.body, "123") || strings.Contains(res.body, "BREW") {
		t.Error("a path or a made-up method, not a route, reached the metrics")
	}
}

func TestMetricsServeTheRegistryTheyAreGiven(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, storetest.SQLite(t))
	reg := prometheus.NewRegistry()
	extra := prometheus.NewGauge(prometheus.GaugeOpts{Name: "joinedup_test_registered_elsewhere", Help: "A series another package added."})
	extra.Set(42)
	reg.MustRegister(extra)
	s, err := New(env.store, env.app.auth, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{Calendar: env.store.Calendar(), Metrics: reg})
	if err != nil {
		t.Fatal(err)
	}
	s.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/healthz", nil))
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	body := rec.Body.String()
	for _, want := range []string{"joinedup_test_registered_elsewhere 42", `joinedup_http_requests_total{code="200",method="GET",route="GET /healthz"} 1`} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q:\n%s", want, body)
		}
	}
	// The same registry cannot take a second server's request metrics.
	if _, err := New(env.store, env.app.auth, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{Calendar: env.store.Calendar(), Metrics: reg}); err == nil {
		t.Error("two servers counted into one registry")
	}
}

func TestNewNeedsAWorkingCalendar(t *testing.T) {
	env := newTestEnv(t, storetest.SQLite(t))
	if _, err := New(env.store, env.app.auth, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{}); err == nil {
		t.Fatal("a server without a working calendar was made; it would show times in no zone")
	}
	if env.app.loc.String() != "Europe/London" {
		t.Errorf("times are shown in %s", env.app.loc)
	}
}

func TestReadyzNeedsAMigratedDatabase(t *testing.T) {
	t.Parallel()
	testdb.Engines(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		st, err := store.Open(ctx, dsn, store.Options{Calendar: storetest.Calendar(t)})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		a, _ := auth.NewService(st, auth.DefaultConfig())
		s, err := New(st, a, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{Calendar: st.Calendar()})
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		if rec.Code != http.StatusServiceUnavailable {
			t.Fatalf("readyz on an unmigrated database = %d", rec.Code)
		}
		if _, err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if res := newTestEnv(t, st).client(t).get("/readyz"); res.status != 200 {
			t.Fatalf("readyz = %d", res.status)
		}
	})
}
