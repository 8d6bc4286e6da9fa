package geo

import (
	"sync"
	"testing"
)

func mustPostcode(t testing.TB, s string) Postcode {
	t.Helper()
	p, err := ParsePostcode(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestGazetteerLocate(t *testing.T) {
	t.Parallel()
	b := NewGazetteerBuilder(4)
	b.Add(PostcodeRecord{Postcode: mustPostcode(t, "E8 1DY"), LatLon: LatLon{51.545118, -0.055893}, HasLatLon: true,
		LocalAuthority: "E09000012", Ward: "E05009372"})
	b.Add(PostcodeRecord{Postcode: mustPostcode(t, "E9 7ZZ"), LocalAuthority: "E09000012", Ward: "E05009375"})
	b.Add(PostcodeRecord{Postcode: mustPostcode(t, "ZE9 9ZZ"), LocalAuthority: "S12000027"}) // no position, outcode not in the table
	b.Add(PostcodeRecord{Postcode: mustPostcode(t, "CR0 1NX"), LatLon: LatLon{51, 0}, HasLatLon: true, LocalAuthority: "E09000001"})
	// A later record replaces an earlier one.
	b.Add(PostcodeRecord{Postcode: mustPostcode(t, "CR0 1NX"), LatLon: LatLon{51.375201, -0.098437}, HasLatLon: true,
		LocalAuthority: "E09000008", Ward: "E05011476"})
	b.Add(PostcodeRecord{}) // ignored
	g := b.Build()

	if g.Len() != 4 {
		t.Errorf("Len = %d, want 4", g.Len())
	}
	e8, _ := OutcodeCentroid("E8")
	e9, _ := OutcodeCentroid("E9")
	tests := []struct {
		in        string
		precision Precision
		want      Location
	}{
		{"E8 1DY", PrecisionPostcode, Location{LatLon{51.545118, -0.055893}, "E09000012", "E05009372"}},
		{"CR0 1NX", PrecisionPostcode, Location{LatLon{51.375201, -0.098437}, "E09000008", "E05011476"}},
		// Unknown full postcode: its district's centre, no area codes.
		{"E8 4ZZ", PrecisionOutcode, Location{LatLon: e8}},
		// Known without a position: the area codes, and the district's centre.
		{"E9 7ZZ", PrecisionOutcode, Location{e9, "E09000012", "E05009375"}},
		// Known without a position, district unknown: area codes only.
		{"ZE9 9ZZ", PrecisionNone, Location{LocalAuthority: "S12000027"}},
		// Unknown, in a district the table lacks.
		{"E99 9ZZ", PrecisionNone, Location{}},
	}
	for _, tt := range tests {
		got, prec := g.Locate(mustPostcode(t, tt.in))
		if got != tt.want || prec != tt.precision {
			t.Errorf("Locate(%s) = %+v, %v; want %+v, %v", tt.in, got, prec, tt.want, tt.precision)
		}
	}
	if got, prec := g.Locate(Postcode{}); prec != PrecisionNone || got != (Location{}) {
		t.Errorf("Locate(zero) = %+v, %v", got, prec)
	}

	if b.Build().Len() != 0 {
		t.Error("builder was not emptied by Build")
	}
	if g.Len() != 4 {
		t.Error("building again changed an earlier Gazetteer")
	}
}

func TestGazetteerNilFallsBackToOutcodes(t *testing.T) {
	t.Parallel()
	var g *Gazetteer
	if g.Len() != 0 {
		t.Errorf("Len = %d", g.Len())
	}
	e8, _ := OutcodeCentroid("E8")
	if loc, prec := g.Locate(mustPostcode(t, "E8 1DY")); prec != PrecisionOutcode || loc.LatLon != e8 {
		t.Errorf("Locate = %+v, %v", loc, prec)
	}
}

func TestGazetteerLocateQuery(t *testing.T) {
	t.Parallel()
	b := NewGazetteerBuilder(0)
	b.Add(PostcodeRecord{Postcode: mustPostcode(t, "E8 1DY"), LatLon: LatLon{51.545118, -0.055893}, HasLatLon: true, LocalAuthority: "E09000012"})
	g := b.Build()
	cr0, _ := OutcodeCentroid("CR0")
	tests := []struct {
		in        string
		precision Precision
		latlon    LatLon
		la        string
	}{
		{"e8 1dy", PrecisionPostcode, LatLon{51.545118, -0.055893}, "E09000012"},
		{"cr0", PrecisionOutcode, cr0, ""},
		{"E99", PrecisionNone, LatLon{}, ""},
	}
	for _, tt := range tests {
		q, err := ParsePostcodeOrOutcode(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		loc, prec := g.LocateQuery(q)
		if prec != tt.precision || loc.LatLon != tt.latlon || loc.LocalAuthority != tt.la {
			t.Errorf("LocateQuery(%q) = %+v, %v", tt.in, loc, prec)
		}
	}
}

func TestPrecisionString(t *testing.T) {
	t.Parallel()
	for p, want := range map[Precision]string{PrecisionNone: "none", PrecisionOutcode: "outcode", PrecisionPostcode: "postcode"} {
		if p.String() != want {
			t.Errorf("%d.String() = %q, want %q", p, p.String(), want)
		}
	}
}

// TestGazetteerConcurrentReads is for the race detector.
func TestGazetteerConcurrentReads(t *testing.T) {
	t.Parallel()
	b := NewGazetteerBuilder(0)
	p := mustPostcode(t, "E8 1DY")
	b.Add(PostcodeRecord{Postcode: p, LatLon: LatLon{51.5, -0.05}, HasLatLon: true, LocalAuthority: "E09000012"})
	g := b.Build()
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 100 {
				if loc, prec := g.Locate(p); prec != PrecisionPostcode || loc.LocalAuthority != "E09000012" {
					t.Errorf("Locate = %+v, %v", loc, prec)
					return
				}
			}
		})
	}
	wg.Wait()
}
