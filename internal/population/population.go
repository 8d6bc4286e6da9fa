// Package population reads the files a deployment's population arrives in,
// for "joinedup import people": FHIR Bulk Data NDJSON of UK Core Patient
// resources (read by internal/fhir), as GP systems export it, and joinedup's
// people CSV. It recognises which by the file's content, and turns each row
// into a person registered with a practice given by its ODS code, or into a
// rejected row with the reason. Whether the practice exists and the person
// is already known is for the store to say. It imports only the standard
// library, internal/care and internal/fhir.
package population

import (
	"bufio"
	"errors"
	"io"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/fhir"
)

// Format is a kind of population file.
type Format uint8

const (
	FormatUnknown Format = iota
	// FormatFHIR is FHIR Bulk Data NDJSON: one Patient resource on each line.
	FormatFHIR
	// FormatCSV is joinedup's people CSV (see CSVColumns).
	FormatCSV
)

func (f Format) String() string {
	switch f {
	case FormatFHIR:
		return "FHIR NDJSON"
	case FormatCSV:
		return "CSV"
	default:
		return "unknown"
	}
}

// Record is one person read from a file, with the ODS code of the GP
// practice they are registered with. Person.NHSNumber has passed the
// modulus 11 check; Person.RegisteredPracticeID is empty.
type Record struct {
	// Line is where the person starts in the file, counting from 1 (a CSV
	// header is line 1).
	Line        int
	Person      care.Person
	PracticeODS string
}

// Rejected is a row that was not imported, with the reason in words an
// operator can act on. Reasons never repeat the person's details.
type Rejected struct {
	Line   int
	Reason string
}

// MaxStoredRejections bounds Report.Rejected: a wrong file can reject
// millions of rows, and the first thousand say all there is to say.
const MaxStoredRejections = 1000

// Report counts what happened to the file's rows. When Read finishes
// without error, Rows == Read + RejectedCount.
type Report struct {
	Format Format
	// Rows is the number of people in the file: lines that are not blank,
	// or CSV rows after the header.
	Rows int
	// Read rows were passed to the callback.
	Read int
	// RejectedCount rows could not be read as a person; Rejected holds the
	// first MaxStoredRejections of them in file order.
	RejectedCount int
	Rejected      []Rejected
	// IgnoredColumns are the CSV header's columns that joinedup does not
	// read, so a misspelt optional column is noticed.
	IgnoredColumns []string
}

func (rep *Report) reject(line int, reason string) {
	rep.RejectedCount++
	if len(rep.Rejected) < MaxStoredRejections {
		rep.Rejected = append(rep.Rejected, Rejected{Line: line, Reason: reason})
	}
}

// Read recognises the file's format by its content, not its name: a file
// whose first character (after any byte order mark and blank space) is "{"
// is FHIR NDJSON; any other is read as the people CSV, whose header row
// must then name the required columns. It calls fn for every person in file
// order. A row that cannot be read is counted and described in the report,
// never fatal. Only a read error, a file in neither format (an error of
// kind Invalid), or an error from fn stops it; the report then covers the
// rows read so far.
func Read(r io.Reader, fn func(Record) error) (Report, error) {
	var rep Report
	br := bufio.NewReaderSize(r, 256<<10)
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		br.Discard(3)
	}
	first, err := firstNonBlank(br)
	if err != nil {
		return rep, err
	}
	switch first {
	case 0:
		return rep, care.Errorf(care.KindInvalid, "The file is empty.")
	case '[':
		return rep, care.Errorf(care.KindInvalid,
			"This file is a JSON array. joinedup reads FHIR Bulk Data NDJSON: one Patient resource on each line, not in an array or a Bundle.")
	case '{':
		rep.Format = FormatFHIR
		err := fhir.ReadPatients(br, func(pl fhir.PatientLine) error {
			rep.Rows++
			if pl.Err != nil {
				rep.reject(pl.Line, care.MessageOf(pl.Err))
				return nil
			}
			rep.Read++
			return fn(Record{Line: pl.Line, Person: pl.Person, PracticeODS: pl.PracticeODS})
		})
		return rep, err
	default:
		rep.Format = FormatCSV
		return rep, readCSV(br, &rep, fn)
	}
}

// firstNonBlank looks at, without consuming, the first byte that is not
// blank space; 0 means there is none.
func firstNonBlank(br *bufio.Reader) (byte, error) {
	for n := 1; ; n++ {
		b, err := br.Peek(n)
		if len(b) == n {
			switch c := b[n-1]; c {
			case ' ', '\t', '\r', '\n':
				continue
			default:
				return c, nil
			}
		}
		switch {
		case errors.Is(err, io.EOF):
			return 0, nil
		case errors.Is(err, bufio.ErrBufferFull):
			return ' ', nil // a quarter of a megabyte of blank space: not NDJSON
		case err != nil:
			return 0, err
		}
	}
}
