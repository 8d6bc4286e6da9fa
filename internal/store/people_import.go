package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/joinedup/joinedup/internal/audit"
	"github.com/joinedup/joinedup/internal/care"
)

// PersonImportRow is one person read from an import file: their details,
// the ODS code of the GP practice they are registered with, and the line
// they came from, for the report.
type PersonImportRow struct {
	Line        int
	Person      care.Person
	PracticeODS string
}

// RejectedPerson is a row UpsertPeople did not save, and why, in words an
// operator can act on. Reasons never repeat the person's details.
type RejectedPerson struct {
	Line   int
	Reason string
}

// PeopleImport says what UpsertPeople did with a batch.
type PeopleImport struct {
	Created, Updated, Unchanged int
	Rejected                    []RejectedPerson
	// LookAlikes are the lines of people added although someone with the
	// same name and date of birth already has a record under another NHS
	// number. They are added, because the NHS number is what identifies a
	// person, but the operator should check them; each warning is audited
	// against the existing record, as the registration form's warning is.
	LookAlikes []int
}

// Multi-row statements carry this many rows, and IN lists this many values:
// statements of a few thousand parameters, well inside both engines' limits
// (32,766 for SQLite, 65,535 for PostgreSQL), and small enough that each
// is cheap to plan. Each shape is prepared once per transaction and reused,
// so the engine parses it once, not for every chunk.
//
// On SQLite people are inserted one row to a statement (still prepared
// once): a statement that writes several rows of a table with a foreign key
// or unique indexes makes SQLite copy every page it touches to a statement
// journal first, in case it must undo the statement alone, and with the
// people table's five indexes that cost a quarter of an import's time.
const (
	peopleInsertChunk       = 200
	sqlitePeopleInsertChunk = 1
	auditInsertChunk        = 250
	inChunk                 = 500
)

// UpsertPeople saves a batch of people from an import in one transaction.
// The NHS number identifies a person:
//
//   - someone new is added, with an audit event (person.create);
//   - someone whose details differ from their record has the details the
//     file carries replaced (name, date of birth, address and postcode,
//     registered practice, and phone and email when the file gives them),
//     with an audit event (person.update) and a timeline entry naming what
//     changed, as an edit through the form has; what joinedup's users
//     record themselves (preferred name, contact preference, communication
//     needs, an objection to sharing, carers, the plan) is kept;
//   - someone whose details are the same is left alone, so importing the
//     same file again changes nothing.
//
// A row is rejected, with the reason, when the person fails the domain's
// checks (care.ValidatePerson: names, date of birth, address, postcode,
// phone and email), when the practice is not a GP practice in the directory,
// or when its NHS number is on an earlier row of the batch; the rest of the
// batch is saved. The local authority is taken from the postcode directory
// when it has been imported and names a council in the directory. Only
// joinedup itself may import people.
func (s *Store) UpsertPeople(ctx context.Context, actor care.Actor, rows []PersonImportRow) (PeopleImport, error) {
	var res PeopleImport
	if !actor.System {
		return res, s.denied(ctx, actor, auditEntry{Action: "person.import", ResourceType: "Patient"},
			care.Errorf(care.KindForbidden, "Only joinedup itself can import people."))
	}
	// The domain's checks need no database, so they run before the write
	// transaction rather than inside it.
	valid, rejected := checkImportRows(rows, s.now())
	err := s.write(ctx, func(t *tx) error {
		// The group writer may run this again alone, so it starts afresh.
		res = PeopleImport{Rejected: append([]RejectedPerson(nil), rejected...)}
		return upsertPeople(ctx, t, actor, valid, &res, s.dialect == Postgres)
	})
	if err != nil {
		return PeopleImport{}, err
	}
	return res, nil
}

// checkImportRows normalises and validates each row, setting aside those
// that fail and those whose NHS number came earlier in the batch.
func checkImportRows(rows []PersonImportRow, now time.Time) ([]PersonImportRow, []RejectedPerson) {
	valid := make([]PersonImportRow, 0, len(rows))
	var rejected []RejectedPerson
	firstLine := make(map[care.NHSNumber]int, len(rows))
	for _, r := range rows {
		r.PracticeODS = strings.ToUpper(strings.TrimSpace(r.PracticeODS))
		// The practice is checked in the transaction; until then a stand-in
		// keeps ValidatePerson from asking for it.
		r.Person.RegisteredPracticeID = r.PracticeODS
		p, errs := normaliseAndCheck(r.Person, now)
		if len(errs) > 0 {
			rejected = append(rejected, RejectedPerson{Line: r.Line, Reason: importReason(errs)})
			continue
		}
		if first, ok := firstLine[p.NHSNumber]; ok {
			rejected = append(rejected, RejectedPerson{Line: r.Line, Reason: fmt.Sprintf("the NHS number is also on line %d", first)})
			continue
		}
		firstLine[p.NHSNumber] = r.Line
		r.Person = p
		valid = append(valid, r)
	}
	return valid, rejected
}

// importReason lists the domain's problems with a person, each after the
// field it is about ("date of birth: …").
func importReason(errs care.FieldErrors) string {
	parts := make([]string, len(errs))
	for i, e := range errs {
		name := strings.ReplaceAll(e.Field, "_", " ")
		if e.Field == "nhs_number" {
			name = "NHS number"
		}
		parts[i] = name + ": " + e.Message
	}
	return strings.Join(parts, "; ")
}

// upsertPeople does UpsertPeople's work inside its transaction.
func upsertPeople(ctx context.Context, t *tx, actor care.Actor, rows []PersonImportRow, res *PeopleImport, lockRows bool) error {
	st := &statements{t: t}
	defer st.close()
	practices, err := findPractices(ctx, st, rows)
	if err != nil {
		return err
	}
	councils, err := findCouncilsOfPostcodes(ctx, st, rows)
	if err != nil {
		return err
	}
	existing, err := findPeopleByNHSNumber(ctx, st, rows, lockRows)
	if err != nil {
		return err
	}

	var added []care.Person
	var addedLines []int
	var events []auditEntry
	for _, r := range rows {
		practice, ok := practices[r.PracticeODS]
		switch {
		case !ok:
			res.Rejected = append(res.Rejected, RejectedPerson{Line: r.Line, Reason: fmt.Sprintf(
				"registered practice: no GP practice with the ODS code %s is in the directory", clipCode(r.PracticeODS))})
			continue
		case practice.kind != string(care.OrgGPPractice):
			res.Rejected = append(res.Rejected, RejectedPerson{Line: r.Line, Reason: fmt.Sprintf(
				"registered practice: %s is in the directory, but not as a GP practice", clipCode(r.PracticeODS))})
			continue
		}
		p := r.Person
		p.RegisteredPracticeID = practice.id
		p.LocalAuthorityGSS = councils[p.Postcode]
		was, known := existing[p.NHSNumber]
		if !known {
			p.ID, p.Version = newID(), 1
			added = append(added, p)
			addedLines = append(addedLines, r.Line)
			events = append(events, auditEntry{Action: "person.create", ResourceType: "Patient", ResourceID: p.ID, PersonID: p.ID, Detail: "import"})
			continue
		}
		if p.LocalAuthorityGSS == "" && p.Postcode == was.Postcode {
			// Without the postcode directory, a council chosen on the form
			// stands while the person has not moved.
			p.LocalAuthorityGSS = was.LocalAuthorityGSS
		}
		now := mergeImported(was, p)
		changed := changedDetails(was, now)
		if len(changed) == 0 {
			res.Unchanged++
			continue
		}
		if err := updateImportedPerson(ctx, t, actor, now, changed); err != nil {
			return err
		}
		res.Updated++
	}

	lookAlikes, err := findLookAlikes(ctx, st, added)
	if err != nil {
		return err
	}
	for i, p := range added {
		if other, ok := lookAlikes[i]; ok {
			res.LookAlikes = append(res.LookAlikes, addedLines[i])
			events = append(events, auditEntry{Action: "person.duplicate_warn", ResourceType: "Patient", ResourceID: other, PersonID: other,
				Detail: "same-name-and-birth-date; import added " + p.ID})
		}
	}
	if err := insertPeople(ctx, st, added); err != nil {
		return err
	}
	res.Created = len(added)
	return insertAuditEntries(ctx, st, actor, events)
}

// mergeImported is the record after an import: the details the file
// carries replace those kept, except that an empty phone or email never
// erases one joinedup holds.
func mergeImported(was, in care.Person) care.Person {
	now := was
	now.GivenName, now.FamilyName, now.DateOfBirth = in.GivenName, in.FamilyName, in.DateOfBirth
	now.Address, now.Postcode, now.LocalAuthorityGSS = in.Address, in.Postcode, in.LocalAuthorityGSS
	now.RegisteredPracticeID = in.RegisteredPracticeID
	if in.Phone != "" {
		now.Phone = in.Phone
	}
	if in.Email != "" {
		now.Email = in.Email
	}
	return now
}

func updateImportedPerson(ctx context.Context, t *tx, actor care.Actor, p care.Person, changed []string) error {
	if err := t.execOne(ctx, errChangedMeanwhile(), `UPDATE people SET given_name = ?, family_name = ?, date_of_birth = ?,
		address = ?, postcode = ?, local_authority_gss = ?, registered_practice_id = ?, phone = ?, email = ?,
		given_name_folded = ?, family_name_folded = ?, updated_at = ?, version = version + 1
		WHERE id = ? AND version = ?`,
		p.GivenName, p.FamilyName, p.DateOfBirth, p.Address, p.Postcode, p.LocalAuthorityGSS, p.RegisteredPracticeID,
		p.Phone, p.Email, care.FoldName(p.GivenName), care.FoldName(p.FamilyName), t.now, p.ID, p.Version); err != nil {
		return err
	}
	list := strings.Join(changed, ", ")
	if err := t.appendAudit(ctx, actor, auditEntry{Action: "person.update", ResourceType: "Patient", ResourceID: p.ID,
		PersonID: p.ID, Detail: "import changed=" + strings.Join(changed, ",")}); err != nil {
		return err
	}
	return appendTimeline(ctx, t, actor, care.TimelineEvent{PersonID: p.ID, Type: care.EventPersonUpdated,
		Summary: "Details changed by an import: " + list, Visibility: care.VisibleToRecord})
}

type practiceRef struct{ id, kind string }

// findPractices finds the organisations the rows' ODS codes name.
func findPractices(ctx context.Context, st *statements, rows []PersonImportRow) (map[string]practiceRef, error) {
	codes := distinct(rows, func(r PersonImportRow) string { return r.PracticeODS })
	found := make(map[string]practiceRef, len(codes))
	err := st.queryIn(ctx, `SELECT ods_code, id, kind FROM organisations WHERE ods_code IN `, "", 1, codes, func(rs *sql.Rows) error {
		var code string
		var p practiceRef
		if err := rs.Scan(&code, &p.id, &p.kind); err != nil {
			return err
		}
		found[code] = p
		return nil
	})
	return found, err
}

// findCouncilsOfPostcodes maps the rows' postcodes to the councils the
// postcode directory puts them in, where the directory knows the council.
func findCouncilsOfPostcodes(ctx context.Context, st *statements, rows []PersonImportRow) (map[string]string, error) {
	postcodes := distinct(rows, func(r PersonImportRow) string { return r.Person.Postcode })
	found := map[string]string{}
	err := st.queryIn(ctx, `SELECT p.postcode, o.gss_code FROM postcodes p
		JOIN organisations o ON o.gss_code = p.local_authority AND o.kind = '`+string(care.OrgLocalAuthority)+`' WHERE p.postcode IN `, "", 1,
		postcodes, func(rs *sql.Rows) error {
			var pc, gss string
			if err := rs.Scan(&pc, &gss); err != nil {
				return err
			}
			found[pc] = gss
			return nil
		})
	return found, err
}

// findPeopleByNHSNumber loads the records the rows' NHS numbers already
// have. On PostgreSQL it locks them, so an edit made meanwhile waits for
// the import rather than being overwritten by it.
func findPeopleByNHSNumber(ctx context.Context, st *statements, rows []PersonImportRow, lock bool) (map[care.NHSNumber]care.Person, error) {
	numbers := distinct(rows, func(r PersonImportRow) string { return string(r.Person.NHSNumber) })
	suffix := ""
	if lock {
		suffix = " FOR UPDATE"
	}
	found := map[care.NHSNumber]care.Person{}
	err := st.queryIn(ctx, `SELECT `+personColumns+` FROM people p WHERE p.nhs_number IN `, suffix, 1, numbers, func(rs *sql.Rows) error {
		p, err := scanPerson(rs)
		if err != nil {
			return err
		}
		found[p.NHSNumber] = p
		return nil
	})
	return found, err
}

// findLookAlikes returns, for each new person who shares a name and date
// of birth with someone else (already recorded, or earlier in the batch),
// the id of that other record.
func findLookAlikes(ctx context.Context, st *statements, added []care.Person) (map[int]string, error) {
	type key struct{ dob, family, given string }
	keyOf := func(p care.Person) key {
		return key{p.DateOfBirth, care.FoldName(p.FamilyName), care.FoldName(p.GivenName)}
	}
	pairs := make([]string, 0, 2*len(added))
	for _, p := range added {
		pairs = append(pairs, p.DateOfBirth, care.FoldName(p.FamilyName))
	}
	known := map[key]string{}
	err := st.queryIn(ctx, `SELECT date_of_birth, family_name_folded, given_name_folded, id FROM people
		WHERE (date_of_birth, family_name_folded) IN `, "", 2, pairs, func(rs *sql.Rows) error {
		var k key
		var id string
		if err := rs.Scan(&k.dob, &k.family, &k.given, &id); err != nil {
			return err
		}
		known[k] = id
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := map[int]string{}
	for i, p := range added {
		k := keyOf(p)
		if other, ok := known[k]; ok {
			out[i] = other
			continue
		}
		known[k] = p.ID
	}
	return out, nil
}

// insertPeople adds new people, with multi-row INSERTs on PostgreSQL.
func insertPeople(ctx context.Context, st *statements, people []care.Person) error {
	const columns = `id, nhs_number, given_name, family_name, date_of_birth, postcode, registered_practice_id, created_at,
		updated_at, version, preferred_name, address, local_authority_gss, phone, email, contact_preference, contact_notes,
		language, interpreter, accessible_formats, communication_notes, given_name_folded, family_name_folded`
	now := st.t.timeArg(st.t.now)
	chunk := peopleInsertChunk
	if st.t.dialect == SQLite {
		chunk = sqlitePeopleInsertChunk
	}
	return st.insert(ctx, "people ("+columns+")", 23, chunk, len(people), func(args []any, i int) []any {
		p := people[i]
		return append(args, p.ID, string(p.NHSNumber), p.GivenName, p.FamilyName, p.DateOfBirth, p.Postcode,
			nullString(p.RegisteredPracticeID), now, now, p.Version, p.PreferredName, p.Address, p.LocalAuthorityGSS,
			p.Phone, p.Email, string(p.ContactPreference), p.ContactNotes, p.Language, boolInt(p.Interpreter),
			joinFormats(p.AccessibleFormats), p.CommunicationNotes, care.FoldName(p.GivenName), care.FoldName(p.FamilyName))
	})
}

// insertAuditEntries writes many audit events, as appendAudit writes one,
// with multi-row INSERTs.
func insertAuditEntries(ctx context.Context, st *statements, actor care.Actor, entries []auditEntry) error {
	t := st.t
	at := t.timeArg(t.now)
	ip := audit.OriginFrom(ctx).IP
	return st.insert(ctx, `audit_events (id, occurred_at, user_id, role, team_id, action, resource_type,
		resource_id, person_id, ip, reason, outcome, detail, digest)`, 14, auditInsertChunk, len(entries), func(args []any, i int) []any {
		e := entries[i]
		if e.Outcome == "" {
			e.Outcome = audit.OutcomeSuccess
		}
		ev := audit.Event{ID: newID(), At: t.now, UserID: auditUserID(actor), Role: string(actor.Role()), TeamID: actor.Acting.TeamID,
			Action: e.Action, ResourceType: e.ResourceType, ResourceID: e.ResourceID, PersonID: e.PersonID, IP: ip,
			Reason: e.Reason, Outcome: e.Outcome, Detail: e.Detail}
		return append(args, ev.ID, at, ev.UserID, ev.Role, ev.TeamID, ev.Action, ev.ResourceType, ev.ResourceID,
			ev.PersonID, ev.IP, ev.Reason, string(ev.Outcome), ev.Detail, audit.Digest(ev))
	})
}

// statements prepares the few statement shapes an import uses once per
// transaction and closes them at its end.
type statements struct {
	t        *tx
	prepared map[string]*sql.Stmt
}

func (st *statements) get(ctx context.Context, query string) (*sql.Stmt, error) {
	if s, ok := st.prepared[query]; ok {
		return s, nil
	}
	q, _ := st.t.bind(query, nil)
	s, err := st.t.tx.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	if st.prepared == nil {
		st.prepared = map[string]*sql.Stmt{}
	}
	st.prepared[query] = s
	return s, nil
}

func (st *statements) close() {
	for _, s := range st.prepared {
		s.Close()
	}
}

// insert inserts n rows of width values each into table (which names its
// columns), chunk rows to a statement; row appends row i's values to args.
// Time values must already be in the engine's form (tx.timeArg).
func (st *statements) insert(ctx context.Context, table string, width, chunk, n int, row func(args []any, i int) []any) error {
	args := make([]any, 0, width*min(chunk, n))
	for start := 0; start < n; start += chunk {
		end := min(start+chunk, n)
		args = args[:0]
		for i := start; i < end; i++ {
			args = row(args, i)
		}
		s, err := st.get(ctx, multiRowInsert(table, width, end-start))
		if err != nil {
			return err
		}
		if _, err := s.ExecContext(ctx, args...); err != nil {
			return err
		}
	}
	return nil
}

func multiRowInsert(table string, width, rows int) string {
	return "INSERT INTO " + table + " VALUES " + placeholders(width, rows)
}

// queryIn runs prefix + "(…)" + suffix for values, taken as tuples of
// width values, inChunk tuples at a time, calling fn for every row. A short
// last chunk repeats its last tuple, which leaves the IN list's meaning as
// it is, so every chunk uses the one prepared statement.
func (st *statements) queryIn(ctx context.Context, prefix, suffix string, w int, values []string, fn func(*sql.Rows) error) error {
	if len(values) == 0 {
		return nil
	}
	list := "(" + placeholders(w, inChunk) + ")"
	if w > 1 {
		list = "(VALUES " + placeholders(w, inChunk) + ")"
	}
	s, err := st.get(ctx, prefix+list+suffix)
	if err != nil {
		return err
	}
	args := make([]any, inChunk*w)
	for start := 0; start < len(values); start += inChunk * w {
		chunk := values[start:min(start+inChunk*w, len(values))]
		for i := range args {
			if i < len(chunk) {
				args[i] = chunk[i]
			} else {
				args[i] = chunk[len(chunk)-w+i%w]
			}
		}
		rs, err := s.QueryContext(ctx, args...)
		if err != nil {
			return err
		}
		for rs.Next() {
			if err := fn(rs); err != nil {
				rs.Close()
				return err
			}
		}
		if err := errors.Join(rs.Err(), rs.Close()); err != nil {
			return err
		}
	}
	return nil
}

// distinct returns the distinct non-empty values of f over rows.
func distinct(rows []PersonImportRow, f func(PersonImportRow) string) []string {
	seen := make(map[string]bool, len(rows))
	var out []string
	for _, r := range rows {
		if v := f(r); v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// clipCode shortens a code quoted in a reason, so a runaway field cannot
// flood the report.
func clipCode(s string) string {
	if len(s) > 12 {
		s = strings.ToValidUTF8(s[:12], "") + "…"
	}
	return s
}
