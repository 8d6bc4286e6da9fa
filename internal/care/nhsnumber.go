package care

import "strings"

// NHSNumberSystem is the FHIR identifier system for NHS numbers.
const NHSNumberSystem = "https://fhir.nhs.uk/Id/nhs-number"

// NHSNumber is a validated ten-digit NHS number, stored without spaces.
type NHSNumber string

// ParseNHSNumber accepts an NHS number as people type it ("943 476 5919",
// "943-476-5919" or "9434765919") and checks its modulus 11 check digit.
func ParseNHSNumber(s string) (NHSNumber, error) {
	var digits strings.Builder
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case r == ' ' || r == '-':
		default:
			return "", Errorf(KindInvalid, "An NHS number can only contain numbers")
		}
	}
	d := digits.String()
	if d == "" {
		return "", Errorf(KindInvalid, "Enter an NHS number")
	}
	if len(d) != 10 {
		return "", Errorf(KindInvalid, "An NHS number must be 10 digits")
	}
	check, ok := NHSCheckDigit(d[:9])
	if !ok || int(d[9]-'0') != check {
		return "", Errorf(KindInvalid, "This is not a valid NHS number: check it has been copied correctly")
	}
	return NHSNumber(d), nil
}

// NHSCheckDigit computes the modulus 11 check digit for the first nine digits
// of an NHS number. ok is false when no check digit exists (a remainder of 10),
// which means no valid NHS number starts with those nine digits.
func NHSCheckDigit(first9 string) (digit int, ok bool) {
	if len(first9) != 9 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 9; i++ {
		c := first9[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		sum += int(c-'0') * (10 - i)
	}
	check := 11 - sum%11
	switch check {
	case 11:
		return 0, true
	case 10:
		return 0, false
	default:
		return check, true
	}
}

// Formatted shows the number in the 3-3-4 groups people read aloud.
func (n NHSNumber) Formatted() string {
	s := string(n)
	if len(s) != 10 {
		return s
	}
	return s[:3] + " " + s[3:6] + " " + s[6:]
}

// String implements fmt.Stringer.
func (n NHSNumber) String() string { return string(n) }
