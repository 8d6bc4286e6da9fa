package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/google/uuid"

	"github.com/joinedup/joinedup/internal/store"
)

// jobClaimer claims shared jobs' runs in the database, so that instances
// sharing it run each once per interval between them.
type jobClaimer struct {
	st       *store.Store
	instance string
}

// Claim implements jobs.Claimer. A claim outlives any sane run (five
// intervals, at least a minute), so only a dead instance's claim ever runs
// out.
func (c jobClaimer) Claim(ctx context.Context, job string, interval time.Duration) (func(), bool, error) {
	ok, err := c.st.ClaimJob(ctx, job, c.instance, interval, max(5*interval, time.Minute))
	if err != nil || !ok {
		return nil, false, err
	}
	release := func() {
		// Released even while shutting down, so another instance can take
		// the job's next run at once.
		c.st.ReleaseJob(context.WithoutCancel(ctx), job, c.instance)
	}
	return release, true, nil
}

// instanceName names this process among the instances sharing a database:
// the host, the process and a random part, so a restarted process is a new
// instance.
func instanceName() string {
	host, err := os.Hostname()
	if err != nil {
		host = "unknown-host"
	}
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), uuid.NewString()[:8])
}
