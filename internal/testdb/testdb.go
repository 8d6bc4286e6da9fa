// Package testdb makes throwaway databases for tests: a new SQLite file, or a
// new schema on the PostgreSQL server that JOINEDUP_TEST_POSTGRES names. Each
// is removed when its test ends. It knows nothing of joinedup's tables; the
// storetest package opens and migrates a store on top of it, and store's own
// tests, which cannot import storetest, use it directly.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// PostgresVariable names the environment variable that holds the URL of a
// PostgreSQL server tests may create schemas on.
const PostgresVariable = "JOINEDUP_TEST_POSTGRES"

// Engines runs fn as a subtest "sqlite" on a new SQLite database and as a
// subtest "postgres" on a new PostgreSQL schema, which is skipped when
// JOINEDUP_TEST_POSTGRES is not set.
func Engines(t *testing.T, fn func(t *testing.T, dsn string)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// SQLite returns the address of a new, empty SQLite database in the test's
// temporary directory.
func SQLite(t testing.TB) string {
	t.Helper()
	return "sqlite:" + filepath.Join(t.TempDir(), "test.db")
}

// Postgres returns the address of a new, empty schema on the server
// JOINEDUP_TEST_POSTGRES names, and drops the schema when the test ends.
// It skips the test when the variable is not set. Register the cleanup that
// closes whatever uses the schema after calling Postgres, so that it runs
// first.
func Postgres(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresVariable)
	if base == "" {
		t.Skip(PostgresVariable + " is not set; PostgreSQL tests run in CI")
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s is not a URL: %v", PostgresVariable, err)
	}
	// One connection outside the schema creates it and, at the end, drops it.
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("%s is not a PostgreSQL URL: %v", PostgresVariable, err)
	}
	admin.SetMaxOpenConns(1)
	var b [8]byte
	rand.Read(b[:])
	schema := "test_" + hex.EncodeToString(b[:])
	if _, err := admin.ExecContext(context.Background(), "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		t.Fatalf("cannot create a schema for the test on the server in %s: %v", PostgresVariable, err)
	}
	t.Cleanup(func() {
		defer admin.Close()
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("cannot drop the test's schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
