package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/joinedup/joinedup/internal/auth"
	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/directory"
	"github.com/joinedup/joinedup/internal/jobs"
	"github.com/joinedup/joinedup/internal/store"
	"github.com/joinedup/joinedup/internal/web"
)

// serverFlags are shared by serve and demo.
type serverFlags struct {
	addr            string
	baseURL         string
	logFormat       string
	trustProxy      bool
	idleTimeout     time.Duration
	absoluteTimeout time.Duration
	smtp            smtpFlags
}

func (f *serverFlags) register(fs *flag.FlagSet, defaultAddr string) {
	fs.StringVar(&f.addr, "addr", defaultAddr, "address to listen on, host:port")
	fs.StringVar(&f.baseURL, "base-url", "", "the URL users reach joinedup at; https makes cookies Secure")
	fs.StringVar(&f.logFormat, "log-format", "text", "log format: text or json")
	fs.BoolVar(&f.trustProxy, "trust-proxy", false, "take client addresses from X-Forwarded-For (only behind a proxy that sets it)")
	fs.DurationVar(&f.idleTimeout, "idle-timeout", 30*time.Minute, "end sessions unused for this long")
	fs.DurationVar(&f.absoluteTimeout, "absolute-timeout", 12*time.Hour, "end sessions this long after sign-in")
	f.smtp.register(fs)
}

func (e *environment) serve(ctx context.Context, args []string) error {
	fs := e.newFlags("serve", "Runs the production server.")
	var sf serverFlags
	sf.register(fs, ":8080")
	dsn := fs.String("db", "", "database: sqlite:PATH or a postgres:// URL (required)")
	migrate := fs.Bool("migrate", false, "apply pending migrations before serving")
	if helped, err := e.parse(fs, args); helped || err != nil {
		return err
	}
	if *dsn == "" {
		fs.Usage()
		return usageError{"--db is required"}
	}
	log, err := e.newLogger(sf.logFormat)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, *dsn, store.Options{Logger: log, Calendar: e.calendar})
	if err != nil {
		return err
	}
	defer st.Close()
	if err := e.checkMigrations(ctx, st, *migrate, log); err != nil {
		return err
	}
	return e.runServer(ctx, st, sf, log, nil)
}

// checkMigrations refuses to serve an unmigrated database unless told to
// migrate it, so an upgrade never changes the schema by surprise.
func (e *environment) checkMigrations(ctx context.Context, st *store.Store, migrate bool, log *slog.Logger) error {
	if migrate {
		applied, err := st.Migrate(ctx)
		for _, m := range applied {
			log.Info("applied migration", "version", m.Version, "name", m.Name)
		}
		return err
	}
	pending, err := st.PendingMigrations(ctx)
	if err != nil {
		return err
	}
	if len(pending) > 0 {
		return fmt.Errorf("the database has %d pending migrations (the first is %04d_%s): back it up, then run joinedup migrate, or start with --migrate",
			len(pending), pending[0].Version, pending[0].Name)
	}
	return nil
}

// runServer serves until ctx ends, then finishes requests in flight, stops
// the background jobs, seals the last audit rows and returns.
func (e *environment) runServer(ctx context.Context, st *store.Store, sf serverFlags, log *slog.Logger, ready func(url string)) error {
	cfg := auth.DefaultConfig()
	cfg.IdleTimeout, cfg.AbsoluteTimeout = sf.idleTimeout, sf.absoluteTimeout
	authSvc, err := auth.NewService(st, cfg)
	if err != nil {
		return err
	}
	// The directory's search index is built before serving, so the first
	// search is as fast as the rest.
	dir := directory.New(directory.Options{Location: e.calendar.Location()})
	loadStarted := time.Now()
	if err := dir.LoadAll(ctx, st); err != nil {
		return fmt.Errorf("cannot load the directory: %v", care.MessageOf(err))
	}
	stats := dir.Stats()
	log.Info("directory loaded", "services", stats.Services, "organisations", stats.Organisations,
		"postcodes", stats.Postcodes, "took", time.Since(loadStarted).Round(time.Millisecond))
	metrics, err := newMetrics(st.PoolStats)
	if err != nil {
		return err
	}
	handler, err := web.New(st, authSvc, log, web.Config{BaseURL: sf.baseURL, TrustProxy: sf.trustProxy, Version: version(),
		Directory: dir, Calendar: e.calendar, Metrics: metrics})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", sf.addr)
	if err != nil {
		var op *net.OpError
		if errors.As(err, &op) && op.Err != nil {
			err = op.Err
		}
		return fmt.Errorf("cannot listen on %s: %v", sf.addr, err)
	}
	srv := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	url := "http://" + displayAddr(ln.Addr().String())
	if sf.baseURL != "" {
		url = sf.baseURL
	}
	jobList := append([]jobs.Job{
		// Sealing runs when audit rows have been written (at most once a
		// second, so rows are sealed in batches) and on every instance,
		// which is safe: the chain head's lock makes sealers take turns
		// and each row is sealed once.
		{Name: "seal-audit", Interval: time.Second, Wake: st.AuditWritten(), PerInstance: true, Run: func(ctx context.Context) error {
			_, err := st.SealAudit(ctx)
			return err
		}},
		{Name: "end-stale-sessions", Interval: 5 * time.Minute, Run: func(ctx context.Context) error {
			_, err := authSvc.EndStale(ctx)
			return err
		}},
		// Other instances and imports change the directory too; this keeps
		// the search index within seconds of the database.
		{Name: "sync-directory", Interval: 5 * time.Second, PerInstance: true, Run: func(ctx context.Context) error {
			return dir.Sync(ctx, st)
		}},
		// Owners are reminded in their inbox when an entry becomes due for
		// checking; an hour late is soon enough for a 90-day cycle.
		{Name: "directory-reminders", Interval: time.Hour, Run: func(ctx context.Context) error {
			_, err := directory.SendReminders(ctx, st, time.Now(), e.calendar.Location())
			return err
		}},
		// An MDT meeting's agenda is sent to its invitees when it closes;
		// a minute late is soon enough for a deadline a day ahead.
		{Name: "mdt-agendas", Interval: time.Minute, Run: func(ctx context.Context) error {
			_, err := st.SendDueAgendas(ctx, care.SystemActor("mdt agendas"), time.Now())
			return err
		}},
		// Each series' meetings exist eight weeks ahead, so people can be
		// put on their agendas and see them in their calendars.
		{Name: "mdt-schedule", Interval: time.Hour, Run: func(ctx context.Context) error {
			_, err := st.ScheduleMDTMeetings(ctx, care.SystemActor("mdt scheduling"), time.Now())
			return err
		}},
	}, referralJobs(st, sf.smtp.mailer(url), log)...)
	jobList, err = withIntervals(jobList, e.getenv(jobIntervalsEnv))
	if err != nil {
		ln.Close()
		return err
	}
	runner, err := jobs.NewRunner(log, metrics, jobList...)
	if err != nil {
		ln.Close()
		return err
	}
	runner.Coordinate(jobClaimer{st: st, instance: instanceName()})
	jobsCtx, stopJobs := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	wg.Go(func() { runner.Run(jobsCtx) })

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	log.Info("serving", "url", url, "database", string(st.Dialect()))
	if ready != nil {
		ready(url)
	}

	var result error
	select {
	case err := <-serveErr:
		result = err
	case <-ctx.Done():
		log.Info("shutting down: finishing requests in flight")
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		result = srv.Shutdown(shutdownCtx)
		cancel()
	}
	stopJobs()
	wg.Wait()
	if _, err := st.SealAudit(context.Background()); err != nil {
		log.Error("sealing the audit trail at shutdown", "err", err)
	}
	log.Info("stopped")
	if errors.Is(result, http.ErrServerClosed) {
		return nil
	}
	return result
}

// jobIntervalsEnv names the environment variable that changes background
// jobs' intervals, as "escalate-referrals=1s,email-alerts=1s". It is not a
// flag and --help does not list it: the intervals above suit every
// deployment. It is there so that a test of several instances sees minutes
// of background work in seconds.
const jobIntervalsEnv = "JOINEDUP_JOB_INTERVALS"

// withIntervals gives the jobs spec names the intervals it sets, refusing a
// job that does not exist or an interval that is not a positive duration.
func withIntervals(list []jobs.Job, spec string) ([]jobs.Job, error) {
	if strings.TrimSpace(spec) == "" {
		return list, nil
	}
	for _, item := range strings.Split(spec, ",") {
		name, value, ok := strings.Cut(strings.TrimSpace(item), "=")
		d, err := time.ParseDuration(value)
		if !ok || err != nil || d <= 0 {
			return nil, fmt.Errorf("%s: %q is not a job and its interval, such as escalate-referrals=1s", jobIntervalsEnv, item)
		}
		i := slices.IndexFunc(list, func(j jobs.Job) bool { return j.Name == name })
		if i < 0 {
			return nil, fmt.Errorf("%s: there is no background job called %q", jobIntervalsEnv, name)
		}
		list[i].Interval = d
	}
	return list, nil
}

// displayAddr turns a listening address into one a browser can open.
func displayAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

func (e *environment) migrate(ctx context.Context, args []string) error {
	fs := e.newFlags("migrate", "Applies pending database migrations. Back up the database first.")
	dsn := fs.String("db", "", "database: sqlite:PATH or a postgres:// URL (required)")
	if helped, err := e.parse(fs, args); helped || err != nil {
		return err
	}
	if *dsn == "" {
		fs.Usage()
		return usageError{"--db is required"}
	}
	st, err := store.Open(ctx, *dsn, store.Options{Calendar: e.calendar})
	if err != nil {
		return err
	}
	defer st.Close()
	applied, err := st.Migrate(ctx)
	for _, m := range applied {
		fmt.Fprintf(e.stdout, "applied %04d_%s\n", m.Version, m.Name)
	}
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintln(e.stdout, "the database is up to date")
	}
	return nil
}
