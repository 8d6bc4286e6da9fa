package store

import (
	"context"
	"database/sql"
	"log/slog"
	"sync"
	"time"
)

// Background WAL checkpoints on SQLite.
//
// By default SQLite checkpoints inside the commit that takes the WAL past
// 1,000 pages, so one unlucky request pays for copying the log into the
// database and its fsync. The writer connection is opened with automatic
// checkpoints off, and this goroutine does the work off the request path on
// a connection of its own:
//
//   - after commits, a PASSIVE checkpoint, which never blocks the writer or
//     readers and copies what it can;
//   - when writes have stopped for a while, a TRUNCATE checkpoint, which
//     also shrinks the WAL file back to nothing;
//   - when the WAL has grown past maxWALPages anyway (readers holding old
//     snapshots stop passive checkpoints from finishing), a RESTART
//     checkpoint, which waits for those readers and briefly holds up the
//     writer, so the WAL stays bounded.

// Checkpoint tuning. A WAL page is the database page size, 4 KiB by default.
const (
	checkpointEvery = 200 * time.Millisecond
	checkpointIdle  = 2 * time.Second
	maxWALPages     = 16384 // 64 MiB of 4 KiB pages
)

type checkpointer struct {
	db        *sql.DB
	log       *slog.Logger
	committed chan struct{}
	stop      chan struct{}
	stopped   chan struct{}
	once      sync.Once

	mu    sync.Mutex
	stats CheckpointStats
}

// CheckpointStats reports the background checkpointer's work.
type CheckpointStats struct {
	Passive, Truncate, Restart int64
	// LastWALPages is the WAL's size in pages at the last checkpoint.
	LastWALPages int64
}

func newCheckpointer(db *sql.DB, log *slog.Logger) *checkpointer {
	c := &checkpointer{db: db, log: log, committed: make(chan struct{}, 1),
		stop: make(chan struct{}), stopped: make(chan struct{})}
	go c.loop()
	return c
}

func (c *checkpointer) loop() {
	defer close(c.stopped)
	dirty := false
	lastCommit := time.Now()
	tick := time.NewTicker(checkpointEvery)
	defer tick.Stop()
	for {
		select {
		case <-c.stop:
			if dirty {
				c.checkpoint("TRUNCATE")
			}
			return
		case <-c.committed:
			dirty = true
			lastCommit = time.Now()
		case <-tick.C:
			if !dirty {
				continue
			}
			if time.Since(lastCommit) >= checkpointIdle {
				c.checkpoint("TRUNCATE")
				dirty = false
				continue
			}
			if c.checkpoint("PASSIVE") > maxWALPages {
				c.checkpoint("RESTART")
			}
		}
	}
}

// checkpoint runs one checkpoint of the given mode and returns the WAL's
// size in pages, or 0 when it could not tell.
func (c *checkpointer) checkpoint(mode string) int64 {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var busy, logPages, done int64
	err := c.db.QueryRowContext(ctx, "PRAGMA wal_checkpoint("+mode+")").Scan(&busy, &logPages, &done)
	if err != nil {
		c.log.Error("store: checkpoint", "mode", mode, "err", err)
		return 0
	}
	c.mu.Lock()
	switch mode {
	case "PASSIVE":
		c.stats.Passive++
	case "TRUNCATE":
		c.stats.Truncate++
	case "RESTART":
		c.stats.Restart++
	}
	c.stats.LastWALPages = logPages
	c.mu.Unlock()
	return logPages
}

func (c *checkpointer) close() {
	c.once.Do(func() { close(c.stop) })
	<-c.stopped
}

func (c *checkpointer) snapshot() CheckpointStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats
}
