package store

import (
	"context"
	"sync"
	"testing"
	"time"
)

// TestJobClaimsRunEachJobOncePerInterval has eight claimants race for a
// job's run: exactly one wins; nobody wins again before the interval has
// passed, released or not; and a claim its holder never released (a dead
// instance) runs out after its lease.
func TestJobClaimsRunEachJobOncePerInterval(t *testing.T) {
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		clock := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
		var mu sync.Mutex
		s.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
		advance := func(d time.Duration) { mu.Lock(); clock = clock.Add(d); mu.Unlock() }
		race := func() []string {
			var wg sync.WaitGroup
			var winners []string
			var wmu sync.Mutex
			for i := range 8 {
				holder := "instance-" + itoa(i)
				wg.Go(func() {
					ok, err := s.ClaimJob(ctx, "escalate-referrals", holder, time.Minute, 5*time.Minute)
					if err != nil {
						t.Error(err)
					}
					if ok {
						wmu.Lock()
						winners = append(winners, holder)
						wmu.Unlock()
					}
				})
			}
			wg.Wait()
			return winners
		}
		first := race()
		if len(first) != 1 {
			t.Fatalf("%d claimants won the first run, want 1: %v", len(first), first)
		}
		if err := s.ReleaseJob(ctx, "escalate-referrals", first[0]); err != nil {
			t.Fatal(err)
		}
		if again := race(); len(again) != 0 {
			t.Fatalf("%v claimed the job again within its interval", again)
		}
		advance(time.Minute)
		second := race()
		if len(second) != 1 {
			t.Fatalf("%d claimants won the run after the interval, want 1", len(second))
		}
		// The holder dies without releasing: nobody may run the job until
		// its lease has run out, even though the interval has passed.
		advance(2 * time.Minute)
		if stolen := race(); len(stolen) != 0 {
			t.Fatalf("%v took the job while its holder's lease was live", stolen)
		}
		advance(3 * time.Minute)
		if taken := race(); len(taken) != 1 {
			t.Fatalf("%d claimants took over the dead holder's job, want 1", len(taken))
		}
		// Another job is claimed independently.
		ok, err := s.ClaimJob(ctx, "seal-audit", "instance-0", time.Second, time.Minute)
		if err != nil || !ok {
			t.Fatalf("claim of another job: %v %v", ok, err)
		}
	})
}
