package main

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestServeExposesEveryKindOfMetric runs the production server as wired in
// run and reads /metrics: the Go runtime, the process, the database pools,
// the jobs and the requests by route must all be there.
func TestServeExposesEveryKindOfMetric(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut syncBuffer
	done := make(chan error, 1)
	dsn := "sqlite:" + filepath.Join(t.TempDir(), "metrics.db")
	go func() {
		done <- run(ctx, []string{"serve", "--db", dsn, "--addr", "127.0.0.1:0", "--migrate"},
			func(string) string { return "" }, strings.NewReader(""), &out, &errOut)
	}()
	serving := regexp.MustCompile(`msg=serving url=(http://\S+)`)
	url := ""
	for deadline := time.Now().Add(60 * time.Second); url == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := serving.FindStringSubmatch(errOut.String()); m != nil {
			url = m[1]
		}
	}
	if url == "" {
		t.Fatalf("serve did not start: %s", errOut.String())
	}
	get := func(path string) string {
		t.Helper()
		res, err := http.Get(url + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("%s = %d", path, res.StatusCode)
		}
		return string(body)
	}
	get("/healthz")
	get("/people/0193c0de-0000-7000-8000-000000000001") // a path with an id, which must not appear
	page := get("/metrics")
	for _, want := range []string{
		// The Go runtime and the process.
		"\ngo_goroutines ",
		"\ngo_memstats_heap_alloc_bytes ",
		"\ngo_gc_duration_seconds{",
		"\nprocess_cpu_seconds_total ",
		"\nprocess_resident_memory_bytes ",
		"\nprocess_open_fds ",
		// The database pools, read when scraped.
		`joinedup_db_connections_open{pool="writer"} `,
		`joinedup_db_connections_open{pool="reader"} `,
		`joinedup_db_connections_max_open{pool="writer"} 1`,
		`joinedup_db_wait_total{pool="reader"} `,
		`joinedup_db_wait_seconds_total{pool="writer"} `,
		// Every job, from the start.
		`joinedup_job_runs_total{job="seal-audit"} `,
		`joinedup_job_failures_total{job="escalate-referrals"} `,
		`joinedup_job_duration_seconds_bucket{job="sync-directory",le="`,
		// Requests by route pattern.
		`joinedup_http_requests_total{code="200",method="GET",route="GET /healthz"} 1`,
		`joinedup_http_request_duration_seconds_bucket{method="GET",route="GET /healthz",le="0.05"} `,
		`route="GET /people/{id}"`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if strings.Contains(page, "0193c0de") {
		t.Error("a path, not a route, reached the metrics")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil && !errors.Is(err, context.Canceled) {
			t.Fatalf("serve stopped with %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
}

func TestPoolCollectorReadsThePoolsWhenScraped(t *testing.T) {
	stats := map[string]sql.DBStats{"main": {OpenConnections: 3, InUse: 2, Idle: 1, MaxOpenConnections: 8, WaitCount: 5, WaitDuration: 1500 * time.Millisecond}}
	reg, err := newMetrics(func() map[string]sql.DBStats { return stats })
	if err != nil {
		t.Fatal(err)
	}
	read := func() map[string]float64 {
		families, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]float64{}
		for _, f := range families {
			if !strings.HasPrefix(f.GetName(), "joinedup_db_") {
				continue
			}
			for _, m := range f.GetMetric() {
				if m.GetLabel()[0].GetValue() != "main" {
					t.Errorf("%s has pool %q", f.GetName(), m.GetLabel()[0].GetValue())
				}
				out[f.GetName()] = m.GetGauge().GetValue() + m.GetCounter().GetValue()
			}
		}
		return out
	}
	want := map[string]float64{
		"joinedup_db_connections_open": 3, "joinedup_db_connections_in_use": 2, "joinedup_db_connections_idle": 1,
		"joinedup_db_connections_max_open": 8, "joinedup_db_wait_total": 5, "joinedup_db_wait_seconds_total": 1.5,
	}
	got := read()
	for name, v := range want {
		if got[name] != v {
			t.Errorf("%s = %v, want %v", name, got[name], v)
		}
	}
	// A later scrape sees the pools as they are then.
	stats = map[string]sql.DBStats{"main": {OpenConnections: 7}}
	if got := read(); got["joinedup_db_connections_open"] != 7 {
		t.Errorf("after a change, open = %v", got["joinedup_db_connections_open"])
	}
}
