package store

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/joinedup/joinedup/internal/care"
)

// crashChildEnv names the database a re-executed test binary writes to
// until it is killed.
const crashChildEnv = "JOINEDUP_CRASH_CHILD_DB"

// TestWritesSurviveSIGKILL kills a process with SIGKILL while it writes
// from many goroutines through the group writer, twenty times over the same
// database, and checks after each kill that every write the process
// acknowledged is there with its audit row, the database is intact, and
// the audit trail verifies.
func TestWritesSurviveSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("kills child processes; not in -short")
	}
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "crash.db")
	s, err := Open(ctx, "sqlite:"+db, Options{Calendar: testCalendar(t)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	s.Close()

	acked := map[string]bool{}
	const kills = 20
	for round := range kills {
		got := runUntilKilled(t, db, time.Duration(50+rand.IntN(350))*time.Millisecond)
		for _, id := range got {
			acked[id] = true
		}
		checkAfterCrash(t, db, acked)
		if t.Failed() {
			t.Fatalf("round %d of %d failed", round+1, kills)
		}
	}
	if len(acked) < kills {
		t.Fatalf("only %d writes were acknowledged in %d rounds: the child did not write", len(acked), kills)
	}
	t.Logf("%d acknowledged writes over %d kills, none lost", len(acked), kills)
}

// runUntilKilled starts the child, lets it write for about d after it is
// ready, kills it with SIGKILL and returns the ids it acknowledged.
func runUntilKilled(t *testing.T, db string, d time.Duration) []string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+db)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var ids []string
	lines := bufio.NewScanner(out)
	ready := make(chan struct{})
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		once := sync.Once{}
		for lines.Scan() {
			line := lines.Text()
			if line == "ready" {
				once.Do(func() { close(ready) })
			}
			if id, ok := strings.CutPrefix(line, "ack "); ok {
				ids = append(ids, id)
			}
		}
		once.Do(func() { close(ready) })
	}()
	select {
	case <-ready:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("the child never became ready")
	}
	time.Sleep(d)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-readDone
	cmd.Wait()
	return ids
}

func checkAfterCrash(t *testing.T, db string, acked map[string]bool) {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, "sqlite:"+db, Options{Calendar: testCalendar(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var integrity string
	if err := s.reader.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&integrity); err != nil || integrity != "ok" {
		t.Errorf("integrity_check = %q, %v", integrity, err)
	}
	present := map[string]bool{}
	rows, err := s.reader.QueryContext(ctx, `SELECT o.id FROM organisations o
		JOIN audit_events a ON a.resource_id = o.id AND a.action = 'organisation.create'`)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range collect(t, rows) {
		present[id] = true
	}
	lost := 0
	for id := range acked {
		if !present[id] {
			lost++
		}
	}
	if lost > 0 {
		t.Errorf("%d of %d acknowledged writes (or their audit rows) are missing after SIGKILL", lost, len(acked))
	}
	if _, err := s.SealAudit(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.VerifyAudit(ctx, time.Hour); err != nil {
		t.Errorf("audit verify after SIGKILL: %v", err)
	}
}

// TestCrashChild is the process TestWritesSurviveSIGKILL kills. It writes
// audited organisations from eight goroutines and seals the audit trail
// meanwhile, printing each id once its write is acknowledged, until it is
// killed.
func TestCrashChild(t *testing.T) {
	db := os.Getenv(crashChildEnv)
	if db == "" {
		t.Skip("run by TestWritesSurviveSIGKILL")
	}
	ctx := context.Background()
	s, err := Open(ctx, "sqlite:"+db, Options{Calendar: testCalendar(t)})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	var mu sync.Mutex
	out := bufio.NewWriter(os.Stdout)
	say := func(line string) {
		mu.Lock()
		defer mu.Unlock()
		out.WriteString(line + "\n")
		out.Flush()
	}
	sys := care.SystemActor("crash-test")
	for w := range 8 {
		go func() {
			for i := 0; ; i++ {
				o, err := s.CreateOrganisation(ctx, sys, care.Organisation{
					Name: fmt.Sprintf("Crash test %d-%d", w, i), Kind: care.OrgVCS})
				if err == nil {
					say("ack " + o.ID)
				}
			}
		}()
	}
	go func() {
		for {
			s.SealAudit(ctx)
			time.Sleep(20 * time.Millisecond)
		}
	}()
	say("ready")
	select {}
}
