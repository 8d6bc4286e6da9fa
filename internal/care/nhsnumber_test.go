package care

import (
	"strings"
	"testing"
)

func TestParseNHSNumber(t *testing.T) {
	t.Parallel()
	cases := []struct {
		in      string
		want    NHSNumber
		wantErr string
	}{
		{"9434765919", "9434765919", ""},
		{"943 476 5919", "9434765919", ""},
		{" 943-476-5919 ", "9434765919", ""},
		{"9990000026", "9990000026", ""},
		{"9434765918", "", "not a valid NHS number"},
		{"943476591", "", "must be 10 digits"},
		{"94347659190", "", "must be 10 digits"},
		{"", "", "Enter an NHS number"},
		{"   ", "", "Enter an NHS number"},
		{"943476591O", "", "only contain numbers"},
		{"9434765910", "", "not a valid NHS number"},
		// 100000001x has a check remainder of 10: no valid number exists.
		{"1000000010", "", "not a valid NHS number"},
	}
	for _, c := range cases {
		got, err := ParseNHSNumber(c.in)
		if c.wantErr == "" {
			if err != nil || got != c.want {
				t.Errorf("ParseNHSNumber(%q) = %q, %v; want %q", c.in, got, err, c.want)
			}
			continue
		}
		if err == nil || !strings.Contains(MessageOf(err), c.wantErr) || !IsKind(err, KindInvalid) {
			t.Errorf("ParseNHSNumber(%q) error = %v; want %q", c.in, err, c.wantErr)
		}
	}
}

func TestNHSCheckDigit(t *testing.T) {
	t.Parallel()
	cases := []struct {
		first9 string
		digit  int
		ok     bool
	}{
		{"943476591", 9, true},
		{"999000002", 6, true},
		{"100000001", 0, false},
		{"12345678", 0, false},
		{"12345678x", 0, false},
	}
	for _, c := range cases {
		d, ok := NHSCheckDigit(c.first9)
		if d != c.digit || ok != c.ok {
			t.Errorf("NHSCheckDigit(%q) = %d, %v; want %d, %v", c.first9, d, ok, c.digit, c.ok)
		}
	}
}

func TestNHSNumberFormatted(t *testing.T) {
	t.Parallel()
	if got := NHSNumber("9434765919").Formatted(); got != "943 476 5919" {
		t.Errorf("Formatted = %q", got)
	}
}

func FuzzParseNHSNumber(f *testing.F) {
	for _, s := range []string{"9434765919", "943 476 5919", "", "x", "999-000-0026", "00000000000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseNHSNumber(s)
		if err != nil {
			if !IsKind(err, KindInvalid) {
				t.Fatalf("error of kind %v", KindOf(err))
			}
			return
		}
		if len(n) != 10 {
			t.Fatalf("accepted %q as %q", s, n)
		}
		// The canonical form parses to itself, in both written forms.
		for _, again := range []string{string(n), n.Formatted()} {
			if m, err := ParseNHSNumber(again); err != nil || m != n {
				t.Fatalf("round trip of %q gave %q, %v", again, m, err)
			}
		}
	})
}
