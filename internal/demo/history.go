package demo

import (
	"fmt"
	"time"

	"github.com/joinedup/joinedup/internal/care"
)

// This file gives the demo's main services a history: referrals sent to
// them over the last three months, each acknowledged, decided and long
// closed, so that their response figures in directory results show real
// numbers rather than "Not enough data" (a figure needs
// care.ReferralFiguresMinimum referrals sent in the last
// care.ReferralFiguresWindowDays days). They are ordinary demo referrals,
// loaded through the store like the others, about people of their own
// registered with the demo practice; being closed, they put nothing in
// anyone's queue and give no team a standing relationship with anyone.
//
// The main services are Hackney's that a person of the demo practice can be
// referred to. Croydon's, Lewisham's and Hackney's south locality keep no
// history, so the demo shows "Not enough data" too.

// historyPerService is how many history referrals each main service gets:
// one more than a figure needs, so one of them can be declined.
const historyPerService = care.ReferralFiguresMinimum + 1

// historyService is a main service and the referrals it has had.
type historyService struct {
	key  string
	by   care.Role // who refers to it
	need string
	// receiver acts for the service's team; "" when no demo user works
	// there, so joinedup itself stands in for the team.
	receiver care.Role
	wants    string // what the person wants; %s is their given name
	outcome  care.ReferralOutcome
	note     string // the outcome's summary
	// instead is where the declined referral is pointed.
	instead string
}

func historyServices() []historyService {
	hackney := councilKey(boroughs()[0])
	return []historyService{
		{key: hackney + "/duty-spa/assessment", by: care.RoleGP, need: "personal-care",
			wants: "%s wants an assessment of the help they need at home.", outcome: care.OutcomeAssessmentCompleted,
			note: "Care Act assessment done; a support plan has been agreed with the person.", instead: "Hackney Social Prescribing"},
		{key: hackney + "/reablement/reablement", by: care.RoleGP, need: "personal-care/washing-and-dressing",
			wants: "%s wants to manage washing and dressing on their own again after a stay in hospital.", outcome: care.OutcomeServiceProvided,
			note: "Six weeks of reablement completed; now managing personal care independently.", instead: "Hackney Adult Social Care – assessment and support"},
		{key: hackney + "/occupational-therapy/equipment", by: care.RoleSocialWorker, receiver: care.RoleOccupationalTherapist,
			need: "equipment-and-adaptations/daily-living-equipment", wants: "%s wants to get in and out of the bath safely.",
			outcome: care.OutcomeServiceProvided, note: "Bath board and grab rails fitted.", instead: "Hackney Adult Social Care – assessment and support"},
		{key: hackney + "/north-locality/social-work", by: care.RoleGP, receiver: care.RoleSocialWorker, need: "carers-support/carers-assessment",
			wants: "%s cares for their partner and would like a carer's assessment.", outcome: care.OutcomeAssessmentCompleted,
			note: "Carer's assessment done; a break every fortnight has been arranged.", instead: "Hackney Adult Social Care – assessment and support"},
		{key: "community-health-hackney/district-nursing/district-nursing", by: care.RoleGP, receiver: care.RoleNurse,
			need: "nursing-care/wound-and-pressure-care", wants: "%s needs leg ulcer dressings at home.", outcome: care.OutcomeServiceProvided,
			note: "The ulcer has healed; district nursing visits have ended.", instead: "Hackney Adult Social Care – assessment and support"},
		{key: "vcs-hackney/social-prescribing/social-prescribing", by: care.RoleGP, receiver: care.RoleCareNavigator,
			need: "loneliness-and-isolation/social-prescribing", wants: "%s wants to meet people and get out of the house more.",
			outcome: care.OutcomeServiceProvided, note: "Now going to a lunch club and a walking group each week.", instead: "Hackney Adult Social Care – assessment and support"},
		{key: "vcs-hackney/social-prescribing/carers-hub", by: care.RoleSocialWorker, receiver: care.RoleCareNavigator,
			need: "carers-support/carers-advice-and-wellbeing", wants: "%s looks after their mother and wants advice and someone to talk to.",
			outcome: care.OutcomeServiceProvided, note: "Joined the carers' peer support group and had a wellbeing check.", instead: "Hackney Adult Social Care – assessment and support"},
	}
}

// historyPeople are who the history referrals are about: fictional people
// registered with the demo practice, numbered after the referral people.
func historyPeople(practiceODS string, first int) []ReferralPerson {
	names := []struct{ given, family, dob string }{
		{"Edna", "Pollard", "1937-05-14"}, {"Kofi", "Asante", "1948-09-22"}, {"Miriam", "Halpern", "1941-02-03"},
		{"Desmond", "Clarke", "1950-11-30"}, {"Hatice", "Yildiz", "1956-07-19"}, {"Norman", "Pike", "1939-03-08"},
		{"Shirley", "Baptiste", "1945-12-01"}, {"Rajesh", "Mistry", "1952-06-25"}, {"Agnieszka", "Wrobel", "1960-04-11"},
		{"Frank", "Dunmore", "1936-10-17"}, {"Comfort", "Owusu", "1949-01-28"}, {"Lilian", "Fenwick", "1943-08-06"},
	}
	nhs := referralNumbers(first + len(names))[first:]
	out := make([]ReferralPerson, len(names))
	for i, n := range names {
		out[i] = ReferralPerson{Person: Person{NHSNumber: nhs[i], GivenName: n.given, FamilyName: n.family, DateOfBirth: n.dob,
			Postcode: "E5 0PQ", PracticeODS: practiceODS},
			Address: fmt.Sprintf("%d Mill Lane", 30+i), Phone: fmt.Sprintf("020 7946 06%02d", i)}
	}
	return out
}

// historyStories are the history referrals about people, whose first is
// Dataset.ReferralPeople[first]. Each service's are sent a week apart,
// between two and eleven weeks ago; each is acknowledged within hours,
// decided within days and closed: all but the last accepted and completed
// with an outcome, the last declined with where to go instead.
func historyStories(people []ReferralPerson, first int) []ReferralStory {
	const hour = time.Hour
	var out []ReferralStory
	for k, sv := range historyServices() {
		for j := range historyPerService {
			p := (k*historyPerService + j) % len(people)
			s := ReferralStory{Person: first + p, By: sv.by, ServiceKey: sv.key, Need: sv.need, Urgency: care.UrgencyRoutine,
				Basis: care.LegalBasisConsent, Wants: fmt.Sprintf(sv.wants, people[p].GivenName), Contact: "Phone them at home",
				SentDaysAgo: 10 + 5*j + k, SentHour: 9 + (j+k)%7}
			ack := time.Duration(1+(3*j+k)%6) * hour
			decide := time.Duration(3+(5*j+2*k)%20) * hour
			s.Steps = []ReferralStep{{After: ack, By: sv.receiver, To: care.ReferralReceived}}
			if j == historyPerService-1 {
				s.Steps = append(s.Steps, ReferralStep{After: decide, By: sv.receiver, To: care.ReferralRejected,
					Reason: string(care.RejectWrongService), Alternative: sv.instead})
			} else {
				s.Steps = append(s.Steps,
					ReferralStep{After: decide, By: sv.receiver, To: care.ReferralAccepted},
					ReferralStep{After: time.Duration(24+(11*j+7*k)%40) * hour, By: sv.receiver, To: care.ReferralCompleted,
						Outcome: sv.outcome, Note: sv.note})
			}
			out = append(out, s)
		}
	}
	return out
}
