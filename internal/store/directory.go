package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/joinedup/joinedup/internal/care"
)

// This file keeps the directory: the directory details of organisations and
// teams, services, contacts, and which teams cover which GP practices. Every
// change is checked against care.CanManageDirectoryEntry inside its
// transaction, bumps the entry's version (a stale edit is a conflict, never
// a silent overwrite), writes the entry as it now is to directory_versions,
// and appends an audit row, all in one transaction.

// Entry types, as directory_versions and the audit trail name them.
const (
	EntryOrganisation = "organisation"
	EntryTeam         = "team"
	EntryService      = "service"
	EntryContact      = "contact"
)

// Changes recorded in directory_versions.
const (
	ChangeCreate = "create"
	ChangeEdit   = "edit"
	ChangeVerify = "verify"
	ChangeRemove = "remove"
	ChangeImport = "import"
)

func actorName(a care.Actor) string {
	if a.System {
		return "joinedup (" + a.Name + ")"
	}
	return a.Name
}

// recordVersion keeps the entry as it is after a change, so its history
// can be shown and any earlier version recovered.
func (t *tx) recordVersion(ctx context.Context, actor care.Actor, entryType, entryID string, version int, change string, entry any) error {
	snap, err := json.Marshal(entry)
	if err != nil {
		return err
	}
	_, err = t.exec(ctx, `INSERT INTO directory_versions (id, entry_type, entry_id, version, change, changed_at,
		changed_by_id, changed_by_name, snapshot) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		newID(), entryType, entryID, version, change, t.now, auditUserID(actor), actorName(actor), string(snap))
	return err
}

func conflictError(what string) error {
	return care.Errorf(care.KindConflict, "Someone else changed this %s after you opened it. Your changes have not been saved.", what)
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// ---- Organisations ----

const orgColumns = `id, name, kind, ods_code, gss_code, postcode, phone, local_authority_gss, address, website,
	description, status, opened_on, closed_on, commissioner, external_id, verified_at, verified_by_id, verified_by_name, updated_at, version`

func scanOrganisation(sc rowScanner) (care.Organisation, error) {
	var o care.Organisation
	var kind, status string
	var ods, gss, postcode, phone, la, addr, web, desc, opened, closed, comm, ext, vID, vName sql.NullString
	var verified sql.NullTime
	err := sc.Scan(&o.ID, &o.Name, &kind, &ods, &gss, &postcode, &phone, &la, &addr, &web, &desc, &status,
		&opened, &closed, &comm, &ext, &verified, &vID, &vName, &o.UpdatedAt, &o.Version)
	o.Kind, o.Status = care.OrgKind(kind), care.OrgStatus(status)
	o.ODSCode, o.GSSCode, o.Postcode, o.Phone, o.LocalAuthorityGSS = ods.String, gss.String, postcode.String, phone.String, la.String
	o.Address, o.Website, o.Description = addr.String, web.String, desc.String
	o.OpenedOn, o.ClosedOn, o.Commissioner, o.ExternalID = opened.String, closed.String, comm.String, ext.String
	o.Verified = care.Verification{At: verified.Time.UTC(), ByID: vID.String, ByName: vName.String}
	if !verified.Valid {
		o.Verified.At = time.Time{}
	}
	o.UpdatedAt = o.UpdatedAt.UTC()
	return o, err
}

func findOrganisation(ctx context.Context, t *tx, id string) (care.Organisation, error) {
	o, err := scanOrganisation(t.queryRow(ctx, `SELECT `+orgColumns+` FROM organisations WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return o, care.Errorf(care.KindNotFound, "That organisation is not in the directory.")
	}
	return o, err
}

// Organisation returns one organisation's directory entry.
func (s *Store) Organisation(ctx context.Context, id string) (care.Organisation, error) {
	var o care.Organisation
	err := s.read(ctx, func(t *tx) error {
		var err error
		o, err = findOrganisation(ctx, t, id)
		return err
	})
	return o, err
}

// OrganisationsOfKind lists organisations of one kind by name, such as the
// local authorities a catchment can name.
func (s *Store) OrganisationsOfKind(ctx context.Context, kind care.OrgKind) ([]care.Organisation, error) {
	var list []care.Organisation
	err := s.read(ctx, func(t *tx) error {
		rows, err := t.query(ctx, `SELECT `+orgColumns+` FROM organisations WHERE kind = ? ORDER BY name, id`, string(kind))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			o, err := scanOrganisation(rows)
			if err != nil {
				return err
			}
			list = append(list, o)
		}
		return rows.Err()
	})
	return list, err
}

// UpdateOrganisationDetails changes the directory details of an
// organisation: its address, phone, website and description. Codes, kind
// and status come from the national registers and are not edited here.
// o.Version must be the version the editor started from.
func (s *Store) UpdateOrganisationDetails(ctx context.Context, actor care.Actor, o care.Organisation) (care.Organisation, error) {
	var out care.Organisation
	err := s.write(ctx, func(t *tx) error {
		cur, err := findOrganisation(ctx, t, o.ID)
		if err != nil {
			return err
		}
		if !care.CanManageDirectoryEntry(actor, cur.ID) {
			return errDeniedEntry
		}
		next := cur
		next.Name, next.Address, next.Postcode, next.Phone = o.Name, o.Address, o.Postcode, o.Phone
		next.Website, next.Description = o.Website, o.Description
		if err := next.Validate(); err != nil {
			return err
		}
		if err := t.execOne(ctx, conflictError("organisation"), `UPDATE organisations SET name = ?, address = ?, postcode = ?,
			phone = ?, website = ?, description = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			next.Name, nullString(next.Address), nullString(next.Postcode), nullString(next.Phone), nullString(next.Website),
			nullString(next.Description), t.now, o.ID, o.Version); err != nil {
			return err
		}
		if out, err = findOrganisation(ctx, t, o.ID); err != nil {
			return err
		}
		if err := t.recordVersion(ctx, actor, EntryOrganisation, out.ID, out.Version, ChangeEdit, out); err != nil {
			return err
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "directory.organisation.update", ResourceType: "Organization", ResourceID: out.ID})
	})
	return out, s.deniedEntry(ctx, actor, err, "directory.organisation.update", "Organization", o.ID)
}

// errDeniedEntry is returned from inside a transaction when the actor may
// not change the entry; deniedEntry turns it into an audited refusal once
// the transaction has been rolled back.
var errDeniedEntry = care.Errorf(care.KindForbidden, "Only team managers and administrators of the organisation that owns this entry can change it.")

func (s *Store) deniedEntry(ctx context.Context, actor care.Actor, err error, action, resourceType, id string) error {
	if err != errDeniedEntry {
		return err
	}
	return s.denied(ctx, actor, auditEntry{Action: action, ResourceType: resourceType, ResourceID: id}, err)
}

// verifyEntry marks an entry verified if it is still at the version the
// person confirming it was looking at.
func (t *tx) verifyEntry(ctx context.Context, actor care.Actor, table, what string, id string, version int) error {
	return t.execOne(ctx, care.Errorf(care.KindConflict, "This %s changed after you opened it, so it has not been marked as checked. Look at the details again and confirm them if they are right.", what),
		`UPDATE `+table+` SET verified_at = ?, verified_by_id = ?, verified_by_name = ?, updated_at = ?, version = version + 1
		WHERE id = ? AND version = ?`, t.now, auditUserID(actor), actorName(actor), t.now, id, version)
}

// VerifyOrganisation records that the actor confirmed the organisation's
// details are still correct.
func (s *Store) VerifyOrganisation(ctx context.Context, actor care.Actor, id string, version int) (care.Organisation, error) {
	var out care.Organisation
	err := s.write(ctx, func(t *tx) error {
		cur, err := findOrganisation(ctx, t, id)
		if err != nil {
			return err
		}
		if !care.CanManageDirectoryEntry(actor, cur.ID) {
			return errDeniedEntry
		}
		if err := t.verifyEntry(ctx, actor, "organisations", "organisation", id, version); err != nil {
			return err
		}
		if out, err = findOrganisation(ctx, t, id); err != nil {
			return err
		}
		if err := t.recordVersion(ctx, actor, EntryOrganisation, id, out.Version, ChangeVerify, out); err != nil {
			return err
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "directory.organisation.verify", ResourceType: "Organization", ResourceID: id})
	})
	return out, s.deniedEntry(ctx, actor, err, "directory.organisation.verify", "Organization", id)
}

// ---- Teams ----

const teamColumns = `id, organisation_id, name, kind, description, phone, email, hours, verified_at, verified_by_id,
	verified_by_name, updated_at, version`

func scanTeam(sc rowScanner) (care.Team, error) {
	var tm care.Team
	var desc, phone, email, hours, vID, vName sql.NullString
	var verified sql.NullTime
	err := sc.Scan(&tm.ID, &tm.OrganisationID, &tm.Name, &tm.Kind, &desc, &phone, &email, &hours, &verified, &vID, &vName,
		&tm.UpdatedAt, &tm.Version)
	if err != nil {
		return tm, err
	}
	tm.Description, tm.Phone, tm.Email = desc.String, phone.String, email.String
	if verified.Valid {
		tm.Verified.At = verified.Time.UTC()
	}
	tm.Verified.ByID, tm.Verified.ByName = vID.String, vName.String
	tm.UpdatedAt = tm.UpdatedAt.UTC()
	// Hours were validated when saved; text that no longer parses (a rule
	// tightened since) shows as unknown rather than failing the page.
	tm.Hours, _ = care.ParseOpeningHours(hours.String)
	return tm, nil
}

func findTeamEntry(ctx context.Context, t *tx, id string) (care.Team, error) {
	tm, err := scanTeam(t.queryRow(ctx, `SELECT `+teamColumns+` FROM teams WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return tm, care.Errorf(care.KindNotFound, "That team is not in the directory.")
	}
	if err != nil {
		return tm, err
	}
	tm.Practices, err = findTeamPractices(ctx, t, id)
	return tm, err
}

func findTeamPractices(ctx context.Context, t *tx, teamID string) ([]string, error) {
	return queryStrings(ctx, t, `SELECT practice_id FROM team_practices WHERE team_id = ? ORDER BY practice_id`, teamID)
}

// Team returns one team's directory entry, with the practices it covers.
func (s *Store) Team(ctx context.Context, id string) (care.Team, error) {
	var tm care.Team
	err := s.read(ctx, func(t *tx) error {
		var err error
		tm, err = findTeamEntry(ctx, t, id)
		return err
	})
	return tm, err
}

// UpdateTeamDetails changes a team's directory details and the GP practices
// it covers. tm.Version must be the version the editor started from.
func (s *Store) UpdateTeamDetails(ctx context.Context, actor care.Actor, tm care.Team) (care.Team, error) {
	var out care.Team
	err := s.write(ctx, func(t *tx) error {
		cur, err := findTeamEntry(ctx, t, tm.ID)
		if err != nil {
			return err
		}
		if !care.CanManageDirectoryEntry(actor, cur.OrganisationID) {
			return errDeniedEntry
		}
		tm.OrganisationID, tm.Kind = cur.OrganisationID, cur.Kind
		if err := tm.Validate(); err != nil {
			return err
		}
		if err := t.execOne(ctx, conflictError("team"), `UPDATE teams SET name = ?, description = ?, phone = ?, email = ?,
			hours = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
			tm.Name, nullString(tm.Description), nullString(tm.Phone), nullString(tm.Email), nullString(tm.Hours.String()),
			t.now, tm.ID, tm.Version); err != nil {
			return err
		}
		if err := setTeamPractices(ctx, t, tm.ID, tm.Practices); err != nil {
			return err
		}
		if out, err = findTeamEntry(ctx, t, tm.ID); err != nil {
			return err
		}
		if err := t.recordVersion(ctx, actor, EntryTeam, out.ID, out.Version, ChangeEdit, out); err != nil {
			return err
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "directory.team.update", ResourceType: "Team", ResourceID: out.ID})
	})
	return out, s.deniedEntry(ctx, actor, err, "directory.team.update", "Team", tm.ID)
}

func setTeamPractices(ctx context.Context, t *tx, teamID string, practiceIDs []string) error {
	if _, err := t.exec(ctx, `DELETE FROM team_practices WHERE team_id = ?`, teamID); err != nil {
		return err
	}
	ids := slices.Clone(practiceIDs)
	slices.Sort(ids)
	for _, id := range slices.Compact(ids) {
		var kind string
		err := t.queryRow(ctx, `SELECT kind FROM organisations WHERE id = ?`, id).Scan(&kind)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && care.OrgKind(kind) != care.OrgGPPractice) {
			return &care.Error{Kind: care.KindInvalid, Message: "There is a problem with what was entered.",
				Fields: care.FieldErrors{{Field: "practices", Message: "Choose GP practices that are in the directory"}}}
		}
		if err != nil {
			return err
		}
		if _, err := t.exec(ctx, `INSERT INTO team_practices (team_id, practice_id, created_at) VALUES (?, ?, ?)`, teamID, id, t.now); err != nil {
			return err
		}
	}
	return nil
}

// VerifyTeam records that the actor confirmed the team's details, contacts
// and practices are still correct.
func (s *Store) VerifyTeam(ctx context.Context, actor care.Actor, id string, version int) (care.Team, error) {
	var out care.Team
	err := s.write(ctx, func(t *tx) error {
		cur, err := findTeamEntry(ctx, t, id)
		if err != nil {
			return err
		}
		if !care.CanManageDirectoryEntry(actor, cur.OrganisationID) {
			return errDeniedEntry
		}
		if err := t.verifyEntry(ctx, actor, "teams", "team", id, version); err != nil {
			return err
		}
		if out, err = findTeamEntry(ctx, t, id); err != nil {
			return err
		}
		if err := t.recordVersion(ctx, actor, EntryTeam, id, out.Version, ChangeVerify, out); err != nil {
			return err
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "directory.team.verify", ResourceType: "Team", ResourceID: id})
	})
	return out, s.deniedEntry(ctx, actor, err, "directory.team.verify", "Team", id)
}

// TeamsOfOrganisation lists an organisation's teams by name.
func (s *Store) TeamsOfOrganisation(ctx context.Context, orgID string) ([]care.Team, error) {
	var list []care.Team
	err := s.read(ctx, func(t *tx) error {
		rows, err := t.query(ctx, `SELECT `+teamColumns+` FROM teams WHERE organisation_id = ? ORDER BY name, id`, orgID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			tm, err := scanTeam(rows)
			if err != nil {
				return err
			}
			list = append(list, tm)
		}
		return rows.Err()
	})
	return list, err
}

// ---- Services ----

const serviceColumns = `id, organisation_id, team_id, name, description, status, eligibility, min_age, max_age,
	referral_methods, referral_phone, referral_email, referral_form_url, referral_must_include, typical_wait,
	capacity, wait_band, capacity_updated_at, hours, postcode, website, external_id, verified_at, verified_by_id,
	verified_by_name, updated_at, version`

func scanService(sc rowScanner) (care.Service, error) {
	var sv care.Service
	var team, ext, vID, vName sql.NullString
	var verified sql.NullTime
	var status, methods, capacity, band, hours string
	err := sc.Scan(&sv.ID, &sv.OrganisationID, &team, &sv.Name, &sv.Description, &status, &sv.Eligibility.Text,
		&sv.Eligibility.MinAge, &sv.Eligibility.MaxAge, &methods, &sv.Referral.Phone, &sv.Referral.Email,
		&sv.Referral.FormURL, &sv.Referral.MustInclude, &sv.TypicalWait, &capacity, &band, &sv.Capacity.UpdatedAt,
		&hours, &sv.Postcode, &sv.Website, &ext, &verified, &vID, &vName, &sv.UpdatedAt, &sv.Version)
	if err != nil {
		return sv, err
	}
	sv.TeamID, sv.ExternalID = team.String, ext.String
	sv.Status = care.ServiceStatus(status)
	sv.Capacity.State, sv.Capacity.WaitBand = care.CapacityState(capacity), care.WaitBand(band)
	sv.Capacity.UpdatedAt = sv.Capacity.UpdatedAt.UTC()
	sv.UpdatedAt = sv.UpdatedAt.UTC()
	for _, m := range strings.Split(methods, ",") {
		if m != "" {
			sv.Referral.Methods = append(sv.Referral.Methods, care.ReferralMethod(m))
		}
	}
	sv.Hours, _ = care.ParseOpeningHours(hours)
	if verified.Valid {
		sv.Verified.At = verified.Time.UTC()
	}
	sv.Verified.ByID, sv.Verified.ByName = vID.String, vName.String
	return sv, nil
}

func joinMethods(ms []care.ReferralMethod) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = string(m)
	}
	return strings.Join(parts, ",")
}

func findService(ctx context.Context, t *tx, id string) (care.Service, error) {
	sv, err := scanService(t.queryRow(ctx, `SELECT `+serviceColumns+` FROM services WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return sv, care.Errorf(care.KindNotFound, "That service is not in the directory.")
	}
	if err != nil {
		return sv, err
	}
	err = loadServiceLists(ctx, t, map[string]*care.Service{sv.ID: &sv}, `WHERE service_id = ?`, id)
	return sv, err
}

// loadServiceLists fills in the needs and catchments of the services in
// byID, from the rows the where clause selects.
func loadServiceLists(ctx context.Context, t *tx, byID map[string]*care.Service, where string, args ...any) error {
	rows, err := t.query(ctx, `SELECT service_id, rule, need_code FROM service_needs `+where+` ORDER BY service_id, rule, need_code`, args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id, rule, code string
		if err := rows.Scan(&id, &rule, &code); err != nil {
			rows.Close()
			return err
		}
		if sv := byID[id]; sv != nil {
			if rule == "requires" {
				sv.Eligibility.RequiredNeeds = append(sv.Eligibility.RequiredNeeds, code)
			} else {
				sv.Needs = append(sv.Needs, code)
			}
		}
	}
	if err := rows.Close(); err != nil {
		return err
	}
	rows, err = t.query(ctx, `SELECT service_id, kind, code FROM service_catchments `+where+` ORDER BY service_id, kind, code`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, kind, code string
		if err := rows.Scan(&id, &kind, &code); err != nil {
			return err
		}
		if sv := byID[id]; sv != nil {
			sv.Catchment = append(sv.Catchment, care.CatchmentArea{Kind: care.CatchmentKind(kind), Code: code})
		}
	}
	return rows.Err()
}

// Service returns one service's directory entry.
func (s *Store) Service(ctx context.Context, id string) (care.Service, error) {
	var sv care.Service
	err := s.read(ctx, func(t *tx) error {
		var err error
		sv, err = findService(ctx, t, id)
		return err
	})
	return sv, err
}

func writeServiceLists(ctx context.Context, t *tx, sv care.Service) error {
	if _, err := t.exec(ctx, `DELETE FROM service_needs WHERE service_id = ?`, sv.ID); err != nil {
		return err
	}
	if _, err := t.exec(ctx, `DELETE FROM service_catchments WHERE service_id = ?`, sv.ID); err != nil {
		return err
	}
	for rule, codes := range map[string][]string{"meets": sv.Needs, "requires": sv.Eligibility.RequiredNeeds} {
		codes = slices.Clone(codes)
		slices.Sort(codes)
		for _, code := range slices.Compact(codes) {
			if _, err := t.exec(ctx, `INSERT INTO service_needs (service_id, rule, need_code) VALUES (?, ?, ?)`, sv.ID, rule, code); err != nil {
				return err
			}
		}
	}
	areas := slices.Clone(sv.Catchment)
	slices.SortFunc(areas, func(a, b care.CatchmentArea) int { return strings.Compare(a.String(), b.String()) })
	for _, c := range slices.Compact(areas) {
		if _, err := t.exec(ctx, `INSERT INTO service_catchments (service_id, kind, code) VALUES (?, ?, ?)`, sv.ID, string(c.Kind), c.Code); err != nil {
			return err
		}
	}
	return nil
}

// checkServiceTeam makes sure a service's team belongs to its organisation.
func checkServiceTeam(ctx context.Context, t *tx, sv care.Service) error {
	if sv.TeamID == "" {
		return nil
	}
	tm, err := findTeamEntry(ctx, t, sv.TeamID)
	if err != nil || tm.OrganisationID != sv.OrganisationID {
		return &care.Error{Kind: care.KindInvalid, Message: "There is a problem with what was entered.",
			Fields: care.FieldErrors{{Field: "team", Message: "Choose one of the organisation's own teams"}}}
	}
	return nil
}

// CreateService adds a service to the directory. The system actor (the demo
// loader and imports) may give it a verification; anyone else's new service
// counts as verified by them now.
func (s *Store) CreateService(ctx context.Context, actor care.Actor, sv care.Service) (care.Service, error) {
	if err := sv.Validate(); err != nil {
		return sv, err
	}
	var out care.Service
	err := s.write(ctx, func(t *tx) error {
		if _, err := findOrganisation(ctx, t, sv.OrganisationID); err != nil {
			return err
		}
		if !care.CanManageDirectoryEntry(actor, sv.OrganisationID) {
			return errDeniedEntry
		}
		var err error
		out, err = insertService(ctx, t, actor, sv)
		return err
	})
	return out, s.deniedEntry(ctx, actor, err, "directory.service.create", "HealthcareService", "")
}

func insertService(ctx context.Context, t *tx, actor care.Actor, sv care.Service) (care.Service, error) {
	if err := checkServiceTeam(ctx, t, sv); err != nil {
		return sv, err
	}
	sv.ID = ""
	return insertServiceWithID(ctx, t, actor, sv)
}

// insertServiceWithID adds a service, keeping sv.ID if it has one.
func insertServiceWithID(ctx context.Context, t *tx, actor care.Actor, sv care.Service) (care.Service, error) {
	if sv.ID == "" {
		sv.ID = newID()
	}
	sv.Version = 1
	if !actor.System {
		sv.Verified = care.Verification{At: t.now, ByID: auditUserID(actor), ByName: actorName(actor)}
	}
	if sv.Capacity.UpdatedAt.IsZero() {
		sv.Capacity.UpdatedAt = t.now
	}
	if _, err := t.exec(ctx, `INSERT INTO services (`+serviceColumns+`, reminded_at, created_at) VALUES
		(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?)`,
		sv.ID, sv.OrganisationID, nullString(sv.TeamID), sv.Name, sv.Description, string(sv.Status), sv.Eligibility.Text,
		sv.Eligibility.MinAge, sv.Eligibility.MaxAge, joinMethods(sv.Referral.Methods), sv.Referral.Phone,
		sv.Referral.Email, sv.Referral.FormURL, sv.Referral.MustInclude, sv.TypicalWait, string(sv.Capacity.State),
		string(sv.Capacity.WaitBand), sv.Capacity.UpdatedAt, sv.Hours.String(), sv.Postcode, sv.Website,
		nullString(sv.ExternalID), nullTime(sv.Verified.At), nullString(sv.Verified.ByID), nullString(sv.Verified.ByName),
		t.now, sv.Version, t.now); err != nil {
		return sv, err
	}
	if err := writeServiceLists(ctx, t, sv); err != nil {
		return sv, err
	}
	out, err := findService(ctx, t, sv.ID)
	if err != nil {
		return out, err
	}
	change := ChangeCreate
	if sv.ExternalID != "" {
		change = ChangeImport
	}
	if err := t.recordVersion(ctx, actor, EntryService, out.ID, out.Version, change, out); err != nil {
		return out, err
	}
	return out, t.appendAudit(ctx, actor, auditEntry{Action: "directory.service.create", ResourceType: "HealthcareService", ResourceID: out.ID})
}

// UpdateService saves an edited service. sv.Version must be the version the
// editor started from; if someone else saved in between, nothing is saved
// and the error is a conflict. The organisation cannot be changed. Capacity's
// time is moved on only when the capacity itself changed.
func (s *Store) UpdateService(ctx context.Context, actor care.Actor, sv care.Service) (care.Service, error) {
	var out care.Service
	err := s.write(ctx, func(t *tx) error {
		cur, err := findService(ctx, t, sv.ID)
		if err != nil {
			return err
		}
		if !care.CanManageDirectoryEntry(actor, cur.OrganisationID) {
			return errDeniedEntry
		}
		out, err = updateService(ctx, t, actor, cur, sv, ChangeEdit)
		return err
	})
	return out, s.deniedEntry(ctx, actor, err, "directory.service.update", "HealthcareService", sv.ID)
}

func updateService(ctx context.Context, t *tx, actor care.Actor, cur, sv care.Service, change string) (care.Service, error) {
	sv.OrganisationID, sv.ExternalID = cur.OrganisationID, cur.ExternalID
	if err := sv.Validate(); err != nil {
		return sv, err
	}
	if err := checkServiceTeam(ctx, t, sv); err != nil {
		return sv, err
	}
	capAt := cur.Capacity.UpdatedAt
	if sv.Capacity.State != cur.Capacity.State || sv.Capacity.WaitBand != cur.Capacity.WaitBand {
		capAt = t.now
	}
	if err := t.execOne(ctx, conflictError("service"), `UPDATE services SET team_id = ?, name = ?, description = ?,
		status = ?, eligibility = ?, min_age = ?, max_age = ?, referral_methods = ?, referral_phone = ?,
		referral_email = ?, referral_form_url = ?, referral_must_include = ?, typical_wait = ?, capacity = ?,
		wait_band = ?, capacity_updated_at = ?, hours = ?, postcode = ?, website = ?, updated_at = ?,
		version = version + 1 WHERE id = ? AND version = ?`,
		nullString(sv.TeamID), sv.Name, sv.Description, string(sv.Status), sv.Eligibility.Text, sv.Eligibility.MinAge,
		sv.Eligibility.MaxAge, joinMethods(sv.Referral.Methods), sv.Referral.Phone, sv.Referral.Email,
		sv.Referral.FormURL, sv.Referral.MustInclude, sv.TypicalWait, string(sv.Capacity.State),
		string(sv.Capacity.WaitBand), capAt, sv.Hours.String(), sv.Postcode, sv.Website, t.now, sv.ID, sv.Version); err != nil {
		return sv, err
	}
	if err := writeServiceLists(ctx, t, sv); err != nil {
		return sv, err
	}
	out, err := findService(ctx, t, sv.ID)
	if err != nil {
		return out, err
	}
	if err := t.recordVersion(ctx, actor, EntryService, out.ID, out.Version, change, out); err != nil {
		return out, err
	}
	return out, t.appendAudit(ctx, actor, auditEntry{Action: "directory.service.update", ResourceType: "HealthcareService", ResourceID: out.ID})
}

// VerifyService records that the actor confirmed the service's details are
// still correct, as long as they are the details the actor saw (version).
func (s *Store) VerifyService(ctx context.Context, actor care.Actor, id string, version int) (care.Service, error) {
	var out care.Service
	err := s.write(ctx, func(t *tx) error {
		cur, err := findService(ctx, t, id)
		if err != nil {
			return err
		}
		if !care.CanManageDirectoryEntry(actor, cur.OrganisationID) {
			return errDeniedEntry
		}
		if err := t.verifyEntry(ctx, actor, "services", "service", id, version); err != nil {
			return err
		}
		if out, err = findService(ctx, t, id); err != nil {
			return err
		}
		if err := t.recordVersion(ctx, actor, EntryService, id, out.Version, ChangeVerify, out); err != nil {
			return err
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "directory.service.verify", ResourceType: "HealthcareService", ResourceID: id})
	})
	return out, s.deniedEntry(ctx, actor, err, "directory.service.verify", "HealthcareService", id)
}

// ---- Contacts ----

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

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
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
	return c, s.deniedEntry(ctx, actor, err, "directory.contact.create", "PractitionerRole", "")
}

func insertContact(ctx context.Context, t *tx, actor care.Actor, c care.Contact) (care.Contact, error) {
	c.ID, c.Version = newID(), 1
	if _, err := t.exec(ctx, `INSERT INTO contacts (`+contactColumns+`, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.OrganisationID, c.TeamID, nullString(c.ServiceID), nullString(c.PracticeID), c.Name, c.Role, c.Phone,
		c.Email, c.Hours, boolInt(c.Duty), c.Version, t.now, t.now); err != nil {
		return c, err
	}
	if err := t.recordVersion(ctx, actor, EntryContact, c.ID, c.Version, ChangeCreate, c); err != nil {
		return c, err
	}
	return c, t.appendAudit(ctx, actor, auditEntry{Action: "directory.contact.create", ResourceType: "PractitionerRole", ResourceID: c.ID})
}

// UpdateContact saves an edited contact; c.Version must be the version the
// editor started from. The team cannot be changed.
func (s *Store) UpdateContact(ctx context.Context, actor care.Actor, c care.Contact) (care.Contact, error) {
	err := s.write(ctx, func(t *tx) error {
		cur, err := findContact(ctx, t, c.ID)
		if err != nil {
			return err
		}
		if !care.CanManageDirectoryEntry(actor, cur.OrganisationID) {
			return errDeniedEntry
		}
		c.TeamID = cur.TeamID
		if err := c.Validate(); err != nil {
			return err
		}
		if err := checkContactLinks(ctx, t, &c); err != nil {
			return err
		}
		if err := t.execOne(ctx, conflictError("contact"), `UPDATE contacts SET service_id = ?, practice_id = ?, name = ?,
			role = ?, phone = ?, email = ?, hours = ?, duty = ?, updated_at = ?, version = version + 1
			WHERE id = ? AND version = ?`, nullString(c.ServiceID), nullString(c.PracticeID), c.Name, c.Role, c.Phone,
			c.Email, c.Hours, boolInt(c.Duty), t.now, c.ID, c.Version); err != nil {
			return err
		}
		c.Version++
		if err := t.recordVersion(ctx, actor, EntryContact, c.ID, c.Version, ChangeEdit, c); err != nil {
			return err
		}
		return t.appendAudit(ctx, actor, auditEntry{Action: "directory.contact.update", ResourceType: "PractitionerRole", ResourceID: c.ID})
	})
	return c, s.deniedEntry(ctx, actor, err, "directory.contact.update", "PractitionerRole", c.ID)
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
		return t.appendAudit(ctx, actor, auditEntry{Action: "directory.contact.remove", ResourceType: "PractitionerRole", ResourceID: id})
	})
	return cur, s.deniedEntry(ctx, actor, err, "directory.contact.remove", "PractitionerRole", id)
}

// ---- History ----

// EntryVersion is one saved version of a directory entry.
type EntryVersion struct {
	Version       int
	Change        string
	At            time.Time
	ByName        string
	Snapshot      []byte
	PreviousState []byte
}

// EntryHistory lists an entry's versions, newest first, each with the
// version before it so a page can say what changed.
func (s *Store) EntryHistory(ctx context.Context, entryType, id string, limit int) ([]EntryVersion, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	var list []EntryVersion
	err := s.read(ctx, func(t *tx) error {
		rows, err := t.query(ctx, `SELECT version, change, changed_at, changed_by_name, snapshot FROM directory_versions
			WHERE entry_type = ? AND entry_id = ? ORDER BY version DESC, changed_at DESC LIMIT ?`, entryType, id, limit+1)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var v EntryVersion
			var snap string
			if err := rows.Scan(&v.Version, &v.Change, &v.At, &v.ByName, &snap); err != nil {
				return err
			}
			v.At, v.Snapshot = v.At.UTC(), []byte(snap)
			list = append(list, v)
		}
		return rows.Err()
	})
	for i := 0; i+1 < len(list); i++ {
		list[i].PreviousState = list[i+1].Snapshot
	}
	if len(list) > limit {
		list = list[:limit]
	}
	return list, err
}
