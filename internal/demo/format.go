package demo

import (
	"strings"
	"unicode"
)

// titleCase turns the capitals of the ODS list into names as people write
// them ("ST.JAMES'S MEDICAL CENTRE" → "St.James's Medical Centre"), because
// a directory shouting in capitals is hard to read. Acronyms the source uses
// stay in capitals.
func titleCase(s string) string {
	words := strings.Fields(s)
	for i, w := range words {
		switch lw := strings.ToLower(w); {
		case isAcronym(w):
		case i > 0 && isSmallWord(lw):
			words[i] = lw
		default:
			words[i] = capitaliseParts(lw)
		}
	}
	return strings.Join(words, " ")
}

func isAcronym(w string) bool {
	switch strings.Trim(w, "()") {
	case "QRP", "ICO", "NHS", "GP", "PCN":
		return true
	}
	return false
}

func isSmallWord(w string) bool {
	switch w {
	case "and", "of", "at", "on", "in", "the":
		return true
	}
	return false
}

// capitaliseParts capitalises every letter that follows something other than
// a letter or an apostrophe, so "walk-in" and "hlth/ctr" get a capital per
// part, "james's" keeps a small s, and "2a" keeps its capital A as house
// numbers are written.
func capitaliseParts(w string) string {
	r := []rune(w)
	for i := range r {
		if !unicode.IsLetter(r[i]) {
			continue
		}
		if i == 0 || (!unicode.IsLetter(r[i-1]) && r[i-1] != '\'') {
			r[i] = unicode.ToUpper(r[i])
		}
	}
	return string(r)
}

// formatPhone writes UK numbers in the usual groups ("020 89867111" →
// "020 8986 7111"). Numbers it does not recognise are returned as given, so
// nothing is lost.
func formatPhone(s string) string {
	var d []byte
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			d = append(d, c)
		case c == ' ':
		default:
			return s
		}
	}
	if len(d) != 11 || d[0] != '0' {
		return s
	}
	n := string(d)
	switch {
	case strings.HasPrefix(n, "02"):
		return n[:3] + " " + n[3:7] + " " + n[7:]
	case strings.HasPrefix(n, "03"), strings.HasPrefix(n, "08"):
		return n[:4] + " " + n[4:7] + " " + n[7:]
	case strings.HasPrefix(n, "01"):
		// Area codes of 01 numbers vary in length; the source already
		// groups them correctly.
		return strings.Join(strings.Fields(s), " ")
	}
	return s
}
