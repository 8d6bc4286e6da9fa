// Package jobs runs joinedup's background work on a schedule: sealing the
// audit trail, removing ended sessions and, as capabilities arrive,
// escalations, reminders and outbox delivery. Every job is safe to run on
// several instances at once, because the work it does is recorded in the
// database and guarded there; beyond that, a shared job runs once per
// interval across all the instances sharing a database, because each run is
// first claimed through a Claimer. Each job's runs, skips, failures and
// duration are counted for /metrics.
package jobs

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Job is one piece of recurring work.
type Job struct {
	Name     string
	Interval time.Duration
	Run      func(ctx context.Context) error
	// PerInstance marks work every instance must do for itself, such as
	// catching its in-memory index up with the database, or work that is
	// idempotent per row and cheap to share, such as sealing the audit
	// rows this instance wrote. Other jobs are shared: one run per
	// interval across the instances.
	PerInstance bool
	// Wake, when set, says there may be work: the job then runs when woken,
	// but never more often than Interval, and otherwise only every
	// Backstop, so an idle server does no idle work.
	Wake <-chan struct{}
	// Backstop is how often a job with Wake runs when never woken; zero
	// means a minute.
	Backstop time.Duration
}

// A Claimer decides which instance runs a shared job's next run: Claim
// reports whether this instance may run the job now, and if so holds it
// until release is called (or, should this instance die, until a lease
// longer than any run runs out), and makes no other instance's claim
// succeed before interval has passed.
type Claimer interface {
	Claim(ctx context.Context, job string, interval time.Duration) (release func(), ok bool, err error)
}

// Runner runs jobs until its context ends.
type Runner struct {
	log     *slog.Logger
	jobs    []Job
	claimer Claimer
	metrics *metrics
}

// Coordinate makes the runner claim each shared job's runs through c. A
// runner without a Claimer runs every job on every tick, which is right for
// a single instance.
func (r *Runner) Coordinate(c Claimer) { r.claimer = c }

// metrics are the jobs' series, labelled by job name only, so there are as
// many as there are jobs.
type metrics struct {
	runs     *prometheus.CounterVec
	skips    *prometheus.CounterVec
	failures *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// NewRunner makes a runner that logs failures to log and registers its
// metrics on reg. Every job's series exist from the start, at zero, so a
// job that has never failed still shows a failure count.
func NewRunner(log *slog.Logger, reg prometheus.Registerer, jobs ...Job) (*Runner, error) {
	if reg == nil {
		return nil, errors.New("jobs: NewRunner needs a registry for its metrics")
	}
	m := &metrics{
		runs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "joinedup_job_runs_total",
			Help: "Runs of each background job, finished or failed.",
		}, []string{"job"}),
		skips: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "joinedup_job_skips_total",
			Help: "Ticks of each shared background job that another instance had already claimed.",
		}, []string{"job"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "joinedup_job_failures_total",
			Help: "Runs of each background job that returned an error.",
		}, []string{"job"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "joinedup_job_duration_seconds",
			Help: "How long each run of each background job took.",
			// From a millisecond (nothing to do) to minutes (a large batch).
			Buckets: prometheus.ExponentialBuckets(0.001, 4, 10),
		}, []string{"job"}),
	}
	for _, c := range []prometheus.Collector{m.runs, m.skips, m.failures, m.duration} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	for _, j := range jobs {
		m.runs.WithLabelValues(j.Name)
		m.skips.WithLabelValues(j.Name)
		m.failures.WithLabelValues(j.Name)
		m.duration.WithLabelValues(j.Name)
	}
	return &Runner{log: log, jobs: jobs, metrics: m}, nil
}

// Run starts every job, runs each once straight away, and returns when ctx
// is cancelled and every job in progress has finished.
func (r *Runner) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for _, j := range r.jobs {
		wg.Go(func() { r.loop(ctx, j) })
	}
	wg.Wait()
}

func (r *Runner) loop(ctx context.Context, j Job) {
	every := j.Interval
	if j.Wake != nil {
		every = cmp.Or(j.Backstop, time.Minute)
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		last := time.Now()
		r.once(ctx, j)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-j.Wake:
			// Work that arrives together is done together: at most one
			// run per interval.
			select {
			case <-ctx.Done():
				return
			case <-time.After(j.Interval - time.Since(last)):
			}
		}
	}
}

func (r *Runner) once(ctx context.Context, j Job) {
	if ctx.Err() != nil {
		return
	}
	if r.claimer != nil && !j.PerInstance {
		release, ok, err := r.claimer.Claim(ctx, j.Name, j.Interval)
		if err != nil {
			if ctx.Err() == nil {
				r.metrics.failures.WithLabelValues(j.Name).Inc()
				r.log.Error("job claim failed", "job", j.Name, "err", err)
			}
			return
		}
		if !ok {
			r.metrics.skips.WithLabelValues(j.Name).Inc()
			return
		}
		defer release()
	}
	start := time.Now()
	err := j.Run(ctx)
	r.metrics.runs.WithLabelValues(j.Name).Inc()
	r.metrics.duration.WithLabelValues(j.Name).Observe(time.Since(start).Seconds())
	// A run cut short by shutdown is not a failure.
	if err != nil && ctx.Err() == nil {
		r.metrics.failures.WithLabelValues(j.Name).Inc()
		// Errors here come from the store, which logs no personal data.
		r.log.Error("job failed", "job", j.Name, "err", err)
	}
}
