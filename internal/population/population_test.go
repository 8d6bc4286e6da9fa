package population

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/joinedup/joinedup/internal/care"
)

func readAll(t testing.TB, data []byte) ([]Record, Report, error) {
	var recs []Record
	rep, err := Read(bytes.NewReader(data), func(r Record) error {
		recs = append(recs, r)
		return nil
	})
	return recs, rep, err
}

func TestReadCSV(t *testing.T) {
	data, err := os.ReadFile("testdata/people.csv")
	if err != nil {
		t.Fatal(err)
	}
	recs, rep, err := readAll(t, data)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Format != FormatCSV || rep.Rows != 8 || rep.Read != 3 || rep.RejectedCount != 5 || len(rep.Rejected) != 5 {
		t.Fatalf("report %+v", rep)
	}
	if !slices.Equal(rep.IgnoredColumns, []string{`"gender"`}) {
		t.Errorf("ignored columns %q", rep.IgnoredColumns)
	}
	grace := Record{Line: 2, PracticeODS: "F84003", Person: care.Person{NHSNumber: "9990000018", GivenName: "Grace", FamilyName: "Okafor",
		DateOfBirth: "1941-06-02", Address: "Flat 3\n12 Chestnut Close", Postcode: "E5 0PQ", Phone: "07700 900123", Email: "grace@example.com"}}
	if len(recs) != 3 || !same(recs[0], grace) {
		t.Fatalf("records %+v", recs)
	}
	if r := recs[1]; r.Line != 4 || r.Person.GivenName != "Jean" || r.Person.DateOfBirth != "1938-11-30" || r.PracticeODS != "F84008" || r.Person.Phone != "" {
		t.Errorf("line 4 = %+v", r)
	}
	if r := recs[2]; r.Line != 10 || r.Person.NHSNumber != "9990000077" {
		t.Errorf("line 10 = %+v", r)
	}
	want := []Rejected{
		{5, "nhs_number: This is not a valid NHS number"},
		{6, "date_of_birth: not a real date"},
		{7, "registered_practice_ods: empty"},
		{8, "it has 4 fields but the header row has 10"},
		{9, "its quotation marks do not pair up (line 9"},
	}
	for i, w := range want {
		if got := rep.Rejected[i]; got.Line != w.Line || !strings.HasPrefix(got.Reason, w.Reason) {
			t.Errorf("rejection %d = %+v, want line %d starting %q", i, got, w.Line, w.Reason)
		}
	}
}

func same(a, b Record) bool {
	return a.Line == b.Line && a.PracticeODS == b.PracticeODS && a.Person.NHSNumber == b.Person.NHSNumber &&
		a.Person.GivenName == b.Person.GivenName && a.Person.FamilyName == b.Person.FamilyName &&
		a.Person.DateOfBirth == b.Person.DateOfBirth && a.Person.Address == b.Person.Address &&
		a.Person.Postcode == b.Person.Postcode && a.Person.Phone == b.Person.Phone && a.Person.Email == b.Person.Email
}

func TestReadRecognisesFHIR(t *testing.T) {
	data, err := os.ReadFile("../fhir/testdata/patients.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	// A byte order mark and blank lines before the first resource change
	// neither the format nor the line numbers.
	data = append([]byte("\ufeff\n"), data...)
	recs, rep, err := readAll(t, data)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Format != FormatFHIR || rep.Rows != 11 || rep.Read != 3 || rep.RejectedCount != 8 {
		t.Fatalf("report %+v", rep)
	}
	if recs[0].Line != 2 || recs[0].Person.NHSNumber != "9990000018" || recs[0].PracticeODS != "F84003" || recs[2].Line != 13 {
		t.Errorf("records %+v", recs)
	}
	if r := rep.Rejected[0]; r.Line != 5 || !strings.Contains(r.Reason, "not valid JSON") {
		t.Errorf("first rejection %+v", r)
	}
}

func TestReadRefusesOtherFiles(t *testing.T) {
	for name, c := range map[string]struct{ data, says string }{
		"empty":              {"", "The file is empty."},
		"blank":              {"\ufeff \r\n\n\t", "The file is empty."},
		"a JSON array":       {`[{"resourceType": "Patient"}]`, "This file is a JSON array"},
		"pretty JSON":        {"{\n  \"resourceType\": \"Patient\"\n}\n", "this is not NDJSON"},
		"another CSV":        {"pcds,doterm,laua\nE8 1DY,,E09000012\n", "the header row has no nhs_number, no given_name"},
		"missing a column":   {"nhs_number,given_name,family_name,date_of_birth,address,postcode,phone\n", "the header row has no registered_practice_ods column"},
		"a broken header":    {"nhs_number,\"given_name\n", "The CSV header row cannot be read"},
		"a header with bare": {"nhs\"number,given\n", "The CSV header row cannot be read"},
	} {
		recs, _, err := readAll(t, []byte(c.data))
		if !care.IsKind(err, care.KindInvalid) || !strings.Contains(care.MessageOf(err), c.says) || len(recs) > 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
	// A header with only the columns, in another order and case, is fine.
	recs, rep, err := readAll(t, []byte("Registered Practice ODS,Postcode,Address,Date of birth,Family name,Given-name,NHS_NUMBER\n"+
		"F84003,E5 0PQ,1 High Street,1950-01-01,Smith,Ann,9990000018\n"))
	if err != nil || len(recs) != 1 || recs[0].Person.FamilyName != "Smith" || recs[0].PracticeODS != "F84003" || len(rep.IgnoredColumns) != 0 {
		t.Errorf("reordered header: %+v %+v %v", recs, rep, err)
	}
}

func TestParseDate(t *testing.T) {
	for in, want := range map[string]string{"1950-01-31": "1950-01-31", "31/01/1950": "1950-01-31", "1/2/1950": "1950-02-01", "": ""} {
		if got, ok := parseDate(in); !ok || got != want {
			t.Errorf("parseDate(%q) = %q, %v", in, got, ok)
		}
	}
	for _, in := range []string{"1950-02-30", "30/02/1950", "01/31/1950", "1950-1-1", "31/01/50", "yesterday", "1950"} {
		if got, ok := parseDate(in); ok {
			t.Errorf("parseDate(%q) = %q, want a refusal", in, got)
		}
	}
}

// FuzzRead feeds both formats to Read: nothing panics, the counts add up,
// lines come in order, and every record passed on has a valid NHS number,
// a whole date of birth if any and a practice code.
func FuzzRead(f *testing.F) {
	for _, name := range []string{"testdata/people.csv", "../fhir/testdata/patients.ndjson"} {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("nhs_number,given_name,family_name,date_of_birth,address,postcode,registered_practice_ods\n" +
		"9990000018,Ann,Smith,1/1/1950,\"1 High St\nHackney\",E8 1DY,f84003\n\"x\ny\",1\n,,,,,,\n"))
	f.Add([]byte("\ufeff{}\n[]\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		last := 0
		rep, err := Read(bytes.NewReader(data), func(r Record) error {
			if r.Line <= last {
				t.Fatalf("record at line %d after line %d", r.Line, last)
			}
			last = r.Line
			if n, err := care.ParseNHSNumber(string(r.Person.NHSNumber)); err != nil || n != r.Person.NHSNumber {
				t.Fatalf("line %d passed with NHS number %q", r.Line, r.Person.NHSNumber)
			}
			if d := r.Person.DateOfBirth; d != "" {
				if _, err := time.Parse(time.DateOnly, d); err != nil {
					t.Fatalf("line %d passed with date of birth %q", r.Line, d)
				}
			}
			if strings.TrimSpace(r.PracticeODS) == "" {
				t.Fatalf("line %d passed with no practice", r.Line)
			}
			return nil
		})
		if err != nil {
			if !care.IsKind(err, care.KindInvalid) {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		if rep.Rows != rep.Read+rep.RejectedCount || len(rep.Rejected) != min(rep.RejectedCount, MaxStoredRejections) {
			t.Fatalf("counts do not add up: %+v", rep)
		}
		for _, r := range rep.Rejected {
			if r.Line < 1 || r.Reason == "" {
				t.Fatalf("rejection %+v", r)
			}
		}
	})
}
