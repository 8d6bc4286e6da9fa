package demo

import (
	"iter"
	"math/rand/v2"
	"slices"

	"github.com/joinedup/joinedup/internal/care"
)

// MaxPeople is how many distinct people People can produce: the number of
// valid NHS numbers in the 999 range (999 000 0000 to 999 999 9999). Only
// one prefix in eleven has no check digit, so that is 909,091 of the
// million nine-digit prefixes. Numbers outside the range could belong to
// real patients, so People stops here instead of leaving it.
const MaxPeople = 909_091

// pcgStream is the second PCG word; fixing it means the seed alone decides
// the output.
const pcgStream = 0x6a6f696e65647570 // "joinedup"

// firstTestPrefix is the first nine digits of the 999 range.
const firstTestPrefix = "999000000"

// referenceYear fixes the ages: a person of age a was born in
// referenceYear-1-a, so they are exactly a on 1 January referenceYear. A
// fixed year, not today's date, keeps the output identical whenever it is
// generated; people simply grow older with the calendar.
const referenceYear = 2026

// region is a borough as People sees it.
type region struct {
	weight    int      // its number of practices
	practices []string // ODS codes, sorted
	// postcodes are the distinct postcodes of the borough's practices. With
	// no postcode directory in the project, these are the postcodes known to
	// exist in the borough, so a person given one really lives there.
	postcodes []string
}

func regions(ps []practice) []region {
	var rs []region
	for _, b := range boroughs() {
		if !b.services {
			continue
		}
		var r region
		for _, p := range ps {
			if practiceLocalAuthority(p) != b.gss {
				continue
			}
			r.practices = append(r.practices, p.ODSCode)
			r.postcodes = append(r.postcodes, p.Postcode)
		}
		slices.Sort(r.practices)
		slices.Sort(r.postcodes)
		r.postcodes = slices.Compact(r.postcodes)
		r.weight = len(r.practices)
		rs = append(rs, r)
	}
	return rs
}

// ageBand weights adult ages towards the older people who use most health
// and social care.
type ageBand struct{ from, to, weight int }

func ageBands() []ageBand {
	return []ageBand{
		{18, 39, 10},
		{40, 64, 20},
		{65, 74, 20},
		{75, 84, 28},
		{85, 94, 19},
		{95, 100, 3},
	}
}

// People streams n fictional people for seed (at most MaxPeople). They are
// made a few hundred at a time as the caller asks for them, so a benchmark
// population of any size needs no more memory than that.
//
// People are spread over Hackney, Croydon and Lewisham in proportion to
// their numbers of practices, to within one person at every point of the
// stream, and registered with a practice in their own borough. NHS numbers
// are the valid numbers of the 999 range in ascending order from
// 999 000 0000, so they are unique within a stream and the same for every
// seed; the seed decides everything else. The first people of a stream do
// not depend on n.
func People(seed uint64, n int) iter.Seq[Person] {
	n = min(n, MaxPeople)
	return func(yield func(Person) bool) {
		if n <= 0 {
			return
		}
		g := newGenerator(seed)
		// People are made in small batches so that the text of a whole batch
		// (NHS numbers and dates of birth) is one allocation rather than one
		// per person. The batch only changes how memory is shared: the
		// sequence of people is the same whatever the batch size.
		const batch = 256
		var ps [batch]Person
		var text [batch * personText]byte
		for done := 0; done < n; {
			m := min(batch, n-done)
			for i := range m {
				g.next(&ps[i], text[i*personText:(i+1)*personText])
			}
			s := string(text[:m*personText])
			for i := range m {
				t := s[i*personText : (i+1)*personText]
				ps[i].NHSNumber = care.NHSNumber(t[:10])
				ps[i].DateOfBirth = t[10:]
				if !yield(ps[i]) {
					return
				}
			}
			done += m
		}
	}
}

// personText is the length of a person's NHS number and date of birth.
const personText = 10 + len("YYYY-MM-DD")

// generator holds the state of one stream of people.
type generator struct {
	pcg        *rand.PCG
	regions    []region
	credit     []int // smooth weighted round robin over regions
	total      int   // sum of region weights
	groups     []nameGroup
	groupTotal int
	bands      []ageBand
	bandTotal  int
	prefix     [9]byte // the next NHS number prefix to try
}

func newGenerator(seed uint64) *generator {
	g := &generator{
		pcg:     rand.NewPCG(seed, pcgStream),
		regions: regions(mustLoad().practices),
		groups:  nameGroups(),
		bands:   ageBands(),
	}
	g.credit = make([]int, len(g.regions))
	for _, r := range g.regions {
		g.total += r.weight
	}
	for _, x := range g.groups {
		g.groupTotal += x.weight
	}
	for _, b := range g.bands {
		g.bandTotal += b.weight
	}
	copy(g.prefix[:], firstTestPrefix)
	return g
}

// next fills in p, except for its NHS number and date of birth, which it
// writes into text (personText bytes) for the caller to turn into strings.
func (g *generator) next(p *Person, text []byte) {
	// Smooth weighted round robin: every region earns its weight, the
	// richest is chosen and pays the total. It keeps every prefix of the
	// stream in proportion, within one person.
	ri := 0
	for i, r := range g.regions {
		g.credit[i] += r.weight
		if g.credit[i] > g.credit[ri] {
			ri = i
		}
	}
	g.credit[ri] -= g.total
	r := g.regions[ri]

	for {
		check, ok := care.NHSCheckDigit(string(g.prefix[:]))
		if ok {
			copy(text[:9], g.prefix[:])
			text[9] = byte('0' + check)
			nextPrefix(&g.prefix)
			break
		}
		nextPrefix(&g.prefix)
	}

	// Eight choices from four 64-bit draws, 32 bits each: for lists this
	// short the bias is below one in ten million.
	u1, u2, u3, u4 := g.pcg.Uint64(), g.pcg.Uint64(), g.pcg.Uint64(), g.pcg.Uint64()

	k := pick(u1, g.groupTotal)
	group := &g.groups[0]
	for i := range g.groups {
		if k < g.groups[i].weight {
			group = &g.groups[i]
			break
		}
		k -= g.groups[i].weight
	}

	k = pick(u1>>32, g.bandTotal)
	band := g.bands[0]
	for _, b := range g.bands {
		if k < b.weight {
			band = b
			break
		}
		k -= b.weight
	}
	age := band.from + pick(u2, band.to-band.from+1)
	year := referenceYear - 1 - age
	month, day := monthDay(year, pick(u2>>32, daysIn(year)))
	putDate(text[10:], year, month, day)

	*p = Person{
		GivenName:   group.given[pick(u3, len(group.given))],
		FamilyName:  group.family[pick(u3>>32, len(group.family))],
		Postcode:    r.postcodes[pick(u4, len(r.postcodes))],
		PracticeODS: r.practices[pick(u4>>32, len(r.practices))],
	}
}

// pick maps the low 32 bits of u to [0, n) by multiplying, which is faster
// than division and as even.
func pick(u uint64, n int) int {
	return int(uint64(uint32(u)) * uint64(n) >> 32)
}

// nextPrefix adds one to a nine-digit decimal number. It never runs past
// 999 999 999 because People yields at most MaxPeople numbers.
func nextPrefix(p *[9]byte) {
	for i := 8; i >= 0; i-- {
		if p[i] < '9' {
			p[i]++
			return
		}
		p[i] = '0'
	}
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(y int) int {
	if isLeap(y) {
		return 366
	}
	return 365
}

// monthDay turns a zero-based day of the year into a month and day.
func monthDay(y, yday int) (month, day int) {
	lengths := [12]int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
	if isLeap(y) {
		lengths[1] = 29
	}
	for m, l := range lengths {
		if yday < l {
			return m + 1, yday + 1
		}
		yday -= l
	}
	return 12, 31
}

// putDate writes YYYY-MM-DD into b, which must hold ten bytes.
func putDate(b []byte, y, m, d int) {
	_ = b[9]
	b[0] = byte('0' + y/1000)
	b[1] = byte('0' + y/100%10)
	b[2] = byte('0' + y/10%10)
	b[3] = byte('0' + y%10)
	b[4] = '-'
	b[5] = byte('0' + m/10)
	b[6] = byte('0' + m%10)
	b[7] = '-'
	b[8] = byte('0' + d/10)
	b[9] = byte('0' + d%10)
}
