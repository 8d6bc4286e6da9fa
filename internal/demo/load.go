package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/store"
)

// Load puts a dataset into an empty, migrated store. hash turns the demo
// password into a stored hash.
func Load(ctx context.Context, st *store.Store, ds Dataset, hash func(string) (string, error)) error {
	sys := care.SystemActor("demo loader")
	now := time.Now().UTC()
	checked := func(daysAgo int) care.Verification {
		return care.Verification{At: now.Add(-time.Duration(daysAgo) * 24 * time.Hour), ByID: "system:demo loader", ByName: "Demo data"}
	}
	orgIDs := map[string]string{}
	practiceIDs := map[string]string{}
	for _, o := range ds.Organisations {
		created, err := st.CreateOrganisation(ctx, sys, care.Organisation{Name: o.Name, Kind: care.OrgKind(o.Kind),
			ODSCode: o.ODSCode, GSSCode: o.GSSCode, Postcode: o.Postcode, Phone: o.Phone, LocalAuthorityGSS: o.LocalAuthorityGSS,
			Address: strings.Join(o.Address, ", "), Status: care.OrgActive, Verified: checked(25)})
		if err != nil {
			return fmt.Errorf("organisation %s: %w", o.Key, err)
		}
		orgIDs[o.Key] = created.ID
		if o.ODSCode != "" {
			practiceIDs[o.ODSCode] = created.ID
		}
	}
	details := map[string]TeamDetails{}
	for _, td := range ds.Directory.Teams {
		details[td.TeamKey] = td
	}
	teamIDs := map[string]string{}
	for _, t := range ds.Teams {
		team := care.Team{OrganisationID: orgIDs[t.OrgKey], Name: t.Name, Kind: t.Kind}
		if td, ok := details[t.Key]; ok {
			hours, err := care.ParseOpeningHours(td.Hours)
			if err != nil {
				return fmt.Errorf("team %s: %w", t.Key, err)
			}
			team.Description, team.Phone, team.Email, team.Hours = td.Description, td.Phone, td.Email, hours
			team.Verified = checked(td.VerifiedDaysAgo)
			for _, ods := range td.Practices {
				team.Practices = append(team.Practices, practiceIDs[ods])
			}
		}
		created, err := st.CreateTeam(ctx, sys, team)
		if err != nil {
			return fmt.Errorf("team %s: %w", t.Key, err)
		}
		teamIDs[t.Key] = created.ID
	}
	for _, u := range ds.Users {
		h, err := hash(DemoPassword)
		if err != nil {
			return err
		}
		if _, err := st.CreateUser(ctx, sys, store.NewUser{Email: u.Email, Name: u.Name, PasswordHash: h,
			Memberships: []store.NewMembership{{TeamID: teamIDs[u.TeamKey], Role: u.Role}}}); err != nil {
			return fmt.Errorf("user %s: %w", u.Email, err)
		}
	}
	if err := loadDirectory(ctx, st, sys, ds.Directory, orgIDs, teamIDs, practiceIDs, checked); err != nil {
		return err
	}
	people := make([]care.Person, 0, len(ds.People))
	for _, p := range ds.People {
		people = append(people, care.Person{NHSNumber: p.NHSNumber, GivenName: p.GivenName, FamilyName: p.FamilyName,
			DateOfBirth: p.DateOfBirth, Postcode: p.Postcode, RegisteredPracticeID: practiceIDs[p.PracticeODS]})
	}
	if _, err := st.ImportPeople(ctx, sys, people); err != nil {
		return fmt.Errorf("people: %w", err)
	}
	_, err := st.SealAudit(ctx)
	return err
}

// loadDirectory adds the demo's services, contacts and known postcodes.
func loadDirectory(ctx context.Context, st *store.Store, sys care.Actor, dir Directory, orgIDs, teamIDs, practiceIDs map[string]string,
	checked func(int) care.Verification) error {
	serviceIDs := map[string]string{}
	for _, sv := range dir.Services {
		hours, err := care.ParseOpeningHours(sv.Hours)
		if err != nil {
			return fmt.Errorf("service %s: %w", sv.Key, err)
		}
		created, err := st.CreateService(ctx, sys, care.Service{
			OrganisationID: orgIDs[sv.OrgKey], TeamID: teamIDs[sv.TeamKey], Name: sv.Name, Description: sv.Description,
			Status: care.ServiceActive, Needs: sv.Needs, Eligibility: sv.Eligibility, Catchment: sv.Catchment,
			Referral: sv.Referral, TypicalWait: sv.TypicalWait,
			Capacity: care.Capacity{State: sv.Capacity, WaitBand: sv.WaitBand}, Hours: hours, Postcode: sv.Postcode,
			Verified: checked(sv.VerifiedDaysAgo),
		})
		if err != nil {
			return fmt.Errorf("service %s: %w", sv.Key, err)
		}
		serviceIDs[sv.Key] = created.ID
	}
	for _, c := range dir.Contacts {
		if _, err := st.CreateContact(ctx, sys, care.Contact{TeamID: teamIDs[c.TeamKey], ServiceID: serviceIDs[c.ServiceKey],
			PracticeID: practiceIDs[c.PracticeODS], Name: c.Name, Role: c.Role, Phone: c.Phone, Email: c.Email,
			Hours: c.Hours, Duty: c.Duty}); err != nil {
			return fmt.Errorf("contact %s of %s: %w", c.Role, c.TeamKey, err)
		}
	}
	rows := make([]store.PostcodeRow, 0, len(dir.Postcodes))
	for _, p := range dir.Postcodes {
		rows = append(rows, store.PostcodeRow{Postcode: p.Postcode, LocalAuthority: p.LocalAuthorityGSS})
	}
	if err := st.UpsertPostcodes(ctx, sys, rows); err != nil {
		return fmt.Errorf("postcodes: %w", err)
	}
	return st.RecordPostcodeImport(ctx, sys, len(rows))
}
