-- Shared background jobs run once per interval across the instances sharing
-- a database: before each run an instance claims the job's row, which says
-- who holds the run now, until when (so a dead instance's claim runs out),
-- and when the next run is due.
CREATE TABLE job_claims (
    job TEXT PRIMARY KEY,
    holder TEXT,
    next_run_at TIMESTAMPTZ NOT NULL,
    lease_until TIMESTAMPTZ,
    claimed_at TIMESTAMPTZ
);
