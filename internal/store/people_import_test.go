package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/joinedup/joinedup/internal/audit"
	"github.com/joinedup/joinedup/internal/care"
)

func personByNHS(t *testing.T, s *Store, nhs string) care.Person {
	t.Helper()
	var p care.Person
	err := s.read(context.Background(), func(tx *tx) error {
		var err error
		p, err = scanPerson(tx.queryRow(context.Background(), `SELECT `+personColumns+` FROM people p WHERE p.nhs_number = ?`, nhs))
		return err
	})
	if err != nil {
		t.Fatalf("person %s: %v", nhs, err)
	}
	return p
}

func importRow(line int, nhs, given, family, dob, postcode, ods string) PersonImportRow {
	return PersonImportRow{Line: line, PracticeODS: ods, Person: care.Person{NHSNumber: care.NHSNumber(nhs), GivenName: given,
		FamilyName: family, DateOfBirth: dob, Address: "12 Chestnut Close", Postcode: postcode, Phone: "07700 900123"}}
}

func rejectedLines(rs []RejectedPerson) []int {
	var lines []int
	for _, r := range rs {
		lines = append(lines, r.Line)
	}
	slices.Sort(lines)
	return lines
}

func reasonFor(rs []RejectedPerson, line int) string {
	for _, r := range rs {
		if r.Line == line {
			return r.Reason
		}
	}
	return ""
}

func TestUpsertPeople(t *testing.T) {
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		a := newArea(t, s)
		sys := care.SystemActor("import")
		if _, err := s.CreateOrganisation(ctx, sys, care.Organisation{Name: "Homerton Hospital", Kind: care.OrgNHSTrust, ODSCode: "RQX"}); err != nil {
			t.Fatal(err)
		}
		if err := s.UpsertPostcodes(ctx, sys, []PostcodeRow{{Postcode: "E5 0PQ", LocalAuthority: "E09000012"},
			{Postcode: "N16 9JT", LocalAuthority: "E09000099"}}); err != nil {
			t.Fatal(err)
		}
		ada := a.register(t, "999 000 0107", "Ada", "Lovelace") // born 1941-05-17, at F84003

		first := func() []PersonImportRow {
			noPhone := importRow(3, "9990000026", "Jean", "Fletcher", "1938-11-30", "n16 9jt", " f84008 ")
			noPhone.Person.Phone = ""
			return []PersonImportRow{
				importRow(2, "9990000018", "Grace", "Okafor", "1941-06-02", "E5 0PQ", "F84003"),
				noPhone,
				importRow(4, "9990000042", "Anne", "", "1950-01-01", "E5 0PQ", "F84003"),
				importRow(5, "9990000050", "Alan", "Unknown", "1950-01-01", "E5 0PQ", "Z99999"),
				importRow(6, "9990000069", "Derek", "Hospital", "1950-01-01", "E5 0PQ", "RQX"),
				importRow(7, "999 000 0018", "Grace", "Again", "1941-06-02", "E5 0PQ", "F84003"),
				importRow(8, "9990000077", "Future", "Born", "2030-01-01", "E5 0PQ", "F84003"),
				importRow(9, "9990000034", "GRACE", "okafor", "1941-06-02", "E5 0PQ", "F84003"),
				importRow(10, "9990000085", "Ada", "Lovelace", "1941-05-17", "E5 0PQ", "F84003"),
			}
		}
		res, err := s.UpsertPeople(ctx, sys, first())
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 4 || res.Updated != 0 || res.Unchanged != 0 || !slices.Equal(rejectedLines(res.Rejected), []int{4, 5, 6, 7, 8}) ||
			!slices.Equal(res.LookAlikes, []int{9, 10}) {
			t.Fatalf("first import: %+v", res)
		}
		for line, want := range map[int]string{
			4: "family name: Enter their last name",
			5: "registered practice: no GP practice with the ODS code Z99999 is in the directory",
			6: "registered practice: RQX is in the directory, but not as a GP practice",
			7: "the NHS number is also on line 2",
			8: "date of birth: Date of birth must be today or in the past",
		} {
			if got := reasonFor(res.Rejected, line); got != want {
				t.Errorf("line %d rejected for %q, want %q", line, got, want)
			}
		}
		grace := personByNHS(t, s, "9990000018")
		if grace.RegisteredPracticeID != a.practice.ID || grace.LocalAuthorityGSS != "E09000012" || grace.Version != 1 ||
			grace.Address != "12 Chestnut Close" || grace.Phone != "07700 900123" {
			t.Errorf("Grace = %+v", grace)
		}
		jean := personByNHS(t, s, "9990000026")
		if jean.RegisteredPracticeID != a.other.ID || jean.Postcode != "N16 9JT" || jean.LocalAuthorityGSS != "" {
			t.Errorf("Jean = %+v (a council not in the directory is not given)", jean)
		}
		if rows := auditRows(t, s, grace.ID); !hasAudit(rows, "person.create", audit.OutcomeSuccess, "import") {
			t.Errorf("Grace's creation is not audited: %+v", rows)
		}
		if rows := auditRows(t, s, ada.ID); !hasAudit(rows, "person.duplicate_warn", audit.OutcomeSuccess, "import added") {
			t.Errorf("the look-alike warning is not audited against Ada's record: %+v", rows)
		}

		// The same file again changes nothing.
		res, err = s.UpsertPeople(ctx, sys, first())
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 0 || res.Updated != 0 || res.Unchanged != 4 || len(res.Rejected) != 5 || len(res.LookAlikes) != 0 {
			t.Fatalf("second import: %+v", res)
		}
		if again := personByNHS(t, s, "9990000018"); again.Version != 1 {
			t.Errorf("an unchanged person's version moved to %d", again.Version)
		}

		// A changed feed updates by NHS number, keeps what it does not
		// carry, and audits and records the change.
		moved := importRow(2, "9990000018", "Grace", "Okafor", "1941-06-02", "N16 9JT", "F84003")
		moved.Person.Address, moved.Person.Phone = "7 Orchard Way", ""
		adaMoves := importRow(3, "999 000 0107", "Ada", "Lovelace", "1941-05-17", "E5 0PQ", "F84008")
		adaMoves.Person.Address, adaMoves.Person.Phone = "12 Example Road\nLondon", "020 7946 0001"
		res, err = s.UpsertPeople(ctx, sys, []PersonImportRow{moved, adaMoves})
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 0 || res.Updated != 2 || res.Unchanged != 0 || len(res.Rejected) != 0 {
			t.Fatalf("changed import: %+v", res)
		}
		grace = personByNHS(t, s, "9990000018")
		if grace.Address != "7 Orchard Way" || grace.Postcode != "N16 9JT" || grace.Phone != "07700 900123" || grace.Version != 2 ||
			grace.LocalAuthorityGSS != "" {
			t.Errorf("Grace after moving = %+v", grace)
		}
		if rows := auditRows(t, s, grace.ID); !hasAudit(rows, "person.update", audit.OutcomeSuccess, "import changed=address") {
			t.Errorf("Grace's change is not audited: %+v", rows)
		}
		adaNow := personByNHS(t, s, "9990000107")
		if adaNow.RegisteredPracticeID != a.other.ID || adaNow.ContactPreference != care.ContactPhone || adaNow.Language != "English" ||
			adaNow.LocalAuthorityGSS != "E09000012" || adaNow.Version != ada.Version+1 {
			t.Errorf("Ada after changing practice = %+v", adaNow)
		}
		var summary string
		if err := s.read(ctx, func(tx *tx) error {
			return tx.queryRow(ctx, `SELECT summary FROM timeline_events WHERE person_id = ? AND type = ?`, adaNow.ID,
				string(care.EventPersonUpdated)).Scan(&summary)
		}); err != nil || summary != "Details changed by an import: registered practice" {
			t.Errorf("Ada's timeline: %q, %v", summary, err)
		}

		// Only joinedup itself imports, and a refusal is audited.
		if _, err := s.UpsertPeople(ctx, a.practiceManager, first()); !care.IsKind(err, care.KindForbidden) {
			t.Errorf("a practice manager importing: %v", err)
		}
		if !contains(auditActions(t, s, "denied"), "person.import") {
			t.Error("the refused import is not audited")
		}
		if _, err := s.SealAudit(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := s.VerifyAudit(ctx, 0); err != nil {
			t.Errorf("audit trail after imports: %v", err)
		}
	})
}

// TestUpsertPeopleInChunks imports more people than one multi-row INSERT
// carries and one IN list holds, so full chunks and a remainder are
// written, each audited, and found again by a second import.
func TestUpsertPeopleInChunks(t *testing.T) {
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		newArea(t, s)
		sys := care.SystemActor("import")
		const n = inChunk*2 + 37
		rows := make([]PersonImportRow, 0, n)
		prefix := 999_000_000
		for len(rows) < n {
			first9 := fmt.Sprint(prefix)
			prefix++
			check, ok := care.NHSCheckDigit(first9)
			if !ok {
				continue
			}
			i := len(rows)
			rows = append(rows, importRow(i+2, fmt.Sprintf("%s%d", first9, check), "Person", fmt.Sprintf("Number %d", i),
				fmt.Sprintf("19%02d-%02d-%02d", 30+i%60, 1+i%12, 1+i%28), "E5 0PQ", "F84003"))
		}
		res, err := s.UpsertPeople(ctx, sys, rows)
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != n || len(res.Rejected) != 0 || len(res.LookAlikes) != 0 {
			t.Fatalf("import: created %d, rejected %v, look-alikes %d", res.Created, res.Rejected, len(res.LookAlikes))
		}
		count, err := s.CountPeople(ctx)
		if err != nil || count != n {
			t.Fatalf("%d people, %v", count, err)
		}
		var audited int
		if err := s.read(ctx, func(tx *tx) error {
			return tx.queryRow(ctx, `SELECT COUNT(*) FROM audit_events WHERE action = 'person.create' AND detail = 'import'`).Scan(&audited)
		}); err != nil || audited != n {
			t.Fatalf("%d creations audited, %v", audited, err)
		}
		again, err := s.UpsertPeople(ctx, sys, rows)
		if err != nil || again.Unchanged != n || again.Created+again.Updated+len(again.Rejected) != 0 {
			t.Fatalf("second import: %+v, %v", again, err)
		}
		last := personByNHS(t, s, string(rows[n-1].Person.NHSNumber))
		if !strings.HasPrefix(last.FamilyName, "Number ") || last.Version != 1 {
			t.Errorf("last person = %+v", last)
		}
		if _, err := s.SealAudit(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := s.VerifyAudit(ctx, 0); err != nil {
			t.Errorf("audit trail: %v", err)
		}
	})
}
