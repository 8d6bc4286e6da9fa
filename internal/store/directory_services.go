package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

	"github.com/joinedup/joinedup/internal/care"
)

// This file keeps services' directory entries, with the needs they meet,
// the needs they require and the areas they cover. Changes take the one
// path in directory.go.

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
	change := ChangeCreate
	if sv.ExternalID != "" {
		change = ChangeImport
	}
	return serviceEntries.saved(ctx, t, actor, sv.ID, change, "create")
}

// UpdateService saves an edited service. sv.Version must be the version the
// editor started from; if someone else saved in between, nothing is saved
// and the error is a conflict. The organisation cannot be changed. Capacity's
// time is moved on only when the capacity itself changed.
func (s *Store) UpdateService(ctx context.Context, actor care.Actor, sv care.Service) (care.Service, error) {
	return serviceEntries.change(ctx, s, actor, sv.ID, ChangeEdit, "update", func(t *tx, cur care.Service) error {
		return setService(ctx, t, cur, sv)
	})
}

// updateService saves a service changed by an import, inside the import's
// transaction.
func updateService(ctx context.Context, t *tx, actor care.Actor, cur, sv care.Service, change string) (care.Service, error) {
	if err := setService(ctx, t, cur, sv); err != nil {
		return sv, err
	}
	return serviceEntries.saved(ctx, t, actor, sv.ID, change, "update")
}

// setService writes a changed service over cur, its saved self, if it is
// still at sv.Version.
func setService(ctx context.Context, t *tx, cur, sv care.Service) error {
	sv.OrganisationID, sv.ExternalID = cur.OrganisationID, cur.ExternalID
	if err := sv.Validate(); err != nil {
		return err
	}
	if err := checkServiceTeam(ctx, t, sv); err != nil {
		return err
	}
	capAt := cur.Capacity.UpdatedAt
	if sv.Capacity.State != cur.Capacity.State || sv.Capacity.WaitBand != cur.Capacity.WaitBand {
		capAt = t.now
	}
	if err := serviceEntries.update(ctx, t, sv.ID, sv.Version, `team_id = ?, name = ?, description = ?, status = ?,
		eligibility = ?, min_age = ?, max_age = ?, referral_methods = ?, referral_phone = ?, referral_email = ?,
		referral_form_url = ?, referral_must_include = ?, typical_wait = ?, capacity = ?, wait_band = ?,
		capacity_updated_at = ?, hours = ?, postcode = ?, website = ?`,
		nullString(sv.TeamID), sv.Name, sv.Description, string(sv.Status), sv.Eligibility.Text, sv.Eligibility.MinAge,
		sv.Eligibility.MaxAge, joinMethods(sv.Referral.Methods), sv.Referral.Phone, sv.Referral.Email,
		sv.Referral.FormURL, sv.Referral.MustInclude, sv.TypicalWait, string(sv.Capacity.State),
		string(sv.Capacity.WaitBand), capAt, sv.Hours.String(), sv.Postcode, sv.Website); err != nil {
		return err
	}
	return writeServiceLists(ctx, t, sv)
}

// VerifyService records that the actor confirmed the service's details are
// still correct, as long as they are the details the actor saw (version).
func (s *Store) VerifyService(ctx context.Context, actor care.Actor, id string, version int) (care.Service, error) {
	return serviceEntries.verify(ctx, s, actor, id, version)
}
