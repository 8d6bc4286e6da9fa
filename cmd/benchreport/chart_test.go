package main

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// svgDoc is what an SVG chart says, read back as XML.
type svgDoc struct {
	title, desc string
	series      []string // data-series of each series group, in order
	refs        []string // data-name of each reference line, in order
	polylines   int
	texts       []string
}

// readSVG decodes the chart with the standard XML decoder, failing the test
// unless it is one well-formed SVG document.
func readSVG(t *testing.T, doc string) svgDoc {
	t.Helper()
	var out svgDoc
	dec := xml.NewDecoder(strings.NewReader(doc))
	var stack []string
	root := ""
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, doc)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = tok.Name.Local
				if tok.Name.Space != "http://www.w3.org/2000/svg" {
					t.Errorf("root namespace = %q", tok.Name.Space)
				}
			}
			stack = append(stack, tok.Name.Local)
			for _, a := range tok.Attr {
				switch {
				case tok.Name.Local == "g" && a.Name.Local == "data-series":
					out.series = append(out.series, a.Value)
				case tok.Name.Local == "g" && a.Name.Local == "data-name":
					out.refs = append(out.refs, a.Value)
				}
			}
			if tok.Name.Local == "polyline" {
				out.polylines++
			}
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 0 {
				continue
			}
			text := string(tok)
			switch {
			case len(stack) == 2 && stack[1] == "title":
				out.title += text
			case len(stack) == 2 && stack[1] == "desc":
				out.desc += text
			case stack[len(stack)-1] == "text":
				out.texts = append(out.texts, text)
			}
		}
	}
	if root != "svg" {
		t.Fatalf("root element = %q, want svg", root)
	}
	if len(stack) != 0 {
		t.Fatalf("unclosed elements %v", stack)
	}
	return out
}

func TestChartSVG(t *testing.T) {
	c := chart{
		File: "x.svg", Title: "Lookups <& latency>", Note: "quick run; 2 CPUs",
		XLabel: "concurrent clients", XWord: "clients", YLabel: "p99 latency (ms)", YUnit: "ms",
		Series: []series{
			{Name: "SQLite", Points: []point{{1, 0.8}, {4, 1.1}, {16, 1.9}, {64, 7.5}}},
			{Name: "PostgreSQL & co", Points: []point{{1, 1.6}, {4, 2.1}, {16, 3.9}, {64, 12}}},
			{Name: "one point", Points: []point{{16, 2}}},
		},
		Refs: []refLine{{Name: "budget: 2 ms", Y: 2, Unit: "ms", Budget: true}},
	}
	doc := readSVG(t, c.svg())
	if doc.title != c.Title {
		t.Errorf("title = %q", doc.title)
	}
	if want := []string{"SQLite", "PostgreSQL & co", "one point"}; !slices.Equal(doc.series, want) {
		t.Errorf("series = %q, want %q", doc.series, want)
	}
	if want := []string{"budget: 2 ms"}; !slices.Equal(doc.refs, want) {
		t.Errorf("reference lines = %q, want %q", doc.refs, want)
	}
	if doc.polylines != 2 {
		t.Errorf("%d lines drawn, want 2: a series of one point is a marker alone", doc.polylines)
	}
	for _, want := range []string{
		"SQLite: 0.8 ms at 1 client, 1.1 ms at 4 clients, 1.9 ms at 16 clients, 7.5 ms at 64 clients.",
		"PostgreSQL & co: 1.6 ms at 1 client",
		"budget: 2 ms: 2 ms.",
		"log scale",
		"quick run; 2 CPUs",
	} {
		if !strings.Contains(doc.desc, want) {
			t.Errorf("desc lacks %q: %s", want, doc.desc)
		}
	}
	// The axes are labelled, with units, and every measured x has a tick.
	for _, want := range []string{"p99 latency (ms)", "concurrent clients (log scale)", "1", "4", "16", "64", "SQLite", "quick run; 2 CPUs"} {
		if !slices.Contains(doc.texts, want) {
			t.Errorf("no text %q in %q", want, doc.texts)
		}
	}
}

func TestChartSVGOfOneSize(t *testing.T) {
	c := chart{Title: "t", XLabel: "people", XWord: "people", YLabel: "ms", YUnit: "ms",
		Series: []series{{Name: "a", Points: []point{{100000, 0}}}}}
	doc := readSVG(t, c.svg())
	if !slices.Contains(doc.texts, "100k") || strings.Contains(c.svg(), "NaN") || strings.Contains(c.svg(), "Inf") {
		t.Errorf("one point at zero is not drawn sensibly:\n%s", c.svg())
	}
}

func TestChartSpecs(t *testing.T) {
	results, err := parse(strings.NewReader(sampleRun + `engine: sqlite
BenchmarkPersonLookupConcurrent/clients=1-2 100 300 lookups/s 1 p50_ms 1.2 p99_ms 100000 people
BenchmarkPersonLookupConcurrent/clients=64-2 100 900 lookups/s 1 p50_ms 9 p99_ms 100000 people
BenchmarkPersonLookupConcurrent/clients=16-2 100 700 lookups/s 1 p50_ms 2.5 p99_ms 10000 people
BenchmarkPersonLookupByNHSNumber-2 100 1.5 p50_ms 2.4 p99_ms 100000 people
engine: postgres
BenchmarkPersonLookupByNHSNumber-2 100 1.5 p50_ms 1.9 p99_ms 100000 people
`))
	if err != nil {
		t.Fatal(err)
	}
	figs := figures(results)
	charts := map[string]chart{}
	for _, spec := range chartSpecs {
		if c, ok := spec.build(figs, "note"); ok {
			charts[spec.file] = c
		}
	}
	byClients := charts["audited-lookups-p99-by-clients.svg"]
	if len(byClients.Series) != 2 || byClients.Series[0].Name != "SQLite" || byClients.Series[1].Name != "PostgreSQL" {
		t.Fatalf("series %+v", byClients.Series)
	}
	// Clients along x, at the largest population measured: 10,000 people
	// at 16 clients is left to the chart by size.
	if got, want := byClients.Series[0].Points, []point{{1, 1.2}, {16, 3}, {64, 9}}; !slices.Equal(got, want) {
		t.Errorf("SQLite points %v, want %v", got, want)
	}
	if len(byClients.Refs) != 1 || !byClients.Refs[0].Budget || byClients.Refs[0].Y != 2 {
		t.Errorf("references %+v, want the 2 ms budget", byClients.Refs)
	}
	rates := charts["audited-lookups-throughput-by-clients.svg"]
	if want := []refLine{{Name: "raw commits, SQLite", Y: 400, Unit: "commits/s", Colour: palette[0]},
		{Name: "raw commits, PostgreSQL", Y: 800, Unit: "commits/s", Colour: palette[1]}}; !slices.Equal(rates.Refs, want) {
		t.Errorf("baselines %+v, want %+v", rates.Refs, want)
	}
	bySize := charts["people-lookup-p99-by-size.svg"]
	var names []string
	for _, s := range bySize.Series {
		names = append(names, s.Name)
	}
	// Each engine's series together, though the rules order them by
	// benchmark first.
	if want := []string{"SQLite, audited, 1 client", "SQLite, audited, 16 clients", "PostgreSQL, audited, 1 client",
		"PostgreSQL, audited, 16 clients"}; !slices.Equal(names, want) {
		t.Errorf("series by size %q, want %q", names, want)
	}
	if got, want := bySize.Series[0].Points, []point{{10000, 2.2}, {100000, 2.4}}; !slices.Equal(got, want) {
		t.Errorf("points by size %v, want %v", got, want)
	}
	referrals := charts["referral-changes-throughput-by-clients.svg"]
	names = nil
	for _, s := range referrals.Series {
		names = append(names, s.Name)
	}
	if want := []string{"SQLite, group commit", "SQLite, one commit each", "PostgreSQL, commit_delay 0"}; !slices.Equal(names, want) {
		t.Errorf("referral series %q, want %q", names, want)
	}
	for _, c := range charts {
		readSVG(t, c.svg())
	}
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "bench.txt")
	if err := os.WriteFile(in, []byte(sampleRun), 0o644); err != nil {
		t.Fatal(err)
	}
	// A chart left from an earlier run with data this run lacks goes.
	stale := filepath.Join(dir, "referrals-page-p99-by-size.svg")
	if err := os.WriteFile(stale, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	withoutPage := strings.ReplaceAll(sampleRun, "BenchmarkIncomingQueuePage", "BenchmarkSomethingElse")
	if err := os.WriteFile(in, []byte(withoutPage), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run([]string{"-out", dir, in}, nil, &out); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the stale chart is still there: %v", err)
	}
	for _, name := range []string{"audited-lookups-p99-by-clients.svg", "referral-changes-throughput-by-clients.svg", "people-lookup-p99-by-size.svg"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		readSVG(t, string(b))
	}
	f, err := os.Open(filepath.Join(dir, "results.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rows[0], csvHeader) {
		t.Errorf("header %q", rows[0])
	}
	found := false
	for _, r := range rows[1:] {
		if len(r) != len(csvHeader) {
			t.Fatalf("row %q has %d cells", r, len(r))
		}
		if r[0] == "ConcurrentReferralWrites/sqlite-grouped/clients=16" && r[7] == "throughput" {
			found = true
			if want := []string{"500", "tx/s", "400", "at least", "1.25", "yes", "raw commits", "400", "commits/s", "1.25"}; !slices.Equal(r[8:18], want) {
				t.Errorf("referral row %q, want %q", r[8:18], want)
			}
		}
	}
	if !found {
		t.Error("no row for referral changes at 16 clients")
	}
	table := out.String()
	for _, want := range []string{"no results for referrals-page-p99-by-size.svg", "audited NHS-number lookup p99", "1.10 OVER",
		"1.25 ok", "figures with a budget keep it"} {
		if !strings.Contains(table, want) {
			t.Errorf("the table lacks %q:\n%s", want, table)
		}
	}
}

func TestRunWithNothingToReport(t *testing.T) {
	err := run([]string{"-out", t.TempDir()}, strings.NewReader("PASS\n"), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "nothing to report") {
		t.Errorf("err = %v", err)
	}
}

func TestNumbers(t *testing.T) {
	for _, tt := range []struct {
		v             float64
		number, short string
	}{
		{0, "0", "0"}, {0.4123, "0.412", "0.41"}, {12.55, "12.6", "13"}, {1530, "1,530", "1.5k"},
		{3500000, "3,500,000", "3.5M"}, {64, "64", "64"}, {10021, "10,000", "10k"},
	} {
		if got := number(tt.v); got != tt.number {
			t.Errorf("number(%v) = %q, want %q", tt.v, got, tt.number)
		}
		if got := compact(tt.v); got != tt.short {
			t.Errorf("compact(%v) = %q, want %q", tt.v, got, tt.short)
		}
	}
	for _, tt := range []struct {
		max  float64
		want []float64
	}{{2, []float64{0, 0.5, 1, 1.5, 2}}, {7.5, []float64{0, 2, 4, 6, 8}}, {0, []float64{0, 1}}, {900, []float64{0, 200, 400, 600, 800, 1000}}} {
		if got := yTicks(tt.max); !slices.Equal(got, tt.want) {
			t.Errorf("yTicks(%v) = %v, want %v", tt.max, got, tt.want)
		}
	}
}
