package store

import (
	"context"
	"time"
)

// ClaimJob claims the next run of a shared background job for holder (an
// instance), so that instances sharing the database run it once per
// interval between them. It succeeds when the job's next run is due and no
// other holder's claim is live; the claim then lasts until ReleaseJob or,
// should the holder die mid-run, until lease has passed. On PostgreSQL the
// row lock makes simultaneous claims take turns, and the second finds the
// next run no longer due; on SQLite the single writer does the same.
func (s *Store) ClaimJob(ctx context.Context, job, holder string, interval, lease time.Duration) (bool, error) {
	claimed := false
	err := s.write(ctx, func(t *tx) error {
		// A tenth of the interval's slack keeps a holder whose ticker fires
		// a little early from missing every other run.
		next := t.now.Add(interval - interval/10)
		if _, err := t.exec(ctx, `INSERT INTO job_claims (job, next_run_at) VALUES (?, ?)
			ON CONFLICT (job) DO NOTHING`, job, time.Unix(0, 0)); err != nil {
			return err
		}
		res, err := t.exec(ctx, `UPDATE job_claims SET holder = ?, next_run_at = ?, lease_until = ?, claimed_at = ?
			WHERE job = ? AND next_run_at <= ? AND (lease_until IS NULL OR lease_until <= ?)`,
			holder, next, t.now.Add(lease), t.now, job, t.now, t.now)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		claimed = n == 1
		return err
	})
	return claimed, err
}

// ReleaseJob ends holder's claim on a job's run once the run is over; the
// next run is still not due until the interval has passed.
func (s *Store) ReleaseJob(ctx context.Context, job, holder string) error {
	return s.write(ctx, func(t *tx) error {
		_, err := t.exec(ctx, `UPDATE job_claims SET lease_until = NULL WHERE job = ? AND holder = ?`, job, holder)
		return err
	})
}
