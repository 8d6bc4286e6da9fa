package main

import (
	"database/sql"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// newMetrics makes the registry a server's /metrics shows, with what belongs
// to the whole process: the Go runtime, the process (CPU, memory, open
// files) and the database pools. The web server and the job runner add
// their own series to it; so will anything else that has something to count.
func newMetrics(pools func() map[string]sql.DBStats) (*prometheus.Registry, error) {
	reg := prometheus.NewRegistry()
	for _, c := range []prometheus.Collector{
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		newPoolCollector(pools),
	} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return reg, nil
}

// poolCollector reports the database connection pools (store.PoolStats)
// when /metrics is read, so the figures are current and nothing polls.
type poolCollector struct {
	pools                                          func() map[string]sql.DBStats
	open, inUse, idle, maxOpen, waits, waitSeconds *prometheus.Desc
}

func newPoolCollector(pools func() map[string]sql.DBStats) *poolCollector {
	desc := func(name, help string) *prometheus.Desc {
		return prometheus.NewDesc(name, help, []string{"pool"}, nil)
	}
	return &poolCollector{
		pools:       pools,
		open:        desc("joinedup_db_connections_open", "Open database connections."),
		inUse:       desc("joinedup_db_connections_in_use", "Database connections in use."),
		idle:        desc("joinedup_db_connections_idle", "Idle database connections."),
		maxOpen:     desc("joinedup_db_connections_max_open", "Most database connections allowed."),
		waits:       desc("joinedup_db_wait_total", "Connections waited for."),
		waitSeconds: desc("joinedup_db_wait_seconds_total", "Time spent waiting for connections."),
	}
}

func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.open, c.inUse, c.idle, c.maxOpen, c.waits, c.waitSeconds} {
		ch <- d
	}
}

func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	for name, st := range c.pools() {
		ch <- prometheus.MustNewConstMetric(c.open, prometheus.GaugeValue, float64(st.OpenConnections), name)
		ch <- prometheus.MustNewConstMetric(c.inUse, prometheus.GaugeValue, float64(st.InUse), name)
		ch <- prometheus.MustNewConstMetric(c.idle, prometheus.GaugeValue, float64(st.Idle), name)
		ch <- prometheus.MustNewConstMetric(c.maxOpen, prometheus.GaugeValue, float64(st.MaxOpenConnections), name)
		ch <- prometheus.MustNewConstMetric(c.waits, prometheus.CounterValue, float64(st.WaitCount), name)
		ch <- prometheus.MustNewConstMetric(c.waitSeconds, prometheus.CounterValue, st.WaitDuration.Seconds(), name)
	}
}
