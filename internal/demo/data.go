package demo

import (
	"bytes"
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strings"
)

//go:embed data/practices.csv data/local-authorities.csv data/icbs.csv
var dataFS embed.FS

// practice is one row of the ODS extract, still as the source spells it.
type practice struct {
	ODSCode      string
	Name         string
	Address      []string // the non-empty address lines, in order
	Postcode     string
	Phone        string
	Commissioner string
}

// area is a local authority or Integrated Care Board from the ONS extracts.
type area struct {
	GSSCode string
	Name    string
}

func practiceHeader() []string {
	return []string{
		"ods_code", "name", "address_line_1", "address_line_2", "address_line_3",
		"address_line_4", "address_line_5", "postcode", "phone", "commissioner",
	}
}

func areaHeader() []string { return []string{"gss_code", "name"} }

// readCSV reads a CSV file whose first row must be exactly header, and
// returns the other rows. Every row has len(header) fields.
func readCSV(r io.Reader, header []string) ([][]string, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // so a wrong header is reported as such
	got, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("no header row")
	}
	if err != nil {
		return nil, err
	}
	if !slices.Equal(got, header) {
		return nil, fmt.Errorf("header is %q, want %q", got, header)
	}
	cr.FieldsPerRecord = len(header)
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, err
	}
	return rows, nil
}

// parsePractices reads practices.csv. It rejects rows the generator could
// not use safely: a missing ODS code, name or postcode, or a repeated ODS
// code, since ODS codes become keys.
func parsePractices(r io.Reader) ([]practice, error) {
	rows, err := readCSV(r, practiceHeader())
	if err != nil {
		return nil, fmt.Errorf("practices: %w", err)
	}
	out := make([]practice, 0, len(rows))
	seen := make(map[string]bool, len(rows))
	for i, row := range rows {
		line := i + 2 // after the header, counting from 1
		p := practice{
			ODSCode:      strings.TrimSpace(row[0]),
			Name:         strings.TrimSpace(row[1]),
			Postcode:     strings.TrimSpace(row[7]),
			Phone:        strings.TrimSpace(row[8]),
			Commissioner: strings.TrimSpace(row[9]),
		}
		for _, a := range row[2:7] {
			if a = strings.TrimSpace(a); a != "" {
				p.Address = append(p.Address, a)
			}
		}
		switch {
		case p.ODSCode == "":
			return nil, fmt.Errorf("practices: line %d: no ODS code", line)
		case p.Name == "":
			return nil, fmt.Errorf("practices: line %d (%s): no name", line, p.ODSCode)
		case p.Postcode == "":
			return nil, fmt.Errorf("practices: line %d (%s): no postcode", line, p.ODSCode)
		case seen[p.ODSCode]:
			return nil, fmt.Errorf("practices: line %d: ODS code %s appears twice", line, p.ODSCode)
		}
		seen[p.ODSCode] = true
		out = append(out, p)
	}
	return out, nil
}

// parseAreas reads local-authorities.csv or icbs.csv.
func parseAreas(r io.Reader) ([]area, error) {
	rows, err := readCSV(r, areaHeader())
	if err != nil {
		return nil, err
	}
	out := make([]area, 0, len(rows))
	for i, row := range rows {
		a := area{GSSCode: strings.TrimSpace(row[0]), Name: strings.TrimSpace(row[1])}
		if a.GSSCode == "" || a.Name == "" {
			return nil, fmt.Errorf("line %d: GSS code and name are both needed", i+2)
		}
		out = append(out, a)
	}
	return out, nil
}

// embedded holds the parsed extracts.
type embedded struct {
	practices []practice
	areas     map[string]string // GSS code → ONS name, local authorities and ICBs
}

// loadEmbedded parses the embedded extracts. They are part of the binary and
// covered by tests, so a failure here is a build defect, not bad input:
// mustLoad panics on it rather than making every caller handle an error that
// cannot happen in a released build.
func loadEmbedded() (embedded, error) {
	var e embedded
	b, err := dataFS.ReadFile("data/practices.csv")
	if err != nil {
		return e, err
	}
	if e.practices, err = parsePractices(bytes.NewReader(b)); err != nil {
		return e, err
	}
	e.areas = make(map[string]string)
	for _, name := range []string{"data/local-authorities.csv", "data/icbs.csv"} {
		b, err := dataFS.ReadFile(name)
		if err != nil {
			return e, err
		}
		as, err := parseAreas(bytes.NewReader(b))
		if err != nil {
			return e, fmt.Errorf("%s: %w", name, err)
		}
		for _, a := range as {
			e.areas[a.GSSCode] = a.Name
		}
	}
	return e, nil
}

func mustLoad() embedded {
	e, err := loadEmbedded()
	if err != nil {
		panic("demo: embedded data is broken: " + err.Error())
	}
	return e
}
