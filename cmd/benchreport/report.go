package main

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

// A chartSpec says which figures one chart draws and how.
type chartSpec struct {
	file, title   string
	xLabel, xWord string // the x axis, and what one x counts
	yLabel, yUnit string
	// byClients draws clients along x, at the largest data size each
	// series was measured at; otherwise x is the data size.
	byClients bool
	// pick names the series a figure belongs to; ok is false for figures
	// the chart leaves out.
	pick func(f figure) (name string, ok bool)
	// budget is drawn as a dashed black line when it is not 0.
	budget float64
	// baselines draws each engine's baseline of the picked figures.
	baselines bool
}

var chartSpecs = []chartSpec{
	{
		file: "audited-lookups-p99-by-clients.svg", title: "Audited NHS-number lookups: p99 latency by concurrent clients",
		xLabel: "concurrent clients", xWord: "clients", yLabel: "p99 latency (ms)", yUnit: "ms", byClients: true,
		pick:   measureOf("PersonLookupConcurrent", "p99", engineName),
		budget: budgetLookupMS,
	},
	{
		file: "audited-lookups-throughput-by-clients.svg", title: "Audited NHS-number lookups a second by concurrent clients",
		xLabel: "concurrent clients", xWord: "clients", yLabel: "lookups a second", yUnit: "lookups/s", byClients: true,
		pick:      measureOf("PersonLookupConcurrent", "throughput", engineName),
		baselines: true,
	},
	{
		file: "referral-changes-p99-by-clients.svg", title: "Durable, audited referral changes: p99 latency by concurrent clients",
		xLabel: "concurrent clients", xWord: "clients", yLabel: "p99 latency (ms)", yUnit: "ms", byClients: true,
		pick: measureOf("ConcurrentReferralWrites", "p99", engineAndVariant),
	},
	{
		file: "referral-changes-throughput-by-clients.svg", title: "Durable, audited referral changes a second by concurrent clients",
		xLabel: "concurrent clients", xWord: "clients", yLabel: "referral transactions a second", yUnit: "tx/s", byClients: true,
		pick:      measureOf("ConcurrentReferralWrites", "throughput", engineAndVariant),
		baselines: true,
	},
	{
		file: "people-lookup-p99-by-size.svg", title: "NHS-number lookups: p99 latency by number of people",
		xLabel: "people in the database", xWord: "people", yLabel: "p99 latency (ms)", yUnit: "ms",
		pick: func(f figure) (string, bool) {
			if f.Measure != "p99" {
				return "", false
			}
			switch {
			case f.Benchmark == "PersonLookupByNHSNumber":
				return f.Engine + ", audited, 1 client", true
			case f.Benchmark == "PersonLookupConcurrent/clients=16":
				return f.Engine + ", audited, 16 clients", true
			case f.Benchmark == "PersonLookupWithoutAudit":
				return f.Engine + ", no audit commit", true
			}
			return "", false
		},
		budget: budgetLookupMS,
	},
	{
		file: "referrals-page-p99-by-size.svg", title: "Incoming referrals page: p99 latency by number of referrals",
		xLabel: "referrals in the database", xWord: "referrals", yLabel: "p99 latency (ms)", yUnit: "ms",
		pick:   measureOf("IncomingQueuePage", "p99", engineName),
		budget: budgetPageMS,
	},
}

func measureOf(bench, measure string, name func(figure) string) func(figure) (string, bool) {
	return func(f figure) (string, bool) {
		if top(f.Benchmark) != bench || f.Measure != measure {
			return "", false
		}
		return name(f), true
	}
}

func engineName(f figure) string { return f.Engine }

func engineAndVariant(f figure) string {
	if f.Variant == "" {
		return f.Engine
	}
	return f.Engine + ", " + f.Variant
}

// build draws the spec's chart from the figures; ok is false when none of
// them belongs on it.
func (spec chartSpec) build(figs []figure, note string) (chart, bool) {
	c := chart{File: spec.file, Title: spec.title, Note: note, XLabel: spec.xLabel, XWord: spec.xWord, YLabel: spec.yLabel, YUnit: spec.yUnit}
	type picked struct {
		figure
		series string
	}
	var all []picked
	largest := map[string]float64{}
	for _, f := range figs {
		name, ok := spec.pick(f)
		if !ok || (!spec.byClients && f.Size == 0) {
			continue
		}
		all = append(all, picked{f, name})
		largest[name] = max(largest[name], f.Size)
	}
	if len(all) == 0 {
		return c, false
	}
	var engines []string // in the order their series first appear
	baselines := map[string][]float64{}
	firstSeries := map[string]int{}
	seriesEngine := map[string]string{}
	for _, p := range all {
		if spec.byClients && p.Size != largest[p.series] {
			continue
		}
		x := p.Size
		if spec.byClients {
			x = float64(p.Clients)
		}
		i := slices.IndexFunc(c.Series, func(s series) bool { return s.Name == p.series })
		if i < 0 {
			c.Series = append(c.Series, series{Name: p.series})
			i = len(c.Series) - 1
		}
		c.Series[i].Points = append(c.Series[i].Points, point{x, p.Value})
		seriesEngine[p.series] = p.Engine
		if _, seen := firstSeries[p.Engine]; !seen {
			firstSeries[p.Engine] = i
			engines = append(engines, p.Engine)
		}
		if p.Baseline > 0 {
			baselines[p.Engine] = append(baselines[p.Engine], p.Baseline)
		}
	}
	for i := range c.Series {
		slices.SortFunc(c.Series[i].Points, func(a, b point) int { return cmp.Compare(a.X, b.X) })
	}
	// Each engine's series together, SQLite's first; the colours follow.
	slices.SortStableFunc(c.Series, func(a, b series) int {
		return cmp.Compare(engineRank(seriesEngine[a.Name]), engineRank(seriesEngine[b.Name]))
	})
	for _, e := range engines {
		firstSeries[e] = slices.IndexFunc(c.Series, func(s series) bool { return seriesEngine[s.Name] == e })
	}
	if spec.budget > 0 {
		c.Refs = append(c.Refs, refLine{Name: "budget: " + number(spec.budget) + " " + spec.yUnit, Y: spec.budget, Unit: spec.yUnit, Budget: true})
	}
	if spec.baselines {
		for _, e := range engines {
			if b := baselines[e]; len(b) > 0 {
				c.Refs = append(c.Refs, refLine{Name: "raw commits, " + e, Y: median(b, func(v float64) float64 { return v }), Unit: "commits/s",
					Colour: palette[firstSeries[e]%len(palette)]})
			}
		}
	}
	return c, true
}

// csvHeader names the columns of results.csv.
var csvHeader = []string{"benchmark", "what", "engine", "variant", "clients", "size", "size_unit", "measure", "value", "unit",
	"budget", "budget_kind", "value_per_budget", "within_budget", "baseline_name", "baseline", "baseline_unit", "value_per_baseline", "runs"}

// writeCSV writes one row per figure.
func writeCSV(w io.Writer, figs []figure) error {
	cw := csv.NewWriter(w)
	cw.Write(csvHeader)
	num := func(v float64) string {
		if v == 0 {
			return ""
		}
		return strconv.FormatFloat(round3(v), 'f', -1, 64)
	}
	for _, f := range figs {
		kind, within := "", ""
		if in, ok := f.Within(); ok {
			kind = "at most"
			if f.AtLeast {
				kind = "at least"
			}
			within = map[bool]string{true: "yes", false: "no"}[in]
		}
		cw.Write([]string{f.Benchmark, f.What, f.Engine, f.Variant, strconv.Itoa(f.Clients), num(f.Size), sizeUnit(f), f.Measure,
			num(f.Value), f.Unit, num(f.Budget), kind, num(f.PerBudget()), within, f.BaselineName, num(f.Baseline),
			f.BaselineUnit, num(f.PerBaseline()), strconv.Itoa(f.Runs)})
	}
	cw.Flush()
	return cw.Error()
}

func sizeUnit(f figure) string {
	if f.Size == 0 {
		return ""
	}
	return f.SizeUnit
}

// printTable writes the figures for a person to read: each with its budget
// and baseline and its ratio to each, then how many keep their budget.
func printTable(w io.Writer, figs []figure) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "figure\tengine\tclients\tdata\tvalue\tbudget\t÷ budget\tbaseline\t÷ baseline\t")
	kept, budgeted := 0, 0
	for _, f := range figs {
		name := f.What + " " + f.Measure
		if f.Variant != "" {
			name += " (" + f.Variant + ")"
		}
		data := ""
		if f.Size > 0 {
			data = compact(f.Size) + " " + f.SizeUnit
		}
		budget, perBudget := "", ""
		if in, ok := f.Within(); ok {
			budgeted++
			rule, verdict := "≤", "ok"
			if f.AtLeast {
				rule = "≥"
			}
			switch {
			case in:
				kept++
			case f.AtLeast:
				verdict = "SHORT"
			default:
				verdict = "OVER"
			}
			budget = rule + " " + number(f.Budget) + " " + f.Unit
			perBudget = fmt.Sprintf("%.2f %s", f.PerBudget(), verdict)
		}
		baseline, perBaseline := "", ""
		if f.Baseline > 0 {
			baseline = f.BaselineName + " " + number(f.Baseline) + " " + f.BaselineUnit
			perBaseline = fmt.Sprintf("%.2f", f.PerBaseline())
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s %s\t%s\t%s\t%s\t%s\t\n", name, f.Engine, f.Clients, data, number(f.Value), f.Unit,
			budget, perBudget, baseline, perBaseline)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\n%d of %d figures with a budget keep it.\n", kept, budgeted)
	return err
}

// runNote describes the run for the charts: its mode and the machine, from
// the configuration lines of the results.
func runNote(results []result) string {
	if len(results) == 0 {
		return ""
	}
	last := results[len(results)-1]
	var parts []string
	if mode := last.Config["mode"]; mode != "" {
		parts = append(parts, mode+" run")
	}
	if date := last.Config["date"]; date != "" {
		parts = append(parts, date)
	}
	machine := fmt.Sprintf("%d CPUs", last.Procs)
	if cpu := strings.Join(strings.Fields(last.Config["cpu"]), " "); cpu != "" {
		machine += ", " + cpu
	}
	return strings.Join(append(parts, machine), "; ")
}
