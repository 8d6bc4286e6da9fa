package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/joinedup/joinedup/internal/care"
)

// PracticeImport counts what importing a batch of GP practices did.
type PracticeImport struct {
	Created, Updated, Unchanged int
}

// UpsertPractices writes a batch of GP practices from the national list in
// one transaction, matched by ODS code, so importing the same file again
// changes nothing but the date the practices were last confirmed. A new
// practice gets a practice team, so its staff can be given accounts. A
// practice whose council area is not given is placed by its postcode, if
// the postcode directory has been imported. source names the list in the
// verification ("NHS ODS epraccur").
func (s *Store) UpsertPractices(ctx context.Context, actor care.Actor, practices []care.Organisation, source string) (PracticeImport, error) {
	var res PracticeImport
	if !actor.System {
		return res, s.denied(ctx, actor, auditEntry{Action: "organisation.import", ResourceType: "Organization"},
			care.Errorf(care.KindForbidden, "Only joinedup itself can import GP practices."))
	}
	err := s.write(ctx, func(t *tx) error {
		res = PracticeImport{}
		var unchanged []any
		for _, p := range practices {
			p.Kind = care.OrgGPPractice
			if err := p.Validate(); err != nil {
				return fmt.Errorf("practice %s: %s", p.ODSCode, care.MessageOf(err))
			}
			if p.LocalAuthorityGSS == "" && p.Postcode != "" {
				if err := t.queryRow(ctx, `SELECT local_authority FROM postcodes WHERE postcode = ?`, p.Postcode).
					Scan(&p.LocalAuthorityGSS); err != nil && !errors.Is(err, sql.ErrNoRows) {
					return err
				}
			}
			cur, err := scanOrganisation(t.queryRow(ctx, `SELECT `+orgColumns+` FROM organisations WHERE ods_code = ?`, p.ODSCode))
			switch {
			case errors.Is(err, sql.ErrNoRows):
				if err := t.createPractice(ctx, actor, p, source); err != nil {
					return err
				}
				res.Created++
			case err != nil:
				return err
			default:
				next, changed := mergePractice(cur, p)
				if !changed {
					unchanged = append(unchanged, cur.ID)
					res.Unchanged++
					continue
				}
				if err := t.updatePractice(ctx, actor, next, source); err != nil {
					return err
				}
				res.Updated++
			}
		}
		// Practices the list still shows as they are: confirmed again, with
		// no new version, since nothing about them changed.
		for start := 0; start < len(unchanged); start += 500 {
			chunk := unchanged[start:min(start+500, len(unchanged))]
			args := append([]any{t.now, auditUserID(actor), source}, chunk...)
			if _, err := t.exec(ctx, `UPDATE organisations SET verified_at = ?, verified_by_id = ?, verified_by_name = ?
				WHERE id IN (`+placeholders(1, len(chunk))+`)`, args...); err != nil {
				return err
			}
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "organisation.import", ResourceType: "Organization",
			Detail: fmt.Sprintf("%d created, %d updated, %d unchanged", res.Created, res.Updated, res.Unchanged)})
	})
	return res, err
}

func (t *tx) createPractice(ctx context.Context, actor care.Actor, p care.Organisation, source string) error {
	p.ID, p.Version = newID(), 1
	p.Verified = care.Verification{At: t.now, ByID: auditUserID(actor), ByName: source}
	if _, err := t.exec(ctx, `INSERT INTO organisations (id, name, kind, ods_code, postcode, phone, local_authority_gss,
		address, status, opened_on, closed_on, commissioner, verified_at, verified_by_id, verified_by_name, created_at,
		updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.Name, string(p.Kind), p.ODSCode, nullString(p.Postcode), nullString(p.Phone), nullString(p.LocalAuthorityGSS),
		nullString(p.Address), string(p.Status), nullString(p.OpenedOn), nullString(p.ClosedOn), nullString(p.Commissioner),
		p.Verified.At, p.Verified.ByID, p.Verified.ByName, t.now, t.now, p.Version); err != nil {
		return err
	}
	p.UpdatedAt = t.now
	if err := t.recordVersion(ctx, actor, EntryOrganisation, p.ID, p.Version, ChangeImport, p); err != nil {
		return err
	}
	if err := t.appendAudit(ctx, actor, auditEntry{Action: "organisation.create", ResourceType: "Organization", ResourceID: p.ID}); err != nil {
		return err
	}
	team := care.Team{ID: newID(), OrganisationID: p.ID, Name: p.Name + " practice team", Kind: "practice", Version: 1, UpdatedAt: t.now}
	if _, err := t.exec(ctx, `INSERT INTO teams (id, organisation_id, name, kind, created_at, updated_at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, team.ID, team.OrganisationID, team.Name, team.Kind, t.now, t.now, team.Version); err != nil {
		return err
	}
	if err := t.recordVersion(ctx, actor, EntryTeam, team.ID, team.Version, ChangeImport, team); err != nil {
		return err
	}
	return t.appendAudit(ctx, actor, auditEntry{Action: "team.create", ResourceType: "Team", ResourceID: team.ID})
}

func (t *tx) updatePractice(ctx context.Context, actor care.Actor, p care.Organisation, source string) error {
	if _, err := t.exec(ctx, `UPDATE organisations SET name = ?, postcode = ?, phone = ?, local_authority_gss = ?, address = ?,
		status = ?, opened_on = ?, closed_on = ?, commissioner = ?, verified_at = ?, verified_by_id = ?, verified_by_name = ?,
		updated_at = ?, version = version + 1 WHERE id = ?`,
		p.Name, nullString(p.Postcode), nullString(p.Phone), nullString(p.LocalAuthorityGSS), nullString(p.Address),
		string(p.Status), nullString(p.OpenedOn), nullString(p.ClosedOn), nullString(p.Commissioner), t.now,
		auditUserID(actor), source, t.now, p.ID); err != nil {
		return err
	}
	saved, err := findOrganisation(ctx, t, p.ID)
	if err != nil {
		return err
	}
	if err := t.recordVersion(ctx, actor, EntryOrganisation, saved.ID, saved.Version, ChangeImport, saved); err != nil {
		return err
	}
	return t.appendAudit(ctx, actor, auditEntry{Action: "organisation.import.update", ResourceType: "Organization", ResourceID: saved.ID})
}

// mergePractice applies what the national list says about a practice to
// the stored one. Differences only of letter case (a name written in
// capitals in the list and in title case here) or of spacing in a phone
// number are not changes. A council area already known is kept.
func mergePractice(cur, p care.Organisation) (care.Organisation, bool) {
	next := cur
	changed := false
	set := func(dst *string, v string, same func(a, b string) bool) {
		if !same(*dst, v) {
			*dst, changed = v, true
		}
	}
	exact := func(a, b string) bool { return a == b }
	set(&next.Name, p.Name, strings.EqualFold)
	set(&next.Address, p.Address, strings.EqualFold)
	set(&next.Postcode, p.Postcode, exact)
	set(&next.Phone, p.Phone, func(a, b string) bool { return digits(a) == digits(b) })
	set(&next.OpenedOn, p.OpenedOn, exact)
	set(&next.ClosedOn, p.ClosedOn, exact)
	set(&next.Commissioner, p.Commissioner, exact)
	if next.Status != p.Status && !(next.Status == "" && p.Status == care.OrgActive) {
		next.Status, changed = p.Status, true
	}
	if next.LocalAuthorityGSS == "" && p.LocalAuthorityGSS != "" {
		next.LocalAuthorityGSS, changed = p.LocalAuthorityGSS, true
	}
	return next, changed
}

func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}
