package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/joinedup/joinedup/internal/care"
)

// holdWriter makes the group writer busy with a request that waits until
// release is called, so the requests queued meanwhile form one group when
// it returns. release waits for the holding request to finish.
func holdWriter(t *testing.T, s *Store) (release func()) {
	t.Helper()
	done := make(chan error, 1)
	running := make(chan struct{})
	goOn := make(chan struct{})
	var first sync.Once
	go func() {
		done <- s.write(context.Background(), func(t *tx) error {
			firstRun := false
			first.Do(func() { close(running); firstRun = true })
			if firstRun {
				select {
				case <-goOn:
				case <-time.After(10 * time.Second):
					return errors.New("never released")
				}
			}
			_, err := t.exec(context.Background(), `INSERT INTO gc_test (k) VALUES ('holder')`)
			return err
		})
	}()
	<-running
	return func() {
		close(goOn)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
}

// waitQueued waits until n requests wait for the held writer.
func waitQueued(t *testing.T, s *Store, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(s.group.requests) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d requests queued, want %d", len(s.group.requests), n)
		}
		time.Sleep(time.Millisecond)
	}
}

func gcStore(t *testing.T) *Store {
	t.Helper()
	s := openTestSQLite(t)
	// On a loaded machine a group may take longer than the writer's time
	// bound and split in two; the tests that count groups must not depend
	// on the machine's speed. (No race: the writer reads the bound only
	// after receiving a request sent after this write.)
	s.group.maxTime = time.Minute
	if err := s.write(context.Background(), func(t *tx) error {
		_, err := t.exec(context.Background(), `CREATE TABLE gc_test (k TEXT PRIMARY KEY)`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return s
}

func gcKeys(t *testing.T, s *Store) []string {
	t.Helper()
	rows, err := s.reader.QueryContext(context.Background(), `SELECT k FROM gc_test ORDER BY k`)
	if err != nil {
		t.Fatal(err)
	}
	return collect(t, rows)
}

// collect reads one text column from every row, sorted.
func collect(t *testing.T, rows *sql.Rows) []string {
	t.Helper()
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

func insertKeys(ctx context.Context, keys ...string) func(*tx) error {
	return func(t *tx) error {
		for _, k := range keys {
			if _, err := t.exec(ctx, `INSERT INTO gc_test (k) VALUES (?)`, k); err != nil {
				return err
			}
		}
		return nil
	}
}

// TestGroupCommitIsolatesEachRequest runs one group in which requests
// succeed, fail half-way, break a constraint and panic, and checks that
// exactly the successful ones remain, each caller hears its own outcome,
// and they shared one commit.
func TestGroupCommitIsolatesEachRequest(t *testing.T) {
	s := gcStore(t)
	ctx := context.Background()
	before := s.WriterStats()
	release := holdWriter(t, s)

	type outcome struct {
		name     string
		err      error
		panicked any
	}
	results := make(chan outcome, 6)
	run := func(name string, fn func(*tx) error) {
		go func() {
			defer func() {
				if p := recover(); p != nil {
					results <- outcome{name: name, panicked: p}
				}
			}()
			results <- outcome{name: name, err: s.write(ctx, fn)}
		}()
	}
	refused := care.Errorf(care.KindForbidden, "no")
	run("ok-1", insertKeys(ctx, "a1", "a2"))
	run("fails-midway", func(t *tx) error {
		if err := insertKeys(ctx, "b1", "b2")(t); err != nil {
			return err
		}
		return refused
	})
	run("ok-2", insertKeys(ctx, "c1"))
	run("duplicate", insertKeys(ctx, "d1", "a1")) // a1 is ok-1's, or its own duplicate
	run("panics", func(t *tx) error {
		if err := insertKeys(ctx, "e1")(t); err != nil {
			return err
		}
		panic("a bug in one request")
	})
	run("ok-3", insertKeys(ctx, "f1"))
	waitQueued(t, s, 6)
	release()

	got := map[string]outcome{}
	for range 6 {
		o := <-results
		got[o.name] = o
	}
	for _, name := range []string{"ok-1", "ok-2", "ok-3"} {
		if got[name].err != nil || got[name].panicked != nil {
			t.Errorf("%s: %v %v", name, got[name].err, got[name].panicked)
		}
	}
	if !errors.Is(got["fails-midway"].err, refused) {
		t.Errorf("fails-midway: %v", got["fails-midway"].err)
	}
	if care.KindOf(got["duplicate"].err) != care.KindConflict {
		t.Errorf("duplicate: %v", got["duplicate"].err)
	}
	if p, ok := got["panics"].panicked.(writePanic); !ok || p.value != "a bug in one request" || !strings.Contains(string(p.stack), "writer_test.go") {
		t.Errorf("panics: %#v", got["panics"].panicked)
	}
	keys := strings.Join(gcKeys(t, s), " ")
	if keys != "a1 a2 c1 f1 holder" {
		t.Errorf("rows = %s, want a1 a2 c1 f1 holder", keys)
	}
	after := s.WriterStats()
	if groups := after.Groups - before.Groups; groups != 1 {
		t.Errorf("the holder and six requests committed in %d groups, want 1", groups)
	}
	if after.RolledBack-before.RolledBack != 3 {
		t.Errorf("rolled back %d requests, want 3", after.RolledBack-before.RolledBack)
	}

	// The writer carries on after the panic.
	if err := s.write(ctx, insertKeys(ctx, "g1")); err != nil {
		t.Fatal(err)
	}
}

// TestGroupCommitRerunsOthersWhenTheTransactionBreaks breaks the outer
// transaction from inside one request (as SQLite does itself on a full
// disk) and checks that the others in the group are committed anyway and
// the breaking request's work is gone.
func TestGroupCommitRerunsOthersWhenTheTransactionBreaks(t *testing.T) {
	s := gcStore(t)
	ctx := context.Background()
	release := holdWriter(t, s)
	errs := make(chan error, 3)
	go func() { errs <- s.write(ctx, insertKeys(ctx, "before")) }()
	waitQueued(t, s, 1)
	go func() {
		errs <- s.write(ctx, func(t *tx) error {
			if err := insertKeys(ctx, "breaker")(t); err != nil {
				return err
			}
			if _, err := t.exec(ctx, `ROLLBACK`); err != nil {
				return err
			}
			return errors.New("broke the transaction")
		})
	}()
	waitQueued(t, s, 2)
	go func() { errs <- s.write(ctx, insertKeys(ctx, "after")) }()
	waitQueued(t, s, 3)
	release()
	failed := 0
	for range 3 {
		if err := <-errs; err != nil {
			failed++
		}
	}
	if failed != 1 {
		t.Errorf("%d requests failed, want only the breaker", failed)
	}
	// The holder and "before" ran in the broken group and were re-run alone;
	// "after" ran in the next group.
	if keys := strings.Join(gcKeys(t, s), " "); keys != "after before holder" {
		t.Errorf("rows = %s", keys)
	}
	if s.WriterStats().Retried < 2 {
		t.Errorf("retried %d, want at least 2", s.WriterStats().Retried)
	}
}

// TestGroupCommitSkipsACancelledRequest checks a request whose caller gave
// up before its turn does nothing, and says so.
func TestGroupCommitSkipsACancelledRequest(t *testing.T) {
	s := gcStore(t)
	release := holdWriter(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- s.write(ctx, insertKeys(context.Background(), "cancelled")) }()
	waitQueued(t, s, 1)
	cancel()
	release()
	if err := <-errc; err == nil {
		t.Fatal("a cancelled request reported success")
	}
	if keys := strings.Join(gcKeys(t, s), " "); keys != "holder" {
		t.Errorf("rows = %s", keys)
	}
}

// TestGroupCommitUnderConcurrency writes from many goroutines at once and
// checks every acknowledged row is there, no failed one is, and the writes
// shared commits. Run it with -race.
func TestGroupCommitUnderConcurrency(t *testing.T) {
	s := gcStore(t)
	ctx := context.Background()
	const writers, each = 16, 40
	var wg sync.WaitGroup
	var mu sync.Mutex
	acked := map[string]bool{}
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				k := fmt.Sprintf("w%02d-%03d", w, i)
				fail := i%7 == 3
				err := s.write(ctx, func(t *tx) error {
					if err := insertKeys(ctx, k)(t); err != nil {
						return err
					}
					if fail {
						return care.Errorf(care.KindInvalid, "refused")
					}
					return nil
				})
				if (err != nil) != fail {
					t.Errorf("%s: err %v, want failure %v", k, err, fail)
				}
				if err == nil {
					mu.Lock()
					acked[k] = true
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	keys := gcKeys(t, s)
	if len(keys) != len(acked) {
		t.Fatalf("%d rows for %d acknowledged writes", len(keys), len(acked))
	}
	for _, k := range keys {
		if !acked[k] {
			t.Errorf("row %s was not acknowledged", k)
		}
	}
	st := s.WriterStats()
	if st.LargestGroup < 2 {
		t.Errorf("largest group %d: concurrent writes never shared a commit", st.LargestGroup)
	}
	t.Logf("%d requests in %d groups, largest %d", st.Requests, st.Groups, st.LargestGroup)
}

// TestSingleCommitsOptionTurnsGroupingOff keeps the ungrouped path, which
// benchmarks compare against, working.
func TestSingleCommitsOptionTurnsGroupingOff(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, "sqlite:"+t.TempDir()+"/single.db", Options{SingleCommits: true, Calendar: testCalendar(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.group != nil {
		t.Fatal("group writer running with SingleCommits")
	}
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateOrganisation(ctx, care.SystemActor("test"), care.Organisation{Name: "Alone", Kind: care.OrgGPPractice, ODSCode: "Z99999"}); err != nil {
		t.Fatal(err)
	}
}

// TestCheckpointerKeepsTheWALSmall writes, waits for the background
// checkpointer, and checks the WAL was copied into the database and
// truncated once writes stopped.
func TestCheckpointerKeepsTheWALSmall(t *testing.T) {
	s := gcStore(t)
	ctx := context.Background()
	for i := range 50 {
		if err := s.write(ctx, insertKeys(ctx, fmt.Sprintf("k%03d", i))); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(15 * time.Second)
	for s.CheckpointStats().Truncate == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no truncating checkpoint after writes stopped: %+v", s.CheckpointStats())
		}
		time.Sleep(50 * time.Millisecond)
	}
	var busy, logPages, done int
	if err := s.checkpointsDB.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &logPages, &done); err != nil {
		t.Fatal(err)
	}
	if logPages != 0 {
		t.Errorf("WAL holds %d pages after a truncating checkpoint and no writes", logPages)
	}
	if n := len(gcKeys(t, s)); n != 50 {
		t.Errorf("%d rows after checkpoints, want 50", n)
	}
}
