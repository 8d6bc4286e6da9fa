package demo

import (
	"bytes"
	"strings"
	"testing"
)

func TestEmbeddedPractices(t *testing.T) {
	t.Parallel()
	e, err := loadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(e.practices), 126; got != want {
		t.Fatalf("practices.csv has %d practices, want %d", got, want)
	}
	byCommissioner := map[string]int{}
	for i, p := range e.practices {
		byCommissioner[p.Commissioner]++
		if i > 0 && e.practices[i-1].ODSCode >= p.ODSCode {
			t.Errorf("practices not in ODS code order at %s", p.ODSCode)
		}
		if len(p.Address) == 0 || p.Phone == "" {
			t.Errorf("%s: address %q, phone %q; want both", p.ODSCode, p.Address, p.Phone)
		}
	}
	for _, tc := range []struct {
		commissioner string
		want         int
	}{
		{"07T", 40}, // City and Hackney
		{"07V", 51}, // Croydon
		{"08L", 35}, // Lewisham
	} {
		if got := byCommissioner[tc.commissioner]; got != tc.want {
			t.Errorf("commissioner %s: %d practices, want %d", tc.commissioner, got, tc.want)
		}
	}
	if len(byCommissioner) != 3 {
		t.Errorf("commissioners %v, want only 07T, 07V and 08L", byCommissioner)
	}
}

func TestEmbeddedAreas(t *testing.T) {
	t.Parallel()
	e, err := loadEmbedded()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"E09000001": "City of London",
		"E09000008": "Croydon",
		"E09000012": "Hackney",
		"E09000023": "Lewisham",
		"E54000029": "NHS North East London Integrated Care Board",
		"E54000030": "NHS South East London Integrated Care Board",
	}
	if len(e.areas) != len(want) {
		t.Errorf("got %d areas, want %d", len(e.areas), len(want))
	}
	for code, name := range want {
		if e.areas[code] != name {
			t.Errorf("area %s = %q, want %q", code, e.areas[code], name)
		}
	}
}

func TestPracticeLocalAuthority(t *testing.T) {
	t.Parallel()
	e := mustLoad()
	byODS := map[string]practice{}
	for _, p := range e.practices {
		byODS[p.ODSCode] = p
	}
	for _, tc := range []struct {
		ods, want string
	}{
		{"F84003", gssHackney},      // Lower Clapton Group Practice, E5
		{"F84640", gssCityOfLondon}, // The Neaman Practice, EC1A
		{"Y03049", gssHackney},      // Spring Hill Practice, N16
		{"H83001", gssCroydon},      // Portland Medical Centre, SE25
		{"G85003", gssLewisham},     // Belmont Hill Surgery, SE13
		{"G85057", gssLewisham},     // Downham Family Medical Practice, BR1
	} {
		p, ok := byODS[tc.ods]
		if !ok {
			t.Errorf("%s not in the extract", tc.ods)
			continue
		}
		if got := practiceLocalAuthority(p); got != tc.want {
			t.Errorf("practiceLocalAuthority(%s) = %s, want %s", tc.ods, got, tc.want)
		}
	}
	// The City exception must stay the only practice of City and Hackney
	// with a City postcode.
	for _, p := range e.practices {
		inCity := strings.HasPrefix(p.Postcode, "EC")
		if inCity != (p.ODSCode == cityOfLondonPractice) {
			t.Errorf("%s at %s: City postcode %v, but City practice is %s", p.ODSCode, p.Postcode, inCity, cityOfLondonPractice)
		}
		if practiceLocalAuthority(p) == "" {
			t.Errorf("%s has no local authority", p.ODSCode)
		}
	}
}

const goodHeader = "ods_code,name,address_line_1,address_line_2,address_line_3,address_line_4,address_line_5,postcode,phone,commissioner\n"

func TestParsePractices(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		in      string
		wantN   int
		wantErr string
	}{
		{"header only", goodHeader, 0, ""},
		{"one row", goodHeader + "A1,NAME,L1,,L3,,,E8 1AA,020 1,07T\n", 1, ""},
		{"quoted comma", goodHeader + "A1,NAME,\"A, B\",,,,,E8 1AA,,07T\n", 1, ""},
		{"empty file", "", 0, "no header"},
		{"wrong header", "ods,name\nA1,N\n", 0, "header"},
		{"short row", goodHeader + "A1,NAME\n", 0, "wrong number of fields"},
		{"no ODS code", goodHeader + ",NAME,,,,,,E8 1AA,,07T\n", 0, "no ODS code"},
		{"no name", goodHeader + "A1, ,,,,,,E8 1AA,,07T\n", 0, "no name"},
		{"no postcode", goodHeader + "A1,NAME,,,,,,,,07T\n", 0, "no postcode"},
		{"duplicate", goodHeader + "A1,N,,,,,,E8 1AA,,07T\nA1,M,,,,,,E8 1AA,,07T\n", 0, "twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ps, err := parsePractices(strings.NewReader(tc.in))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one mentioning %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(ps) != tc.wantN {
				t.Fatalf("got %d practices, want %d", len(ps), tc.wantN)
			}
		})
	}
	ps, err := parsePractices(strings.NewReader(goodHeader + "A1,NAME,L1,,L3,,,E8 1AA,020 1,07T\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(ps[0].Address, "|"); got != "L1|L3" {
		t.Errorf("address lines %q, want empty lines dropped", got)
	}
}

func FuzzParsePractices(f *testing.F) {
	b, err := dataFS.ReadFile("data/practices.csv")
	if err != nil {
		f.Fatal(err)
	}
	// A few real rows; the whole file makes the fuzzer's mutations slow.
	lines := strings.SplitAfter(string(b), "\n")
	f.Add([]byte(strings.Join(lines[:4], "")))
	f.Add([]byte(goodHeader + "A1,N,,,,,,E8 1AA,,07T\n"))
	f.Add([]byte(goodHeader + "\"A1\n,N,,,,,,E8 1AA,,07T\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		ps, err := parsePractices(bytes.NewReader(in))
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, p := range ps {
			if p.ODSCode == "" || p.Name == "" || p.Postcode == "" {
				t.Fatalf("accepted a practice with a missing field: %+v", p)
			}
			if seen[p.ODSCode] {
				t.Fatalf("accepted %s twice", p.ODSCode)
			}
			seen[p.ODSCode] = true
			for _, a := range p.Address {
				if strings.TrimSpace(a) == "" {
					t.Fatalf("kept a blank address line: %q", p.Address)
				}
			}
		}
	})
}

func FuzzParseAreas(f *testing.F) {
	f.Add([]byte("gss_code,name\nE09000012,Hackney\n"))
	f.Add([]byte("gss_code,name\n,\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		as, err := parseAreas(bytes.NewReader(in))
		if err != nil {
			return
		}
		for _, a := range as {
			if a.GSSCode == "" || a.Name == "" {
				t.Fatalf("accepted an area with a missing field: %+v", a)
			}
		}
	})
}

func TestTitleCase(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"LOWER CLAPTON GROUP PRACTICE", "Lower Clapton Group Practice"},
		{"ST. JAMES'S MEDICAL CENTRE", "St. James's Medical Centre"},
		{"ST.JAMES'S MEDICAL CENTRE", "St.James's Medical Centre"},
		{"THE GREENHOUSE WALK-IN", "The Greenhouse Walk-In"},
		{"THE SURGERY (BARRETTS GROVE)", "The Surgery (Barretts Grove)"},
		{"THE QRP SURGERY", "The QRP Surgery"},
		{"ICO HEALTH GROUP", "ICO Health Group"},
		{"BRIGSTOCK & SOUTH NORWOOD PARTNERSHIP", "Brigstock & South Norwood Partnership"},
		{"NORBURY HEALTH CENTRE (02)", "Norbury Health Centre (02)"},
		{"86A DALSTON LANE", "86A Dalston Lane"},
		{"WALDRON HLTH/CTR(SUITE 2)", "Waldron Hlth/Ctr(Suite 2)"},
		{"HEALTH AND CARE OF THE CITY", "Health and Care of the City"},
		{"  SPACED   OUT ", "Spaced Out"},
		{"", ""},
	} {
		if got := titleCase(tc.in); got != tc.want {
			t.Errorf("titleCase(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestFormatPhone(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"020 89867111", "020 8986 7111"},
		{"0208 7658525", "020 8765 8525"},
		{"0844 4773485", "0844 477 3485"},
		{"01689 808810", "01689 808810"},
		{"01737  558288", "01737 558288"},
		{"020 8986 711", "020 8986 711"},         // too short: as given
		{"+44 20 8986 7111", "+44 20 8986 7111"}, // not recognised: as given
		{"", ""},
	} {
		if got := formatPhone(tc.in); got != tc.want {
			t.Errorf("formatPhone(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
