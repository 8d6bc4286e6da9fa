package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/store"
)

// TestImportPeople imports the FHIR and CSV fixtures into a database with
// the ODS extract's practices: every rejected row is listed by line with
// its reason, a second run changes nothing and says so, and the CSV then
// updates and adds people by NHS number.
func TestImportPeople(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "people.db")
	if r := runCmd(t, nil, "", "migrate", "--db", db); r.code != 0 {
		t.Fatalf("migrate: %s", r.stderr)
	}
	if r := runCmd(t, nil, "", "import", "ods-practices", "--db", db, "../../internal/directory/testdata/epraccur-extract.csv"); r.code != 0 {
		t.Fatalf("ods import: %s", r.stderr)
	}
	fixture, err := os.ReadFile("../../internal/fhir/testdata/patients.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	// Lines 13 and 14: line 1's NHS number again, and a practice the
	// directory does not have.
	ndjson := filepath.Join(dir, "Patient.ndjson")
	extra := `{"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9990000018"}],` +
		`"name":[{"family":"Twice","given":["Grace"]}],"birthDate":"1941-06-02","address":[{"line":["1 High Street"],"postalCode":"E5 0PQ"}],` +
		`"generalPractitioner":[{"identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"F84003"}}]}` + "\n" +
		`{"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9990000093"}],` +
		`"name":[{"family":"Elsewhere","given":["Sam"]}],"birthDate":"1951-01-01","address":[{"line":["1 High Street"],"postalCode":"E5 0PQ"}],` +
		`"generalPractitioner":[{"identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"Z99999"}}]}` + "\n"
	if err := os.WriteFile(ndjson, append(fixture, extra...), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runCmd(t, nil, "", "import", "people", "--db", db, ndjson)
	if r.code != 0 {
		t.Fatalf("people import: %d %s", r.code, r.stderr)
	}
	for _, want := range []string{"Read 13 people from FHIR NDJSON", "3 added, 0 updated, 0 unchanged", "10 rows rejected",
		"line 4: it is not valid JSON", "line 5: it is a Bundle resource, not a Patient", "line 6: name is a JSON string where FHIR has a list",
		"line 7: it has no NHS number", "line 8: NHS number: This is not a valid NHS number", "line 9: the record says the person has died",
		"line 10: the birth date is not a whole date", "line 11: it names no registered GP practice",
		"line 13: the NHS number is also on line 1", "line 14: registered practice: no GP practice with the ODS code Z99999 is in the directory"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("people import output lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "Okafor") || strings.Contains(r.stdout, "9990000018") {
		t.Errorf("the report repeats personal details:\n%s", r.stdout)
	}

	// The same file again, the database from the environment.
	r = runCmd(t, map[string]string{"JOINEDUP_DB": db}, "", "import", "people", ndjson)
	if r.code != 0 || !strings.Contains(r.stdout, "0 added, 0 updated, 3 unchanged") || !strings.Contains(r.stdout, "Nothing changed") ||
		!strings.Contains(r.stdout, "10 rows rejected") {
		t.Fatalf("second people import: %d\n%s%s", r.code, r.stdout, r.stderr)
	}

	// The CSV: Grace's details differ (updated), Jean's are the same
	// (unchanged, her phone kept though the CSV has none), Brenda is new.
	r = runCmd(t, nil, "", "import", "people", "--db", db, "../../internal/population/testdata/people.csv")
	if r.code != 0 {
		t.Fatalf("CSV import: %d %s", r.code, r.stderr)
	}
	for _, want := range []string{"Read 8 people from CSV", "1 added, 1 updated, 1 unchanged", "5 rows rejected", `columns ignored: "gender"`,
		"line 5: nhs_number: This is not a valid NHS number", "line 6: date_of_birth: not a real date",
		"line 7: registered_practice_ods: empty", "line 8: it has 4 fields but the header row has 10", "line 9: its quotation marks do not pair up"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("CSV import output lacks %q:\n%s", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "Nothing changed") {
		t.Errorf("the CSV import says nothing changed:\n%s", r.stdout)
	}

	ctx := context.Background()
	st, err := store.Open(ctx, db, store.Options{Calendar: mustCalendar(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if n, err := st.CountPeople(ctx); err != nil || n != 4 {
		t.Errorf("%d people, %v", n, err)
	}
	if res, err := st.VerifyAudit(ctx, 0); err != nil || res.Unsealed != 0 {
		t.Errorf("audit after imports: %+v, %v", res, err)
	}
}

func TestImportPeopleRefusesUnreadableFiles(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "people.db")
	if r := runCmd(t, nil, "", "migrate", "--db", db); r.code != 0 {
		t.Fatalf("migrate: %s", r.stderr)
	}
	for name, c := range map[string]struct{ content, says string }{
		"empty.csv":      {"", "The file is empty."},
		"bundle.json":    {`[{"resourceType":"Patient"}]`, "This file is a JSON array"},
		"pretty.ndjson":  {"{\n  \"resourceType\": \"Patient\"\n}\n", "this is not NDJSON"},
		"postcodes.csv":  {"pcds,doterm,laua\nE8 1DY,,E09000012\n", "the header row has no nhs_number"},
		"no-header.csv":  {"9990000018,Grace,Okafor\n", "nor a people CSV"},
		"people.ndjson?": {"nhs_number;given_name\n", "nor a people CSV"},
	} {
		file := filepath.Join(dir, strings.TrimSuffix(name, "?"))
		if err := os.WriteFile(file, []byte(c.content), 0o600); err != nil {
			t.Fatal(err)
		}
		r := runCmd(t, nil, "", "import", "people", "--db", db, file)
		if r.code != 1 || !strings.Contains(r.stderr, c.says) || strings.Contains(r.stdout, "added") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", name, r.code, r.stdout, r.stderr)
		}
	}
	if r := runCmd(t, nil, "", "import", "people", "--db", db, filepath.Join(dir, "missing.ndjson")); r.code != 1 || !strings.Contains(r.stderr, "cannot open") {
		t.Errorf("missing file: %d %s", r.code, r.stderr)
	}
	for _, args := range [][]string{{"import", "people", "--db", db}, {"import", "people", filepath.Join(dir, "empty.csv")}} {
		if r := runCmd(t, nil, "", args...); r.code != 2 {
			t.Errorf("joinedup %v exited %d", args, r.code)
		}
	}
	r := runCmd(t, nil, "", "import", "people", "--help")
	if r.code != 0 || !strings.Contains(r.stderr, "Usage: joinedup import people") || !strings.Contains(r.stderr, "registered_practice_ods") {
		t.Errorf("help: %d %s", r.code, r.stderr)
	}
	if r := runCmd(t, nil, "", "import", "--help"); !strings.Contains(r.stdout, "import people") {
		t.Errorf("import help lacks people: %s", r.stdout)
	}
}

// TestImportPeopleListsLookAlikes checks that someone added with the same
// name and date of birth as another record is listed for checking.
func TestImportPeopleListsLookAlikes(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "people.db")
	if r := runCmd(t, nil, "", "migrate", "--db", db); r.code != 0 {
		t.Fatalf("migrate: %s", r.stderr)
	}
	if r := runCmd(t, nil, "", "import", "ods-practices", "--db", db, "../../internal/directory/testdata/epraccur-extract.csv"); r.code != 0 {
		t.Fatalf("ods import: %s", r.stderr)
	}
	file := filepath.Join(dir, "people.csv")
	csv := "nhs_number,given_name,family_name,date_of_birth,address,postcode,registered_practice_ods\n" +
		"9990000018,Ann,Smith,1950-01-01,1 High Street,E5 0PQ,F84003\n" +
		"9990000026,ANN,smith,01/01/1950,2 High Street,E5 0PQ,F84003\n"
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runCmd(t, nil, "", "import", "people", "--db", db, file)
	if r.code != 0 || !strings.Contains(r.stdout, "2 added") ||
		!strings.Contains(r.stdout, "under another NHS number (1); check they are different people:\n  line 3\n") {
		t.Fatalf("import: %d\n%s%s", r.code, r.stdout, r.stderr)
	}
}

// TestImportPeopleStopsWhenTheDatabaseFails runs the import against a store
// that has been closed: the command fails, and nothing is claimed as
// imported.
func TestImportPeopleStopsWhenTheDatabaseFails(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "people.db"), store.Options{Calendar: mustCalendar(t)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	st.Close()
	var b strings.Builder
	b.WriteString("nhs_number,given_name,family_name,date_of_birth,address,postcode,registered_practice_ods\n")
	written := 0
	for prefix := 999_000_000; written < 3*peopleBatch; prefix++ {
		first9 := strconv.Itoa(prefix)
		check, ok := care.NHSCheckDigit(first9)
		if !ok {
			continue
		}
		fmt.Fprintf(&b, "%s%d,Ann,Number %d,1950-01-01,1 High Street,E5 0PQ,F84003\n", first9, check, written)
		written++
	}
	var out strings.Builder
	err = importPeople(ctx, st, strings.NewReader(b.String()), &out)
	if err == nil || !strings.Contains(err.Error(), "the import stopped after") {
		t.Fatalf("import into a closed store: %v", err)
	}
	if out.Len() != 0 {
		t.Errorf("a failed import reported: %s", out.String())
	}
}
