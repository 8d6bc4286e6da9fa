// Package storetest gives any package's tests a fresh, migrated store: on
// SQLite always, and on PostgreSQL when JOINEDUP_TEST_POSTGRES names a server
// (scripts/with-postgres starts one). Each store has a database or schema of
// its own, removed when the test ends, so tests that use one can call
// t.Parallel.
//
// Use Engines for a test whose outcome depends on SQL: store-backed journeys,
// loaders, anything that reads back what it wrote. A package with many tests
// that do not depend on the engine (the HTTP route matrices in web, which
// check status codes against rules decided in Go) may run them on SQLite only
// and keep a representative journey or two under Engines; each such package
// says in its test helper which of its tests run on both.
package storetest

import (
	"context"
	"testing"
	"time"
	_ "time/tzdata" // as in the binary: tests never depend on the machine's zone database

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/store"
	"github.com/joinedup/joinedup/internal/testdb"
)

// Engines runs fn as a subtest "sqlite" and a subtest "postgres", each with a
// fresh migrated store. The PostgreSQL subtest is skipped when
// JOINEDUP_TEST_POSTGRES is not set.
func Engines(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	testdb.Engines(t, func(t *testing.T, dsn string) { fn(t, Open(t, dsn)) })
}

// SQLite returns a fresh migrated store in a new SQLite database.
func SQLite(t testing.TB) *store.Store {
	t.Helper()
	return Open(t, testdb.SQLite(t))
}

// Postgres returns a fresh migrated store in a new PostgreSQL schema, or
// skips the test when JOINEDUP_TEST_POSTGRES is not set.
func Postgres(t testing.TB) *store.Store {
	t.Helper()
	return Open(t, testdb.Postgres(t))
}

// Calendar is the working calendar cmd/joinedup gives the store: England
// and Wales bank holidays in Europe/London.
func Calendar(tb testing.TB) *care.Calendar {
	tb.Helper()
	loc, err := time.LoadLocation("Europe/London")
	if err != nil {
		tb.Fatal(err)
	}
	cal, err := care.NewCalendar(loc)
	if err != nil {
		tb.Fatal(err)
	}
	return cal
}

// Open opens the empty database at dsn (from the testdb package), migrates
// it and closes it when the test ends.
func Open(t testing.TB, dsn string) *store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, dsn, store.Options{ReadConns: 2, Calendar: Calendar(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}
