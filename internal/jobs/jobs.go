// Package jobs runs joinedup's background work on a schedule: sealing the
// audit trail, removing ended sessions and, as capabilities arrive,
// escalations, reminders and outbox delivery. Every job is safe to run on
// several instances at once, because the work it does is recorded in the
// database and guarded there.
package jobs

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Job is one piece of recurring work.
type Job struct {
	Name     string
	Interval time.Duration
	Run      func(ctx context.Context) error
}

// Runner runs jobs until its context ends.
type Runner struct {
	log  *slog.Logger
	jobs []Job
}

// NewRunner makes a runner that logs failures to log.
func NewRunner(log *slog.Logger, jobs ...Job) *Runner { return &Runner{log: log, jobs: jobs} }

// Run starts every job, runs each once straight away, and returns when ctx
// is cancelled and every job in progress has finished.
func (r *Runner) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for _, j := range r.jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.loop(ctx, j)
		}()
	}
	wg.Wait()
}

func (r *Runner) loop(ctx context.Context, j Job) {
	t := time.NewTicker(j.Interval)
	defer t.Stop()
	for {
		r.once(ctx, j)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (r *Runner) once(ctx context.Context, j Job) {
	if ctx.Err() != nil {
		return
	}
	if err := j.Run(ctx); err != nil && ctx.Err() == nil {
		// Errors here come from the store, which logs no personal data.
		r.log.Error("job failed", "job", j.Name, "err", err)
	}
}
