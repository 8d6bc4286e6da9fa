package demo

import (
	"fmt"
	"slices"

	"github.com/joinedup/joinedup/internal/care"
)

// This file makes the demo area's directory: the services its teams run,
// their named contacts and duty lines, and which teams cover which GP
// practices. The services are generic (every borough gets the same kinds)
// but are written so that the directory's journeys work in the demo: a GP
// in Hackney searching for help with washing and dressing finds Hackney's
// reablement service, with a named duty contact, and sees Croydon's and
// Lewisham's as out of area.
//
// Phone numbers come from the range Ofcom keeps for drama (020 7946 0000 to
// 0999), so no demo number rings anyone. Email addresses use the reserved
// .test domain. The staff names are invented.

// Service is a directory service of the demo area.
type Service struct {
	Key     string // e.g. "council-hackney/reablement/reablement"
	OrgKey  string
	TeamKey string
	Name    string
	// Description says what the service does.
	Description string
	Needs       []string
	Eligibility care.Eligibility
	// Catchment names practices by ODS code; the loader keeps it so.
	Catchment   []care.CatchmentArea
	Referral    care.Referral
	TypicalWait string
	Capacity    care.CapacityState
	WaitBand    care.WaitBand
	Hours       string
	Postcode    string
	// VerifiedDaysAgo is how long before loading the entry was last
	// checked, so the demo shows fresh, due and stale badges whenever it is
	// made.
	VerifiedDaysAgo int
}

// Contact is a named person or duty line of a demo team.
type Contact struct {
	TeamKey    string
	ServiceKey string // "" for the whole team
	// PracticeODS links the contact to one practice, as its named worker.
	PracticeODS string
	Name        string
	Role        string
	Phone       string
	Email       string
	Hours       string
	Duty        bool
}

// TeamDetails are the directory details of a demo team.
type TeamDetails struct {
	TeamKey     string
	Description string
	Phone       string
	Email       string
	Hours       string
	// Practices are the ODS codes of the practices the team covers.
	Practices       []string
	VerifiedDaysAgo int
}

// Postcode is a postcode known to be in a local authority, for the demo's
// small postcode directory.
type Postcode struct {
	Postcode          string
	LocalAuthorityGSS string
}

// Directory is the demo area's directory.
type Directory struct {
	Services  []Service
	Contacts  []Contact
	Teams     []TeamDetails
	Postcodes []Postcode
}

// boroughDirectory holds what differs between boroughs.
type boroughDirectory struct {
	number   int    // hundreds digit of the borough's drama phone numbers
	postcode string // the council's main office, where its services are based
	// capacity, wait and freshness of reablement, which the demo contrasts.
	reablementCapacity care.CapacityState
	reablementBand     care.WaitBand
	reablementWait     string
	reablementVerified int
	// staff are invented names for the named contacts, in a fixed order.
	staff []string
}

func boroughDirectories() map[string]boroughDirectory {
	return map[string]boroughDirectory{
		gssHackney: {number: 1, postcode: "E8 1DY", reablementCapacity: care.CapacityAccepting, reablementVerified: 12,
			reablementWait: "Usually starts within 2 working days",
			staff:          []string{"Funmilayo Adebayo", "Rachel Goldberg", "Kwame Mensah", "Aisha Rahman", "Tom Whitaker", "Leyla Yilmaz", "Nadia Hussain", "Joe Brennan", "Grace Adeyemi"}},
		gssCroydon: {number: 2, postcode: "CR0 1EA", reablementCapacity: care.CapacityWaitlist, reablementBand: care.Wait2To6Weeks, reablementVerified: 40,
			reablementWait: "Waiting list: usually starts in 2 to 6 weeks",
			staff:          []string{"Michelle Osei", "Ravi Patel", "Claire Dunn", "Samuel Boateng", "Priya Nair", "Gemma Lord", "Oluwaseun Bello", "Dylan Price", "Hannah Moss"}},
		gssLewisham: {number: 3, postcode: "SE6 4RU", reablementCapacity: care.CapacityAccepting, reablementVerified: 100,
			reablementWait: "Usually starts within 2 working days",
			staff:          []string{"Janet Clarke", "Emeka Obi", "Sinead Walsh", "Marcus Reid", "Halima Ali", "Ben Carter", "Chen Wei", "Rosa Martins", "Tariq Mahmood"}},
	}
}

func phone(number, n int) string { return fmt.Sprintf("020 7946 0%d%02d", number, n) }

const (
	mustIncludeAssessment = "What the person needs help with and what has changed; whether they agree to the referral " +
		"(or why they could not be asked); any risks to them, to others or to visiting staff; who else is involved, " +
		"including carers."
	officeHours = "mon 09:00-17:00; tue 09:00-17:00; wed 09:00-17:00; thu 09:00-17:00; fri 09:00-17:00; bank-holidays closed"
	everyDay    = "mon 08:00-20:00; tue 08:00-20:00; wed 08:00-20:00; thu 08:00-20:00; fri 08:00-20:00; sat 08:00-20:00; sun 08:00-20:00; bank-holidays open"
	nursingDay  = "mon 08:00-22:00; tue 08:00-22:00; wed 08:00-22:00; thu 08:00-22:00; fri 08:00-22:00; sat 08:00-22:00; sun 08:00-22:00; bank-holidays open"
)

// makeDirectory builds the directory of the boroughs that have services.
func makeDirectory(e embedded) Directory {
	var dir Directory
	bds := boroughDirectories()
	for _, b := range boroughs() {
		for _, p := range e.practices {
			if practiceLocalAuthority(p) == b.gss {
				dir.Postcodes = append(dir.Postcodes, Postcode{Postcode: p.Postcode, LocalAuthorityGSS: b.gss})
			}
		}
		if !b.services {
			continue
		}
		bd := bds[b.gss]
		place := e.areas[b.gss]
		council := councilKey(b)
		la := []care.CatchmentArea{{Kind: care.CatchLocalAuthority, Code: b.gss}}
		var practices []string
		for _, p := range e.practices {
			if practiceLocalAuthority(p) == b.gss {
				practices = append(practices, p.ODSCode)
			}
		}
		slices.Sort(practices)
		var byPractice []care.CatchmentArea
		for _, ods := range practices {
			byPractice = append(byPractice, care.CatchmentArea{Kind: care.CatchPractice, Code: ods})
		}
		email := func(slug string) string { return slug + "." + b.slug + "@" + DemoEmailDomain }
		staff := bd.staff

		// Council teams.
		spa := council + "/duty-spa"
		dir.Teams = append(dir.Teams,
			TeamDetails{TeamKey: spa, Description: "The front door to adult social care in " + place +
				": advice, assessments of care and support needs, carers' assessments and safeguarding concerns.",
				Phone: phone(bd.number, 10), Email: email("adultsocialcare"), Hours: officeHours, VerifiedDaysAgo: 20},
			TeamDetails{TeamKey: council + "/north-locality", Description: "Social workers for adults living in the north of " + place + ".",
				Phone: phone(bd.number, 20), Email: email("north.locality"), Hours: officeHours,
				Practices: practices[:len(practices)/2], VerifiedDaysAgo: 130},
			TeamDetails{TeamKey: council + "/south-locality", Description: "Social workers for adults living in the south of " + place + ".",
				Phone: phone(bd.number, 30), Email: email("south.locality"), Hours: officeHours,
				Practices: practices[len(practices)/2:], VerifiedDaysAgo: 45},
			TeamDetails{TeamKey: council + "/reablement", Description: "Short-term help at home to relearn everyday skills after an illness, a fall or a hospital stay.",
				Phone: phone(bd.number, 40), Email: email("reablement"), Hours: everyDay, VerifiedDaysAgo: bd.reablementVerified},
			TeamDetails{TeamKey: council + "/occupational-therapy", Description: "Occupational therapists who assess for equipment and adaptations at home.",
				Phone: phone(bd.number, 50), Email: email("ot"), Hours: officeHours, VerifiedDaysAgo: 200},
		)
		dir.Contacts = append(dir.Contacts,
			Contact{TeamKey: spa, Role: "Adult social care duty line", Phone: phone(bd.number, 10), Email: email("adultsocialcare"),
				Hours: "Monday to Friday, 9am to 5pm", Duty: true},
			Contact{TeamKey: spa, Name: staff[1], Role: "Duty manager, Single Point of Access", Phone: phone(bd.number, 11),
				Email: email("spa.duty.manager"), Hours: "Monday to Friday, 9am to 5pm", Duty: true},
			Contact{TeamKey: council + "/north-locality", Role: "North locality duty social worker", Phone: phone(bd.number, 20),
				Hours: "Monday to Friday, 9am to 5pm", Duty: true},
			Contact{TeamKey: council + "/north-locality", Name: staff[2], Role: "Team manager", Phone: phone(bd.number, 21), Email: email("north.locality.manager")},
			Contact{TeamKey: council + "/south-locality", Role: "South locality duty social worker", Phone: phone(bd.number, 30),
				Hours: "Monday to Friday, 9am to 5pm", Duty: true},
			Contact{TeamKey: council + "/south-locality", Name: staff[3], Role: "Team manager", Phone: phone(bd.number, 31), Email: email("south.locality.manager")},
			Contact{TeamKey: council + "/reablement", Name: staff[0], Role: "Reablement duty coordinator", Phone: phone(bd.number, 41),
				Email: email("reablement.duty"), Hours: "Every day, 8am to 8pm", Duty: true},
			Contact{TeamKey: council + "/occupational-therapy", Role: "Occupational therapy duty line", Phone: phone(bd.number, 50),
				Hours: "Monday to Friday, 9am to 5pm", Duty: true},
		)
		// Each locality team has a named social worker for each practice it covers.
		for i, ods := range practices {
			team, who, n, slug := council+"/north-locality", staff[4], 22, "north.link"
			if i >= len(practices)/2 {
				team, who, n, slug = council+"/south-locality", staff[5], 32, "south.link"
			}
			dir.Contacts = append(dir.Contacts, Contact{TeamKey: team, PracticeODS: ods, Name: who,
				Role: "Link social worker for the practice", Phone: phone(bd.number, n), Email: email(slug)})
		}

		dir.Services = append(dir.Services,
			Service{Key: spa + "/assessment", OrgKey: council, TeamKey: spa,
				Name:        place + " Adult Social Care – assessment and support",
				Description: "Advice and information, assessments of care and support needs under the Care Act 2014, carers' assessments, and arranging care at home or in a care home.",
				Needs: []string{"personal-care", "home-care-and-reablement/home-care", "carers-support/carers-assessment",
					"care-homes-and-supported-housing/care-homes", "money-housing-and-benefits/paying-for-care", "safeguarding/abuse-and-neglect"},
				Eligibility: care.Eligibility{Text: "Adults (18 and over) who live in " + place + ", and their carers.", MinAge: 18},
				Catchment:   la,
				Referral: care.Referral{Methods: []care.ReferralMethod{care.ReferThroughJoinedup, care.ReferByPhone, care.ReferSelf},
					Phone: phone(bd.number, 10), MustInclude: mustIncludeAssessment},
				TypicalWait: "Urgent referrals the same working day; others within 10 working days",
				Capacity:    care.CapacityAccepting, Hours: officeHours, Postcode: bd.postcode, VerifiedDaysAgo: 20},
			Service{Key: council + "/reablement/reablement", OrgKey: council, TeamKey: council + "/reablement",
				Name:        place + " Reablement",
				Description: "Up to six weeks of free help at home from reablement workers, to relearn everyday skills such as washing, dressing and making meals after an illness, a fall or a stay in hospital.",
				Needs: []string{"personal-care/washing-and-dressing", "personal-care/eating-and-drinking", "personal-care/using-the-toilet",
					"home-care-and-reablement/reablement", "hospital-discharge/leaving-hospital", "mobility-and-falls/walking-and-strength"},
				Eligibility: care.Eligibility{Text: "Adults who live in " + place + " and could regain independence with short-term support. People who already have a long-term package of care should be referred for a review instead.", MinAge: 18},
				Catchment:   la,
				Referral: care.Referral{Methods: []care.ReferralMethod{care.ReferThroughJoinedup, care.ReferByPhone},
					Phone: phone(bd.number, 41), MustInclude: "What the person could do before and can do now; the goals they want to work towards; their medicines and any equipment in place; key safe or access details."},
				TypicalWait: bd.reablementWait,
				Capacity:    bd.reablementCapacity, WaitBand: bd.reablementBand,
				Hours: everyDay, Postcode: bd.postcode, VerifiedDaysAgo: bd.reablementVerified},
			Service{Key: council + "/occupational-therapy/equipment", OrgKey: council, TeamKey: council + "/occupational-therapy",
				Name:        place + " Occupational Therapy – equipment and adaptations",
				Description: "Assessment by an occupational therapist for daily living equipment, adaptations such as grab rails and level-access showers, and safe moving and handling.",
				Needs: []string{"equipment-and-adaptations/daily-living-equipment", "equipment-and-adaptations/home-adaptations",
					"mobility-and-falls/moving-and-handling", "mobility-and-falls/falls-prevention"},
				Eligibility: care.Eligibility{Text: "Adults who live in " + place + ".", MinAge: 18},
				Catchment:   la,
				Referral: care.Referral{Methods: []care.ReferralMethod{care.ReferThroughJoinedup, care.ReferByPhone},
					Phone: phone(bd.number, 50), MustInclude: "What the person is struggling with at home, any falls, and their height and weight if equipment may be needed."},
				TypicalWait: "Urgent within 5 working days; routine 6 to 12 weeks",
				Capacity:    care.CapacityWaitlist, WaitBand: care.Wait6To12Weeks,
				Hours: officeHours, Postcode: bd.postcode, VerifiedDaysAgo: 200},
		)

		// Each locality team takes referrals for the adults registered with
		// the practices it covers: the social work team a GP refers to.
		for _, loc := range []struct {
			slug, name string
			practices  []string
		}{{"north", "North", practices[:len(practices)/2]}, {"south", "South", practices[len(practices)/2:]}} {
			var areas []care.CatchmentArea
			for _, ods := range loc.practices {
				areas = append(areas, care.CatchmentArea{Kind: care.CatchPractice, Code: ods})
			}
			team := council + "/" + loc.slug + "-locality"
			dir.Services = append(dir.Services, Service{Key: team + "/social-work", OrgKey: council, TeamKey: team,
				Name:        place + " Adult Social Care – " + loc.name + " Locality social work",
				Description: "Social work for adults registered with a GP practice in the " + loc.slug + " of " + place + ": Care Act assessments of care and support needs, reviews, carers' assessments, and planning care with the person and their family.",
				Needs: []string{"personal-care", "carers-support/carers-assessment", "safeguarding/abuse-and-neglect",
					"care-homes-and-supported-housing/care-homes"},
				Eligibility: care.Eligibility{Text: "Adults (18 and over) registered with a GP practice the team covers, and their carers.", MinAge: 18},
				Catchment:   areas,
				Referral: care.Referral{Methods: []care.ReferralMethod{care.ReferThroughJoinedup, care.ReferByPhone},
					Phone: phone(bd.number, 20), MustInclude: mustIncludeAssessment},
				TypicalWait: "Acknowledged within a working day; assessments usually within 4 weeks",
				Capacity:    care.CapacityAccepting, Hours: officeHours, Postcode: bd.postcode, VerifiedDaysAgo: 15})
		}

		// Community health: district nursing for the registered lists of
		// the borough's practices.
		dn := "community-health-" + b.slug + "/district-nursing"
		dir.Teams = append(dir.Teams, TeamDetails{TeamKey: dn, Description: "District nurses who visit adults who are housebound.",
			Phone: phone(bd.number, 60), Email: email("districtnursing"), Hours: nursingDay, Practices: practices, VerifiedDaysAgo: 60})
		dir.Contacts = append(dir.Contacts,
			Contact{TeamKey: dn, Role: "District nursing single point of access", Phone: phone(bd.number, 60), Hours: "Every day, 8am to 10pm", Duty: true},
			Contact{TeamKey: dn, Name: staff[6], Role: "District nursing team lead", Phone: phone(bd.number, 61), Email: email("districtnursing.lead")})
		dir.Services = append(dir.Services, Service{Key: dn + "/district-nursing", OrgKey: "community-health-" + b.slug, TeamKey: dn,
			Name:        place + " District Nursing",
			Description: "Nursing care at home for adults who are housebound: wound and pressure care, help with medicines and injections, continence and catheter care, and care at the end of life.",
			Needs: []string{"nursing-care/wound-and-pressure-care", "nursing-care/medicines-support", "nursing-care/continence-and-catheter-care",
				"nursing-care/long-term-conditions", "end-of-life/palliative-care-at-home"},
			Eligibility: care.Eligibility{Text: "Adults registered with a GP practice in " + place + " who cannot leave home without help.", MinAge: 18},
			Catchment:   byPractice,
			Referral: care.Referral{Methods: []care.ReferralMethod{care.ReferThroughJoinedup, care.ReferByPhone},
				Phone: phone(bd.number, 60), MustInclude: "Why the person is housebound, the nursing care needed, current medicines and any allergies."},
			TypicalWait: "Urgent visits the same day; others within 2 days",
			Capacity:    care.CapacityAccepting, Hours: nursingDay, Postcode: bd.postcode, VerifiedDaysAgo: 60})

		// The voluntary sector: social prescribing link workers, each
		// linked to some of the borough's practices, and a carers' hub.
		sp := "vcs-" + b.slug + "/social-prescribing"
		dir.Teams = append(dir.Teams, TeamDetails{TeamKey: sp, Description: "Social prescribing link workers who help people connect with local groups, activities and advice.",
			Phone: phone(bd.number, 70), Email: email("socialprescribing"), Hours: officeHours, Practices: practices, VerifiedDaysAgo: 30})
		dir.Contacts = append(dir.Contacts, Contact{TeamKey: sp, Role: "Social prescribing team line", Phone: phone(bd.number, 70),
			Hours: "Monday to Friday, 9am to 5pm", Duty: true})
		for i, ods := range practices {
			who := staff[7+i%2]
			dir.Contacts = append(dir.Contacts, Contact{TeamKey: sp, PracticeODS: ods, Name: who,
				Role: "Social prescribing link worker", Phone: phone(bd.number, 71+i%2), Email: email(fmt.Sprintf("linkworker%d", i%2+1))})
		}
		dir.Services = append(dir.Services,
			Service{Key: sp + "/social-prescribing", OrgKey: "vcs-" + b.slug, TeamKey: sp,
				Name:        place + " Social Prescribing",
				Description: "A link worker spends time with the person to find out what matters to them, then connects them with local groups, befriending, activities and advice on money and housing.",
				Needs: []string{"loneliness-and-isolation/social-prescribing", "loneliness-and-isolation/befriending",
					"loneliness-and-isolation/groups-and-activities", "money-housing-and-benefits/benefits-and-money-advice"},
				Eligibility: care.Eligibility{Text: "Adults registered with a GP practice in " + place + ".", MinAge: 18},
				Catchment:   byPractice,
				Referral: care.Referral{Methods: []care.ReferralMethod{care.ReferThroughJoinedup, care.ReferSelf},
					MustInclude: "What matters to the person and what they would like help with."},
				TypicalWait: "First contact within 2 weeks",
				Capacity:    care.CapacityAccepting, Hours: officeHours, Postcode: bd.postcode, VerifiedDaysAgo: 30},
			Service{Key: sp + "/carers-hub", OrgKey: "vcs-" + b.slug, TeamKey: sp,
				Name:        place + " Carers' Hub",
				Description: "Support for unpaid carers: advice, peer support groups, training and short breaks.",
				Needs:       []string{"carers-support/carers-advice-and-wellbeing", "carers-support/respite-and-short-breaks"},
				Eligibility: care.Eligibility{Text: "Unpaid carers of an adult who lives in " + place + ".",
					RequiredNeeds: []string{"carers-support"}},
				Catchment: la,
				Referral: care.Referral{Methods: []care.ReferralMethod{care.ReferThroughJoinedup, care.ReferSelf, care.ReferByPhone},
					Phone: phone(bd.number, 75), MustInclude: "Who the carer looks after and what support they would like."},
				TypicalWait: "Within a week",
				Capacity:    care.CapacityAccepting, Hours: officeHours, Postcode: bd.postcode, VerifiedDaysAgo: 150},
		)
	}
	return dir
}
