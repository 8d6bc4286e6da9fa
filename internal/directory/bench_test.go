package directory

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // for making a throwaway schema

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/demo"
	"github.com/joinedup/joinedup/internal/geo"
	"github.com/joinedup/joinedup/internal/store"
	"github.com/joinedup/joinedup/internal/store/storetest"
)

// The search benchmark runs over a generated directory loaded into each
// engine and read back into the index, as a server does at start-up.
// Sizes come from JOINEDUP_BENCH_SERVICES (default 50,000) and
// JOINEDUP_BENCH_POSTCODES (default 200,000); PostgreSQL runs when
// JOINEDUP_TEST_POSTGRES names a server.
//
//	scripts/with-postgres go test ./internal/directory -run '^$' -bench Search -benchtime 20000x

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

type benchSetup struct {
	once  sync.Once
	ix    *Index
	bench demo.Benchmark
	err   error
}

var benchSetups = map[string]*benchSetup{"sqlite": {}, "postgres": {}}

// openBenchStore opens an empty, migrated store on the engine.
func openBenchStore(b *testing.B, engine string) *store.Store {
	ctx := context.Background()
	dsn := "sqlite:" + filepath.Join(b.TempDir(), "bench.db")
	if engine == "postgres" {
		base := os.Getenv("JOINEDUP_TEST_POSTGRES")
		if base == "" {
			b.Skip("JOINEDUP_TEST_POSTGRES is not set")
		}
		db, err := sql.Open("pgx", base)
		if err != nil {
			b.Fatal(err)
		}
		var r [6]byte
		rand.Read(r[:])
		schema := "bench_" + hex.EncodeToString(r[:])
		if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); db.Close() })
		u, _ := url.Parse(base)
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		dsn = u.String()
	}
	st, err := store.Open(ctx, dsn, store.Options{Calendar: storetest.Calendar(b)})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := st.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	return st
}

func loadBenchmark(b *testing.B, engine string) (*Index, demo.Benchmark) {
	s := benchSetups[engine]
	s.once.Do(func() {
		ctx := context.Background()
		services, postcodes := envInt("JOINEDUP_BENCH_SERVICES", 50_000), envInt("JOINEDUP_BENCH_POSTCODES", 200_000)
		s.bench = demo.GenerateBenchmark(1, services, postcodes)
		st := openBenchStore(b, engine)
		sys := care.SystemActor("benchmark")
		started := time.Now()
		if s.err = st.ImportDirectory(ctx, sys, s.bench.Directory); s.err != nil {
			return
		}
		for start := 0; start < len(s.bench.Postcodes); start += 5000 {
			if s.err = st.UpsertPostcodes(ctx, sys, s.bench.Postcodes[start:min(start+5000, len(s.bench.Postcodes))]); s.err != nil {
				return
			}
		}
		if s.err = st.RecordPostcodeImport(ctx, sys, len(s.bench.Postcodes)); s.err != nil {
			return
		}
		loaded := time.Now()
		s.ix = New(Options{Location: testLondon()})
		s.err = s.ix.LoadAll(ctx, st)
		// Only the searches are needed from here on; the rest would double
		// the heap the garbage collector scans during the measurements.
		organisations := len(s.bench.Directory.Organisations)
		s.bench.Directory, s.bench.Postcodes = store.DirectoryData{}, nil
		b.Logf("%s: %d services, %d organisations, %d postcodes; stored in %s, index built in %s",
			engine, services, organisations, postcodes, loaded.Sub(started).Round(time.Millisecond),
			time.Since(loaded).Round(time.Millisecond))
	})
	if s.err != nil {
		b.Fatal(s.err)
	}
	if s.ix == nil {
		b.Skip("no index for " + engine)
	}
	return s.ix, s.bench
}

// reportLatency adds percentiles of the measured searches to the result.
func reportLatency(b *testing.B, d []time.Duration) {
	if len(d) == 0 {
		return
	}
	slices.Sort(d)
	at := func(p float64) float64 { return float64(d[min(len(d)-1, int(p*float64(len(d))))].Nanoseconds()) / 1e3 }
	b.ReportMetric(at(0.50), "p50-µs")
	b.ReportMetric(at(0.99), "p99-µs")
	b.ReportMetric(float64(d[len(d)-1].Nanoseconds())/1e3, "max-µs")
}

func BenchmarkSearch(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			ix, bench := loadBenchmark(b, engine)
			var took []time.Duration
			eligible := 0
			i := 0
			for b.Loop() {
				q := bench.Queries[i%len(bench.Queries)]
				i++
				start := time.Now()
				res, err := ix.Search(Query{Need: q.Need, Text: q.Text, Postcode: q.Postcode})
				took = append(took, time.Since(start))
				if err != nil {
					b.Fatalf("%+v: %v", q, err)
				}
				eligible += len(res.Eligible)
			}
			reportLatency(b, took)
			b.ReportMetric(float64(eligible)/float64(i), "eligible/op")
		})
	}
}

// BenchmarkListings measures the Open Referral UK API's queries: a page of
// services by name, and services near a postcode.
func BenchmarkListings(b *testing.B) {
	ix, bench := loadBenchmark(b, "sqlite")
	b.Run("page", func(b *testing.B) {
		var took []time.Duration
		n := 0
		for b.Loop() {
			start := time.Now()
			ix.Listings(ListingQuery{Offset: (n % 100) * 50, Limit: 50})
			took = append(took, time.Since(start))
			n++
		}
		reportLatency(b, took)
	})
	b.Run("near", func(b *testing.B) {
		var took []time.Duration
		n := 0
		for b.Loop() {
			q := bench.Queries[n%len(bench.Queries)]
			n++
			start := time.Now()
			total, _ := ix.Listings(ListingQuery{Within: 5000, Near: ix.mustLocate(q.Postcode), Limit: 50})
			took = append(took, time.Since(start))
			_ = total
		}
		reportLatency(b, took)
	})
}

func (ix *Index) mustLocate(postcode string) geo.LatLon {
	q, _ := geo.ParsePostcodeOrOutcode(postcode)
	p, _ := ix.Locate(q)
	return p
}
