package jobs

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// gather reads every job series on reg as "name{job}" → value, where a
// histogram's value is its number of observations.
func gather(t *testing.T, reg *prometheus.Registry) map[string]float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]float64{}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			key := f.GetName() + "{" + m.GetLabel()[0].GetValue() + "}"
			switch {
			case m.GetCounter() != nil:
				out[key] = m.GetCounter().GetValue()
			case m.GetHistogram() != nil:
				out[key] = float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	return out
}

func TestRunnerRunsEachJobRepeatedlyAndStops(t *testing.T) {
	t.Parallel()
	var a, b atomic.Int32
	ctx, cancel := context.WithCancel(context.Background())
	reg := prometheus.NewRegistry()
	r, err := NewRunner(slog.New(slog.NewTextHandler(io.Discard, nil)), reg,
		Job{Name: "a", Interval: 5 * time.Millisecond, Run: func(context.Context) error { a.Add(1); return nil }},
		Job{Name: "b", Interval: 5 * time.Millisecond, Run: func(context.Context) error { b.Add(1); return errors.New("keeps failing") }},
	)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	deadline := time.After(5 * time.Second)
	for a.Load() < 3 || b.Load() < 3 {
		select {
		case <-deadline:
			t.Fatalf("jobs ran a=%d b=%d times", a.Load(), b.Load())
		case <-time.After(time.Millisecond):
		}
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("runner did not stop")
	}

	// Once stopped, the metrics match what ran.
	got := gather(t, reg)
	ranA, ranB := float64(a.Load()), float64(b.Load())
	for key, want := range map[string]float64{
		"joinedup_job_runs_total{a}": ranA, "joinedup_job_failures_total{a}": 0, "joinedup_job_duration_seconds{a}": ranA,
		"joinedup_job_runs_total{b}": ranB, "joinedup_job_failures_total{b}": ranB, "joinedup_job_duration_seconds{b}": ranB,
	} {
		if got[key] != want {
			t.Errorf("%s = %v, want %v", key, got[key], want)
		}
	}
}

func TestEveryJobHasItsSeriesBeforeItRuns(t *testing.T) {
	reg := prometheus.NewRegistry()
	if _, err := NewRunner(slog.New(slog.NewTextHandler(io.Discard, nil)), reg,
		Job{Name: "seal-audit", Interval: time.Second, Run: func(context.Context) error { return nil }}); err != nil {
		t.Fatal(err)
	}
	got := gather(t, reg)
	for _, name := range []string{"joinedup_job_runs_total", "joinedup_job_failures_total", "joinedup_job_duration_seconds"} {
		if v, ok := got[name+"{seal-audit}"]; !ok || v != 0 {
			t.Errorf("%s{seal-audit} = %v, %v", name, v, ok)
		}
	}
	// A second runner on the same registry would count over the first.
	if _, err := NewRunner(slog.New(slog.NewTextHandler(io.Discard, nil)), reg); err == nil {
		t.Error("two runners registered the same metrics")
	}
	if _, err := NewRunner(slog.New(slog.NewTextHandler(io.Discard, nil)), nil); err == nil {
		t.Error("a runner without a registry was made")
	}
}

// oneClaimer grants a job's run to one claimant per interval, as the
// store's claims do, so two runners can be shown to share the work.
type oneClaimer struct {
	mu      sync.Mutex
	nextRun map[string]time.Time
	held    map[string]bool
}

func (c *oneClaimer) Claim(_ context.Context, job string, interval time.Duration) (func(), bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.held[job] || time.Now().Before(c.nextRun[job]) {
		return nil, false, nil
	}
	c.held[job] = true
	c.nextRun[job] = time.Now().Add(interval - interval/10)
	return func() { c.mu.Lock(); c.held[job] = false; c.mu.Unlock() }, true, nil
}

// TestCoordinatedRunnersShareSharedJobsOnly runs two runners on one
// claimer: the shared job runs about once per interval between them, never
// at once, and the per-instance job runs on both.
func TestCoordinatedRunnersShareSharedJobsOnly(t *testing.T) {
	claimer := &oneClaimer{nextRun: map[string]time.Time{}, held: map[string]bool{}}
	var shared, perInstance, running, overlap atomic.Int32
	ctx, cancel := context.WithCancel(context.Background())
	var regs []*prometheus.Registry
	var wg sync.WaitGroup
	for range 2 {
		reg := prometheus.NewRegistry()
		regs = append(regs, reg)
		r, err := NewRunner(slog.New(slog.NewTextHandler(io.Discard, nil)), reg,
			Job{Name: "shared", Interval: 20 * time.Millisecond, Run: func(context.Context) error {
				if running.Add(1) > 1 {
					overlap.Add(1)
				}
				time.Sleep(2 * time.Millisecond)
				running.Add(-1)
				shared.Add(1)
				return nil
			}},
			Job{Name: "mine", Interval: 20 * time.Millisecond, PerInstance: true, Run: func(context.Context) error {
				perInstance.Add(1)
				return nil
			}},
		)
		if err != nil {
			t.Fatal(err)
		}
		r.Coordinate(claimer)
		wg.Go(func() { r.Run(ctx) })
	}
	time.Sleep(400 * time.Millisecond)
	cancel()
	wg.Wait()
	// 400 ms at 20 ms is about 20 intervals: shared runs about 20 times
	// between the runners, not 40; the per-instance job about 40.
	if n := shared.Load(); n < 5 || n > 26 {
		t.Errorf("shared job ran %d times in about 20 intervals on two runners", n)
	}
	if n := perInstance.Load(); n < 2*shared.Load()-4 {
		t.Errorf("per-instance job ran %d times, shared %d: it should run on both runners", n, shared.Load())
	}
	if overlap.Load() != 0 {
		t.Errorf("the shared job ran on both runners at once %d times", overlap.Load())
	}
	skips := 0.0
	for _, reg := range regs {
		skips += gather(t, reg)["joinedup_job_skips_total{shared}"]
	}
	if skips == 0 {
		t.Error("no skipped ticks counted, though two runners tick for one run")
	}
}

// TestWokenJobRunsOnWorkNotOnATimer checks a job with Wake does nothing
// while idle, runs soon after being woken, and runs once for many wakes
// that arrive together.
func TestWokenJobRunsOnWorkNotOnATimer(t *testing.T) {
	var runs atomic.Int32
	wake := make(chan struct{}, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r, err := NewRunner(slog.New(slog.NewTextHandler(io.Discard, nil)), prometheus.NewRegistry(),
		Job{Name: "seal", Interval: 30 * time.Millisecond, Wake: wake, Backstop: time.Hour, PerInstance: true,
			Run: func(context.Context) error { runs.Add(1); return nil }})
	if err != nil {
		t.Fatal(err)
	}
	go r.Run(ctx)
	time.Sleep(150 * time.Millisecond)
	if n := runs.Load(); n != 1 {
		t.Fatalf("an idle job ran %d times in five intervals, want once (at start)", n)
	}
	for range 20 {
		select {
		case wake <- struct{}{}:
		default:
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for runs.Load() < 2 {
		if time.Now().After(deadline) {
			t.Fatal("a woken job did not run")
		}
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond)
	if n := runs.Load(); n > 3 {
		t.Errorf("twenty wakes at once made %d runs, want at most 2 after the first", n-1)
	}
}
