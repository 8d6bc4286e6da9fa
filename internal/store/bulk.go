package store

import (
	"context"
	"fmt"

	"github.com/joinedup/joinedup/internal/care"
)

// bulkBatch is how many entries one transaction of a bulk load writes.
const bulkBatch = 1000

// ImportDirectory loads a whole directory at once: organisations, teams
// with the practices they cover, services and contacts, in that order, a
// thousand entries to a transaction. Every entry keeps the id it is given
// (one is made for an entry without), is versioned and is audited, as if
// added one by one. It is for loading generated benchmark directories and
// migrations from other systems; only joinedup itself may do it.
func (s *Store) ImportDirectory(ctx context.Context, actor care.Actor, d DirectoryData) error {
	if !actor.System {
		return s.denied(ctx, actor, auditEntry{Action: "directory.import", ResourceType: "HealthcareService"},
			care.Errorf(care.KindForbidden, "Only joinedup itself can load a directory in bulk."))
	}
	chunks := func(n int, fn func(t *tx, i int) error) error {
		for start := 0; start < n; start += bulkBatch {
			if err := s.write(ctx, func(t *tx) error {
				for i := start; i < min(start+bulkBatch, n); i++ {
					if err := fn(t, i); err != nil {
						return err
					}
				}
				return nil
			}); err != nil {
				return err
			}
		}
		return nil
	}
	err := chunks(len(d.Organisations), func(t *tx, i int) error {
		o := d.Organisations[i]
		if err := o.Validate(); err != nil {
			return fmt.Errorf("organisation %d: %w", i, err)
		}
		if o.ID == "" {
			o.ID = newID()
		}
		if o.Status == "" {
			o.Status = care.OrgActive
		}
		o.Version = 1
		if _, err := t.exec(ctx, `INSERT INTO organisations (id, name, kind, ods_code, gss_code, postcode, phone,
			local_authority_gss, address, website, description, status, external_id, verified_at, verified_by_id,
			verified_by_name, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			o.ID, o.Name, string(o.Kind), nullString(o.ODSCode), nullString(o.GSSCode), nullString(o.Postcode),
			nullString(o.Phone), nullString(o.LocalAuthorityGSS), nullString(o.Address), nullString(o.Website),
			nullString(o.Description), string(o.Status), nullString(o.ExternalID), nullTime(o.Verified.At),
			nullString(o.Verified.ByID), nullString(o.Verified.ByName), t.now, t.now, o.Version); err != nil {
			return err
		}
		if err := t.recordVersion(ctx, actor, EntryOrganisation, o.ID, o.Version, ChangeImport, o); err != nil {
			return err
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "organisation.create", ResourceType: "Organization", ResourceID: o.ID})
	})
	if err != nil {
		return err
	}
	err = chunks(len(d.Teams), func(t *tx, i int) error {
		tm := d.Teams[i]
		if tm.ID == "" {
			tm.ID = newID()
		}
		tm.Version = 1
		if _, err := t.exec(ctx, `INSERT INTO teams (id, organisation_id, name, kind, description, phone, email, hours,
			verified_at, verified_by_id, verified_by_name, created_at, updated_at, version)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, tm.ID, tm.OrganisationID, tm.Name, tm.Kind,
			nullString(tm.Description), nullString(tm.Phone), nullString(tm.Email), nullString(tm.Hours.String()),
			nullTime(tm.Verified.At), nullString(tm.Verified.ByID), nullString(tm.Verified.ByName), t.now, t.now, tm.Version); err != nil {
			return err
		}
		for _, p := range tm.Practices {
			if _, err := t.exec(ctx, `INSERT INTO team_practices (team_id, practice_id, created_at) VALUES (?, ?, ?)`, tm.ID, p, t.now); err != nil {
				return err
			}
		}
		if err := t.recordVersion(ctx, actor, EntryTeam, tm.ID, tm.Version, ChangeImport, tm); err != nil {
			return err
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "team.create", ResourceType: "Team", ResourceID: tm.ID})
	})
	if err != nil {
		return err
	}
	err = chunks(len(d.Services), func(t *tx, i int) error {
		sv := d.Services[i]
		if err := sv.Validate(); err != nil {
			return fmt.Errorf("service %d: %w", i, err)
		}
		_, err := insertServiceWithID(ctx, t, actor, sv)
		return err
	})
	if err != nil {
		return err
	}
	return chunks(len(d.Contacts), func(t *tx, i int) error {
		c := d.Contacts[i]
		if err := c.Validate(); err != nil {
			return fmt.Errorf("contact %d: %w", i, err)
		}
		_, err := insertContact(ctx, t, actor, c)
		return err
	})
}
