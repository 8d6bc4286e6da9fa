package demo

import (
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/joinedup/joinedup/internal/care"
)

func index[T any](xs []T, key func(T) string) map[string]T {
	m := make(map[string]T, len(xs))
	for _, x := range xs {
		m[key(x)] = x
	}
	return m
}

func TestGenerateIsDeterministic(t *testing.T) {
	t.Parallel()
	a, b := Generate(7), Generate(7)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("Generate(7) differs between two calls")
	}
	c := Generate(8)
	if !reflect.DeepEqual(a.Organisations, c.Organisations) || !reflect.DeepEqual(a.Teams, c.Teams) || !reflect.DeepEqual(a.Users, c.Users) {
		t.Error("organisations, teams and users depend on the seed; only people should")
	}
	same := 0
	for i := range a.People {
		p, q := a.People[i], c.People[i]
		if p.GivenName == q.GivenName && p.FamilyName == q.FamilyName && p.DateOfBirth == q.DateOfBirth {
			same++
		}
	}
	if same > len(a.People)/10 {
		t.Errorf("seeds 7 and 8 share %d of %d people", same, len(a.People))
	}
}

func TestOrganisations(t *testing.T) {
	t.Parallel()
	d := Generate(1)
	orgs := index(d.Organisations, func(o Organisation) string { return o.Key })
	if len(orgs) != len(d.Organisations) {
		t.Fatal("organisation keys are not unique")
	}
	for _, tc := range []struct {
		key, kind, name, gss, ods, la string
	}{
		{"icb-north-east-london", OrgICB, "NHS North East London Integrated Care Board", "E54000029", "", ""},
		{"icb-south-east-london", OrgICB, "NHS South East London Integrated Care Board", "E54000030", "", ""},
		{"council-hackney", OrgLocalAuthority, "London Borough of Hackney", "E09000012", "", "E09000012"},
		{"council-croydon", OrgLocalAuthority, "London Borough of Croydon", "E09000008", "", "E09000008"},
		{"council-lewisham", OrgLocalAuthority, "London Borough of Lewisham", "E09000023", "", "E09000023"},
		{"council-city-of-london", OrgLocalAuthority, "City of London Corporation", "E09000001", "", "E09000001"},
		{"community-health-hackney", OrgNHSTrust, "Hackney Community Health Services", "", "", "E09000012"},
		{"vcs-lewisham", OrgVCS, "Lewisham Community Wellbeing Partnership", "", "", "E09000023"},
		{"practice-F84003", OrgGPPractice, "Lower Clapton Group Practice", "", "F84003", "E09000012"},
		{"practice-F84640", OrgGPPractice, "The Neaman Practice", "", "F84640", "E09000001"},
		{"practice-H83012", OrgGPPractice, "St. James's Medical Centre", "", "H83012", "E09000008"},
		{"practice-G85104", OrgGPPractice, "ICO Health Group", "", "G85104", "E09000023"},
	} {
		o, ok := orgs[tc.key]
		if !ok {
			t.Errorf("no organisation %s", tc.key)
			continue
		}
		got := [5]string{o.Kind, o.Name, o.GSSCode, o.ODSCode, o.LocalAuthorityGSS}
		want := [5]string{tc.kind, tc.name, tc.gss, tc.ods, tc.la}
		if got != want {
			t.Errorf("%s: kind, name, GSS, ODS, LA = %q, want %q", tc.key, got, want)
		}
	}

	lc := orgs["practice-F84003"]
	if lc.Postcode != "E5 0PQ" || lc.Phone != "020 8986 7111" ||
		strings.Join(lc.Address, ", ") != "Lower Clapton Health Ctr., 36 Lower Clapton Road, Clapton, London" {
		t.Errorf("Lower Clapton: %q %q %q", lc.Address, lc.Postcode, lc.Phone)
	}

	kinds := map[string]int{}
	for _, o := range d.Organisations {
		kinds[o.Kind]++
		if o.Kind == OrgGPPractice && (o.ODSCode == "" || o.Postcode == "" || o.LocalAuthorityGSS == "") {
			t.Errorf("practice %s lacks ODS code, postcode or local authority", o.Key)
		}
		if o.Kind != OrgGPPractice && o.ODSCode != "" {
			t.Errorf("%s is generic but has ODS code %s", o.Key, o.ODSCode)
		}
	}
	want := map[string]int{OrgICB: 2, OrgLocalAuthority: 4, OrgNHSTrust: 3, OrgVCS: 3, OrgGPPractice: 126}
	if !reflect.DeepEqual(kinds, want) {
		t.Errorf("organisations by kind %v, want %v", kinds, want)
	}
}

func TestTeams(t *testing.T) {
	t.Parallel()
	d := Generate(1)
	orgs := index(d.Organisations, func(o Organisation) string { return o.Key })
	teams := index(d.Teams, func(t Team) string { return t.Key })
	if len(teams) != len(d.Teams) {
		t.Fatal("team keys are not unique")
	}
	kindsIn := map[string]map[string]int{} // LA GSS → team kind → count
	for _, tm := range d.Teams {
		o, ok := orgs[tm.OrgKey]
		if !ok {
			t.Errorf("team %s belongs to unknown organisation %s", tm.Key, tm.OrgKey)
			continue
		}
		if !strings.HasPrefix(tm.Key, tm.OrgKey+"/") || tm.Name == "" || tm.Kind == "" {
			t.Errorf("team %+v: want key under its organisation, a name and a kind", tm)
		}
		if kindsIn[o.LocalAuthorityGSS] == nil {
			kindsIn[o.LocalAuthorityGSS] = map[string]int{}
		}
		kindsIn[o.LocalAuthorityGSS][tm.Kind]++
	}
	for _, o := range d.Organisations {
		if o.Kind != OrgGPPractice {
			continue
		}
		tm, ok := teams[o.Key+"/practice"]
		if !ok || tm.Kind != TeamPractice || tm.Name != o.Name+" team" || strings.Contains(strings.ToLower(tm.Name), "practice practice") {
			t.Errorf("practice %s: team %+v", o.Key, tm)
		}
	}
	for _, gss := range []string{gssHackney, gssCroydon, gssLewisham} {
		for _, kind := range []string{
			TeamLocalitySocialWork, TeamDutySPA, TeamReablement, TeamOccupationalTherapy,
			TeamDistrictNursing, TeamSocialPrescribing, TeamPractice, TeamDigital,
		} {
			if kindsIn[gss][kind] == 0 {
				t.Errorf("%s has no %s team", gss, kind)
			}
		}
	}
	if got := teams["council-hackney/north-locality"].Name; got != "Hackney Adult Social Care – North Locality Team" {
		t.Errorf("Hackney north locality team is named %q", got)
	}
}

var demoEmail = regexp.MustCompile(`^[a-z]+(-[a-z]+)*@demo\.joinedup\.test$`)

func TestUsers(t *testing.T) {
	t.Parallel()
	d := Generate(1)
	teams := index(d.Teams, func(t Team) string { return t.Key })
	orgs := index(d.Organisations, func(o Organisation) string { return o.Key })
	if len(d.Users) != len(care.Roles) {
		t.Errorf("%d users for %d roles", len(d.Users), len(care.Roles))
	}
	byRole := map[care.Role]User{}
	emails := map[string]bool{}
	for _, u := range d.Users {
		if _, dup := byRole[u.Role]; dup {
			t.Errorf("role %s has two users", u.Role)
		}
		byRole[u.Role] = u
		if !demoEmail.MatchString(u.Email) || emails[u.Email] {
			t.Errorf("email %q is malformed or repeated", u.Email)
		}
		emails[u.Email] = true
		if want := strings.ReplaceAll(string(u.Role), "_", "-") + "@demo.joinedup.test"; u.Email != want {
			t.Errorf("role %s has email %q, want %q", u.Role, u.Email, want)
		}
		if u.Name == "" {
			t.Errorf("role %s has no name", u.Role)
		}
		if _, ok := teams[u.TeamKey]; !ok {
			t.Errorf("user %s is in unknown team %s", u.Email, u.TeamKey)
		}
	}

	practiceTeam := "practice-F84003/practice" // first Hackney practice by ODS code
	for _, tc := range []struct {
		role    care.Role
		team    string
		kind    string
		orgKind string
		borough string
	}{
		{care.RoleGP, practiceTeam, TeamPractice, OrgGPPractice, gssHackney},
		{care.RolePracticeManager, practiceTeam, TeamPractice, OrgGPPractice, gssHackney},
		{care.RolePracticeStaff, practiceTeam, TeamPractice, OrgGPPractice, gssHackney},
		{care.RoleMDTCoordinator, practiceTeam, TeamPractice, OrgGPPractice, gssHackney},
		{care.RoleSocialWorker, "council-hackney/north-locality", TeamLocalitySocialWork, OrgLocalAuthority, gssHackney},
		{care.RoleTeamManager, "council-hackney/north-locality", TeamLocalitySocialWork, OrgLocalAuthority, gssHackney},
		{care.RoleNurse, "community-health-hackney/district-nursing", TeamDistrictNursing, OrgNHSTrust, gssHackney},
		{care.RoleOccupationalTherapist, "council-hackney/occupational-therapy", TeamOccupationalTherapy, OrgLocalAuthority, gssHackney},
		{care.RoleCareNavigator, "vcs-hackney/social-prescribing", TeamSocialPrescribing, OrgVCS, gssHackney},
		{care.RoleOrgAdmin, "council-hackney/systems", TeamDigital, OrgLocalAuthority, gssHackney},
		{care.RolePrivacyOfficer, "icb-north-east-london/information-governance", TeamInformationGovernance, OrgICB, ""},
		{care.RoleAnalyst, "icb-north-east-london/insight", TeamInsight, OrgICB, ""},
		{care.RoleAdmin, "icb-north-east-london/digital", TeamDigital, OrgICB, ""},
	} {
		u, ok := byRole[tc.role]
		if !ok {
			t.Errorf("no user for role %s", tc.role)
			continue
		}
		tm := teams[u.TeamKey]
		o := orgs[tm.OrgKey]
		if u.TeamKey != tc.team || tm.Kind != tc.kind || o.Kind != tc.orgKind || o.LocalAuthorityGSS != tc.borough {
			t.Errorf("%s sits in %s (%s at %s %s in %q)", tc.role, u.TeamKey, tm.Kind, o.Kind, o.Key, o.LocalAuthorityGSS)
		}
	}
	if got := orgs["icb-north-east-london"].GSSCode; got != gssNorthEastICB {
		t.Errorf("North East London ICB has GSS %s", got)
	}
}

func TestDemoEmail(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		role care.Role
		want string
	}{
		{care.RoleSocialWorker, "social-worker@demo.joinedup.test"},
		{care.RoleGP, "gp@demo.joinedup.test"},
		{care.RoleOccupationalTherapist, "occupational-therapist@demo.joinedup.test"},
	} {
		if got := DemoEmail(tc.role); got != tc.want {
			t.Errorf("DemoEmail(%s) = %q, want %q", tc.role, got, tc.want)
		}
	}
}

// TestDemoWaitsAgree keeps each service's typical wait in step with its
// waiting list, so no demo page says "Waiting list: 6 to 12 weeks" beside a
// typical wait of something else.
func TestDemoWaitsAgree(t *testing.T) {
	waitlists := 0
	for _, sv := range Generate(1).Directory.Services {
		switch sv.Capacity {
		case care.CapacityWaitlist:
			waitlists++
			if !sv.WaitBand.Valid() || !strings.Contains(sv.TypicalWait, sv.WaitBand.Label()) {
				t.Errorf("%s: waiting list of %s, typical wait %q", sv.Name, sv.WaitBand.Label(), sv.TypicalWait)
			}
		default:
			if sv.WaitBand != "" {
				t.Errorf("%s: a wait band without a waiting list", sv.Name)
			}
			if strings.Contains(strings.ToLower(sv.TypicalWait), "waiting list") {
				t.Errorf("%s: typical wait %q, but no waiting list", sv.Name, sv.TypicalWait)
			}
		}
	}
	if waitlists < 2 {
		t.Errorf("%d demo services have a waiting list; the demo shows at least two", waitlists)
	}
}

// TestEveryDemoPostcodeHasItsCouncilArea checks that the demo's postcode
// directory places every postcode the demo uses in its council area, so a
// search for where a demo person lives, and the gap in service it may
// record, know the council area.
func TestEveryDemoPostcodeHasItsCouncilArea(t *testing.T) {
	d := Generate(1)
	known := map[string]string{}
	for _, p := range d.Directory.Postcodes {
		if prev, ok := known[p.Postcode]; ok && prev != p.LocalAuthorityGSS {
			t.Errorf("%s is in both %s and %s", p.Postcode, prev, p.LocalAuthorityGSS)
		}
		known[p.Postcode] = p.LocalAuthorityGSS
	}
	practiceLA := map[string]string{}
	for _, o := range d.Organisations {
		if o.Kind == OrgGPPractice {
			practiceLA[o.ODSCode] = o.LocalAuthorityGSS
		}
	}
	check := func(who, postcode, ods string) {
		if got, want := known[postcode], practiceLA[ods]; got == "" || got != want {
			t.Errorf("%s lives at %s, which the demo places in %q, not %q", who, postcode, got, want)
		}
	}
	for _, s := range d.Stories {
		check(s.Person.GivenName+" "+s.Person.FamilyName, s.Person.Postcode, s.Person.PracticeODS)
	}
	for _, p := range d.ReferralPeople {
		check(p.GivenName+" "+p.FamilyName, p.Postcode, p.PracticeODS)
	}
	for _, p := range d.People {
		check(string(p.NHSNumber), p.Postcode, p.PracticeODS)
	}
	for _, sv := range d.Directory.Services {
		if known[sv.Postcode] == "" {
			t.Errorf("%s is based at %s, which the demo's postcode directory does not know", sv.Name, sv.Postcode)
		}
	}
	if known["E5 0PQ"] != gssHackney {
		t.Errorf("E5 0PQ, where most demo stories live, is in %q", known["E5 0PQ"])
	}
}
