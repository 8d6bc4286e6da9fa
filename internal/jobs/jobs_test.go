package jobs

import (
	"context"
	"errors"
	"io"
	"log/slog"
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
