package directory

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/joinedup/joinedup/internal/care"
)

func TestReadEpraccur(t *testing.T) {
	t.Parallel()
	f, err := os.Open("testdata/epraccur-extract.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var got []PracticeRecord
	rep, err := ReadEpraccur(f, func(p PracticeRecord) error { got = append(got, p); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rows != 22 || rep.Practices != 15 || rep.Active != 12 || rep.Closed != 2 || rep.Dormant != 1 ||
		rep.Skipped != 3 || rep.NotPractices != 3 || rep.RejectedCount != 4 || rep.WarningCount != 1 || len(got) != rep.Practices {
		t.Fatalf("report = %+v", rep)
	}
	if rep.Rows != rep.Practices+rep.Skipped+rep.RejectedCount {
		t.Error("the counts do not add up")
	}
	wantRejected := map[int]string{
		18: "it has 26 columns", 20: "the open date",
		21: "not valid CSV", 22: "status \"X\"",
	}
	for _, r := range rep.Rejected {
		if want, ok := wantRejected[r.Row]; !ok || !strings.Contains(r.Reason, want) {
			t.Errorf("row %d rejected because %q", r.Row, r.Reason)
		}
		delete(wantRejected, r.Row)
	}
	if len(wantRejected) != 0 {
		t.Errorf("rows not rejected: %v", wantRejected)
	}
	byCode := map[string]PracticeRecord{}
	for _, p := range got {
		byCode[p.ODSCode] = p
	}
	lc := byCode["F84003"]
	if lc.Name != "LOWER CLAPTON GROUP PRACTICE" || lc.Postcode != "E5 0PQ" || lc.OpenedOn == "" || lc.Status != care.OrgActive ||
		lc.Commissioner != "07T" || len(lc.Address) == 0 || lc.Row != 3 {
		t.Errorf("F84003 = %+v", lc)
	}
	if o := lc.Organisation(); o.LocalAuthorityGSS != "E09000012" || o.Kind != care.OrgGPPractice || o.Phone == "" {
		t.Errorf("F84003 as an organisation = %+v", o)
	}
	if o := byCode["F84640"].Organisation(); o.LocalAuthorityGSS != "" {
		t.Errorf("the City practice was placed in %q", o.LocalAuthorityGSS)
	}
	if o := byCode["G85002"].Organisation(); o.LocalAuthorityGSS != "E09000022" {
		t.Errorf("08K placed in %q, want Lambeth", o.LocalAuthorityGSS)
	}
	if p := byCode["F84042"]; p.Status != care.OrgClosed || p.ClosedOn == "" {
		t.Errorf("closed practice = %+v", p)
	}
	// A postcode that cannot exist is kept as the source gives it, with a
	// warning, so an open practice is never left out for a typo.
	if p := byCode["Y99903"]; p.Postcode != "NOT A PC" || rep.Warnings[0].Row != 19 || !strings.Contains(rep.Warnings[0].Reason, "not a valid postcode") {
		t.Errorf("bad postcode practice = %+v, warnings %+v", p, rep.Warnings)
	}
	if p := byCode["Y99901"]; p.Name != "CAFÉ HOUSE SURGERY" {
		t.Errorf("Latin-1 name read as %q", p.Name)
	}
}

func TestReadEpraccurStopsOnlyForTheCallback(t *testing.T) {
	t.Parallel()
	row := `"Y99910","A PRACTICE","Y56","Q71","","","","","","E8 1DY","20200101","","A","B","07T","20130401","","","","","","0","","07T","","4",""` + "\n"
	proposed := strings.Replace(row, `"A","B"`, `"P","B"`, 1)
	rep, err := ReadEpraccur(strings.NewReader(row+proposed+row), func(PracticeRecord) error { return nil })
	if err != nil || rep.Practices != 2 || rep.Proposed != 1 || rep.Skipped != 1 {
		t.Fatalf("report = %+v, %v", rep, err)
	}
	stop := errors.New("stop")
	if _, err := ReadEpraccur(strings.NewReader(row+row), func(PracticeRecord) error { return stop }); !errors.Is(err, stop) {
		t.Fatalf("callback error = %v", err)
	}
}

func FuzzReadEpraccur(f *testing.F) {
	seed, err := os.ReadFile("testdata/epraccur-extract.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte(`"A","B"` + "\n\"unterminated"))
	f.Fuzz(func(t *testing.T, data []byte) {
		n := 0
		rep, err := ReadEpraccur(strings.NewReader(string(data)), func(p PracticeRecord) error {
			n++
			if p.ODSCode == "" || p.Name == "" || p.OpenedOn == "" || !p.Status.Active() && p.Status != care.OrgClosed && p.Status != care.OrgDormant {
				t.Fatalf("incomplete practice passed on: %+v", p)
			}
			return nil
		})
		if err != nil {
			return
		}
		if n != rep.Practices || rep.Rows != rep.Practices+rep.Skipped+rep.RejectedCount {
			t.Fatalf("counts do not add up: %+v with %d passed on", rep, n)
		}
	})
}
