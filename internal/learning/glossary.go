package learning

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Term is one glossary entry.
type Term struct {
	// Slug identifies the term in web addresses; it never changes.
	Slug string
	// Term is how people write it, such as "AMHP".
	Term string
	// Expansion spells out an acronym, such as "Approved mental health
	// professional". It is empty for terms that are already words.
	Expansion string
	// Meaning explains the term in one to three plain sentences.
	Meaning string
	// Sector is one of the Sector constants.
	Sector string
	// SeeAlso lists the slugs of related terms.
	SeeAlso []string
}

// Glossary returns every term, sorted by term ignoring case.
func Glossary() []Term {
	terms := glossaryTerms()
	sort.SliceStable(terms, func(i, j int) bool { return termLess(terms[i], terms[j]) })
	return terms
}

func termLess(a, b Term) bool {
	la, lb := strings.ToLower(a.Term), strings.ToLower(b.Term)
	if la != lb {
		return la < lb
	}
	return a.Slug < b.Slug
}

// TermBySlug finds a term by its slug.
func TermBySlug(slug string) (Term, bool) {
	for _, t := range glossaryTerms() {
		if t.Slug == slug {
			return t, true
		}
	}
	return Term{}, false
}

// maxGlossaryQuery bounds the query length: no term or expansion is longer,
// and a pasted paragraph should not cost a scan of every meaning per byte.
const maxGlossaryQuery = 200

// SearchGlossary finds terms whose term, expansion or meaning contains q,
// ignoring case, with matches starting at the beginning of a word so that
// "ot" finds OT but not "not". Results come in four bands, each in glossary
// order: the term itself, terms that start with q, expansions that contain q
// (or terms that contain it later on), then meanings that contain q. An empty
// query returns the whole glossary.
func SearchGlossary(q string) []Term {
	q = normaliseQuery(q)
	all := Glossary()
	if q == "" {
		return all
	}
	var bands [4][]Term
	for _, t := range all {
		term := strings.ToLower(t.Term)
		switch {
		case term == q:
			bands[0] = append(bands[0], t)
		case strings.HasPrefix(term, q):
			bands[1] = append(bands[1], t)
		case containsAtWord(term, q), containsAtWord(strings.ToLower(t.Expansion), q):
			bands[2] = append(bands[2], t)
		case containsAtWord(strings.ToLower(t.Meaning), q):
			bands[3] = append(bands[3], t)
		}
	}
	var out []Term
	for _, b := range bands {
		out = append(out, b...)
	}
	return out
}

// normaliseQuery lower-cases q, trims it and collapses runs of spaces, so that
// "  Care   Act " finds "Care Act 2014".
func normaliseQuery(q string) string {
	if len(q) > maxGlossaryQuery {
		q = q[:maxGlossaryQuery]
		for !utf8.ValidString(q) {
			q = q[:len(q)-1]
		}
	}
	return strings.Join(strings.Fields(strings.ToLower(q)), " ")
}

// containsAtWord reports whether q occurs in s starting at the beginning of a
// word: at the start of s, or after a character that is not a letter or digit.
func containsAtWord(s, q string) bool {
	if first, _ := utf8.DecodeRuneInString(q); !unicode.IsLetter(first) && !unicode.IsDigit(first) {
		return strings.Contains(s, q)
	}
	for i := 0; ; {
		j := strings.Index(s[i:], q)
		if j < 0 {
			return false
		}
		at := i + j
		if at == 0 {
			return true
		}
		r, _ := utf8.DecodeLastRuneInString(s[:at])
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return true
		}
		_, size := utf8.DecodeRuneInString(s[at:])
		i = at + size
	}
}
