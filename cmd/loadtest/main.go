// Command loadtest sends requests to a running joinedup at a fixed rate and
// reports the latency of each kind of request, to check the 50 ms p99
// budget for pages and API calls. It is open-loop: each request is sent at
// its scheduled time whether or not earlier ones have finished, and its
// latency is counted from that time, so a slow server cannot hide its
// queue by slowing the test down.
//
// Start a demo with a generated directory, then run the test against it:
//
//	joinedup demo --db load.db --addr 127.0.0.1:18101 --benchmark-services 50000 --benchmark-postcodes 200000
//	go run ./cmd/loadtest -url http://127.0.0.1:18101 -services 50000 -postcodes 200000 -rate 100 -duration 60s
//
// The searches are those the benchmark generator makes for the same sizes,
// so they name postcodes the demo database knows.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/joinedup/joinedup/internal/demo"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

type config struct {
	base      string
	email     string
	password  string
	rate      int
	duration  time.Duration
	budget    time.Duration
	services  int
	postcodes int
}

func run(ctx context.Context, args []string, out io.Writer) error {
	var c config
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.StringVar(&c.base, "url", "http://127.0.0.1:8080", "the joinedup to test")
	fs.StringVar(&c.email, "email", demo.DemoEmail("gp"), "a user to sign in as")
	fs.StringVar(&c.password, "password", demo.DemoPassword, "their password")
	fs.IntVar(&c.rate, "rate", 100, "requests a second")
	fs.DurationVar(&c.duration, "duration", 30*time.Second, "how long to send requests for")
	fs.DurationVar(&c.budget, "budget", 50*time.Millisecond, "the p99 latency to meet")
	fs.IntVar(&c.services, "services", 50000, "the --benchmark-services the demo was made with")
	fs.IntVar(&c.postcodes, "postcodes", 200000, "the --benchmark-postcodes the demo was made with")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.rate < 1 || c.duration <= 0 {
		return errors.New("-rate and -duration must be positive")
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 256},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if err := signIn(client, c); err != nil {
		return err
	}
	ids, err := serviceIDs(client, c.base)
	if err != nil {
		return err
	}
	queries := demo.GenerateBenchmark(1, c.services, c.postcodes).Queries
	fmt.Fprintf(out, "Sending %d requests a second for %s to %s (%d searches, %d service ids).\n",
		c.rate, c.duration, c.base, len(queries), len(ids))

	kinds := []string{"search", "service page", "oruk services", "oruk near"}
	target := func(i int) (string, string) {
		q := queries[i%len(queries)]
		switch i % 10 {
		case 0, 1, 2, 3, 4:
			v := url.Values{"postcode": {q.Postcode}}
			if q.Need != "" {
				v.Set("need", q.Need)
			} else {
				v.Set("text", q.Text)
			}
			return kinds[0], "/directory?" + v.Encode()
		case 5, 6:
			return kinds[1], "/directory/services/" + ids[i%len(ids)]
		case 7, 8:
			return kinds[2], fmt.Sprintf("/api/oruk/services?per_page=50&page=%d", 1+i%20)
		default:
			return kinds[3], "/api/oruk/service_at_locations?proximity=5000&postcode=" + url.QueryEscape(q.Postcode)
		}
	}

	type result struct {
		kind    string
		latency time.Duration
		ok      bool
	}
	results := make(chan result, 1024)
	var wg sync.WaitGroup
	interval := time.Second / time.Duration(c.rate)
	start := time.Now()
	total := int(c.duration / interval)
	go func() {
		for i := range total {
			due := start.Add(time.Duration(i) * interval)
			if wait := time.Until(due); wait > 0 {
				select {
				case <-ctx.Done():
					return
				case <-time.After(wait):
				}
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				kind, path := target(i)
				res, err := client.Get(c.base + path)
				ok := err == nil
				if err == nil {
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
					ok = res.StatusCode == http.StatusOK
				}
				results <- result{kind: kind, latency: time.Since(due), ok: ok}
			}()
		}
		wg.Wait()
		close(results)
	}()

	byKind := map[string][]time.Duration{}
	failed := map[string]int{}
	var all []time.Duration
	for r := range results {
		byKind[r.kind] = append(byKind[r.kind], r.latency)
		all = append(all, r.latency)
		if !r.ok {
			failed[r.kind]++
		}
	}
	fmt.Fprintf(out, "%-14s %7s %7s %9s %9s %9s %9s\n", "request", "count", "failed", "p50", "p90", "p99", "max")
	for _, k := range kinds {
		printRow(out, k, byKind[k], failed[k])
	}
	fails := 0
	for _, n := range failed {
		fails += n
	}
	p99 := printRow(out, "all", all, fails)
	fmt.Fprintf(out, "Achieved %.0f requests a second.\n", float64(len(all))/time.Since(start).Seconds())
	switch {
	case fails > 0:
		return fmt.Errorf("%d requests failed", fails)
	case p99 > c.budget:
		return fmt.Errorf("p99 %s is over the %s budget", p99, c.budget)
	}
	fmt.Fprintf(out, "p99 %s is within the %s budget.\n", p99.Round(time.Microsecond), c.budget)
	return nil
}

func printRow(out io.Writer, name string, d []time.Duration, failed int) time.Duration {
	if len(d) == 0 {
		return 0
	}
	slices.Sort(d)
	at := func(p float64) time.Duration { return d[min(len(d)-1, int(p*float64(len(d))))] }
	ms := func(t time.Duration) string { return fmt.Sprintf("%.2fms", float64(t.Microseconds())/1000) }
	fmt.Fprintf(out, "%-14s %7d %7d %9s %9s %9s %9s\n", name, len(d), failed, ms(at(0.5)), ms(at(0.9)), ms(at(0.99)), ms(d[len(d)-1]))
	return at(0.99)
}

func signIn(client *http.Client, c config) error {
	req, err := http.NewRequest(http.MethodPost, c.base+"/sign-in", strings.NewReader(url.Values{"email": {c.email}, "password": {c.password}}.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", c.base)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return fmt.Errorf("signing in as %s: status %d", c.email, res.StatusCode)
	}
	return nil
}

// serviceIDs collects service ids to visit from the public API.
func serviceIDs(client *http.Client, base string) ([]string, error) {
	var ids []string
	for page := 1; page <= 10; page++ {
		res, err := client.Get(fmt.Sprintf("%s/api/oruk/services?per_page=100&page=%d", base, page))
		if err != nil {
			return nil, err
		}
		var body struct {
			Contents []struct {
				ID string `json:"id"`
			} `json:"contents"`
		}
		err = json.NewDecoder(res.Body).Decode(&body)
		res.Body.Close()
		if err != nil {
			return nil, err
		}
		for _, s := range body.Contents {
			ids = append(ids, s.ID)
		}
		if len(body.Contents) < 100 {
			break
		}
	}
	if len(ids) == 0 {
		return nil, errors.New("the directory has no services to visit")
	}
	return ids, nil
}
