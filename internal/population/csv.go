package population

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/joinedup/joinedup/internal/care"
)

// CSVColumn is a column of the people CSV.
type CSVColumn struct {
	Name     string
	Required bool
	Meaning  string
}

// CSVColumns are the columns of the people CSV, in the order a template
// lists them. The header row names them, in any order and in any case,
// with spaces or underscores ("NHS number" is nhs_number); other columns
// are ignored and listed in the report.
var CSVColumns = []CSVColumn{
	{"nhs_number", true, "10 digits, spaces allowed; the check digit must be right"},
	{"given_name", true, "first name, and any middle names"},
	{"family_name", true, "last name"},
	{"date_of_birth", true, "YYYY-MM-DD or DD/MM/YYYY"},
	{"address", true, "the address without the postcode, its lines on lines of their own inside quotes"},
	{"postcode", true, "a UK postcode"},
	{"registered_practice_ods", true, "the ODS code of the GP practice they are registered with, such as F84003"},
	{"phone", false, "a phone number"},
	{"email", false, "an email address"},
}

// csvHeader holds the position of each known column; -1 when absent.
type csvHeader struct {
	nhs, given, family, dob, address, postcode, practice, phone, email int
	width                                                              int
}

func readCSVHeader(header []string, rep *Report) (csvHeader, error) {
	h := csvHeader{-1, -1, -1, -1, -1, -1, -1, -1, -1, len(header)}
	slots := map[string]*int{"nhs_number": &h.nhs, "given_name": &h.given, "family_name": &h.family,
		"date_of_birth": &h.dob, "address": &h.address, "postcode": &h.postcode,
		"registered_practice_ods": &h.practice, "phone": &h.phone, "email": &h.email}
	for i, name := range header {
		key := strings.Join(strings.FieldsFunc(strings.ToLower(name), func(r rune) bool {
			return r == ' ' || r == '_' || r == '-' || r == '\t'
		}), "_")
		if slot, ok := slots[key]; ok && *slot < 0 {
			*slot = i
			continue
		}
		rep.IgnoredColumns = append(rep.IgnoredColumns, clip(strings.TrimSpace(name)))
	}
	var missing []string
	for _, c := range CSVColumns {
		if c.Required && *slots[c.Name] < 0 {
			missing = append(missing, c.Name)
		}
	}
	if len(missing) > 0 {
		return h, care.Errorf(care.KindInvalid,
			"This is neither FHIR Bulk Data NDJSON (a JSON resource on each line) nor a people CSV: the header row has no %s column.",
			strings.Join(missing, ", no "))
	}
	return h, nil
}

func readCSV(r io.Reader, rep *Report, fn func(Record) error) error {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1 // rows with the wrong number of fields are rejected one by one
	header, err := cr.Read()
	switch {
	case errors.Is(err, io.EOF):
		return care.Errorf(care.KindInvalid, "The file is empty.")
	case isRowError(err):
		return care.Errorf(care.KindInvalid, "The CSV header row cannot be read: %s.", rowErrorReason(err))
	case err != nil:
		return fmt.Errorf("reading the header row: %w", err)
	}
	h, err := readCSVHeader(header, rep)
	if err != nil {
		return err
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil && !isRowError(err) {
			return fmt.Errorf("reading the CSV file: %w", err)
		}
		rep.Rows++
		if err != nil {
			var pe *csv.ParseError
			errors.As(err, &pe)
			rep.reject(pe.StartLine, rowErrorReason(err))
			continue
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != h.width {
			rep.reject(line, fmt.Sprintf("it has %d fields but the header row has %d", len(rec), h.width))
			continue
		}
		r, problems := h.parse(rec)
		if len(problems) > 0 {
			rep.reject(line, strings.Join(problems, "; "))
			continue
		}
		r.Line = line
		rep.Read++
		if err := fn(r); err != nil {
			return err
		}
	}
}

// parse reads one row. It checks what only the file can tell (the NHS
// number, the date's form, that a practice is named); the rest of the
// person is checked by care.ValidatePerson when they are saved.
func (h csvHeader) parse(rec []string) (Record, []string) {
	var r Record
	var problems []string
	field := func(i int) string {
		if i < 0 {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	n, err := care.ParseNHSNumber(field(h.nhs))
	if err != nil {
		problems = append(problems, "nhs_number: "+care.MessageOf(err))
	}
	dob, ok := parseDate(field(h.dob))
	if !ok {
		problems = append(problems, "date_of_birth: not a real date in the form YYYY-MM-DD or DD/MM/YYYY")
	}
	r.PracticeODS = strings.ToUpper(field(h.practice))
	if r.PracticeODS == "" {
		problems = append(problems, "registered_practice_ods: empty, so no registered GP practice is named")
	}
	r.Person = care.Person{NHSNumber: n, GivenName: field(h.given), FamilyName: field(h.family), DateOfBirth: dob,
		Address: field(h.address), Postcode: field(h.postcode), Phone: field(h.phone), Email: field(h.email)}
	return r, problems
}

// parseDate reads YYYY-MM-DD or DD/MM/YYYY (the form UK spreadsheets
// write) and returns YYYY-MM-DD; an empty date is left for the domain to
// refuse.
func parseDate(s string) (string, bool) {
	if s == "" {
		return "", true
	}
	for _, layout := range []string{time.DateOnly, "2/1/2006"} {
		if d, err := time.Parse(layout, s); err == nil {
			return d.Format(time.DateOnly), true
		}
	}
	return "", false
}

// isRowError reports whether err is a fault in one row's CSV syntax, after
// which the reader carries on at the next line.
func isRowError(err error) bool {
	var pe *csv.ParseError
	return errors.As(err, &pe) &&
		(errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote) || errors.Is(pe.Err, csv.ErrFieldCount))
}

func rowErrorReason(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) && (errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote)) {
		return fmt.Sprintf("its quotation marks do not pair up (line %d, column %d)", pe.Line, pe.Column)
	}
	return "it is not valid CSV"
}

// clip shortens a value quoted in a report, so a runaway field cannot
// flood it.
func clip(s string) string {
	const limit = 40
	if len(s) > limit {
		s = strings.ToValidUTF8(s[:limit], "") + "…"
	}
	return strconv.Quote(s)
}
