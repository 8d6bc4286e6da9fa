package main

import (
	"context"
	"errors"
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
// to a transaction. Reading and checking the file goes on while the
// previous batch is written, so the two share the machine's cores.
func importPeople(ctx context.Context, st *store.Store, f io.Reader, out io.Writer) error {
	started := time.Now()
	saver := newPeopleSaver(ctx, st)
	// firstLine remembers where each NHS number was first seen, as a number
	// (ten digits fit in a uint64), so a file of millions stays small.
	firstLine := map[uint64]uint32{}
	var duplicates tally
	batch := make([]store.PersonImportRow, 0, peopleBatch)
	rep, err := population.Read(f, func(r population.Record) error {
		key, _ := strconv.ParseUint(string(r.Person.NHSNumber), 10, 64)
		if first, seen := firstLine[key]; seen {
			duplicates.reject(r.Line, fmt.Sprintf("the NHS number is also on line %d", first))
			return nil
		}
		firstLine[key] = uint32(min(r.Line, math.MaxUint32))
		batch = append(batch, store.PersonImportRow{Line: r.Line, Person: r.Person, PracticeODS: r.PracticeODS})
		if len(batch) == peopleBatch {
			if err := saver.save(batch); err != nil {
				return err
			}
			batch = make([]store.PersonImportRow, 0, peopleBatch)
		}
		return nil
	})
	if err == nil && len(batch) > 0 {
		err = saver.save(batch)
	}
	saved, saveErr := saver.finish()
	if err == nil || errors.Is(err, errSaveFailed) {
		err = saveErr
	}
	if err != nil {
		if rep.Rows == 0 {
			return fmt.Errorf("%s", describe(err))
		}
		return fmt.Errorf("the import stopped after %d rows: %v", rep.Rows, describe(err))
	}
	took := time.Since(started)
	total, rejected := saved.PeopleImport, saved.tally
	rejected.add(rep.Rejected, rep.RejectedCount)
	rejected.add(duplicates.listed, duplicates.count)
	slices.SortStableFunc(rejected.listed, func(a, b population.Rejected) int { return a.Line - b.Line })
	lookAlikes, lookAlikeLines := saved.lookAlikes, total.LookAlikes
	slices.Sort(lookAlikeLines)

	fmt.Fprintf(out, "Read %d people from %s in %s (%.0f people a second).\n", rep.Rows, rep.Format, took.Round(time.Millisecond),
		float64(rep.Rows)/math.Max(took.Seconds(), 1e-9))
	fmt.Fprintf(out, "  %d added, %d updated, %d unchanged\n", total.Created, total.Updated, total.Unchanged)
	fmt.Fprintf(out, "  %d rows rejected\n", rejected.count)
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
	printRejected(out, "line", rejected.count, len(rejected.listed), func(yield func(int, string)) {
		for _, r := range rejected.listed {
			yield(r.Line, r.Reason)
		}
	})
	return nil
}

// tally counts rejected rows and keeps the first of them to list.
type tally struct {
	count  int
	listed []population.Rejected
}

func (t *tally) reject(line int, reason string) {
	t.add([]population.Rejected{{Line: line, Reason: reason}}, 1)
}

// add counts count rejected rows, of which listed are the first.
func (t *tally) add(listed []population.Rejected, count int) {
	t.count += count
	t.listed = append(t.listed, listed[:min(len(listed), population.MaxStoredRejections-len(t.listed))]...)
}

// errSaveFailed stops reading the file once writing has failed; the
// writer's own error is the one reported.
var errSaveFailed = errors.New("saving failed")

// peopleSaver writes batches of people on a goroutine of its own, one batch
// at a time, with one more waiting.
type peopleSaver struct {
	batches chan []store.PersonImportRow
	failed  chan struct{}
	done    chan error
	result  savedPeople
}

// savedPeople adds up what the store did with every batch.
type savedPeople struct {
	store.PeopleImport // LookAlikes holds the lines listed
	tally
	lookAlikes int
}

func newPeopleSaver(ctx context.Context, st *store.Store) *peopleSaver {
	s := &peopleSaver{batches: make(chan []store.PersonImportRow, 1), failed: make(chan struct{}), done: make(chan error, 1)}
	go func() {
		var err error
		for batch := range s.batches {
			if err != nil {
				continue
			}
			var res store.PeopleImport
			if res, err = st.UpsertPeople(ctx, importActor(), batch); err != nil {
				close(s.failed)
				continue
			}
			s.result.add(res)
		}
		s.done <- err
	}()
	return s
}

func (r *savedPeople) add(res store.PeopleImport) {
	r.Created += res.Created
	r.Updated += res.Updated
	r.Unchanged += res.Unchanged
	for _, rej := range res.Rejected {
		r.reject(rej.Line, rej.Reason)
	}
	r.lookAlikes += len(res.LookAlikes)
	for _, l := range res.LookAlikes {
		if len(r.LookAlikes) < maxLookAlikesListed {
			r.LookAlikes = append(r.LookAlikes, l)
		}
	}
}

// save hands a batch to the writer, waiting while it is busy with two.
func (s *peopleSaver) save(batch []store.PersonImportRow) error {
	select {
	case <-s.failed:
		return errSaveFailed
	default:
	}
	select {
	case s.batches <- batch:
		return nil
	case <-s.failed:
		return errSaveFailed
	}
}

// finish waits for the last batch and returns what was saved.
func (s *peopleSaver) finish() (savedPeople, error) {
	close(s.batches)
	err := <-s.done
	return s.result, err
}
