package care

import (
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file finds the needs free text describes, such as "help with
// washing and dressing", by stemming its words and scoring them against
// each need's label and keywords.

// NeedMatch is a need that free text seems to describe, with how strongly.
type NeedMatch struct {
	Need Need
	// Score orders matches; it has no meaning beyond comparing matches for
	// the same text.
	Score float64
	// Matched lists the label and keywords that matched, as written in the
	// taxonomy, so a page can say why a need was suggested.
	Matched []string
}

// MatchNeeds scores free text, such as "help with washing and dressing",
// against every need and returns those that match, best first. It prepares
// the whole taxonomy on every call, which costs about a millisecond; a search
// handler should build one NeedMatcher at start-up and reuse it.
func MatchNeeds(text string) []NeedMatch {
	return NewNeedMatcher(needsTaxonomy()).Match(text)
}

// NeedMatcher matches free text against a fixed set of needs. Building it
// stems every label and keyword once; Match is then cheap. It is safe for
// concurrent use because Match never changes it.
type NeedMatcher struct {
	needs   []Need
	phrases [][]needPhrase
	// vocab numbers every stem in the taxonomy, so matching works on small
	// integers instead of maps of strings.
	vocab  map[string]int
	weight []float64
}

type needPhrase struct {
	text  string
	stems []int
	label bool
}

// maxQueryWords and maxQueryBytes bound the work done for one piece of text:
// people describe a need in a sentence or two, and a pasted letter should not
// slow search down.
const (
	maxQueryWords = 100
	maxQueryBytes = 2000
)

// NewNeedMatcher prepares needs for matching. Deprecated needs are left out.
func NewNeedMatcher(needs []Need) *NeedMatcher {
	m := &NeedMatcher{vocab: map[string]int{}}
	var df []int
	for _, n := range needs {
		if n.Deprecated {
			continue
		}
		var ps []needPhrase
		seen := map[string]bool{}
		add := func(text string, label bool) {
			words := needWords(text, 0)
			key := strings.Join(words, " ")
			if len(words) == 0 || seen[key] {
				return
			}
			seen[key] = true
			ids := make([]int, len(words))
			for i, w := range words {
				id, ok := m.vocab[w]
				if !ok {
					id = len(m.vocab)
					m.vocab[w] = id
					df = append(df, 0)
				}
				ids[i] = id
			}
			ps = append(ps, needPhrase{text: text, stems: ids, label: label})
		}
		add(n.Label, true)
		for _, k := range n.Keywords {
			add(k, false)
		}
		// Count each stem once per need, however many phrases use it.
		counted := map[int]bool{}
		for _, p := range ps {
			for _, id := range p.stems {
				if !counted[id] {
					counted[id] = true
					df[id]++
				}
			}
		}
		m.needs = append(m.needs, n)
		m.phrases = append(m.phrases, ps)
	}
	// A word that appears in many needs, such as "care", says little about
	// which one is meant, so it counts for less.
	m.weight = make([]float64, len(df))
	for id, d := range df {
		m.weight[id] = 1 / math.Sqrt(float64(d))
	}
	return m
}

// Match scores text against the matcher's needs. A need matches when every
// word of its label or of one of its keywords appears in the text; it scores
// more for rarer words, for longer phrases found word for word, and for its
// own label. Ties go to the more specific need, then to taxonomy order.
func (m *NeedMatcher) Match(text string) []NeedMatch {
	if len(text) > maxQueryBytes {
		// Cutting mid-character leaves a broken byte, which only ends a word.
		text = text[:maxQueryBytes]
	}
	words := needWords(text, maxQueryWords)
	if len(words) == 0 {
		return nil
	}
	// Words the taxonomy doesn't know become -1: they can't match, but they
	// still separate the words around them when phrases are checked in order.
	query := make([]int, len(words))
	present := make([]bool, len(m.weight))
	for i, w := range words {
		query[i] = -1
		if id, ok := m.vocab[w]; ok {
			query[i] = id
			present[id] = true
		}
	}
	type ranked struct {
		NeedMatch
		order int
	}
	var out []ranked
	// covered[id] == stamp marks a stem already counted for the current need;
	// a new stamp per need saves clearing the slice.
	covered := make([]int, len(m.weight))
	for i, n := range m.needs {
		stamp := i + 1
		var matched []string
		score := 0.0
		for _, p := range m.phrases[i] {
			if !allPresent(p.stems, present) {
				continue
			}
			matched = append(matched, p.text)
			for _, id := range p.stems {
				if covered[id] != stamp {
					covered[id] = stamp
					score += m.weight[id]
				}
			}
			if extra := float64(len(p.stems) - 1); extra > 0 {
				if inOrder(query, p.stems) {
					score += 0.5 * extra
				} else {
					score += 0.25 * extra
				}
			}
			if p.label {
				score += 0.5
			}
		}
		if len(matched) == 0 {
			continue
		}
		out = append(out, ranked{NeedMatch{Need: n, Score: score, Matched: matched}, i})
	}
	sort.Slice(out, func(a, b int) bool {
		if out[a].Score != out[b].Score {
			return out[a].Score > out[b].Score
		}
		if ta, tb := out[a].Need.TopLevel(), out[b].Need.TopLevel(); ta != tb {
			return tb
		}
		return out[a].order < out[b].order
	})
	matches := make([]NeedMatch, len(out))
	for i, r := range out {
		matches[i] = r.NeedMatch
	}
	return matches
}

func allPresent(stems []int, present []bool) bool {
	for _, id := range stems {
		if !present[id] {
			return false
		}
	}
	return true
}

// inOrder reports whether phrase appears in words as consecutive words.
func inOrder(words, phrase []int) bool {
	for i := 0; i+len(phrase) <= len(words); i++ {
		found := true
		for j, id := range phrase {
			if words[i+j] != id {
				found = false
				break
			}
		}
		if found {
			return true
		}
	}
	return false
}

// needWords splits text into lower-case stemmed words, dropping stop words.
// max limits how many words are kept; 0 means no limit.
func needWords(text string, max int) []string {
	fields := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '’'
	})
	var out []string
	for _, f := range fields {
		// "mum's" and "mums" should be the same word, and "can't" a stop word.
		if strings.ContainsAny(f, "'’") {
			f = strings.Map(func(r rune) rune {
				if r == '\'' || r == '’' {
					return -1
				}
				return r
			}, f)
		}
		if f == "" || isStopWord(f) {
			continue
		}
		s := stemWord(f)
		if isStopWord(s) {
			continue
		}
		out = append(out, s)
		if max > 0 && len(out) == max {
			break
		}
	}
	return out
}

// stemWord strips common English endings so that "falls", "falling" and
// "fall" compare equal. It is deliberately crude: both the taxonomy and the
// text go through it, so it only has to be consistent, not linguistically
// right. Unusual forms ("fell", "confusion") are listed as keywords instead.
func stemWord(w string) string {
	if len(w) <= 3 {
		return w
	}
	switch {
	case strings.HasSuffix(w, "sses"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		w = w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"):
	case strings.HasSuffix(w, "s"):
		w = w[:len(w)-1]
	}
	switch {
	case strings.HasSuffix(w, "eed"):
	case strings.HasSuffix(w, "ied") && len(w) > 4:
		w = w[:len(w)-3] + "y"
	case strings.HasSuffix(w, "ing") && stemmable(w[:len(w)-3]):
		w = w[:len(w)-3]
	case strings.HasSuffix(w, "ed") && stemmable(w[:len(w)-2]):
		w = w[:len(w)-2]
	}
	if len(w) > 3 && w[len(w)-1] == 'e' {
		w = w[:len(w)-1]
	}
	// "shopping" → "shopp" → "shop"; "dress" → "dres" too, which is harmless
	// because "dressing" ends up there as well.
	if n := len(w); n > 3 && w[n-1] == w[n-2] && w[n-1] < utf8.RuneSelf && unicode.IsLetter(rune(w[n-1])) {
		w = w[:n-1]
	}
	return w
}

func stemmable(root string) bool {
	return len(root) >= 3 && strings.ContainsAny(root, "aeiouy")
}

// isStopWord lists words that carry no meaning about which need is meant,
// including the family words and request words that fill most referrals
// ("my mum needs help with...").
func isStopWord(w string) bool {
	switch w {
	case "a", "an", "the", "and", "or", "but", "of", "to", "for", "with", "in", "on",
		"by", "from", "into", "about", "as", "if", "so", "than", "then", "that", "this",
		"these", "those", "there", "here", "who", "whom", "whose", "which", "what", "when", "where",
		"why", "how", "i", "me", "my", "we", "us", "our", "you", "your", "he", "him", "his",
		"she", "her", "hers", "they", "them", "their", "it", "its", "is", "am", "are", "was",
		"were", "be", "been", "being", "has", "have", "had", "do", "does", "did", "done",
		"can", "cant", "cannot", "could", "couldnt", "would", "wouldnt", "should", "will",
		"wont", "shall", "may", "might", "must", "dont", "doesnt", "didnt", "isnt", "arent",
		"wasnt", "hasnt", "havent", "im", "ive", "hes", "shes", "theyre", "please", "thank",
		"thanks", "some", "any", "very", "really", "just", "also", "still", "now", "all",
		"keep", "kept", "keeps", "need", "want", "like",
		"someone", "somebody", "person", "patient", "client", "service", "user", "referral",
		"refer", "mum", "mom", "mother", "dad", "father", "wife", "husband", "son", "daughter", "gran", "grandma", "grandad", "nan", "sister", "brother",
		"aunt", "uncle", "friend", "man", "woman", "lady", "gentleman", "mr", "mrs", "ms",
		"miss", "year", "yr", "yo", "aged", "old", "elderly", "lot", "bit", "quite", "more":
		return true
	}
	return false
}
