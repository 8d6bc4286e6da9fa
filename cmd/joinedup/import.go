package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/directory"
	"github.com/joinedup/joinedup/internal/geo"
	"github.com/joinedup/joinedup/internal/oruk"
	"github.com/joinedup/joinedup/internal/store"
)

const importUsage = `Usage:
  joinedup import ods-practices --db DSN FILE   GP practices from the NHS ODS epraccur file
  joinedup import postcodes --db DSN FILE       the ONS Postcode Directory (ONSPD) or NSPL CSV
  joinedup import oruk --db DSN FILE            services and organisations from an Open Referral UK (HSDS 3) JSON file
  joinedup import people --db DSN FILE          people: FHIR Bulk Data NDJSON of UK Core Patients, or the people CSV

Imports stream the file, so any size works. Importing the same file again
changes nothing. A row that cannot be imported is reported with its row
number and the reason, and the import carries on. Running instances pick
up the changes within a few seconds.
`

func (e *environment) importCmd(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "--help" || args[0] == "-h" {
		if len(args) == 0 {
			fmt.Fprint(e.stderr, importUsage)
			return usageError{"import needs a kind: ods-practices, postcodes, oruk or people"}
		}
		fmt.Fprint(e.stdout, importUsage)
		return nil
	}
	switch args[0] {
	case "ods-practices":
		return e.importFile(ctx, args[1:], "import ods-practices", "Imports GP practices from the NHS ODS epraccur file (no header row, Latin-1).", importODS)
	case "postcodes":
		return e.importFile(ctx, args[1:], "import postcodes", "Imports the ONS Postcode Directory or the National Statistics Postcode Lookup (CSV).", importPostcodes)
	case "oruk":
		return e.importFile(ctx, args[1:], "import oruk", "Imports services and organisations from an Open Referral UK (HSDS 3.0) JSON file.", importORUK)
	case "people":
		return e.importFile(ctx, args[1:], "import people", peopleImportSummary(), importPeople)
	default:
		fmt.Fprint(e.stderr, importUsage)
		return usageError{fmt.Sprintf("unknown import %q", args[0])}
	}
}

type importer func(ctx context.Context, st *store.Store, f io.Reader, out io.Writer) error

// importFile reads the flags and the one FILE argument, which may come
// before or after the flags, opens the database and runs the import.
func (e *environment) importFile(ctx context.Context, args []string, name, summary string, run importer) error {
	fs := e.newFlags(name, summary+"\nThe FILE argument names the file to import.")
	dsn := fs.String("db", "", "database: sqlite:PATH or a postgres:// URL (required)")
	var file string
	var flags []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") && file == "" {
			file = a
			continue
		}
		flags = append(flags, a)
		if f := fs.Lookup(strings.TrimLeft(a, "-")); f != nil && !strings.Contains(a, "=") && !isBoolFlag(f) && i+1 < len(args) {
			flags = append(flags, args[i+1])
			i++
		}
	}
	if helped, err := e.parse(fs, flags); helped || err != nil {
		return err
	}
	if *dsn == "" || file == "" {
		fs.Usage()
		if file == "" {
			return usageError{"name the FILE to import"}
		}
		return usageError{"--db is required"}
	}
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("cannot open %s: %v", file, pathReason(err))
	}
	defer f.Close()
	st, err := e.openMigrated(ctx, *dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintf(e.stdout, "Importing %s…\n", file)
	if err := run(ctx, st, f, e.stdout); err != nil {
		return err
	}
	// Seal now, so the audit rows of a one-off command do not wait for a
	// server to do it.
	_, err = st.SealAudit(ctx)
	return err
}

func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

func pathReason(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// importBatch is how many rows one import transaction writes.
const (
	practiceBatch = 500
	// A postcode batch is one transaction: large, because each commit
	// waits for the disk, and a file has millions of rows.
	postcodeBatch = 50_000
)

// importActor is who the audit trail names for imports run at the command
// line.
func importActor() care.Actor { return care.SystemActor("import") }

func importODS(ctx context.Context, st *store.Store, f io.Reader, out io.Writer) error {
	var total store.PracticeImport
	batch := make([]care.Organisation, 0, practiceBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		res, err := st.UpsertPractices(ctx, importActor(), batch, "NHS ODS epraccur import")
		if err != nil {
			return err
		}
		total.Created, total.Updated, total.Unchanged = total.Created+res.Created, total.Updated+res.Updated, total.Unchanged+res.Unchanged
		batch = batch[:0]
		return nil
	}
	started := time.Now()
	rep, err := directory.ReadEpraccur(f, func(p directory.PracticeRecord) error {
		batch = append(batch, p.Organisation())
		if len(batch) == practiceBatch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return fmt.Errorf("the import stopped after %d rows: %v", rep.Rows, describe(err))
	}
	fmt.Fprintf(out, "Read %d rows in %s.\n", rep.Rows, time.Since(started).Round(time.Millisecond))
	fmt.Fprintf(out, "  %d GP practices: %d open, %d closed, %d dormant\n", rep.Practices, rep.Active, rep.Closed, rep.Dormant)
	fmt.Fprintf(out, "  %d rows skipped: %d not GP practices, %d not yet open\n", rep.Skipped, rep.NotPractices, rep.Proposed)
	fmt.Fprintf(out, "  %d rows rejected\n", rep.RejectedCount)
	fmt.Fprintf(out, "In the directory: %d practices added, %d updated, %d unchanged.\n", total.Created, total.Updated, total.Unchanged)
	if rep.WarningCount > 0 {
		fmt.Fprintf(out, "Imported with warnings (%d):\n", rep.WarningCount)
		for _, w := range rep.Warnings {
			fmt.Fprintf(out, "  row %d: %s\n", w.Row, w.Reason)
		}
	}
	printRejected(out, "row", rep.RejectedCount, len(rep.Rejected), func(yield func(int, string)) {
		for _, r := range rep.Rejected {
			yield(r.Row, r.Reason)
		}
	})
	return nil
}

func importPostcodes(ctx context.Context, st *store.Store, f io.Reader, out io.Writer) error {
	batch := make([]store.PostcodeRow, 0, postcodeBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := st.UpsertPostcodes(ctx, importActor(), batch); err != nil {
			return err
		}
		batch = batch[:0]
		return nil
	}
	started := time.Now()
	rep, err := geo.ReadPostcodeDirectory(f, func(r geo.PostcodeRecord) error {
		row := store.PostcodeRow{Postcode: r.Postcode.String(), LocalAuthority: r.LocalAuthority, Ward: r.Ward, HasPosition: r.HasLatLon}
		if r.HasLatLon {
			row.LatE6, row.LonE6 = int32(math.Round(r.LatLon.Lat*1e6)), int32(math.Round(r.LatLon.Lon*1e6))
		}
		batch = append(batch, row)
		if len(batch) == postcodeBatch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err == nil {
		err = st.RecordPostcodeImport(ctx, importActor(), rep.Imported)
	}
	if err != nil {
		return fmt.Errorf("the import stopped after %d rows: %v", rep.Rows, describe(err))
	}
	took := time.Since(started)
	fmt.Fprintf(out, "Read %d rows of %s in %s (%.0f rows a second).\n", rep.Rows, rep.Format, took.Round(time.Millisecond),
		float64(rep.Rows)/math.Max(took.Seconds(), 1e-9))
	fmt.Fprintf(out, "  %d postcodes imported, %d of them without a position\n", rep.Imported, rep.NoLocation)
	fmt.Fprintf(out, "  %d terminated postcodes skipped\n", rep.Terminated)
	fmt.Fprintf(out, "  %d rows rejected\n", rep.RejectedCount)
	printRejected(out, "row", rep.RejectedCount, len(rep.Rejected), func(yield func(int, string)) {
		for _, r := range rep.Rejected {
			yield(r.Row, r.Reason)
		}
	})
	return nil
}

// printRejected lists rejected rows by number, saying when the list is
// cut short.
func printRejected(out io.Writer, noun string, count, listed int, rows func(func(int, string))) {
	if count == 0 {
		return
	}
	fmt.Fprintf(out, "Rejected %ss:\n", noun)
	rows(func(row int, reason string) { fmt.Fprintf(out, "  %s %d: %s\n", noun, row, reason) })
	if count > listed {
		fmt.Fprintf(out, "  … and %d more, not listed\n", count-listed)
	}
}

func importORUK(ctx context.Context, st *store.Store, f io.Reader, out io.Writer) error {
	actor := importActor()
	orgs, services := map[store.ImportOutcome]int{}, map[store.ImportOutcome]int{}
	var refused []directory.RejectedRow
	refuse := func(n int, err error) error {
		if !care.IsKind(err, care.KindInvalid) {
			return err
		}
		refused = append(refused, directory.RejectedRow{Row: n, Reason: care.MessageOf(err)})
		return nil
	}
	rep, err := oruk.ReadFeed(f, func(it oruk.FeedItem) error {
		org := it.Organisation
		if it.Service != nil {
			org = it.Service.EmbeddedOrganisation
		}
		if org != nil {
			outcome, err := st.UpsertImportedOrganisation(ctx, actor, *org)
			if err != nil {
				return refuse(it.Number, err)
			}
			orgs[outcome]++
		}
		if it.Service != nil {
			outcome, err := st.UpsertImportedService(ctx, actor, it.Service.Service, it.Service.Organisation, it.Service.Contacts)
			if err != nil {
				return refuse(it.Number, err)
			}
			services[outcome]++
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("the import stopped after %d items: %v", rep.Items, describe(err))
	}
	fmt.Fprintf(out, "Read %d items: %d organisations and %d services.\n", rep.Items, rep.Organisations, rep.Services)
	fmt.Fprintf(out, "  organisations: %d added, %d updated, %d unchanged\n", orgs[store.ImportCreated], orgs[store.ImportUpdated], orgs[store.ImportUnchanged])
	fmt.Fprintf(out, "  services: %d added, %d updated, %d unchanged\n", services[store.ImportCreated], services[store.ImportUpdated], services[store.ImportUnchanged])
	rejected := append(rep.Rejected, refused...)
	slices.SortStableFunc(rejected, func(a, b directory.RejectedRow) int { return a.Row - b.Row })
	fmt.Fprintf(out, "  %d items rejected\n", rep.RejectedCount+len(refused))
	printRejected(out, "item", rep.RejectedCount+len(refused), len(rejected), func(yield func(int, string)) {
		for _, r := range rejected {
			yield(r.Row, r.Reason)
		}
	})
	if len(rep.Warnings) > 0 {
		fmt.Fprintln(out, "Imported with something left out:")
		for _, w := range rep.Warnings {
			fmt.Fprintf(out, "  item %d: %s\n", w.Row, w.Reason)
		}
	}
	return nil
}
