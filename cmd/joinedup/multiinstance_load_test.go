package main

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/joinedup/joinedup/internal/auth"
	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/demo"
	"github.com/joinedup/joinedup/internal/store"
)

// The multi-instance harness's load (TestThreeInstancesShareOnePostgreSQL):
// the data it seeds and the signed-in clients that spread reads and writes
// over the instances, recording every write an instance acknowledged.

// ack is one write an instance acknowledged: its kind, what identifies it
// in the database, and which instance answered.
type ack struct {
	kind     string // referral, message, move, plan
	key      string // referral id, message body, referral id, plan text
	extra    string // move: the status; plan: person id and the version saved
	instance *instance
}

// recorder keeps the acknowledged writes and counts requests and problems.
type recorder struct {
	t        *testing.T
	mu       sync.Mutex
	acks     []ack
	requests atomic.Int64
	lost     atomic.Int64
	problems atomic.Int64
}

func (r *recorder) ack(a ack) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.acks = append(r.acks, a)
}

func (r *recorder) snapshot() []ack {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.acks)
}

func (r *recorder) count(by *instance) int {
	n := 0
	for _, a := range r.snapshot() {
		if by == nil || a.instance == by {
			n++
		}
	}
	return n
}

// problem reports an unexpected answer, the first few in full.
func (r *recorder) problem(format string, args ...any) {
	if r.problems.Add(1) <= 10 {
		r.t.Errorf(format, args...)
	}
}

// loadClient is a signed-in browser: it keeps its session cookie (sessions
// live in the database, so any instance knows it), does not follow
// redirects, sends the headers of a same-origin form post, and sends each
// request to the next live instance in turn.
type loadClient struct {
	name    string
	hc      *http.Client
	cluster *cluster
	rec     *recorder
	next    int
	seq     int
}

type reply struct {
	status   int
	location string
	body     string
	in       *instance
}

func newLoadClient(name string, c *cluster, rec *recorder, start int) *loadClient {
	jar, _ := cookiejar.New(nil)
	return &loadClient{name: name, cluster: c, rec: rec, next: start, hc: &http.Client{Jar: jar, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// do sends one request; ok is false when the instance died under it.
func (lc *loadClient) do(method, path, contentType string, body []byte) (reply, bool) {
	in := lc.cluster.pick(lc.next)
	lc.next++
	req, err := http.NewRequest(method, in.url+path, bytes.NewReader(body))
	if err != nil {
		lc.rec.problem("%s: %s %s: %v", lc.name, method, path, err)
		return reply{in: in}, false
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if method == http.MethodPost {
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		req.Header.Set("Origin", in.url)
	}
	lc.rec.requests.Add(1)
	res, err := lc.hc.Do(req)
	if err == nil {
		var b []byte
		b, err = io.ReadAll(res.Body)
		res.Body.Close()
		if err == nil {
			return reply{status: res.StatusCode, location: res.Header.Get("Location"), body: string(b), in: in}, true
		}
	}
	if lc.cluster.lost(in) {
		lc.rec.lost.Add(1)
	} else {
		lc.rec.problem("%s: %s %s on %s: %v", lc.name, method, path, in, err)
	}
	return reply{in: in}, false
}

func (lc *loadClient) get(path string) (reply, bool) {
	r, ok := lc.do(http.MethodGet, path, "", nil)
	if ok && r.status != http.StatusOK {
		lc.rec.problem("%s: GET %s on %s = %d %s", lc.name, path, r.in, r.status, excerpt(r.body))
		return r, false
	}
	return r, ok
}

// post sends a form, as multipart when the handler reads uploads, and
// reports whether the write was acknowledged with a redirect. A conflict
// is an answer, not an acknowledgement; anything else is a problem.
func (lc *loadClient) post(path string, form url.Values, asMultipart bool) (reply, bool) {
	var body bytes.Buffer
	contentType := "application/x-www-form-urlencoded"
	if asMultipart {
		mw := multipart.NewWriter(&body)
		for k, vs := range form {
			for _, v := range vs {
				mw.WriteField(k, v)
			}
		}
		mw.Close()
		contentType = mw.FormDataContentType()
	} else {
		body.WriteString(form.Encode())
	}
	r, ok := lc.do(http.MethodPost, path, contentType, body.Bytes())
	switch {
	case !ok:
		return r, false
	case r.status == http.StatusSeeOther:
		return r, true
	case r.status != http.StatusConflict:
		lc.rec.problem("%s: POST %s on %s = %d %s", lc.name, path, r.in, r.status, excerpt(r.body))
	}
	return r, false
}

func (lc *loadClient) signIn(t *testing.T, email string) {
	r, ok := lc.post("/sign-in", url.Values{"email": {email}, "password": {harnessPassword}}, false)
	if !ok || r.location != "/" {
		t.Fatalf("%s could not sign in: %d %s", lc.name, r.status, excerpt(r.body))
	}
}

func (lc *loadClient) token() string {
	lc.seq++
	return fmt.Sprintf("harness %s %d", lc.name, lc.seq)
}

var versionField = regexp.MustCompile(`name="version" value="(\d+)"`)

// message posts a message in a referral's thread.
func (lc *loadClient) message(referralID string) {
	body := lc.token()
	if r, ok := lc.post("/referrals/"+referralID+"/messages", url.Values{"body": {body}}, true); ok {
		lc.rec.ack(ack{kind: "message", key: body, instance: r.in})
	}
}

// world is what the seeded database holds for the load.
type world struct {
	service  care.Service // the north locality social work service
	people   []harnessPerson
	referrer care.Actor // a harness GP, who made the overdue referrals
	// sent passes referrals the GPs sent to the social workers.
	sent chan string
}

type harnessPerson struct{ id, nhs string }

// gpLoad is a GP's day: searching the directory, opening a record,
// referring, writing in the thread, editing a care plan section and
// checking the sent list.
func (lc *loadClient) gpLoad(ctx context.Context, w *world, me int) {
	plan := w.people[me]
	// Each GP keeps to one section of one person's plan, so their saves do
	// not conflict; the section's one field has the section's name.
	section := []string{"goals", "needs"}[me%2]
	for i := 0; ctx.Err() == nil; i++ {
		p := w.people[(i+me)%len(w.people)]
		lc.get("/directory?need=personal-care&postcode=E5+0PQ")
		lc.get("/people/" + p.id)
		r, ok := lc.post("/directory/services/"+w.service.ID+"/refer", url.Values{"nhs_number": {p.nhs},
			"need": {"personal-care/washing-and-dressing"}, "wants": {"Help to get washed and dressed"}, "urgency": {"routine"},
			"legal_basis": {"consent"}, "contact": {"Phone first"}, "confirm": {"yes"}}, true)
		if ok {
			id, _, _ := strings.Cut(strings.TrimPrefix(r.location, "/referrals/"), "?")
			lc.rec.ack(ack{kind: "referral", key: id, instance: r.in})
			select {
			case w.sent <- id:
			default:
			}
			lc.message(id)
		}
		if i%2 == 0 {
			path := "/people/" + plan.id + "/plan/sections/" + section
			if page, ok := lc.get(path + "/edit"); ok {
				if m := versionField.FindStringSubmatch(page.body); m != nil {
					text := lc.token()
					if r, ok := lc.post(path, url.Values{"version": {m[1]}, section: {text}}, false); ok {
						base, _ := strconv.Atoi(m[1])
						lc.rec.ack(ack{kind: "plan", key: text, extra: plan.id + " section=" + section + " version=" + strconv.Itoa(base+1), instance: r.in})
					}
				} else {
					lc.rec.problem("%s: no version on %s/edit", lc.name, path)
				}
			}
		}
		lc.get("/referrals/sent")
	}
}

// socialWorkerLoad is the receiving team's: the incoming queue, then
// acknowledging and answering the referrals the GPs send, and the inbox.
func (lc *loadClient) socialWorkerLoad(ctx context.Context, w *world) {
	for ctx.Err() == nil {
		lc.get("/referrals/incoming")
		select {
		case id := <-w.sent:
			if page, ok := lc.get("/referrals/" + id); ok {
				if m := versionField.FindStringSubmatch(page.body); m != nil {
					if r, ok := lc.post("/referrals/"+id+"/move/received", url.Values{"version": {m[1]}}, false); ok {
						lc.rec.ack(ack{kind: "move", key: id, extra: "received", instance: r.in})
					}
				} else {
					lc.rec.problem("%s: no version on the page of referral %s", lc.name, id)
				}
			}
			lc.message(id)
		case <-time.After(100 * time.Millisecond):
		}
		lc.get("/inbox")
	}
}

func excerpt(body string) string {
	if i := strings.Index(body, "<main"); i >= 0 {
		body = body[i:]
	}
	if len(body) > 300 {
		body = body[:300]
	}
	return body
}

// harnessPassword is every harness user's password.
const harnessPassword = "harness password 2026"

// demoTeam names the organisation (by ODS or GSS code) and the team of the
// demo user in role r, as `joinedup user add` takes them.
func demoTeam(t *testing.T, ds demo.Dataset, r care.Role) (org, team string) {
	t.Helper()
	for _, u := range ds.Users {
		if u.Role != r {
			continue
		}
		for _, tm := range ds.Teams {
			if tm.Key != u.TeamKey {
				continue
			}
			for _, o := range ds.Organisations {
				if o.Key == tm.OrgKey {
					return cmp.Or(o.ODSCode, o.GSSCode), tm.Name
				}
			}
		}
	}
	t.Fatalf("the demo has no %s", r)
	return "", ""
}

// seed loads the demo area through its loader, adds the harness's users
// through `joinedup user add`, and finds what the load works on.
func seed(t *testing.T, ctx context.Context, st *store.Store, db *sql.DB, dsn string, gps, socialWorkers []string) *world {
	t.Helper()
	ds := demo.Generate(demoSeed)
	// Demo users never sign in here, so their passwords are hashed cheaply.
	cheap := func(pw string) (string, error) {
		return auth.HashPassword(pw, auth.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1})
	}
	if err := demo.Load(ctx, st, ds, cheap); err != nil {
		t.Fatal(err)
	}
	practice, practiceTeam := demoTeam(t, ds, care.RoleGP)
	council, locality := demoTeam(t, ds, care.RoleSocialWorker)
	add := func(email string, role care.Role, org, team string) {
		r := runCmd(t, nil, harnessPassword+"\n", "user", "add", "--db", dsn, "--email", email, "--name", email,
			"--org", org, "--team", team, "--role", string(role), "--password-stdin")
		if r.code != 0 {
			t.Fatalf("user add %s: %+v", email, r)
		}
	}
	for _, e := range gps {
		add(e, care.RoleGP, practice, practiceTeam)
	}
	for _, e := range socialWorkers {
		add(e, care.RoleSocialWorker, council, locality)
	}
	add("manager@harness.joinedup.test", care.RoleTeamManager, council, locality)

	w := &world{sent: make(chan string, 64)}
	var serviceID string
	if err := db.QueryRowContext(ctx, `SELECT id FROM services WHERE name = $1`,
		"Hackney Adult Social Care – North Locality social work").Scan(&serviceID); err != nil {
		t.Fatal(err)
	}
	var err error
	if w.service, err = st.Service(ctx, serviceID); err != nil {
		t.Fatal(err)
	}
	for _, p := range ds.ReferralPeople {
		hp := harnessPerson{nhs: string(p.NHSNumber)}
		if err := db.QueryRowContext(ctx, `SELECT id FROM people WHERE nhs_number = $1`, hp.nhs).Scan(&hp.id); err != nil {
			t.Fatal(err)
		}
		w.people = append(w.people, hp)
	}
	u, err := st.UserByEmail(ctx, gps[0])
	if err != nil {
		t.Fatal(err)
	}
	w.referrer = care.Actor{UserID: u.ID, Name: u.Name, Acting: u.Memberships[0], Memberships: u.Memberships}
	return w
}

// importOverdue brings in n referrals sent a fortnight ago and never
// acknowledged, so the escalate-referrals job has work, numbered from
// first so their ids never collide.
func importOverdue(ctx context.Context, st *store.Store, w *world, first, n int) ([]string, error) {
	sent := time.Now().UTC().Add(-14 * 24 * time.Hour).Truncate(time.Hour)
	var list []store.ReferralImport
	var ids []string
	for i := first; i < first+n; i++ {
		id := fmt.Sprintf("00000000-0000-7000-8002-%012d", i+1)
		start, err := care.StartReferral(w.referrer, id, sent)
		if err != nil {
			return nil, err
		}
		start.PersonID, start.NeedCode, start.Wants, start.Urgency = w.people[i%len(w.people)].id, "personal-care", "Help at home", care.UrgencyRoutine
		start.LegalBasis, start.Contact = care.LegalBasisConsent, "Phone first"
		start.ServiceID, start.ToTeamID, start.ToOrgID = w.service.ID, w.service.TeamID, w.service.OrganisationID
		_, rec, err := start.Transition(w.referrer, care.ReferrerSide, care.ReferralChange{To: care.ReferralRequested, At: sent})
		if err != nil {
			return nil, err
		}
		list = append(list, store.ReferralImport{Start: start, History: []care.ReferralTransition{rec}})
		ids = append(ids, id)
	}
	return ids, st.ImportReferrals(ctx, care.SystemActor("multi-instance harness"), list, store.ImportOptions{})
}

// waitForDirectory waits until every instance's search index has the
// seeded service, by searching on each.
func waitForDirectory(t *testing.T, lc *loadClient, all []*instance, serviceID string) {
	t.Helper()
	for _, in := range all {
		waitFor(t, 30*time.Second, in.String()+" directory with the seeded services", func() bool {
			res, err := lc.hc.Get(in.url + "/directory?need=personal-care&postcode=E5+0PQ")
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			return strings.Contains(string(b), "/directory/services/"+serviceID)
		})
	}
}
