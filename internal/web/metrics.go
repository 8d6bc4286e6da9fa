package web

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"time"
)

// latencyBuckets are the histogram bounds in seconds, chosen around the
// 50 ms page budget.
var latencyBuckets = []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5}

type routeKey struct {
	route  string
	method string
}

type routeStats struct {
	byStatus map[int]uint64
	buckets  []uint64
	sum      float64
	count    uint64
}

// metrics counts requests and their latency per route, for /metrics in the
// Prometheus text format. Routes are patterns, never paths, so no identifier
// from a URL can reach the metrics.
type metrics struct {
	mu     sync.Mutex
	routes map[routeKey]*routeStats
}

func newMetrics() *metrics { return &metrics{routes: map[routeKey]*routeStats{}} }

func (m *metrics) observe(route, method string, status int, d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	k := routeKey{route, method}
	st := m.routes[k]
	if st == nil {
		st = &routeStats{byStatus: map[int]uint64{}, buckets: make([]uint64, len(latencyBuckets))}
		m.routes[k] = st
	}
	st.byStatus[status]++
	secs := d.Seconds()
	for i, b := range latencyBuckets {
		if secs <= b {
			st.buckets[i]++
		}
	}
	st.sum += secs
	st.count++
}

func (m *metrics) write(w io.Writer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	keys := make([]routeKey, 0, len(m.routes))
	for k := range m.routes {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].route != keys[j].route {
			return keys[i].route < keys[j].route
		}
		return keys[i].method < keys[j].method
	})
	fmt.Fprintln(w, "# HELP joinedup_http_requests_total HTTP requests by route, method and status code.")
	fmt.Fprintln(w, "# TYPE joinedup_http_requests_total counter")
	for _, k := range keys {
		st := m.routes[k]
		codes := make([]int, 0, len(st.byStatus))
		for c := range st.byStatus {
			codes = append(codes, c)
		}
		sort.Ints(codes)
		for _, c := range codes {
			fmt.Fprintf(w, "joinedup_http_requests_total{route=%q,method=%q,code=\"%d\"} %d\n", k.route, k.method, c, st.byStatus[c])
		}
	}
	fmt.Fprintln(w, "# HELP joinedup_http_request_duration_seconds HTTP request latency by route and method.")
	fmt.Fprintln(w, "# TYPE joinedup_http_request_duration_seconds histogram")
	for _, k := range keys {
		st := m.routes[k]
		for i, b := range latencyBuckets {
			fmt.Fprintf(w, "joinedup_http_request_duration_seconds_bucket{route=%q,method=%q,le=%q} %d\n", k.route, k.method, strconv.FormatFloat(b, 'g', -1, 64), st.buckets[i])
		}
		fmt.Fprintf(w, "joinedup_http_request_duration_seconds_bucket{route=%q,method=%q,le=\"+Inf\"} %d\n", k.route, k.method, st.count)
		fmt.Fprintf(w, "joinedup_http_request_duration_seconds_sum{route=%q,method=%q} %g\n", k.route, k.method, st.sum)
		fmt.Fprintf(w, "joinedup_http_request_duration_seconds_count{route=%q,method=%q} %d\n", k.route, k.method, st.count)
	}
}

func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
	s.metrics.write(w)
	pools := s.store.PoolStats()
	names := make([]string, 0, len(pools))
	for n := range pools {
		names = append(names, n)
	}
	sort.Strings(names)
	gauge := func(name, help string, value func(string) float64) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name)
		for _, n := range names {
			fmt.Fprintf(w, "%s{pool=%q} %g\n", name, n, value(n))
		}
	}
	gauge("joinedup_db_connections_open", "Open database connections.", func(n string) float64 { return float64(pools[n].OpenConnections) })
	gauge("joinedup_db_connections_in_use", "Database connections in use.", func(n string) float64 { return float64(pools[n].InUse) })
	gauge("joinedup_db_connections_idle", "Idle database connections.", func(n string) float64 { return float64(pools[n].Idle) })
	gauge("joinedup_db_connections_max_open", "Most database connections allowed.", func(n string) float64 { return float64(pools[n].MaxOpenConnections) })
	fmt.Fprintln(w, "# HELP joinedup_db_wait_total Connections waited for.\n# TYPE joinedup_db_wait_total counter")
	for _, n := range names {
		fmt.Fprintf(w, "joinedup_db_wait_total{pool=%q} %d\n", n, pools[n].WaitCount)
	}
	fmt.Fprintln(w, "# HELP joinedup_db_wait_seconds_total Time spent waiting for connections.\n# TYPE joinedup_db_wait_seconds_total counter")
	for _, n := range names {
		fmt.Fprintf(w, "joinedup_db_wait_seconds_total{pool=%q} %g\n", n, pools[n].WaitDuration.Seconds())
	}
}

// statusRecorder remembers the status a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// observe records metrics and writes one log line per request, with the
// route pattern rather than the path so no identifier reaches the logs.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		route := s.routePattern(r)
		d := time.Since(start)
		s.metrics.observe(route, r.Method, rec.status, d)
		s.log.Info("request", "method", r.Method, "route", route, "status", rec.status, "duration_ms", float64(d.Microseconds())/1000)
	})
}
