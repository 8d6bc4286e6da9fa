package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/testdb"
)

// syncBuffer lets a test read output while the server goroutine writes it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}
func (b *syncBuffer) String() string { b.mu.Lock(); defer b.mu.Unlock(); return b.buf.String() }

type result struct {
	err    error
	code   int
	stdout string
	stderr string
}

func runCmd(t testing.TB, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	var out, errOut syncBuffer
	getenv := func(k string) string { return env[k] }
	err := run(context.Background(), args, getenv, strings.NewReader(stdin), &out, &errOut)
	var codeOut bytes.Buffer
	code := exitCode(err, &codeOut)
	return result{err: err, code: code, stdout: out.String(), stderr: errOut.String() + codeOut.String()}
}

func TestUsageErrorsExitWithTwo(t *testing.T) {
	t.Parallel()
	cases := [][]string{
		{},
		{"frobnicate"},
		{"serve", "--no-such-flag"},
		{"serve"},
		{"migrate", "extra-argument"},
		{"user"},
		{"user", "add", "--db", "sqlite:x.db"},
		{"audit"},
		{"demo", "--addr"},
	}
	for _, args := range cases {
		r := runCmd(t, nil, "", args...)
		if r.code != 2 {
			t.Errorf("joinedup %v exited %d, want 2 (stderr %q)", args, r.code, r.stderr)
		}
		if !strings.Contains(r.stderr, "Usage") {
			t.Errorf("joinedup %v printed no usage", args)
		}
	}
}

func TestEverySubcommandHasHelp(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"--help"}, {"demo", "--help"}, {"serve", "--help"}, {"migrate", "--help"},
		{"user", "--help"}, {"user", "add", "--help"}, {"user", "disable", "--help"}, {"user", "reset-password", "--help"},
		{"audit", "--help"}, {"audit", "verify", "--help"}} {
		r := runCmd(t, nil, "", args...)
		if r.code != 0 || !strings.Contains(r.stdout+r.stderr, "Usage") {
			t.Errorf("joinedup %v: exit %d, output %q", args, r.code, r.stdout+r.stderr)
		}
	}
	r := runCmd(t, nil, "", "serve", "--help")
	for _, want := range []string{"--db", "JOINEDUP_DB", "--base-url", "JOINEDUP_BASE_URL", "--migrate", "--log-format"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("serve --help does not mention %s", want)
		}
	}
}

func TestBadDatabasesFailWithOneSentence(t *testing.T) {
	t.Parallel()
	for _, dsn := range []string{"sqlite:/no/such/dir/x.db", "postgres://nobody@127.0.0.1:1/none?connect_timeout=2"} {
		r := runCmd(t, nil, "", "serve", "--db", dsn)
		if r.code != 1 || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 || strings.Contains(r.stderr, "goroutine") {
			t.Errorf("serve --db %s: exit %d, stderr %q", dsn, r.code, r.stderr)
		}
	}
}

func TestServeRefusesPendingMigrations(t *testing.T) {
	t.Parallel()
	testdb.Engines(t, func(t *testing.T, dsn string) {
		r := runCmd(t, nil, "", "serve", "--db", dsn, "--addr", "127.0.0.1:0")
		if r.code != 1 || !strings.Contains(r.stderr, "pending migrations") || !strings.Contains(r.stderr, "joinedup migrate") {
			t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
		}
	})
}

func TestOperatorCommands(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := map[string]string{"JOINEDUP_DB": "sqlite:" + filepath.Join(dir, "ops.db")}
	if r := runCmd(t, env, "", "migrate"); r.code != 0 || !strings.Contains(r.stdout, "applied 0001_foundation") {
		t.Fatalf("migrate: %+v", r)
	}
	if r := runCmd(t, env, "", "migrate"); r.code != 0 || !strings.Contains(r.stdout, "up to date") {
		t.Fatalf("second migrate: %+v", r)
	}
	// Organisations come from the demo loader or imports; use the demo's.
	demoDB := filepath.Join(dir, "demo.db")
	if err := createDemo(context.Background(), demoDB, mustCalendar(t), 0, 0); err != nil {
		t.Fatal(err)
	}
	env["JOINEDUP_DB"] = "sqlite:" + demoDB
	add := []string{"user", "add", "--email", "new.gp@example.nhs.uk", "--name", "Dr New", "--org", "E09000012", "--team", "no such team", "--role", "gp"}
	if r := runCmd(t, env, "", add...); r.code != 1 || !strings.Contains(r.stderr, "its teams are") {
		t.Fatalf("unknown team: %+v", r)
	}
	teams := regexp.MustCompile(`its teams are: ([^;\n]+)`).FindStringSubmatch(runCmd(t, env, "", add...).stderr)
	add[9] = teams[1]
	r := runCmd(t, env, "", add...)
	if r.code != 0 || !strings.Contains(r.stdout, "temporary password: ") {
		t.Fatalf("user add: %+v", r)
	}
	if r := runCmd(t, env, "", add...); r.code != 1 || !strings.Contains(r.stderr, "already an account") {
		t.Fatalf("duplicate user add: %+v", r)
	}
	if r := runCmd(t, env, "short\n", "user", "reset-password", "--email", "new.gp@example.nhs.uk", "--password-stdin"); r.code != 1 || !strings.Contains(r.stderr, "at least 12") {
		t.Fatalf("short password: %+v", r)
	}
	if r := runCmd(t, env, "a perfectly long password\n", "user", "reset-password", "--email", "new.gp@example.nhs.uk", "--password-stdin"); r.code != 0 || strings.Contains(r.stdout, "temporary") {
		t.Fatalf("reset-password: %+v", r)
	}
	if r := runCmd(t, env, "", "user", "disable", "--email", "new.gp@example.nhs.uk"); r.code != 0 {
		t.Fatalf("disable: %+v", r)
	}
	if r := runCmd(t, env, "", "user", "disable", "--email", "nobody@example.nhs.uk"); r.code != 1 {
		t.Fatalf("disable unknown: %+v", r)
	}
	if r := runCmd(t, env, "", "audit", "verify", "--max-unsealed", "1h"); r.code != 0 || !strings.Contains(r.stdout, "intact") {
		t.Fatalf("audit verify: %+v", r)
	}
}

func TestDemoServesAndShutsDownGracefully(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut syncBuffer
	done := make(chan error, 1)
	db := filepath.Join(t.TempDir(), "demo.db")
	// The first start names the database as the Configuration table does,
	// through the environment; the second as a plain path.
	env := func(k string) string {
		if k == "JOINEDUP_DB" {
			return "sqlite:" + db
		}
		return ""
	}
	go func() {
		done <- run(ctx, []string{"demo", "--addr", "127.0.0.1:0"}, env, strings.NewReader(""), &out, &errOut)
	}()
	url := ""
	deadline := time.Now().Add(60 * time.Second)
	for url == "" && time.Now().Before(deadline) {
		if m := regexp.MustCompile(`running at (http://\S+)`).FindStringSubmatch(out.String()); m != nil {
			url = m[1]
		}
		time.Sleep(20 * time.Millisecond)
	}
	if url == "" {
		t.Fatalf("demo did not start: %s %s", out.String(), errOut.String())
	}
	for _, want := range []string{"gp@demo.joinedup.test", "social-worker@demo.joinedup.test", "demo-password"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("demo output lacks %q", want)
		}
	}
	res, err := http.Get(url + "/healthz")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", res, err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil && !errors.Is(err, context.Canceled) {
			t.Fatalf("demo stopped with %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("demo did not stop")
	}
	if !strings.Contains(errOut.String(), "stopped") {
		t.Errorf("no clean shutdown in the log: %s", errOut.String())
	}
	// The second start reuses the database.
	var out2 syncBuffer
	ctx2, cancel2 := context.WithCancel(context.Background())
	go func() {
		time.Sleep(2 * time.Second)
		cancel2()
	}()
	run(ctx2, []string{"demo", "--db", db, "--addr", "127.0.0.1:0"}, func(string) string { return "" }, strings.NewReader(""), &out2, io.Discard)
	if !strings.Contains(out2.String(), "Reusing the demo database "+db) {
		t.Errorf("second start did not reuse %s: %s", db, out2.String())
	}
}

func TestDemoDatabaseNames(t *testing.T) {
	for _, c := range []struct {
		db, path string
		usage    bool
	}{
		{db: "joinedup-demo.db", path: "joinedup-demo.db"},
		{db: "sqlite:joinedup-demo.db", path: "joinedup-demo.db"},
		{db: "sqlite:/var/tmp/demo.db", path: "/var/tmp/demo.db"},
		{db: "/var/tmp/demo.db", path: "/var/tmp/demo.db"},
		{db: "sqlite:", usage: true},
		{db: "", usage: true},
		{db: "postgres://joinedup@localhost/demo", usage: true},
		{db: "postgresql://joinedup@localhost/demo", usage: true},
	} {
		path, err := demoPath(c.db)
		var usage usageError
		if c.usage != errors.As(err, &usage) || path != c.path {
			t.Errorf("demoPath(%q) = %q, %v; want %q (usage error %v)", c.db, path, err, c.path, c.usage)
		}
	}
	r := runCmd(t, nil, "", "demo", "--db", "postgres://joinedup@localhost/demo")
	if r.code != 2 || !strings.Contains(r.stderr, "SQLite only") {
		t.Errorf("demo on PostgreSQL: exit %d, stderr %q", r.code, r.stderr)
	}
}

// mustCalendar is the working calendar run gives everything.
func mustCalendar(t *testing.T) *care.Calendar {
	t.Helper()
	cal, err := workingCalendar()
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

func TestWorkingCalendarIsEnglandInLondonTime(t *testing.T) {
	cal := mustCalendar(t)
	if cal.Location().String() != "Europe/London" {
		t.Fatalf("zone = %s", cal.Location())
	}
	// 25 December 2026 is a Friday and a bank holiday; in July the clocks
	// are an hour ahead of UTC, so 08:30 UTC is inside working hours.
	if cal.IsWorkingDate(care.CivilDate{Year: 2026, Month: time.December, Day: 25}) {
		t.Error("Christmas Day is a working day")
	}
	if !cal.IsWorkingTime(time.Date(2026, time.July, 1, 8, 30, 0, 0, time.UTC)) {
		t.Error("09:30 in London in July is not working time")
	}
}
