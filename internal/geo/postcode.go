package geo

import (
	"strings"

	"github.com/joinedup/joinedup/internal/care"
)

// Messages are written to sit next to a form field, in the GOV.UK and NHS.UK
// style: say what to do, with an example.
const (
	msgPostcodeEmpty       = "Enter a postcode"
	msgPostcodeInvalid     = "Enter a real postcode, like E8 1AA"
	msgPostcodeOutcodeOnly = "Enter the full postcode, like E8 1AA"
	msgPostcodeBFPO        = "Enter a UK postcode, like E8 1AA. British Forces (BFPO) postcodes cannot be used here"
	msgPostcodeOverseas    = "Enter a UK postcode, like E8 1AA. Postcodes outside the UK cannot be used here"
	msgOutcodeEmpty        = "Enter the first part of a postcode, like E8"
	msgOutcodeInvalid      = "Enter the first part of a real postcode, like E8 or CR0"
	msgQueryEmpty          = "Enter a postcode, like E8 1AA, or the first part of one, like E8"
	msgQueryInvalid        = "Enter a real postcode, like E8 1AA, or the first part of one, like E8"
)

// Letters allowed at each position, from the Royal Mail rules, as bit sets
// over A to Z. Constants rather than tables, so there is no package-level
// state; the tests check them against the rules written out as strings.
const (
	allLetters uint32 = 1<<26 - 1
	// Outward position 1: not Q, V or X.
	lettersFirst = allLetters &^ (1<<('Q'-'A') | 1<<('V'-'A') | 1<<('X'-'A'))
	// Outward position 2: not I, J or Z.
	lettersSecond = allLetters &^ (1<<('I'-'A') | 1<<('J'-'A') | 1<<('Z'-'A'))
	// Third character of an A9A outward code: A B C D E F G H J K P S T U W.
	lettersA9A = allLetters &^ (1<<('I'-'A') | 1<<('L'-'A') | 1<<('M'-'A') | 1<<('N'-'A') | 1<<('O'-'A') |
		1<<('Q'-'A') | 1<<('R'-'A') | 1<<('V'-'A') | 1<<('X'-'A') | 1<<('Y'-'A') | 1<<('Z'-'A'))
	// Fourth character of an AA9A outward code: A B E H M N P R V W X Y.
	lettersAA9A uint32 = 1<<('A'-'A') | 1<<('B'-'A') | 1<<('E'-'A') | 1<<('H'-'A') | 1<<('M'-'A') | 1<<('N'-'A') |
		1<<('P'-'A') | 1<<('R'-'A') | 1<<('V'-'A') | 1<<('W'-'A') | 1<<('X'-'A') | 1<<('Y'-'A')
	// The inward code's two letters: not C, I, K, M, O or V, which look like
	// digits or each other when handwritten.
	lettersInward = allLetters &^ (1<<('C'-'A') | 1<<('I'-'A') | 1<<('K'-'A') | 1<<('M'-'A') | 1<<('O'-'A') | 1<<('V'-'A'))
)

// maxCompact is the longest input worth classifying: "BFPO1234".
const maxCompact = 8

// Postcode is a valid UK unit postcode, such as E8 1AA. The zero value means
// "no postcode". It holds no pointers and is comparable, so it is cheap to use
// as a map key for millions of postcodes, and parsing one allocates nothing.
type Postcode struct {
	b   [7]byte // outward code then inward code, upper case, no space
	out uint8   // length of the outward code (2 to 4); 0 for the zero Postcode
}

// ParsePostcode accepts a postcode typed in any case and with any spacing
// ("e81 1aa", "E811AA", " sw1a  1aa ") and returns it in canonical form. The
// error is a care.Error of kind Invalid whose message can be shown next to the
// form field.
func ParsePostcode(s string) (Postcode, error) {
	c, n, ok := compact(s)
	if !ok {
		return Postcode{}, care.Errorf(care.KindInvalid, msgPostcodeInvalid)
	}
	if p, ok := postcodeFromCompact(c[:n]); ok {
		return p, nil
	}
	return Postcode{}, care.Errorf(care.KindInvalid, "%s", postcodeProblem(c[:n]))
}

// postcodeProblem picks the most helpful message for something that is not a
// postcode: people type just the district, or a forces or overseas address,
// often enough to deserve their own words.
func postcodeProblem(c []byte) string {
	switch {
	case len(c) == 0:
		return msgPostcodeEmpty
	case isBFPO(c):
		return msgPostcodeBFPO
	case isOverseas(c):
		return msgPostcodeOverseas
	case len(c) <= 4 && validOutward(c):
		return msgPostcodeOutcodeOnly
	}
	return msgPostcodeInvalid
}

// postcodeFromCompact validates an upper-case postcode with its spaces removed.
func postcodeFromCompact(c []byte) (Postcode, bool) {
	n := len(c)
	if n < 5 || n > 7 || isBFPO(c) || isOverseas(c) {
		return Postcode{}, false
	}
	out, in := c[:n-3], c[n-3:]
	if string(c) != "GIR0AA" && (!validOutward(out) || !validInward(in)) {
		return Postcode{}, false
	}
	var p Postcode
	copy(p.b[:], c)
	p.out = uint8(len(out))
	return p, true
}

// compact upper-cases s and drops whitespace, including the no-break space
// that copying from web pages and spreadsheets brings in. ok is false for any
// other non-ASCII or punctuation, or when s has too many characters to be a
// postcode (so a pasted paragraph costs no more than a postcode does).
func compact(s string) (c [maxCompact]byte, n int, ok bool) {
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\v' || ch == '\f':
			continue
		case ch == 0xC2 && i+1 < len(s) && s[i+1] == 0xA0: // U+00A0 no-break space
			i++
			continue
		case ch >= 'a' && ch <= 'z':
			ch -= 'a' - 'A'
		case ch >= 'A' && ch <= 'Z', ch >= '0' && ch <= '9':
		default:
			return c, 0, false
		}
		if n == len(c) {
			return c, 0, false
		}
		c[n] = ch
		n++
	}
	return c, n, true
}

func isDigit(ch byte) bool { return ch >= '0' && ch <= '9' }

func isLetterIn(set uint32, ch byte) bool {
	return ch >= 'A' && ch <= 'Z' && set&(1<<(ch-'A')) != 0
}

// validOutward checks the six outward forms: A9, A99, AA9, AA99, A9A, AA9A.
func validOutward(o []byte) bool {
	if len(o) < 2 || len(o) > 4 || !isLetterIn(lettersFirst, o[0]) {
		return false
	}
	if isDigit(o[1]) { // A9, A99, A9A
		switch len(o) {
		case 2:
			return true
		case 3:
			return isDigit(o[2]) || isLetterIn(lettersA9A, o[2])
		}
		return false
	}
	if !isLetterIn(lettersSecond, o[1]) || len(o) < 3 || !isDigit(o[2]) { // AA9, AA99, AA9A
		return false
	}
	if len(o) == 3 {
		return true
	}
	return isDigit(o[3]) || isLetterIn(lettersAA9A, o[3])
}

// validInward checks the 9AA form with the letters Royal Mail uses there.
func validInward(in []byte) bool {
	return len(in) == 3 && isDigit(in[0]) && isLetterIn(lettersInward, in[1]) && isLetterIn(lettersInward, in[2])
}

// isBFPO recognises British Forces Post Office addresses, both "BFPO 1234"
// and the BF1 postcodes that stand for them: neither says where a person is.
func isBFPO(c []byte) bool {
	return len(c) >= 4 && string(c[:4]) == "BFPO" ||
		len(c) >= 3 && c[0] == 'B' && c[1] == 'F' && isDigit(c[2])
}

// isOverseas recognises postcodes in UK style used outside the UK: Gibraltar's
// GX11 1AA, and the overseas territories' four letters and 1ZZ (ASCN 1ZZ,
// STHL 1ZZ, FIQQ 1ZZ and the like).
func isOverseas(c []byte) bool {
	if len(c) >= 4 && string(c[:4]) == "GX11" {
		return true
	}
	if len(c) != 7 || string(c[4:]) != "1ZZ" {
		return false
	}
	for _, ch := range c[:4] {
		if ch < 'A' || ch > 'Z' {
			return false
		}
	}
	return true
}

// String returns the canonical form, such as "E8 1AA", or "" for the zero
// Postcode.
func (p Postcode) String() string {
	if p.out == 0 {
		return ""
	}
	var buf [8]byte
	o := int(p.out)
	copy(buf[:], p.b[:o])
	buf[o] = ' '
	copy(buf[o+1:], p.b[o:o+3])
	return string(buf[:o+4])
}

// IsZero reports whether p is the zero Postcode, which stands for "none".
func (p Postcode) IsZero() bool { return p.out == 0 }

// Outcode returns the outward code, the postcode district: "E8" for E8 1AA.
func (p Postcode) Outcode() string { return string(p.b[:p.out]) }

// Sector returns the postcode sector: "E8 1" for E8 1AA.
func (p Postcode) Sector() string {
	if p.out == 0 {
		return ""
	}
	return p.Outcode() + " " + string(p.b[p.out])
}

// Area returns the postcode area, the leading letters: "E" for E8 1AA, "SW"
// for SW1A 1AA.
func (p Postcode) Area() string {
	i := 0
	for i < int(p.out) && !isDigit(p.b[i]) {
		i++
	}
	return string(p.b[:i])
}

// MarshalText writes the canonical form, so a Postcode is stored and sent as
// the familiar string.
func (p Postcode) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText accepts what ParsePostcode accepts; empty text gives the zero
// Postcode, so an optional postcode round-trips.
func (p *Postcode) UnmarshalText(text []byte) error {
	if len(strings.TrimSpace(string(text))) == 0 {
		*p = Postcode{}
		return nil
	}
	q, err := ParsePostcode(string(text))
	if err != nil {
		return err
	}
	*p = q
	return nil
}

// ParseOutcode accepts the outward code alone ("e8", " CR0 ") and returns it
// in canonical form ("E8"). A space inside is refused, because "E8 1" is the
// start of a postcode, not the district E81.
func ParseOutcode(s string) (string, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return "", care.Errorf(care.KindInvalid, msgOutcodeEmpty)
	}
	if o, ok := outcodeFromTrimmed(t); ok {
		return o, nil
	}
	return "", care.Errorf(care.KindInvalid, msgOutcodeInvalid)
}

// outcodeFromTrimmed returns the canonical outcode for t, which has no
// leading or trailing space. It returns t itself when t is already canonical,
// so the common case allocates nothing.
func outcodeFromTrimmed(t string) (string, bool) {
	if len(t) < 2 || len(t) > 4 {
		return "", false
	}
	var buf [4]byte
	upper := true
	for i := 0; i < len(t); i++ {
		ch := t[i]
		if ch >= 'a' && ch <= 'z' {
			ch -= 'a' - 'A'
			upper = false
		}
		buf[i] = ch
	}
	o := buf[:len(t)]
	if !validOutward(o) && string(o) != "GIR" || isBFPO(o) || string(o) == "GX11" {
		return "", false
	}
	if upper {
		return t, true
	}
	return string(o), true
}

// PostcodeQuery is what a person typed into a search box that takes either a
// full postcode or just its first part.
type PostcodeQuery struct {
	// Postcode is the full postcode, or zero when only an outcode was typed.
	Postcode Postcode
	// Outcode is always set: the district typed, or the full postcode's.
	Outcode string
}

// IsFull reports whether a full postcode was typed.
func (q PostcodeQuery) IsFull() bool { return !q.Postcode.IsZero() }

// String returns the canonical form of what was typed.
func (q PostcodeQuery) String() string {
	if q.IsFull() {
		return q.Postcode.String()
	}
	return q.Outcode
}

// ParsePostcodeOrOutcode reads a search box where a person may type a full
// postcode ("e8 1aa") or only the district ("CR0").
func ParsePostcodeOrOutcode(s string) (PostcodeQuery, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return PostcodeQuery{}, care.Errorf(care.KindInvalid, msgQueryEmpty)
	}
	if len(t) <= 4 {
		if o, ok := outcodeFromTrimmed(t); ok {
			return PostcodeQuery{Outcode: o}, nil
		}
	}
	c, n, ok := compact(s)
	if ok {
		if p, ok := postcodeFromCompact(c[:n]); ok {
			return PostcodeQuery{Postcode: p, Outcode: p.Outcode()}, nil
		}
		if isBFPO(c[:n]) {
			return PostcodeQuery{}, care.Errorf(care.KindInvalid, msgPostcodeBFPO)
		}
		if isOverseas(c[:n]) {
			return PostcodeQuery{}, care.Errorf(care.KindInvalid, msgPostcodeOverseas)
		}
	}
	return PostcodeQuery{}, care.Errorf(care.KindInvalid, msgQueryInvalid)
}
