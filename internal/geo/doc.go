// Package geo knows where places in the UK are: it turns what people type
// into canonical postcodes, finds a postcode's position and local authority,
// and measures distances between positions.
//
// Two sources of position are layered. The outcode centroid table is embedded
// and always available, so a fresh deployment can rank services by distance
// before anyone has imported anything. The ONS postcode directory (ONSPD or
// NSPL) is much larger and is imported by the operator; once it is loaded a
// [Gazetteer] answers for full postcodes, with the local authority and ward,
// and still falls back to the outcode when a postcode is unknown, so a new
// build estate or a typo in the last letter does not leave a person unplaced.
package geo
