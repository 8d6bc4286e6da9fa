package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/joinedup/joinedup/internal/auth"
	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/demo"
	"github.com/joinedup/joinedup/internal/store"
	"github.com/joinedup/joinedup/internal/store/storetest"
)

// BenchmarkIncomingQueuePage measures the incoming queue page of the demo's
// busiest team, signed in as its social worker, over a database holding
// the demo area plus generated people and referrals:
//
//	JOINEDUP_BENCH_REFERRALS  how many referrals to generate (default 20000)
//	JOINEDUP_BENCH_PEOPLE     how many people to generate (default a tenth of that)
//	JOINEDUP_BENCH_DB         a file to build the database in once and reuse
//
// It reports the 50th and 99th percentile of the time to load the page as a
// browser on the same machine sees it (the server plus the loopback),
// each view in turn, as ms/p50 and ms/p99.
func BenchmarkIncomingQueuePage(b *testing.B) {
	ctx := context.Background()
	n := envInt("JOINEDUP_BENCH_REFERRALS", 20000)
	people := envInt("JOINEDUP_BENCH_PEOPLE", max(1000, n/10))
	path := os.Getenv("JOINEDUP_BENCH_DB")
	if path == "" {
		path = filepath.Join(b.TempDir(), "bench.db")
	}
	cheap := auth.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}
	_, statErr := os.Stat(path)
	st, err := store.Open(ctx, "sqlite:"+path, store.Options{Calendar: storetest.Calendar(b)})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if os.IsNotExist(statErr) {
		if _, err := st.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
		hash := func(string) (string, error) { return auth.HashPassword(testPassword, cheap) }
		started := time.Now()
		if err := demo.Load(ctx, st, demo.Generate(20260401), hash); err != nil {
			b.Fatal(err)
		}
		if err := demo.LoadScale(ctx, st, 20260401, people, n, nil); err != nil {
			b.Fatal(err)
		}
		b.Logf("built %d referrals and %d people in %s", n, people, time.Since(started).Round(time.Second))
	}
	count, _ := st.CountReferrals(ctx)
	cfg := auth.DefaultConfig()
	cfg.Argon2 = cheap
	a, err := auth.NewService(st, cfg)
	if err != nil {
		b.Fatal(err)
	}
	s, err := New(st, a, slog.New(slog.NewTextHandler(io.Discard, nil)), Config{Calendar: st.Calendar()})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	form := url.Values{"email": {demo.DemoEmail(care.RoleSocialWorker)}, "password": {testPassword}}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/sign-in", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if res, err := hc.Do(req); err != nil || res.StatusCode != http.StatusSeeOther {
		b.Fatalf("sign in: %v", err)
	}
	get := func(path string) int {
		res, err := hc.Get(srv.URL + path)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode
	}
	views := []string{"new", "overdue", "mine", "unassigned", "open"}
	for _, v := range views {
		if status := get("/referrals/incoming?view=" + v); status != 200 {
			b.Fatalf("%s = %d", v, status)
		}
	}
	b.Logf("%d referrals in the database", count)
	var times []time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		started := time.Now()
		status := get("/referrals/incoming?view=" + views[i%len(views)])
		times = append(times, time.Since(started))
		if status != 200 {
			b.Fatalf("status %d", status)
		}
	}
	b.StopTimer()
	slices.Sort(times)
	pct := func(p float64) float64 {
		return float64(times[min(len(times)-1, int(float64(len(times))*p))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "ms/p50")
	b.ReportMetric(pct(0.99), "ms/p99")
	b.ReportMetric(float64(count), "referrals")
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
