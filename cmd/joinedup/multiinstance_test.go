package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/joinedup/joinedup/internal/jobs"
	"github.com/joinedup/joinedup/internal/store"
)

// This file is the multi-instance harness: three joinedup processes serve
// one PostgreSQL schema while signed-in clients spread reads and writes
// across them; one process is killed with SIGKILL in the middle, the load
// carries on against the other two, and then the database is checked for
// every acknowledged write, an intact audit trail, escalations and emails
// sent once, and shared jobs run once per interval between the instances.
// This file runs the processes; the load is in multiinstance_load_test.go
// and the checks in multiinstance_checks_test.go.

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
