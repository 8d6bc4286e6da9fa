package learning

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// TestGlossaryTermsAreInTheFileForTheirLetter checks that every term is in
// the file for its first letter, so that an editor finds it where the
// guide in content_glossary.go says it is, and that the files cover every
// letter once.
func TestGlossaryTermsAreInTheFileForTheirLetter(t *testing.T) {
	next := 'a'
	total := 0
	for _, part := range glossaryParts {
		if part.from != next || part.to < part.from {
			t.Errorf("the file for %c to %c does not follow on from the one before", part.from, part.to)
		}
		next = part.to + 1
		terms := part.terms()
		if len(terms) == 0 {
			t.Errorf("the file for %c to %c is empty", part.from, part.to)
		}
		for _, term := range terms {
			first, _ := utf8.DecodeRuneInString(strings.ToLower(term.Term))
			if first < part.from || first > part.to {
				t.Errorf("%q is in the file for %c to %c", term.Term, part.from, part.to)
			}
		}
		total += len(terms)
	}
	if next != 'z'+1 {
		t.Errorf("the files end at %c, not z", next-1)
	}
	if total != len(Glossary()) {
		t.Errorf("the files hold %d terms, the glossary %d", total, len(Glossary()))
	}
}
