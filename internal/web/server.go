// Package web serves joinedup's HTML interface: server-rendered pages in the
// NHS.UK design system that work without JavaScript, plus the operational
// endpoints (/healthz, /readyz, /metrics). Routes live in routes.go, one file
// per area holds its handlers, and every page has a typed view struct.
package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/joinedup/joinedup/internal/auth"
	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/directory"
	"github.com/joinedup/joinedup/internal/oruk"
	"github.com/joinedup/joinedup/internal/store"
)

// Config is what the web interface needs to know about its deployment.
type Config struct {
	// BaseURL is where users reach joinedup, such as https://joinedup.example.nhs.uk.
	// An https base URL makes cookies Secure.
	BaseURL string
	// TrustProxy takes the client address from X-Forwarded-For, for use
	// behind a reverse proxy that sets it.
	TrustProxy bool
	// AuditMaxUnsealed is how old an unsealed audit row may be before the
	// integrity check reports it.
	AuditMaxUnsealed time.Duration
	Version          string
	// Directory is the directory's search index. When nil, New builds one
	// from the store.
	Directory *directory.Index
	// Calendar is the working calendar; its zone is the one people read
	// times in. Required.
	Calendar *care.Calendar
	// Metrics is the registry the server adds its request metrics to and
	// serves at /metrics, where whatever else is registered on it (the Go
	// runtime, the process, database pools, jobs) appears too. When nil,
	// the server makes a registry of its own with only its own metrics.
	Metrics *prometheus.Registry
}

// Server holds what the handlers share. It has no mutable state of its own
// beyond its metrics.
type Server struct {
	store   *store.Store
	auth    *auth.Service
	log     *slog.Logger
	cfg     Config
	pages   *pages
	assets  *assets
	metrics *httpMetrics
	// metricsPage serves the registry the metrics are on.
	metricsPage http.Handler
	mux         *http.ServeMux
	handler     http.Handler
	dir         *directory.Index
	oruk        *oruk.API
	// loc is the zone people read times in: the calendar's.
	loc *time.Location
}

// routePattern names the route a request matches, for metrics and logs.
func (s *Server) routePattern(r *http.Request) string {
	if isORUK(r.URL.Path) {
		if p := s.oruk.Pattern(r); p != "" {
			return p
		}
		return "unmatched"
	}
	if _, pattern := s.mux.Handler(r); pattern != "" {
		return pattern
	}
	return "unmatched"
}

// New builds the web interface.
func New(s *store.Store, a *auth.Service, log *slog.Logger, cfg Config) (*Server, error) {
	if cfg.Calendar == nil {
		return nil, errors.New("the web interface needs a working calendar (Config.Calendar)")
	}
	loc := cfg.Calendar.Location()
	as, err := loadAssets()
	if err != nil {
		return nil, err
	}
	p, err := parsePages(as, loc)
	if err != nil {
		return nil, err
	}
	if cfg.AuditMaxUnsealed == 0 {
		cfg.AuditMaxUnsealed = 5 * time.Minute
	}
	dir := cfg.Directory
	if dir == nil {
		dir = directory.New(directory.Options{Location: loc})
		if err := dir.LoadAll(context.Background(), s); err != nil {
			// An unmigrated database has no directory yet; the index stays
			// empty until the next successful sync.
			log.Warn("the directory index could not be loaded", "err", err)
		}
	}
	reg := cfg.Metrics
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	m, err := newHTTPMetrics(reg)
	if err != nil {
		return nil, err
	}
	srv := &Server{store: s, auth: a, log: log, cfg: cfg, pages: p, assets: as, metrics: m,
		metricsPage: metricsHandler(reg, log), dir: dir, loc: loc}
	srv.handler = srv.routes()
	return srv, nil
}

func (s *Server) secureCookies() bool { return strings.HasPrefix(s.cfg.BaseURL, "https://") }

// ready reports whether the database answers and is fully migrated.
func (s *Server) ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		return err
	}
	pending, err := s.store.PendingMigrations(ctx)
	if err != nil {
		return err
	}
	if len(pending) > 0 {
		return errPendingMigrations
	}
	return nil
}

type constError string

func (e constError) Error() string { return string(e) }

const errPendingMigrations = constError("migrations are pending")

// ServeHTTP serves every route.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }
