package geo

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/joinedup/joinedup/internal/care"
)

func TestParsePostcodeValid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in                          string
		want, outcode, sector, area string
	}{
		{"E8 1AA", "E8 1AA", "E8", "E8 1", "E"},
		{"e81 1aa", "E81 1AA", "E81", "E81 1", "E"},
		{"e8 1aa", "E8 1AA", "E8", "E8 1", "E"},
		{"E81AA", "E8 1AA", "E8", "E8 1", "E"},
		{"E811AA", "E81 1AA", "E81", "E81 1", "E"},
		{" sw1a  1aa ", "SW1A 1AA", "SW1A", "SW1A 1", "SW"},
		{"\tcr0 1nx\n", "CR0 1NX", "CR0", "CR0 1", "CR"},
		{"M1 1AE", "M1 1AE", "M1", "M1 1", "M"},               // A9
		{"B33 8TH", "B33 8TH", "B33", "B33 8", "B"},           // A99
		{"W1A 0AX", "W1A 0AX", "W1A", "W1A 0", "W"},           // A9A
		{"CR2 6XH", "CR2 6XH", "CR2", "CR2 6", "CR"},          // AA9
		{"DN55 1PT", "DN55 1PT", "DN55", "DN55 1", "DN"},      // AA99
		{"EC1A 1BB", "EC1A 1BB", "EC1A", "EC1A 1", "EC"},      // AA9A
		{"se13 6lh", "SE13 6LH", "SE13", "SE13 6", "SE"},      //
		{"E1W 1AA", "E1W 1AA", "E1W", "E1W 1", "E"},           // W allowed third in A9A
		{"n1c 4ag", "N1C 4AG", "N1C", "N1C 4", "N"},           //
		{"GIR 0AA", "GIR 0AA", "GIR", "GIR 0", "GIR"},         // Girobank
		{"gir0aa", "GIR 0AA", "GIR", "GIR 0", "GIR"},          //
		{"GY1 1AA", "GY1 1AA", "GY1", "GY1 1", "GY"},          // Guernsey is in ONSPD
		{"s w 1 a 1 a a", "SW1A 1AA", "SW1A", "SW1A 1", "SW"}, // spaces anywhere
		{"E8\u00a01AA", "E8 1AA", "E8", "E8 1", "E"},          // no-break space from a web page
	}
	for _, tt := range tests {
		p, err := ParsePostcode(tt.in)
		if err != nil {
			t.Errorf("ParsePostcode(%q): %v", tt.in, err)
			continue
		}
		if got := p.String(); got != tt.want {
			t.Errorf("ParsePostcode(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := p.Outcode(); got != tt.outcode {
			t.Errorf("ParsePostcode(%q).Outcode() = %q, want %q", tt.in, got, tt.outcode)
		}
		if got := p.Sector(); got != tt.sector {
			t.Errorf("ParsePostcode(%q).Sector() = %q, want %q", tt.in, got, tt.sector)
		}
		if got := p.Area(); got != tt.area {
			t.Errorf("ParsePostcode(%q).Area() = %q, want %q", tt.in, got, tt.area)
		}
		if p.IsZero() {
			t.Errorf("ParsePostcode(%q) is zero", tt.in)
		}
	}
}

func TestParsePostcodeInvalid(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, msg string
	}{
		{"empty", "", msgPostcodeEmpty},
		{"only spaces", "   ", msgPostcodeEmpty},
		{"outcode only", "E8", msgPostcodeOutcodeOnly},
		{"outcode only, four characters", "sw1a", msgPostcodeOutcodeOnly},
		{"sector only", "E8 1", msgPostcodeOutcodeOnly}, // reads as district E81
		{"inward only", "1AA", msgPostcodeInvalid},
		{"C in inward code", "E8 1CA", msgPostcodeInvalid},
		{"I in inward code", "E8 1AI", msgPostcodeInvalid},
		{"K in inward code", "E8 1KA", msgPostcodeInvalid},
		{"M in inward code", "E8 1AM", msgPostcodeInvalid},
		{"O in inward code", "E8 1OA", msgPostcodeInvalid},
		{"V in inward code", "DN15 6QV", msgPostcodeInvalid},
		{"letter first in inward code", "E8 AAA", msgPostcodeInvalid},
		{"digit last in inward code", "E8 1A1", msgPostcodeInvalid},
		{"Q first", "QA1 1AA", msgPostcodeInvalid},
		{"V first", "V1 1AA", msgPostcodeInvalid},
		{"X first", "X1 1AA", msgPostcodeInvalid},
		{"I second", "EI1 1AA", msgPostcodeInvalid},
		{"J second", "AJ1 1AA", msgPostcodeInvalid},
		{"Z second", "SZ1 1AA", msgPostcodeInvalid},
		{"letter not allowed third in A9A", "W1M 1AA", msgPostcodeInvalid},
		{"letter not allowed fourth in AA9A", "EC1C 1AA", msgPostcodeInvalid},
		{"digit first", "1E8 1AA", msgPostcodeInvalid},
		{"three letters", "ABC 1AA", msgPostcodeInvalid},
		{"outward too long", "SW1AA 1AA", msgPostcodeInvalid},
		{"too long", "E8 1AA E8 1AA", msgPostcodeInvalid},
		{"too short", "E81A", msgPostcodeInvalid},
		{"hyphen", "E8-1AA", msgPostcodeInvalid},
		{"non-ASCII letter", "É8 1AA", msgPostcodeInvalid},
		{"fullwidth digits", "E８ 1AA", msgPostcodeInvalid},
		{"emoji", "E8 1AA 🏠", msgPostcodeInvalid},
		{"invalid UTF-8", "E8 1A\xff", msgPostcodeInvalid},
		{"BFPO number", "BFPO 1234", msgPostcodeBFPO},
		{"BFPO postcode", "BF1 3AJ", msgPostcodeBFPO},
		{"Gibraltar", "GX11 1AA", msgPostcodeOverseas},
		{"St Helena", "STHL 1ZZ", msgPostcodeOverseas},
		{"Falklands", "FIQQ 1ZZ", msgPostcodeOverseas},
		{"zip code", "90210", msgPostcodeInvalid},
		{"a word", "Hackney", msgPostcodeInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParsePostcode(tt.in)
			if err == nil {
				t.Fatalf("ParsePostcode(%q) = %q, want an error", tt.in, p)
			}
			if !care.IsKind(err, care.KindInvalid) {
				t.Errorf("kind = %v, want invalid", care.KindOf(err))
			}
			if got := care.MessageOf(err); got != tt.msg {
				t.Errorf("message = %q, want %q", got, tt.msg)
			}
			if !p.IsZero() {
				t.Errorf("failed parse returned %q, want the zero Postcode", p)
			}
		})
	}
}

func TestLetterSets(t *testing.T) {
	t.Parallel()
	// The Royal Mail rules, written out as the letters allowed.
	tests := []struct {
		name    string
		set     uint32
		letters string
	}{
		{"first", lettersFirst, "ABCDEFGHIJKLMNOPRSTUWYZ"},
		{"second", lettersSecond, "ABCDEFGHKLMNOPQRSTUVWXY"},
		{"A9A third", lettersA9A, "ABCDEFGHJKPSTUW"},
		{"AA9A fourth", lettersAA9A, "ABEHMNPRVWXY"},
		{"inward", lettersInward, "ABDEFGHJLNPQRSTUWXYZ"},
	}
	for _, tt := range tests {
		for ch := byte(0); ch < 128; ch++ {
			want := strings.IndexByte(tt.letters, ch) >= 0
			if got := isLetterIn(tt.set, ch); got != want {
				t.Errorf("%s: isLetterIn(%q) = %v, want %v", tt.name, ch, got, want)
			}
		}
	}
}

func TestPostcodeZero(t *testing.T) {
	t.Parallel()
	var p Postcode
	if p.String() != "" || p.Outcode() != "" || p.Sector() != "" || p.Area() != "" || !p.IsZero() {
		t.Errorf("zero Postcode = %q %q %q %q", p.String(), p.Outcode(), p.Sector(), p.Area())
	}
}

func TestPostcodeIsComparable(t *testing.T) {
	t.Parallel()
	a, _ := ParsePostcode("e8 1aa")
	b, _ := ParsePostcode("E81AA")
	c, _ := ParsePostcode("E81 1AA")
	if a != b {
		t.Errorf("%q != %q", a, b)
	}
	if a == c {
		t.Errorf("E8 1AA == E81 1AA")
	}
}

func TestPostcodeText(t *testing.T) {
	t.Parallel()
	type person struct {
		Postcode Postcode `json:"postcode"`
	}
	var got person
	if err := json.Unmarshal([]byte(`{"postcode":"e8 1dy"}`), &got); err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != `{"postcode":"E8 1DY"}` {
		t.Errorf("round trip = %s", out)
	}
	if err := json.Unmarshal([]byte(`{"postcode":"nonsense"}`), &got); !care.IsKind(err, care.KindInvalid) {
		t.Errorf("bad postcode in JSON: err = %v, want invalid", err)
	}
	if err := json.Unmarshal([]byte(`{"postcode":""}`), &got); err != nil || !got.Postcode.IsZero() {
		t.Errorf("empty postcode in JSON: %q, %v; want zero, nil", got.Postcode, err)
	}
}

func TestParseOutcode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want, msg string
	}{
		{"E8", "E8", ""},
		{"e8", "E8", ""},
		{" cr0 ", "CR0", ""},
		{"SW1A", "SW1A", ""},
		{"w1a", "W1A", ""},
		{"GIR", "GIR", ""},
		{"", "", msgOutcodeEmpty},
		{"  ", "", msgOutcodeEmpty},
		{"E8 1", "", msgOutcodeInvalid}, // a sector, not district E81
		{"E8 1AA", "", msgOutcodeInvalid},
		{"E", "", msgOutcodeInvalid},
		{"SW1AA", "", msgOutcodeInvalid},
		{"Q1", "", msgOutcodeInvalid},
		{"BF1", "", msgOutcodeInvalid},
		{"GX11", "", msgOutcodeInvalid},
		{"É8", "", msgOutcodeInvalid},
	}
	for _, tt := range tests {
		got, err := ParseOutcode(tt.in)
		if tt.msg != "" {
			if err == nil || care.MessageOf(err) != tt.msg || !care.IsKind(err, care.KindInvalid) {
				t.Errorf("ParseOutcode(%q) = %q, %v; want invalid %q", tt.in, got, err, tt.msg)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseOutcode(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestParsePostcodeOrOutcode(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		full    bool
		want    string
		outcode string
		msg     string
	}{
		{"cr0", false, "CR0", "CR0", ""},
		{" E8 ", false, "E8", "E8", ""},
		{"sw1a", false, "SW1A", "SW1A", ""},
		{"e8 1dy", true, "E8 1DY", "E8", ""},
		{"E81DY", true, "E8 1DY", "E8", ""},
		{"E811AA", true, "E81 1AA", "E81", ""},
		{"", false, "", "", msgQueryEmpty},
		{"E8 1", false, "", "", msgQueryInvalid},
		{"Hackney", false, "", "", msgQueryInvalid},
		{"BFPO 12", false, "", "", msgPostcodeBFPO},
		{"BF1 3AJ", false, "", "", msgPostcodeBFPO},
		{"GX11 1AA", false, "", "", msgPostcodeOverseas},
	}
	for _, tt := range tests {
		q, err := ParsePostcodeOrOutcode(tt.in)
		if tt.msg != "" {
			if err == nil || care.MessageOf(err) != tt.msg || !care.IsKind(err, care.KindInvalid) {
				t.Errorf("ParsePostcodeOrOutcode(%q) = %+v, %v; want invalid %q", tt.in, q, err, tt.msg)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParsePostcodeOrOutcode(%q): %v", tt.in, err)
			continue
		}
		if q.IsFull() != tt.full || q.String() != tt.want || q.Outcode != tt.outcode {
			t.Errorf("ParsePostcodeOrOutcode(%q) = full %v %q outcode %q; want full %v %q outcode %q",
				tt.in, q.IsFull(), q.String(), q.Outcode, tt.full, tt.want, tt.outcode)
		}
	}
}

func TestParsePostcodeAllocatesNothing(t *testing.T) {
	// Not parallel: AllocsPerRun refuses to run beside other tests.
	allocs := testing.AllocsPerRun(100, func() {
		if _, err := ParsePostcode(" sw1a 1aa "); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("ParsePostcode allocates %v times, want 0", allocs)
	}
}

func FuzzParsePostcode(f *testing.F) {
	for _, s := range []string{"E8 1AA", "e81 1aa", " sw1a  1aa ", "GIR 0AA", "BFPO 1234", "GX11 1AA",
		"E8", "CR0", "E8 1CA", "E8\u00a01AA", "É8 1AA", "", "STHL 1ZZ", "W1A 0AX", "EC1A 1BB"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePostcode(s)
		if err != nil {
			if !care.IsKind(err, care.KindInvalid) || care.MessageOf(err) == "" {
				t.Fatalf("ParsePostcode(%q): error %v is not a user-facing invalid error", s, err)
			}
			if !p.IsZero() {
				t.Fatalf("ParsePostcode(%q) failed but returned %q", s, p)
			}
		} else {
			canon := p.String()
			if len(canon) < 6 || len(canon) > 8 || canon != strings.ToUpper(canon) ||
				canon != p.Outcode()+" "+canon[len(canon)-3:] || !strings.HasPrefix(p.Sector(), p.Outcode()+" ") {
				t.Fatalf("ParsePostcode(%q) = %q (outcode %q, sector %q): not canonical", s, canon, p.Outcode(), p.Sector())
			}
			again, err := ParsePostcode(canon)
			if err != nil || again != p || again.String() != canon {
				t.Fatalf("canonical %q does not round-trip: %q, %v", canon, again, err)
			}
			if o, err := ParseOutcode(p.Outcode()); err != nil || o != p.Outcode() {
				t.Fatalf("outcode %q of %q does not parse: %q, %v", p.Outcode(), canon, o, err)
			}
		}

		q, qerr := ParsePostcodeOrOutcode(s)
		if qerr != nil && !care.IsKind(qerr, care.KindInvalid) {
			t.Fatalf("ParsePostcodeOrOutcode(%q): %v", s, qerr)
		}
		if qerr == nil && q.IsFull() && (err != nil || q.Postcode != p) {
			t.Fatalf("ParsePostcodeOrOutcode(%q) = %q but ParsePostcode = %q, %v", s, q.Postcode, p, err)
		}
		if err == nil && (qerr != nil || q.Postcode != p) {
			t.Fatalf("ParsePostcode(%q) = %q but ParsePostcodeOrOutcode = %+v, %v", s, p, q, qerr)
		}
	})
}

func BenchmarkParsePostcode(b *testing.B) {
	inputs := []string{"E8 1DY", "sw1a1aa", " cr0  1nx ", "SE13 6LH"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if _, err := ParsePostcode(inputs[i%len(inputs)]); err != nil {
			b.Fatal(err)
		}
	}
}
