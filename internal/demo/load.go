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
	practiceLA := map[string]string{}
	for _, o := range ds.Organisations {
		if o.ODSCode != "" {
			practiceLA[o.ODSCode] = o.LocalAuthorityGSS
		}
	}
	people := make([]care.Person, 0, len(ds.People))
	for i, p := range ds.People {
		person := care.Person{NHSNumber: p.NHSNumber, GivenName: p.GivenName, FamilyName: p.FamilyName,
			DateOfBirth: p.DateOfBirth, Postcode: p.Postcode, RegisteredPracticeID: practiceIDs[p.PracticeODS],
			LocalAuthorityGSS: practiceLA[p.PracticeODS]}
		if i < len(ds.Contacts) {
			c := ds.Contacts[i]
			person.Address, person.Phone, person.ContactPreference = c.Address, c.Phone, c.Preference
			person.Language, person.Interpreter, person.AccessibleFormats = c.Language, c.Interpreter, c.Formats
		}
		people = append(people, person)
	}
	if _, err := st.ImportPeople(ctx, sys, people); err != nil {
		return fmt.Errorf("people: %w", err)
	}
	actors := map[care.Role]care.Actor{}
	for _, u := range ds.Users {
		user, err := st.UserByEmail(ctx, u.Email)
		if err != nil {
			return fmt.Errorf("user %s: %w", u.Email, err)
		}
		actors[u.Role] = care.Actor{UserID: user.ID, Name: user.Name, Acting: user.Memberships[0], Memberships: user.Memberships}
	}
	for _, story := range ds.Stories {
		if err := loadStory(ctx, st, story, actors, practiceIDs[story.Person.PracticeODS], practiceLA[story.Person.PracticeODS]); err != nil {
			return fmt.Errorf("story of %s %s: %w", story.Person.GivenName, story.Person.FamilyName, err)
		}
	}
	_, err := st.SealAudit(ctx)
	return err
}

// loadStory registers a story's person and builds their record as the demo
// users would have: the practice manager (or joinedup itself, for people
// outside the demo practice) forms the care team, and the professionals add
// carers, alerts and the plan.
func loadStory(ctx context.Context, st *store.Store, s Story, actors map[care.Role]care.Actor, practiceID, laGSS string) error {
	sys := care.SystemActor("demo loader")
	p := s.Person
	person, err := st.RegisterPerson(ctx, sys, care.Person{NHSNumber: p.NHSNumber, GivenName: p.GivenName, FamilyName: p.FamilyName,
		PreferredName: s.PreferredName, DateOfBirth: p.DateOfBirth, Address: s.Address, Postcode: p.Postcode, LocalAuthorityGSS: laGSS,
		RegisteredPracticeID: practiceID, Phone: s.Phone, ContactPreference: s.Preference, ContactNotes: s.ContactNotes,
		Language: s.Language, Interpreter: s.Interpreter, AccessibleFormats: s.Formats, CommunicationNotes: s.CommunicationNotes}, nil, true)
	if err != nil {
		return err
	}
	teamBy := sys
	if pm, ok := actors[care.RolePracticeManager]; ok && pm.Acting.OrgID == practiceID {
		teamBy = pm
	}
	for _, m := range s.Team {
		var added care.CareTeamMember
		if m.Role != "" {
			added, err = st.AddCareTeamUser(ctx, teamBy, person.ID, actors[m.Role].Acting.ID, m.Responsibility, m.Phone)
		} else {
			added, err = st.AddCareTeamContact(ctx, teamBy, person.ID, care.CareTeamMember{Name: m.Name, RoleLabel: m.RoleLabel,
				OrganisationName: m.Organisation, Phone: m.Phone, Responsibility: m.Responsibility})
		}
		if err != nil {
			return err
		}
		if m.Coordinator {
			if err := st.NameCoordinator(ctx, teamBy, person.ID, added.ID); err != nil {
				return err
			}
		}
	}
	by := actors[s.PlanBy]
	var firstCarer string
	for _, c := range s.Carers {
		added, err := st.AddCarer(ctx, by, person.ID, care.Carer{Name: c.Name, Relationship: c.Relationship, Phone: c.Phone, MayBeTold: c.MayBeTold}, true)
		if err != nil {
			return err
		}
		if firstCarer == "" {
			firstCarer = added.ID
		}
	}
	for _, a := range s.Alerts {
		if _, err := st.AddAlert(ctx, actors[a.By], person.ID, care.Alert{Kind: a.Kind, Sensitivity: a.Sensitivity, Description: a.Description}); err != nil {
			return err
		}
	}
	for _, spec := range care.PlanSections() {
		if fields, ok := s.Plan[spec.Key]; ok {
			if err := st.SavePlanSection(ctx, by, person.ID, spec.Key, fields, 0); err != nil {
				return err
			}
		}
	}
	for _, a := range s.Actions {
		owner := "person:"
		switch a.Owner {
		case "person":
		case "carer":
			owner = "carer:" + firstCarer
		default:
			owner = "user:" + actors[care.Role(a.Owner)].UserID
		}
		if _, err := st.SavePlanAction(ctx, by, person.ID, care.PlanAction{Description: a.Description, DueDate: a.Due, Status: a.Status}, owner); err != nil {
			return err
		}
	}
	if s.ObjectionBy != "" {
		if err := st.SetObjection(ctx, actors[s.ObjectionBy], person.ID, true, person.Version); err != nil {
			return err
		}
	}
	return nil
}
