package directory

import (
	"cmp"
	"slices"
	"strings"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/geo"
)

// Listing is a service as the directory publishes it to other systems: the
// service, its organisation, its duty lines (never named people), and where
// it is.
type Listing struct {
	Service      care.Service
	Organisation care.Organisation
	DutyLines    []care.Contact
	Position     geo.LatLon
	HasPosition  bool
	// Distance is in metres from the place asked about, when there was one.
	Distance float64
}

// ListingQuery selects published services.
type ListingQuery struct {
	// Text, when set, must all appear in the name or description.
	Text string
	// Need, when set, is a need code the service must meet (or, for a
	// top-level need, one of the needs beneath it).
	Need string
	// Near and Within, when Within > 0, keep services placed within Within
	// metres of Near, nearest first.
	Near   geo.LatLon
	Within float64
	Offset int
	Limit  int
}

// Listings returns one page of running services matching q and how many
// match in all. Without a place, services come by name, so pages are
// stable.
func (ix *Index) Listings(q ListingQuery) (int, []Listing) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	want := words(q.Text, 20)
	match := func(e *entry) bool {
		if !ix.running(e) {
			return false
		}
		if q.Need != "" && !slices.ContainsFunc(e.svc.Needs, func(code string) bool {
			return code == q.Need || ix.needs[code].Parent == q.Need
		}) {
			return false
		}
		for _, w := range want {
			if _, ok := slices.BinarySearch(e.nameWords, w); ok {
				continue
			}
			if _, ok := slices.BinarySearch(e.descWords, w); !ok {
				return false
			}
		}
		return true
	}
	var found []*entry
	var dist map[*entry]float64
	if q.Within > 0 {
		dist = map[*entry]float64{}
		ix.nearby(q.Near, q.Within, func(e *entry) {
			if d := geo.Distance(q.Near, e.pos); d <= q.Within && match(e) {
				found = append(found, e)
				dist[e] = d
			}
		})
		slices.SortFunc(found, func(a, b *entry) int {
			return cmp.Or(cmp.Compare(dist[a], dist[b]), strings.Compare(a.svc.ID, b.svc.ID))
		})
	} else {
		sorted := ix.sortedByName()
		if q.Need == "" && len(want) == 0 {
			// Every running service, in name order: just the page.
			start := min(max(q.Offset, 0), len(sorted))
			end := min(start+max(q.Limit, 0), len(sorted))
			page := make([]Listing, 0, end-start)
			for _, e := range sorted[start:end] {
				page = append(page, ix.listing(e))
			}
			return len(sorted), page
		}
		// In name order, keeping only the page asked for but counting all.
		total := 0
		var page []Listing
		for _, e := range sorted {
			if !match(e) {
				continue
			}
			if total >= q.Offset && len(page) < q.Limit {
				page = append(page, ix.listing(e))
			}
			total++
		}
		return total, page
	}
	total := len(found)
	start := min(max(q.Offset, 0), total)
	end := min(start+max(q.Limit, 0), total)
	out := make([]Listing, 0, end-start)
	for _, e := range found[start:end] {
		l := ix.listing(e)
		l.Distance = dist[e]
		out = append(out, l)
	}
	return total, out
}

// Listing returns one running service as published.
func (ix *Index) Listing(id string) (Listing, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	e, ok := ix.services[id]
	if !ok || !ix.running(e) {
		return Listing{}, false
	}
	return ix.listing(e), true
}

func (ix *Index) listing(e *entry) Listing {
	l := Listing{Service: e.svc, Organisation: ix.orgs[e.svc.OrganisationID], Position: e.pos, HasPosition: e.hasPos}
	for _, id := range ix.teamContacts[e.svc.TeamID] {
		c := ix.contacts[id]
		if c.Duty && c.Name == "" && c.PracticeID == "" && (c.ServiceID == "" || c.ServiceID == e.svc.ID) {
			l.DutyLines = append(l.DutyLines, c)
		}
	}
	return l
}

// Locate finds where a postcode or postcode district is, for publishing
// services near it. It reports false when the place is not known at all.
func (ix *Index) Locate(q geo.PostcodeQuery) (geo.LatLon, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	pl := ix.locate(q)
	return pl.LatLon, pl.HasPosition
}

// sortedByName returns the running services in name order, sorting them
// again only after they have changed. The caller holds the read lock.
func (ix *Index) sortedByName() []*entry {
	ix.byNameMu.Lock()
	defer ix.byNameMu.Unlock()
	if ix.byName == nil || ix.byNameGen != ix.gen {
		list := make([]*entry, 0, len(ix.services))
		for _, e := range ix.services {
			if e.running {
				list = append(list, e)
			}
		}
		slices.SortFunc(list, func(a, b *entry) int {
			return cmp.Or(strings.Compare(a.svc.Name, b.svc.Name), strings.Compare(a.svc.ID, b.svc.ID))
		})
		ix.byName, ix.byNameGen = list, ix.gen
	}
	return ix.byName
}
