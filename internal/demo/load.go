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
	teamOrgs := map[string]string{}
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
		teamOrgs[created.ID] = created.OrganisationID
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
	services, err := loadDirectory(ctx, st, sys, ds.Directory, orgIDs, teamIDs, practiceIDs, checked)
	if err != nil {
		return err
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
		if i < len(ds.PersonContacts) {
			c := ds.PersonContacts[i]
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
	var firstStory care.NHSNumber
	if len(ds.Stories) > 0 {
		firstStory = ds.Stories[0].Person.NHSNumber
	}
	if err := loadMDT(ctx, st, actors, now, firstStory); err != nil {
		return fmt.Errorf("MDT meetings: %w", err)
	}
	if err := loadReferrals(ctx, st, ds, actors, practiceIDs, practiceLA, services, teamOrgs); err != nil {
		return err
	}
	_, err = st.SealAudit(ctx)
	return err
}

// loadDirectory adds the demo's services, contacts and known postcodes.
func loadDirectory(ctx context.Context, st *store.Store, sys care.Actor, dir Directory, orgIDs, teamIDs, practiceIDs map[string]string,
	checked func(int) care.Verification) (map[string]care.Service, error) {
	serviceIDs := map[string]string{}
	services := map[string]care.Service{}
	for _, sv := range dir.Services {
		hours, err := care.ParseOpeningHours(sv.Hours)
		if err != nil {
			return nil, fmt.Errorf("service %s: %w", sv.Key, err)
		}
		created, err := st.CreateService(ctx, sys, care.Service{
			OrganisationID: orgIDs[sv.OrgKey], TeamID: teamIDs[sv.TeamKey], Name: sv.Name, Description: sv.Description,
			Status: care.ServiceActive, Needs: sv.Needs, Eligibility: sv.Eligibility, Catchment: sv.Catchment,
			Referral: sv.Referral, TypicalWait: sv.TypicalWait,
			Capacity: care.Capacity{State: sv.Capacity, WaitBand: sv.WaitBand}, Hours: hours, Postcode: sv.Postcode,
			Verified: checked(sv.VerifiedDaysAgo),
		})
		if err != nil {
			return nil, fmt.Errorf("service %s: %w", sv.Key, err)
		}
		serviceIDs[sv.Key] = created.ID
		services[sv.Key] = created
	}
	for _, c := range dir.Contacts {
		if _, err := st.CreateContact(ctx, sys, care.Contact{TeamID: teamIDs[c.TeamKey], ServiceID: serviceIDs[c.ServiceKey],
			PracticeID: practiceIDs[c.PracticeODS], Name: c.Name, Role: c.Role, Phone: c.Phone, Email: c.Email,
			Hours: c.Hours, Duty: c.Duty}); err != nil {
			return nil, fmt.Errorf("contact %s of %s: %w", c.Role, c.TeamKey, err)
		}
	}
	rows := make([]store.PostcodeRow, 0, len(dir.Postcodes))
	for _, p := range dir.Postcodes {
		rows = append(rows, store.PostcodeRow{Postcode: p.Postcode, LocalAuthority: p.LocalAuthorityGSS})
	}
	if err := st.UpsertPostcodes(ctx, sys, rows); err != nil {
		return nil, fmt.Errorf("postcodes: %w", err)
	}
	return services, st.RecordPostcodeImport(ctx, sys, len(rows))
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
