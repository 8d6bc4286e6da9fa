package jobs

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"
)

func TestRunnerRunsEachJobRepeatedlyAndStops(t *testing.T) {
	t.Parallel()
	var a, b atomic.Int32
	ctx, cancel := context.WithCancel(context.Background())
	r := NewRunner(slog.New(slog.NewTextHandler(io.Discard, nil)),
		Job{Name: "a", Interval: 5 * time.Millisecond, Run: func(context.Context) error { a.Add(1); return nil }},
		Job{Name: "b", Interval: 5 * time.Millisecond, Run: func(context.Context) error { b.Add(1); return errors.New("keeps failing") }},
	)
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
}
