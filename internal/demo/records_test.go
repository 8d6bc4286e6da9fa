package demo

import (
	"context"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/store"
	"github.com/joinedup/joinedup/internal/store/storetest"
)

func TestContactsAreDeterministicAndFictional(t *testing.T) {
	t.Parallel()
	a, b := Generate(3), Generate(3)
	if !reflect.DeepEqual(a.PersonContacts, b.PersonContacts) {
		t.Fatal("contacts differ between two calls with one seed")
	}
	if len(a.PersonContacts) != len(a.People) {
		t.Fatalf("%d contacts for %d people", len(a.PersonContacts), len(a.People))
	}
	// Ofcom's ranges for drama: no real line answers them.
	fictional := regexp.MustCompile(`^(020 7946 0\d{3}|07700 900\d{3})$`)
	for i, c := range a.PersonContacts {
		if !fictional.MatchString(c.Phone) || !care.ValidPhone(c.Phone) {
			t.Errorf("person %d has phone %q", i, c.Phone)
		}
		if c.Address == "" || c.Language == "" || c.Preference == "" {
			t.Errorf("person %d has contact %+v", i, c)
		}
	}
	if reflect.DeepEqual(a.PersonContacts, Generate(4).PersonContacts) {
		t.Error("contacts do not depend on the seed")
	}
}

func TestStoriesAreValid(t *testing.T) {
	t.Parallel()
	d := Generate(1)
	users := map[care.Role]bool{}
	for _, u := range d.Users {
		users[u.Role] = true
	}
	generated := map[care.NHSNumber]bool{}
	for _, p := range d.People {
		generated[p.NHSNumber] = true
	}
	today := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for _, s := range d.Stories {
		name := s.Person.GivenName + " " + s.Person.FamilyName
		p := care.Person{NHSNumber: s.Person.NHSNumber, GivenName: s.Person.GivenName, FamilyName: s.Person.FamilyName,
			DateOfBirth: s.Person.DateOfBirth, Address: s.Address, Postcode: s.Person.Postcode, RegisteredPracticeID: "practice",
			Phone: s.Phone, ContactPreference: s.Preference, Language: s.Language, AccessibleFormats: s.Formats}
		if errs := care.ValidatePerson(p, today); len(errs) > 0 {
			t.Errorf("%s: %+v", name, errs)
		}
		if !strings.HasPrefix(string(s.Person.NHSNumber), "999") || generated[s.Person.NHSNumber] {
			t.Errorf("%s has NHS number %s", name, s.Person.NHSNumber)
		}
		if s.Explore == "" {
			t.Errorf("%s: joinedup demo would print nothing to explore", name)
		}
		coordinators := 0
		inTeam := map[care.Role]bool{}
		for _, m := range s.Team {
			if m.Coordinator {
				coordinators++
			}
			if m.Role != "" {
				inTeam[m.Role] = true
				if !users[m.Role] {
					t.Errorf("%s: no demo user is a %s", name, m.Role)
				}
			}
		}
		if coordinators != 1 {
			t.Errorf("%s has %d coordinators", name, coordinators)
		}
		if !inTeam[s.PlanBy] {
			t.Errorf("%s: the plan's author (%s) is not in the care team", name, s.PlanBy)
		}
		for _, a := range s.Alerts {
			if errs := care.ValidateAlert(care.Alert{Kind: a.Kind, Sensitivity: a.Sensitivity, Description: a.Description}); len(errs) > 0 {
				t.Errorf("%s: alert %+v", name, errs)
			}
			if !care.CanSeeAlert(care.Actor{UserID: "u", Acting: care.Membership{Role: a.By}}, a.Sensitivity) {
				t.Errorf("%s: a %s cannot add a %s alert", name, a.By, a.Sensitivity)
			}
		}
		for key, fields := range s.Plan {
			spec, ok := care.SectionFor(key)
			if !ok || len(care.ValidateSection(spec, fields)) > 0 {
				t.Errorf("%s: plan section %s is not valid", name, key)
			}
		}
		for _, a := range s.Actions {
			switch a.Owner {
			case "person":
			case "carer":
				if len(s.Carers) == 0 {
					t.Errorf("%s: an action for a carer, and no carers", name)
				}
			default:
				if !inTeam[care.Role(a.Owner)] {
					t.Errorf("%s: an action for %s, who is not in the care team", name, a.Owner)
				}
			}
		}
	}
}

// TestLoadedStoriesGiveTheDemoJourneys loads the demo and checks that its
// users stand towards the story people as the demo promises.
func TestLoadedStoriesGiveTheDemoJourneys(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, testLoadedStoriesGiveTheDemoJourneys)
}

func testLoadedStoriesGiveTheDemoJourneys(t *testing.T, st *store.Store) {
	ctx := context.Background()
	ds := Generate(20260401)
	if err := Load(ctx, st, ds, func(string) (string, error) { return "not a real hash", nil }); err != nil {
		t.Fatal(err)
	}
	actor := func(r care.Role) care.Actor {
		u, err := st.UserByEmail(ctx, DemoEmail(r))
		if err != nil {
			t.Fatal(err)
		}
		return care.Actor{UserID: u.ID, Name: u.Name, Acting: u.Memberships[0], Memberships: u.Memberships}
	}
	sw, gp, staff := actor(care.RoleSocialWorker), actor(care.RoleGP), actor(care.RolePracticeStaff)
	mine, err := st.MyPeople(ctx, sw)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	ids := map[string]string{}
	for _, p := range mine {
		names = append(names, p.FullName())
		ids[p.FullName()] = p.ID
	}
	for _, want := range []string{"Dorothy Hartley", "Ruth Feldman", "Kemal Aydin", "Patricia Nolan"} {
		if !slices.Contains(names, want) {
			t.Errorf("the social worker's caseload %v lacks %s", names, want)
		}
	}
	dorothy, err := st.PersonRecord(ctx, sw, ids["Dorothy Hartley"])
	if err != nil || dorothy.Coordinator.Name != "Priya Chauhan" || len(dorothy.Carers) != 2 || len(dorothy.Alerts) != 2 || dorothy.AboutMe.Empty() {
		t.Errorf("Dorothy's record = %+v, %v", dorothy, err)
	}
	plan, err := st.Plan(ctx, sw, ids["Dorothy Hartley"])
	if err != nil || len(plan.Plan.Actions) != 4 || plan.Plan.Section(care.SectionReview).Value("review_date") == "" {
		t.Errorf("Dorothy's plan = %+v, %v", plan.Plan, err)
	}
	if kemal, err := st.PersonRecord(ctx, sw, ids["Kemal Aydin"]); err != nil || kemal.Access != care.AccessExistence {
		t.Errorf("Kemal objects, yet the social worker sees %v (%v)", kemal.Access, err)
	}
	if _, err := st.PersonRecord(ctx, gp, ids["Patricia Nolan"]); !care.IsKind(err, care.KindForbidden) {
		t.Errorf("the demo GP sees Patricia without a relationship: %v", err)
	}
	if ruth, err := st.PersonRecord(ctx, staff, ids["Ruth Feldman"]); err != nil || ruth.HiddenAlerts != 1 {
		t.Errorf("practice staff see Ruth's sensitive alert: %+v, %v", ruth.Alerts, err)
	}
	if _, err := st.VerifyAudit(ctx, time.Hour); err != nil {
		t.Errorf("the demo's audit trail does not verify: %v", err)
	}
}
