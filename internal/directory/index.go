package directory

import (
	"context"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/geo"
	"github.com/joinedup/joinedup/internal/store"
)

// Options tune an Index.
type Options struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Location is the zone opening hours and the day of a gap in service
	// are read in: the working calendar's. Required.
	Location *time.Location
}

// Index is the directory's in-memory read model. All methods are safe for
// concurrent use: searches share a read lock; changes take the write lock
// for the few microseconds it takes to swap entries in.
type Index struct {
	now     func() time.Time
	loc     *time.Location
	matcher *care.NeedMatcher
	needs   map[string]care.Need
	// children lists the needs beneath each top-level need; needGroups is
	// the taxonomy grouped for forms.
	children   map[string][]string
	needGroups [][]care.Need
	laNames    map[string]string

	mu       sync.RWMutex
	orgs     map[string]care.Organisation
	orgByODS map[string]string
	teams    map[string]care.Team
	contacts map[string]care.Contact
	// teamContacts and practiceContacts list contact ids in display order.
	teamContacts     map[string][]string
	practiceContacts map[string][]string
	// practiceTeams lists the teams that cover each practice.
	practiceTeams map[string][]string
	services      map[string]*entry
	// byArea lists the services whose catchment names each area: the
	// services that cover a place are the union of its areas' lists.
	byArea map[care.CatchmentArea]map[string]*entry
	// grid buckets services by position, for the nearby services a search
	// lists as out of area; needGrid does the same for each need a service
	// meets, so a search looks only at services that could match.
	grid     map[cell]map[string]*entry
	needGrid map[string]map[cell][]*entry

	// gen counts changes to the services, so the cache sorted by name knows
	// when to sort again.
	gen uint64
	// byName caches the services sorted by name, for listing them in pages;
	// it has its own lock because it is rebuilt under the read lock.
	byNameMu  sync.Mutex
	byName    []*entry
	byNameGen uint64

	gaz        *geo.Gazetteer
	outcodeLAs map[string][]string
	// postcodeImport is the import the gazetteer was built from.
	postcodeImport string
	// syncedTo is how far Sync has caught up with changes made elsewhere,
	// and applied the time of the latest change applied to each entry
	// changed recently, so the overlap Sync reads again is not reloaded.
	syncedTo time.Time
	applied  map[store.EntryRef]time.Time
	// reloaded counts the entries Sync has reloaded, for tests.
	reloaded int
}

// entry is a service as the index holds it: the service plus what search
// needs precomputed.
type entry struct {
	svc       care.Service
	nameWords []string
	descWords []string
	pos       geo.LatLon
	hasPos    bool
	posApprox bool
	cell      cell
	// running: the service is active and its organisation open, kept up to
	// date when either changes.
	running bool
}

// cell is a grid square of a tenth of a degree: about 11 km north to south
// and 7 km east to west in England.
type cell struct{ lat, lon int32 }

func cellOf(p geo.LatLon) cell {
	return cell{int32(math.Floor(p.Lat * 10)), int32(math.Floor(p.Lon * 10))}
}

// New returns an empty index. It panics without opts.Location, which only
// a programming mistake leaves out.
func New(opts Options) *Index {
	if opts.Location == nil {
		panic("directory: New needs Options.Location")
	}
	ix := &Index{now: opts.Now, loc: opts.Location}
	if ix.now == nil {
		ix.now = time.Now
	}
	all := care.Needs()
	ix.matcher = care.NewNeedMatcher(all)
	ix.needs = make(map[string]care.Need, len(all))
	ix.children = map[string][]string{}
	for _, n := range all {
		ix.needs[n.Code] = n
		if n.Parent != "" {
			ix.children[n.Parent] = append(ix.children[n.Parent], n.Code)
		}
		switch {
		case n.Deprecated:
		case n.TopLevel():
			ix.needGroups = append(ix.needGroups, []care.Need{n})
		case len(ix.needGroups) > 0:
			ix.needGroups[len(ix.needGroups)-1] = append(ix.needGroups[len(ix.needGroups)-1], n)
		}
	}
	ix.laNames = localAuthorityNames()
	ix.reset()
	return ix
}

func (ix *Index) reset() {
	ix.orgs = map[string]care.Organisation{}
	ix.orgByODS = map[string]string{}
	ix.teams = map[string]care.Team{}
	ix.contacts = map[string]care.Contact{}
	ix.teamContacts = map[string][]string{}
	ix.practiceContacts = map[string][]string{}
	ix.practiceTeams = map[string][]string{}
	ix.services = map[string]*entry{}
	ix.byArea = map[care.CatchmentArea]map[string]*entry{}
	ix.grid = map[cell]map[string]*entry{}
	ix.needGrid = map[string]map[cell][]*entry{}
	ix.gen++
}

// Stats counts what the index holds.
type Stats struct {
	Services, Organisations, Teams, Contacts, Postcodes int
}

// Stats reports the size of the index.
func (ix *Index) Stats() Stats {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return Stats{Services: len(ix.services), Organisations: len(ix.orgs), Teams: len(ix.teams),
		Contacts: len(ix.contacts), Postcodes: ix.gaz.Len()}
}

// Replace swaps the whole directory for d, keeping the gazetteer.
func (ix *Index) Replace(d store.DirectoryData) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.reset()
	ix.apply(d, nil)
}

// Apply adds or replaces the entries in d and removes those in gone.
func (ix *Index) Apply(d store.DirectoryData, gone []store.EntryRef) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.apply(d, gone)
}

func (ix *Index) apply(d store.DirectoryData, gone []store.EntryRef) {
	ix.gen++
	moved := map[string]bool{} // organisations whose position may have changed
	for _, o := range d.Organisations {
		old, had := ix.orgs[o.ID]
		ix.orgs[o.ID] = o
		if old.ODSCode != "" && old.ODSCode != o.ODSCode {
			delete(ix.orgByODS, old.ODSCode)
		}
		if o.ODSCode != "" {
			ix.orgByODS[o.ODSCode] = o.ID
		}
		if had && (old.Postcode != o.Postcode || old.Status != o.Status) {
			moved[o.ID] = true
		}
	}
	for _, t := range d.Teams {
		old := ix.teams[t.ID]
		ix.teams[t.ID] = t
		for _, p := range old.Practices {
			ix.practiceTeams[p] = slices.DeleteFunc(ix.practiceTeams[p], func(id string) bool { return id == t.ID })
		}
		for _, p := range t.Practices {
			ix.practiceTeams[p] = append(ix.practiceTeams[p], t.ID)
		}
	}
	touchedTeams, touchedPractices := map[string]bool{}, map[string]bool{}
	forget := func(id string) {
		if old, ok := ix.contacts[id]; ok {
			touchedTeams[old.TeamID] = true
			if old.PracticeID != "" {
				touchedPractices[old.PracticeID] = true
			}
			delete(ix.contacts, id)
		}
	}
	for _, c := range d.Contacts {
		forget(c.ID)
		ix.contacts[c.ID] = c
		touchedTeams[c.TeamID] = true
		if c.PracticeID != "" {
			touchedPractices[c.PracticeID] = true
		}
	}
	for _, g := range gone {
		switch g.Type {
		case store.EntryContact:
			forget(g.ID)
		case store.EntryService:
			if e := ix.services[g.ID]; e != nil {
				ix.unindex(e)
				delete(ix.services, g.ID)
			}
		}
	}
	ix.relistContacts(touchedTeams, touchedPractices)
	for _, sv := range d.Services {
		if old := ix.services[sv.ID]; old != nil {
			ix.unindex(old)
		}
		e := &entry{svc: sv, nameWords: words(sv.Name, 0), descWords: words(sv.Description, 0)}
		slices.Sort(e.nameWords)
		slices.Sort(e.descWords)
		e.nameWords, e.descWords = slices.Compact(e.nameWords), slices.Compact(e.descWords)
		ix.services[sv.ID] = e
		ix.place(e)
		ix.index(e)
	}
	if len(moved) > 0 {
		for _, e := range ix.services {
			if moved[e.svc.OrganisationID] {
				ix.unindex(e)
				ix.place(e)
				ix.index(e)
			}
		}
	}
}

// relistContacts rebuilds the ordered contact lists of the given teams and
// practices: duty lines first, then named people, each by role and name.
func (ix *Index) relistContacts(teams, practices map[string]bool) {
	if len(teams) == 0 && len(practices) == 0 {
		return
	}
	for id := range teams {
		delete(ix.teamContacts, id)
	}
	for id := range practices {
		delete(ix.practiceContacts, id)
	}
	for id, c := range ix.contacts {
		if teams[c.TeamID] {
			ix.teamContacts[c.TeamID] = append(ix.teamContacts[c.TeamID], id)
		}
		if c.PracticeID != "" && practices[c.PracticeID] {
			ix.practiceContacts[c.PracticeID] = append(ix.practiceContacts[c.PracticeID], id)
		}
	}
	order := func(ids []string) {
		slices.SortFunc(ids, func(a, b string) int {
			ca, cb := ix.contacts[a], ix.contacts[b]
			if ca.Duty != cb.Duty {
				if ca.Duty {
					return -1
				}
				return 1
			}
			if (ca.Name == "") != (cb.Name == "") {
				if ca.Name != "" {
					return -1
				}
				return 1
			}
			return strings.Compare(ca.Role+"\x00"+ca.Name+"\x00"+ca.ID, cb.Role+"\x00"+cb.Name+"\x00"+cb.ID)
		})
	}
	for id := range teams {
		order(ix.teamContacts[id])
	}
	for id := range practices {
		order(ix.practiceContacts[id])
	}
}

// place works out where a service is: its own postcode, or else its
// organisation's, through the gazetteer (which falls back to the postcode
// district's centre).
func (ix *Index) place(e *entry) {
	e.running = e.svc.Status == care.ServiceActive && ix.orgs[e.svc.OrganisationID].Status.Active()
	e.hasPos, e.posApprox = false, false
	for _, pc := range []string{e.svc.Postcode, ix.orgs[e.svc.OrganisationID].Postcode} {
		if pc == "" {
			continue
		}
		p, err := geo.ParsePostcode(pc)
		if err != nil {
			continue
		}
		loc, prec := ix.gaz.Locate(p)
		if prec == geo.PrecisionNone {
			continue
		}
		e.pos, e.hasPos, e.posApprox = loc.LatLon, true, prec != geo.PrecisionPostcode
		e.cell = cellOf(e.pos)
		return
	}
}

func (ix *Index) index(e *entry) {
	for _, a := range e.svc.Catchment {
		m := ix.byArea[a]
		if m == nil {
			m = map[string]*entry{}
			ix.byArea[a] = m
		}
		m[e.svc.ID] = e
	}
	if e.hasPos {
		m := ix.grid[e.cell]
		if m == nil {
			m = map[string]*entry{}
			ix.grid[e.cell] = m
		}
		m[e.svc.ID] = e
		for _, code := range e.svc.Needs {
			g := ix.needGrid[code]
			if g == nil {
				g = map[cell][]*entry{}
				ix.needGrid[code] = g
			}
			g[e.cell] = append(g[e.cell], e)
		}
	}
}

func (ix *Index) unindex(e *entry) {
	for _, a := range e.svc.Catchment {
		if m := ix.byArea[a]; m != nil {
			delete(m, e.svc.ID)
			if len(m) == 0 {
				delete(ix.byArea, a)
			}
		}
	}
	if e.hasPos {
		if m := ix.grid[e.cell]; m != nil {
			delete(m, e.svc.ID)
			if len(m) == 0 {
				delete(ix.grid, e.cell)
			}
		}
		for _, code := range e.svc.Needs {
			if g := ix.needGrid[code]; g != nil {
				g[e.cell] = slices.DeleteFunc(g[e.cell], func(x *entry) bool { return x == e })
				if len(g[e.cell]) == 0 {
					delete(g, e.cell)
				}
			}
		}
	}
}

// SetGazetteer replaces the postcode gazetteer and the local authorities
// each postcode district touches, and places every service again.
func (ix *Index) SetGazetteer(g *geo.Gazetteer, outcodeLAs map[string][]string, importID string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.gaz, ix.outcodeLAs, ix.postcodeImport = g, outcodeLAs, importID
	for _, e := range ix.services {
		ix.unindex(e)
		ix.place(e)
		ix.index(e)
	}
}

// ---- Keeping the index current ----

// LoadAll builds the index from the database: the postcode gazetteer, then
// every directory entry.
func (ix *Index) LoadAll(ctx context.Context, st *store.Store) error {
	started := ix.now().UTC()
	if err := ix.LoadPostcodes(ctx, st, true); err != nil {
		return err
	}
	d, err := st.DirectorySnapshot(ctx)
	if err != nil {
		return err
	}
	ix.mu.Lock()
	ix.reset()
	ix.apply(d, nil)
	ix.syncedTo = started
	ix.mu.Unlock()
	return nil
}

// LoadPostcodes rebuilds the gazetteer from the stored postcode directory
// when an import has finished since it was last built, or always if force
// is set. Building it for the full ONS directory takes a few seconds and
// about 100 MB; searches carry on with the old one meanwhile.
func (ix *Index) LoadPostcodes(ctx context.Context, st *store.Store, force bool) error {
	latest, err := st.LatestPostcodeImport(ctx)
	if err != nil {
		return err
	}
	ix.mu.RLock()
	current := ix.postcodeImport
	ix.mu.RUnlock()
	if !force && latest == current {
		return nil
	}
	b := geo.NewGazetteerBuilder(0)
	las := map[string][]string{}
	err = st.EachPostcode(ctx, func(r store.PostcodeRow) error {
		p, err := geo.ParsePostcode(r.Postcode)
		if err != nil {
			return nil // stored by an older rule; skip rather than fail
		}
		rec := geo.PostcodeRecord{Postcode: p, LocalAuthority: r.LocalAuthority, Ward: r.Ward, HasLatLon: r.HasPosition}
		if r.HasPosition {
			rec.LatLon = geo.LatLon{Lat: float64(r.LatE6) / 1e6, Lon: float64(r.LonE6) / 1e6}
		}
		b.Add(rec)
		if r.LocalAuthority != "" {
			o := p.Outcode()
			if !slices.Contains(las[o], r.LocalAuthority) {
				las[o] = append(las[o], r.LocalAuthority)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, list := range las {
		slices.Sort(list)
	}
	ix.SetGazetteer(b.Build(), las, latest)
	return nil
}

// Refresh reloads the named entries from the database, straight after a
// change made through this instance, so the person who made it sees it in
// their next search.
func (ix *Index) Refresh(ctx context.Context, st *store.Store, refs ...store.EntryRef) error {
	d, gone, err := st.DirectoryEntries(ctx, refs)
	if err != nil {
		return err
	}
	ix.Apply(d, gone)
	return nil
}

// syncOverlap is how far back each Sync looks before the latest change it
// saw: a transaction that started earlier can commit later, and reloading
// an entry twice does no harm.
const syncOverlap = time.Minute

// fullReloadAt is how many changed entries make reloading everything
// cheaper than reloading each, as after a large import.
const fullReloadAt = 5000

// Sync catches up with changes made by other instances and imports. It is
// meant to run every few seconds. Each run reloads only entries whose
// latest change it has not applied yet.
func (ix *Index) Sync(ctx context.Context, st *store.Store) error {
	if err := ix.LoadPostcodes(ctx, st, false); err != nil {
		return err
	}
	ix.mu.RLock()
	since := ix.syncedTo.Add(-syncOverlap)
	ix.mu.RUnlock()
	asked := ix.now().UTC()
	changes, err := st.DirectoryChangesSince(ctx, since)
	if err != nil {
		return err
	}
	ix.mu.RLock()
	var fresh []store.EntryRef
	for _, c := range changes {
		if at, ok := ix.applied[c.Ref]; !ok || c.At.After(at) {
			fresh = append(fresh, c.Ref)
		}
	}
	ix.mu.RUnlock()
	if len(fresh) >= fullReloadAt {
		d, err := st.DirectorySnapshot(ctx)
		if err != nil {
			return err
		}
		ix.Replace(d)
	} else if len(fresh) > 0 {
		if err := ix.Refresh(ctx, st, fresh...); err != nil {
			return err
		}
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.reloaded += len(fresh)
	if ix.applied == nil {
		ix.applied = map[store.EntryRef]time.Time{}
	}
	for _, c := range changes {
		ix.applied[c.Ref] = c.At
	}
	// Changes older than the window will not be seen again, so they need
	// not be remembered.
	for ref, at := range ix.applied {
		if at.Before(since) {
			delete(ix.applied, ref)
		}
	}
	if asked.After(ix.syncedTo) {
		ix.syncedTo = asked
	}
	return nil
}

// Organisation returns an organisation from the index.
func (ix *Index) Organisation(id string) (care.Organisation, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	o, ok := ix.orgs[id]
	return o, ok
}
