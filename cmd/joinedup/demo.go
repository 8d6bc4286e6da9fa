package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/joinedup/joinedup/internal/auth"
	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/demo"
	"github.com/joinedup/joinedup/internal/store"
)

// demoSeed fixes the demo area, so every demo database is the same.
const demoSeed = 20260401

func (e *environment) demo(ctx context.Context, args []string) error {
	fs := e.newFlags("demo", "Creates a demo database of a real London area with fictional people, or reuses it, then serves it.\nNever put real personal data into the demo.")
	var sf serverFlags
	sf.register(fs, "localhost:8080")
	db := fs.String("db", "joinedup-demo.db", "the demo's SQLite database: a file path, or sqlite:PATH as every other command takes it")
	benchServices := fs.Int("benchmark-services", 0, "when creating the database, also add this many generated services across the UK, for load tests")
	benchPostcodes := fs.Int("benchmark-postcodes", 0, "when creating the database, also add this many generated postcodes, for load tests")
	if helped, err := e.parse(fs, args); helped || err != nil {
		return err
	}
	path, err := demoPath(*db)
	if err != nil {
		return err
	}
	log, err := e.newLogger(sf.logFormat)
	if err != nil {
		return err
	}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		fmt.Fprintf(e.stdout, "Creating the demo database %s…\n", path)
		if *benchServices < 0 || *benchPostcodes < 0 {
			return usageError{"--benchmark-services and --benchmark-postcodes cannot be negative"}
		}
		if err := createDemo(ctx, path, e.calendar, *benchServices, *benchPostcodes); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(e.stdout, "Reusing the demo database %s (delete it to start again).\n", path)
	}
	st, err := store.Open(ctx, "sqlite:"+path, store.Options{Logger: log, Calendar: e.calendar})
	if err != nil {
		return err
	}
	defer st.Close()
	// A demo database made by an older joinedup is brought up to date.
	if err := e.checkMigrations(ctx, st, true, log); err != nil {
		return err
	}
	return e.runServer(ctx, st, sf, log, func(url string) {
		fmt.Fprintf(e.stdout, "\njoinedup demo is running at %s\n\nSign in as any of these demo users; every password is %q:\n", url, demo.DemoPassword)
		for _, r := range care.Roles {
			fmt.Fprintf(e.stdout, "  %-42s %s\n", demo.DemoEmail(r), r.Label())
		}
		fmt.Fprintln(e.stdout, "\nPeople with whole records to explore (find them under People, by NHS number):")
		for _, story := range demo.Generate(demoSeed).Stories {
			p := story.Person
			fmt.Fprintf(e.stdout, "  %-28s %s\n      %s\n", p.GivenName+" "+p.FamilyName, p.NHSNumber.Formatted(), story.Explore)
		}
		fmt.Fprintln(e.stdout, "\nPress Ctrl+C to stop.")
	})
}

// demoPath is the file of the demo database named by --db, which takes a
// plain path or the sqlite:PATH form of every other command's --db. The
// demo is SQLite only: it makes its database file itself.
func demoPath(db string) (string, error) {
	path := strings.TrimPrefix(db, "sqlite:")
	switch {
	case strings.HasPrefix(db, "postgres://"), strings.HasPrefix(db, "postgresql://"):
		return "", usageError{"the demo runs on SQLite only: give --db a file path or sqlite:PATH"}
	case path == "":
		return "", usageError{"--db needs a file path, as in sqlite:joinedup-demo.db"}
	}
	return path, nil
}

// createDemo builds the demo database beside its final name and renames it
// into place only when complete, so a failed or interrupted load never
// leaves a half-made database to be reused.
func createDemo(ctx context.Context, path string, cal *care.Calendar, benchServices, benchPostcodes int) error {
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".loading")
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(tmp + suffix)
	}
	st, err := store.Open(ctx, "sqlite:"+tmp, store.Options{Calendar: cal})
	if err != nil {
		return err
	}
	if _, err := st.Migrate(ctx); err != nil {
		st.Close()
		return err
	}
	hash := func(pw string) (string, error) { return auth.HashPassword(pw, auth.DefaultArgon2) }
	if err := demo.Load(ctx, st, demo.Generate(demoSeed), hash); err != nil {
		st.Close()
		return fmt.Errorf("loading the demo data: %w", err)
	}
	if benchServices > 0 || benchPostcodes > 0 {
		if err := demo.LoadBenchmark(ctx, st, demo.GenerateBenchmark(1, benchServices, benchPostcodes)); err != nil {
			st.Close()
			return fmt.Errorf("loading the benchmark directory: %w", err)
		}
	}
	// Closing checkpoints the write-ahead log into the file, so the rename
	// moves a complete database.
	if err := st.Close(); err != nil {
		return err
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		os.Remove(tmp + suffix)
	}
	return os.Rename(tmp, path)
}
