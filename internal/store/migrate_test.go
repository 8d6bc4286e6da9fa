package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/joinedup/joinedup/internal/testdb"
)

// shipped records, for every migration, the SHA-256 of the SQL each engine
// runs. Migrations are forward-only: once one has shipped, databases exist
// that ran it, so its text must never change. A new migration adds its line
// here (TestShippedMigrationsAreUnchanged prints it).
var shipped = []struct {
	version          int
	name             string
	sqlite, postgres string
}{
	{1, "foundation", "ec74f2ff9a1dbbfd1ef2f02cbbdac0e3b45c7b3c27c8b9897887f6ffc592f225", "f8e47a0d30d86909c5c81c2ef52c2dd3fa7b08e3a4d678630c01494639c2c3ef"},
	{2, "directory", "e54e44f7a8f2caafa2f090e3e3a59bc4e0eb499b03ac6ffefc0206c371b8dff4", "8e96b68c04f1a161e5fe5f8756fc7328f19f5dd5e1389be9be3c5ac524432613"},
	{3, "person_record", "9d3bfd70689e7ad5f4c7525ae82ea4d8d0e30ce8e208fbf8c59f5d25490015a9", "b4d8c0a3ffaabfccdbb034763a07b5b2a656f0d4376b2471c62aae2a63768762"},
	{4, "referrals", "ba5da64eedad7c43f027d1ccb5db3fd00e7d0701fd930c007d32ba6f91034c8a", "483d87fe10a76edf14fe1674483e4175ba7b4d3dc32e4de22563c4667b237cfe"},
	{5, "mdt", "bab64f74d693c218193d1b0531510aa62228f53565bf01cf99696285a885c812", "9fe237cecec1e732f546eddf84aa7242cb3c0ea77c32d42f6e3f3166d1601566"},
	{6, "job_claims", "86588b6bbad18e12c354d95d6d41ad748793af62cc38b9c6f8c308f6e21f076b", "3959c17d9241c99c9717e6d6381d4e84da2059f9a301e5249ceb5a83c61dac39"},
	{7, "session_epoch", "d123cf62a88af4f54ac4eccff28d0949f5bc6ed08945ddeed4cb9138f0607594", "d123cf62a88af4f54ac4eccff28d0949f5bc6ed08945ddeed4cb9138f0607594"},
}

func TestShippedMigrationsAreUnchanged(t *testing.T) {
	t.Parallel()
	lite, err := loadMigrations(SQLite)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := loadMigrations(Postgres)
	if err != nil {
		t.Fatal(err)
	}
	if len(lite) != len(pg) {
		t.Fatalf("%d SQLite migrations but %d PostgreSQL ones", len(lite), len(pg))
	}
	if len(lite) < len(shipped) {
		t.Fatalf("%d migrations have shipped but only %d are here: a shipped migration must never be removed", len(shipped), len(lite))
	}
	for i, m := range lite {
		got := fmt.Sprintf("{%d, %q, %q, %q},", m.Version, m.Name, sum(m.sql), sum(pg[i].sql))
		if i >= len(shipped) {
			t.Errorf("migration %04d_%s is not recorded in shipped; add\n\t%s", m.Version, m.Name, got)
			continue
		}
		r := shipped[i]
		if want := fmt.Sprintf("{%d, %q, %q, %q},", r.version, r.name, r.sqlite, r.postgres); got != want {
			t.Errorf("migration %04d_%s has changed since it shipped:\n got %s\nwant %s", m.Version, m.Name, got, want)
		}
	}
}

// TestSQLiteGetsOnlyItsOwnTypeNames guards forSQLite, which rewrites type
// names written in capitals: one written in small letters would reach
// SQLite as it stands, and SQLite would accept it with the wrong affinity.
func TestSQLiteGetsOnlyItsOwnTypeNames(t *testing.T) {
	t.Parallel()
	list, err := loadMigrations(SQLite)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range list {
		text := strings.ToLower(m.sql)
		for _, name := range []string{"timestamptz", "bytea"} {
			if strings.Contains(text, name) {
				t.Errorf("migration %04d_%s names the type %s in a way SQLite is not given its own name for: write it in capitals", m.Version, m.Name, name)
			}
		}
	}
}

func sum(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

var recordSchema = flag.Bool("record-schema", false, "write testdata/schema/NNNN.ENGINE.txt for the newest migration if it is missing")

// TestShippedMigrationsMakeTheRecordedSchema builds, on each engine, the
// schema of every release recorded in testdata/schema (NNNN.ENGINE.txt is
// the schema after migration NNNN, as the migrations of that time made it)
// and checks it is exactly what was recorded, so that existing databases
// and new ones agree. When migrations ship, record the new schema with
//
//	scripts/with-postgres go test ./internal/store -run MakeTheRecordedSchema -record-schema
//
// which writes only files that are missing.
func TestShippedMigrationsMakeTheRecordedSchema(t *testing.T) {
	t.Parallel()
	engines := []struct {
		dialect Dialect
		open    func(testing.TB) string
		dump    func(*testing.T, *Store) string
	}{
		{SQLite, testdb.SQLite, sqliteSchema},
		{Postgres, testdb.Postgres, postgresSchema},
	}
	for _, e := range engines {
		t.Run(string(e.dialect), func(t *testing.T) {
			t.Parallel()
			all, err := loadMigrations(e.dialect)
			if err != nil {
				t.Fatal(err)
			}
			if *recordSchema {
				newest := filepath.Join("testdata", "schema", fmt.Sprintf("%04d.%s.txt", len(all), e.dialect))
				if _, err := os.Stat(newest); errors.Is(err, fs.ErrNotExist) {
					s := openEmpty(t, e.open(t))
					if _, err := s.applyMigrations(context.Background(), all); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(newest, []byte(e.dump(t, s)), 0o644); err != nil {
						t.Fatal(err)
					}
					t.Logf("recorded %s", newest)
				}
			}
			files, _ := filepath.Glob(filepath.Join("testdata", "schema", "*."+string(e.dialect)+".txt"))
			if len(files) == 0 {
				t.Fatal("no schema is recorded in testdata/schema")
			}
			for _, file := range files {
				version, err := strconv.Atoi(strings.SplitN(filepath.Base(file), ".", 2)[0])
				if err != nil || version < 1 || version > len(all) {
					t.Fatalf("%s does not name a migration", file)
				}
				want, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				s := openEmpty(t, e.open(t))
				if _, err := s.applyMigrations(context.Background(), all[:version]); err != nil {
					t.Fatal(err)
				}
				if got := e.dump(t, s); got != string(want) {
					t.Errorf("the schema after migration %d differs from %s: %s", version, file, firstDifference(string(want), got))
				}
			}
		})
	}
}

// sqliteSchema is every object in sqlite_master with the exact text SQLite
// keeps for it.
func sqliteSchema(t *testing.T, s *Store) string {
	t.Helper()
	rows, err := s.reader.QueryContext(context.Background(),
		`SELECT type, name, tbl_name, COALESCE(sql, '') FROM sqlite_master ORDER BY type, name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var typ, name, table, sql string
		if err := rows.Scan(&typ, &name, &table, &sql); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "-- %s %s on %s\n%s\n\n", typ, name, table, sql)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// postgresSchema describes every relation in the current schema: each
// table's columns in order with their types, defaults and nullability, each
// index's definition and each constraint's, with the schema's (random) name
// taken out.
func postgresSchema(t *testing.T, s *Store) string {
	t.Helper()
	ctx := context.Background()
	var schema string
	if err := s.reader.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		t.Fatal(err)
	}
	queries := []struct{ heading, sql string }{
		{"relations", `SELECT c.relname || ' ' || c.relkind::text FROM pg_class c
			WHERE c.relnamespace = current_schema()::regnamespace ORDER BY c.relname`},
		{"columns", `SELECT c.relname || '.' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) ||
				CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END ||
				COALESCE(' DEFAULT ' || pg_get_expr(d.adbin, d.adrelid), '')
			FROM pg_class c
			JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
			LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
			WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'
			ORDER BY c.relname, a.attnum`},
		{"indexes", `SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY tablename, indexname`},
		{"constraints", `SELECT c.relname || ' ' || k.conname || ' ' || pg_get_constraintdef(k.oid)
			FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
			WHERE k.connamespace = current_schema()::regnamespace ORDER BY c.relname, k.conname`},
	}
	var b strings.Builder
	for _, q := range queries {
		rows, err := s.reader.QueryContext(ctx, q.sql)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "-- %s\n", q.heading)
		for rows.Next() {
			var line string
			if err := rows.Scan(&line); err != nil {
				t.Fatal(err)
			}
			b.WriteString(strings.ReplaceAll(line, schema+".", "") + "\n")
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		b.WriteString("\n")
	}
	return b.String()
}

// firstDifference shows the first line at which two texts differ.
func firstDifference(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(w), len(g)) {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d is %q, was recorded as %q", i+1, b, a)
		}
	}
	return "no line differs"
}
