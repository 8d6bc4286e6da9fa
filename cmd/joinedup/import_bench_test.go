package main

import (
	"bufio"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // for making a throwaway schema

	"github.com/joinedup/joinedup/internal/demo"
	"github.com/joinedup/joinedup/internal/store"
)

// BenchmarkImportPostcodes runs "joinedup import postcodes" on a generated
// National Statistics Postcode Lookup file of JOINEDUP_BENCH_POSTCODES rows
// (default 500,000), on SQLite and, when JOINEDUP_TEST_POSTGRES is set, on
// PostgreSQL, and reports the rows imported a second.
//
//	scripts/with-postgres go test ./cmd/joinedup -run '^$' -bench ImportPostcodes -benchtime 1x
func BenchmarkImportPostcodes(b *testing.B) {
	n := 500_000
	if v, err := strconv.Atoi(os.Getenv("JOINEDUP_BENCH_POSTCODES")); err == nil && v > 0 {
		n = v
	}
	file := filepath.Join(b.TempDir(), "nspl.csv")
	writeNSPL(b, file, n)
	dsns := map[string]string{"sqlite": "sqlite:" + filepath.Join(b.TempDir(), "postcodes.db")}
	if pg := os.Getenv("JOINEDUP_TEST_POSTGRES"); pg != "" {
		dsns["postgres"] = freshSchema(b, pg)
	}
	rate := regexp.MustCompile(`\(([0-9]+) rows a second\)`)
	for _, engine := range []string{"sqlite", "postgres"} {
		dsn, ok := dsns[engine]
		if !ok {
			continue
		}
		b.Run(engine, func(b *testing.B) {
			if r := runCmd(b, nil, "", "migrate", "--db", dsn); r.code != 0 {
				b.Fatalf("migrate: %s", r.stderr)
			}
			for b.Loop() {
				r := runCmd(b, nil, "", "import", "postcodes", "--db", dsn, file)
				m := rate.FindStringSubmatch(r.stdout)
				if r.code != 0 || m == nil || !strings.Contains(r.stdout, fmt.Sprintf("%d postcodes imported", n)) {
					b.Fatalf("import: %d\n%s%s", r.code, r.stdout, r.stderr)
				}
				perSecond, _ := strconv.Atoi(m[1])
				b.ReportMetric(float64(perSecond), "rows/s")
			}
			b.ReportMetric(float64(n), "rows")
		})
	}
}

// writeNSPL writes n generated postcodes in the 2024 NSPL layout.
func writeNSPL(b *testing.B, path string, n int) {
	header, err := os.ReadFile("../../internal/geo/testdata/nspl.csv")
	if err != nil {
		b.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString(strings.SplitN(string(header), "\n", 2)[0] + "\n")
	const pseudo = `"E99999999"`
	// ONS publishes the directory sorted by postcode; so does this file.
	rows := demo.GenerateBenchmark(1, 0, n).Postcodes
	slices.SortFunc(rows, func(a, b store.PostcodeRow) int { return strings.Compare(a.Postcode, b.Postcode) })
	for _, p := range rows {
		compact := strings.ReplaceAll(p.Postcode, " ", "")
		pcd := fmt.Sprintf("%-7s", compact[:len(compact)-3]+" "+compact[len(compact)-3:])
		// pcd, pcd2, pcds, dointr, doterm, usertype, oseast1m, osnrth1m,
		// osgrdind, oa21, cty, ced, laua, ward, nhser, ctry, rgn, pcon, ttwa,
		// itl, park, lsoa21, msoa21, wz11, sicbl, bua22, ru11ind, oac11, lat,
		// long, lep1, lep2, pfa, imd, icb
		fmt.Fprintf(w, `"%s","%s","%s","198001","","0","530000","180000","1",%s,%s,%s,"%s","E05000001",%s,"E92000001",`+
			`%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%.6f,%.6f,%s,%s,%s,4321,%s`+"\n",
			pcd, pcd, p.Postcode, pseudo, pseudo, pseudo, p.LocalAuthority, pseudo, pseudo, pseudo, pseudo, pseudo, pseudo,
			pseudo, pseudo, pseudo, pseudo, pseudo, pseudo, pseudo, float64(p.LatE6)/1e6, float64(p.LonE6)/1e6, pseudo, pseudo, pseudo, pseudo)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
}

// freshSchema makes an empty schema on the PostgreSQL server at base,
// dropped when the test or benchmark ends, and returns a URL that uses it,
// so each run starts from an empty database.
func freshSchema(tb testing.TB, base string) string {
	tb.Helper()
	db, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	var r [6]byte
	rand.Read(r[:])
	schema := "bench_" + hex.EncodeToString(r[:])
	if _, err := db.Exec("CREATE SCHEMA " + schema); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Exec("DROP SCHEMA " + schema + " CASCADE"); db.Close() })
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
