package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/joinedup/joinedup/internal/care"
)

// This file keeps entries imported from other directories (Open Referral
// UK feeds), matched by their external id so importing a feed again
// updates what changed and nothing else.

// ImportOutcome says what importing one entry did.
type ImportOutcome string

const (
	ImportCreated   ImportOutcome = "created"
	ImportUpdated   ImportOutcome = "updated"
	ImportUnchanged ImportOutcome = "unchanged"
)

// providerTeamKind is the kind of the team an imported organisation's
// services and contacts belong to.
const providerTeamKind = "service_provider"

// UpsertImportedOrganisation adds or updates an organisation from a feed,
// matched by o.ExternalID, or by ODS code for an organisation the directory
// already has. It gets one team, which its imported services and contacts
// belong to.
func (s *Store) UpsertImportedOrganisation(ctx context.Context, actor care.Actor, o care.Organisation) (ImportOutcome, error) {
	if !actor.System {
		return "", s.denied(ctx, actor, auditEntry{Action: "organisation.import", ResourceType: "Organization"},
			care.Errorf(care.KindForbidden, "Only joinedup itself can import organisations."))
	}
	if o.ExternalID == "" {
		return "", care.Errorf(care.KindInvalid, "An imported organisation needs an external id.")
	}
	if err := o.Validate(); err != nil {
		return "", err
	}
	var outcome ImportOutcome
	err := s.write(ctx, func(t *tx) error {
		cur, err := scanOrganisation(t.queryRow(ctx, `SELECT `+orgColumns+` FROM organisations WHERE external_id = ?
			OR (ods_code IS NOT NULL AND ods_code = ?) ORDER BY external_id`, o.ExternalID, nullString(o.ODSCode)))
		if errors.Is(err, sql.ErrNoRows) {
			outcome = ImportCreated
			return t.createImportedOrganisation(ctx, actor, o)
		}
		if err != nil {
			return err
		}
		next := cur
		next.Name, next.Description, next.Website = o.Name, o.Description, o.Website
		if o.Phone != "" {
			next.Phone = o.Phone
		}
		if o.Postcode != "" {
			next.Postcode, next.Address = o.Postcode, o.Address
		}
		if next == cur && cur.ExternalID == o.ExternalID {
			outcome = ImportUnchanged
			return nil
		}
		outcome = ImportUpdated
		if err := t.execOne(ctx, conflictError("organisation"), `UPDATE organisations SET name = ?, description = ?, website = ?,
			phone = ?, postcode = ?, address = ?, external_id = ?, updated_at = ?, version = version + 1 WHERE id = ?`,
			next.Name, nullString(next.Description), nullString(next.Website), nullString(next.Phone), nullString(next.Postcode),
			nullString(next.Address), o.ExternalID, t.now, cur.ID); err != nil {
			return err
		}
		saved, err := findOrganisation(ctx, t, cur.ID)
		if err != nil {
			return err
		}
		if err := t.recordVersion(ctx, actor, EntryOrganisation, saved.ID, saved.Version, ChangeImport, saved); err != nil {
			return err
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "organisation.import.update", ResourceType: "Organization", ResourceID: saved.ID})
	})
	return outcome, err
}

func (t *tx) createImportedOrganisation(ctx context.Context, actor care.Actor, o care.Organisation) error {
	o.ID, o.Version, o.Status = newID(), 1, care.OrgActive
	if _, err := t.exec(ctx, `INSERT INTO organisations (id, name, kind, ods_code, postcode, phone, address, website, description,
		status, external_id, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		o.ID, o.Name, string(o.Kind), nullString(o.ODSCode), nullString(o.Postcode), nullString(o.Phone), nullString(o.Address),
		nullString(o.Website), nullString(o.Description), string(o.Status), o.ExternalID, t.now, t.now, o.Version); err != nil {
		return err
	}
	if err := t.recordVersion(ctx, actor, EntryOrganisation, o.ID, o.Version, ChangeImport, o); err != nil {
		return err
	}
	if err := t.appendAudit(ctx, actor, auditEntry{Action: "organisation.create", ResourceType: "Organization", ResourceID: o.ID}); err != nil {
		return err
	}
	_, err := t.providerTeam(ctx, actor, o.ID, o.Name)
	return err
}

// providerTeam finds or makes the team an imported organisation's services
// belong to.
func (t *tx) providerTeam(ctx context.Context, actor care.Actor, orgID, name string) (string, error) {
	var id string
	err := t.queryRow(ctx, `SELECT id FROM teams WHERE organisation_id = ? AND kind = ? ORDER BY created_at, id LIMIT 1`,
		orgID, providerTeamKind).Scan(&id)
	if err == nil || !errors.Is(err, sql.ErrNoRows) {
		return id, err
	}
	team := care.Team{ID: newID(), OrganisationID: orgID, Name: name, Kind: providerTeamKind, Version: 1, UpdatedAt: t.now}
	if _, err := t.exec(ctx, `INSERT INTO teams (id, organisation_id, name, kind, created_at, updated_at, version)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, team.ID, orgID, team.Name, team.Kind, t.now, t.now, team.Version); err != nil {
		return "", err
	}
	if err := t.recordVersion(ctx, actor, EntryTeam, team.ID, team.Version, ChangeImport, team); err != nil {
		return "", err
	}
	return team.ID, t.appendAudit(ctx, actor, auditEntry{Action: "team.create", ResourceType: "Team", ResourceID: team.ID})
}

// UpsertImportedService adds or updates a service from a feed, matched by
// sv.ExternalID, with its contacts. orgExternalID names the organisation
// that runs it, which must already have been imported.
func (s *Store) UpsertImportedService(ctx context.Context, actor care.Actor, sv care.Service, orgExternalID string, contacts []care.Contact) (ImportOutcome, error) {
	if !actor.System {
		return "", s.denied(ctx, actor, auditEntry{Action: "directory.service.import", ResourceType: "HealthcareService"},
			care.Errorf(care.KindForbidden, "Only joinedup itself can import services."))
	}
	if sv.ExternalID == "" {
		return "", care.Errorf(care.KindInvalid, "An imported service needs an external id.")
	}
	var outcome ImportOutcome
	err := s.write(ctx, func(t *tx) error {
		var orgID, orgName string
		err := t.queryRow(ctx, `SELECT id, name FROM organisations WHERE external_id = ?`, orgExternalID).Scan(&orgID, &orgName)
		if errors.Is(err, sql.ErrNoRows) {
			return care.Errorf(care.KindInvalid, "The organisation that runs it (%s) is neither in the feed nor in the directory.", orgExternalID)
		}
		if err != nil {
			return err
		}
		teamID, err := t.providerTeam(ctx, actor, orgID, orgName)
		if err != nil {
			return err
		}
		sv.OrganisationID, sv.TeamID = orgID, teamID
		var curID string
		err = t.queryRow(ctx, `SELECT id FROM services WHERE external_id = ?`, sv.ExternalID).Scan(&curID)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			if err := sv.Validate(); err != nil {
				return err
			}
			created, err := insertService(ctx, t, actor, sv)
			if err != nil {
				return err
			}
			outcome = ImportCreated
			return replaceServiceContacts(ctx, t, actor, created, contacts)
		case err != nil:
			return err
		}
		cur, err := findService(ctx, t, curID)
		if err != nil {
			return err
		}
		curContacts, err := queryContacts(ctx, t, ` WHERE service_id = ?`, cur.ID)
		if err != nil {
			return err
		}
		sv.ID, sv.Version = cur.ID, cur.Version
		if sameImport(cur, sv) && sameContacts(curContacts, contacts) {
			outcome = ImportUnchanged
			return nil
		}
		saved, err := updateService(ctx, t, actor, cur, sv, ChangeImport)
		if err != nil {
			return err
		}
		if sv.Verified != cur.Verified {
			if _, err := t.exec(ctx, `UPDATE services SET verified_at = ?, verified_by_id = ?, verified_by_name = ? WHERE id = ?`,
				nullTime(sv.Verified.At), nullString(sv.Verified.ByID), nullString(sv.Verified.ByName), cur.ID); err != nil {
				return err
			}
		}
		outcome = ImportUpdated
		return replaceServiceContacts(ctx, t, actor, saved, contacts)
	})
	return outcome, err
}

// sameImport compares what a feed says about a service with what is
// stored, ignoring what joinedup keeps for itself.
func sameImport(cur, next care.Service) bool {
	strip := func(s care.Service) []byte {
		s.UpdatedAt, s.Capacity.UpdatedAt = cur.UpdatedAt, cur.Capacity.UpdatedAt
		s.Needs, s.Eligibility.RequiredNeeds = slices.Sorted(slices.Values(s.Needs)), slices.Sorted(slices.Values(s.Eligibility.RequiredNeeds))
		s.Catchment = slices.SortedFunc(slices.Values(s.Catchment), func(a, b care.CatchmentArea) int { return strings.Compare(a.String(), b.String()) })
		s.Referral.Methods = slices.Sorted(slices.Values(s.Referral.Methods))
		b, _ := json.Marshal(s)
		return b
	}
	return bytes.Equal(strip(cur), strip(next))
}

func sameContacts(cur, next []care.Contact) bool {
	if len(cur) != len(next) {
		return false
	}
	key := func(c care.Contact) string {
		return c.Name + "\x00" + c.Role + "\x00" + c.Phone + "\x00" + c.Email + "\x00" + c.Hours
	}
	seen := map[string]int{}
	for _, c := range cur {
		seen[key(c)]++
	}
	for _, c := range next {
		if seen[key(c)] == 0 {
			return false
		}
		seen[key(c)]--
	}
	return true
}

// replaceServiceContacts makes a service's own contacts the feed's.
func replaceServiceContacts(ctx context.Context, t *tx, actor care.Actor, sv care.Service, contacts []care.Contact) error {
	old, err := queryContacts(ctx, t, ` WHERE service_id = ?`, sv.ID)
	if err != nil {
		return err
	}
	for _, c := range old {
		if _, err := t.exec(ctx, `DELETE FROM contacts WHERE id = ?`, c.ID); err != nil {
			return err
		}
		if err := t.recordVersion(ctx, actor, EntryContact, c.ID, c.Version+1, ChangeRemove, c); err != nil {
			return err
		}
	}
	for _, c := range contacts {
		c.OrganisationID, c.TeamID, c.ServiceID, c.PracticeID = sv.OrganisationID, sv.TeamID, sv.ID, ""
		if err := c.Validate(); err != nil {
			continue // the feed reader leaves these out already
		}
		if _, err := insertContact(ctx, t, actor, c); err != nil {
			return err
		}
	}
	return nil
}
