package directory

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/geo"
)

// Query is a search as typed into the search form.
type Query struct {
	// Need is a code from the needs taxonomy, or "".
	Need string
	// Text is what the person needs, in the searcher's words.
	Text string
	// Postcode is where the person lives: a full postcode or its district.
	Postcode string
	// Practice is the ODS code of the person's GP practice, or "".
	Practice string
	// Age is the person's age in years as typed, or "".
	Age string
}

// Place is where a search is for, as far as the directory can tell.
type Place struct {
	// Typed is the postcode or district in canonical form ("E8 1AA").
	Typed   string
	Full    bool
	Outcode string
	Sector  string // "E8 1"; empty when only a district was typed
	// Found: the full postcode is in the imported postcode directory, so
	// its council area and ward are known exactly.
	Found bool
	// FellBack: a full postcode the directory does not know, placed by its
	// district instead.
	FellBack    bool
	LatLon      geo.LatLon
	HasPosition bool
	// Approximate: the position is the district's centre.
	Approximate bool
	// LocalAuthorities are the council areas the place is in (one, when
	// AreaCertain) or may be in (every area the district touches).
	LocalAuthorities []string
	AreaCertain      bool
	Ward             string
	Practice         care.Organisation
	Age              int
	HasAge           bool
}

// WantedNeed is a need the search is looking for, and how strongly.
type WantedNeed struct {
	Need care.Need
	// Weight is 1 for a need chosen from the list; a need suggested by the
	// free text weighs its match score relative to the best match.
	Weight   float64
	FromText bool
}

// Hit is one service in a result.
type Hit struct {
	Service      care.Service
	Organisation care.Organisation
	Team         care.Team
	// Contacts are who to speak to: the best contact first (a named duty
	// contact if there is one), then a duty line.
	Contacts []care.Contact
	// Matched are the service's needs that matched the search.
	Matched        []care.Need
	Relevance      float64
	Distance       float64 // metres
	HasDistance    bool
	DistanceApprox bool
	Freshness      care.Freshness
	// Reasons say why a service is not available for this person.
	Reasons []string
	// CheckArea, when set, says coverage was judged from an approximate
	// area and what the searcher should check.
	CheckArea string
	// OpenStatus says whether the service is open now.
	OpenStatus string
}

// Result is the answer to a search.
type Result struct {
	Place        Place
	Needs        []WantedNeed
	Eligible     []Hit
	MoreEligible int // eligible services beyond those listed
	NotAvailable []Hit
	// Gap is set when nothing eligible was found: what to record.
	Gap *care.ServiceGap
	// PracticeMayHelp counts the services that would help if the person is
	// registered with one of the GP practices they take, when the search
	// did not say which practice: nothing eligible was found, but that is
	// not yet a gap in service.
	PracticeMayHelp int
	At              time.Time
}

// Limits on what a result lists and how far it looks for out-of-area
// services.
const (
	maxEligible     = 50
	maxNotAvailable = 10
	outOfAreaRadius = 30_000 // metres
	maxTextRunes    = 500
	// minRelevance drops services that share only a passing word with the
	// search.
	minRelevance = 0.15
)

// Search validates q and answers it. The error is a care.Error of kind
// Invalid whose field problems match the search form.
func (ix *Index) Search(q Query) (Result, error) {
	var errs care.FieldErrors
	res := Result{At: ix.now()}
	q.Need, q.Text = strings.TrimSpace(q.Need), strings.TrimSpace(q.Text)
	if q.Need != "" {
		if n, ok := ix.needs[q.Need]; !ok || n.Deprecated {
			errs.Add("need", "Choose a need from the list")
		}
	}
	if q.Need == "" && q.Text == "" {
		errs.Add("text", "Enter what the person needs help with, or choose a need from the list")
	}
	if utf8.RuneCountInString(q.Text) > maxTextRunes {
		errs.Add("text", fmt.Sprintf("Describe the need in %d characters or fewer", maxTextRunes))
	}
	pq, err := geo.ParsePostcodeOrOutcode(q.Postcode)
	if err != nil {
		errs.Add("postcode", care.MessageOf(err))
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var practice care.Organisation
	if ods := strings.ToUpper(strings.TrimSpace(q.Practice)); ods != "" {
		o, ok := ix.orgs[ix.orgByODS[ods]]
		if !ok || o.Kind != care.OrgGPPractice {
			errs.Add("practice", "Enter the ODS code of a GP practice in the directory, like F84003")
		}
		practice = o
	}
	age, hasAge := 0, false
	if a := strings.TrimSpace(q.Age); a != "" {
		n, err := strconv.Atoi(a)
		if err != nil || n < 0 || n > 120 {
			errs.Add("age", "Enter the person's age in whole years, like 82")
		}
		age, hasAge = n, true
	}
	if err := errs.Err(); err != nil {
		return res, err
	}

	res.Place = ix.locate(pq)
	res.Place.Practice, res.Place.Age, res.Place.HasAge = practice, age, hasAge
	res.Needs = ix.wantedNeeds(q.Need, q.Text)
	queryWords := words(q.Text, 30)
	slices.Sort(queryWords)
	queryWords = slices.Compact(queryWords)
	s := searcher{ix: ix, place: res.Place, wanted: res.Needs, words: queryWords, now: res.At}

	covering := ix.covering(res.Place)
	var eligible, unavailable []candidate
	for e, via := range covering {
		c, ok := s.candidate(e)
		if !ok {
			continue
		}
		c.approxLAs = via.las
		if s.ineligible(e) {
			unavailable = append(unavailable, c)
		} else {
			eligible = append(eligible, c)
		}
	}
	if res.Place.HasPosition {
		// Nearby services that would help but do not cover the place. Only
		// services meeting a related need can score, so only those are
		// looked at, through the per-need grid; a search by words alone
		// looks at everything nearby.
		seen := make(map[*entry]struct{}, 64)
		near := boxAround(res.Place.LatLon, outOfAreaRadius)
		visit := func(e *entry) {
			// The cheap box test first: most of the grid squares' services
			// are well outside the radius.
			if !e.hasPos || !near.contains(e.pos) {
				return
			}
			if _, ok := seen[e]; ok {
				return
			}
			seen[e] = struct{}{}
			if _, ok := covering[e]; ok {
				return
			}
			if geo.Distance(res.Place.LatLon, e.pos) > outOfAreaRadius {
				return
			}
			if c, ok := s.candidate(e); ok {
				c.outOfArea = true
				unavailable = append(unavailable, c)
			}
		}
		if codes := s.relatedNeeds(); len(codes) > 0 {
			for _, code := range codes {
				ix.nearbyWithNeed(code, res.Place.LatLon, outOfAreaRadius, visit)
			}
		} else if len(queryWords) > 0 {
			ix.nearby(res.Place.LatLon, outOfAreaRadius, visit)
		}
	}
	rankCandidates(eligible)
	rankCandidates(unavailable)
	if len(eligible) > maxEligible {
		res.MoreEligible = len(eligible) - maxEligible
		eligible = eligible[:maxEligible]
	}
	// Only what is shown is dressed with contacts, opening and reasons. A
	// hit is large, so the lists are made to size.
	res.Eligible = make([]Hit, 0, len(eligible))
	shown := unavailable[:min(len(unavailable), maxNotAvailable)]
	res.NotAvailable = make([]Hit, 0, len(shown))
	for _, c := range eligible {
		res.Eligible = append(res.Eligible, s.hit(c))
	}
	for _, c := range shown {
		res.NotAvailable = append(res.NotAvailable, s.hit(c))
	}
	if len(res.Eligible) == 0 && practice.ID == "" {
		res.PracticeMayHelp = s.countPracticeListServices()
	}
	if len(res.Eligible) == 0 && res.PracticeMayHelp == 0 {
		gap := care.ServiceGap{Day: care.CivilDateOf(res.At.In(ix.loc)), Outcode: res.Place.Outcode}
		if len(res.Needs) > 0 {
			gap.NeedCode = res.Needs[0].Need.Code
		}
		if res.Place.AreaCertain {
			gap.LocalAuthority = res.Place.LocalAuthorities[0]
		}
		res.Gap = &gap
	}
	return res, nil
}

// countPracticeListServices counts the services that would help but take
// only the patients of certain GP practices, one of them in the council
// area the person lives in (or anywhere, when that is not known): without
// the person's practice, the search cannot tell whether they would take
// the person.
func (s *searcher) countPracticeListServices() int {
	ix, las := s.ix, s.place.LocalAuthorities
	counted := map[*entry]bool{}
	for _, o := range ix.orgs {
		if o.Kind != care.OrgGPPractice || o.ODSCode == "" || len(las) > 0 && !slices.Contains(las, o.LocalAuthorityGSS) {
			continue
		}
		for _, e := range ix.byArea[care.CatchmentArea{Kind: care.CatchPractice, Code: o.ODSCode}] {
			if counted[e] || s.ineligible(e) {
				continue
			}
			if _, ok := s.candidate(e); ok {
				counted[e] = true
			}
		}
	}
	return len(counted)
}

// candidate is a service that could answer a search, before it is dressed
// for showing.
type candidate struct {
	e         *entry
	rel       float64
	matched   []care.Need
	dist      float64
	hasDist   bool
	outOfArea bool
	approxLAs []string
}

// candidate scores a service for the search; ok is false when it cannot
// help at all.
func (s *searcher) candidate(e *entry) (candidate, bool) {
	if !s.ix.running(e) {
		return candidate{}, false
	}
	rel, matched := s.relevance(e)
	if rel < minRelevance {
		return candidate{}, false
	}
	c := candidate{e: e, rel: rel, matched: matched}
	if e.hasPos && s.place.HasPosition {
		c.dist, c.hasDist = geo.Distance(s.place.LatLon, e.pos), true
	}
	return c, true
}

// rankCandidates orders candidates: the best match first, then those taking
// referrals, then the nearest, then by name so the order is stable.
func rankCandidates(list []candidate) {
	slices.SortFunc(list, func(a, b candidate) int {
		if c := cmp.Compare(band(b.rel), band(a.rel)); c != 0 {
			return c
		}
		ca, cb := a.e.svc.Capacity.State == care.CapacityClosed, b.e.svc.Capacity.State == care.CapacityClosed
		if ca != cb {
			if ca {
				return 1
			}
			return -1
		}
		if a.hasDist != b.hasDist {
			if a.hasDist {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(a.dist, b.dist); c != 0 {
			return c
		}
		return cmp.Or(strings.Compare(a.e.svc.Name, b.e.svc.Name), strings.Compare(a.e.svc.ID, b.e.svc.ID))
	})
}

// band groups relevance into steps of a fifth, so that within a band the
// nearer service comes first rather than the one whose description happens
// to repeat a word.
func band(rel float64) int { return int(math.Floor(rel*5 + 1e-9)) }

// running reports whether a service can take anyone at all: it is active
// and its organisation is open.
func (ix *Index) running(e *entry) bool { return e.running }

// locate works out the place a search is for.
func (ix *Index) locate(q geo.PostcodeQuery) Place {
	pl := Place{Typed: q.String(), Full: q.IsFull(), Outcode: q.Outcode}
	var loc geo.Location
	var prec geo.Precision
	if q.IsFull() {
		pl.Sector = q.Postcode.Sector()
		loc, prec = ix.gaz.Locate(q.Postcode)
		pl.Found = loc.LocalAuthority != "" || prec == geo.PrecisionPostcode
		pl.FellBack = !pl.Found
	} else {
		loc, prec = ix.gaz.LocateOutcode(q.Outcode)
	}
	if prec != geo.PrecisionNone {
		pl.LatLon, pl.HasPosition, pl.Approximate = loc.LatLon, true, prec != geo.PrecisionPostcode
	}
	if loc.LocalAuthority != "" {
		pl.LocalAuthorities, pl.AreaCertain, pl.Ward = []string{loc.LocalAuthority}, true, loc.Ward
	} else {
		pl.LocalAuthorities = ix.outcodeLAs[pl.Outcode]
		pl.AreaCertain = false
	}
	return pl
}

// coverage says how a service came to cover the place.
type coverage struct {
	// approxOnly: only through a council area guessed from the district.
	approxOnly bool
	las        []string
}

// covering returns the services whose catchment includes the place.
func (ix *Index) covering(pl Place) map[*entry]coverage {
	out := map[*entry]coverage{}
	add := func(a care.CatchmentArea, approx bool) {
		for _, e := range ix.byArea[a] {
			c, seen := out[e]
			if seen && !c.approxOnly {
				continue
			}
			if approx {
				c.approxOnly = true
				c.las = append(c.las, a.Code)
			} else {
				c = coverage{}
			}
			out[e] = c
		}
	}
	for _, la := range pl.LocalAuthorities {
		add(care.CatchmentArea{Kind: care.CatchLocalAuthority, Code: la}, !pl.AreaCertain)
	}
	if pl.Ward != "" {
		add(care.CatchmentArea{Kind: care.CatchWard, Code: pl.Ward}, false)
	}
	add(care.CatchmentArea{Kind: care.CatchOutcode, Code: pl.Outcode}, false)
	if pl.Sector != "" {
		add(care.CatchmentArea{Kind: care.CatchSector, Code: pl.Sector}, false)
	}
	if pl.Practice.ODSCode != "" {
		add(care.CatchmentArea{Kind: care.CatchPractice, Code: pl.Practice.ODSCode}, false)
	}
	return out
}

// nearby calls fn for every service placed within about radius metres of p.
func (ix *Index) nearby(p geo.LatLon, radius float64, fn func(*entry)) {
	lo, hi := cellRange(p, radius)
	for la := lo.lat; la <= hi.lat; la++ {
		for lo := lo.lon; lo <= hi.lon; lo++ {
			for _, e := range ix.grid[cell{la, lo}] {
				fn(e)
			}
		}
	}
}

// box is a range of latitude and longitude.
type box struct{ minLat, maxLat, minLon, maxLon float64 }

// boxAround is a box that holds every point within radius metres of p.
func boxAround(p geo.LatLon, radius float64) box {
	dLat := radius / 111_000
	dLon := radius / (111_000 * math.Max(math.Cos(p.Lat*math.Pi/180), 0.1))
	return box{p.Lat - dLat, p.Lat + dLat, p.Lon - dLon, p.Lon + dLon}
}

func (b box) contains(p geo.LatLon) bool {
	return p.Lat >= b.minLat && p.Lat <= b.maxLat && p.Lon >= b.minLon && p.Lon <= b.maxLon
}

// nearbyWithNeed calls fn for every service meeting need code placed within
// about radius metres of p.
func (ix *Index) nearbyWithNeed(code string, p geo.LatLon, radius float64, fn func(*entry)) {
	g := ix.needGrid[code]
	if g == nil {
		return
	}
	lo, hi := cellRange(p, radius)
	for la := lo.lat; la <= hi.lat; la++ {
		for lo := lo.lon; lo <= hi.lon; lo++ {
			for _, e := range g[cell{la, lo}] {
				fn(e)
			}
		}
	}
}

// cellRange is the grid squares within about radius metres of p.
func cellRange(p geo.LatLon, radius float64) (cell, cell) {
	dLat := radius / 111_000
	dLon := radius / (111_000 * math.Max(math.Cos(p.Lat*math.Pi/180), 0.1))
	return cellOf(geo.LatLon{Lat: p.Lat - dLat, Lon: p.Lon - dLon}), cellOf(geo.LatLon{Lat: p.Lat + dLat, Lon: p.Lon + dLon})
}

// wantedNeeds turns the chosen need and the free text into the needs to
// look for. A text match counts only if it scores at least half as well as
// the best one, so "washing and dressing" does not also look for wound
// dressings.
func (ix *Index) wantedNeeds(code, text string) []WantedNeed {
	var out []WantedNeed
	if n, ok := ix.needs[code]; ok && code != "" {
		out = append(out, WantedNeed{Need: n, Weight: 1})
	}
	matches := ix.matcher.Match(text)
	if len(matches) > 0 {
		best := matches[0].Score
		for _, m := range matches {
			if m.Score < best/2 {
				break
			}
			if slices.ContainsFunc(out, func(w WantedNeed) bool { return w.Need.Code == m.Need.Code }) {
				continue
			}
			out = append(out, WantedNeed{Need: m.Need, Weight: m.Score / best, FromText: true})
		}
	}
	return out
}

// searcher holds one search's inputs while it scores services.
type searcher struct {
	ix     *Index
	place  Place
	wanted []WantedNeed
	words  []string
	now    time.Time
}

// needRelation scores how well a service's need answers a wanted need: the
// same need fully; a service for the whole area the need is in well; a more
// specific service when the search was broad, less well.
func (s *searcher) needRelation(wanted care.Need, has string) float64 {
	switch {
	case wanted.Code == has:
		return 1
	case wanted.Parent != "" && wanted.Parent == has:
		return 0.7
	case wanted.TopLevel() && s.ix.needs[has].Parent == wanted.Code:
		return 0.5
	}
	return 0
}

func (s *searcher) relevance(e *entry) (float64, []care.Need) {
	best := 0.0
	var matched []care.Need
	for _, w := range s.wanted {
		for _, has := range e.svc.Needs {
			r := s.needRelation(w.Need, has) * w.Weight
			if r > 0 && !slices.ContainsFunc(matched, func(n care.Need) bool { return n.Code == has }) {
				matched = append(matched, s.ix.needs[has])
			}
			best = max(best, r)
		}
	}
	if len(s.words) > 0 {
		inName, inDesc := 0, 0
		for _, w := range s.words {
			if _, ok := slices.BinarySearch(e.nameWords, w); ok {
				inName++
			} else if _, ok := slices.BinarySearch(e.descWords, w); ok {
				inDesc++
			}
		}
		n := float64(len(s.words))
		best += 0.4*float64(inName)/n + 0.2*float64(inDesc)/n
	}
	return best, matched
}

// hit dresses a candidate for showing: contacts, freshness, opening and,
// when it is not available, the reasons.
func (s *searcher) hit(c candidate) Hit {
	ix, e := s.ix, c.e
	h := Hit{Service: e.svc, Organisation: ix.orgs[e.svc.OrganisationID], Team: ix.teams[e.svc.TeamID],
		Matched: c.matched, Relevance: c.rel, Freshness: e.svc.Verified.State(s.now),
		OpenStatus: e.svc.Hours.StatusAt(s.now.In(ix.loc)), Distance: c.dist, HasDistance: c.hasDist}
	h.DistanceApprox = c.hasDist && (e.posApprox || s.place.Approximate)
	h.Contacts = ix.contactsFor(e.svc)
	if len(c.approxLAs) > 0 {
		h.CheckArea = "We only know the postcode district, so check the person lives in " + ix.areaNames(c.approxLAs) + "."
	}
	if c.outOfArea {
		h.Reasons = append(h.Reasons, s.outOfArea(e))
	}
	h.Reasons = append(h.Reasons, s.reasons(e)...)
	return h
}

// relatedNeeds lists the need codes a service must have to score for this
// search: each wanted need, the broader need above it, and, for a broad
// need, the needs beneath it.
func (s *searcher) relatedNeeds() []string {
	var out []string
	add := func(code string) {
		if code != "" && !slices.Contains(out, code) {
			out = append(out, code)
		}
	}
	for _, w := range s.wanted {
		add(w.Need.Code)
		add(w.Need.Parent)
		if w.Need.TopLevel() {
			for _, n := range s.ix.children[w.Need.Code] {
				add(n)
			}
		}
	}
	return out
}

// contactsFor picks who to call about a service: its own contacts, else its
// team's, best first (duty contacts, named people before lines), then a
// duty line if the first is a named person.
func (ix *Index) contactsFor(sv care.Service) []care.Contact {
	var own, team []care.Contact
	for _, id := range ix.teamContacts[sv.TeamID] {
		c := ix.contacts[id]
		switch {
		case c.ServiceID == sv.ID:
			own = append(own, c)
		case c.ServiceID == "" && c.PracticeID == "":
			team = append(team, c)
		}
	}
	list := append(own, team...)
	if len(list) == 0 {
		return nil
	}
	out := []care.Contact{list[0]}
	if list[0].Name != "" {
		for _, c := range list[1:] {
			if c.Duty && c.Name == "" {
				out = append(out, c)
				break
			}
		}
	}
	return out
}

// ineligible reports whether a service that covers the place is still not
// for this person, by age or by a need the service is limited to.
func (s *searcher) ineligible(e *entry) bool {
	el := e.svc.Eligibility
	return (s.place.HasAge && !el.AllowsAge(s.place.Age)) || (len(el.RequiredNeeds) > 0 && !s.meetsRequired(el.RequiredNeeds))
}

// reasons says why a service is not for this person.
func (s *searcher) reasons(e *entry) []string {
	var reasons []string
	el := e.svc.Eligibility
	if s.place.HasAge && !el.AllowsAge(s.place.Age) {
		reasons = append(reasons, capitalise(el.AgeRule()))
	}
	if len(el.RequiredNeeds) > 0 && !s.meetsRequired(el.RequiredNeeds) {
		var labels []string
		for _, code := range el.RequiredNeeds {
			labels = append(labels, strings.ToLower(s.ix.needs[code].Label))
		}
		reasons = append(reasons, "Only for people who need "+joinAnd(labels, "or"))
	}
	return reasons
}

func (s *searcher) meetsRequired(required []string) bool {
	for _, w := range s.wanted {
		for _, r := range required {
			if w.Need.Code == r || w.Need.Parent == r {
				return true
			}
		}
	}
	return false
}

// outOfArea says why a nearby service does not cover the place.
func (s *searcher) outOfArea(e *entry) string {
	var las, districts, wards, practices []string
	for _, a := range e.svc.Catchment {
		switch a.Kind {
		case care.CatchLocalAuthority:
			las = append(las, a.Code)
		case care.CatchOutcode, care.CatchSector:
			districts = append(districts, a.Code)
		case care.CatchWard:
			wards = append(wards, a.Code)
		case care.CatchPractice:
			practices = append(practices, a.Code)
		}
	}
	var parts []string
	if len(las) > 0 {
		part := "Covers " + s.ix.areaNames(las) + " only"
		if len(s.place.LocalAuthorities) == 0 {
			part += fmt.Sprintf(", and we could not tell which council area %s is in", s.place.Typed)
		}
		parts = append(parts, part)
	}
	if len(districts) > 0 {
		shown := districts
		if len(shown) > 6 {
			shown = append(slices.Clone(shown[:5]), fmt.Sprintf("%d other areas", len(districts)-5))
		}
		parts = append(parts, "Covers postcode areas "+joinAnd(shown, "and")+" only")
	}
	if len(wards) > 0 {
		parts = append(parts, "Covers some council wards only")
	}
	if len(practices) > 0 {
		part := "Only for patients registered with " + s.ix.practicesPhrase(practices)
		if s.place.Practice.ID == "" {
			part += ": add the person's GP practice to check"
		}
		parts = append(parts, part)
	}
	if len(parts) == 0 {
		return "Does not cover " + s.place.Typed
	}
	return strings.Join(parts, "; ")
}

// areaNames names council areas for people: "Croydon and Lewisham".
func (ix *Index) areaNames(codes []string) string {
	names := make([]string, 0, len(codes))
	for _, c := range codes {
		names = append(names, ix.areaName(c))
	}
	return joinAnd(names, "and")
}

func (ix *Index) areaName(code string) string {
	if n, ok := ix.laNames[code]; ok {
		return n
	}
	return code
}

// practicesPhrase describes a list of practices by ODS code: by name when
// there are one or two, or by the council area they are all in.
func (ix *Index) practicesPhrase(ods []string) string {
	if len(ods) <= 2 {
		var names []string
		for _, code := range ods {
			if o, ok := ix.orgs[ix.orgByODS[code]]; ok {
				names = append(names, o.Name)
			} else {
				names = append(names, code)
			}
		}
		return joinAnd(names, "or")
	}
	la := ""
	for _, code := range ods {
		o := ix.orgs[ix.orgByODS[code]]
		if la == "" {
			la = o.LocalAuthorityGSS
		}
		if o.LocalAuthorityGSS == "" || o.LocalAuthorityGSS != la {
			return fmt.Sprintf("one of %d GP practices", len(ods))
		}
	}
	return "a GP practice in " + ix.areaName(la)
}

func joinAnd(items []string, conj string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " " + conj + " " + items[len(items)-1]
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// NeedGroups lists the taxonomy for a search form's select: each top-level
// need with the needs beneath it, deprecated needs left out. The groups are
// shared: callers must not change them.
func (ix *Index) NeedGroups() [][]care.Need { return ix.needGroups }

// Need finds a need by code.
func (ix *Index) Need(code string) (care.Need, bool) {
	n, ok := ix.needs[code]
	return n, ok
}

// AreaName names a council area by GSS code, or returns the code.
func (ix *Index) AreaName(code string) string { return ix.areaName(code) }
