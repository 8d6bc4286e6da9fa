package fhir

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/joinedup/joinedup/internal/care"
)

func readAll(t *testing.T, data []byte) ([]PatientLine, error) {
	t.Helper()
	var lines []PatientLine
	err := ReadPatients(bytes.NewReader(data), func(pl PatientLine) error {
		lines = append(lines, pl)
		return nil
	})
	return lines, err
}

func TestReadPatients(t *testing.T) {
	data, err := os.ReadFile("testdata/patients.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	lines, err := readAll(t, data)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]string{ // line: the problem, or "" when it can be imported
		1: "", 3: "", 12: "",
		4:  "it is not valid JSON: invalid character 'h' in literal true",
		5:  "it is a Bundle resource, not a Patient",
		6:  "name is a JSON string where FHIR has a list",
		7:  "it has no NHS number",
		8:  "NHS number: This is not a valid NHS number",
		9:  "has died",
		10: "the birth date is not a whole date",
		11: "names no registered GP practice",
	}
	if len(lines) != len(want) {
		t.Fatalf("read %d lines, want %d: %+v", len(lines), len(want), lines)
	}
	for _, pl := range lines {
		problem, ok := want[pl.Line]
		switch {
		case !ok:
			t.Errorf("line %d was passed on", pl.Line)
		case problem == "" && pl.Err != nil:
			t.Errorf("line %d refused: %v", pl.Line, pl.Err)
		case problem != "" && (!care.IsKind(pl.Err, care.KindInvalid) || !strings.Contains(care.MessageOf(pl.Err), problem)):
			t.Errorf("line %d: error %v, want one saying %q", pl.Line, pl.Err, problem)
		}
	}
	first := lines[0].Registration
	if first.Person.NHSNumber != "9990000018" || first.Person.GivenName != "Grace Adaeze" || first.Person.Phone != "07700 900123" ||
		first.Person.Email != "grace@example.com" || first.Person.Address != "Flat 3\n12 Chestnut Close\nHackney\nLondon" || first.PracticeODS != "F84003" {
		t.Errorf("line 1 = %+v", first)
	}
	second := lines[1].Registration
	if second.Person.FamilyName != "Fletcher" || second.Person.Phone != "020 7946 0123" || second.Person.Postcode != "N16 9JT" ||
		second.PracticeODS != "F84008" {
		t.Errorf("line 3 = %+v", second)
	}
	last := lines[len(lines)-1]
	if last.Person.NHSNumber != "9990000085" || last.Person.DateOfBirth != "1960-12-31" || last.PracticeODS != "F84015" {
		t.Errorf("line 12 (ending in CR LF) = %+v", last)
	}
}

func TestReadPatientsRefusesWhatIsNotNDJSON(t *testing.T) {
	pretty, err := os.ReadFile("testdata/ukcore/UKCore-Patient-RichardSmith-Example.json")
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"a pretty-printed resource": pretty,
		"a cut-off first line":      []byte(`{"resourceType": "Patient", "id":` + "\n" + `{"resourceType": "Patient"}`),
		"text":                      []byte("nhs_number,given_name\n9990000018,Grace\n"),
	} {
		_, err := readAll(t, data)
		if !care.IsKind(err, care.KindInvalid) || !strings.Contains(care.MessageOf(err), "this is not NDJSON") {
			t.Errorf("%s: %v", name, err)
		}
	}
	// After the first line, a broken line is one rejected line.
	lines, err := readAll(t, []byte("\n\n"+`{"resourceType": "Patient"}`+"\n{\n[1]\n42\nnull\n"))
	if err != nil {
		t.Fatal(err)
	}
	wantLines := []int{3, 4, 5, 6, 7}
	wantReasons := []string{"no NHS number", "unexpected end of JSON input", "it is a JSON array, not an object", "it is a JSON number, not an object", "no resourceType"}
	if len(lines) != len(wantLines) {
		t.Fatalf("lines %+v", lines)
	}
	for i, pl := range lines {
		if pl.Line != wantLines[i] || !strings.Contains(care.MessageOf(pl.Err), wantReasons[i]) {
			t.Errorf("got line %d %v, want line %d saying %q", pl.Line, pl.Err, wantLines[i], wantReasons[i])
		}
	}
	// An empty file has no lines and no error.
	if lines, err := readAll(t, nil); err != nil || len(lines) != 0 {
		t.Errorf("empty file: %v %v", lines, err)
	}
}

func TestReadPatientsSkipsOverlongLines(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(`{"resourceType": "Patient"}` + "\n")
	b.WriteString(`{"resourceType": "Patient", "id": "` + strings.Repeat("x", MaxLineBytes) + `"}` + "\n")
	b.WriteString(`{"resourceType": "Patient", "id": "` + strings.Repeat("y", 300<<10) + `"}` + "\n") // longer than the buffer, within the limit
	b.WriteString(`{"resourceType": "Bundle"}`)                                                       // no final line break
	lines, err := readAll(t, b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 4 || !strings.Contains(care.MessageOf(lines[1].Err), "longer than") ||
		!strings.Contains(care.MessageOf(lines[2].Err), "no NHS number") || lines[3].Line != 4 ||
		!strings.Contains(care.MessageOf(lines[3].Err), "Bundle") {
		t.Fatalf("lines %+v", lines)
	}
}

func TestReadPatientsStopsWhenTold(t *testing.T) {
	data, err := os.ReadFile("testdata/patients.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	stop := errors.New("stop")
	calls := 0
	err = ReadPatients(bytes.NewReader(data), func(PatientLine) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Fatalf("err %v after %d calls", err, calls)
	}
}

// FuzzReadPatients checks that no input panics the reader, that lines come
// in order, and that every line passed as importable has what the import
// relies on: a valid NHS number, a whole birth date if any, and a practice.
func FuzzReadPatients(f *testing.F) {
	data, err := os.ReadFile("testdata/patients.ndjson")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	for _, name := range ukCoreExamples {
		pretty, err := os.ReadFile("testdata/ukcore/" + name + ".json")
		if err != nil {
			f.Fatal(err)
		}
		var compact bytes.Buffer
		if err := json.Compact(&compact, pretty); err != nil {
			f.Fatal(err)
		}
		f.Add(pretty)
		f.Add(append(compact.Bytes(), '\n'))
	}
	f.Add([]byte(`{"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9990000018"}],` +
		`"birthDate":"2000-02-29","generalPractitioner":[{"identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"x"}}]}`))
	f.Add([]byte("{}\n\r\n{\"resourceType\":1}\n[]"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		last := 0
		err := ReadPatients(bytes.NewReader(data), func(pl PatientLine) error {
			if pl.Line <= last {
				t.Fatalf("line %d after line %d", pl.Line, last)
			}
			last = pl.Line
			if pl.Err != nil {
				if !care.IsKind(pl.Err, care.KindInvalid) || care.MessageOf(pl.Err) == "" {
					t.Fatalf("line %d: error %v is not a reason", pl.Line, pl.Err)
				}
				return nil
			}
			if n, err := care.ParseNHSNumber(string(pl.Person.NHSNumber)); err != nil || n != pl.Person.NHSNumber {
				t.Fatalf("line %d passed with NHS number %q", pl.Line, pl.Person.NHSNumber)
			}
			if d := pl.Person.DateOfBirth; d != "" {
				if _, err := time.Parse(time.DateOnly, d); err != nil {
					t.Fatalf("line %d passed with birth date %q", pl.Line, d)
				}
			}
			if pl.PracticeODS == "" || pl.PracticeODS != strings.ToUpper(strings.TrimSpace(pl.PracticeODS)) {
				t.Fatalf("line %d passed with practice %q", pl.Line, pl.PracticeODS)
			}
			return nil
		})
		if err != nil && !care.IsKind(err, care.KindInvalid) {
			t.Fatalf("unexpected error: %v", err)
		}
	})
}
