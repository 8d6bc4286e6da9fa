package learning

import (
	"github.com/joinedup/joinedup/internal/care"
	"regexp"
	"strings"
	"testing"
)

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// sentenceEnd finds the end of a sentence: a full stop, question mark or
// exclamation mark, perhaps inside a closing quote or bracket, followed by a
// space or the end of the text. "6.30pm" and "S.42" are not sentence ends.
var sentenceEnd = regexp.MustCompile(`[.!?]["”)]?(\s|$)`)

func sentences(s string) int { return len(sentenceEnd.FindAllString(s, -1)) }

// styleProblems checks the house style for all learning content: plain
// English and UK spelling.
func styleProblems(s string) []string {
	var out []string
	lower := strings.ToLower(s)
	for _, bad := range avoidWords.FindAllString(lower, -1) {
		out = append(out, "avoid "+bad)
	}
	for _, us := range usSpelling.FindAllString(lower, -1) {
		out = append(out, "US spelling "+us)
	}
	if strings.Contains(s, "  ") {
		out = append(out, "double space")
	}
	if strings.TrimSpace(s) != s {
		out = append(out, "leading or trailing space")
	}
	return out
}

// avoidWords lists Latin abbreviations and stock phrases that plain English
// replaces with ordinary words ("such as", "to", "use").
var avoidWords = regexp.MustCompile(`\b(e\.g\.?|eg|i\.e\.?|ie|etc|please note|in order to|utilise\w*)(\W|$)`)

// usSpelling catches common American spellings. "Systematized" is allowed in
// the SNOMED CT expansion because it is the standard's own name.
var usSpelling = regexp.MustCompile(`\b(organiz\w*|color\w*|center|centers|behavior\w*|favor\w*|analyz\w*|realiz\w*|recogniz\w*|prioritiz\w*|hospitaliz\w*|program|programs|catalog|license|enroll|labor|neighbor\w*|counseling|pediatric\w*|anemia|diarrhea|fetus)\b`)

func TestProfilesAreComplete(t *testing.T) {
	t.Parallel()
	profiles := Profiles()
	if n := len(profiles); n < 20 {
		t.Errorf("%d role profiles; want at least 20", n)
	}
	sectors := map[string]bool{SectorHealth: true, SectorSocialCare: true, SectorVoluntary: true, SectorHealthAndCare: true}
	slugs := map[string]bool{}
	titles := map[string]bool{}
	for _, p := range profiles {
		name := p.Slug
		if !slugPattern.MatchString(p.Slug) {
			t.Errorf("profile %q: slug must be lower-case words joined by hyphens", p.Slug)
		}
		if slugs[p.Slug] {
			t.Errorf("profile slug %q used twice", p.Slug)
		}
		slugs[p.Slug] = true
		if p.Title == "" || titles[p.Title] {
			t.Errorf("%s: title %q is empty or used twice", name, p.Title)
		}
		titles[p.Title] = true
		if !sectors[p.Sector] {
			t.Errorf("%s: sector %q is not a profile sector", name, p.Sector)
		}
		if p.Role != "" && !p.Role.Valid() {
			t.Errorf("%s: role %q is not a joinedup role", name, p.Role)
		}
		if sentences(p.Summary) != 1 || !strings.HasSuffix(p.Summary, ".") {
			t.Errorf("%s: summary must be one sentence: %q", name, p.Summary)
		}
		if sentences(p.WhereYouFindThem) < 1 {
			t.Errorf("%s: WhereYouFindThem is empty", name)
		}
		lists := []struct {
			field string
			items []string
			min   int
		}{
			{"WhatTheyDo", p.WhatTheyDo, 3},
			{"WhenToInvolve", p.WhenToInvolve, 2},
			{"WhatTheyNeedInAReferral", p.WhatTheyNeedInAReferral, 2},
		}
		for _, l := range lists {
			if len(l.items) < l.min {
				t.Errorf("%s: %s has %d items, want at least %d", name, l.field, len(l.items), l.min)
			}
			for _, item := range l.items {
				if !strings.HasSuffix(item, ".") {
					t.Errorf("%s: %s item must end with a full stop: %q", name, l.field, item)
				}
			}
		}
		limits := false
		for _, item := range p.WhatTheyDo {
			for _, w := range []string{"can't", "don't", "aren't", "isn't", "won't", " not "} {
				if strings.Contains(item, w) {
					limits = true
				}
			}
		}
		if !limits {
			t.Errorf("%s: WhatTheyDo must say what they can't or don't do", name)
		}
		all := append([]string{p.Title, p.Summary, p.WhereYouFindThem}, p.WhatTheyDo...)
		all = append(all, p.WhenToInvolve...)
		all = append(all, p.WhatTheyNeedInAReferral...)
		for _, s := range all {
			for _, problem := range styleProblems(s) {
				t.Errorf("%s: %s in %q", name, problem, s)
			}
		}
	}
}

// Every joinedup role has a profile, so a page about any user can link to an
// explanation of what they do. A new role needs a profile before it ships.
func TestEveryRoleHasAProfile(t *testing.T) {
	t.Parallel()
	for _, r := range care.Roles {
		if len(ProfileForRole(r)) == 0 {
			t.Errorf("role %q has no profile", r)
		}
	}
}

func TestProfileForRole(t *testing.T) {
	t.Parallel()
	tests := []struct {
		role care.Role
		want []string
	}{
		{care.RoleNurse, []string{"practice-nurse", "district-nurse", "community-matron"}},
		{care.RoleGP, []string{"gp"}},
		{care.RolePracticeStaff, []string{"practice-reception-and-admin"}},
		{care.RolePrivacyOfficer, []string{"information-governance-lead"}},
		{care.RoleAdmin, []string{"system-administrator"}},
		{"", nil},
		{"no_such_role", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, p := range ProfileForRole(tt.role) {
			got = append(got, p.Slug)
		}
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("ProfileForRole(%q) = %v, want %v", tt.role, got, tt.want)
		}
	}
}

func TestProfilesWithoutRole(t *testing.T) {
	t.Parallel()
	// These professions work with joinedup users but have no joinedup role of
	// their own; check they are present and not mapped by mistake.
	for _, slug := range []string{"social-prescribing-link-worker", "amhp", "reablement-worker", "physiotherapist", "clinical-pharmacist", "health-and-wellbeing-coach", "carers-support-worker"} {
		p, ok := ProfileBySlug(slug)
		if !ok {
			t.Errorf("profile %q is missing", slug)
			continue
		}
		if p.Role != "" {
			t.Errorf("profile %q has role %q; it has no joinedup role", slug, p.Role)
		}
	}
}

func TestProfileBySlug(t *testing.T) {
	t.Parallel()
	tests := []struct {
		slug  string
		found bool
		title string
	}{
		{"gp", true, "GP (general practitioner)"},
		{"district-nurse", true, "District nurse"},
		{"amhp", true, "Approved mental health professional (AMHP)"},
		{"GP", false, ""},
		{"", false, ""},
		{"gp/", false, ""},
	}
	for _, tt := range tests {
		p, ok := ProfileBySlug(tt.slug)
		if ok != tt.found || p.Title != tt.title {
			t.Errorf("ProfileBySlug(%q) = %q, %v; want %q, %v", tt.slug, p.Title, ok, tt.title, tt.found)
		}
	}
}

func TestProfilesOrderIsStable(t *testing.T) {
	t.Parallel()
	a, b := Profiles(), Profiles()
	for i := range a {
		if a[i].Slug != b[i].Slug {
			t.Fatalf("Profiles() order changed between calls at %d: %q then %q", i, a[i].Slug, b[i].Slug)
		}
	}
	if a[0].Slug != "gp" {
		t.Errorf("first profile is %q; pages expect the GP first", a[0].Slug)
	}
	// Callers get their own copy: changing it must not change the content.
	a[0].WhatTheyDo[0] = "changed"
	if Profiles()[0].WhatTheyDo[0] == "changed" {
		t.Error("Profiles() shares its slices between callers")
	}
}

func TestGlossaryIsComplete(t *testing.T) {
	t.Parallel()
	terms := Glossary()
	if n := len(terms); n < 60 {
		t.Errorf("glossary has %d terms; want at least 60", n)
	}
	sectors := map[string]bool{SectorHealth: true, SectorSocialCare: true, SectorVoluntary: true, SectorHealthAndCare: true, SectorDataAndSystems: true}
	slugs := map[string]bool{}
	names := map[string]bool{}
	for _, term := range terms {
		if !slugPattern.MatchString(term.Slug) {
			t.Errorf("term %q: slug %q must be lower-case words joined by hyphens", term.Term, term.Slug)
		}
		if slugs[term.Slug] {
			t.Errorf("term slug %q used twice", term.Slug)
		}
		slugs[term.Slug] = true
		if term.Term == "" || names[strings.ToLower(term.Term)] {
			t.Errorf("%s: term %q is empty or used twice", term.Slug, term.Term)
		}
		names[strings.ToLower(term.Term)] = true
		if n := sentences(term.Meaning); n < 1 || n > 3 || !strings.HasSuffix(term.Meaning, ".") {
			t.Errorf("%s: meaning has %d sentences, want 1 to 3 ending in a full stop", term.Slug, n)
		}
		if !sectors[term.Sector] {
			t.Errorf("%s: sector %q is not a sector", term.Slug, term.Sector)
		}
		if strings.HasSuffix(term.Expansion, ".") {
			t.Errorf("%s: expansion should not end with a full stop", term.Slug)
		}
		for _, s := range []string{term.Term, term.Expansion, term.Meaning} {
			if s == "" {
				continue
			}
			for _, problem := range styleProblems(s) {
				t.Errorf("%s: %s in %q", term.Slug, problem, s)
			}
		}
	}
	for _, term := range terms {
		seen := map[string]bool{}
		for _, s := range term.SeeAlso {
			if !slugs[s] {
				t.Errorf("%s: see also %q is not a glossary slug", term.Slug, s)
			}
			if s == term.Slug || seen[s] {
				t.Errorf("%s: see also %q points to itself or is repeated", term.Slug, s)
			}
			seen[s] = true
		}
	}
}

// TestGlossaryCoversCommonTerms guards the terms GPs and social workers most
// often ask about, so they aren't lost in an edit.
func TestGlossaryCoversCommonTerms(t *testing.T) {
	t.Parallel()
	for _, slug := range strings.Fields(`asc adass amhp arrs bars bia chc ccg icb ics pcn dols lps mca lpa
		dnacpr respect ehcp fnc gp gpwsi hca iapt nhs-talking-therapies ict ig dspt caldicott-guardian
		mdt mash nhs-number ods-code ot pa phb dp section-42-enquiry sab spa spoa reablement
		intermediate-care d2a cqc chc-checklist carers-assessment care-act-assessment eligibility face
		rag sds vcs vcse social-prescribing link-worker care-navigator district-nurse community-matron
		qof gp-clinical-systems social-care-case-management-systems scr gp-connect fhir snomed-ct
		uk-core oruk prsb pcsp tep eol acp section-117 section-2 section-3 ld asd cmht cpn la gss-code`) {
		if _, ok := TermBySlug(slug); !ok {
			t.Errorf("glossary has no term %q", slug)
		}
	}
}

func TestGlossaryIsSorted(t *testing.T) {
	t.Parallel()
	terms := Glossary()
	for i := 1; i < len(terms); i++ {
		if termLess(terms[i], terms[i-1]) {
			t.Errorf("%q comes after %q", terms[i].Term, terms[i-1].Term)
		}
	}
	if got, want := len(SearchGlossary("")), len(terms); got != want {
		t.Errorf("SearchGlossary(\"\") returned %d terms, want all %d", got, want)
	}
}

func TestTermBySlug(t *testing.T) {
	t.Parallel()
	tests := []struct {
		slug  string
		found bool
		term  string
	}{
		{"amhp", true, "AMHP"},
		{"section-42-enquiry", true, "S.42 enquiry"},
		{"gp-clinical-systems", true, "EMIS and SystmOne"},
		{"AMHP", false, ""},
		{"", false, ""},
	}
	for _, tt := range tests {
		term, ok := TermBySlug(tt.slug)
		if ok != tt.found || term.Term != tt.term {
			t.Errorf("TermBySlug(%q) = %q, %v; want %q, %v", tt.slug, term.Term, ok, tt.term, tt.found)
		}
	}
}

func TestSearchGlossary(t *testing.T) {
	t.Parallel()
	tests := []struct {
		q string
		// first lists the slugs that must come first, in order.
		first []string
		// absent lists slugs that must not be found.
		absent []string
	}{
		// An exact term beats terms that merely start with it.
		{q: "ICB", first: []string{"icb"}},
		{q: "icb", first: []string{"icb"}},
		{q: "  Ics ", first: []string{"ics"}},
		// Exact match first, then terms starting with the query, in glossary order.
		{q: "CHC", first: []string{"chc", "chc-checklist"}},
		{q: "gp", first: []string{"gp", "gp-connect", "gpwer", "gpwsi"}},
		{q: "section", first: []string{"section-117", "section-2", "section-3"}},
		// Term prefix beats expansion.
		{q: "dp", first: []string{"dp", "dpia"}},
		// Expansion beats meaning.
		{q: "approved mental health professional", first: []string{"amhp"}},
		{q: "talking therapies", first: []string{"nhs-talking-therapies"}},
		{q: "single point of access", first: []string{"spa", "spoa"}},
		{q: "liberty", first: []string{"dols", "lps"}},
		// Matches start at a word, so "ot" finds OT but not "not" or "cannot".
		{q: "ot", first: []string{"ot"}, absent: []string{"lps"}},
		// Meanings are searched last.
		{q: "telecare", first: []string{"tec"}},
		{q: "hoarding", first: []string{"self-neglect"}},
		{q: "clinical commissioning", first: []string{"ccg"}},
		{q: "no such words anywhere", first: nil},
	}
	for _, tt := range tests {
		got := SearchGlossary(tt.q)
		var slugs []string
		for _, term := range got {
			slugs = append(slugs, term.Slug)
		}
		if len(tt.first) == 0 && len(got) != 0 {
			t.Errorf("SearchGlossary(%q) = %v, want nothing", tt.q, slugs)
			continue
		}
		if len(slugs) < len(tt.first) || strings.Join(slugs[:len(tt.first)], ",") != strings.Join(tt.first, ",") {
			t.Errorf("SearchGlossary(%q) starts %v, want %v", tt.q, head(slugs, len(tt.first)+2), tt.first)
		}
		for _, a := range tt.absent {
			for _, s := range slugs {
				if s == a {
					t.Errorf("SearchGlossary(%q) found %q, which it should not", tt.q, a)
				}
			}
		}
	}
}

func head(s []string, n int) []string {
	if len(s) < n {
		return s
	}
	return s[:n]
}

func TestContainsAtWord(t *testing.T) {
	t.Parallel()
	tests := []struct {
		s, q string
		want bool
	}{
		{"occupational therapist", "ot", false},
		{"ot assessment", "ot", true},
		{"not an ot", "ot", true},
		{"cannot", "not", false},
		{"carer's assessment", "assess", true},
		{"(asc)", "asc", true},
		{"a&e", "&e", true},
		{"café society", "soc", true},
		{"", "x", false},
	}
	for _, tt := range tests {
		if got := containsAtWord(tt.s, tt.q); got != tt.want {
			t.Errorf("containsAtWord(%q, %q) = %v, want %v", tt.s, tt.q, got, tt.want)
		}
	}
}

func FuzzSearchGlossary(f *testing.F) {
	for _, s := range []string{"", "amhp", "  Care   Act ", "ö", "\xff", strings.Repeat("é", 150), "s.42"} {
		f.Add(s)
	}
	total := len(Glossary())
	f.Fuzz(func(t *testing.T, q string) {
		got := SearchGlossary(q)
		if len(got) > total {
			t.Fatalf("SearchGlossary(%q) returned %d terms, more than the %d in the glossary", q, len(got), total)
		}
		seen := map[string]bool{}
		for _, term := range got {
			if seen[term.Slug] {
				t.Fatalf("SearchGlossary(%q) returned %q twice", q, term.Slug)
			}
			seen[term.Slug] = true
		}
		if strings.TrimSpace(q) == "" && len(got) != total {
			t.Fatalf("blank query %q returned %d terms, want all", q, len(got))
		}
	})
}

func BenchmarkSearchGlossary(b *testing.B) {
	for b.Loop() {
		SearchGlossary("care")
	}
}

func TestStyleProblems(t *testing.T) {
	t.Parallel()
	tests := []struct {
		s    string
		want int
	}{
		{"Help with things such as washing.", 0},
		{"Treat leg ulcers and pressure ulcers.", 0},
		{"Help with things, e.g. washing.", 1},
		{"Help with washing etc.", 1},
		{"The organization's behavior.", 2},
		{"The organisation's programme.", 0},
		{"A care program.", 1},
		{"Two  spaces.", 1},
		{"In order to utilise it.", 2},
	}
	for _, tt := range tests {
		if got := styleProblems(tt.s); len(got) != tt.want {
			t.Errorf("styleProblems(%q) = %v, want %d problems", tt.s, got, tt.want)
		}
	}
}
