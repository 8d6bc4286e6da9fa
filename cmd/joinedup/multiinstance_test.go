package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/joinedup/joinedup/internal/auth"
	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/demo"
	"github.com/joinedup/joinedup/internal/jobs"
	"github.com/joinedup/joinedup/internal/notify"
	"github.com/joinedup/joinedup/internal/store"
)

// This file is the multi-instance harness: three joinedup processes serve
// one PostgreSQL schema while signed-in clients spread reads and writes
// across them; one process is killed with SIGKILL in the middle, the load
// carries on against the other two, and then the database is checked for
// every acknowledged write, an intact audit trail, escalations and emails
// sent once, and shared jobs run once per interval between the instances.

// harnessChildEnv carries, as a JSON list, the command line a re-executed
// test binary runs as joinedup.
const harnessChildEnv = "JOINEDUP_HARNESS_ARGS"

// TestHarnessInstance is one joinedup instance of the harness: the test
// binary, re-executed, runs main with the arguments it is given, so the
// process serves, handles SIGTERM and dies by SIGKILL as joinedup does.
func TestHarnessInstance(t *testing.T) {
	raw := os.Getenv(harnessChildEnv)
	if raw == "" {
		t.Skip("run by TestThreeInstancesShareOnePostgreSQL")
	}
	var args []string
	if err := json.Unmarshal([]byte(raw), &args); err != nil {
		t.Fatal(err)
	}
	// The harness holds standard input open while it runs: should the
	// harness die, the instance dies too rather than linger.
	go func() {
		io.Copy(io.Discard, os.Stdin)
		os.Exit(3)
	}()
	os.Args = append([]string{"joinedup"}, args...)
	main()
}

// harnessIntervals are the intervals the harness gives every background
// job (through JOINEDUP_JOB_INTERVALS), so that escalation, email and
// sealing run many times in a short test and the test knows how often each
// shared job may run at most. A job missing here fails the test.
var harnessIntervals = map[string]time.Duration{
	"seal-audit":               time.Second,
	"escalate-referrals":       time.Second,
	"email-alerts":             time.Second,
	"sync-directory":           time.Second,
	"end-stale-sessions":       time.Minute,
	"directory-reminders":      time.Minute,
	"mdt-agendas":              time.Minute,
	"mdt-schedule":             time.Minute,
	"purge-unsent-attachments": time.Minute,
}

func harnessIntervalSpec() string {
	var parts []string
	for name, d := range harnessIntervals {
		parts = append(parts, name+"="+d.String())
	}
	slices.Sort(parts)
	return strings.Join(parts, ",")
}

func TestJobIntervalsFromTheEnvironment(t *testing.T) {
	base := func() []jobs.Job {
		return []jobs.Job{{Name: "seal-audit", Interval: time.Second}, {Name: "escalate-referrals", Interval: time.Minute}}
	}
	tests := []struct {
		spec    string
		want    []time.Duration
		problem string
	}{
		{"", []time.Duration{time.Second, time.Minute}, ""},
		{"escalate-referrals=2s", []time.Duration{time.Second, 2 * time.Second}, ""},
		{" seal-audit=250ms , escalate-referrals=1m30s ", []time.Duration{250 * time.Millisecond, 90 * time.Second}, ""},
		{"no-such-job=1s", nil, `no background job called "no-such-job"`},
		{"escalate-referrals", nil, "is not a job and its interval"},
		{"escalate-referrals=soon", nil, "is not a job and its interval"},
		{"escalate-referrals=0s", nil, "is not a job and its interval"},
		{"escalate-referrals=-1s", nil, "is not a job and its interval"},
		{"seal-audit=1s,", nil, "is not a job and its interval"},
	}
	for _, tt := range tests {
		got, err := withIntervals(base(), tt.spec)
		if tt.problem != "" {
			if err == nil || !strings.Contains(err.Error(), tt.problem) || !strings.Contains(err.Error(), jobIntervalsEnv) {
				t.Errorf("%q: err = %v, want one saying %q", tt.spec, err, tt.problem)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tt.spec, err)
			continue
		}
		for i, j := range got {
			if j.Interval != tt.want[i] {
				t.Errorf("%q: %s every %s, want %s", tt.spec, j.Name, j.Interval, tt.want[i])
			}
		}
	}
	// A server with a bad setting refuses to start, saying why in one sentence.
	r := runCmd(t, map[string]string{jobIntervalsEnv: "escalate-referals=1s"}, "", "serve", "--migrate",
		"--db", "sqlite:"+filepath.Join(t.TempDir(), "intervals.db"), "--addr", "127.0.0.1:0")
	if r.code != 1 || !strings.Contains(r.stderr, `no background job called "escalate-referals"`) {
		t.Errorf("serve with a misspelt job: exit %d, stderr %q", r.code, r.stderr)
	}
}

// instance is one running joinedup process of the harness.
type instance struct {
	n       int
	cmd     *exec.Cmd
	url     string
	log     *syncBuffer
	sink    *smtpSink
	serving chan string
	// done is closed once the process has exited; err then says how.
	done chan struct{}
	err  error
}

func (in *instance) String() string {
	return fmt.Sprintf("instance %d (pid %d)", in.n, in.cmd.Process.Pid)
}

// holds reports whether a job_claims holder names this process: holders
// are host/pid/random.
func (in *instance) holds(holder string) bool {
	return strings.Contains(holder, "/"+strconv.Itoa(in.cmd.Process.Pid)+"/")
}

func (in *instance) running() bool {
	select {
	case <-in.done:
		return false
	default:
		return true
	}
}

var servingLine = regexp.MustCompile(`msg=serving url=(\S+)`)

// startInstance starts `joinedup serve --migrate` on dsn, listening on a
// free port and sending email alerts to its own SMTP sink, so every email
// received is known to come from this instance.
func startInstance(t *testing.T, n int, dsn string) *instance {
	t.Helper()
	smtpAddr, sink := startSMTPSink(t)
	args, err := json.Marshal([]string{"serve", "--db", dsn, "--addr", "127.0.0.1:0", "--migrate",
		"--smtp-addr", smtpAddr, "--smtp-from", "alerts@harness.joinedup.test"})
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestHarnessInstance$", "-test.count=1")
	cmd.Env = append(os.Environ(), harnessChildEnv+"="+string(args), jobIntervalsEnv+"="+harnessIntervalSpec())
	in := &instance{n: n, cmd: cmd, log: &syncBuffer{}, sink: sink, serving: make(chan string, 1), done: make(chan struct{})}
	cmd.Stdout = in.log
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	// Never written to: it only tells the instance the harness is alive.
	if _, err := cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		lines := bufio.NewScanner(stderr)
		lines.Buffer(nil, 1<<20)
		for lines.Scan() {
			line := lines.Text()
			fmt.Fprintln(in.log, line)
			if m := servingLine.FindStringSubmatch(line); m != nil {
				in.serving <- m[1]
			}
		}
		// A line too long to scan must not leave the process blocked on a
		// full pipe.
		io.Copy(in.log, stderr)
		in.err = cmd.Wait()
		close(in.done)
	}()
	t.Cleanup(func() {
		if in.running() {
			cmd.Process.Kill()
			<-in.done
		}
	})
	return in
}

// waitServing waits until the instance serves and says it is ready.
func (in *instance) waitServing(t *testing.T) {
	t.Helper()
	select {
	case in.url = <-in.serving:
	case <-in.done:
		t.Fatalf("%s exited before serving: %v\n%s", in, in.err, in.log)
	case <-time.After(90 * time.Second):
		t.Fatalf("%s did not start serving:\n%s", in, in.log)
	}
	res, err := http.Get(in.url + "/readyz")
	if err != nil {
		t.Fatalf("%s: %v", in, err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s is serving but not ready: %d", in, res.StatusCode)
	}
}

// stop sends SIGTERM; finish waits for the clean exit it should cause.
func (in *instance) stop() { in.cmd.Process.Signal(syscall.SIGTERM) }

func (in *instance) finish(t *testing.T) {
	t.Helper()
	select {
	case <-in.done:
	case <-time.After(45 * time.Second):
		t.Fatalf("%s did not stop within 45s of SIGTERM", in)
	}
	if in.err != nil || !strings.Contains(in.log.String(), "msg=stopped") {
		t.Errorf("%s did not stop cleanly: %v", in, in.err)
	}
}

// cluster is the instances the clients spread their requests over.
type cluster struct {
	all    []*instance
	mu     sync.Mutex
	alive  []*instance
	killed *instance
}

func (c *cluster) pick(n int) *instance {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.alive[n%len(c.alive)]
}

// kill takes in out of the rotation, then kills it with SIGKILL.
func (c *cluster) kill(t *testing.T, in *instance) {
	c.mu.Lock()
	c.alive = slices.DeleteFunc(c.alive, func(x *instance) bool { return x == in })
	c.killed = in
	c.mu.Unlock()
	if err := in.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-in.done
}

// lost reports whether a request to in may fail: only once in is killed.
func (c *cluster) lost(in *instance) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.killed == in
}

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

// TestThreeInstancesShareOnePostgreSQL starts three joinedup instances on
// one fresh PostgreSQL schema (they migrate it together, taking turns),
// seeds the demo area, and spreads signed-in GPs and social workers over
// them, round robin: directory searches, records, worklists and the inbox,
// and acknowledged writes (referrals sent and acknowledged, thread
// messages, care plan sections), while overdue referrals keep arriving for
// the escalation job and notifications for the email job. Part way
// through, one instance is killed with SIGKILL; the load carries on
// against the other two, which are then stopped with SIGTERM. The database
// must then hold every acknowledged write with its audit row, the audit
// trail must verify, no escalation or email may have been sent twice, and
// no shared job may have run more often than once per interval across the
// instances.
func TestThreeInstancesShareOnePostgreSQL(t *testing.T) {
	base := os.Getenv("JOINEDUP_TEST_POSTGRES")
	if base == "" {
		t.Skip("JOINEDUP_TEST_POSTGRES is not set; the multi-instance harness runs in the test command")
	}
	if testing.Short() {
		t.Skip("starts and kills three servers; not in -short")
	}
	began := time.Now()
	ctx := context.Background()
	dsn := freshSchema(t, base)

	// Three instances start together on an empty schema and migrate it.
	cl := &cluster{}
	for n := range 3 {
		cl.all = append(cl.all, startInstance(t, n+1, dsn))
	}
	for _, in := range cl.all {
		in.waitServing(t)
	}
	cl.alive = slices.Clone(cl.all)
	t.Cleanup(func() {
		if t.Failed() {
			for _, in := range cl.all {
				t.Logf("log of %s, without requests:\n%s", in, tail(in.log.String(), 40))
			}
		}
	})
	checkMigratedOnce(t, cl.all)
	started := time.Since(began)

	st, err := store.Open(ctx, dsn, store.Options{Calendar: mustCalendar(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(4)
	t.Cleanup(func() { db.Close() })
	gps := []string{"gp-1@harness.joinedup.test", "gp-2@harness.joinedup.test"}
	socialWorkers := []string{"sw-1@harness.joinedup.test", "sw-2@harness.joinedup.test"}
	w := seed(t, ctx, st, db, dsn, gps, socialWorkers)
	overdue, err := importOverdue(ctx, st, w, 0, 4)
	if err != nil {
		t.Fatal(err)
	}
	seeded := time.Since(began)

	rec := &recorder{t: t}
	var clients []*loadClient
	for i, email := range append(slices.Clone(gps), socialWorkers...) {
		lc := newLoadClient(strings.Split(email, "@")[0], cl, rec, i)
		lc.signIn(t, email)
		clients = append(clients, lc)
	}
	// The instances loaded an empty directory at start-up; each catches up
	// with the seeded one by itself.
	waitForDirectory(t, clients[0], cl.all, w.service.ID)
	converged := time.Since(began)

	load, stopLoad := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for i, lc := range clients {
		if i < len(gps) {
			wg.Go(func() { lc.gpLoad(load, w, i) })
		} else {
			wg.Go(func() { lc.socialWorkerLoad(load, w) })
		}
	}
	// More referrals go overdue while the load runs, so that escalations
	// happen on whichever instance holds the job, before and after the kill.
	var overdueMu sync.Mutex
	wg.Go(func() {
		for next := len(overdue); load.Err() == nil; next += 2 {
			ids, err := importOverdue(ctx, st, w, next, 2)
			if err != nil {
				t.Errorf("importing overdue referrals: %v", err)
				return
			}
			overdueMu.Lock()
			overdue = append(overdue, ids...)
			overdueMu.Unlock()
			sleep(load, 700*time.Millisecond)
		}
	})
	holders := map[string]map[string]bool{}
	wg.Go(func() { pollClaims(load, db, holders) })

	victim := cl.all[1]
	loadStarted := time.Now()
	waitFor(t, 60*time.Second, "writes acknowledged by the instance to be killed", func() bool {
		return time.Since(loadStarted) > 2*time.Second && rec.count(victim) >= 5
	})
	cl.kill(t, victim)
	killedAt, ackedBefore := time.Now(), rec.count(nil)
	waitFor(t, 60*time.Second, "writes acknowledged after the kill", func() bool {
		return time.Since(killedAt) > 3*time.Second && rec.count(nil)-ackedBefore >= 8
	})
	stopLoad()
	wg.Wait()
	loadTime := time.Since(loadStarted)

	// How often each job ran, read before the survivors stop.
	survivors := []*instance{cl.all[0], cl.all[2]}
	elapsed := time.Since(began)
	runs, skips := map[string]float64{}, map[string]float64{}
	for _, in := range survivors {
		scrapeJobMetrics(t, in, runs, skips)
	}
	// Both stop at once, so no instance is left to resend an email whose
	// sending the other's shutdown interrupted.
	for _, in := range survivors {
		in.stop()
	}
	for _, in := range survivors {
		in.finish(t)
	}

	acks := rec.snapshot()
	checkAcknowledgedWrites(t, db, acks)
	if r := runCmd(t, nil, "", "audit", "verify", "--db", dsn); r.code != 0 || !strings.Contains(r.stdout, "intact") {
		t.Errorf("audit verify after the run: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	overdueMu.Lock()
	escalated := checkEscalations(t, db, overdue)
	overdueMu.Unlock()
	emails := checkEmails(t, db, cl.all, victim)
	checkJobClaims(t, db, cl.all, victim, killedAt, runs, skips, elapsed, holders)

	byInstance := map[string]int{}
	byKind := map[string]int{}
	for _, a := range acks {
		byInstance[a.instance.String()]++
		byKind[a.kind]++
	}
	t.Logf("%d requests, %d acknowledged writes %v by %v (%d lost with the killed instance, %d after the kill); "+
		"%d of %d overdue referrals escalated, %d emails",
		rec.requests.Load(), len(acks), byKind, byInstance, rec.lost.Load(), len(acks)-ackedBefore,
		escalated, len(overdue), emails)
	t.Logf("started in %s, seeded at %s, directories converged at %s, load ran %s, whole run %s",
		started.Round(time.Millisecond), seeded.Round(time.Millisecond), converged.Round(time.Millisecond),
		loadTime.Round(time.Millisecond), time.Since(began).Round(time.Millisecond))
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

func waitFor(t *testing.T, limit time.Duration, what string, done func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !done() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s within %s", what, limit)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// tail is the last lines of a log, leaving out the requests.
func tail(log string, lines int) string {
	all := slices.DeleteFunc(strings.Split(strings.TrimRight(log, "\n"), "\n"),
		func(l string) bool { return strings.Contains(l, "msg=request ") })
	return strings.Join(all[max(0, len(all)-lines):], "\n")
}

var appliedLine = regexp.MustCompile(`msg="applied migration" version=(\d+)`)

// checkMigratedOnce checks that the instances, started together with
// --migrate, applied each migration exactly once between them.
func checkMigratedOnce(t *testing.T, all []*instance) {
	t.Helper()
	by := map[string][]string{}
	for _, in := range all {
		for _, m := range appliedLine.FindAllStringSubmatch(in.log.String(), -1) {
			by[m[1]] = append(by[m[1]], in.String())
		}
	}
	if len(by) == 0 {
		t.Fatal("no instance applied a migration")
	}
	for v := 1; v <= len(by); v++ {
		if got := by[strconv.Itoa(v)]; len(got) != 1 {
			t.Errorf("migration %d was applied by %v, want exactly one instance", v, got)
		}
	}
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

// pollClaims records who held each job over the run.
func pollClaims(ctx context.Context, db *sql.DB, holders map[string]map[string]bool) {
	for ctx.Err() == nil {
		rows, err := db.QueryContext(ctx, `SELECT job, COALESCE(holder, '') FROM job_claims`)
		if err == nil {
			for rows.Next() {
				var job, holder string
				if rows.Scan(&job, &holder) == nil && holder != "" {
					if holders[job] == nil {
						holders[job] = map[string]bool{}
					}
					holders[job][holder] = true
				}
			}
			rows.Close()
		}
		sleep(ctx, 150*time.Millisecond)
	}
}

var jobMetric = regexp.MustCompile(`(?m)^joinedup_job_(runs|skips)_total\{job="([^"]+)"\} (\S+)$`)

// scrapeJobMetrics adds an instance's job runs and skips to the totals.
func scrapeJobMetrics(t *testing.T, in *instance, runs, skips map[string]float64) {
	t.Helper()
	res, err := http.Get(in.url + "/metrics")
	if err != nil {
		t.Fatalf("%s /metrics: %v", in, err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, m := range jobMetric.FindAllStringSubmatch(string(b), -1) {
		v, err := strconv.ParseFloat(m[3], 64)
		if err != nil {
			t.Fatalf("%s /metrics: %q", in, m[0])
		}
		if m[1] == "runs" {
			runs[m[2]] += v
		} else {
			skips[m[2]] += v
		}
	}
	if len(runs) == 0 {
		t.Fatalf("%s /metrics has no job runs", in)
	}
}

// checkAcknowledgedWrites looks up every write an instance acknowledged,
// with the audit row written in the same transaction.
func checkAcknowledgedWrites(t *testing.T, db *sql.DB, acks []ack) {
	t.Helper()
	queries := map[string]string{
		"referral": `SELECT COUNT(*) FROM referrals r WHERE r.id = $1 AND $2 = '' AND EXISTS (
			SELECT 1 FROM audit_events a WHERE a.action = 'referral.send' AND a.resource_id = r.id)`,
		"message": `SELECT COUNT(*) FROM referral_messages m WHERE m.body = $1 AND $2 = '' AND EXISTS (
			SELECT 1 FROM audit_events a WHERE a.action = 'referral.message' AND a.resource_id = m.id)`,
		"move": `SELECT COUNT(*) FROM referral_transitions x WHERE x.referral_id = $1 AND x.to_status = $2 AND EXISTS (
			SELECT 1 FROM audit_events a WHERE a.action = 'referral.change' AND a.resource_id = x.referral_id
			AND a.detail LIKE '%to=' || x.to_status || '%')`,
		// extra is the person and the audit detail of the save.
		"plan": `SELECT COUNT(*) FROM plan_changes c WHERE c.after_text LIKE '%' || $1 || '%' AND EXISTS (
			SELECT 1 FROM audit_events a WHERE a.action = 'plan.section' AND a.resource_id = c.person_id
			AND c.person_id || ' ' || a.detail = $2)`,
	}
	missing := 0
	for _, a := range acks {
		var n int
		if err := db.QueryRow(queries[a.kind], a.key, a.extra).Scan(&n); err != nil {
			t.Fatalf("looking up a %s: %v", a.kind, err)
		}
		if n == 0 {
			if missing++; missing <= 10 {
				t.Errorf("%s acknowledged a %s (%q %q) that is not in the database with its audit row", a.instance, a.kind, a.key, a.extra)
			}
		}
	}
	if missing > 0 {
		t.Errorf("%d of %d acknowledged writes are missing", missing, len(acks))
	}
}

// checkEscalations checks that each missed target was escalated once: one
// escalation, one audit row and one inbox notification per manager told.
// It returns how many of the overdue referrals were escalated.
func checkEscalations(t *testing.T, db *sql.DB, overdue []string) int {
	t.Helper()
	count := func(q string, args ...any) int {
		var n int
		if err := db.QueryRow(q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(`SELECT COUNT(*) FROM (SELECT 1 FROM referral_escalations GROUP BY referral_id, step HAVING COUNT(*) > 1) d`); n > 0 {
		t.Errorf("%d missed targets were escalated more than once", n)
	}
	escalations := count(`SELECT COUNT(*) FROM referral_escalations`)
	if audited := count(`SELECT COUNT(*) FROM audit_events WHERE action = 'referral.escalate'`); audited != escalations {
		t.Errorf("%d escalations have %d audit rows", escalations, audited)
	}
	if n := count(`SELECT COUNT(*) FROM (SELECT 1 FROM notifications WHERE kind = $1 GROUP BY user_id, dedupe_key HAVING COUNT(*) > 1) d`,
		string(notify.KindReferralOverdue)); n > 0 {
		t.Errorf("%d managers were told of the same overdue referral more than once", n)
	}
	told := count(`SELECT COALESCE(SUM(managers_told), 0) FROM referral_escalations`)
	if sent := count(`SELECT COUNT(*) FROM notifications WHERE kind = $1`, string(notify.KindReferralOverdue)); sent != told {
		t.Errorf("escalations told %d managers, but %d notifications were sent", told, sent)
	}
	escalated := 0
	for _, id := range overdue {
		escalated += min(1, count(`SELECT COUNT(*) FROM referral_escalations WHERE referral_id = $1`, id))
	}
	if escalated == 0 {
		t.Errorf("none of the %d overdue referrals was escalated", len(overdue))
	}
	return escalated
}

// checkEmails checks that every email alert covered a batch of
// notifications marked emailed, so none was sent twice. The one allowance
// is the killed instance's: email is sent before it is marked, so an
// instance killed between the two leaves one alert to be sent again.
func checkEmails(t *testing.T, db *sql.DB, all []*instance, killed *instance) int {
	t.Helper()
	batches := map[string]int{}
	rows, err := db.Query(`SELECT u.email, COUNT(DISTINCT n.emailed_at) FROM notifications n JOIN users u ON u.id = n.user_id
		WHERE n.emailed_at IS NOT NULL GROUP BY u.email`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var email string
		var n int
		if err := rows.Scan(&email, &n); err != nil {
			t.Fatal(err)
		}
		batches[email] = n
	}
	rows.Close()
	received, fromKilled := map[string]int{}, map[string]int{}
	total := 0
	for _, in := range all {
		in.sink.mu.Lock()
		for to, msgs := range in.sink.mail {
			received[to] += len(msgs)
			total += len(msgs)
			if in == killed {
				fromKilled[to] += len(msgs)
			}
		}
		in.sink.mu.Unlock()
	}
	if total == 0 {
		t.Error("no email alert was sent")
	}
	resent := 0
	for to, n := range received {
		switch extra := n - batches[to]; {
		case extra == 1 && fromKilled[to] > 0 && resent == 0:
			resent++
			t.Logf("%s: one alert sent again after the instance that sent it was killed before marking it", to)
		case extra != 0:
			t.Errorf("%s was sent %d email alerts for %d batches of notifications", to, n, batches[to])
		}
	}
	for to, n := range batches {
		if received[to] == 0 {
			t.Errorf("%s has %d batches of notifications marked emailed but no email arrived", to, n)
		}
	}
	return total
}

// checkJobClaims checks that every shared job ran once per interval at
// most across the instances, from their metrics: a claim sets the next
// run nine tenths of an interval ahead, so over elapsed no more than
// elapsed/(0.9 interval) + 1 runs are possible. The claims left in the
// table must all be the instances'; only the killed one's may still be
// live after the others stopped cleanly, and the jobs that run every
// second must have been claimed again after the kill, unless the killed
// instance died holding one (its claim then lasts out its lease).
func checkJobClaims(t *testing.T, db *sql.DB, all []*instance, killed *instance, killedAt time.Time, runs, skips map[string]float64,
	elapsed time.Duration, holders map[string]map[string]bool) {
	t.Helper()
	ours := func(holder string) *instance {
		for _, in := range all {
			if in.holds(holder) {
				return in
			}
		}
		return nil
	}
	for job, n := range runs {
		interval, ok := harnessIntervals[job]
		if !ok {
			t.Errorf("job %s has no interval in harnessIntervals", job)
			continue
		}
		if job == "sync-directory" {
			if n == 0 {
				t.Error("the surviving instances never synced their directories")
			}
			continue
		}
		limit := int(elapsed/(interval-interval/10)) + 1
		if int(n) > limit {
			t.Errorf("%s ran %v times on the two surviving instances in %s, but once every %s allows at most %d",
				job, n, elapsed.Round(time.Millisecond), interval, limit)
		}
		var names []string
		for h := range holders[job] {
			if in := ours(h); in != nil {
				names = append(names, in.String())
			}
		}
		slices.Sort(names)
		t.Logf("%-25s ran %3v times on the survivors, skipped %3v ticks; held by %v", job, n, skips[job], names)
	}
	rows, err := db.Query(`SELECT job, COALESCE(holder, ''), lease_until IS NOT NULL, claimed_at FROM job_claims`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	claimed := map[string]bool{}
	for rows.Next() {
		var job, holder string
		var live bool
		var at sql.NullTime
		if err := rows.Scan(&job, &holder, &live, &at); err != nil {
			t.Fatal(err)
		}
		claimed[job] = true
		in := ours(holder)
		switch {
		case in == nil:
			t.Errorf("job %s is held by %q, not one of the instances", job, holder)
		case live && in != killed:
			t.Errorf("job %s is still claimed by %s, which stopped cleanly", job, in)
		case live:
			t.Logf("job %s: the killed instance died holding it; no instance runs it until its lease runs out", job)
		case harnessIntervals[job] == time.Second && !live && !at.Time.After(killedAt):
			t.Errorf("job %s was last claimed at %s, before the kill at %s: the surviving instances stopped running it",
				job, at.Time.Format(time.StampMilli), killedAt.Format(time.StampMilli))
		}
		for h := range holders[job] {
			if ours(h) == nil {
				t.Errorf("job %s was held by %q, not one of the instances", job, h)
			}
		}
	}
	for job := range harnessIntervals {
		if !claimed[job] && job != "sync-directory" {
			t.Errorf("job %s was never claimed", job)
		}
	}
}
