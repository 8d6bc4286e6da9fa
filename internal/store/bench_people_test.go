package store_test

// Benchmarks of the person record at integrated care system scale:
//
//	JOINEDUP_BENCH_PEOPLE=3500000 JOINEDUP_BENCH_DB=sqlite:/var/tmp/bench-people.db \
//	  go test ./internal/store -run '^$' -bench 'PersonLookup|PersonPage' -benchtime 5000x
//
// The population comes from demo.People, seeded. The 999 range holds only
// 909,091 valid NHS numbers, so people beyond that are given 999-range
// numbers whose check digit is wrong: they can never belong to a real
// person, and they reach the database only through BenchInsertPeople, which
// exists in test files alone. The lookups use real-format numbers.
//
// JOINEDUP_BENCH_PEOPLE defaults to 100,000 and JOINEDUP_BENCH_DB to a
// temporary SQLite file; a named database that already holds the population
// is reused, so the slow build happens once. A postgres:// URL works too.
// Each benchmark reports its p50 and p99 in milliseconds.

import (
	"context"
	"io"
	"iter"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/joinedup/joinedup/internal/auth"
	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/demo"
	"github.com/joinedup/joinedup/internal/store"
	"github.com/joinedup/joinedup/internal/web"
)

const (
	benchSeed     = 20260401
	benchPractice = "F84003"
	benchEmail    = "bench-gp@example.nhs.uk"
	benchPassword = "a long benchmark password"
)

// benchPopulation is a database holding the population, a GP at the
// benchmark practice, and a sample of that practice's patients.
type benchPopulation struct {
	st     *store.Store
	gp     care.Actor
	sample []care.NHSNumber
	size   int
}

func openPopulation(b *testing.B) *benchPopulation {
	b.Helper()
	ctx := context.Background()
	size := 100_000
	if v := os.Getenv("JOINEDUP_BENCH_PEOPLE"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1000 {
			b.Fatalf("JOINEDUP_BENCH_PEOPLE=%q is not a number of at least 1000", v)
		}
		size = n
	}
	dsn := os.Getenv("JOINEDUP_BENCH_DB")
	if dsn == "" {
		dsn = "sqlite:" + filepath.Join(b.TempDir(), "bench.db")
	}
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		b.Fatal(err)
	}
	cal, err := care.NewCalendar(london)
	if err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(ctx, dsn, store.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Calendar: cal})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	p := &benchPopulation{st: st, size: size}
	practices := p.ensureArea(b)
	have, err := st.CountPeople(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if have < size {
		if have != 0 {
			b.Fatalf("%s holds %d people, not %d: use an empty database", dsn, have, size)
		}
		start := time.Now()
		p.build(b, practices)
		b.Logf("built %d people in %v", size, time.Since(start).Round(time.Second))
	}
	// The sample: people at the benchmark practice, spread over the
	// population of valid numbers.
	for q := range demo.People(benchSeed, min(size, demo.MaxPeople)) {
		if q.PracticeODS == benchPractice {
			p.sample = append(p.sample, q.NHSNumber)
		}
	}
	return p
}

// ensureArea creates the organisations and the benchmark GP, once, and
// returns the practices' organisation ids by ODS code.
func (p *benchPopulation) ensureArea(b *testing.B) map[string]care.Organisation {
	ctx := context.Background()
	sys := care.SystemActor("benchmark")
	ds := demo.Generate(benchSeed)
	if _, err := p.st.OrganisationByCode(ctx, benchPractice); care.IsKind(err, care.KindNotFound) {
		for _, o := range ds.Organisations {
			if _, err := p.st.CreateOrganisation(ctx, sys, care.Organisation{Name: o.Name, Kind: care.OrgKind(o.Kind),
				ODSCode: o.ODSCode, GSSCode: o.GSSCode, Postcode: o.Postcode, Phone: o.Phone, LocalAuthorityGSS: o.LocalAuthorityGSS}); err != nil {
				b.Fatal(err)
			}
		}
		org, err := p.st.OrganisationByCode(ctx, benchPractice)
		if err != nil {
			b.Fatal(err)
		}
		team, err := p.st.CreateTeam(ctx, sys, care.Team{OrganisationID: org.ID, Name: "Benchmark practice team", Kind: "practice"})
		if err != nil {
			b.Fatal(err)
		}
		hash, _ := auth.HashPassword(benchPassword, auth.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1})
		if _, err := p.st.CreateUser(ctx, sys, store.NewUser{Email: benchEmail, Name: "Benchmark GP", PasswordHash: hash,
			Memberships: []store.NewMembership{{TeamID: team.ID, Role: care.RoleGP}}}); err != nil {
			b.Fatal(err)
		}
	} else if err != nil {
		b.Fatal(err)
	}
	u, err := p.st.UserByEmail(ctx, benchEmail)
	if err != nil {
		b.Fatal(err)
	}
	p.gp = care.Actor{UserID: u.ID, Name: u.Name, Acting: u.Memberships[0], Memberships: u.Memberships}
	practices := map[string]care.Organisation{}
	for _, o := range ds.Organisations {
		if o.ODSCode != "" {
			org, err := p.st.OrganisationByCode(ctx, o.ODSCode)
			if err != nil {
				b.Fatal(err)
			}
			practices[o.ODSCode] = org
		}
	}
	return practices
}

// invalidNumbers yields 999-range numbers whose last digit is not their
// check digit, in order: numbers no one can ever be given.
func invalidNumbers(yield func(care.NHSNumber) bool) {
	for prefix := 999_000_000; prefix <= 999_999_999; prefix++ {
		first9 := strconv.Itoa(prefix)
		check, ok := care.NHSCheckDigit(first9)
		for d := 0; d <= 9; d++ {
			if ok && d == check {
				continue
			}
			if !yield(care.NHSNumber(first9 + strconv.Itoa(d))) {
				return
			}
		}
	}
}

func (p *benchPopulation) build(b *testing.B, practices map[string]care.Organisation) {
	ctx := context.Background()
	batch := make([]care.Person, 0, 20_000)
	flush := func() {
		if err := p.st.BenchInsertPeople(ctx, batch); err != nil {
			b.Fatal(err)
		}
		batch = batch[:0]
	}
	add := func(q demo.Person, n care.NHSNumber) {
		o := practices[q.PracticeODS]
		batch = append(batch, care.Person{NHSNumber: n, GivenName: q.GivenName, FamilyName: q.FamilyName, DateOfBirth: q.DateOfBirth,
			Postcode: q.Postcode, RegisteredPracticeID: o.ID, LocalAuthorityGSS: o.LocalAuthorityGSS, Address: "1 Benchmark Road",
			Phone: "020 7946 0000"})
		if len(batch) == cap(batch) {
			flush()
		}
	}
	done := 0
	for q := range demo.People(benchSeed, min(p.size, demo.MaxPeople)) {
		add(q, q.NHSNumber)
		done++
	}
	// Beyond the valid numbers: the same kind of people from further
	// streams, under numbers that fail the check digit.
	next, stop := iter.Pull(invalidNumbers)
	defer stop()
	for stream := uint64(1); done < p.size; stream++ {
		for q := range demo.People(benchSeed+stream, min(p.size-done, demo.MaxPeople)) {
			n, ok := next()
			if !ok {
				b.Fatal("ran out of invalid 999-range numbers")
			}
			add(q, n)
			done++
		}
	}
	if len(batch) > 0 {
		flush()
	}
}

// latencies collects timings and reports percentiles.
type latencies []time.Duration

func (l latencies) report(b *testing.B) {
	if len(l) == 0 {
		return
	}
	s := slices.Clone(l)
	slices.Sort(s)
	at := func(q float64) float64 {
		return float64(s[min(len(s)-1, int(q*float64(len(s))))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), "p50_ms")
	b.ReportMetric(at(0.99), "p99_ms")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkPersonLookupByNHSNumber finds a person by NHS number as the
// product does: the GP's search, which checks the relationship and audits
// the search and the person found, in one durable transaction.
func BenchmarkPersonLookupByNHSNumber(b *testing.B) {
	p := openPopulation(b)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(1, 2))
	var l latencies
	b.ResetTimer()
	for b.Loop() {
		n := p.sample[r.IntN(len(p.sample))]
		start := time.Now()
		got, err := p.st.SearchPeople(ctx, p.gp, care.PersonQuery{NHSNumber: n})
		l = append(l, time.Since(start))
		if err != nil || len(got) != 1 {
			b.Fatalf("lookup of %s: %d found, %v", n, len(got), err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(p.size), "people")
	l.report(b)
}

// BenchmarkPersonLookupConcurrent is BenchmarkPersonLookupByNHSNumber with
// 1, 4, 16 and 64 GPs looking people up at once (clients=N), so their audit
// rows share commits. Each reports lookups/s besides p50 and p99.
func BenchmarkPersonLookupConcurrent(b *testing.B) {
	p := openPopulation(b)
	for _, clients := range []int{1, 4, 16, 64} {
		b.Run("clients="+strconv.Itoa(clients), func(b *testing.B) {
			benchConcurrentLookups(b, p, clients)
		})
	}
}

func benchConcurrentLookups(b *testing.B, p *benchPopulation, clients int) {
	ctx := context.Background()
	var mu sync.Mutex
	var l latencies
	work := make(chan care.NHSNumber)
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range work {
				start := time.Now()
				got, err := p.st.SearchPeople(ctx, p.gp, care.PersonQuery{NHSNumber: n})
				d := time.Since(start)
				if err != nil || len(got) != 1 {
					b.Errorf("lookup of %s: %d found, %v", n, len(got), err)
				}
				mu.Lock()
				l = append(l, d)
				mu.Unlock()
			}
		}()
	}
	r := rand.New(rand.NewPCG(1, 2))
	started := time.Now()
	for b.Loop() {
		work <- p.sample[r.IntN(len(p.sample))]
	}
	close(work)
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(len(l))/time.Since(started).Seconds(), "lookups/s")
	b.ReportMetric(float64(p.size), "people")
	l.report(b)
}

// BenchmarkPersonLookupWithoutAudit is the same lookup — the index, then
// the relationship rules — in a read-only transaction without the audit
// commit, to show how much of the audited lookup is the disk's fsync.
func BenchmarkPersonLookupWithoutAudit(b *testing.B) {
	p := openPopulation(b)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(1, 2))
	var l latencies
	b.ResetTimer()
	for b.Loop() {
		n := p.sample[r.IntN(len(p.sample))]
		start := time.Now()
		level, err := p.st.BenchLookup(ctx, p.gp, n)
		l = append(l, time.Since(start))
		if err != nil || level != care.AccessFull {
			b.Fatalf("lookup of %s: %v, %v", n, level, err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(p.size), "people")
	l.report(b)
}

// BenchmarkPersonPageHTTP asks for person pages over HTTP as a signed-in GP,
// through the whole web stack: session, relationship check, the record's
// parts, the audited read, the template. One client asks at a time;
// "4-clients" has four asking at once on the two cores.
func BenchmarkPersonPageHTTP(b *testing.B) {
	p := openPopulation(b)
	ctx := context.Background()
	cfg := auth.DefaultConfig()
	cfg.Argon2 = auth.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}
	a, err := auth.NewService(p.st, cfg)
	if err != nil {
		b.Fatal(err)
	}
	h, err := web.New(p.st, a, slog.New(slog.NewTextHandler(io.Discard, nil)), web.Config{Calendar: p.st.Calendar()})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	// The pages of a few hundred of the practice's patients.
	var ids []string
	for i, n := range p.sample {
		if i%max(1, len(p.sample)/500) != 0 {
			continue
		}
		got, err := p.st.SearchPeople(ctx, p.gp, care.PersonQuery{NHSNumber: n})
		if err != nil || len(got) != 1 {
			b.Fatalf("finding %s: %v", n, err)
		}
		ids = append(ids, got[0].ID)
	}
	client := func() *http.Client {
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/sign-in", nil)
		req.Body = io.NopCloser(strings.NewReader(url.Values{"email": {benchEmail}, "password": {benchPassword}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin")
		res, err := c.Do(req)
		if err != nil || res.StatusCode != http.StatusSeeOther {
			b.Fatalf("sign in: %v %v", res, err)
		}
		res.Body.Close()
		return c
	}
	get := func(c *http.Client, id string) time.Duration {
		start := time.Now()
		res, err := c.Get(srv.URL + "/people/" + id)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		took := time.Since(start)
		if res.StatusCode != http.StatusOK {
			b.Fatalf("person page = %d", res.StatusCode)
		}
		return took
	}
	b.Run("1-client", func(b *testing.B) {
		c := client()
		r := rand.New(rand.NewPCG(3, 4))
		var l latencies
		for b.Loop() {
			l = append(l, get(c, ids[r.IntN(len(ids))]))
		}
		b.ReportMetric(float64(p.size), "people")
		l.report(b)
	})
	b.Run("4-clients", func(b *testing.B) {
		results := make(chan latencies, 8)
		b.SetParallelism(2)
		b.RunParallel(func(pb *testing.PB) {
			c := client()
			r := rand.New(rand.NewPCG(rand.Uint64(), 5))
			var l latencies
			for pb.Next() {
				l = append(l, get(c, ids[r.IntN(len(ids))]))
			}
			results <- l
		})
		close(results)
		var all latencies
		for l := range results {
			all = append(all, l...)
		}
		b.ReportMetric(float64(p.size), "people")
		all.report(b)
	})
}
