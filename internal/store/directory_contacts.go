package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/joinedup/joinedup/internal/care"
)

// This file keeps contacts: the named people and duty lines of a team, for
// the whole team or one of its services, and for a GP practice when they
// are its link. Changes take the one path in directory.go.

const contactColumns = `id, organisation_id, team_id, service_id, practice_id, name, role, phone, email, hours, duty, version`

func scanContact(sc rowScanner) (care.Contact, error) {
	var c care.Contact
	var service, practice sql.NullString
	var duty int
	err := sc.Scan(&c.ID, &c.OrganisationID, &c.TeamID, &service, &practice, &c.Name, &c.Role, &c.Phone, &c.Email,
		&c.Hours, &duty, &c.Version)
	c.ServiceID, c.PracticeID, c.Duty = service.String, practice.String, duty == 1
	return c, err
}

func findContact(ctx context.Context, t *tx, id string) (care.Contact, error) {
	c, err := scanContact(t.queryRow(ctx, `SELECT `+contactColumns+` FROM contacts WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, care.Errorf(care.KindNotFound, "That contact is not in the directory.")
	}
	return c, err
}

// Contact returns one contact.
func (s *Store) Contact(ctx context.Context, id string) (care.Contact, error) {
	var c care.Contact
	err := s.read(ctx, func(t *tx) error {
		var err error
		c, err = findContact(ctx, t, id)
		return err
	})
	return c, err
}

// checkContactLinks makes sure a contact's team, service and practice make
// sense together: the service belongs to the team's organisation and the
// practice is a GP practice.
func checkContactLinks(ctx context.Context, t *tx, c *care.Contact) error {
	tm, err := findTeamEntry(ctx, t, c.TeamID)
	if err != nil {
		return err
	}
	c.OrganisationID = tm.OrganisationID
	var errs care.FieldErrors
	if c.ServiceID != "" {
		sv, err := findService(ctx, t, c.ServiceID)
		if err != nil || sv.OrganisationID != tm.OrganisationID {
			errs.Add("service", "Choose one of the organisation's own services")
		}
	}
	if c.PracticeID != "" {
		o, err := findOrganisation(ctx, t, c.PracticeID)
		if err != nil || o.Kind != care.OrgGPPractice {
			errs.Add("practice", "Choose a GP practice that is in the directory")
		}
	}
	return errs.Err()
}

// CreateContact adds a named contact or duty line to a team.
func (s *Store) CreateContact(ctx context.Context, actor care.Actor, c care.Contact) (care.Contact, error) {
	if err := c.Validate(); err != nil {
		return c, err
	}
	err := s.write(ctx, func(t *tx) error {
		if err := checkContactLinks(ctx, t, &c); err != nil {
			return err
		}
		if !care.CanManageDirectoryEntry(actor, c.OrganisationID) {
			return errDeniedEntry
		}
		var err error
		c, err = insertContact(ctx, t, actor, c)
		return err
	})
	return c, s.deniedEntry(ctx, actor, err, contactEntries.action("create"), contactEntries.resourceType, "")
}

func insertContact(ctx context.Context, t *tx, actor care.Actor, c care.Contact) (care.Contact, error) {
	c.ID, c.Version = newID(), 1
	if _, err := t.exec(ctx, `INSERT INTO contacts (`+contactColumns+`, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.OrganisationID, c.TeamID, nullString(c.ServiceID), nullString(c.PracticeID), c.Name, c.Role, c.Phone,
		c.Email, c.Hours, boolInt(c.Duty), c.Version, t.now, t.now); err != nil {
		return c, err
	}
	return c, contactEntries.record(ctx, t, actor, c.ID, c, ChangeCreate, "create")
}

// UpdateContact saves an edited contact; c.Version must be the version the
// editor started from. The team cannot be changed.
func (s *Store) UpdateContact(ctx context.Context, actor care.Actor, c care.Contact) (care.Contact, error) {
	return contactEntries.change(ctx, s, actor, c.ID, ChangeEdit, "update", func(t *tx, cur care.Contact) error {
		c.TeamID = cur.TeamID
		if err := c.Validate(); err != nil {
			return err
		}
		if err := checkContactLinks(ctx, t, &c); err != nil {
			return err
		}
		return contactEntries.update(ctx, t, c.ID, c.Version, `service_id = ?, practice_id = ?, name = ?, role = ?, phone = ?,
			email = ?, hours = ?, duty = ?`, nullString(c.ServiceID), nullString(c.PracticeID), c.Name, c.Role, c.Phone,
			c.Email, c.Hours, boolInt(c.Duty))
	})
}

// RemoveContact takes a contact out of the directory, for someone who has
// left or a line that no longer works. Its history stays.
func (s *Store) RemoveContact(ctx context.Context, actor care.Actor, id string, version int) (care.Contact, error) {
	var cur care.Contact
	err := s.write(ctx, func(t *tx) error {
		var err error
		if cur, err = findContact(ctx, t, id); err != nil {
			return err
		}
		if !care.CanManageDirectoryEntry(actor, cur.OrganisationID) {
			return errDeniedEntry
		}
		if err := t.execOne(ctx, conflictError("contact"), `DELETE FROM contacts WHERE id = ? AND version = ?`, id, version); err != nil {
			return err
		}
		if err := t.recordVersion(ctx, actor, EntryContact, id, cur.Version+1, ChangeRemove, cur); err != nil {
			return err
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: contactEntries.action("remove"), ResourceType: contactEntries.resourceType, ResourceID: id})
	})
	return cur, s.deniedEntry(ctx, actor, err, contactEntries.action("remove"), contactEntries.resourceType, id)
}
