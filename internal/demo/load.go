package demo

import (
	"context"
	"fmt"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/store"
)

// Load puts a dataset into an empty, migrated store. hash turns the demo
// password into a stored hash.
func Load(ctx context.Context, st *store.Store, ds Dataset, hash func(string) (string, error)) error {
	sys := care.SystemActor("demo loader")
	orgIDs := map[string]string{}
	practiceIDs := map[string]string{}
	for _, o := range ds.Organisations {
		created, err := st.CreateOrganisation(ctx, sys, care.Organisation{Name: o.Name, Kind: care.OrgKind(o.Kind),
			ODSCode: o.ODSCode, GSSCode: o.GSSCode, Postcode: o.Postcode, Phone: o.Phone, LocalAuthorityGSS: o.LocalAuthorityGSS})
		if err != nil {
			return fmt.Errorf("organisation %s: %w", o.Key, err)
		}
		orgIDs[o.Key] = created.ID
		if o.ODSCode != "" {
			practiceIDs[o.ODSCode] = created.ID
		}
	}
	teamIDs := map[string]string{}
	for _, t := range ds.Teams {
		created, err := st.CreateTeam(ctx, sys, care.Team{OrganisationID: orgIDs[t.OrgKey], Name: t.Name, Kind: t.Kind})
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
