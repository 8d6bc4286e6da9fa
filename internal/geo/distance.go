package geo

import "math"

// LatLon is a position in WGS84 decimal degrees, as ONS and Ordnance Survey
// publish them.
type LatLon struct {
	Lat, Lon float64
}

// EarthRadius is the mean radius of the Earth in metres (the IUGG mean radius
// of the WGS84 ellipsoid, (2a+b)/3). Treating the Earth as a sphere of this
// radius puts distances within Great Britain within about 0.5% of the
// ellipsoidal distance, far finer than "which service is nearer".
const EarthRadius = 6371008.8

// Distance returns the great-circle distance between a and b in metres, by the
// haversine formula, which stays accurate for the short distances a directory
// search compares.
func Distance(a, b LatLon) float64 {
	const rad = math.Pi / 180
	φ1, φ2 := a.Lat*rad, b.Lat*rad
	dφ := (b.Lat - a.Lat) * rad
	dλ := (b.Lon - a.Lon) * rad
	sφ, sλ := math.Sin(dφ/2), math.Sin(dλ/2)
	h := sφ*sφ + math.Cos(φ1)*math.Cos(φ2)*sλ*sλ
	// Rounding can push h a hair above 1 for antipodal points.
	return 2 * EarthRadius * math.Asin(math.Sqrt(min(h, 1)))
}
