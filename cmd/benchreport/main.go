// Command benchreport turns Go benchmark results into the project's
// benchmark report: every figure against its budget and its baseline,
// printed as a table and written as results.csv, and SVG charts of how
// latency and throughput grow with concurrent clients and with the size of
// the data.
//
//	go test -run '^$' -bench . ./internal/store | benchreport -out docs/benchmarks
//	benchreport -out docs/benchmarks results.txt
//
// It reads the standard benchmark format ("key: value" configuration lines
// and result lines). scripts/bench runs the suite and calls it; the
// "engine:" and "mode:" lines it writes before each run say which engine
// the results that follow are from, and what kind of run it was.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
}

func run(args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("benchreport", flag.ContinueOnError)
	out := fs.String("out", "docs/benchmarks", "the directory to write results.csv and the charts in")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "usage: benchreport [-out DIR] [FILE...]\n\n"+
			"Reads go test -bench output from the files, or standard input, prints every figure\n"+
			"against its budget and baseline, and writes DIR/results.csv and DIR/*.svg.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	var results []result
	read := func(name string, r io.Reader) error {
		got, err := parse(r)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		results = append(results, got...)
		return nil
	}
	if fs.NArg() == 0 {
		if err := read("standard input", stdin); err != nil {
			return err
		}
	}
	for _, name := range fs.Args() {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		err = read(name, f)
		f.Close()
		if err != nil {
			return err
		}
	}
	figs := figures(results)
	if len(figs) == 0 {
		return errors.New("no results of the benchmarks it knows: nothing to report")
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(*out, "results.csv"), func(w io.Writer) error { return writeCSV(w, figs) }); err != nil {
		return err
	}
	note := runNote(results)
	for _, spec := range chartSpecs {
		path := filepath.Join(*out, spec.file)
		c, ok := spec.build(figs, note)
		if !ok {
			// No chart outlives its data: one left from an earlier run
			// would not match results.csv.
			if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
				return err
			}
			fmt.Fprintf(stdout, "no results for %s; not drawn\n", spec.file)
			continue
		}
		if err := writeFile(path, func(w io.Writer) error { _, err := io.WriteString(w, c.svg()); return err }); err != nil {
			return err
		}
	}
	return printTable(stdout, figs)
}

// writeFile writes a file whole, through a temporary file in the same
// directory, so a failure leaves the old one.
func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".benchreport-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
