package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"

	"github.com/joinedup/joinedup/internal/care"
)

// This file keeps organisations' and teams' directory entries, and which
// GP practices each team covers. Changes take the one path in directory.go.

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
	return organisationEntries.change(ctx, s, actor, o.ID, ChangeEdit, "update", func(t *tx, cur care.Organisation) error {
		next := cur
		next.Name, next.Address, next.Postcode, next.Phone = o.Name, o.Address, o.Postcode, o.Phone
		next.Website, next.Description = o.Website, o.Description
		if err := next.Validate(); err != nil {
			return err
		}
		return organisationEntries.update(ctx, t, o.ID, o.Version, `name = ?, address = ?, postcode = ?, phone = ?, website = ?,
			description = ?`, next.Name, nullString(next.Address), nullString(next.Postcode), nullString(next.Phone),
			nullString(next.Website), nullString(next.Description))
	})
}

// VerifyOrganisation records that the actor confirmed the organisation's
// details are still correct.
func (s *Store) VerifyOrganisation(ctx context.Context, actor care.Actor, id string, version int) (care.Organisation, error) {
	return organisationEntries.verify(ctx, s, actor, id, version)
}

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
	return teamEntries.change(ctx, s, actor, tm.ID, ChangeEdit, "update", func(t *tx, cur care.Team) error {
		tm.OrganisationID, tm.Kind = cur.OrganisationID, cur.Kind
		if err := tm.Validate(); err != nil {
			return err
		}
		if err := teamEntries.update(ctx, t, tm.ID, tm.Version, `name = ?, description = ?, phone = ?, email = ?, hours = ?`,
			tm.Name, nullString(tm.Description), nullString(tm.Phone), nullString(tm.Email), nullString(tm.Hours.String())); err != nil {
			return err
		}
		return setTeamPractices(ctx, t, tm.ID, tm.Practices)
	})
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
	return teamEntries.verify(ctx, s, actor, id, version)
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
