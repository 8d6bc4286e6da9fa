package directory

import (
	"strings"
	"unicode"
)

// words splits text into lower-case words for matching a search's free text
// against service names and descriptions. It drops words too common to say
// anything and trims plural endings, so "carers" finds "Carers' Hub".
func words(text string, max int) []string {
	var out []string
	for _, f := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if len(f) < 3 || isCommonWord(f) {
			continue
		}
		f = strings.TrimSuffix(f, "s")
		if len(f) < 3 {
			continue
		}
		out = append(out, f)
		if max > 0 && len(out) == max {
			break
		}
	}
	return out
}

// isCommonWord reports words that say nothing about which service is meant.
func isCommonWord(w string) bool {
	switch w {
	case "the", "and", "for", "with", "help", "needs", "need", "who", "has", "have", "can", "not", "are",
		"from", "their", "they", "them", "this", "that", "she", "her", "his", "him", "our", "your", "you",
		"into", "after", "service", "services", "support", "people", "person", "get", "getting", "some",
		"more", "any", "all", "about", "out":
		return true
	}
	return false
}
