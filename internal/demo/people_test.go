package demo

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/joinedup/joinedup/internal/care"
)

// checkPerson reports what is wrong with p, given the postcodes and
// practices of each borough.
func checkPerson(p Person, practiceLA map[string]string, postcodes map[string]map[string]bool) error {
	n, err := care.ParseNHSNumber(string(p.NHSNumber))
	if err != nil || n != p.NHSNumber || !strings.HasPrefix(string(n), "999") {
		return fmt.Errorf("NHS number %q is not a valid 999-range number (%v)", p.NHSNumber, err)
	}
	if p.GivenName == "" || p.FamilyName == "" {
		return fmt.Errorf("%s has no name", p.NHSNumber)
	}
	dob, err := time.Parse(time.DateOnly, p.DateOfBirth)
	if err != nil {
		return fmt.Errorf("%s: date of birth: %v", p.NHSNumber, err)
	}
	if age := ageOn(dob, time.Date(referenceYear, 1, 1, 0, 0, 0, 0, time.UTC)); age < 18 || age > 100 {
		return fmt.Errorf("%s is %d", p.NHSNumber, age)
	}
	la, ok := practiceLA[p.PracticeODS]
	if !ok {
		return fmt.Errorf("%s: practice %q does not exist", p.NHSNumber, p.PracticeODS)
	}
	if la != gssHackney && la != gssCroydon && la != gssLewisham {
		return fmt.Errorf("%s: practice %s is in %s, outside the demo boroughs", p.NHSNumber, p.PracticeODS, la)
	}
	if !postcodes[la][p.Postcode] {
		return fmt.Errorf("%s: postcode %q is not a known postcode of %s", p.NHSNumber, p.Postcode, la)
	}
	return nil
}

func ageOn(dob, day time.Time) int {
	age := day.Year() - dob.Year()
	if day.YearDay() < dob.YearDay() {
		age--
	}
	return age
}

// boroughFacts derives, from the organisations Generate returns, where each
// practice is and which postcodes each borough has.
func boroughFacts(d Dataset) (practiceLA map[string]string, postcodes map[string]map[string]bool, practices map[string]int) {
	practiceLA = map[string]string{}
	postcodes = map[string]map[string]bool{}
	practices = map[string]int{}
	for _, o := range d.Organisations {
		if o.Kind != OrgGPPractice {
			continue
		}
		practiceLA[o.ODSCode] = o.LocalAuthorityGSS
		if postcodes[o.LocalAuthorityGSS] == nil {
			postcodes[o.LocalAuthorityGSS] = map[string]bool{}
		}
		postcodes[o.LocalAuthorityGSS][o.Postcode] = true
		practices[o.LocalAuthorityGSS]++
	}
	return practiceLA, postcodes, practices
}

func TestGeneratePeople(t *testing.T) {
	t.Parallel()
	d := Generate(1)
	if len(d.People) != DemoPeople {
		t.Fatalf("%d people, want %d", len(d.People), DemoPeople)
	}
	practiceLA, postcodes, practices := boroughFacts(d)
	seen := map[care.NHSNumber]bool{}
	perBorough := map[string]int{}
	for _, p := range d.People {
		if err := checkPerson(p, practiceLA, postcodes); err != nil {
			t.Error(err)
		}
		if seen[p.NHSNumber] {
			t.Errorf("NHS number %s used twice", p.NHSNumber)
		}
		seen[p.NHSNumber] = true
		perBorough[practiceLA[p.PracticeODS]]++
	}
	total := practices[gssHackney] + practices[gssCroydon] + practices[gssLewisham]
	for _, tc := range []struct {
		gss       string
		practices int
	}{
		{gssHackney, 39}, {gssCroydon, 51}, {gssLewisham, 35},
	} {
		if practices[tc.gss] != tc.practices {
			t.Errorf("%s has %d practices, want %d", tc.gss, practices[tc.gss], tc.practices)
		}
		want := float64(DemoPeople) * float64(practices[tc.gss]) / float64(total)
		if got := perBorough[tc.gss]; math.Abs(float64(got)-want) >= 1 {
			t.Errorf("%s has %d people, want %.1f ± 1", tc.gss, got, want)
		}
	}
}

func TestPeopleMatchesGenerate(t *testing.T) {
	t.Parallel()
	want := Generate(5).People
	got := slices.Collect(People(5, 1000))
	if !slices.Equal(got[:len(want)], want) {
		t.Error("People(5, 1000) does not start with Generate(5).People")
	}
}

func TestPeopleDoesNotDependOnLength(t *testing.T) {
	t.Parallel()
	long := slices.Collect(People(9, 1000))
	for _, n := range []int{1, 255, 256, 257, 513} {
		if got := slices.Collect(People(9, n)); !slices.Equal(got, long[:n]) {
			t.Errorf("People(9, %d) is not the start of People(9, 1000)", n)
		}
	}
}

func TestPeopleKnownValues(t *testing.T) {
	t.Parallel()
	// Pins the output for one seed, so a change that alters every demo
	// database and benchmark (a new PCG stream, a reordered list) is seen.
	got := slices.Collect(People(1, 3))
	want := []Person{
		{"9990000018", "Zainab", "Patel", "1961-07-19", "CR0 1FE", "H83052"},
		{"9990000026", "Ellen", "Green", "1955-08-12", "E8 3XP", "F84685"},
		{"9990000034", "Sylvia", "Cooper", "1968-04-25", "SE26 6JQ", "G85722"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("People(1, 3) =\n%v\nwant\n%v", got, want)
	}
}

func TestPeopleStream(t *testing.T) {
	t.Parallel()
	const n = 20_000
	d := Generate(1)
	practiceLA, postcodes, _ := boroughFacts(d)
	a := slices.Collect(People(11, n))
	b := slices.Collect(People(11, n))
	c := slices.Collect(People(12, n))
	if len(a) != n || !slices.Equal(a, b) {
		t.Fatalf("People(11, %d) gave %d people, or differed between calls", n, len(a))
	}
	if slices.Equal(a, c) {
		t.Error("seeds 11 and 12 gave the same people")
	}
	old, veryOld := 0, 0
	for i, p := range a {
		if err := checkPerson(p, practiceLA, postcodes); err != nil {
			t.Fatal(err)
		}
		if i > 0 && a[i-1].NHSNumber >= p.NHSNumber {
			t.Fatalf("NHS numbers not ascending at %d: %s then %s", i, a[i-1].NHSNumber, p.NHSNumber)
		}
		if year := p.DateOfBirth[:4]; year <= fmt.Sprint(referenceYear-1-65) {
			old++
			if year <= fmt.Sprint(referenceYear-1-95) {
				veryOld++
			}
		}
		if p.NHSNumber != c[i].NHSNumber {
			t.Fatalf("person %d: NHS number depends on the seed", i)
		}
	}
	// Weighted older: about 70% are 65 or over, a few 95 or over.
	if share := float64(old) / n; share < 0.6 || share > 0.8 {
		t.Errorf("%.0f%% aged 65 or over, want about 70%%", share*100)
	}
	if veryOld == 0 || veryOld > n/10 {
		t.Errorf("%d of %d aged 95 or over", veryOld, n)
	}
}

func TestPeopleLimits(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		n, want int
	}{
		{-1, 0}, {0, 0}, {1, 1}, {DemoPeople, DemoPeople},
	} {
		got := 0
		for range People(1, tc.n) {
			got++
		}
		if got != tc.want {
			t.Errorf("People(1, %d) yielded %d, want %d", tc.n, got, tc.want)
		}
	}
	got := 0
	for range People(1, 1000) {
		got++
		if got == 5 {
			break
		}
	}
	if got != 5 {
		t.Errorf("stopping after 5 gave %d", got)
	}
}

func TestPeopleWholeTestRange(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("walks the whole 999 range")
	}
	// Count the range's valid numbers independently of People.
	valid := 0
	for p := 999_000_000; p <= 999_999_999; p++ {
		if _, ok := care.NHSCheckDigit(fmt.Sprint(p)); ok {
			valid++
		}
	}
	if valid != MaxPeople {
		t.Fatalf("the 999 range has %d valid numbers; MaxPeople is %d", valid, MaxPeople)
	}
	n := 0
	var last care.NHSNumber
	for p := range People(3, MaxPeople+10) {
		if _, err := care.ParseNHSNumber(string(p.NHSNumber)); err != nil || !strings.HasPrefix(string(p.NHSNumber), "999") || p.NHSNumber <= last {
			t.Fatalf("person %d: NHS number %s after %s (%v)", n, p.NHSNumber, last, err)
		}
		last = p.NHSNumber
		n++
	}
	if n != MaxPeople {
		t.Errorf("People(3, MaxPeople+10) yielded %d, want %d", n, MaxPeople)
	}
	if last != "9999999999" {
		t.Errorf("last NHS number %s, want 9999999999, the top of the range", last)
	}
}

func TestMonthDay(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		year, yday, month, day int
	}{
		{1950, 0, 1, 1},
		{1950, 58, 2, 28},
		{1950, 59, 3, 1},
		{1952, 59, 2, 29},
		{1952, 365, 12, 31},
		{1900, 59, 3, 1}, // not a leap year
		{2000, 59, 2, 29},
	} {
		if m, d := monthDay(tc.year, tc.yday); m != tc.month || d != tc.day {
			t.Errorf("monthDay(%d, %d) = %d-%d, want %d-%d", tc.year, tc.yday, m, d, tc.month, tc.day)
		}
	}
}

var sinkPerson Person

// BenchmarkPeople measures one person per op.
func BenchmarkPeople(b *testing.B) {
	b.ReportAllocs()
	done := 0
	for done < b.N {
		for p := range People(1, min(b.N-done, MaxPeople)) {
			sinkPerson = p
			done++
		}
	}
}

func BenchmarkGenerate(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = Generate(1)
	}
}
