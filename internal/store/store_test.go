package store

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/testdb"
)

// engines runs fn once on a fresh SQLite database and, when
// JOINEDUP_TEST_POSTGRES names a server, once on a fresh PostgreSQL schema.
// Other packages use storetest.Engines, which store's own tests cannot
// import.
func engines(t *testing.T, fn func(t *testing.T, s *Store)) {
	t.Helper()
	testdb.Engines(t, func(t *testing.T, dsn string) { fn(t, openTest(t, dsn)) })
}

func openTestSQLite(t *testing.T) *Store   { return openTest(t, testdb.SQLite(t)) }
func openTestPostgres(t *testing.T) *Store { return openTest(t, testdb.Postgres(t)) }

// openTest opens and migrates the empty database at dsn.
func openTest(t *testing.T, dsn string) *Store {
	t.Helper()
	s := openEmpty(t, dsn)
	if _, err := s.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s
}

// openEmpty opens the empty database at dsn without migrating it.
func openEmpty(t *testing.T, dsn string) *Store {
	t.Helper()
	s, err := Open(context.Background(), dsn, Options{ReadConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestDialectsCreateTheSameTablesAndColumns(t *testing.T) {
	if os.Getenv("JOINEDUP_TEST_POSTGRES") == "" {
		t.Skip("JOINEDUP_TEST_POSTGRES is not set; PostgreSQL tests run in CI")
	}
	lite, pg := openTestSQLite(t), openTestPostgres(t)
	ctx := context.Background()
	liteCols := columnsSQLite(t, ctx, lite)
	pgCols := columnsPostgres(t, ctx, pg)
	if len(liteCols) < 10 {
		t.Fatalf("expected the foundation's tables, found %d columns", len(liteCols))
	}
	if strings.Join(liteCols, "\n") != strings.Join(pgCols, "\n") {
		t.Errorf("schemas differ\nsqlite only: %v\npostgres only: %v", minus(liteCols, pgCols), minus(pgCols, liteCols))
	}
}

func columnsSQLite(t *testing.T, ctx context.Context, s *Store) []string {
	rows, err := s.reader.QueryContext(ctx, `SELECT m.name || '.' || p.name || ' null=' || CASE WHEN p."notnull" = 1 OR p.pk = 1 THEN 'no' ELSE 'yes' END
		FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'`)
	if err != nil {
		t.Fatal(err)
	}
	return collect(t, rows)
}

func columnsPostgres(t *testing.T, ctx context.Context, s *Store) []string {
	rows, err := s.reader.QueryContext(ctx, `SELECT table_name || '.' || column_name || ' null=' || CASE WHEN is_nullable = 'NO' THEN 'no' ELSE 'yes' END
		FROM information_schema.columns WHERE table_schema = current_schema()`)
	if err != nil {
		t.Fatal(err)
	}
	return collect(t, rows)
}

type stringRows interface {
	Next() bool
	Scan(...any) error
	Close() error
}

func collect(t *testing.T, rows stringRows) []string {
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

func minus(a, b []string) []string {
	in := map[string]bool{}
	for _, x := range b {
		in[x] = true
	}
	var out []string
	for _, x := range a {
		if !in[x] {
			out = append(out, x)
		}
	}
	return out
}

func TestMigrateIsIdempotentAndLeavesNothingPending(t *testing.T) {
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		again, err := s.Migrate(ctx)
		if err != nil || len(again) != 0 {
			t.Fatalf("second migrate applied %v, err %v", again, err)
		}
		pending, err := s.PendingMigrations(ctx)
		if err != nil || len(pending) != 0 {
			t.Fatalf("pending %v, err %v", pending, err)
		}
	})
}

func TestFreshDatabaseHasPendingMigrations(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "fresh.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	pending, err := s.PendingMigrations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	all, _ := loadMigrations(s.dialect)
	if len(pending) != len(all) || len(all) == 0 {
		t.Fatalf("pending %d of %d", len(pending), len(all))
	}
}

func TestOpenFailsWithOneClearSentence(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		dsn  string
		want string
	}{
		{"sqlite:/no/such/dir/x.db", "the directory /no/such/dir does not exist"},
		{"mysql://x", "is not understood"},
		{"sqlite:", "needs a file path"},
		{"postgres://nobody@127.0.0.1:1/nothing?connect_timeout=2", "cannot connect to PostgreSQL at 127.0.0.1:1/nothing"},
	}
	for _, c := range cases {
		_, err := Open(ctx, c.dsn, Options{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Open(%q) = %v, want it to mention %q", c.dsn, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("Open(%q) error spans lines: %q", c.dsn, err)
		}
	}
}

// seedTeam makes an organisation and a team for tests.
func seedTeam(t *testing.T, s *Store, orgName, ods string) care.Team {
	t.Helper()
	ctx := context.Background()
	sys := care.SystemActor("test")
	org, err := s.CreateOrganisation(ctx, sys, care.Organisation{Name: orgName, Kind: care.OrgGPPractice, ODSCode: ods})
	if err != nil {
		t.Fatal(err)
	}
	team, err := s.CreateTeam(ctx, sys, care.Team{OrganisationID: org.ID, Name: orgName + " team", Kind: "practice"})
	if err != nil {
		t.Fatal(err)
	}
	return team
}

func seedUser(t *testing.T, s *Store, email string, role care.Role, team care.Team) care.User {
	t.Helper()
	u, err := s.CreateUser(context.Background(), care.SystemActor("test"), NewUser{Email: email, Name: "Test " + string(role),
		PasswordHash: "hash", Memberships: []NewMembership{{TeamID: team.ID, Role: role}}})
	if err != nil {
		t.Fatal(err)
	}
	return u
}
