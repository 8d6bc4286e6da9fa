package geo

import "math"

// Precision says how closely a position is known.
type Precision uint8

const (
	// PrecisionNone: no position is known.
	PrecisionNone Precision = iota
	// PrecisionOutcode: the centre of the postcode district, typically within
	// a few kilometres in towns and further in the country. A page should say
	// that distances are approximate.
	PrecisionOutcode
	// PrecisionPostcode: the full postcode's own position, typically within
	// a hundred metres.
	PrecisionPostcode
)

func (p Precision) String() string {
	switch p {
	case PrecisionOutcode:
		return "outcode"
	case PrecisionPostcode:
		return "postcode"
	default:
		return "none"
	}
}

// Location is what is known about where a postcode is.
type Location struct {
	// LatLon is meaningful only when the accompanying Precision is not
	// PrecisionNone.
	LatLon LatLon
	// LocalAuthority and Ward are ONS GSS codes (E09000012 for Hackney), set
	// whenever the full postcode is in the imported directory, even if it has
	// no position; empty otherwise.
	LocalAuthority string
	Ward           string
}

// gazEntry keeps one postcode in 16 bytes, so the two million or so live UK
// postcodes fit in well under 100 MB: positions as integer microdegrees (ONS
// publishes six decimal places, so nothing is lost) and area codes as indexes
// into a table of the few thousand distinct codes.
type gazEntry struct {
	lat, lon int32 // microdegrees; lat is noPosition when unknown
	la, ward uint32
}

const noPosition = math.MinInt32

// GazetteerBuilder collects postcodes for a Gazetteer. It is not safe for
// concurrent use; the Gazetteer it builds is.
type GazetteerBuilder struct {
	entries map[Postcode]gazEntry
	index   map[string]uint32
	codes   []string // codes[0] is "", so the zero index means "unknown"
}

// NewGazetteerBuilder returns a builder; sizeHint is the number of postcodes
// expected, or 0.
func NewGazetteerBuilder(sizeHint int) *GazetteerBuilder {
	return &GazetteerBuilder{
		entries: make(map[Postcode]gazEntry, sizeHint),
		index:   map[string]uint32{"": 0},
		codes:   []string{""},
	}
}

// Add records a postcode. A later Add for the same postcode replaces the
// earlier one. A record with the zero Postcode is ignored.
func (b *GazetteerBuilder) Add(r PostcodeRecord) {
	if r.Postcode.IsZero() {
		return
	}
	if b.entries == nil {
		*b = *NewGazetteerBuilder(0)
	}
	e := gazEntry{lat: noPosition, la: b.code(r.LocalAuthority), ward: b.code(r.Ward)}
	if r.HasLatLon {
		e.lat = int32(math.Round(r.LatLon.Lat * 1e6))
		e.lon = int32(math.Round(r.LatLon.Lon * 1e6))
	}
	b.entries[r.Postcode] = e
}

// code interns an area code: there are a few hundred local authorities and
// some thousands of wards, but millions of postcodes.
func (b *GazetteerBuilder) code(s string) uint32 {
	if i, ok := b.index[s]; ok {
		return i
	}
	i := uint32(len(b.codes))
	b.codes = append(b.codes, s)
	b.index[s] = i
	return i
}

// Build returns the Gazetteer of everything added so far and leaves the
// builder empty, ready to build another.
func (b *GazetteerBuilder) Build() *Gazetteer {
	g := &Gazetteer{entries: b.entries, codes: b.codes}
	if g.entries == nil {
		g.entries = map[Postcode]gazEntry{}
		g.codes = []string{""}
	}
	*b = GazetteerBuilder{}
	return g
}

// Gazetteer locates postcodes from the imported ONS postcode directory,
// falling back to the embedded outcode centroids. It never changes once
// built, so any number of goroutines may read it; a new import builds a new
// one. The nil *Gazetteer is usable and knows only the outcode centroids.
type Gazetteer struct {
	entries map[Postcode]gazEntry
	codes   []string
}

// Len returns the number of full postcodes the Gazetteer knows.
func (g *Gazetteer) Len() int {
	if g == nil {
		return 0
	}
	return len(g.entries)
}

// Locate finds p. A postcode missing from the directory, or present without a
// position, is placed at its outcode's centroid with PrecisionOutcode, so a
// search still works and the page can say the distances are approximate.
func (g *Gazetteer) Locate(p Postcode) (Location, Precision) {
	var loc Location
	if g != nil {
		if e, ok := g.entries[p]; ok {
			loc.LocalAuthority = g.codes[e.la]
			loc.Ward = g.codes[e.ward]
			if e.lat != noPosition {
				loc.LatLon = LatLon{float64(e.lat) / 1e6, float64(e.lon) / 1e6}
				return loc, PrecisionPostcode
			}
		}
	}
	if p.IsZero() {
		return loc, PrecisionNone
	}
	if c, ok := OutcodeCentroid(p.Outcode()); ok {
		loc.LatLon = c
		return loc, PrecisionOutcode
	}
	return loc, PrecisionNone
}

// LocateOutcode finds the centre of a postcode district.
func (g *Gazetteer) LocateOutcode(outcode string) (Location, Precision) {
	if c, ok := OutcodeCentroid(outcode); ok {
		return Location{LatLon: c}, PrecisionOutcode
	}
	return Location{}, PrecisionNone
}

// LocateQuery finds what was typed into a search box: a full postcode or only
// its district.
func (g *Gazetteer) LocateQuery(q PostcodeQuery) (Location, Precision) {
	if q.IsFull() {
		return g.Locate(q.Postcode)
	}
	return g.LocateOutcode(q.Outcode)
}
