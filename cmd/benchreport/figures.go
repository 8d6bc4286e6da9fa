package main

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// A figure is one measured number worth reading on its own, set against its
// budget and its baseline.
type figure struct {
	Benchmark string // the benchmark's name, as in the results
	What      string // what it measures, in words
	Engine    string // "SQLite" or "PostgreSQL"; "" where the engine does not matter
	Variant   string // a way of running it worth comparing: "group commit"
	Clients   int
	Size      float64 // how much data, in SizeUnit; 0 where not measured
	SizeUnit  string  // "people", "referrals", "services", "rows"
	Measure   string  // "p99" or "throughput"
	Value     float64
	Unit      string // "ms", "lookups/s"
	Runs      int    // how many results the value is the median of

	// Budget is the design's bound on Value, 0 where it has none. AtLeast
	// says it is a floor (throughput) rather than a ceiling (latency).
	Budget  float64
	AtLeast bool
	// Baseline is what the same run measured for the simplest work of the
	// same kind on the same engine, and BaselineName says what that was.
	Baseline     float64
	BaselineName string
	BaselineUnit string
}

// PerBudget is the value as a share of its budget: at most 1 is within a
// ceiling, at least 1 meets a floor. It is 0 without a budget.
func (f figure) PerBudget() float64 {
	if f.Budget == 0 {
		return 0
	}
	return f.Value / f.Budget
}

// PerBaseline is the value as a share of its baseline, 0 without one.
func (f figure) PerBaseline() float64 {
	if f.Baseline == 0 {
		return 0
	}
	return f.Value / f.Baseline
}

// Within reports whether the figure keeps its budget; ok is false when it
// has none.
func (f figure) Within() (within, ok bool) {
	if f.Budget == 0 {
		return false, false
	}
	if f.AtLeast {
		return f.Value >= f.Budget, true
	}
	return f.Value <= f.Budget, true
}

// The budgets, from section 6 of the design and the targets of the
// performance issue (2 cores, integrated-care-system scale).
const (
	budgetLookupMS     = 2      // an audited NHS-number lookup in process, p99, at 1 and 16 readers
	budgetPageMS       = 50     // every page and API call, p99
	budgetSearchMS     = 5      // directory search in process, p99
	budgetReferralRate = 1.0    // durable referral changes at 16 clients ÷ raw single-row commits
	budgetPostcodeRows = 100000 // postcodes imported a second
)

// A rule says which figures one benchmark's results give.
type rule struct {
	bench    string // the first element of the name
	what     string
	sizeUnit string
	// figures turns one result, already labelled, into figures; raw holds
	// the run's raw-commit baselines by engine.
	figures func(r labelled, raw map[string]rawBaseline) []figure
}

// rawBaseline is what BenchmarkRawCommits measured on one engine.
type rawBaseline struct{ perSecond, p99 float64 }

// labelled is a result with what its name and configuration say about it.
type labelled struct {
	result
	engine, variant string
	clients         int
	size            float64
	sizeUnit        string
}

var rules = []rule{
	{bench: "RawCommits", what: "raw single-row commit", figures: func(r labelled, _ map[string]rawBaseline) []figure {
		return []figure{
			r.figure("throughput", "commits/s", "commits/s", 0, false, 0, ""),
			r.figure("p99", "ms", "p99-ms", 0, false, 0, ""),
		}
	}},
	{bench: "PersonLookupByNHSNumber", what: "audited NHS-number lookup", sizeUnit: "people", figures: auditedLookup},
	{bench: "PersonLookupConcurrent", what: "audited NHS-number lookup", sizeUnit: "people", figures: auditedLookup},
	{bench: "PersonLookupWithoutAudit", what: "NHS-number lookup without its audit commit", sizeUnit: "people",
		figures: func(r labelled, _ map[string]rawBaseline) []figure {
			return []figure{r.figure("p99", "ms", "p99_ms", budgetLookupMS, false, 0, "")}
		}},
	{bench: "PersonPageHTTP", what: "person page over HTTP", sizeUnit: "people", figures: func(r labelled, _ map[string]rawBaseline) []figure {
		return []figure{r.figure("p99", "ms", "p99_ms", budgetPageMS, false, 0, "")}
	}},
	{bench: "IncomingQueuePage", what: "incoming referrals page over HTTP", sizeUnit: "referrals",
		figures: func(r labelled, _ map[string]rawBaseline) []figure {
			return []figure{r.figure("p99", "ms", "ms/p99", budgetPageMS, false, 0, "")}
		}},
	{bench: "ConcurrentReferralWrites", what: "durable, audited referral change", figures: func(r labelled, _ map[string]rawBaseline) []figure {
		raw := r.Metrics["raw-commits/s"]
		rate := r.figure("throughput", "tx/s", "referral-tx/s", 0, true, raw, "raw commits")
		// The target is set at 16 clients, for the product's ways of
		// committing; committing each alone is there to compare.
		if r.clients == 16 && r.variant != "one commit each" {
			rate.Budget = budgetReferralRate * raw
		}
		return []figure{rate, r.figure("p99", "ms", "p99-ms", 0, false, 0, "")}
	}},
	{bench: "Search", what: "directory search in process", sizeUnit: "services", figures: func(r labelled, _ map[string]rawBaseline) []figure {
		f := r.figure("p99", "ms", "p99-µs", budgetSearchMS, false, 0, "")
		f.Value /= 1000
		return []figure{f}
	}},
	{bench: "Listings", what: "Open Referral UK listing in process", sizeUnit: "services",
		figures: func(r labelled, _ map[string]rawBaseline) []figure {
			f := r.figure("p99", "ms", "p99-µs", 0, false, 0, "")
			f.Value /= 1000
			f.Variant = map[string]string{"Listings/page": "a page of 50", "Listings/near": "within 5 km"}[r.Name]
			return []figure{f}
		}},
	{bench: "ImportPostcodes", what: "postcode import", sizeUnit: "rows", figures: func(r labelled, _ map[string]rawBaseline) []figure {
		return []figure{r.figure("throughput", "rows/s", "rows/s", budgetPostcodeRows, true, 0, "")}
	}},
}

// auditedLookup gives an audited lookup's p99 against the budget and
// against one raw commit's p99, and, with several clients, its lookups a
// second against raw commits a second: each lookup makes its audit rows
// durable, so one raw commit is the least it can cost.
func auditedLookup(r labelled, raw map[string]rawBaseline) []figure {
	b := raw[r.engine]
	out := []figure{r.figure("p99", "ms", "p99_ms", budgetLookupMS, false, b.p99, "raw commit, p99")}
	if _, ok := r.Metrics["lookups/s"]; ok {
		out = append(out, r.figure("throughput", "lookups/s", "lookups/s", 0, true, b.perSecond, "raw commits"))
	}
	return out
}

// figure makes a figure of the result's metric named by key; a result
// without that metric gives a figure with no Measure, which is dropped.
// Its baseline, when there is one, is in the unit the metric's result
// says: "ms" or a rate of commits.
func (r labelled) figure(measure, unit, key string, budget float64, atLeast bool, baseline float64, baselineName string) figure {
	v, ok := r.Metrics[key]
	if !ok {
		return figure{}
	}
	f := figure{Benchmark: r.Name, Engine: r.engine, Variant: r.variant, Clients: r.clients, Size: r.size, SizeUnit: r.sizeUnit,
		Measure: measure, Value: v, Unit: unit, Runs: 1, Budget: budget, AtLeast: atLeast}
	if baseline > 0 {
		f.Baseline, f.BaselineName, f.BaselineUnit = baseline, baselineName, "ms"
		if measure == "throughput" {
			f.BaselineUnit = "commits/s"
		}
	}
	return f
}

// label works out the engine, the variant, the clients and the data size
// of a result from its name, its metrics and the configuration in force.
func label(r result, sizeUnit string) labelled {
	// Without an "engine:" line the benchmarks run on SQLite.
	l := labelled{result: r, clients: 1, sizeUnit: sizeUnit, engine: "SQLite"}
	switch strings.ToLower(r.Config["engine"]) {
	case "postgres", "postgresql":
		l.engine = "PostgreSQL"
	}
	for _, part := range strings.Split(r.Name, "/")[1:] {
		switch {
		case strings.HasPrefix(part, "clients="):
			if n, err := strconv.Atoi(strings.TrimPrefix(part, "clients=")); err == nil {
				l.clients = n
			}
		case strings.HasSuffix(part, "-client") || strings.HasSuffix(part, "-clients"):
			if n, err := strconv.Atoi(part[:strings.IndexByte(part, '-')]); err == nil {
				l.clients = n
			}
		case part == "sqlite" || strings.HasPrefix(part, "sqlite-"):
			l.engine = "SQLite"
			l.variant = variantNames[part]
		case part == "postgres" || strings.HasPrefix(part, "postgres-"):
			l.engine = "PostgreSQL"
			l.variant = variantNames[part]
		}
	}
	if sizeUnit != "" {
		if v, ok := r.Metrics[sizeUnit]; ok {
			l.size = v
		} else if v, err := strconv.ParseFloat(r.Config[sizeUnit], 64); err == nil {
			l.size = v
		}
	}
	return l
}

// variantNames names the ways of committing that the referral benchmark
// compares.
var variantNames = map[string]string{
	"sqlite-grouped":          "group commit",
	"sqlite-single":           "one commit each",
	"postgres-commit_delay=0": "commit_delay 0",
	"postgres-commit_delay=1000-commit_siblings=5": "commit_delay 1 ms",
}

// figures turns results into figures: each benchmark the rules know gives
// its figures, repeated results (-count) give their median, and the rest
// are left out. The figures come in the order of the rules, then by
// engine, variant, data size and clients.
func figures(results []result) []figure {
	raw := map[string]rawBaseline{}
	rawRuns := map[string][]rawBaseline{}
	for _, r := range results {
		if top(r.Name) == "RawCommits" {
			l := label(r, "")
			rawRuns[l.engine] = append(rawRuns[l.engine], rawBaseline{r.Metrics["commits/s"], r.Metrics["p99-ms"]})
		}
	}
	for engine, runs := range rawRuns {
		raw[engine] = rawBaseline{
			perSecond: median(runs, func(b rawBaseline) float64 { return b.perSecond }),
			p99:       median(runs, func(b rawBaseline) float64 { return b.p99 }),
		}
	}

	type key struct {
		rule                   int
		bench, engine, measure string
		size                   float64
	}
	groups := map[key][]figure{}
	var order []key
	for _, r := range results {
		i := slices.IndexFunc(rules, func(ru rule) bool { return ru.bench == top(r.Name) })
		if i < 0 {
			continue
		}
		l := label(r, rules[i].sizeUnit)
		for _, f := range rules[i].figures(l, raw) {
			if f.Measure == "" {
				continue
			}
			f.What = rules[i].what
			k := key{i, f.Benchmark, f.Engine, f.Measure, f.Size}
			if _, seen := groups[k]; !seen {
				order = append(order, k)
			}
			groups[k] = append(groups[k], f)
		}
	}
	var out []figure
	for _, k := range order {
		g := groups[k]
		f := g[0]
		f.Runs = len(g)
		f.Value = median(g, func(f figure) float64 { return f.Value })
		f.Budget = median(g, func(f figure) float64 { return f.Budget })
		f.Baseline = median(g, func(f figure) float64 { return f.Baseline })
		out = append(out, f)
	}
	slices.SortStableFunc(out, func(a, b figure) int {
		ia := slices.IndexFunc(rules, func(r rule) bool { return r.bench == top(a.Benchmark) })
		ib := slices.IndexFunc(rules, func(r rule) bool { return r.bench == top(b.Benchmark) })
		return cmp.Or(cmp.Compare(ia, ib), cmp.Compare(engineRank(a.Engine), engineRank(b.Engine)), cmp.Compare(a.Variant, b.Variant),
			cmp.Compare(a.Size, b.Size), cmp.Compare(a.Clients, b.Clients), strings.Compare(a.Benchmark, b.Benchmark),
			strings.Compare(a.Measure, b.Measure))
	})
	return out
}

// engineRank puts SQLite, the default engine, before PostgreSQL.
func engineRank(engine string) int {
	if engine == "SQLite" {
		return 0
	}
	return 1
}

// top is the first element of a benchmark's name.
func top(name string) string {
	first, _, _ := strings.Cut(name, "/")
	return first
}

func median[T any](xs []T, value func(T) float64) float64 {
	vs := make([]float64, len(xs))
	for i, x := range xs {
		vs[i] = value(x)
	}
	slices.Sort(vs)
	if len(vs) == 0 {
		return 0
	}
	if len(vs)%2 == 1 {
		return vs[len(vs)/2]
	}
	return (vs[len(vs)/2-1] + vs[len(vs)/2]) / 2
}
