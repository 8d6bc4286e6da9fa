package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/joinedup/joinedup/internal/care"
)

// BenchmarkReferralWriteVsRawCommit measures durable, audited referral
// writes against the commit rate of raw SQLite on the same disk in the
// same run. Each iteration is one referral sent, acknowledged and
// accepted: three transactions, each with its audit rows, history,
// timeline event and notifications, committed with synchronous=FULL.
// The raw loop then commits one small row per transaction, three times as
// many, on a database opened with the same settings in the same directory.
// It reports referrals/s, referral-tx/s, raw-commits/s and tx-ratio, the
// referral transactions per second as a share of raw commits per second.
func BenchmarkReferralWriteVsRawCommit(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	s, err := Open(ctx, "sqlite:"+filepath.Join(dir, "referrals.db"), Options{Calendar: testCalendar(b)})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	f := newReferralFixture(b, s)
	gp, sw, form := f.gp, f.sw, f.form

	raw, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "raw.db")+
		"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)&_txlock=immediate")
	if err != nil {
		b.Fatal(err)
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1)
	if _, err := raw.Exec(`CREATE TABLE raw (id TEXT PRIMARY KEY, body TEXT NOT NULL)`); err != nil {
		b.Fatal(err)
	}

	n := 0
	started := time.Now()
	for b.Loop() {
		r, err := s.SendReferral(ctx, gp, form)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.ChangeReferral(ctx, sw, r.ID, care.ReceiverSide, care.ReferralChange{To: care.ReferralReceived}, 1); err != nil {
			b.Fatal(err)
		}
		if _, err := s.ChangeReferral(ctx, sw, r.ID, care.ReceiverSide, care.ReferralChange{To: care.ReferralAccepted}, 2); err != nil {
			b.Fatal(err)
		}
		n++
	}
	referrals := time.Since(started)
	started = time.Now()
	for i := range 3 * n {
		tx, err := raw.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tx.Exec(`INSERT INTO raw (id, body) VALUES (?, ?)`, newID(), "row "+itoa(i)); err != nil {
			b.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	rawTime := time.Since(started)
	txRate := float64(3*n) / referrals.Seconds()
	rawRate := float64(3*n) / rawTime.Seconds()
	b.ReportMetric(float64(n)/referrals.Seconds(), "referrals/s")
	b.ReportMetric(txRate, "referral-tx/s")
	b.ReportMetric(rawRate, "raw-commits/s")
	b.ReportMetric(txRate/rawRate, "tx-ratio")
}

// BenchmarkConcurrentReferralWrites measures durable, audited referral
// changes from 1, 4, 16 and 64 concurrent clients, with group commit (the
// product) and with every transaction committing alone, against raw
// single-row SQLite commits from one client on the same disk in the same
// run. Each client sends a referral, acknowledges it and accepts it, over
// and over. It reports referral transactions per second, their p99 in
// milliseconds, and tx-ratio: those transactions per second as a share of
// the raw commits per second on the same engine.
//
// With JOINEDUP_BENCH_POSTGRES naming a durable PostgreSQL server (fsync and
// synchronous_commit on: `PG_DURABLE=1 scripts/with-postgres` sets one up
// and JOINEDUP_TEST_POSTGRES; pass that on), it also runs on PostgreSQL,
// with commit_delay 0 and with commit_delay 1000 µs and commit_siblings 5,
// PostgreSQL's own way of making concurrent commits share a WAL flush. Its
// raw commits there are one small row per transaction to the same server.
func BenchmarkConcurrentReferralWrites(b *testing.B) {
	type mode struct {
		name string
		open func(b *testing.B, dir string) *Store
		// raw measures the engine's raw commit rate, the baseline.
		raw func(b *testing.B, dir string) float64
	}
	sqlite := func(single bool) func(b *testing.B, dir string) *Store {
		return func(b *testing.B, dir string) *Store {
			return openBenchStore(b, "sqlite:"+filepath.Join(dir, "referrals.db"), Options{SingleCommits: single, Calendar: testCalendar(b)})
		}
	}
	sqliteRaw := func(b *testing.B, dir string) float64 {
		return rawCommitRate(b, openRawSQLite(b, dir), 2*time.Second)
	}
	modes := []mode{{"sqlite-grouped", sqlite(false), sqliteRaw}, {"sqlite-single", sqlite(true), sqliteRaw}}
	if pg := os.Getenv("JOINEDUP_BENCH_POSTGRES"); pg != "" {
		pgRaw := func(b *testing.B, _ string) float64 {
			return rawCommitRate(b, openRawPostgres(b, pg), 2*time.Second)
		}
		for _, delay := range []string{"commit_delay=0", "commit_delay=1000&commit_siblings=5"} {
			modes = append(modes, mode{"postgres-" + strings.ReplaceAll(delay, "&", "-"), func(b *testing.B, dir string) *Store {
				return openBenchStore(b, benchSchema(b, pg)+"&"+delay, Options{Calendar: testCalendar(b)})
			}, pgRaw})
		}
	}
	for _, m := range modes {
		for _, clients := range []int{1, 4, 16, 64} {
			b.Run(fmt.Sprintf("%s/clients=%d", m.name, clients), func(b *testing.B) {
				dir := b.TempDir()
				s := m.open(b, dir)
				benchConcurrentReferrals(b, s, m.raw(b, dir), clients)
			})
		}
	}
}

// BenchmarkRawCommits is the baseline of every durable write: one small row
// committed per transaction, from one client, on SQLite opened with the
// store's settings (WAL, synchronous=FULL) in a temporary directory, and on
// the PostgreSQL server JOINEDUP_BENCH_POSTGRES names when it is set (use a
// durable one: `PG_DURABLE=1 scripts/with-postgres`). It reports commits/s
// and the p99 of one commit in milliseconds.
func BenchmarkRawCommits(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		benchRawCommits(b, openRawSQLite(b, b.TempDir()))
	})
	b.Run("postgres", func(b *testing.B) {
		pg := os.Getenv("JOINEDUP_BENCH_POSTGRES")
		if pg == "" {
			b.Skip("JOINEDUP_BENCH_POSTGRES is not set")
		}
		benchRawCommits(b, openRawPostgres(b, pg))
	})
}

func benchRawCommits(b *testing.B, raw *sql.DB) {
	var took []time.Duration
	started := time.Now()
	for b.Loop() {
		start := time.Now()
		insertRawRow(b, raw, len(took))
		took = append(took, time.Since(start))
	}
	elapsed := time.Since(started)
	slices.Sort(took)
	b.ReportMetric(float64(len(took))/elapsed.Seconds(), "commits/s")
	b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
}

func openBenchStore(b *testing.B, dsn string, opts Options) *Store {
	ctx := context.Background()
	s, err := Open(ctx, dsn, opts)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	return s
}

// benchSchema makes a fresh schema on the PostgreSQL server at base, drops
// it when the benchmark ends, and returns a URL whose search_path is it.
func benchSchema(b *testing.B, base string) string {
	ctx := context.Background()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		b.Fatal(err)
	}
	schema := "bench_" + strings.ReplaceAll(newID(), "-", "")[20:]
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		b.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func benchConcurrentReferrals(b *testing.B, s *Store, rawRate float64, clients int) {
	ctx := context.Background()
	f := newReferralFixture(b, s)

	var mu sync.Mutex
	var latencies []time.Duration
	timed := func(fn func() error) {
		start := time.Now()
		if err := fn(); err != nil {
			b.Error(err)
		}
		d := time.Since(start)
		mu.Lock()
		latencies = append(latencies, d)
		mu.Unlock()
	}
	work := make(chan struct{})
	var wg sync.WaitGroup
	started := time.Now()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range work {
				var r care.ReferralTask
				timed(func() (err error) { r, err = s.SendReferral(ctx, f.gp, f.form); return err })
				timed(func() error {
					_, err := s.ChangeReferral(ctx, f.sw, r.ID, care.ReceiverSide, care.ReferralChange{To: care.ReferralReceived}, 1)
					return err
				})
				timed(func() error {
					_, err := s.ChangeReferral(ctx, f.sw, r.ID, care.ReceiverSide, care.ReferralChange{To: care.ReferralAccepted}, 2)
					return err
				})
			}
		}()
	}
	for b.Loop() {
		work <- struct{}{}
	}
	close(work)
	wg.Wait()
	elapsed := time.Since(started)
	txRate := float64(len(latencies)) / elapsed.Seconds()
	slices.Sort(latencies)
	b.ReportMetric(txRate, "referral-tx/s")
	b.ReportMetric(float64(latencies[len(latencies)*99/100].Microseconds())/1000, "p99-ms")
	b.ReportMetric(rawRate, "raw-commits/s")
	b.ReportMetric(txRate/rawRate, "tx-ratio")
	if st := s.WriterStats(); st.Groups > 0 {
		b.ReportMetric(float64(st.Requests)/float64(st.Groups), "tx/commit")
	}
}

// referralFixture is a practice GP, a council social worker, a service and
// a person, ready for referrals.
type referralFixture struct {
	gp, sw care.Actor
	form   NewReferral
}

func newReferralFixture(b *testing.B, s *Store) referralFixture {
	ctx := context.Background()
	sys := care.SystemActor("bench")
	org := func(o care.Organisation) care.Organisation {
		created, err := s.CreateOrganisation(ctx, sys, o)
		if err != nil {
			b.Fatal(err)
		}
		return created
	}
	practice := org(care.Organisation{Name: "Practice", Kind: care.OrgGPPractice, ODSCode: "F84003"})
	council := org(care.Organisation{Name: "Council", Kind: care.OrgLocalAuthority, GSSCode: "E09000012"})
	actor := func(o care.Organisation, email string, role care.Role) (care.Actor, care.Team) {
		tm, err := s.CreateTeam(ctx, sys, care.Team{OrganisationID: o.ID, Name: email, Kind: "team"})
		if err != nil {
			b.Fatal(err)
		}
		u, err := s.CreateUser(ctx, sys, NewUser{Email: email, Name: email, PasswordHash: "h",
			Memberships: []NewMembership{{TeamID: tm.ID, Role: role}}})
		if err != nil {
			b.Fatal(err)
		}
		return care.Actor{UserID: u.ID, Name: u.Name, Acting: u.Memberships[0], Memberships: u.Memberships}, tm
	}
	gp, _ := actor(practice, "gp@example.nhs.uk", care.RoleGP)
	sw, swTeam := actor(council, "sw@example.gov.uk", care.RoleSocialWorker)
	sv, err := s.CreateService(ctx, sys, care.Service{OrganisationID: council.ID, TeamID: swTeam.ID, Name: "Social work",
		Description: "Social work.", Status: care.ServiceActive, Needs: []string{"personal-care"},
		Catchment: []care.CatchmentArea{{Kind: care.CatchLocalAuthority, Code: "E09000012"}},
		Referral:  care.Referral{Methods: []care.ReferralMethod{care.ReferThroughJoinedup}}, Capacity: care.Capacity{State: care.CapacityAccepting}})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.RegisterPerson(ctx, sys, care.Person{NHSNumber: "9990000026", GivenName: "Ada", FamilyName: "Lovelace",
		DateOfBirth: "1941-05-17", Address: "1 Road", Postcode: "E5 0PQ", RegisteredPracticeID: practice.ID}, nil, false); err != nil {
		b.Fatal(err)
	}
	return referralFixture{gp: gp, sw: sw, form: NewReferral{NHSNumber: "9990000026", ServiceID: sv.ID, NeedCode: "personal-care",
		Wants: "Help at home", Urgency: care.UrgencyRoutine, LegalBasis: care.LegalBasisConsent, Contact: "Phone", ConfirmDuplicate: true}}
}

// openRawSQLite opens a raw SQLite database in dir with the store's
// settings and one table for raw commits.
func openRawSQLite(b *testing.B, dir string) *sql.DB {
	raw, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "raw.db")+
		"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)&_txlock=immediate")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { raw.Close() })
	raw.SetMaxOpenConns(1)
	if _, err := raw.Exec(`CREATE TABLE raw (id TEXT PRIMARY KEY, body TEXT NOT NULL)`); err != nil {
		b.Fatal(err)
	}
	return raw
}

// openRawPostgres makes a fresh schema on the PostgreSQL server at base,
// with one table for raw commits, and opens one connection to it.
func openRawPostgres(b *testing.B, base string) *sql.DB {
	raw, err := sql.Open("pgx", benchSchema(b, base))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { raw.Close() })
	raw.SetMaxOpenConns(1)
	if _, err := raw.Exec(`CREATE TABLE raw (id TEXT PRIMARY KEY, body TEXT NOT NULL)`); err != nil {
		b.Fatal(err)
	}
	return raw
}

// insertRawRow commits one small row in its own transaction.
func insertRawRow(b *testing.B, raw *sql.DB, n int) {
	if _, err := raw.Exec(`INSERT INTO raw (id, body) VALUES ($1, $2)`, newID(), "row "+itoa(n)); err != nil {
		b.Fatal(err)
	}
}

// rawCommitRate commits one small row per transaction to raw for about d
// and returns the commits per second: the engine's durable commit rate.
func rawCommitRate(b *testing.B, raw *sql.DB, d time.Duration) float64 {
	n := 0
	started := time.Now()
	for time.Since(started) < d {
		insertRawRow(b, raw, n)
		n++
	}
	return float64(n) / time.Since(started).Seconds()
}
