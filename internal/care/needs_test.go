package care

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// publishedNeedCodes freezes every code that has ever been released. Codes are
// stored in services, referrals and open data, so removing or renaming one
// breaks them: deprecate the need instead. Add new codes here when you add
// needs; never delete a line.
const publishedNeedCodes = `
personal-care
personal-care/washing-and-dressing
personal-care/eating-and-drinking
personal-care/using-the-toilet
mobility-and-falls
mobility-and-falls/falls-prevention
mobility-and-falls/walking-and-strength
mobility-and-falls/moving-and-handling
mobility-and-falls/getting-out-and-about
equipment-and-adaptations
equipment-and-adaptations/daily-living-equipment
equipment-and-adaptations/home-adaptations
equipment-and-adaptations/wheelchairs
equipment-and-adaptations/telecare-and-alarms
equipment-and-adaptations/sight-and-hearing-loss
home-care-and-reablement
home-care-and-reablement/reablement
home-care-and-reablement/home-care
home-care-and-reablement/housework-and-shopping
home-care-and-reablement/direct-payments
care-homes-and-supported-housing
care-homes-and-supported-housing/care-homes
care-homes-and-supported-housing/extra-care-and-supported-living
carers-support
carers-support/carers-assessment
carers-support/respite-and-short-breaks
carers-support/carers-advice-and-wellbeing
mental-health-and-wellbeing
mental-health-and-wellbeing/low-mood-and-anxiety
mental-health-and-wellbeing/serious-mental-illness
mental-health-and-wellbeing/mental-health-crisis
memory-and-dementia
memory-and-dementia/memory-assessment
memory-and-dementia/living-with-dementia
memory-and-dementia/dementia-distress
loneliness-and-isolation
loneliness-and-isolation/befriending
loneliness-and-isolation/groups-and-activities
loneliness-and-isolation/social-prescribing
money-housing-and-benefits
money-housing-and-benefits/benefits-and-money-advice
money-housing-and-benefits/housing-and-homelessness
money-housing-and-benefits/paying-for-care
money-housing-and-benefits/managing-affairs
safeguarding
safeguarding/abuse-and-neglect
safeguarding/domestic-abuse
safeguarding/self-neglect-and-hoarding
safeguarding/mental-capacity-and-advocacy
nursing-care
nursing-care/wound-and-pressure-care
nursing-care/medicines-support
nursing-care/continence-and-catheter-care
nursing-care/long-term-conditions
end-of-life
end-of-life/palliative-care-at-home
end-of-life/advance-care-planning
end-of-life/bereavement
learning-disability-and-autism
learning-disability-and-autism/health-and-wellbeing
learning-disability-and-autism/daily-support
learning-disability-and-autism/autism-support
learning-disability-and-autism/moving-to-adult-services
substance-use
substance-use/alcohol
substance-use/drugs
hospital-discharge
hospital-discharge/leaving-hospital
hospital-discharge/intermediate-care
hospital-discharge/urgent-community-response
`

func TestPublishedNeedCodesStillResolve(t *testing.T) {
	t.Parallel()
	for _, code := range strings.Fields(publishedNeedCodes) {
		if _, ok := NeedByCode(code); !ok {
			t.Errorf("published need code %q no longer exists; deprecate needs instead of removing them", code)
		}
	}
	published := map[string]bool{}
	for _, code := range strings.Fields(publishedNeedCodes) {
		published[code] = true
	}
	for _, n := range Needs() {
		if !published[n.Code] {
			t.Errorf("need %q is not in publishedNeedCodes; add it so it can never be removed", n.Code)
		}
	}
}

// The taxonomy page lists every need, so people who don't read Go can see
// the whole list; this keeps it from falling behind the code.
func TestTaxonomyPageListsEveryNeed(t *testing.T) {
	t.Parallel()
	page, err := os.ReadFile("../../docs/taxonomy.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range Needs() {
		if !strings.Contains(string(page), "`"+n.Code+"` |") && !strings.Contains(string(page), "**`"+n.Code+"`**") {
			t.Errorf("docs/taxonomy.md does not list %s", n.Code)
		}
	}
	if !strings.Contains(string(page), NeedsVocabulary) {
		t.Errorf("docs/taxonomy.md does not name the vocabulary %q", NeedsVocabulary)
	}
}

var needCodePart = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func TestNeedsTaxonomyIsWellFormed(t *testing.T) {
	t.Parallel()
	needs := Needs()
	if n := len(needs); n < 50 || n > 70 {
		t.Errorf("taxonomy has %d needs; keep it between 50 and 70 so people can scan it", n)
	}
	top := ChildrenOf("")
	if n := len(top); n < 12 || n > 16 {
		t.Errorf("taxonomy has %d top-level needs; want 12 to 16", n)
	}
	codes := map[string]Need{}
	labels := map[string]string{}
	for _, n := range needs {
		if _, dup := codes[n.Code]; dup {
			t.Errorf("code %q is used twice", n.Code)
		}
		codes[n.Code] = n
		if other, dup := labels[strings.ToLower(n.Label)]; dup {
			t.Errorf("label %q is used by %q and %q", n.Label, other, n.Code)
		}
		labels[strings.ToLower(n.Label)] = n.Code
		parts := strings.Split(n.Code, "/")
		for _, p := range parts {
			if !needCodePart.MatchString(p) {
				t.Errorf("code %q: part %q must be lower-case words joined by hyphens", n.Code, p)
			}
		}
		switch len(parts) {
		case 1:
			if n.Parent != "" {
				t.Errorf("code %q has no slash but names parent %q", n.Code, n.Parent)
			}
			if len(ChildrenOf(n.Code)) < 2 {
				t.Errorf("top-level need %q has fewer than two needs beneath it", n.Code)
			}
		case 2:
			if n.Parent != parts[0] {
				t.Errorf("code %q must have parent %q, has %q", n.Code, parts[0], n.Parent)
			}
			p, ok := codes[n.Parent]
			if !ok {
				t.Errorf("code %q: parent %q must come before it", n.Code, n.Parent)
			} else if !p.TopLevel() {
				t.Errorf("code %q: parent %q is not top-level; the taxonomy has two levels", n.Code, n.Parent)
			}
		default:
			t.Errorf("code %q has more than two levels", n.Code)
		}
		if n.Label == "" || strings.TrimSpace(n.Label) != n.Label {
			t.Errorf("%s: label %q must be set and trimmed", n.Code, n.Label)
		}
		if !strings.HasSuffix(n.Description, ".") || strings.Count(n.Description, ". ") > 0 {
			t.Errorf("%s: description must be one sentence ending in a full stop: %q", n.Code, n.Description)
		}
		if len(n.Keywords) < 4 {
			t.Errorf("%s: has %d keywords; give at least 4 ways people might say it", n.Code, len(n.Keywords))
		}
		seen := map[string]bool{}
		for _, k := range n.Keywords {
			if k != strings.ToLower(k) || strings.TrimSpace(k) != k {
				t.Errorf("%s: keyword %q must be lower case and trimmed", n.Code, k)
			}
			if seen[k] {
				t.Errorf("%s: keyword %q listed twice", n.Code, k)
			}
			seen[k] = true
			if len(needWords(k, 0)) == 0 {
				t.Errorf("%s: keyword %q is made only of stop words, so it can never match", n.Code, k)
			}
		}
		if n.Deprecated && !strings.Contains(n.Description, "instead") {
			t.Errorf("%s is deprecated; its description must say what to use instead", n.Code)
		}
	}
}

func TestNeedByCode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code   string
		found  bool
		parent string
	}{
		{"personal-care", true, ""},
		{"personal-care/washing-and-dressing", true, "personal-care"},
		{"mobility-and-falls/falls-prevention", true, "mobility-and-falls"},
		{"Personal-Care", false, ""},
		{"personal-care/", false, ""},
		{"", false, ""},
		{"no-such-need", false, ""},
	}
	for _, tt := range tests {
		n, ok := NeedByCode(tt.code)
		if ok != tt.found {
			t.Errorf("NeedByCode(%q) found = %v, want %v", tt.code, ok, tt.found)
			continue
		}
		if ok && (n.Code != tt.code || n.Parent != tt.parent) {
			t.Errorf("NeedByCode(%q) = %q with parent %q, want parent %q", tt.code, n.Code, n.Parent, tt.parent)
		}
	}
}

func TestChildrenOf(t *testing.T) {
	t.Parallel()
	kids := ChildrenOf("personal-care")
	var got []string
	for _, k := range kids {
		got = append(got, k.Code)
	}
	want := "personal-care/washing-and-dressing personal-care/eating-and-drinking personal-care/using-the-toilet"
	if strings.Join(got, " ") != want {
		t.Errorf("ChildrenOf(personal-care) = %v, want %s", got, want)
	}
	if n := len(ChildrenOf("personal-care/washing-and-dressing")); n != 0 {
		t.Errorf("a second-level need has %d children, want 0", n)
	}
	if n := len(ChildrenOf("nonsense")); n != 0 {
		t.Errorf("an unknown code has %d children, want 0", n)
	}
	for _, n := range ChildrenOf("") {
		if !n.TopLevel() {
			t.Errorf("ChildrenOf(\"\") returned %q, which is not top-level", n.Code)
		}
	}
}

// TestMatchNeeds uses phrases GPs, social workers and families actually write.
// want is the code that must come first; a code ending in "/" means any need
// in that group may come first.
func TestMatchNeeds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		text string
		want string
	}{
		{"help with washing and dressing", "personal-care/washing-and-dressing"},
		{"my mum keeps falling", "mobility-and-falls/"},
		{"lonely", "loneliness-and-isolation"},
		{"Lives alone and hasn't seen anyone for weeks", "loneliness-and-isolation/"},
		{"Mrs X has been found on the floor twice this week", "mobility-and-falls/falls-prevention"},
		{"needs a hoist for transfers, currently double handed", "mobility-and-falls/moving-and-handling"},
		{"grab rails by the front door and a stairlift", "equipment-and-adaptations/home-adaptations"},
		{"can't manage stairs to the bathroom, needs a level access shower", "equipment-and-adaptations/home-adaptations"},
		{"pendant alarm", "equipment-and-adaptations/telecare-and-alarms"},
		{"not taking her tablets, needs a blister pack", "nursing-care/medicines-support"},
		{"district nurse to dress leg ulcer", "nursing-care/wound-and-pressure-care"},
		{"catheter blocked again", "nursing-care/continence-and-catheter-care"},
		{"worried about his memory, not diagnosed", "memory-and-dementia/memory-assessment"},
		{"wandering at night and aggressive with carers", "memory-and-dementia/dementia-distress"},
		{"carer needs a break", "carers-support/respite-and-short-breaks"},
		{"daughter is exhausted caring for him", "carers-support"},
		{"ready for discharge home from hospital", "hospital-discharge/leaving-hospital"},
		{"deteriorating, needs seeing within 2 hours to avoid admission", "hospital-discharge/urgent-community-response"},
		{"neighbour worried about financial abuse", "safeguarding/abuse-and-neglect"},
		{"partner is controlling and hits her", "safeguarding/domestic-abuse"},
		{"hoarding, house full of clutter, refusing help", "safeguarding/self-neglect-and-hoarding"},
		{"lacks capacity to decide where to live", "safeguarding/mental-capacity-and-advocacy"},
		{"drinking too much since his wife died", "substance-use/alcohol"},
		{"losing weight, not eating", "personal-care/eating-and-drinking"},
		{"low mood and anxiety", "mental-health-and-wellbeing/low-mood-and-anxiety"},
		{"hearing voices, stopped taking his depot", "mental-health-and-wellbeing/serious-mental-illness"},
		{"benefits check for attendance allowance", "money-housing-and-benefits/benefits-and-money-advice"},
		{"behind on rent", "money-housing-and-benefits/housing-and-homelessness"},
		{"young man with a learning disability turning 18", "learning-disability-and-autism/moving-to-adult-services"},
		{"he is housebound and can't get to appointments", "mobility-and-falls/getting-out-and-about"},
		{"deaf and uses BSL", "equipment-and-adaptations/sight-and-hearing-loss"},
		{"help with shopping and cleaning", "home-care-and-reablement/housework-and-shopping"},
		{"direct payments to employ a PA", "home-care-and-reablement/direct-payments"},
		{"care home", "care-homes-and-supported-housing/care-homes"},
		{"home care", "home-care-and-reablement/home-care"},
		{"wants to die at home, on the end of life register", "end-of-life/"},
		{"WASHING & DRESSING", "personal-care/washing-and-dressing"},
		{"carer’s assessment", "carers-support/carers-assessment"},
	}
	m := NewNeedMatcher(Needs())
	for _, tt := range tests {
		got := MatchNeeds(tt.text)
		if len(got) == 0 {
			t.Errorf("MatchNeeds(%q) found nothing, want %s", tt.text, tt.want)
			continue
		}
		first := got[0].Need.Code
		ok := first == tt.want
		if strings.HasSuffix(tt.want, "/") {
			ok = strings.HasPrefix(first+"/", tt.want)
		}
		if !ok {
			t.Errorf("MatchNeeds(%q) ranked %s first (%v), want %s", tt.text, first, got[0].Matched, tt.want)
		}
		if len(got[0].Matched) == 0 || got[0].Score <= 0 {
			t.Errorf("MatchNeeds(%q) first match has no reason or no score: %+v", tt.text, got[0])
		}
		if again := m.Match(tt.text); len(again) != len(got) || again[0].Need.Code != first {
			t.Errorf("a reused NeedMatcher disagrees with MatchNeeds for %q", tt.text)
		}
	}
}

func TestMatchNeedsFindsNothing(t *testing.T) {
	t.Parallel()
	for _, text := range []string{"", "   ", "the and of with", "my mum needs help", "xyzzy plugh", "!!!"} {
		if got := MatchNeeds(text); len(got) != 0 {
			t.Errorf("MatchNeeds(%q) = %s..., want no matches", text, got[0].Need.Code)
		}
	}
}

func TestMatchNeedsSkipsDeprecated(t *testing.T) {
	t.Parallel()
	needs := []Need{
		{Code: "old", Label: "Old", Keywords: []string{"washing"}, Deprecated: true},
		{Code: "new", Label: "New", Keywords: []string{"washing"}},
	}
	got := NewNeedMatcher(needs).Match("washing")
	if len(got) != 1 || got[0].Need.Code != "new" {
		t.Errorf("Match = %+v, want only the current need", got)
	}
}

func TestMatchNeedsPrefersSpecificNeedOnTie(t *testing.T) {
	t.Parallel()
	needs := []Need{
		{Code: "group", Label: "Group", Keywords: []string{"ramp"}},
		{Code: "group/child", Parent: "group", Label: "Child", Keywords: []string{"ramp"}},
	}
	got := NewNeedMatcher(needs).Match("ramp")
	if len(got) != 2 || got[0].Need.Code != "group/child" {
		t.Errorf("Match = %+v, want the child first", got)
	}
}

func TestStemWord(t *testing.T) {
	t.Parallel()
	// Each group must stem to one word, and different groups to different words.
	groups := [][]string{
		{"fall", "falls", "falling"},
		{"wash", "washes", "washing", "washed"},
		{"dress", "dresses", "dressing", "dressed"},
		{"care", "cares", "caring", "cared"},
		{"carer", "carers"},
		{"house", "houses", "housing"},
		{"shop", "shops", "shopping"},
		{"control", "controlling", "controlled"},
		{"memory", "memories"},
		{"worry", "worried", "worries"},
		{"bath", "baths", "bathe", "bathing"},
	}
	stems := map[string]int{}
	for i, g := range groups {
		want := stemWord(g[0])
		for _, w := range g {
			if got := stemWord(w); got != want {
				t.Errorf("stemWord(%q) = %q, want %q like %q", w, got, want, g[0])
			}
		}
		if j, dup := stems[want]; dup {
			t.Errorf("groups %v and %v both stem to %q", groups[j], g, want)
		}
		stems[want] = i
	}
	for _, w := range []string{"a", "at", "ot", "pa", "bus", "sing", "diagnosis", "anxious", "need"} {
		if got := stemWord(w); got == "" {
			t.Errorf("stemWord(%q) is empty", w)
		}
	}
}

func FuzzMatchNeeds(f *testing.F) {
	for _, s := range []string{"help with washing and dressing", "", "mum's falls’", "ééé", "a&e", "\xe0\xa0\xa0\xa0\xa0ing", "ssssssss"} {
		f.Add(s)
	}
	m := NewNeedMatcher(Needs())
	f.Fuzz(func(t *testing.T, text string) {
		got := m.Match(text)
		for i, g := range got {
			if g.Score <= 0 || len(g.Matched) == 0 {
				t.Fatalf("match %d for %q has score %v and reasons %v", i, text, g.Score, g.Matched)
			}
			if i > 0 && got[i-1].Score < g.Score {
				t.Fatalf("matches for %q are not sorted by score", text)
			}
		}
		if utf8.ValidString(text) {
			for _, w := range needWords(text, 0) {
				if !utf8.ValidString(w) || w == "" {
					t.Fatalf("needWords(%q) produced %q", text, w)
				}
			}
		}
	})
}

func BenchmarkMatchNeeds(b *testing.B) {
	for b.Loop() {
		MatchNeeds("my mum keeps falling and needs help with washing and dressing")
	}
}

func BenchmarkNeedMatcher(b *testing.B) {
	m := NewNeedMatcher(Needs())
	for b.Loop() {
		m.Match("my mum keeps falling and needs help with washing and dressing")
	}
}
