package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/demo"
	"github.com/joinedup/joinedup/internal/fhir"
	"github.com/joinedup/joinedup/internal/store"
	"github.com/joinedup/joinedup/internal/store/storetest"
)

// BenchmarkImportPeople runs "joinedup import people" on a population of
// JOINEDUP_BENCH_IMPORT_PEOPLE people (default 200,000) from demo.People,
// written once as FHIR Bulk Data NDJSON and once as the people CSV, into an
// empty database with their practices, on SQLite and, when
// JOINEDUP_TEST_POSTGRES is set, on PostgreSQL. Each run imports the file
// twice and reports:
//   - people/s: the first import's own figure (reading, checking and
//     writing every person with their audit row);
//   - command-people/s: the same over the whole command, which also opens
//     the database and seals the audit trail before it exits;
//   - cpu-µs/person: the CPU time the whole command used, per person (in
//     this process: a PostgreSQL server's own work is not counted);
//   - again-people/s: the second import of the same file, which changes
//     nothing.
//
// The command:
//
//	scripts/with-postgres go test ./cmd/joinedup -run '^$' -bench ImportPeople -benchtime 1x
func BenchmarkImportPeople(b *testing.B) {
	n := 200_000
	if v, err := strconv.Atoi(os.Getenv("JOINEDUP_BENCH_IMPORT_PEOPLE")); err == nil && v > 0 {
		n = min(v, demo.MaxPeople)
	}
	dir := b.TempDir()
	files := map[string]string{"ndjson": filepath.Join(dir, "Patient.ndjson"), "csv": filepath.Join(dir, "people.csv")}
	practices := writePopulation(b, files["ndjson"], files["csv"], n)
	engines := map[string]func(b *testing.B) string{
		"sqlite": func(b *testing.B) string { return "sqlite:" + filepath.Join(b.TempDir(), "people.db") },
	}
	if pg := os.Getenv("JOINEDUP_TEST_POSTGRES"); pg != "" {
		engines["postgres"] = func(b *testing.B) string { return freshSchema(b, pg) }
	}
	rate := regexp.MustCompile(`\(([0-9]+) people a second\)`)
	for _, engine := range []string{"sqlite", "postgres"} {
		fresh, ok := engines[engine]
		if !ok {
			continue
		}
		for _, format := range []string{"ndjson", "csv"} {
			b.Run(engine+"/"+format, func(b *testing.B) {
				for b.Loop() {
					b.StopTimer()
					dsn := fresh(b)
					if r := runCmd(b, nil, "", "migrate", "--db", dsn); r.code != 0 {
						b.Fatalf("migrate: %s", r.stderr)
					}
					addPractices(b, dsn, practices)
					b.StartTimer()

					started, cpu := time.Now(), processCPU()
					r := runCmd(b, nil, "", "import", "people", "--db", dsn, files[format])
					took, cpu := time.Since(started), processCPU()-cpu
					m := rate.FindStringSubmatch(r.stdout)
					if r.code != 0 || m == nil || !strings.Contains(r.stdout, fmt.Sprintf("%d added, 0 updated, 0 unchanged", n)) {
						b.Fatalf("import: %d\n%s%s", r.code, r.stdout, r.stderr)
					}
					perSecond, _ := strconv.Atoi(m[1])
					b.ReportMetric(float64(perSecond), "people/s")
					b.ReportMetric(float64(n)/took.Seconds(), "command-people/s")
					b.ReportMetric(float64(cpu.Microseconds())/float64(n), "cpu-µs/person")

					r = runCmd(b, nil, "", "import", "people", "--db", dsn, files[format])
					m = rate.FindStringSubmatch(r.stdout)
					if r.code != 0 || m == nil || !strings.Contains(r.stdout, fmt.Sprintf("0 added, 0 updated, %d unchanged", n)) {
						b.Fatalf("second import: %d\n%s%s", r.code, r.stdout, r.stderr)
					}
					perSecond, _ = strconv.Atoi(m[1])
					b.ReportMetric(float64(perSecond), "again-people/s")
				}
				b.ReportMetric(float64(n), "people")
			})
		}
	}
}

// writePopulation writes n people from the seeded generator as NDJSON (a
// UK Core Patient on each line, shaped as a GP system exports it) and as
// the people CSV, and returns the ODS codes of their practices. Addresses
// and phone numbers are made from the person's place in the stream, the
// phone numbers from Ofcom's ranges for drama.
func writePopulation(b *testing.B, ndjsonPath, csvPath string, n int) []string {
	nf, err := os.Create(ndjsonPath)
	if err != nil {
		b.Fatal(err)
	}
	defer nf.Close()
	cf, err := os.Create(csvPath)
	if err != nil {
		b.Fatal(err)
	}
	defer cf.Close()
	nw, cbuf := bufio.NewWriterSize(nf, 1<<20), bufio.NewWriterSize(cf, 1<<20)
	cw := csv.NewWriter(cbuf)
	cw.Write([]string{"nhs_number", "given_name", "family_name", "date_of_birth", "address", "postcode", "registered_practice_ods", "phone"})
	streets := []string{"Church Street", "High Street", "Station Road", "Park Road", "Victoria Road", "Mill Lane", "Orchard Way", "Elm Grove"}
	seen := map[string]bool{}
	enc := json.NewEncoder(nw)
	i := 0
	for p := range demo.People(20260401, n) {
		seen[p.PracticeODS] = true
		address := []string{fmt.Sprintf("%d %s", 1+i%160, streets[i%len(streets)]), "London"}
		if i%3 == 0 {
			address = append([]string{fmt.Sprintf("Flat %d", 1+i%24)}, address...)
		}
		phone := fmt.Sprintf("07700 900%03d", i%1000)
		patient := benchPatient{
			Patient: fhir.Patient{ResourceType: "Patient", ID: fmt.Sprintf("p%07d", i),
				Name:      []fhir.HumanName{{Use: "official", Family: p.FamilyName, Given: []string{p.GivenName}}},
				Telecom:   []fhir.ContactPoint{{System: "phone", Value: phone, Use: "mobile"}},
				BirthDate: p.DateOfBirth,
				Address:   []fhir.Address{{Use: "home", Line: address[:len(address)-1], City: "London", PostalCode: p.Postcode}},
				GeneralPractitioner: []fhir.Reference{{Type: "Organization",
					Identifier: &fhir.Identifier{System: fhir.ODSOrganizationCodeSystem, Value: p.PracticeODS}}}},
			Meta:   benchMeta{Profile: []string{"https://fhir.hl7.org.uk/StructureDefinition/UKCore-Patient"}},
			Gender: []string{"female", "male"}[i%2],
		}
		patient.Identifier = []fhir.Identifier{{System: care.NHSNumberSystem, Value: string(p.NHSNumber)}}
		if err := enc.Encode(patient); err != nil {
			b.Fatal(err)
		}
		cw.Write([]string{p.NHSNumber.Formatted(), p.GivenName, p.FamilyName, p.DateOfBirth, strings.Join(address, "\n"), p.Postcode,
			p.PracticeODS, phone})
		i++
	}
	cw.Flush()
	if err := errors.Join(cw.Error(), nw.Flush(), cbuf.Flush()); err != nil {
		b.Fatal(err)
	}
	codes := make([]string, 0, len(seen))
	for c := range seen {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	return codes
}

// benchPatient adds to a Patient the elements a real export carries that
// joinedup does not read, so parsing costs what it would.
type benchPatient struct {
	fhir.Patient
	Meta   benchMeta `json:"meta"`
	Gender string    `json:"gender"`
}

type benchMeta struct {
	Profile []string `json:"profile"`
}

// addPractices puts the population's practices in the directory, as an ODS
// import would.
func addPractices(b *testing.B, dsn string, codes []string) {
	ctx := context.Background()
	st, err := store.Open(ctx, dsn, store.Options{Calendar: storetest.Calendar(b)})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	orgs := make([]care.Organisation, len(codes))
	for i, c := range codes {
		orgs[i] = care.Organisation{Name: "Practice " + c, ODSCode: c, Status: care.OrgActive}
	}
	if _, err := st.UpsertPractices(ctx, care.SystemActor("bench"), orgs, "benchmark"); err != nil {
		b.Fatal(err)
	}
}
