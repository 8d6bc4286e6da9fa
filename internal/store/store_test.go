package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // as in the binary: the tests never depend on the machine's zone database

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/testdb"
)

// testCalendar is the working calendar cmd/joinedup gives the store:
// England and Wales bank holidays in Europe/London.
func testCalendar(tb testing.TB) *care.Calendar {
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
	s, err := Open(context.Background(), dsn, Options{ReadConns: 2, Calendar: testCalendar(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// TestDialectsCreateTheSameSchema checks the two engines end up with the
// same tables and columns (in order, with their types, nullability and
// defaults), the same indexes (name, table, columns, uniqueness and partial
// predicate) and the same constraints (primary keys, foreign keys, unique
// and check constraints). Each engine's catalogue is brought to one form by
// the shape functions below; TestShippedMigrationsMakeTheRecordedSchema
// checks each engine against its own exact record.
func TestDialectsCreateTheSameSchema(t *testing.T) {
	t.Parallel()
	pg := postgresShape(t, openTestPostgres(t)) // skips without PostgreSQL
	lite := sqliteShape(t, openTestSQLite(t))
	for _, kind := range []string{"column", "index", "primary key", "foreign key", "unique", "check"} {
		n := 0
		for _, line := range lite {
			if strings.HasPrefix(line, kind+" ") {
				n++
			}
		}
		if n == 0 {
			t.Errorf("SQLite's schema has no %s: the shape functions have stopped seeing them", kind)
		}
	}
	if strings.Join(lite, "\n") != strings.Join(pg, "\n") {
		t.Errorf("the engines' schemas differ\nSQLite only:\n\t%s\nPostgreSQL only:\n\t%s",
			strings.Join(minus(lite, pg), "\n\t"), strings.Join(minus(pg, lite), "\n\t"))
	}
}

// The shape of a schema is a sorted list of lines such as
//
//	column people #1 nhs_number TEXT NOT NULL
//	index care_team_person on care_team_members (person_id) where removed_at IS NULL
//	unique index care_team_user_once on care_team_members (person_id, user_id) where …
//	primary key plan_sections (person_id, section)
//	foreign key teams (organisation_id) references organisations (id) on update NO ACTION on delete NO ACTION
//	unique memberships (user_id, team_id, role)
//	check care_relationships user_id IS NULL <> team_id IS NULL
//
// Types are named as SQLite is given them; expressions (defaults, index
// predicates, checks) lose the brackets and casts PostgreSQL adds when it
// prints them. Indexes behind primary keys and unique constraints are
// compared as those constraints, since the engines name them differently.

func sqliteShape(t *testing.T, s *Store) []string {
	t.Helper()
	var lines []string
	// SQLite lets a primary key column that is not an INTEGER hold NULL, for
	// compatibility; joinedup never stores one, and PostgreSQL forbids it.
	for _, r := range catalogueRows(t, s, `SELECT m.name, p.cid, p.name, upper(p.type),
			CASE WHEN p."notnull" = 1 OR p.pk > 0 THEN 'NOT NULL' ELSE '' END, COALESCE(p.dflt_value, '')
		FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'`) {
		lines = append(lines, columnLine(r[0], r[1], r[2], r[3], r[4], r[5]))
	}
	for _, g := range grouped(catalogueRows(t, s, `SELECT m.name, p.name
		FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table' AND p.pk > 0
		ORDER BY m.name, p.pk`), 1) {
		lines = append(lines, fmt.Sprintf("primary key %s (%s)", g.key[0], strings.Join(g.cols[0], ", ")))
	}
	for _, g := range grouped(catalogueRows(t, s, `SELECT m.name, f.id, f."table", f.on_update, f.on_delete, f."from", COALESCE(f."to", '')
		FROM sqlite_master m, pragma_foreign_key_list(m.name) f WHERE m.type = 'table'
		ORDER BY m.name, f.id, f.seq`), 5) {
		lines = append(lines, fmt.Sprintf("foreign key %s (%s) references %s (%s) on update %s on delete %s",
			g.key[0], strings.Join(g.cols[0], ", "), g.key[2], strings.Join(g.cols[1], ", "), g.key[3], g.key[4]))
	}
	for _, g := range grouped(catalogueRows(t, s, `SELECT m.name, i.name, i."unique", i.origin, COALESCE(x.sql, ''), COALESCE(c.name, '?')
		FROM sqlite_master m, pragma_index_list(m.name) i, pragma_index_info(i.name) c
		LEFT JOIN sqlite_master x ON x.type = 'index' AND x.name = i.name
		WHERE m.type = 'table' AND i.origin IN ('c', 'u')
		ORDER BY m.name, i.name, c.seqno`), 5) {
		table, name, unique, origin, def := g.key[0], g.key[1], g.key[2], g.key[3], g.key[4]
		if origin == "u" {
			lines = append(lines, fmt.Sprintf("unique %s (%s)", table, strings.Join(g.cols[0], ", ")))
			continue
		}
		var where string
		if i := strings.Index(strings.ToUpper(def), " WHERE "); i >= 0 {
			where = def[i+len(" WHERE "):]
		}
		lines = append(lines, indexLine(table, name, unique == "1", strings.Join(g.cols[0], ", "), where))
	}
	for _, r := range catalogueRows(t, s, `SELECT name, sql FROM sqlite_master WHERE type = 'table' AND upper(sql) LIKE '%CHECK%'`) {
		for _, check := range checksIn(r[1]) {
			lines = append(lines, "check "+r[0]+" "+plainExpr(check))
		}
	}
	sort.Strings(lines)
	return lines
}

func postgresShape(t *testing.T, s *Store) []string {
	t.Helper()
	var lines []string
	for _, r := range catalogueRows(t, s, `SELECT c.relname, row_number() OVER (PARTITION BY c.relname ORDER BY a.attnum) - 1,
			a.attname, format_type(a.atttypid, a.atttypmod), CASE WHEN a.attnotnull THEN 'NOT NULL' ELSE '' END,
			COALESCE(pg_get_expr(d.adbin, d.adrelid), '')
		FROM pg_class c
		JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
		LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
		WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'`) {
		typ, ok := postgresTypeNames[r[3]]
		if !ok {
			t.Errorf("column %s.%s has the type %s, which postgresTypeNames does not know", r[0], r[2], r[3])
		}
		lines = append(lines, columnLine(r[0], r[1], r[2], render(SQLite, typ), r[4], r[5]))
	}
	// Indexes made by CREATE INDEX, not those behind a constraint.
	for _, r := range catalogueRows(t, s, `SELECT t.relname, i.relname, CASE WHEN x.indisunique THEN '1' ELSE '0' END,
			(SELECT string_agg(pg_get_indexdef(x.indexrelid, k, true), ', ' ORDER BY k) FROM generate_series(1, x.indnkeyatts) k),
			COALESCE(pg_get_expr(x.indpred, x.indrelid), '')
		FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
		WHERE t.relnamespace = current_schema()::regnamespace
			AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid AND k.contype IN ('p', 'u', 'x'))`) {
		lines = append(lines, indexLine(r[0], r[1], r[2] == "1", r[3], r[4]))
	}
	actions := map[string]string{"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
	for _, r := range catalogueRows(t, s, `SELECT c.relname, k.contype::text, pg_get_constraintdef(k.oid),
			COALESCE((SELECT string_agg(a.attname, ', ' ORDER BY n) FROM unnest(k.conkey) WITH ORDINALITY u(attnum, n)
				JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum), ''),
			COALESCE(f.relname, ''),
			COALESCE((SELECT string_agg(a.attname, ', ' ORDER BY n) FROM unnest(k.confkey) WITH ORDINALITY u(attnum, n)
				JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.attnum), ''),
			k.confupdtype::text, k.confdeltype::text
		FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid LEFT JOIN pg_class f ON f.oid = k.confrelid
		WHERE k.connamespace = current_schema()::regnamespace`) {
		table, kind, def, cols := r[0], r[1], r[2], r[3]
		switch kind {
		case "p":
			lines = append(lines, fmt.Sprintf("primary key %s (%s)", table, cols))
		case "f":
			lines = append(lines, fmt.Sprintf("foreign key %s (%s) references %s (%s) on update %s on delete %s",
				table, cols, r[4], r[5], actions[r[6]], actions[r[7]]))
		case "u":
			lines = append(lines, fmt.Sprintf("unique %s (%s)", table, cols))
		case "c":
			lines = append(lines, "check "+table+" "+plainExpr(strings.TrimPrefix(def, "CHECK ")))
		default:
			lines = append(lines, fmt.Sprintf("constraint %s %s", table, def))
		}
	}
	sort.Strings(lines)
	return lines
}

// postgresTypeNames maps the types PostgreSQL reports to the names the
// migrations write.
var postgresTypeNames = map[string]string{
	"text":                     "TEXT",
	"integer":                  "INTEGER",
	"bigint":                   "BIGINT",
	"timestamp with time zone": "TIMESTAMPTZ",
	"bytea":                    "BYTEA",
}

func columnLine(table, pos, name, typ, notNull, dflt string) string {
	line := strings.TrimSpace(fmt.Sprintf("column %s #%s %s %s %s", table, pos, name, typ, notNull))
	if dflt != "" {
		line += " DEFAULT " + plainExpr(dflt)
	}
	return line
}

func indexLine(table, name string, unique bool, columns, where string) string {
	line := fmt.Sprintf("index %s on %s (%s)", name, table, columns)
	if unique {
		line = "unique " + line
	}
	if where != "" {
		line += " where " + plainExpr(where)
	}
	return line
}

var casts = regexp.MustCompile(`::[a-z][a-z ]*[a-z]`)

// plainExpr drops brackets and casts and collapses spaces, so that an
// expression as written and as PostgreSQL prints it compare equal.
func plainExpr(e string) string {
	e = casts.ReplaceAllString(e, "")
	e = strings.NewReplacer("(", " ", ")", " ").Replace(e)
	return strings.Join(strings.Fields(e), " ")
}

// checksIn finds the expression of each CHECK constraint in a CREATE TABLE
// statement, which is the only place SQLite keeps them.
func checksIn(create string) []string {
	var out []string
	rest := create
	for {
		i := strings.Index(strings.ToUpper(rest), "CHECK")
		if i < 0 {
			return out
		}
		rest = strings.TrimLeft(rest[i+len("CHECK"):], " \t\n")
		if !strings.HasPrefix(rest, "(") {
			continue
		}
		end, depth, quoted := 0, 0, false
		for j, r := range rest {
			switch {
			case r == '\'':
				quoted = !quoted
			case quoted:
			case r == '(':
				depth++
			case r == ')':
				depth--
			}
			if depth == 0 {
				end = j
				break
			}
		}
		if end == 0 {
			return append(out, rest)
		}
		out = append(out, rest[1:end])
		rest = rest[end:]
	}
}

// queryStrings runs a catalogue query and returns its rows as strings.
func catalogueRows(t *testing.T, s *Store, query string) [][]string {
	t.Helper()
	rows, err := s.reader.QueryContext(context.Background(), query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = v.String
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// group is a run of rows that share their first columns (key), with each
// remaining column gathered into a list.
type group struct {
	key  []string
	cols [][]string
}

// grouped gathers consecutive rows whose first n columns are equal.
func grouped(rows [][]string, n int) []group {
	var out []group
	for _, r := range rows {
		if len(out) == 0 || !slices.Equal(out[len(out)-1].key, r[:n]) {
			out = append(out, group{key: r[:n], cols: make([][]string, len(r)-n)})
		}
		g := &out[len(out)-1]
		for i, v := range r[n:] {
			g.cols[i] = append(g.cols[i], v)
		}
	}
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
	t.Parallel()
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
	t.Parallel()
	testdb.Engines(t, func(t *testing.T, dsn string) {
		s := openEmpty(t, dsn)
		pending, err := s.PendingMigrations(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		all, _ := loadMigrations(s.dialect)
		if len(pending) != len(all) || len(all) == 0 {
			t.Fatalf("pending %d of %d", len(pending), len(all))
		}
	})
}

func TestOpenFailsWithOneClearSentence(t *testing.T) {
	t.Parallel()
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
	if _, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "x.db"), Options{}); err == nil ||
		!strings.Contains(err.Error(), "needs a working calendar") {
		t.Errorf("Open without a calendar = %v", err)
	}
	for _, c := range cases {
		_, err := Open(ctx, c.dsn, Options{Calendar: testCalendar(t)})
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
