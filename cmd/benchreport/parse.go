package main

import (
	"bufio"
	"fmt"
	"io"
	"maps"
	"strconv"
	"strings"
	"unicode"
)

// A result is one line of benchmark output: a benchmark's name, how many
// iterations it ran, and its metrics by unit.
type result struct {
	// Name is the benchmark's name without "Benchmark" and without the
	// GOMAXPROCS suffix: "PersonLookupConcurrent/clients=16".
	Name       string
	Procs      int
	Iterations int
	Metrics    map[string]float64 // by unit: "p99-ms" → 1.8
	// Config holds the "key: value" lines in force where the result was
	// printed: go test's goos, pkg and cpu, and what scripts/bench adds
	// (engine, mode).
	Config map[string]string
}

// parse reads the standard text format of Go benchmark results: "key:
// value" configuration lines, each in force until the same key appears
// again, and result lines of a name, an iteration count and value–unit
// pairs. Everything else go test prints (logs, PASS, ok) is passed over.
// A result line that is cut short, as go test prints a benchmark that
// failed or was skipped, is passed over too.
func parse(r io.Reader) ([]result, error) {
	var out []result
	config := map[string]string{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if key, value, ok := configLine(text); ok {
			config[key] = value
			continue
		}
		fields := strings.Fields(text)
		if len(fields) < 2 || !isBenchmarkName(fields[0]) {
			continue
		}
		iterations, err := strconv.Atoi(fields[1])
		if err != nil {
			continue // the name alone, then something else: no result
		}
		pairs := fields[2:]
		if len(pairs)%2 != 0 {
			return nil, fmt.Errorf("line %d: a value without its unit: %q", line, text)
		}
		name, procs := splitProcs(strings.TrimPrefix(fields[0], "Benchmark"))
		res := result{Name: name, Procs: procs, Iterations: iterations, Metrics: map[string]float64{}, Config: maps.Clone(config)}
		for i := 0; i < len(pairs); i += 2 {
			v, err := strconv.ParseFloat(pairs[i], 64)
			if err != nil {
				return nil, fmt.Errorf("line %d: %q is not a number", line, pairs[i])
			}
			res.Metrics[pairs[i+1]] = v
		}
		out = append(out, res)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// configLine reports whether text is a configuration line: a key that
// starts with a lower-case letter and has no spaces or upper-case letters,
// a colon, and a value.
func configLine(text string) (key, value string, ok bool) {
	key, value, found := strings.Cut(text, ":")
	if !found || key == "" || !unicode.IsLower(rune(key[0])) {
		return "", "", false
	}
	for _, c := range key {
		if unicode.IsSpace(c) || unicode.IsUpper(c) {
			return "", "", false
		}
	}
	if value != "" && value[0] != ' ' && value[0] != '\t' {
		return "", "", false // "key:value" is not the format
	}
	return key, strings.TrimSpace(value), true
}

// isBenchmarkName reports whether s names a benchmark: "Benchmark" and
// then nothing, or a character that is not a lower-case letter.
func isBenchmarkName(s string) bool {
	rest, ok := strings.CutPrefix(s, "Benchmark")
	if !ok {
		return false
	}
	return rest == "" || !unicode.IsLower(rune(rest[0]))
}

// splitProcs takes the "-N" that go test adds when GOMAXPROCS is not 1 off
// the end of a name.
func splitProcs(name string) (string, int) {
	i := strings.LastIndexByte(name, '-')
	if i < 0 {
		return name, 1
	}
	n, err := strconv.Atoi(name[i+1:])
	if err != nil || n < 1 {
		return name, 1
	}
	return name[:i], n
}
