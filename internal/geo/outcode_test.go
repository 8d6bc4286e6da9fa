package geo

import (
	"math"
	"strings"
	"testing"
)

func TestOutcodeTable(t *testing.T) {
	t.Parallel()
	table, err := parseOutcodeTable(outcodeCSV)
	if err != nil {
		t.Fatal(err)
	}
	// The source extract has 2,848 outcodes; W1M is left out (see the data README).
	if got, want := len(table), 2847; got != want {
		t.Errorf("outcode table has %d rows, want %d", got, want)
	}
	for o, p := range table {
		// Everything in the table, the Channel Islands and Shetland included,
		// lies within a box around the British Isles.
		if p.Centroid.Lat < 49 || p.Centroid.Lat > 61 || p.Centroid.Lon < -9 || p.Centroid.Lon > 2 {
			t.Errorf("%s centroid %v is outside the British Isles", o, p.Centroid)
		}
		if p.Outcode != o {
			t.Errorf("table key %q holds outcode %q", o, p.Outcode)
		}
	}
}

func TestParseOutcodeTableRejectsBadData(t *testing.T) {
	t.Parallel()
	const header = "outcode,latitude,longitude,town,county\n"
	for name, data := range map[string]string{
		"wrong header":  "postcode,lat,long,town,county\nE8,51.5,-0.06,Hackney,London\n",
		"bad outcode":   header + "E8 1,51.5,-0.06,Hackney,London\n",
		"lower case":    header + "e8,51.5,-0.06,Hackney,London\n",
		"bad latitude":  header + "E8,north,-0.06,Hackney,London\n",
		"out of range":  header + "E8,151.5,-0.06,Hackney,London\n",
		"duplicate":     header + "E8,51.5,-0.06,Hackney,London\nE8,51.5,-0.06,Hackney,London\n",
		"missing field": header + "E8,51.5,-0.06,Hackney\n",
	} {
		if _, err := parseOutcodeTable(data); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestLookupOutcode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want, town string
		lat, lon       float64
	}{
		{"E8", "E8", "Hackney", 51.54202, -0.06315},
		{"e8", "E8", "Hackney", 51.54202, -0.06315},
		{" cr0 ", "CR0", "Croydon", 51.37223, -0.07463},
		{"EC1A", "EC1A", "Islington", 51.52019, -0.103},
		{"IM1", "IM1", "Douglas, Braddan", 54.15048, -4.48174},
	}
	for _, tt := range tests {
		p, ok := LookupOutcode(tt.in)
		if !ok || p.Outcode != tt.want || p.Town != tt.town || p.Centroid != (LatLon{tt.lat, tt.lon}) {
			t.Errorf("LookupOutcode(%q) = %+v, %v", tt.in, p, ok)
		}
		if c, ok := OutcodeCentroid(tt.in); !ok || c != p.Centroid {
			t.Errorf("OutcodeCentroid(%q) = %v, %v", tt.in, c, ok)
		}
	}
	for _, in := range []string{"", "E8 1AA", "ZZ99", "E99", "W1M", "nonsense"} {
		if p, ok := LookupOutcode(in); ok {
			t.Errorf("LookupOutcode(%q) = %+v, want not found", in, p)
		}
	}
}

func TestDistance(t *testing.T) {
	t.Parallel()
	e8, _ := OutcodeCentroid("E8")
	cr0, _ := OutcodeCentroid("CR0")
	// The source gives E8 at OSGB easting 534300, northing 184400 and CR0 at
	// 534000, 165500: 18,902.4 m apart on the grid. The grid's scale factor
	// that far east of its central meridian is about 0.99982, so the ground
	// distance is about 18,906 m. A sphere is good to about 0.5%.
	grid := math.Hypot(534300-534000, 184400-165500) / 0.99982
	if got := Distance(e8, cr0); math.Abs(got-grid)/grid > 0.005 {
		t.Errorf("Distance(E8, CR0) = %.0f m, want about %.0f m", got, grid)
	}

	tests := []struct {
		name string
		a, b LatLon
		want float64
	}{
		{"same point", e8, e8, 0},
		{"one degree of latitude", LatLon{51, 0}, LatLon{52, 0}, EarthRadius * math.Pi / 180},
		{"one degree of longitude at the equator", LatLon{0, 10}, LatLon{0, 11}, EarthRadius * math.Pi / 180},
		{"pole to pole", LatLon{90, 0}, LatLon{-90, 0}, EarthRadius * math.Pi},
		{"antipodes", LatLon{0, 0}, LatLon{0, 180}, EarthRadius * math.Pi},
		{"across the antimeridian", LatLon{0, 179.5}, LatLon{0, -179.5}, EarthRadius * math.Pi / 180},
	}
	for _, tt := range tests {
		got := Distance(tt.a, tt.b)
		if math.Abs(got-tt.want) > 1e-6*max(1, tt.want) {
			t.Errorf("%s: Distance = %.3f m, want %.3f m", tt.name, got, tt.want)
		}
		if back := Distance(tt.b, tt.a); math.Abs(back-got) > 1e-9*max(1, got) {
			t.Errorf("%s: Distance is not symmetric: %f and %f", tt.name, got, back)
		}
	}
}

func TestOutcodeTableCSVHasNoStrayWhitespace(t *testing.T) {
	t.Parallel()
	for i, line := range strings.Split(strings.TrimSuffix(outcodeCSV, "\n"), "\n") {
		if line != strings.TrimSpace(line) || strings.Contains(line, ", ") && !strings.Contains(line, `"`) {
			t.Errorf("line %d %q has stray whitespace", i+1, line)
		}
	}
}

func TestOutcodes(t *testing.T) {
	t.Parallel()
	all := Outcodes()
	if len(all) != 2847 {
		t.Fatalf("%d outcodes", len(all))
	}
	for i, p := range all {
		if i > 0 && all[i-1].Outcode >= p.Outcode {
			t.Fatalf("not sorted at %d: %s then %s", i, all[i-1].Outcode, p.Outcode)
		}
		if q, ok := LookupOutcode(p.Outcode); !ok || q != p {
			t.Fatalf("%s does not look itself up", p.Outcode)
		}
	}
}
