package main

import (
	"strings"
	"testing"
)

// sampleRun is benchmark output in the shape scripts/bench writes it.
const sampleRun = `mode: quick
engine: sqlite
goos: linux
cpu: Test CPU
BenchmarkRawCommits/sqlite-2 100 1 ns/op 400 commits/s 4 p99-ms
BenchmarkPersonLookupByNHSNumber-2 100 1.5 p50_ms 1.8 p99_ms 10000 people
BenchmarkPersonLookupByNHSNumber-2 100 1.5 p50_ms 2.6 p99_ms 10000 people
BenchmarkPersonLookupByNHSNumber-2 100 1.5 p50_ms 2.2 p99_ms 10000 people
BenchmarkPersonLookupConcurrent/clients=16-2 100 800 lookups/s 1 p50_ms 3 p99_ms 100000 people
BenchmarkConcurrentReferralWrites/sqlite-grouped/clients=16-2 100 500 referral-tx/s 9 p99-ms 400 raw-commits/s 1.25 tx-ratio
BenchmarkConcurrentReferralWrites/sqlite-single/clients=16-2 100 200 referral-tx/s 30 p99-ms 400 raw-commits/s 0.5 tx-ratio
BenchmarkConcurrentReferralWrites/sqlite-grouped/clients=4-2 100 300 referral-tx/s 9 p99-ms 400 raw-commits/s 0.75 tx-ratio
BenchmarkIncomingQueuePage-2 100 5 ms/p50 40 ms/p99 10021 referrals
services: 10000
BenchmarkSearch/sqlite-2 100 300 p50-µs 6000 p99-µs 9000 max-µs
BenchmarkImportPostcodes/sqlite-2 1 250000 rows/s 200000 rows
engine: postgres
BenchmarkRawCommits/postgres-2 100 1 ns/op 800 commits/s 2 p99-ms
BenchmarkPersonLookupConcurrent/clients=16-2 100 1200 lookups/s 1 p50_ms 1.5 p99_ms 100000 people
BenchmarkConcurrentReferralWrites/postgres-commit_delay=0/clients=16-2 100 600 referral-tx/s 12 p99-ms 800 raw-commits/s 0.75 tx-ratio
BenchmarkNotOurs-2 10 1 ns/op
`

func TestFigures(t *testing.T) {
	results, err := parse(strings.NewReader(sampleRun))
	if err != nil {
		t.Fatal(err)
	}
	figs := figures(results)
	find := func(bench, engine, measure string) figure {
		t.Helper()
		for _, f := range figs {
			if f.Benchmark == bench && f.Engine == engine && f.Measure == measure {
				return f
			}
		}
		t.Fatalf("no %s figure of %s on %s in %+v", measure, bench, engine, figs)
		return figure{}
	}
	tests := []struct {
		name                    string
		got                     figure
		value, budget, baseline float64
		clients                 int
		size                    float64
		within, hasBudget       bool
		variant                 string
	}{
		{name: "the median of repeated runs, against the budget and a raw commit's p99",
			got: find("PersonLookupByNHSNumber", "SQLite", "p99"), value: 2.2, budget: 2, baseline: 4, clients: 1, size: 10000,
			hasBudget: true},
		{name: "lookups a second against raw commits a second on the same engine",
			got: find("PersonLookupConcurrent/clients=16", "PostgreSQL", "throughput"), value: 1200, baseline: 800, clients: 16,
			size: 100000},
		{name: "audited lookups at 16 clients keep the lookup budget",
			got: find("PersonLookupConcurrent/clients=16", "PostgreSQL", "p99"), value: 1.5, budget: 2, baseline: 2, clients: 16,
			size: 100000, within: true, hasBudget: true},
		{name: "referral changes at 16 clients must match the raw commits measured beside them",
			got: find("ConcurrentReferralWrites/sqlite-grouped/clients=16", "SQLite", "throughput"), value: 500, budget: 400,
			baseline: 400, clients: 16, within: true, hasBudget: true, variant: "group commit"},
		{name: "committing alone is there to compare, without a budget",
			got: find("ConcurrentReferralWrites/sqlite-single/clients=16", "SQLite", "throughput"), value: 200, baseline: 400,
			clients: 16, variant: "one commit each"},
		{name: "the budget is set at 16 clients only",
			got: find("ConcurrentReferralWrites/sqlite-grouped/clients=4", "SQLite", "throughput"), value: 300, baseline: 400,
			clients: 4, variant: "group commit"},
		{name: "PostgreSQL's referral changes against PostgreSQL's raw commits",
			got: find("ConcurrentReferralWrites/postgres-commit_delay=0/clients=16", "PostgreSQL", "throughput"), value: 600,
			budget: 800, baseline: 800, clients: 16, hasBudget: true, variant: "commit_delay 0"},
		{name: "a page's p99 against 50 ms, sized by the referrals it reports",
			got: find("IncomingQueuePage", "SQLite", "p99"), value: 40, budget: 50, clients: 1, size: 10021, within: true,
			hasBudget: true},
		{name: "search in microseconds becomes milliseconds, sized by the configuration",
			got: find("Search/sqlite", "SQLite", "p99"), value: 6, budget: 5, clients: 1, size: 10000, hasBudget: true},
		{name: "an import rate is a floor",
			got: find("ImportPostcodes/sqlite", "SQLite", "throughput"), value: 250000, budget: 100000, clients: 1, size: 200000,
			within: true, hasBudget: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.got
			within, hasBudget := f.Within()
			if f.Value != tt.value || f.Budget != tt.budget || f.Baseline != tt.baseline || f.Clients != tt.clients ||
				f.Size != tt.size || within != tt.within || hasBudget != tt.hasBudget || f.Variant != tt.variant {
				t.Errorf("got %+v (within %v, budget %v)", f, within, hasBudget)
			}
			if tt.budget != 0 && f.PerBudget() != tt.value/tt.budget {
				t.Errorf("per budget = %v, want %v", f.PerBudget(), tt.value/tt.budget)
			}
			if tt.baseline != 0 && f.PerBaseline() != tt.value/tt.baseline {
				t.Errorf("per baseline = %v, want %v", f.PerBaseline(), tt.value/tt.baseline)
			}
		})
	}
	for _, f := range figs {
		if strings.HasPrefix(f.Benchmark, "NotOurs") {
			t.Errorf("a benchmark no rule knows gave a figure: %+v", f)
		}
	}
	if got := find("PersonLookupByNHSNumber", "SQLite", "p99").Runs; got != 3 {
		t.Errorf("runs = %d, want 3", got)
	}
}

func TestLabel(t *testing.T) {
	tests := []struct {
		name        string
		config      map[string]string
		wantEngine  string
		wantVariant string
		wantClients int
	}{
		{"PersonLookupByNHSNumber", nil, "SQLite", "", 1},
		{"PersonLookupConcurrent/clients=64", map[string]string{"engine": "postgres"}, "PostgreSQL", "", 64},
		{"PersonPageHTTP/4-clients", map[string]string{"engine": "sqlite"}, "SQLite", "", 4},
		{"PersonPageHTTP/1-client", nil, "SQLite", "", 1},
		{"ConcurrentReferralWrites/postgres-commit_delay=1000-commit_siblings=5/clients=16", map[string]string{"engine": "sqlite"},
			"PostgreSQL", "commit_delay 1 ms", 16},
		{"Search/postgres", nil, "PostgreSQL", "", 1},
	}
	for _, tt := range tests {
		l := label(result{Name: tt.name, Config: tt.config}, "")
		if l.engine != tt.wantEngine || l.variant != tt.wantVariant || l.clients != tt.wantClients {
			t.Errorf("label(%s, %v) = %q, %q, %d; want %q, %q, %d", tt.name, tt.config, l.engine, l.variant, l.clients,
				tt.wantEngine, tt.wantVariant, tt.wantClients)
		}
	}
}

func TestMedian(t *testing.T) {
	id := func(v float64) float64 { return v }
	for _, tt := range []struct {
		in   []float64
		want float64
	}{{nil, 0}, {[]float64{3}, 3}, {[]float64{5, 1, 3}, 3}, {[]float64{4, 1, 2, 3}, 2.5}} {
		if got := median(tt.in, id); got != tt.want {
			t.Errorf("median(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
