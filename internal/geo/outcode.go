package geo

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
)

//go:embed data/outcode-centroids.csv
var outcodeCSV string

// OutcodePlace is one postcode district from the embedded centroid table.
type OutcodePlace struct {
	Outcode  string
	Centroid LatLon
	// Town and County name the district for people ("E8, Hackney"); either
	// may be empty.
	Town, County string
}

// outcodeTable parses the embedded table on first use: most commands never
// need it, and it costs a couple of milliseconds. The map is never changed
// after it is built, so concurrent readers need no lock.
var outcodeTable = sync.OnceValue(func() map[string]OutcodePlace {
	t, err := parseOutcodeTable(outcodeCSV)
	if err != nil {
		// The table is compiled in and checked by the tests, so this is a
		// broken build, not bad input.
		panic(err)
	}
	return t
})

func parseOutcodeTable(data string) (map[string]OutcodePlace, error) {
	r := csv.NewReader(strings.NewReader(data))
	r.FieldsPerRecord = 5
	recs, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("outcode table: %w", err)
	}
	if len(recs) == 0 || strings.Join(recs[0], ",") != "outcode,latitude,longitude,town,county" {
		return nil, fmt.Errorf("outcode table: unexpected header")
	}
	t := make(map[string]OutcodePlace, len(recs)-1)
	for i, rec := range recs[1:] {
		o, ok := outcodeFromTrimmed(rec[0])
		if !ok || o != rec[0] {
			return nil, fmt.Errorf("outcode table row %d: %q is not a canonical outcode", i+2, rec[0])
		}
		lat, err1 := strconv.ParseFloat(rec[1], 64)
		lon, err2 := strconv.ParseFloat(rec[2], 64)
		if err1 != nil || err2 != nil || !validLatLon(lat, lon) {
			return nil, fmt.Errorf("outcode table row %d: bad position %q, %q", i+2, rec[1], rec[2])
		}
		if _, dup := t[o]; dup {
			return nil, fmt.Errorf("outcode table row %d: %s appears twice", i+2, o)
		}
		t[o] = OutcodePlace{Outcode: o, Centroid: LatLon{lat, lon}, Town: rec[3], County: rec[4]}
	}
	return t, nil
}

func validLatLon(lat, lon float64) bool {
	return lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180
}

// LookupOutcode returns the district for outcode, which may be in any case
// ("e8" finds E8).
func LookupOutcode(outcode string) (OutcodePlace, bool) {
	t := outcodeTable()
	if p, ok := t[outcode]; ok {
		return p, true
	}
	o, ok := outcodeFromTrimmed(strings.TrimSpace(outcode))
	if !ok {
		return OutcodePlace{}, false
	}
	p, ok := t[o]
	return p, ok
}

// OutcodeCentroid returns the central point of a postcode district. It
// reports false for a district missing from the table, such as one created
// after the table was made.
func OutcodeCentroid(outcode string) (LatLon, bool) {
	p, ok := LookupOutcode(outcode)
	return p.Centroid, ok
}

// Outcodes returns every postcode district in the embedded table, sorted by
// outcode, for generating data that covers the whole country.
func Outcodes() []OutcodePlace {
	t := outcodeTable()
	out := make([]OutcodePlace, 0, len(t))
	for _, p := range t {
		out = append(out, p)
	}
	slices.SortFunc(out, func(a, b OutcodePlace) int { return strings.Compare(a.Outcode, b.Outcode) })
	return out
}
