package demo

import (
	"fmt"
	"math/rand/v2"

	"github.com/joinedup/joinedup/internal/care"
)

// PersonContact is what the demo adds to a generated person so their record is
// not bare: an address, a phone number and how they like to be contacted.
// Phone numbers are from the ranges Ofcom keeps for drama (020 7946 0xxx and
// 07700 900xxx), so none can ring a real person.
type PersonContact struct {
	Address     string
	Phone       string
	Preference  care.ContactMethod
	Language    string
	Interpreter bool
	Formats     []care.AccessibleFormat
}

// contactStream is the PCG stream for contact details, apart from the
// people's own, so adding it changed no one's name or date of birth.
const contactStream = 0x636f6e7461637473 // "contacts"

func streets() []string {
	return []string{
		"Church Street", "High Street", "Station Road", "Park Road", "Victoria Road", "Albert Road",
		"Mill Lane", "Queens Road", "Grove Road", "King Street", "Manor Road", "Springfield Road",
		"Chestnut Close", "Elm Grove", "Orchard Way", "Brook Road",
	}
}

// otherLanguages are languages widely spoken in the demo boroughs besides
// English, as a person might name their own.
func otherLanguages() []string {
	return []string{"Turkish", "Bengali", "Polish", "Yiddish", "Somali", "Portuguese", "Urdu", "Gujarati", "Twi", "Yoruba", "Tamil", "Spanish"}
}

// contacts invents contact details for each person, in order, from seed.
func contacts(seed uint64, people []Person) []PersonContact {
	r := rand.New(rand.NewPCG(seed, contactStream))
	st, langs := streets(), otherLanguages()
	out := make([]PersonContact, len(people))
	for i := range people {
		c := PersonContact{Language: "English", Preference: care.ContactPhone}
		n := 1 + r.IntN(160)
		if r.IntN(3) == 0 {
			c.Address = fmt.Sprintf("Flat %d\n%d %s", 1+r.IntN(24), n, st[r.IntN(len(st))])
		} else {
			c.Address = fmt.Sprintf("%d %s", n, st[r.IntN(len(st))])
		}
		if r.IntN(2) == 0 {
			c.Phone = fmt.Sprintf("020 7946 0%03d", r.IntN(1000))
		} else {
			c.Phone = fmt.Sprintf("07700 900%03d", r.IntN(1000))
		}
		switch k := r.IntN(20); {
		case k < 3:
			c.Preference = care.ContactText
		case k < 6:
			c.Preference = care.ContactLetter
		}
		if r.IntN(7) == 0 {
			c.Language = langs[r.IntN(len(langs))]
			c.Interpreter = r.IntN(2) == 0
		}
		if r.IntN(10) == 0 {
			c.Formats = []care.AccessibleFormat{care.FormatLargePrint}
		}
		out[i] = c
	}
	return out
}

// Story is a fictional person with a whole record, written by hand so the
// demo shows what joinedup is for: carers, alerts, a care team with a
// coordinator, and a care and support plan. Users are named by role: the
// demo has one user per role.
type Story struct {
	Person Person
	// Explore says what a newcomer finds in this record, and who can see
	// it; joinedup demo prints it beside the person's NHS number.
	Explore            string
	PreferredName      string
	Address            string
	Phone              string
	Preference         care.ContactMethod
	ContactNotes       string
	Language           string
	Interpreter        bool
	Formats            []care.AccessibleFormat
	CommunicationNotes string
	Carers             []StoryCarer
	Alerts             []StoryAlert
	Team               []StoryMember
	// Plan holds each section's fields, written by PlanBy.
	Plan    map[care.SectionKey]map[string]string
	PlanBy  care.Role
	Actions []StoryAction
	// ObjectionBy, when set, is the role of the demo user who recorded the
	// person's objection to sharing, for their organisation.
	ObjectionBy care.Role
}

// StoryCarer is a carer in a story.
type StoryCarer struct {
	Name, Relationship, Phone string
	MayBeTold                 bool
}

// StoryAlert is an alert in a story, added by the demo user in role By.
type StoryAlert struct {
	Kind        care.AlertKind
	Sensitivity care.Sensitivity
	Description string
	By          care.Role
}

// StoryMember is a care-team member: the demo user in Role, or, when Role is
// empty, an external contact.
type StoryMember struct {
	Role           care.Role
	Name           string
	RoleLabel      string
	Organisation   string
	Phone          string
	Responsibility string
	Coordinator    bool
}

// StoryAction is an action in a story's plan. Owner is "person", "carer"
// (the first carer), or a role whose demo user owns it.
type StoryAction struct {
	Description string
	Owner       string
	Due         string
	Status      care.ActionStatus
}

// storyNumbers returns n valid NHS numbers from 999 777 0000 up: in the 999
// range, which is never issued, and far above the numbers People uses for
// the demo's generated people.
func storyNumbers(n int) []care.NHSNumber {
	var out []care.NHSNumber
	for p := 999777000; len(out) < n; p++ {
		first9 := fmt.Sprintf("%09d", p)
		if d, ok := care.NHSCheckDigit(first9); ok {
			out = append(out, care.NHSNumber(fmt.Sprintf("%s%d", first9, d)))
		}
	}
	return out
}

// stories are the demo's hand-written people. Most are registered with the
// demo practice, so its users find them; one is elsewhere in Hackney, so
// the practice's users can try break-glass on her.
func stories(practiceODS string) []Story {
	nhs := storyNumbers(5)
	return []Story{
		{
			Person:        Person{NHSNumber: nhs[0], GivenName: "Dorothy", FamilyName: "Hartley", DateOfBirth: "1942-03-09", Postcode: "E5 0PQ", PracticeODS: practiceODS},
			Explore:       "a whole plan, carers and alerts; the social worker coordinates her care, the GP and the occupational therapist are in her care team",
			PreferredName: "Dot", Address: "Flat 4\n12 Mill Lane", Phone: "020 7946 0311", Preference: care.ContactPhone,
			ContactNotes: "Mornings are best. Call Susan if there is no answer.", Language: "English",
			Formats: []care.AccessibleFormat{care.FormatLargePrint},
			Carers: []StoryCarer{
				{Name: "Susan Hartley", Relationship: "daughter", Phone: "07700 900311", MayBeTold: true},
				{Name: "Mark Hartley", Relationship: "son", Phone: "07700 900312", MayBeTold: false},
			},
			Alerts: []StoryAlert{
				{Kind: care.AlertRiskToStaff, Sensitivity: care.SensitivityStandard, By: care.RoleSocialWorker,
					Description: "Small dog that nips. Ask for it to be shut in the kitchen before you go in."},
				{Kind: care.AlertRiskToSelf, Sensitivity: care.SensitivityStandard, By: care.RoleGP,
					Description: "Has fallen twice since January. Check the sensor mat is on and the pendant alarm is worn."},
			},
			Team: []StoryMember{
				{Role: care.RoleSocialWorker, Responsibility: "Care Act assessment and support planning", Coordinator: true},
				{Role: care.RoleGP, Responsibility: "Medication review and frailty care"},
				{Name: "Jo Whitlock", RoleLabel: "District nurse", Organisation: "Hackney Community Health Services", Phone: "020 7946 0400",
					Responsibility: "Leg ulcer dressings twice a week"},
				{Role: care.RoleOccupationalTherapist, Responsibility: "Home safety assessment and equipment"},
			},
			PlanBy: care.RoleSocialWorker,
			Plan: map[care.SectionKey]map[string]string{
				care.SectionAboutMe: {
					"what_matters":       "My flat, my dog Pip, and Susan's Sunday visits. I was a seamstress for forty years and I still like to mend things.",
					"how_to_support":     "Please knock loudly and wait: I am slow to the door. Please don't move my things around.",
					"how_to_communicate": "I am a bit deaf in my left ear. Sit on my right and write down anything important in big letters.",
				},
				care.SectionGoals: {"goals": "Stay in my own flat\nGet to the shops on Mill Lane on my own again\nNo more falls"},
				care.SectionNeeds: {"needs": "Help to wash and dress in the mornings\nSafer bathroom\nLeg ulcer care\nShopping once a week"},
				care.SectionContingency: {
					"contingency": "If Susan is away, Mark can do the shopping but must not be told about Mum's health.",
					"crisis":      "If I fall and cannot get up, press the pendant. The response service has a key. Then call Susan.",
				},
				care.SectionReview: {"review_date": "2026-09-14", "review_notes": "Home visit with Susan there."},
			},
			Actions: []StoryAction{
				{Description: "Fit grab rails and a bath board", Owner: string(care.RoleOccupationalTherapist), Due: "2026-05-29", Status: care.StatusInProgress},
				{Description: "Arrange morning care visits, 7 days a week", Owner: string(care.RoleSocialWorker), Due: "2026-05-15", Status: care.StatusDone},
				{Description: "Wear the pendant alarm all day, including in the bathroom", Owner: "person", Due: "2026-05-01", Status: care.StatusInProgress},
				{Description: "Do the weekly shop on Saturdays", Owner: "carer", Due: "2026-05-09", Status: care.StatusInProgress},
			},
		},
		{
			Person:  Person{NHSNumber: nhs[1], GivenName: "Ruth", FamilyName: "Feldman", DateOfBirth: "1934-11-21", Postcode: "E5 0PQ", PracticeODS: practiceODS},
			Explore: "a sensitive safeguarding alert that practice staff do not see; the social worker coordinates her care",
			Address: "3 Grove Road", Phone: "020 7946 0412", Preference: care.ContactLetter, Language: "English",
			CommunicationNotes: "Also speaks Yiddish, which she prefers when she is tired or unwell.",
			Carers: []StoryCarer{
				{Name: "Miriam Cohen", Relationship: "niece", Phone: "07700 900412", MayBeTold: true},
			},
			Alerts: []StoryAlert{
				{Kind: care.AlertSafeguarding, Sensitivity: care.SensitivitySensitive, By: care.RoleSocialWorker,
					Description: "A relative may be taking money from her account. Section 42 enquiry open: speak to the social worker before discussing money with family."},
			},
			Team: []StoryMember{
				{Role: care.RoleSocialWorker, Responsibility: "Safeguarding enquiry and support planning", Coordinator: true},
				{Role: care.RoleTeamManager, Responsibility: "Oversees the safeguarding enquiry"},
				{Role: care.RoleCareNavigator, Responsibility: "Befriending and the Thursday lunch club"},
				{Role: care.RoleGP, Responsibility: "Memory assessment follow-up"},
			},
			PlanBy: care.RoleSocialWorker,
			Plan: map[care.SectionKey]map[string]string{
				care.SectionAboutMe: {
					"what_matters": "My synagogue friends, my books and my garden.",
				},
				care.SectionGoals:  {"goals": "Keep going to the lunch club\nKnow my money is safe"},
				care.SectionNeeds:  {"needs": "Someone I trust to help with bills\nCompany during the week"},
				care.SectionReview: {"review_date": "2026-07-06"},
			},
			Actions: []StoryAction{
				{Description: "Refer to the advocacy service for help with her finances", Owner: string(care.RoleSocialWorker), Due: "2026-05-08", Status: care.StatusNotStarted},
				{Description: "Book transport to the Thursday lunch club", Owner: string(care.RoleCareNavigator), Due: "2026-05-14", Status: care.StatusDone},
			},
		},
		{
			Person:  Person{NHSNumber: nhs[2], GivenName: "Emmanuel", FamilyName: "Boateng", DateOfBirth: "1947-06-30", Postcode: "E5 0PQ", PracticeODS: practiceODS},
			Explore: "the GP coordinates his care with the district nurse; the social worker is not in his care team",
			Address: "27 Springfield Road", Phone: "07700 900523", Preference: care.ContactText, Language: "Twi", Interpreter: true,
			CommunicationNotes: "His grandson Kwame interprets informally; book a professional interpreter for assessments.",
			Carers: []StoryCarer{
				{Name: "Kwame Boateng", Relationship: "grandson", Phone: "07700 900524", MayBeTold: true},
			},
			Team: []StoryMember{
				{Role: care.RoleGP, Responsibility: "Diabetes and heart failure care", Coordinator: true},
				{Role: care.RoleNurse, Responsibility: "Weekly insulin checks at home"},
			},
			PlanBy: care.RoleGP,
			Plan: map[care.SectionKey]map[string]string{
				care.SectionGoals: {"goals": "Walk to church on Sundays\nKeep my sugar steady"},
				care.SectionNeeds: {"needs": "Help to remember his insulin\nBreathlessness when walking"},
			},
			Actions: []StoryAction{
				{Description: "Heart failure clinic referral", Owner: string(care.RoleGP), Due: "2026-05-20", Status: care.StatusInProgress},
			},
		},
		{
			// Kemal has objected to sharing beyond his practice: the social
			// worker in his care team sees only that his record exists.
			Person:  Person{NHSNumber: nhs[3], GivenName: "Kemal", FamilyName: "Aydin", DateOfBirth: "1958-02-14", Postcode: "E5 0PQ", PracticeODS: practiceODS},
			Explore: "has objected to sharing beyond his practice: the social worker in his care team sees only that his record exists",
			Address: "Flat 9\n40 King Street", Phone: "020 7946 0634", Preference: care.ContactPhone, Language: "Turkish", Interpreter: true,
			Team: []StoryMember{
				{Role: care.RoleGP, Responsibility: "Mental health and medication", Coordinator: true},
				{Role: care.RoleSocialWorker, Responsibility: "Housing support"},
			},
			PlanBy:      care.RoleGP,
			Plan:        map[care.SectionKey]map[string]string{care.SectionGoals: {"goals": "Find a quieter flat"}},
			ObjectionBy: care.RoleGP,
		},
		{
			// Patricia is registered elsewhere in Hackney, with the demo social
			// worker as her coordinator: the demo practice's users have no
			// relationship with her, so they can try break-glass.
			Person:  Person{NHSNumber: nhs[4], GivenName: "Patricia", FamilyName: "Nolan", DateOfBirth: "1950-08-02", Postcode: "E5 8BY", PracticeODS: "F84018"},
			Explore: "registered with another Hackney practice, on purpose: the practice users cannot find her, so they can try emergency access; the social worker coordinates her care",
			Address: "56 Manor Road", Phone: "020 7946 0745", Preference: care.ContactPhone, Language: "English",
			Carers: []StoryCarer{{Name: "Brendan Nolan", Relationship: "husband", Phone: "020 7946 0745", MayBeTold: true}},
			Team: []StoryMember{
				{Role: care.RoleSocialWorker, Responsibility: "Carer's assessment for Brendan and respite", Coordinator: true},
			},
			PlanBy: care.RoleSocialWorker,
			Plan: map[care.SectionKey]map[string]string{
				care.SectionAboutMe: {"what_matters": "Brendan, our allotment and the grandchildren."},
				care.SectionReview:  {"review_date": "2026-10-05"},
			},
		},
	}
}
