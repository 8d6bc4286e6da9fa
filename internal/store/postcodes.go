package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/joinedup/joinedup/internal/care"
)

// PostcodeRow is one postcode of the imported ONS postcode directory.
// Positions are integer microdegrees, as ONS publishes six decimal places.
type PostcodeRow struct {
	Postcode       string
	HasPosition    bool
	LatE6, LonE6   int32
	LocalAuthority string
	Ward           string
}

// postcodeChunk is how many rows one INSERT carries: at five parameters
// each, 10,000 parameters is well inside both engines' limits (32,766 for
// SQLite, 65,535 for PostgreSQL), and few statements per batch is what
// makes an import of millions of rows fast.
const postcodeChunk = 2000

// UpsertPostcodes writes a batch of postcodes in one transaction, replacing
// any already there, so importing the same file twice changes nothing.
// Only joinedup itself (the import command) may do it.
func (s *Store) UpsertPostcodes(ctx context.Context, actor care.Actor, rows []PostcodeRow) error {
	if !actor.System {
		return s.denied(ctx, actor, auditEntry{Action: "postcodes.import", ResourceType: "Location"},
			care.Errorf(care.KindForbidden, "Only joinedup itself can import postcodes."))
	}
	if len(rows) == 0 {
		return nil
	}
	// One statement may not touch a row twice, so a postcode repeated in
	// the batch keeps only its last appearance, as a second import would.
	seen := make(map[string]int, len(rows))
	unique := rows[:0:0]
	for _, r := range rows {
		if i, ok := seen[r.Postcode]; ok {
			unique[i] = r
			continue
		}
		seen[r.Postcode] = len(unique)
		unique = append(unique, r)
	}
	rows = unique
	full := postcodeInsert(postcodeChunk)
	return s.write(ctx, func(t *tx) error {
		// The full-sized statement is prepared once per batch, so SQLite and
		// PostgreSQL parse and plan it once rather than for every chunk.
		q, _ := t.bind(full, nil)
		stmt, err := t.tx.PrepareContext(ctx, q)
		if err != nil {
			return err
		}
		defer stmt.Close()
		args := make([]any, 0, 5*postcodeChunk)
		for start := 0; start < len(rows); start += postcodeChunk {
			chunk := rows[start:min(start+postcodeChunk, len(rows))]
			args = args[:0]
			for _, r := range chunk {
				var lat, lon any
				if r.HasPosition {
					lat, lon = r.LatE6, r.LonE6
				}
				args = append(args, r.Postcode, lat, lon, r.LocalAuthority, r.Ward)
			}
			if len(chunk) == postcodeChunk {
				_, err = stmt.ExecContext(ctx, args...)
			} else {
				_, err = t.exec(ctx, postcodeInsert(len(chunk)), args...)
			}
			if err != nil {
				return err
			}
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "postcodes.import", ResourceType: "Location",
			Detail: fmt.Sprintf("%d postcodes", len(rows))})
	})
}

func postcodeInsert(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO postcodes (postcode, lat_e6, lon_e6, local_authority, ward) VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?, ?, ?)")
	}
	b.WriteString(` ON CONFLICT (postcode) DO UPDATE SET lat_e6 = excluded.lat_e6, lon_e6 = excluded.lon_e6,
		local_authority = excluded.local_authority, ward = excluded.ward`)
	return b.String()
}

// RecordPostcodeImport notes that an import finished, so running instances
// know to reload their gazetteer.
func (s *Store) RecordPostcodeImport(ctx context.Context, actor care.Actor, imported int) error {
	if !actor.System {
		return s.denied(ctx, actor, auditEntry{Action: "postcodes.import", ResourceType: "Location"},
			care.Errorf(care.KindForbidden, "Only joinedup itself can import postcodes."))
	}
	return s.write(ctx, func(t *tx) error {
		id := newID()
		if _, err := t.exec(ctx, `INSERT INTO postcode_imports (id, imported_at, rows_imported) VALUES (?, ?, ?)`, id, t.now, imported); err != nil {
			return err
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "postcodes.import.finish", ResourceType: "Location", ResourceID: id,
			Detail: fmt.Sprintf("%d postcodes", imported)})
	})
}

// LatestPostcodeImport returns the id of the last finished import, or "".
func (s *Store) LatestPostcodeImport(ctx context.Context) (string, error) {
	var id string
	err := s.read(ctx, func(t *tx) error {
		err := t.queryRow(ctx, `SELECT id FROM postcode_imports ORDER BY imported_at DESC, id DESC LIMIT 1`).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		return err
	})
	return id, err
}

// EachPostcode streams every stored postcode to fn, for building the
// gazetteer. It reads in one snapshot.
func (s *Store) EachPostcode(ctx context.Context, fn func(PostcodeRow) error) error {
	return s.read(ctx, func(t *tx) error {
		rows, err := t.query(ctx, `SELECT postcode, lat_e6, lon_e6, local_authority, ward FROM postcodes`)
		if err != nil {
			return err
		}
		defer rows.Close()
		var r PostcodeRow
		var lat, lon sql.NullInt32
		for rows.Next() {
			if err := rows.Scan(&r.Postcode, &lat, &lon, &r.LocalAuthority, &r.Ward); err != nil {
				return err
			}
			r.HasPosition, r.LatE6, r.LonE6 = lat.Valid && lon.Valid, lat.Int32, lon.Int32
			if err := fn(r); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}

// CountPostcodes reports how many postcodes are stored.
func (s *Store) CountPostcodes(ctx context.Context) (int, error) {
	var n int
	err := s.read(ctx, func(t *tx) error {
		return t.queryRow(ctx, `SELECT COUNT(*) FROM postcodes`).Scan(&n)
	})
	return n, err
}

// SetVerification records when and by whom an entry was last checked, for
// loading a directory from elsewhere (the demo, an import) whose entries
// were checked before they arrived. Only joinedup itself may do it; people
// verify with VerifyService and its kin.
func (s *Store) SetVerification(ctx context.Context, actor care.Actor, ref EntryRef, v care.Verification) error {
	table := map[string]string{EntryOrganisation: "organisations", EntryTeam: "teams", EntryService: "services"}[ref.Type]
	if !actor.System || table == "" {
		return s.denied(ctx, actor, auditEntry{Action: "directory.verification.set", ResourceType: ref.Type, ResourceID: ref.ID},
			care.Errorf(care.KindForbidden, "Only joinedup itself can set when an entry was verified."))
	}
	return s.write(ctx, func(t *tx) error {
		var at any
		if !v.At.IsZero() {
			at = v.At.UTC().Truncate(time.Microsecond)
		}
		if err := t.execOne(ctx, care.Errorf(care.KindNotFound, "That entry is not in the directory."),
			`UPDATE `+table+` SET verified_at = ?, verified_by_id = ?, verified_by_name = ?, version = version + 1 WHERE id = ?`,
			at, nullString(v.ByID), nullString(v.ByName), ref.ID); err != nil {
			return err
		}
		var entry any
		var version int
		switch ref.Type {
		case EntryOrganisation:
			o, err := findOrganisation(ctx, t, ref.ID)
			entry, version = o, o.Version
			if err != nil {
				return err
			}
		case EntryTeam:
			tm, err := findTeamEntry(ctx, t, ref.ID)
			entry, version = tm, tm.Version
			if err != nil {
				return err
			}
		default:
			sv, err := findService(ctx, t, ref.ID)
			entry, version = sv, sv.Version
			if err != nil {
				return err
			}
		}
		if err := t.recordVersion(ctx, actor, ref.Type, ref.ID, version, ChangeImport, entry); err != nil {
			return err
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "directory.verification.set", ResourceType: ref.Type, ResourceID: ref.ID})
	})
}
