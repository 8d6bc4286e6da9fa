// Package store keeps joinedup's data in SQLite or PostgreSQL. It is the only
// package that speaks SQL. Every public method is one transaction, and every
// change writes its audit events in that same transaction, so a change and
// its audit record are committed together or not at all.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	_ "modernc.org/sqlite"             // registers the "sqlite" driver

	"github.com/joinedup/joinedup/internal/audit"
	"github.com/joinedup/joinedup/internal/care"
)

// Dialect is the SQL engine behind a store.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// Options tune a store. The zero value is right for production.
type Options struct {
	// ReadConns is the size of the read pool; 0 means one per CPU, at least 4.
	ReadConns int
	// Now is the clock; nil means time.Now. Tests replace it.
	Now func() time.Time
	// Logger receives internal errors; nil means slog.Default().
	Logger *slog.Logger
	// SingleCommits turns group commit off on SQLite, so every write
	// transaction commits alone. It exists to measure what group commit
	// gains; production leaves it false.
	SingleCommits bool
	// Calendar is the working calendar, and its zone the one where today's
	// date is judged: referral deadlines, MDT dates, dates of birth. Required.
	Calendar *care.Calendar
}

// Store is an open database.
type Store struct {
	dialect Dialect
	// writer and reader are the same pool on PostgreSQL. On SQLite the writer
	// is a single connection, because SQLite allows one writer at a time and
	// queueing in Go is cheaper than retrying on SQLITE_BUSY.
	writer *sql.DB
	reader *sql.DB
	now    func() time.Time
	log    *slog.Logger
	cal    *care.Calendar
	// Location is where the store lives, for messages ("/var/lib/x.db").
	location string
	// group runs SQLite's write transactions in groups that share a
	// commit (writer.go); nil on PostgreSQL.
	group *groupWriter
	// checkpoints copies SQLite's WAL into the database in the background
	// (checkpoint.go); nil on PostgreSQL.
	checkpoints   *checkpointer
	checkpointsDB *sql.DB
	// sessions caches signed-in sessions (session_cache.go).
	sessions sessionCache
	// auditWritten is signalled, without blocking, after a transaction
	// that wrote audit rows commits, so the sealer runs when there is
	// something to seal rather than on a timer.
	auditWritten chan struct{}
}

// Open connects to the database named by dsn: "sqlite:PATH" or a
// "postgres://" URL. It checks the database is reachable but does not
// migrate it. Errors are one plain sentence, fit to show an operator.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	s := &Store{now: opts.Now, log: opts.Logger, cal: opts.Calendar, auditWritten: make(chan struct{}, 1)}
	if s.cal == nil {
		return nil, errors.New("the store needs a working calendar (Options.Calendar)")
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.Default()
	}
	readConns := opts.ReadConns
	if readConns <= 0 {
		readConns = max(4, runtime.NumCPU())
	}
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		if err := s.openSQLite(ctx, strings.TrimPrefix(dsn, "sqlite:"), readConns); err != nil {
			return s, err
		}
		s.checkpoints = newCheckpointer(s.checkpointsDB, s.log)
		if !opts.SingleCommits {
			s.group = newGroupWriter(s.writer, s.dialect, func() time.Time { return s.now() }, s.cal, s.checkpoints.committed)
		}
		return s, nil
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return s, s.openPostgres(ctx, dsn, readConns)
	default:
		return nil, fmt.Errorf("the database %q is not understood: use sqlite:PATH or a postgres:// URL", dsn)
	}
}

func (s *Store) openSQLite(ctx context.Context, path string, readConns int) error {
	s.dialect = SQLite
	s.location = path
	if path == "" {
		return errors.New("the SQLite database needs a file path, as in sqlite:joinedup.db")
	}
	dir := filepath.Dir(path)
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return fmt.Errorf("cannot open the SQLite database %s: the directory %s does not exist", path, dir)
	}
	// synchronous=FULL makes every acknowledged commit durable, even on power
	// loss; WAL lets readers carry on while the writer commits.
	pragmas := "_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)"
	uri := "file:" + path + "?"
	// The writer never checkpoints: the checkpointer does it off the
	// request path (checkpoint.go).
	writer, err := sql.Open("sqlite", uri+pragmas+"&_pragma=wal_autocheckpoint(0)&_txlock=immediate")
	if err != nil {
		return fmt.Errorf("cannot open the SQLite database %s: %v", path, err)
	}
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxLifetime(0)
	s.writer = writer
	// Opening the writer first creates the file and switches it to WAL, so
	// the readers below never race to do it.
	if err := writer.PingContext(ctx); err != nil {
		writer.Close()
		return fmt.Errorf("cannot open the SQLite database %s: %v", path, sqliteReason(err))
	}
	if _, err := writer.ExecContext(ctx, "PRAGMA journal_mode=WAL"); err != nil {
		writer.Close()
		return fmt.Errorf("cannot open the SQLite database %s: %v", path, sqliteReason(err))
	}
	reader, err := sql.Open("sqlite", uri+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		writer.Close()
		return fmt.Errorf("cannot open the SQLite database %s: %v", path, err)
	}
	reader.SetMaxOpenConns(readConns)
	reader.SetMaxIdleConns(readConns)
	s.reader = reader
	checkpoints, err := sql.Open("sqlite", uri+pragmas)
	if err != nil {
		writer.Close()
		reader.Close()
		return fmt.Errorf("cannot open the SQLite database %s: %v", path, err)
	}
	checkpoints.SetMaxOpenConns(1)
	checkpoints.SetMaxIdleConns(1)
	checkpoints.SetConnMaxLifetime(0)
	s.checkpointsDB = checkpoints
	return nil
}

func sqliteReason(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 && strings.Contains(msg, "(") {
		return msg[i+2:]
	}
	return msg
}

func (s *Store) openPostgres(ctx context.Context, dsn string, conns int) error {
	s.dialect = Postgres
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return fmt.Errorf("the PostgreSQL URL is not valid: %v", pgReason(err))
	}
	cfg, cfgErr := pgconn.ParseConfig(dsn)
	if cfgErr == nil {
		s.location = fmt.Sprintf("%s:%d/%s", cfg.Host, cfg.Port, cfg.Database)
	}
	db.SetMaxOpenConns(conns * 2)
	db.SetMaxIdleConns(conns * 2)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		db.Close()
		return fmt.Errorf("cannot connect to PostgreSQL at %s: %s", s.location, pgReason(err))
	}
	s.writer, s.reader = db, db
	return nil
}

// pgReason turns a driver error into the part an operator needs.
func pgReason(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Message
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Err != nil {
		return opErr.Err.Error()
	}
	var connErr *pgconn.ConnectError
	if errors.As(err, &connErr) {
		msg := connErr.Error()
		if i := strings.LastIndex(msg, ": "); i >= 0 {
			return msg[i+2:]
		}
		return msg
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "no answer within 10 seconds"
	}
	return err.Error()
}

// Close waits for queries in flight and closes the database cleanly. On
// SQLite it lets queued writes commit first and leaves the WAL checkpointed.
func (s *Store) Close() error {
	if s.group != nil {
		s.group.close()
	}
	if s.checkpoints != nil {
		s.checkpoints.close()
	}
	err := s.writer.Close()
	if s.reader != s.writer {
		err = errors.Join(err, s.reader.Close())
	}
	if s.checkpointsDB != nil {
		err = errors.Join(err, s.checkpointsDB.Close())
	}
	return err
}

// WriterStats reports how SQLite's writes were grouped; zero on PostgreSQL.
func (s *Store) WriterStats() WriterStats {
	if s.group == nil {
		return WriterStats{}
	}
	return s.group.snapshot()
}

// CheckpointStats reports SQLite's background checkpoints; zero on
// PostgreSQL.
func (s *Store) CheckpointStats() CheckpointStats {
	if s.checkpoints == nil {
		return CheckpointStats{}
	}
	return s.checkpoints.snapshot()
}

// Dialect reports the SQL engine.
func (s *Store) Dialect() Dialect { return s.dialect }

// Location names the database for operators, without credentials.
func (s *Store) Location() string { return s.location }

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error {
	return errors.Join(s.writer.PingContext(ctx), s.reader.PingContext(ctx))
}

// PoolStats reports the connection pools, for metrics.
func (s *Store) PoolStats() map[string]sql.DBStats {
	if s.reader == s.writer {
		return map[string]sql.DBStats{"main": s.writer.Stats()}
	}
	return map[string]sql.DBStats{"writer": s.writer.Stats(), "reader": s.reader.Stats()}
}

// newID returns a time-ordered UUIDv7, so ids sort in creation order and
// index pages fill in order.
func newID() string { return uuid.Must(uuid.NewV7()).String() }

// tx is a transaction that speaks the store's SQL dialect: queries are
// written with ? placeholders and time.Time arguments are stored the same way
// on both engines.
type tx struct {
	tx      *sql.Tx
	dialect Dialect
	now     time.Time
	cal     *care.Calendar
	// heldAudits, when set, collects the audit entries of a read made by
	// readAudited instead of writing them (audit.go).
	heldAudits *[]auditEntry
	// audited says appendAudit wrote a row, so the sealer is told after
	// the commit.
	audited bool
}

func (s *Store) begin(ctx context.Context, write bool) (*tx, error) {
	db, opts := s.reader, &sql.TxOptions{ReadOnly: true}
	if write {
		db, opts = s.writer, nil
	}
	if s.dialect == SQLite {
		// The SQLite driver does not support read-only transaction options;
		// the reader connections are opened with query_only instead.
		opts = nil
	}
	t, err := db.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &tx{tx: t, dialect: s.dialect, now: s.now().UTC().Truncate(time.Microsecond), cal: s.cal}, nil
}

// write runs fn in a read-write transaction and commits it if fn succeeds.
// It returns only once the commit is durable. On SQLite, fn runs on the
// group writer's goroutine, in a savepoint of a transaction it may share
// with other requests (writer.go): fn must not start another write, and a
// panic in it is raised again here.
func (s *Store) write(ctx context.Context, fn func(*tx) error) error {
	if s.group != nil {
		r := s.group.submit(ctx, fn)
		if r.panicked != nil {
			panic(writePanic{value: r.panicked, stack: r.stack})
		}
		if r.err != nil {
			return s.classify(r.err)
		}
		if r.audited {
			s.signalAudit()
		}
		return nil
	}
	t, err := s.begin(ctx, true)
	if err != nil {
		return s.internal(err)
	}
	if err := fn(t); err != nil {
		t.tx.Rollback()
		return s.classify(err)
	}
	if err := t.tx.Commit(); err != nil {
		return s.classify(err)
	}
	if t.audited {
		s.signalAudit()
	}
	return nil
}

func (s *Store) signalAudit() {
	select {
	case s.auditWritten <- struct{}{}:
	default:
	}
}

// AuditWritten receives after a write that added audit rows has
// committed, for the job that seals them.
func (s *Store) AuditWritten() <-chan struct{} { return s.auditWritten }

// read runs fn in a read-only transaction, so it sees one consistent snapshot.
func (s *Store) read(ctx context.Context, fn func(*tx) error) error {
	t, err := s.begin(ctx, false)
	if err != nil {
		return s.internal(err)
	}
	defer t.tx.Rollback()
	if err := fn(t); err != nil {
		return s.classify(err)
	}
	return nil
}

// classify keeps domain errors as they are and turns driver errors into
// domain errors, logging the detail that must not reach the user.
func (s *Store) classify(err error) error {
	var domain *care.Error
	if errors.As(err, &domain) {
		if domain.Kind == care.KindInternal && domain.Err != nil {
			s.log.Error("store", "err", domain.Err)
		}
		return err
	}
	var problem *audit.Problem
	if errors.As(err, &problem) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return care.Errorf(care.KindNotFound, "The record was not found.")
	}
	if isUniqueViolation(err) {
		return &care.Error{Kind: care.KindConflict, Message: "That record already exists.", Err: err}
	}
	if isSerializationFailure(err) {
		return &care.Error{Kind: care.KindConflict, Message: "Someone else changed this at the same moment. Try again.", Err: err}
	}
	return s.internal(err)
}

func (s *Store) internal(err error) error {
	if errors.Is(err, context.Canceled) {
		return &care.Error{Kind: care.KindInternal, Message: "The request was cancelled.", Err: err}
	}
	s.log.Error("store", "err", err)
	return care.Internal(err)
}

func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	return strings.Contains(err.Error(), "UNIQUE constraint failed")
}

func isSerializationFailure(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "40001" || pgErr.Code == "40P01"
	}
	return false
}

// sqliteTime is the one textual form times take in SQLite: fixed width, so
// text order is time order, and parsed back by the driver for TIMESTAMP
// columns.
const sqliteTime = "2006-01-02T15:04:05.000000Z"

func (t *tx) bind(query string, args []any) (string, []any) {
	for i, a := range args {
		switch v := a.(type) {
		case time.Time:
			args[i] = t.timeArg(v)
		case *time.Time:
			if v == nil {
				args[i] = nil
			} else {
				args[i] = t.timeArg(*v)
			}
		}
	}
	if t.dialect != Postgres {
		return query, args
	}
	var b strings.Builder
	b.Grow(len(query) + 8)
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String(), args
}

func (t *tx) timeArg(v time.Time) any {
	v = v.UTC().Truncate(time.Microsecond)
	if t.dialect == SQLite {
		return v.Format(sqliteTime)
	}
	return v
}

func (t *tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	q, a := t.bind(query, args)
	return t.tx.ExecContext(ctx, q, a...)
}

func (t *tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	q, a := t.bind(query, args)
	return t.tx.QueryContext(ctx, q, a...)
}

func (t *tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	q, a := t.bind(query, args)
	return t.tx.QueryRowContext(ctx, q, a...)
}

// execOne runs an UPDATE or DELETE that must touch exactly one row. When it
// touches none, the row either does not exist or was changed by someone else
// since it was read; the caller says which error fits.
func (t *tx) execOne(ctx context.Context, ifNone error, query string, args ...any) error {
	res, err := t.exec(ctx, query, args...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n != 1 {
		return ifNone
	}
	return nil
}

// placeholders is rows groups of width "?" each: "(?, ?), (?, ?)", or
// "?, ?" when width is 1.
func placeholders(width, rows int) string {
	one := strings.TrimSuffix(strings.Repeat("?, ", width), ", ")
	if width > 1 {
		one = "(" + one + ")"
	}
	return strings.TrimSuffix(strings.Repeat(one+", ", rows), ", ")
}

// nullString stores "" as NULL, so optional text columns stay NULL rather
// than empty and unique indexes ignore them.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// errorDetail returns the most specific description of err, including the
// internal detail a domain error hides from users, for operators' eyes only.
func errorDetail(err error) string {
	var domain *care.Error
	if errors.As(err, &domain) && domain.Err != nil {
		return domain.Err.Error()
	}
	return err.Error()
}
