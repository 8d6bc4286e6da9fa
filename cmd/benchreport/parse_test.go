package main

import (
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []result
	}{
		{
			name: "a result with its configuration",
			in: "goos: linux\ncpu: Some CPU   \n" +
				"BenchmarkRawCommits/sqlite-2   \t  20\t 2564336 ns/op\t 388.1 commits/s\t 14.18 p99-ms\n",
			want: []result{{Name: "RawCommits/sqlite", Procs: 2, Iterations: 20,
				Metrics: map[string]float64{"ns/op": 2564336, "commits/s": 388.1, "p99-ms": 14.18},
				Config:  map[string]string{"goos": "linux", "cpu": "Some CPU"}}},
		},
		{
			name: "a configuration line holds until the key comes again",
			in:   "engine: sqlite\nBenchmarkA 1 1 x\nengine: postgres\nBenchmarkA 1 2 x\n",
			want: []result{
				{Name: "A", Procs: 1, Iterations: 1, Metrics: map[string]float64{"x": 1}, Config: map[string]string{"engine": "sqlite"}},
				{Name: "A", Procs: 1, Iterations: 1, Metrics: map[string]float64{"x": 2}, Config: map[string]string{"engine": "postgres"}},
			},
		},
		{
			name: "without GOMAXPROCS the name has no suffix, and a name may end in a number",
			in:   "BenchmarkConcurrentReferralWrites/postgres-commit_delay=1000-commit_siblings=5/clients=4 10 3.5 p99-ms\n",
			want: []result{{Name: "ConcurrentReferralWrites/postgres-commit_delay=1000-commit_siblings=5/clients=4", Procs: 1,
				Iterations: 10, Metrics: map[string]float64{"p99-ms": 3.5}, Config: map[string]string{}}},
		},
		{
			name: "logs, summaries and cut-short lines are passed over",
			in: "BenchmarkPersonLookupByNHSNumber-2\n" +
				"    bench_people_test.go:107: built 1000 people in 1s\n" +
				"--- BENCH: BenchmarkX-2\n" +
				"--- SKIP: BenchmarkRawCommits/postgres\n" +
				"PASS\nok  \tgithub.com/joinedup/joinedup/internal/store\t0.331s\n" +
				"Benchmarking is fun 3 x\n" +
				"Key: not a configuration line\n" +
				"BenchmarkB-4 5 1e3 rows/s\n",
			want: []result{{Name: "B", Procs: 4, Iterations: 5, Metrics: map[string]float64{"rows/s": 1000}, Config: map[string]string{}}},
		},
		{
			name: "no results",
			in:   "PASS\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parse(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parse:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseRejectsBrokenResults(t *testing.T) {
	for _, in := range []string{
		"BenchmarkA-2 10 1.5\n",        // a value without its unit
		"BenchmarkA-2 10 fast ns/op\n", // a value that is not a number
		"BenchmarkA-2 10 1 ns/op 2\n",  // a trailing value
	} {
		if got, err := parse(strings.NewReader(in)); err == nil {
			t.Errorf("parse(%q) = %+v, want an error", in, got)
		} else if !strings.Contains(err.Error(), "line 1") {
			t.Errorf("parse(%q): %v, want the line named", in, err)
		}
	}
}

func TestConfigLine(t *testing.T) {
	tests := []struct {
		in         string
		key, value string
		ok         bool
	}{
		{"goos: linux", "goos", "linux", true},
		{"engine:\tpostgres ", "engine", "postgres", true},
		{"note:", "note", "", true},
		{"with-postgres: ready", "with-postgres", "ready", true},
		{"Goos: linux", "", "", false},
		{"go os: linux", "", "", false},
		{"    file_test.go:12: a log", "", "", false},
		{"url:http://x", "", "", false},
		{"no colon", "", "", false},
	}
	for _, tt := range tests {
		key, value, ok := configLine(tt.in)
		if key != tt.key || value != tt.value || ok != tt.ok {
			t.Errorf("configLine(%q) = %q, %q, %v; want %q, %q, %v", tt.in, key, value, ok, tt.key, tt.value, tt.ok)
		}
	}
}

func TestSplitProcs(t *testing.T) {
	tests := []struct {
		in    string
		name  string
		procs int
	}{
		{"Search/sqlite-2", "Search/sqlite", 2},
		{"PersonPageHTTP/4-clients-16", "PersonPageHTTP/4-clients", 16},
		{"PersonPageHTTP/4-clients", "PersonPageHTTP/4-clients", 1},
		{"A", "A", 1},
		{"A-0", "A-0", 1},
	}
	for _, tt := range tests {
		name, procs := splitProcs(tt.in)
		if name != tt.name || procs != tt.procs {
			t.Errorf("splitProcs(%q) = %q, %d; want %q, %d", tt.in, name, procs, tt.name, tt.procs)
		}
	}
}
