package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/joinedup/joinedup/internal/population"
	"github.com/joinedup/joinedup/internal/store"
)

// peopleBatch is how many people one import transaction writes: enough that
// each commit's wait for the disk is shared by thousands, few enough that a
// transaction stays short.
const peopleBatch = 5000

// maxLookAlikesListed bounds the list of people to check; the count is
// always complete.
const maxLookAlikesListed = 1000

func peopleImportSummary() string {
	var b strings.Builder
	b.WriteString(`Imports people: FHIR Bulk Data NDJSON of UK Core Patient resources (the
Patient.ndjson a GP system's bulk export writes), or a CSV file. The format
is recognised from the file's content, not its name: a file that starts
with "{" is NDJSON; any other must be a CSV whose header row names the
columns below.

FHIR NDJSON has one Patient resource on each line. joinedup reads the NHS
number (identifier system https://fhir.nhs.uk/Id/nhs-number), the name
(official before usual), birthDate, the home address and its postalCode,
a phone number and email address from telecom, and the registered GP
practice: the generalPractitioner that is an Organization identified by
its ODS code (system https://fhir.nhs.uk/Id/ods-organization-code).

The CSV has a header row, then one person on each row, columns in any
order (names in any case, spaces or underscores):
`)
	for _, c := range population.CSVColumns {
		need := "optional"
		if c.Required {
			need = "required"
		}
		fmt.Fprintf(&b, "  %-24s %s: %s\n", c.Name, need, c.Meaning)
	}
	b.WriteString(`Other columns are ignored, and named in the report.

The NHS number identifies a person. Someone new is added. Someone already
known whose details differ has them updated (name, date of birth, address,
registered practice, and phone and email when the file gives them; what
joinedup's users recorded is kept); every addition and change is audited,
and a change is shown on the person's timeline. Importing the same file
again changes nothing and says so. Every row that cannot be imported is
listed by line number with the reason (an NHS number that fails its check
digit or is on an earlier line, a practice that is not a GP practice in the
directory, a date that is not real, details the person form would refuse),
and the import carries on. People added with the same name and date of
birth as someone already recorded are listed for checking.
`)
	return b.String()
}

// importPeople streams a population file into the store, peopleBatch people
// to a transaction.
func importPeople(ctx context.Context, st *store.Store, f io.Reader, out io.Writer) error {
	started := time.Now()
	// firstLine remembers where each NHS number was first seen, as a number
	// (ten digits fit in a uint64), so a file of millions stays small.
	firstLine := map[uint64]uint32{}
	var total store.PeopleImport
	var rejected []population.Rejected
	rejectedCount := 0
	reject := func(line int, reason string) {
		rejectedCount++
		if len(rejected) < population.MaxStoredRejections {
			rejected = append(rejected, population.Rejected{Line: line, Reason: reason})
		}
	}
	lookAlikes := 0
	var lookAlikeLines []int

	batch := make([]store.PersonImportRow, 0, peopleBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		res, err := st.UpsertPeople(ctx, importActor(), batch)
		if err != nil {
			return err
		}
		total.Created, total.Updated, total.Unchanged = total.Created+res.Created, total.Updated+res.Updated, total.Unchanged+res.Unchanged
		for _, r := range res.Rejected {
			reject(r.Line, r.Reason)
		}
		lookAlikes += len(res.LookAlikes)
		for _, l := range res.LookAlikes {
			if len(lookAlikeLines) < maxLookAlikesListed {
				lookAlikeLines = append(lookAlikeLines, l)
			}
		}
		batch = batch[:0]
		return nil
	}
	rep, err := population.Read(f, func(r population.Record) error {
		key, _ := strconv.ParseUint(string(r.Person.NHSNumber), 10, 64)
		if first, seen := firstLine[key]; seen {
			reject(r.Line, fmt.Sprintf("the NHS number is also on line %d", first))
			return nil
		}
		firstLine[key] = uint32(min(r.Line, math.MaxUint32))
		batch = append(batch, store.PersonImportRow{Line: r.Line, Person: r.Person, PracticeODS: r.PracticeODS})
		if len(batch) == peopleBatch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		if rep.Format == population.FormatUnknown || rep.Rows == 0 {
			return fmt.Errorf("%s", describe(err))
		}
		return fmt.Errorf("the import stopped after %d rows: %v", rep.Rows, describe(err))
	}
	took := time.Since(started)
	for _, r := range rep.Rejected {
		reject(r.Line, r.Reason)
	}
	rejectedCount += rep.RejectedCount - len(rep.Rejected)
	slices.SortStableFunc(rejected, func(a, b population.Rejected) int { return a.Line - b.Line })
	slices.Sort(lookAlikeLines)

	fmt.Fprintf(out, "Read %d people from %s in %s (%.0f people a second).\n", rep.Rows, rep.Format, took.Round(time.Millisecond),
		float64(rep.Rows)/math.Max(took.Seconds(), 1e-9))
	fmt.Fprintf(out, "  %d added, %d updated, %d unchanged\n", total.Created, total.Updated, total.Unchanged)
	fmt.Fprintf(out, "  %d rows rejected\n", rejectedCount)
	if len(rep.IgnoredColumns) > 0 {
		fmt.Fprintf(out, "  columns ignored: %s\n", strings.Join(rep.IgnoredColumns, ", "))
	}
	if total.Created == 0 && total.Updated == 0 {
		fmt.Fprintln(out, "Nothing changed: everyone in the file who could be imported was already up to date.")
	}
	if lookAlikes > 0 {
		fmt.Fprintf(out, "Added, though someone with the same name and date of birth has a record under another NHS number (%d); check they are different people:\n", lookAlikes)
		for _, l := range lookAlikeLines {
			fmt.Fprintf(out, "  line %d\n", l)
		}
		if lookAlikes > len(lookAlikeLines) {
			fmt.Fprintf(out, "  … and %d more, not listed\n", lookAlikes-len(lookAlikeLines))
		}
	}
	printRejected(out, "line", rejectedCount, len(rejected), func(yield func(int, string)) {
		for _, r := range rejected {
			yield(r.Line, r.Reason)
		}
	})
	return nil
}
