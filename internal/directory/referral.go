package directory

import (
	"cmp"
	"slices"
	"strings"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/geo"
)

// ReferralPerson is what the directory needs to know about someone being
// referred to judge whether a service is for them, as search would.
type ReferralPerson struct {
	Postcode    string
	PracticeODS string
	Age         int
	HasAge      bool
}

// ReferralWarnings says why a service may not be for this person and this
// need, using the same rules as search: whether its catchment covers where
// they live or their GP practice, its age limits and the needs it is
// limited to, whether it helps with the need at all, and whether it is
// taking referrals. An empty list means search would list it as eligible.
// They are warnings, not refusals: the referrer may know better, and the
// receiving team decides.
func (ix *Index) ReferralWarnings(serviceID, needCode string, p ReferralPerson) []string {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	e, ok := ix.services[serviceID]
	if !ok {
		return nil
	}
	var out []string
	if !ix.running(e) {
		out = append(out, "The service is not running at the moment")
	} else if e.svc.Capacity.State == care.CapacityClosed {
		out = append(out, "The service says it is not accepting referrals at the moment")
	}
	var place Place
	if pq, err := geo.ParsePostcodeOrOutcode(p.Postcode); err == nil {
		place = ix.locate(pq)
	} else {
		out = append(out, "The person's record has no postcode we recognise, so we could not check they live in the area the service covers")
	}
	if ods := strings.ToUpper(strings.TrimSpace(p.PracticeODS)); ods != "" {
		if o, ok := ix.orgs[ix.orgByODS[ods]]; ok {
			place.Practice = o
		}
	}
	place.Age, place.HasAge = p.Age, p.HasAge
	s := searcher{ix: ix, place: place, wanted: ix.wantedNeeds(needCode, ""), now: ix.now()}
	if place.Outcode != "" || place.Practice.ODSCode != "" {
		via, covered := ix.covering(place)[e]
		switch {
		case !covered && place.Outcode == "":
			out = append(out, "Does not cover the person's GP practice")
		case !covered:
			out = append(out, s.outOfArea(e))
		case via.approxOnly:
			out = append(out, "We only know the postcode district, so check the person lives in "+ix.areaNames(via.las))
		}
	}
	out = append(out, s.reasons(e)...)
	if n, ok := ix.needs[needCode]; ok && len(s.wanted) > 0 {
		if rel, _ := s.relevance(e); rel < minRelevance {
			out = append(out, "The service does not list help with "+strings.ToLower(n.Label))
		}
	}
	return out
}

// ReferralTarget is a service someone could be referred to, for a page
// that asks which.
type ReferralTarget struct {
	Listing
	// Covers reports whether the service's catchment covers where the
	// person lives or their GP practice.
	Covers      bool
	HasDistance bool
}

// ReferralTargets lists the running services that take referrals through
// joinedup, those meeting need (or a need beneath it) when need is set:
// the services covering the person first, then the others, each nearest
// first, then by name; at most limit of them.
func (ix *Index) ReferralTargets(p ReferralPerson, need string, limit int) []ReferralTarget {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var place Place
	if pq, err := geo.ParsePostcodeOrOutcode(p.Postcode); err == nil {
		place = ix.locate(pq)
	}
	if ods := strings.ToUpper(strings.TrimSpace(p.PracticeODS)); ods != "" {
		if o, ok := ix.orgs[ix.orgByODS[ods]]; ok {
			place.Practice = o
		}
	}
	covering := ix.covering(place)
	type target struct {
		e           *entry
		covers      bool
		dist        float64
		hasDistance bool
	}
	var found []target
	for _, e := range ix.services {
		sv := e.svc
		if !ix.running(e) || sv.Status != care.ServiceActive || sv.TeamID == "" || !sv.Referral.Has(care.ReferThroughJoinedup) {
			continue
		}
		if need != "" && !slices.ContainsFunc(sv.Needs, func(code string) bool { return code == need || ix.needs[code].Parent == need }) {
			continue
		}
		t := target{e: e}
		_, t.covers = covering[e]
		if e.hasPos && place.HasPosition {
			t.dist, t.hasDistance = geo.Distance(place.LatLon, e.pos), true
		}
		found = append(found, t)
	}
	slices.SortFunc(found, func(a, b target) int {
		switch {
		case a.covers != b.covers:
			if a.covers {
				return -1
			}
			return 1
		case a.hasDistance != b.hasDistance:
			if a.hasDistance {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(a.dist, b.dist), strings.Compare(a.e.svc.Name, b.e.svc.Name), strings.Compare(a.e.svc.ID, b.e.svc.ID))
	})
	out := make([]ReferralTarget, 0, min(len(found), max(limit, 0)))
	for _, t := range found[:min(len(found), max(limit, 0))] {
		l := ix.listing(t.e)
		l.Distance = t.dist
		out = append(out, ReferralTarget{Listing: l, Covers: t.covers, HasDistance: t.hasDistance})
	}
	return out
}
