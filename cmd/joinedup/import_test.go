package main

import (
	"context"
	"strings"
	"testing"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/store"
	"github.com/joinedup/joinedup/internal/testdb"
)

// TestImports runs each import twice on a fresh database: the first adds,
// the second changes nothing, and both report the rows they rejected.
func TestImports(t *testing.T) {
	t.Parallel()
	testdb.Engines(t, testImports)
}

func testImports(t *testing.T, db string) {
	if r := runCmd(t, nil, "", "migrate", "--db", db); r.code != 0 {
		t.Fatalf("migrate: %s", r.stderr)
	}
	ods := "../../internal/directory/testdata/epraccur-extract.csv"
	r := runCmd(t, nil, "", "import", "ods-practices", "--db", db, ods)
	if r.code != 0 {
		t.Fatalf("ods import: %d %s", r.code, r.stderr)
	}
	for _, want := range []string{"Read 22 rows", "15 GP practices: 12 open, 2 closed, 1 dormant", "3 rows skipped",
		"4 rows rejected", "15 practices added, 0 updated, 0 unchanged", "row 18: it has 26 columns", "row 19: Y99903: imported with the postcode"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("ods import output lacks %q:\n%s", want, r.stdout)
		}
	}
	// The file may come first, and the database from the environment.
	r = runCmd(t, map[string]string{"JOINEDUP_DB": db}, "", "import", "ods-practices", ods)
	if r.code != 0 || !strings.Contains(r.stdout, "0 practices added, 0 updated, 15 unchanged") {
		t.Fatalf("second ods import: %d %s %s", r.code, r.stdout, r.stderr)
	}

	postcodes := "../../internal/geo/testdata/nspl.csv"
	r = runCmd(t, nil, "", "import", "postcodes", postcodes, "--db", db)
	if r.code != 0 || !strings.Contains(r.stdout, "7 postcodes imported") || !strings.Contains(r.stdout, "1 terminated") ||
		!strings.Contains(r.stdout, "2 rows rejected") || !strings.Contains(r.stdout, "row 9:") {
		t.Fatalf("postcode import: %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	feed := "../../internal/oruk/testdata/oruk-feed.json"
	r = runCmd(t, nil, "", "import", "oruk", "--db", db, feed)
	if r.code != 0 {
		t.Fatalf("oruk import: %d %s", r.code, r.stderr)
	}
	for _, want := range []string{"Read 6 items: 1 organisations and 3 services", "organisations: 1 added", "services: 2 added",
		"3 items rejected", "item 4:", "item 5: The organisation that runs it", "item 6:"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("oruk import output lacks %q:\n%s", want, r.stdout)
		}
	}
	r = runCmd(t, nil, "", "import", "oruk", "--db", db, feed)
	if r.code != 0 || !strings.Contains(r.stdout, "organisations: 0 added, 0 updated, 1 unchanged") ||
		!strings.Contains(r.stdout, "services: 0 added, 0 updated, 2 unchanged") {
		t.Fatalf("second oruk import: %d\n%s", r.code, r.stdout)
	}

	ctx := context.Background()
	st, err := store.Open(ctx, db, store.Options{Calendar: mustCalendar(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	closed, err := st.OrganisationByCode(ctx, "F84042")
	if err != nil || closed.Status != care.OrgClosed || closed.ClosedOn == "" {
		t.Errorf("closed practice = %+v, %v", closed, err)
	}
	if res, err := st.VerifyAudit(ctx, 0); err != nil {
		t.Errorf("audit after imports: %+v, %v", res, err)
	}
	for _, args := range [][]string{{"import"}, {"import", "frobnicate"}, {"import", "oruk", "--db", db}, {"import", "oruk", feed}} {
		if r := runCmd(t, nil, "", args...); r.code != 2 {
			t.Errorf("joinedup %v exited %d", args, r.code)
		}
	}
	for _, args := range [][]string{{"import", "--help"}, {"import", "oruk", "--help"}, {"import", "ods-practices", "--help"}} {
		if r := runCmd(t, nil, "", args...); r.code != 0 || !strings.Contains(r.stdout+r.stderr, "Usage") {
			t.Errorf("joinedup %v: %d", args, r.code)
		}
	}
	if r := runCmd(t, nil, "", "import", "oruk", "--db", db, "/no/such/file.json"); r.code != 1 || !strings.Contains(r.stderr, "cannot open") {
		t.Errorf("missing file: %d %s", r.code, r.stderr)
	}
}
