package demo

import (
	"slices"
	"strings"

	"github.com/joinedup/joinedup/internal/care"
)

// Organisation kinds.
const (
	OrgGPPractice     = "gp_practice"
	OrgLocalAuthority = "local_authority"
	OrgNHSTrust       = "nhs_trust"
	OrgICB            = "icb"
	OrgVCS            = "vcs"
)

// Team kinds.
const (
	TeamLocalitySocialWork    = "locality_social_work"
	TeamDutySPA               = "duty_spa"
	TeamReablement            = "reablement"
	TeamOccupationalTherapy   = "occupational_therapy"
	TeamDistrictNursing       = "district_nursing"
	TeamSocialPrescribing     = "social_prescribing"
	TeamPractice              = "practice"
	TeamDigital               = "digital"
	TeamInformationGovernance = "information_governance"
	TeamInsight               = "insight"
)

// DemoPassword is the password of every demo user. The demo is for
// exploring on one's own machine; it must never be deployed with real data.
const DemoPassword = "demo-password"

// DemoEmailDomain is the mail domain of the demo users. .test is reserved
// (RFC 2606), so no message can ever reach a real mailbox.
const DemoEmailDomain = "demo.joinedup.test"

// Organisation is a real or generic organisation of the demo area.
type Organisation struct {
	Key     string // stable within the dataset, e.g. "practice-F84003"
	Name    string
	Kind    string // one of the Org* constants
	ODSCode string // real ODS code for GP practices; empty for generic organisations
	GSSCode string // ONS code for local authorities and ICBs
	// Address lines, without the postcode; empty when not known.
	Address  []string
	Postcode string
	Phone    string
	// LocalAuthorityGSS is the local authority the organisation sits in;
	// empty for ICBs, which span several.
	LocalAuthorityGSS string
}

// Team is a team within an organisation; users act for teams.
type Team struct {
	Key    string // e.g. "council-hackney/north-locality"
	OrgKey string
	Name   string
	Kind   string // one of the Team* constants
}

// User is a demo account. Every user's password is DemoPassword.
type User struct {
	Email   string
	Name    string
	Role    care.Role
	TeamKey string
}

// Person is a fictional person known to health and care services.
type Person struct {
	NHSNumber   care.NHSNumber // from the 999 range, never issued to patients
	GivenName   string
	FamilyName  string
	DateOfBirth string // YYYY-MM-DD
	Postcode    string // a real postcode in the person's borough
	PracticeODS string // the practice they are registered with, in their borough
}

// Dataset is everything a demo area needs.
type Dataset struct {
	Organisations []Organisation
	Teams         []Team
	Users         []User
	People        []Person
	// Directory is the demo area's services, contacts, team details and
	// known postcodes.
	Directory Directory
	// PersonContacts holds each person's address and phone, in People's order.
	PersonContacts []PersonContact
	// Stories are people with whole records: care teams, plans, alerts.
	Stories []Story
	// ReferralPeople are the people the demo's referrals are about, and
	// Referrals the referrals, at every stage of their lives.
	ReferralPeople []ReferralPerson
	Referrals      []ReferralStory
}

// DemoPeople is how many people Generate invents.
const DemoPeople = 120

// borough is one local authority of the demo area.
type borough struct {
	slug         string // used in keys
	gss          string
	council      string // the council's own name
	commissioner string // the 2020 CCG whose practices are in the borough
	icbGSS       string
	services     bool // whether the demo gives it care teams and people
}

const (
	gssHackney      = "E09000012"
	gssCroydon      = "E09000008"
	gssLewisham     = "E09000023"
	gssCityOfLondon = "E09000001"
	gssNorthEastICB = "E54000029"
	gssSouthEastICB = "E54000030"

	// cityOfLondonPractice is the one practice of City and Hackney CCG
	// (The Neaman Practice, EC1A) that is in the City rather than in Hackney.
	cityOfLondonPractice = "F84640"
)

func boroughs() []borough {
	return []borough{
		{slug: "hackney", gss: gssHackney, council: "London Borough of Hackney", commissioner: "07T", icbGSS: gssNorthEastICB, services: true},
		{slug: "croydon", gss: gssCroydon, council: "London Borough of Croydon", commissioner: "07V", icbGSS: gssSouthEastICB, services: true},
		{slug: "lewisham", gss: gssLewisham, council: "London Borough of Lewisham", commissioner: "08L", icbGSS: gssSouthEastICB, services: true},
		{slug: "city-of-london", gss: gssCityOfLondon, council: "City of London Corporation", icbGSS: gssNorthEastICB},
	}
}

type icb struct {
	slug string
	gss  string
}

func icbs() []icb {
	return []icb{
		{slug: "north-east-london", gss: gssNorthEastICB},
		{slug: "south-east-london", gss: gssSouthEastICB},
	}
}

// practiceLocalAuthority is the GSS code of the local authority a practice
// is in. London CCGs in 2020 matched borough boundaries, except City and
// Hackney CCG, which covered two.
func practiceLocalAuthority(p practice) string {
	if p.ODSCode == cityOfLondonPractice {
		return gssCityOfLondon
	}
	for _, b := range boroughs() {
		if b.commissioner != "" && b.commissioner == p.Commissioner {
			return b.gss
		}
	}
	return ""
}

func councilKey(b borough) string   { return "council-" + b.slug }
func icbKey(i icb) string           { return "icb-" + i.slug }
func practiceKey(ods string) string { return "practice-" + ods }

// shortICBName turns "NHS North East London Integrated Care Board" into
// "NHS North East London", as ICBs name themselves in team names.
func shortICBName(name string) string {
	return strings.TrimSpace(strings.TrimSuffix(name, "Integrated Care Board"))
}

// Generate builds the demo area: the real organisations of Hackney, Croydon
// and Lewisham with generic care teams, one demo user for each role, and
// DemoPeople fictional people. Only the people depend on seed; they are the
// first DemoPeople of People(seed, DemoPeople).
func Generate(seed uint64) Dataset {
	e := mustLoad()
	var d Dataset
	addTeam := func(orgKey, slug, name, kind string) {
		d.Teams = append(d.Teams, Team{Key: orgKey + "/" + slug, OrgKey: orgKey, Name: name, Kind: kind})
	}

	for _, i := range icbs() {
		name := e.areas[i.gss]
		key := icbKey(i)
		d.Organisations = append(d.Organisations, Organisation{Key: key, Name: name, Kind: OrgICB, GSSCode: i.gss})
		short := shortICBName(name)
		addTeam(key, "information-governance", short+" – Information Governance Team", TeamInformationGovernance)
		addTeam(key, "insight", short+" – Population Health Insight Team", TeamInsight)
		addTeam(key, "digital", short+" – Digital Services Team", TeamDigital)
	}

	for _, b := range boroughs() {
		key := councilKey(b)
		d.Organisations = append(d.Organisations, Organisation{
			Key: key, Name: b.council, Kind: OrgLocalAuthority, GSSCode: b.gss, LocalAuthorityGSS: b.gss,
		})
		if !b.services {
			continue
		}
		place := e.areas[b.gss]
		asc := place + " Adult Social Care – "
		addTeam(key, "north-locality", asc+"North Locality Team", TeamLocalitySocialWork)
		addTeam(key, "south-locality", asc+"South Locality Team", TeamLocalitySocialWork)
		addTeam(key, "duty-spa", asc+"Single Point of Access (duty)", TeamDutySPA)
		addTeam(key, "reablement", place+" Reablement Service", TeamReablement)
		addTeam(key, "occupational-therapy", place+" Occupational Therapy Team", TeamOccupationalTherapy)
		addTeam(key, "systems", asc+"Systems and Business Support Team", TeamDigital)
	}

	// Generic providers, named after the place so no one mistakes them for
	// a real trust or charity.
	for _, b := range boroughs() {
		if !b.services {
			continue
		}
		place := e.areas[b.gss]
		chs := "community-health-" + b.slug
		chsName := place + " Community Health Services"
		d.Organisations = append(d.Organisations, Organisation{Key: chs, Name: chsName, Kind: OrgNHSTrust, LocalAuthorityGSS: b.gss})
		addTeam(chs, "district-nursing", chsName+" – District Nursing Team", TeamDistrictNursing)
	}
	for _, b := range boroughs() {
		if !b.services {
			continue
		}
		place := e.areas[b.gss]
		vcs := "vcs-" + b.slug
		vcsName := place + " Community Wellbeing Partnership"
		d.Organisations = append(d.Organisations, Organisation{Key: vcs, Name: vcsName, Kind: OrgVCS, LocalAuthorityGSS: b.gss})
		addTeam(vcs, "social-prescribing", vcsName+" – Social Prescribing Link Workers", TeamSocialPrescribing)
	}

	for _, p := range e.practices {
		key := practiceKey(p.ODSCode)
		name := titleCase(p.Name)
		addr := make([]string, len(p.Address))
		for i, a := range p.Address {
			addr[i] = titleCase(a)
		}
		d.Organisations = append(d.Organisations, Organisation{
			Key: key, Name: name, Kind: OrgGPPractice, ODSCode: p.ODSCode,
			Address: addr, Postcode: p.Postcode, Phone: formatPhone(p.Phone),
			LocalAuthorityGSS: practiceLocalAuthority(p),
		})
		// "Lower Clapton Group Practice team", not "… Practice practice team".
		addTeam(key, "practice", name+" team", TeamPractice)
	}

	d.Directory = makeDirectory(e)
	d.Users = demoUsers(demoPracticeODS(e.practices))
	d.People = slices.Collect(People(seed, DemoPeople))
	d.PersonContacts = contacts(seed, d.People)
	d.Stories = stories(demoPracticeODS(e.practices))
	d.ReferralPeople = referralPeople(demoPracticeODS(e.practices))
	d.Referrals = referralStories()
	history := historyPeople(demoPracticeODS(e.practices), len(d.ReferralPeople))
	d.Referrals = append(d.Referrals, historyStories(history, len(d.ReferralPeople))...)
	d.ReferralPeople = append(d.ReferralPeople, history...)
	d.Directory.Postcodes = knownPostcodes(e, d)
	return d
}

// knownPostcodes adds to the directory's postcodes every other postcode the
// demo uses, where people live and where services are based, each in its
// council area: a search for one of them then knows the council area, and
// so does the gap in service it may record.
func knownPostcodes(e embedded, d Dataset) []Postcode {
	out := slices.Clone(d.Directory.Postcodes)
	known := map[string]bool{}
	for _, p := range out {
		known[p.Postcode] = true
	}
	add := func(postcode, gss string) {
		if postcode != "" && gss != "" && !known[postcode] {
			known[postcode] = true
			out = append(out, Postcode{Postcode: postcode, LocalAuthorityGSS: gss})
		}
	}
	practiceLA := map[string]string{}
	for _, p := range e.practices {
		practiceLA[p.ODSCode] = practiceLocalAuthority(p)
	}
	for _, s := range d.Stories {
		add(s.Person.Postcode, practiceLA[s.Person.PracticeODS])
	}
	for _, p := range d.ReferralPeople {
		add(p.Postcode, practiceLA[p.PracticeODS])
	}
	for _, p := range d.People {
		add(p.Postcode, practiceLA[p.PracticeODS])
	}
	bds := boroughDirectories()
	for _, b := range boroughs() {
		if bd, ok := bds[b.gss]; ok {
			add(bd.postcode, b.gss)
		}
	}
	return out
}

// demoPracticeODS is the Hackney practice whose team the practice users
// join: the first by ODS code, so it stays put when the extract changes
// elsewhere.
func demoPracticeODS(ps []practice) string {
	best := ""
	for _, p := range ps {
		if practiceLocalAuthority(p) == gssHackney && (best == "" || p.ODSCode < best) {
			best = p.ODSCode
		}
	}
	return best
}

// demoUsers places one fictional user per role in the Hackney team where
// someone in that role works.
func demoUsers(practiceODS string) []User {
	practiceTeam := practiceKey(practiceODS) + "/practice"
	hackney := councilKey(boroughs()[0])
	nel := icbKey(icbs()[0])
	at := map[care.Role]struct{ name, team string }{
		care.RoleGP:                    {"Amara Okafor", practiceTeam},
		care.RolePracticeManager:       {"Helen Whitfield", practiceTeam},
		care.RolePracticeStaff:         {"Tomasz Nowak", practiceTeam},
		care.RoleMDTCoordinator:        {"Chloe Bennett", practiceTeam},
		care.RoleSocialWorker:          {"Priya Chauhan", hackney + "/north-locality"},
		care.RoleTeamManager:           {"Marcus Campbell", hackney + "/north-locality"},
		care.RoleNurse:                 {"Grace Mensah", "community-health-hackney/district-nursing"},
		care.RoleOccupationalTherapist: {"Siobhan Doyle", hackney + "/occupational-therapy"},
		care.RoleCareNavigator:         {"Yusuf Demir", "vcs-hackney/social-prescribing"},
		care.RoleOrgAdmin:              {"Olusegun Adeyemi", hackney + "/systems"},
		care.RolePrivacyOfficer:        {"Daniel Levy", nel + "/information-governance"},
		care.RoleAnalyst:               {"Mei Lin Wong", nel + "/insight"},
		care.RoleAdmin:                 {"Sam Fletcher", nel + "/digital"},
	}
	users := make([]User, 0, len(care.Roles))
	for _, r := range care.Roles {
		u, ok := at[r]
		if !ok {
			// A role added to care without a demo user here: the tests
			// catch it; the demo still works without that user.
			continue
		}
		users = append(users, User{Email: DemoEmail(r), Name: u.name, Role: r, TeamKey: u.team})
	}
	return users
}

// DemoEmail is the sign-in address of the demo user holding role r, such as
// social-worker@demo.joinedup.test.
func DemoEmail(r care.Role) string {
	return strings.ReplaceAll(string(r), "_", "-") + "@" + DemoEmailDomain
}
