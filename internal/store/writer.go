package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"time"

	"github.com/joinedup/joinedup/internal/care"
)

// Group commit on SQLite.
//
// SQLite has one writer at a time and every durable commit costs an fsync of
// the WAL. Instead of one fsync per request, one goroutine (the group writer)
// takes write requests as they arrive and runs those waiting inside one outer
// transaction, each in a savepoint of its own, then commits once and answers
// them all. A request that fails, refuses or panics rolls back to its
// savepoint, so nothing of it remains and the others in the group are
// unaffected. No request is answered before the commit that makes it
// durable, so an acknowledged write is never lost.
//
// Groups form by themselves: a request arriving while the writer is busy
// (running other requests or waiting for an fsync) waits in the queue and
// joins the next group. A lone request never waits for company. A group is
// bounded in members and in the time spent running them, so the first
// request in a group is not held up by a long queue behind it.

// Group bounds; see groupWriter.
const (
	defaultMaxGroup     = 128
	defaultMaxGroupTime = 20 * time.Millisecond
)

// writeRequest is one call of Store.write waiting for the group writer.
type writeRequest struct {
	ctx  context.Context
	fn   func(*tx) error
	done chan writeResult
}

// writeResult is what the caller of Store.write gets back: the error of its
// own transaction, or the panic it raised, to raise again in its goroutine.
type writeResult struct {
	err      error
	panicked any
	stack    []byte
	// audited says the transaction appended audit rows.
	audited bool
}

// groupWriter owns SQLite's single writer connection.
type groupWriter struct {
	db       *sql.DB
	dialect  Dialect
	now      func() time.Time
	cal      *care.Calendar
	maxGroup int
	maxTime  time.Duration
	// committed is told, without blocking, after each commit, so the
	// checkpointer knows the WAL has grown.
	committed chan<- struct{}
	stats     *writerStats

	requests chan *writeRequest
	mu       sync.RWMutex // guards closed against sends on a closed channel
	closed   bool
	stopped  chan struct{}
}

// writerStats counts what the group writer did, for metrics and tests.
type writerStats struct {
	mu       sync.Mutex
	groups   int64
	requests int64
	largest  int
	rollback int64 // requests rolled back to their savepoint
	retried  int64 // requests re-run alone after their group's transaction broke
}

// WriterStats reports the group writer's work since the store opened.
type WriterStats struct {
	Groups, Requests, RolledBack, Retried int64
	LargestGroup                          int
}

func newGroupWriter(db *sql.DB, dialect Dialect, now func() time.Time, cal *care.Calendar, committed chan<- struct{}) *groupWriter {
	w := &groupWriter{
		db:        db,
		dialect:   dialect,
		now:       now,
		cal:       cal,
		maxGroup:  defaultMaxGroup,
		maxTime:   defaultMaxGroupTime,
		committed: committed,
		stats:     &writerStats{},
		requests:  make(chan *writeRequest, 4*defaultMaxGroup),
		stopped:   make(chan struct{}),
	}
	go w.loop()
	return w
}

// submit queues fn and waits for the commit of the group it joins. It waits
// even when ctx is cancelled after queueing, because the request may
// already be running and its caller must learn whether it was committed.
func (w *groupWriter) submit(ctx context.Context, fn func(*tx) error) writeResult {
	r := &writeRequest{ctx: ctx, fn: fn, done: make(chan writeResult, 1)}
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return writeResult{err: errors.New("the database is closing")}
	}
	select {
	case w.requests <- r:
	case <-ctx.Done():
		w.mu.RUnlock()
		return writeResult{err: ctx.Err()}
	}
	w.mu.RUnlock()
	return <-r.done
}

// close stops taking requests, lets the writer finish those queued, and
// waits for it.
func (w *groupWriter) close() {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.requests)
	}
	w.mu.Unlock()
	<-w.stopped
}

func (w *groupWriter) loop() {
	defer close(w.stopped)
	for first := range w.requests {
		w.runGroup(first)
	}
}

// member is a request that has run in the current group and waits for its
// commit.
type member struct {
	req    *writeRequest
	result writeResult
}

// runGroup runs first and whatever joins it in one transaction.
func (w *groupWriter) runGroup(first *writeRequest) {
	sqlTx, err := w.db.BeginTx(context.Background(), nil)
	if err != nil {
		first.done <- writeResult{err: err}
		return
	}
	var members []member
	started := time.Now()
	next := first
	for next != nil {
		result, broken := w.runMember(sqlTx, next)
		if broken {
			// The transaction itself has gone (SQLite rolls a whole
			// transaction back on some errors, such as a full disk). Nothing
			// in it is committed: the failing request gets its error and the
			// others run again, each alone.
			sqlTx.Rollback()
			next.done <- result
			for _, m := range members {
				w.runAlone(m.req)
			}
			return
		}
		members = append(members, member{req: next, result: result})
		next = nil
		if len(members) < w.maxGroup && time.Since(started) < w.maxTime {
			select {
			case r, ok := <-w.requests:
				if ok {
					next = r
				}
			default:
			}
		}
	}
	err = sqlTx.Commit()
	if err == nil && w.committed != nil {
		select {
		case w.committed <- struct{}{}:
		default:
		}
	}
	w.count(1, len(members), 0)
	for _, m := range members {
		if err != nil && m.result.err == nil && m.result.panicked == nil {
			m.result.err = err
		}
		m.req.done <- m.result
	}
}

// runAlone runs one request in a transaction of its own, after the group it
// was in broke.
func (w *groupWriter) runAlone(r *writeRequest) {
	sqlTx, err := w.db.BeginTx(context.Background(), nil)
	if err != nil {
		r.done <- writeResult{err: err}
		return
	}
	result, broken := w.runMember(sqlTx, r)
	if broken || result.err != nil || result.panicked != nil {
		sqlTx.Rollback()
		r.done <- result
		w.count(0, 0, 1)
		return
	}
	if err := sqlTx.Commit(); err != nil {
		result.err = err
	}
	w.count(1, 1, 1)
	r.done <- result
}

// runMember runs one request inside a savepoint of sqlTx. broken reports
// that the outer transaction no longer exists.
func (w *groupWriter) runMember(sqlTx *sql.Tx, r *writeRequest) (result writeResult, broken bool) {
	if err := r.ctx.Err(); err != nil {
		// The caller gave up before its turn: nothing was done.
		return writeResult{err: err}, false
	}
	// The request's statements run without its cancellation: SQLite
	// interrupting a write inside an explicit transaction rolls back the
	// whole transaction, everyone's. Its values (the client's address for
	// the audit trail) are kept.
	ctx := context.WithoutCancel(r.ctx)
	if _, err := sqlTx.ExecContext(ctx, "SAVEPOINT request"); err != nil {
		return writeResult{err: err}, true
	}
	t := &tx{tx: sqlTx, dialect: w.dialect, now: w.now().UTC().Truncate(time.Microsecond), cal: w.cal}
	result = callRecovering(t, r.fn)
	result.audited = t.audited
	if result.err == nil && result.panicked == nil {
		if _, err := sqlTx.ExecContext(ctx, "RELEASE request"); err != nil {
			return writeResult{err: err}, true
		}
		return result, false
	}
	if _, err := sqlTx.ExecContext(ctx, "ROLLBACK TO request"); err != nil {
		return result, true
	}
	if _, err := sqlTx.ExecContext(ctx, "RELEASE request"); err != nil {
		return result, true
	}
	w.stats.mu.Lock()
	w.stats.rollback++
	w.stats.mu.Unlock()
	return result, false
}

// callRecovering runs fn, turning a panic into a result the caller raises
// again in its own goroutine, so one request's bug never stops the writer.
func callRecovering(t *tx, fn func(*tx) error) (result writeResult) {
	defer func() {
		if p := recover(); p != nil {
			result = writeResult{panicked: p, stack: debug.Stack()}
		}
	}()
	return writeResult{err: fn(t)}
}

func (w *groupWriter) count(groups, requests, retried int) {
	w.stats.mu.Lock()
	defer w.stats.mu.Unlock()
	w.stats.groups += int64(groups)
	w.stats.requests += int64(requests)
	w.stats.retried += int64(retried)
	w.stats.largest = max(w.stats.largest, requests)
}

func (w *groupWriter) snapshot() WriterStats {
	w.stats.mu.Lock()
	defer w.stats.mu.Unlock()
	return WriterStats{Groups: w.stats.groups, Requests: w.stats.requests, RolledBack: w.stats.rollback,
		Retried: w.stats.retried, LargestGroup: w.stats.largest}
}

// writePanic carries a panic from the group writer to the caller's
// goroutine, with the stack where it happened.
type writePanic struct {
	value any
	stack []byte
}

func (p writePanic) Error() string {
	return fmt.Sprintf("panic in a write transaction: %v\n%s", p.value, p.stack)
}
