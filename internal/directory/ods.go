package directory

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/geo"
)

// This file reads the NHS Organisation Data Service "epraccur" report: every
// GP practice and prescribing setting in England and Wales, one per line,
// with no header row, in Latin-1.

// Columns of epraccur that the importer reads, counting from zero.
const (
	odsColCode         = 0
	odsColName         = 1
	odsColAddressFirst = 4 // address lines 1 to 5 are columns 4 to 8
	odsColPostcode     = 9
	odsColOpened       = 10
	odsColClosed       = 11
	odsColStatus       = 12
	odsColCommissioner = 14
	odsColPhone        = 17
	odsColSetting      = 25
	odsColumns         = 27
)

// odsSettingGPPractice is the prescribing setting of a GP practice; the
// file also lists prisons, out-of-hours services, walk-in centres and more.
const odsSettingGPPractice = "4"

// PracticeRecord is one GP practice read from an epraccur file.
type PracticeRecord struct {
	Row          int
	ODSCode      string
	Name         string
	Address      []string
	Postcode     string // canonical
	OpenedOn     string // YYYY-MM-DD
	ClosedOn     string // YYYY-MM-DD, or ""
	Status       care.OrgStatus
	Commissioner string
	Phone        string
}

// RejectedRow is a row that was not imported, with the reason in words an
// operator can act on.
type RejectedRow struct {
	Row    int
	Reason string
}

// MaxRejectedListed bounds how many rejected rows a report lists; the count
// is always complete.
const MaxRejectedListed = 1000

// ODSReport counts what happened to every row of an epraccur file. When the
// read finishes without error, Rows == Practices + Skipped + RejectedCount.
type ODSReport struct {
	Rows int
	// Practices were passed on; Active, Closed and Dormant break them down.
	Practices, Active, Closed, Dormant int
	// Skipped rows are not GP practices (another prescribing setting) or
	// are practices that have not opened yet.
	Skipped       int
	NotPractices  int
	Proposed      int
	RejectedCount int
	Rejected      []RejectedRow
	// Warnings are practices imported with something the source got wrong,
	// such as a postcode that cannot exist; they are kept as the source
	// says, because a practice must not go missing for a typo.
	WarningCount int
	Warnings     []RejectedRow
}

func (r *ODSReport) warn(row int, format string, args ...any) {
	r.WarningCount++
	if len(r.Warnings) < MaxRejectedListed {
		r.Warnings = append(r.Warnings, RejectedRow{Row: row, Reason: fmt.Sprintf(format, args...)})
	}
}

func (r *ODSReport) reject(row int, format string, args ...any) {
	r.RejectedCount++
	if len(r.Rejected) < MaxRejectedListed {
		r.Rejected = append(r.Rejected, RejectedRow{Row: row, Reason: fmt.Sprintf(format, args...)})
	}
}

// latin1 decodes ISO 8859-1 to UTF-8 as it streams: each byte is the code
// point of the same number.
type latin1 struct {
	r   *bufio.Reader
	buf []byte
}

func (l *latin1) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(l.buf) > 0 {
			c := copy(p[n:], l.buf)
			l.buf = l.buf[c:]
			n += c
			continue
		}
		b, err := l.r.ReadByte()
		if err != nil {
			if n > 0 && err == io.EOF {
				return n, nil
			}
			return n, err
		}
		if b < utf8.RuneSelf {
			p[n] = b
			n++
			continue
		}
		l.buf = utf8.AppendRune(l.buf[:0], rune(b))
	}
	return n, nil
}

// ReadEpraccur streams an epraccur file, passing each GP practice to fn in
// file order. Rows that are not GP practices, or not yet open, are counted
// and skipped; a malformed row is counted, listed with its row number and
// reason, and skipped, so one bad row never stops the import. An error from
// fn, or a file that cannot be read at all, stops it.
func ReadEpraccur(r io.Reader, fn func(PracticeRecord) error) (ODSReport, error) {
	var rep ODSReport
	cr := csv.NewReader(&latin1{r: bufio.NewReaderSize(r, 64<<10)})
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return rep, nil
		}
		rep.Rows++
		row := rep.Rows
		var parseErr *csv.ParseError
		if errors.As(err, &parseErr) {
			rep.reject(row, "the line is not valid CSV (%v)", parseErr.Err)
			continue
		}
		if err != nil {
			return rep, fmt.Errorf("reading row %d: %w", row, err)
		}
		if len(rec) != odsColumns {
			rep.reject(row, "it has %d columns, not the %d of an epraccur row", len(rec), odsColumns)
			continue
		}
		field := func(i int) string { return strings.Join(strings.Fields(rec[i]), " ") }
		if field(odsColSetting) != odsSettingGPPractice {
			rep.Skipped++
			rep.NotPractices++
			continue
		}
		p := PracticeRecord{Row: row, ODSCode: strings.ToUpper(field(odsColCode)), Name: field(odsColName),
			Commissioner: field(odsColCommissioner), Phone: field(odsColPhone)}
		switch field(odsColStatus) {
		case "A":
			p.Status = care.OrgActive
		case "C":
			p.Status = care.OrgClosed
		case "D":
			p.Status = care.OrgDormant
		case "P":
			rep.Skipped++
			rep.Proposed++
			continue
		default:
			rep.reject(row, "status %q is not A, C, D or P", clip(field(odsColStatus)))
			continue
		}
		if p.ODSCode == "" {
			rep.reject(row, "it has no ODS code")
			continue
		}
		if err := (care.Organisation{Name: p.Name, Kind: care.OrgGPPractice, ODSCode: p.ODSCode}).Validate(); err != nil {
			reason := "the practice is not valid"
			if fe := care.FieldsOf(err); len(fe) > 0 {
				reason = strings.ToLower(fe[0].Message[:1]) + fe[0].Message[1:]
			}
			rep.reject(row, "%s (code %q, name %q)", reason, clip(p.ODSCode), clip(p.Name))
			continue
		}
		badPostcode := false
		if pc, err := geo.ParsePostcode(field(odsColPostcode)); err == nil {
			p.Postcode = pc.String()
		} else if raw := strings.ToUpper(field(odsColPostcode)); raw != "" && len(raw) <= 10 {
			p.Postcode, badPostcode = raw, true
		} else {
			rep.reject(row, "%s: the postcode %q is missing or not a postcode at all", p.ODSCode, clip(raw))
			continue
		}
		var ok bool
		if p.OpenedOn, ok = odsDate(field(odsColOpened)); !ok || p.OpenedOn == "" {
			rep.reject(row, "%s: the open date %q is not a date like 19740401", p.ODSCode, clip(field(odsColOpened)))
			continue
		}
		if p.ClosedOn, ok = odsDate(field(odsColClosed)); !ok {
			rep.reject(row, "%s: the close date %q is not a date like 20171031", p.ODSCode, clip(field(odsColClosed)))
			continue
		}
		for i := odsColAddressFirst; i < odsColAddressFirst+5; i++ {
			if a := field(i); a != "" {
				p.Address = append(p.Address, a)
			}
		}
		if badPostcode {
			rep.warn(row, "%s: imported with the postcode %q as the source gives it; it is not a valid postcode, so the practice cannot be placed on a map", p.ODSCode, p.Postcode)
		}
		switch p.Status {
		case care.OrgActive:
			rep.Active++
		case care.OrgClosed:
			rep.Closed++
		case care.OrgDormant:
			rep.Dormant++
		}
		rep.Practices++
		if err := fn(p); err != nil {
			return rep, err
		}
	}
}

// odsDate turns YYYYMMDD into YYYY-MM-DD; "" stays "".
func odsDate(s string) (string, bool) {
	if s == "" {
		return "", true
	}
	if len(s) != 8 {
		return "", false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return "", false
		}
	}
	y, _ := strconv.Atoi(s[:4])
	m, _ := strconv.Atoi(s[4:6])
	day, _ := strconv.Atoi(s[6:])
	d := care.CivilDate{Year: y, Month: time.Month(m), Day: day}
	if !d.IsValid() || y < 1900 {
		return "", false
	}
	return d.String(), true
}

// Organisation is the practice as a directory organisation. Its council area
// comes from the commissioner only where a 2020 CCG matched one borough
// (see commissionerArea); otherwise the importer looks the postcode up.
func (p PracticeRecord) Organisation() care.Organisation {
	return care.Organisation{Name: p.Name, Kind: care.OrgGPPractice, ODSCode: p.ODSCode, Postcode: p.Postcode,
		Address: strings.Join(p.Address, ", "), Phone: odsPhone(p.Phone), Status: p.Status, OpenedOn: p.OpenedOn,
		ClosedOn: p.ClosedOn, Commissioner: p.Commissioner, LocalAuthorityGSS: commissionerArea(p.Commissioner, p.Postcode)}
}

// odsPhone keeps a phone number only if it looks like one, so a stray note
// in the column does not stop the practice being imported.
func odsPhone(s string) string {
	if err := (care.Organisation{Name: "x", Kind: care.OrgGPPractice, Phone: s}).Validate(); err != nil {
		return ""
	}
	return s
}

// commissionerArea is the council area of a practice whose 2020 CCG covered
// exactly one London borough, for the boroughs the demo and its tests use.
// City and Hackney CCG (07T) also covered the City of London, so its
// practices with EC postcodes are left for the postcode directory to place.
// Note that 08L is Lewisham and 08K is Lambeth. Any other commissioner
// gives "", and the importer uses the imported postcode directory instead.
func commissionerArea(code, postcode string) string {
	switch code {
	case "07T":
		if strings.HasPrefix(postcode, "EC") {
			return ""
		}
		return "E09000012"
	case "07V":
		return "E09000008"
	case "08L":
		return "E09000023"
	case "08K":
		return "E09000022"
	}
	return ""
}
