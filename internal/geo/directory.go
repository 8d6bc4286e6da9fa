package geo

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/joinedup/joinedup/internal/care"
)

// Format names the ONS product a postcode file comes from.
type Format uint8

const (
	FormatUnknown Format = iota
	// FormatONSPD is the ONS Postcode Directory: every postcode with the
	// areas it lay in when it was live, and the older census geographies.
	FormatONSPD
	// FormatNSPL is the National Statistics Postcode Lookup: every postcode
	// assigned to today's statistical areas.
	FormatNSPL
)

func (f Format) String() string {
	switch f {
	case FormatONSPD:
		return "ONSPD"
	case FormatNSPL:
		return "NSPL"
	default:
		return "unknown"
	}
}

// PostcodeRecord is one live postcode read from the directory.
type PostcodeRecord struct {
	// Row is the row's number in the file, counting the header as row 1.
	Row      int
	Postcode Postcode
	// LatLon is the postcode's position, valid only when HasLatLon is set:
	// ONS publishes some postcodes (new ones, and some in the Channel Islands
	// and the Isle of Man) without one.
	LatLon    LatLon
	HasLatLon bool
	// LocalAuthority and Ward are GSS codes, or "" when ONS gives none (it
	// uses a pseudo code such as E99999999 for "not in any", which is read
	// as none). They are safe to keep: they do not share memory with the
	// file's buffers.
	LocalAuthority string
	Ward           string
}

// RejectedRow is a row that was not imported, and why, in words an operator
// can act on.
type RejectedRow struct {
	Row    int
	Reason string
}

// MaxStoredRejections bounds ImportReport.Rejected: a wrong file can reject
// millions of rows, and the first thousand say all there is to say.
const MaxStoredRejections = 1000

// ImportReport counts what happened to every row. When the import finishes
// without error, Rows == Imported + Terminated + RejectedCount.
type ImportReport struct {
	Format Format
	// Rows is the number of rows after the header.
	Rows int
	// Imported rows were passed to the callback; NoLocation of them had no
	// position.
	Imported   int
	NoLocation int
	// Terminated rows are postcodes Royal Mail has withdrawn (doterm set);
	// they are skipped, because nobody can live at one now.
	Terminated int
	// RejectedCount rows were malformed; Rejected holds the first
	// MaxStoredRejections of them in file order.
	RejectedCount int
	Rejected      []RejectedRow
}

func (rep *ImportReport) reject(row int, reason string) {
	rep.RejectedCount++
	if len(rep.Rejected) < MaxStoredRejections {
		rep.Rejected = append(rep.Rejected, RejectedRow{Row: row, Reason: reason})
	}
}

// directoryColumns holds the positions of the columns the importer reads.
type directoryColumns struct {
	format                         Format
	postcode, doterm, lat, long    int
	la, ward                       int // ward is -1 when the file has none
	postcodeName, laName, wardName string
	needed                         int // fields a row must have
}

func findDirectoryColumns(header []string) (directoryColumns, error) {
	pos := make(map[string]int, len(header))
	latestLAD, latestWD := "", ""
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff")
		}
		if _, dup := pos[h]; !dup {
			pos[h] = i
		}
		// The vintage is two digits, so comparing strings picks the latest.
		if isVintageColumn(h, "lad") && h > latestLAD {
			latestLAD = h
		}
		if isVintageColumn(h, "wd") && h > latestWD {
			latestWD = h
		}
	}
	c := directoryColumns{postcode: -1, doterm: -1, lat: -1, long: -1, la: -1, ward: -1}
	// ONS has renamed its columns over the years. Any postcode column will
	// do, as ParsePostcode ignores spacing; pcds, with one space, is the
	// tidiest. From 2025 both products name area columns by their vintage,
	// such as lad25cd and wd25cd.
	for _, name := range [...]string{"pcds", "pcd", "pcd7", "pcd2", "pcd8"} {
		if i, ok := pos[name]; ok {
			c.postcode, c.postcodeName = i, name
			break
		}
	}
	c.doterm = lookupColumn(pos, "doterm")
	c.lat = lookupColumn(pos, "lat")
	c.long = lookupColumn(pos, "long")
	switch {
	case hasColumn(pos, "oslaua"):
		c.format, c.laName, c.wardName = FormatONSPD, "oslaua", "osward"
	case hasColumn(pos, "laua"):
		c.format, c.laName, c.wardName = FormatNSPL, "laua", "ward"
	case latestLAD != "":
		// The 2025 ONSPD keeps the 2011 census areas, which NSPL dropped.
		c.format, c.laName, c.wardName = FormatNSPL, latestLAD, latestWD
		if hasColumn(pos, "oa11cd") {
			c.format = FormatONSPD
		}
	}
	if c.laName != "" {
		c.la = pos[c.laName]
	}
	if c.wardName != "" {
		c.ward = lookupColumn(pos, c.wardName)
	}

	var missing []string
	if c.postcode < 0 {
		missing = append(missing, "pcds (the postcode)")
	}
	if c.doterm < 0 {
		missing = append(missing, "doterm (the date a postcode was withdrawn)")
	}
	if c.la < 0 {
		missing = append(missing, "oslaua, laua or ladNNcd (the local authority)")
	}
	if c.lat < 0 {
		missing = append(missing, "lat (the latitude)")
	}
	if c.long < 0 {
		missing = append(missing, "long (the longitude)")
	}
	if len(missing) > 0 {
		return c, care.Errorf(care.KindInvalid,
			"This is not an ONS Postcode Directory (ONSPD) or National Statistics Postcode Lookup (NSPL) file: its header row has no %s column.",
			strings.Join(missing, ", no "))
	}
	c.needed = 1 + max(c.postcode, c.doterm, c.lat, c.long, c.la, c.ward)
	return c, nil
}

func lookupColumn(pos map[string]int, name string) int {
	if i, ok := pos[name]; ok {
		return i
	}
	return -1
}

func hasColumn(pos map[string]int, name string) bool {
	_, ok := pos[name]
	return ok
}

// isVintageColumn matches the 2025 naming, prefix + two digits + "cd".
func isVintageColumn(h, prefix string) bool {
	return len(h) == len(prefix)+4 && strings.HasPrefix(h, prefix) &&
		isDigit(h[len(prefix)]) && isDigit(h[len(prefix)+1]) && strings.HasSuffix(h, "cd")
}

// ReadPostcodeDirectory streams an ONSPD or NSPL CSV file, recognising which
// by its header, and calls fn for every live postcode in file order.
// Terminated postcodes are counted and skipped. A malformed row is counted and
// described in the report, never fatal: a file of 2.6 million rows should not
// fail on its two-millionth. Only a read error, a header without the needed
// columns, or an error from fn stops the import; the report then covers the
// rows read so far.
//
// fn must not keep the PostcodeRecord's address; the record itself may be
// kept.
func ReadPostcodeDirectory(r io.Reader, fn func(PostcodeRecord) error) (ImportReport, error) {
	var rep ImportReport
	cr := csv.NewReader(bufio.NewReaderSize(r, 256<<10))
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1 // rows with the wrong number of fields are rejected one by one

	header, err := cr.Read()
	switch {
	case errors.Is(err, io.EOF):
		return rep, care.Errorf(care.KindInvalid, "The postcode file is empty.")
	case isRowError(err):
		return rep, care.Errorf(care.KindInvalid, "The postcode file's header row cannot be read: %s.", rowErrorReason(err))
	case err != nil:
		return rep, fmt.Errorf("reading the postcode file: %w", err)
	}
	cols, err := findDirectoryColumns(header)
	if err != nil {
		return rep, err
	}
	rep.Format = cols.format

	// Interning keeps each distinct area code once, however many postcodes
	// share it, and lets a caller keep records without pinning whole rows.
	codes := make(map[string]string, 16384)
	intern := func(s string) string {
		if c, ok := codes[s]; ok {
			return c
		}
		c := strings.Clone(s)
		codes[c] = c
		return c
	}

	for row := 2; ; row++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rep, nil
		}
		if err != nil && !isRowError(err) {
			return rep, fmt.Errorf("reading the postcode file at row %d: %w", row, err)
		}
		rep.Rows++
		if err != nil {
			rep.reject(row, rowErrorReason(err))
			continue
		}
		pr, reason, terminated := cols.parse(rec, intern)
		switch {
		case terminated:
			rep.Terminated++
			continue
		case reason != "":
			rep.reject(row, reason)
			continue
		}
		pr.Row = row
		if err := fn(pr); err != nil {
			return rep, fmt.Errorf("postcode file row %d: %w", row, err)
		}
		rep.Imported++
		if !pr.HasLatLon {
			rep.NoLocation++
		}
	}
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
		return fmt.Sprintf("its quotation marks do not pair up (column %d)", pe.Column)
	}
	return "it is not valid CSV"
}

// noCoordinatesLat is the latitude ONS gives a postcode it has no position
// for (with longitude 0.000000).
const noCoordinatesLat = 99.999999

// parse turns one row into a record, or says why it cannot.
func (c *directoryColumns) parse(rec []string, intern func(string) string) (pr PostcodeRecord, reason string, terminated bool) {
	if len(rec) < c.needed {
		return pr, fmt.Sprintf("it has %d columns, too few to reach the %s column", len(rec), c.firstMissingName(len(rec))), false
	}
	if strings.TrimSpace(rec[c.doterm]) != "" {
		return pr, "", true
	}
	p, err := ParsePostcode(rec[c.postcode])
	if err != nil {
		return pr, fmt.Sprintf("%s %s is not a valid UK postcode", c.postcodeName, quoteClip(rec[c.postcode])), false
	}
	pr.Postcode = p

	la, ok := gssOrNone(rec[c.la])
	if !ok {
		return pr, fmt.Sprintf("%s %s is not a GSS local authority code like E09000012", c.laName, quoteClip(rec[c.la])), false
	}
	if la != "" {
		pr.LocalAuthority = intern(la)
	}
	if c.ward >= 0 {
		w, ok := gssOrNone(rec[c.ward])
		if !ok {
			return pr, fmt.Sprintf("%s %s is not a GSS ward code like E05009367", c.wardName, quoteClip(rec[c.ward])), false
		}
		if w != "" {
			pr.Ward = intern(w)
		}
	}

	latS, lonS := strings.TrimSpace(rec[c.lat]), strings.TrimSpace(rec[c.long])
	if latS == "" || lonS == "" {
		return pr, "", false
	}
	lat, err := strconv.ParseFloat(latS, 64)
	if err != nil || math.IsNaN(lat) {
		return pr, fmt.Sprintf("lat %s is not a number", quoteClip(latS)), false
	}
	lon, err := strconv.ParseFloat(lonS, 64)
	if err != nil || math.IsNaN(lon) {
		return pr, fmt.Sprintf("long %s is not a number", quoteClip(lonS)), false
	}
	if lat == noCoordinatesLat {
		return pr, "", false
	}
	if !validLatLon(lat, lon) {
		return pr, fmt.Sprintf("lat %s, long %s is not a place on Earth", quoteClip(latS), quoteClip(lonS)), false
	}
	pr.LatLon, pr.HasLatLon = LatLon{lat, lon}, true
	return pr, "", false
}

// firstMissingName names the first needed column a row of have fields lacks.
func (c *directoryColumns) firstMissingName(have int) string {
	named := []struct {
		i    int
		name string
	}{{c.postcode, c.postcodeName}, {c.doterm, "doterm"}, {c.lat, "lat"}, {c.long, "long"}, {c.la, c.laName}, {c.ward, c.wardName}}
	best, name := math.MaxInt, ""
	for _, n := range named {
		if n.i >= have && n.i < best {
			best, name = n.i, n.name
		}
	}
	return name
}

// gssOrNone checks an ONS GSS code: a letter and eight digits. ONS fills the
// column with a pseudo code ending in 99999999 where no area applies (the
// Channel Islands have no English local authority), which means "none" here.
func gssOrNone(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", true
	}
	if len(s) != 9 || s[0] < 'A' || s[0] > 'Z' {
		return "", false
	}
	for i := 1; i < 9; i++ {
		if !isDigit(s[i]) {
			return "", false
		}
	}
	if s[1:] == "99999999" {
		return "", true
	}
	return s, true
}

// quoteClip quotes a value for a rejection reason, shortened so a runaway
// field cannot flood the report.
func quoteClip(s string) string {
	const limit = 40
	if len(s) > limit {
		s = strings.ToValidUTF8(s[:limit], "") + "…"
	}
	return strconv.Quote(s)
}
