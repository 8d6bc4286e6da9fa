package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/store"
)

// This file gives the demo its referrals, so that a new user of the demo
// finds queues with work in them: the GP's sent referrals at every stage,
// the Hackney north locality team's incoming queue with a new referral, a
// question waiting for an answer, work in progress and one referral that is
// overdue and visibly escalated to the team manager. The referrals are
// about people of their own, registered with the demo practice, so they
// never change what the other demo stories show.
//
// Times are working time before the moment the demo is loaded, so the
// queues look alive whenever the demo is made.

// ReferralPerson is a fictional person the demo's referrals are about.
type ReferralPerson struct {
	Person
	Address string
	Phone   string
}

// ReferralStory is one demo referral.
type ReferralStory struct {
	// Person is an index into Dataset.ReferralPeople.
	Person     int
	By         care.Role
	ServiceKey string
	Need       string
	Wants      string
	Urgency    care.ReferralUrgency
	Basis      care.LegalBasis
	Justify    string
	Contact    string
	Access     string
	// SentDaysAgo is how many working days before loading it was sent, at
	// SentHour o'clock in London; 0 means an hour before loading.
	SentDaysAgo int
	SentHour    int
	Steps       []ReferralStep
	Missing     []care.ReferralMissingInfo
}

// ReferralStep is something that happened to a demo referral, a number of
// working hours after the step before it.
type ReferralStep struct {
	After time.Duration
	// By is the role of the demo user who did it; "" is joinedup itself,
	// standing in for a team no demo user works in.
	By care.Role
	// To is the status it moved to; empty for a message or an assignment.
	To          care.ReferralStatus
	Reason      string
	Note        string
	Alternative string
	Outcome     care.ReferralOutcome
	// RedirectTo is the key of the service a redirect sent it to.
	RedirectTo string
	// AssignTo gives the referral to the demo user in this role.
	AssignTo care.Role
	// Message is a message in the thread from By.
	Message string
}

// referralNumbers are NHS numbers from the 999 range kept for the demo's
// referral people, away from the generated people and the stories.
func referralNumbers(n int) []care.NHSNumber {
	var out []care.NHSNumber
	for p := 999444000; len(out) < n; p++ {
		first9 := fmt.Sprintf("%09d", p)
		if d, ok := care.NHSCheckDigit(first9); ok {
			out = append(out, care.NHSNumber(fmt.Sprintf("%s%d", first9, d)))
		}
	}
	return out
}

// referralPeople are the people the demo's referrals are about, all
// registered with the demo practice and living near it.
func referralPeople(practiceODS string) []ReferralPerson {
	nhs := referralNumbers(9)
	p := func(i int, given, family, dob, postcode, address, phone string) ReferralPerson {
		return ReferralPerson{Person: Person{NHSNumber: nhs[i], GivenName: given, FamilyName: family, DateOfBirth: dob,
			Postcode: postcode, PracticeODS: practiceODS}, Address: address, Phone: phone}
	}
	return []ReferralPerson{
		p(0, "Harold", "Pemberton", "1938-11-02", "E5 0PQ", "27 Mill Lane", "020 7946 0521"),
		p(1, "Gloria", "Mensah-Bright", "1946-04-19", "E5 0PQ", "Flat 9\n3 Grove Road", "07700 900521"),
		p(2, "Stanley", "Okonkwo", "1951-07-30", "E5 0PQ", "14 Orchard Way", "020 7946 0522"),
		p(3, "Maureen", "Tilley", "1935-01-12", "E5 0PQ", "Flat 2\n88 Church Street", "020 7946 0523"),
		p(4, "Arif", "Chowdhury", "1949-09-05", "E5 0PQ", "6 Elm Grove", "07700 900522"),
		p(5, "Bernadette", "Quinn", "1940-06-23", "E5 0PQ", "41 Station Road", "020 7946 0524"),
		p(6, "Leonard", "Fairweather", "1944-02-28", "E5 0PQ", "Flat 11\n19 Victoria Road", "020 7946 0525"),
		p(7, "Yetunde", "Adebisi", "1953-10-08", "E5 0PQ", "72 Springfield Road", "07700 900523"),
		p(8, "Sylvia", "Marchetti", "1939-12-15", "E5 0PQ", "5 Chestnut Close", "020 7946 0526"),
	}
}

// referralStories are the demo's referrals. Most go from the demo GP to
// the Hackney north locality social work team, whose social worker and
// team manager are demo users; one goes from the social worker to
// occupational therapy.
func referralStories() []ReferralStory {
	socialWork := councilKey(boroughs()[0]) + "/north-locality/social-work"
	ot := councilKey(boroughs()[0]) + "/occupational-therapy/equipment"
	prescribing := "vcs-hackney/social-prescribing/social-prescribing"
	gp, sw, tm := care.RoleGP, care.RoleSocialWorker, care.RoleTeamManager
	const hour = time.Hour
	consent := care.LegalBasisConsent
	return []ReferralStory{
		// Overdue: sent three working days ago and never acknowledged, so
		// the team manager has been told.
		{Person: 0, By: gp, ServiceKey: socialWork, Need: "personal-care/washing-and-dressing", Urgency: care.UrgencyRoutine, Basis: consent,
			Wants:   "Harold wants help to get washed and dressed in the mornings now his wife is in hospital.",
			Contact: "Phone Harold after 10am; he is slow to the phone", Access: "Hard of hearing: speak clearly and face him",
			SentDaysAgo: 3, SentHour: 10},
		// New: sent an hour ago.
		{Person: 1, By: gp, ServiceKey: socialWork, Need: "carers-support/carers-assessment", Urgency: care.UrgencyRoutine, Basis: consent,
			Wants:   "Gloria cares for her husband, who has dementia, and says she cannot go on without a break.",
			Contact: "Phone Gloria on her mobile during the day", SentDaysAgo: 0},
		// A question waiting for the GP's answer.
		{Person: 2, By: gp, ServiceKey: socialWork, Need: "personal-care", Urgency: care.UrgencyRoutine, Basis: consent,
			Wants:   "Stanley would like help at home after his stroke so he does not have to move into a care home.",
			Contact: "Phone his daughter Grace first", SentDaysAgo: 2, SentHour: 11,
			Steps: []ReferralStep{
				{After: 1 * hour, By: sw, To: care.ReferralReceived},
				{After: 1 * hour, By: sw, AssignTo: sw},
				{After: 2 * hour, By: sw, To: care.ReferralOnHold, Reason: string(care.HoldInformationRequested),
					Note: "Has Stanley had a swallowing assessment since his stroke? We need to know before we arrange meals."},
			},
			Missing: []care.ReferralMissingInfo{care.MissingHealthHistory}},
		// Accepted and in progress with the social worker.
		{Person: 3, By: gp, ServiceKey: socialWork, Need: "care-homes-and-supported-housing/care-homes", Urgency: care.UrgencyUrgent, Basis: care.LegalBasisBestInterests,
			Wants:   "Maureen's family want to talk about a care home: she is no longer safe at home alone at night.",
			Contact: "Her son Paul holds lasting power of attorney: phone him", Access: "Maureen has dementia; Paul should be there for any visit",
			SentDaysAgo: 6, SentHour: 9,
			Steps: []ReferralStep{
				{After: 1 * hour, By: sw, To: care.ReferralAccepted},
				{After: 1 * hour, By: tm, AssignTo: sw},
				{After: 4 * hour, By: sw, To: care.ReferralInProgress},
				{After: 1 * hour, By: sw, Message: "I have arranged to visit with Paul on Thursday at 2pm."},
				{After: 1 * hour, By: gp, Message: "Thank you. Her latest medication list is in her record."},
			}},
		// Completed: the outcome came back to the GP.
		{Person: 4, By: gp, ServiceKey: socialWork, Need: "personal-care/washing-and-dressing", Urgency: care.UrgencyRoutine, Basis: consent,
			Wants:   "Arif wants to stay independent after his hip replacement.",
			Contact: "Phone Arif", SentDaysAgo: 20, SentHour: 10,
			Steps: []ReferralStep{
				{After: 3 * hour, By: sw, To: care.ReferralReceived},
				{After: 8 * hour, By: sw, To: care.ReferralAccepted},
				{After: 40 * hour, By: sw, To: care.ReferralCompleted, Outcome: care.OutcomeCareArranged,
					Note: "Morning care visits for six weeks from Monday, then a review. Arif is happy with the plan."},
			}},
		{Person: 5, By: gp, ServiceKey: socialWork, Need: "safeguarding/abuse-and-neglect", Urgency: care.UrgencySameDay, Basis: care.LegalBasisSafeguarding,
			Justify: "Bernadette has unexplained bruising and says her nephew takes her pension. She is afraid to agree to a referral.",
			Wants:   "Bernadette wants to feel safe in her own home.",
			Contact: "Phone only when the nephew is out: weekday mornings", SentDaysAgo: 30, SentHour: 9,
			Steps: []ReferralStep{
				{After: 1 * hour, By: sw, To: care.ReferralAccepted},
				{After: 20 * hour, By: sw, To: care.ReferralCompleted, Outcome: care.OutcomeServiceProvided,
					Note: "Safeguarding enquiry completed; protection plan in place and the bank has been told."},
			},
			Missing: []care.ReferralMissingInfo{care.MissingRisks, care.MissingContactDetails}},
		{Person: 6, By: gp, ServiceKey: socialWork, Need: "personal-care", Urgency: care.UrgencyRoutine, Basis: consent,
			Wants:   "Leonard wants a review of his care: his carers keep changing and arrive late.",
			Contact: "Phone Leonard", SentDaysAgo: 40, SentHour: 14,
			Steps: []ReferralStep{
				{After: 2 * hour, By: sw, To: care.ReferralReceived},
				{After: 10 * hour, By: sw, To: care.ReferralAccepted},
				{After: 30 * hour, By: sw, To: care.ReferralCompleted, Outcome: care.OutcomeAssessmentCompleted,
					Note: "Review done; we have moved Leonard to another care agency from next week."},
			}},
		// Declined, with where to go instead.
		{Person: 7, By: gp, ServiceKey: socialWork, Need: "personal-care", Urgency: care.UrgencyRoutine, Basis: consent,
			Wants:   "Yetunde would like someone to talk to: she has been lonely since she retired.",
			Contact: "Phone Yetunde", SentDaysAgo: 12, SentHour: 15,
			Steps: []ReferralStep{
				{After: 4 * hour, By: sw, To: care.ReferralRejected, Reason: string(care.RejectWrongService),
					Alternative: "Hackney Social Prescribing: a link worker can help her find groups and befriending."},
			},
			Missing: []care.ReferralMissingInfo{care.MissingPersonsWishes, care.MissingRisks}},
		// Redirected to social prescribing, which has it now.
		{Person: 8, By: gp, ServiceKey: socialWork, Need: "personal-care", Urgency: care.UrgencyRoutine, Basis: consent,
			Wants:   "Sylvia wants to get out of the house more and meet people.",
			Contact: "Phone Sylvia in the afternoon", SentDaysAgo: 1, SentHour: 10,
			Steps: []ReferralStep{
				{After: 2 * hour, By: sw, To: care.ReferralRedirected, Reason: string(care.RejectWrongService), RedirectTo: prescribing,
					Note: "Social prescribing is the right place for this; we have sent it on."},
			}},
		// The social worker's own referral, to occupational therapy.
		{Person: 3, By: sw, ServiceKey: ot, Need: "equipment-and-adaptations/daily-living-equipment", Urgency: care.UrgencyUrgent, Basis: care.LegalBasisBestInterests,
			Wants:   "Maureen needs a pressure-relieving mattress and a commode while we plan her move.",
			Contact: "Phone her son Paul", SentDaysAgo: 4, SentHour: 11,
			Steps: []ReferralStep{
				{After: 2 * hour, By: care.RoleOccupationalTherapist, To: care.ReferralAccepted},
			}},
	}
}

// workingDaysAgo is hour o'clock on the working day n working days before
// now, in the calendar's zone.
func workingDaysAgo(cal *care.Calendar, now time.Time, n, hour int) time.Time {
	d := cal.Date(now)
	for count := 0; count < n; {
		d = d.AddDays(-1)
		if cal.IsWorkingDate(d) {
			count++
		}
	}
	return time.Date(d.Year, d.Month, d.Day, hour, 0, 0, 0, cal.Location()).UTC()
}

// referralIDs names the demo's loaded records for buildReferrals.
type referralIDs struct {
	people   []string
	actors   map[care.Role]care.Actor
	services map[string]care.Service
	teamOrgs map[string]string
}

// buildReferrals turns the stories into referrals with their histories, as
// the store imports them, with times counted back from now. The ids are
// derived from each story's place in the list, so the demo is the same
// every time it is made. Working time is counted on cal.
func buildReferrals(stories []ReferralStory, ids referralIDs, cal *care.Calendar, now time.Time) ([]store.ReferralImport, error) {
	var out, redirected []store.ReferralImport
	for i, s := range stories {
		by := ids.actors[s.By]
		sent := now.Add(-time.Hour)
		if s.SentDaysAgo > 0 {
			sent = workingDaysAgo(cal, now, s.SentDaysAgo, s.SentHour)
		}
		id := fmt.Sprintf("00000000-0000-7000-8000-%012d", i+1)
		start, err := care.StartReferral(by, id, sent)
		if err != nil {
			return nil, err
		}
		sv := ids.services[s.ServiceKey]
		start.PersonID, start.NeedCode, start.Wants, start.Urgency = ids.people[s.Person], s.Need, s.Wants, s.Urgency
		start.LegalBasis, start.Justification, start.Contact, start.AccessNeeds = s.Basis, s.Justify, s.Contact, s.Access
		start.ServiceID, start.ToTeamID, start.ToOrgID = sv.ID, sv.TeamID, ids.teamOrgs[sv.TeamID]
		r, rec, err := start.Transition(by, care.ReferrerSide, care.ReferralChange{To: care.ReferralRequested, At: sent})
		if err != nil {
			return nil, fmt.Errorf("referral story %d: %w", i+1, err)
		}
		in := store.ReferralImport{Start: start, History: []care.ReferralTransition{rec}, MissingInfo: s.Missing}
		at := sent
		for j, step := range s.Steps {
			at = cal.AddWorkingHours(at, step.After)
			if at.After(now) {
				at = now.Add(-time.Minute)
			}
			actor, ok := ids.actors[step.By]
			if !ok {
				actor = care.SystemActor("demo loader")
			}
			side := care.ReceiverSide
			if r.CanActFor(actor, care.ReferrerSide) && !r.CanActFor(actor, care.ReceiverSide) {
				side = care.ReferrerSide
			}
			switch {
			case step.Message != "":
				in.Messages = append(in.Messages, store.ImportedMessage{At: at, Side: side, Kind: care.MessagePlain, Author: actor, Body: step.Message})
				continue
			case step.AssignTo != "":
				r, rec, err = r.Assign(actor, ids.actors[step.AssignTo].UserID, at)
			case step.To == care.ReferralRedirected:
				target := ids.services[step.RedirectTo]
				next := fmt.Sprintf("00000000-0000-7000-8001-%012d", i+1)
				var red care.ReferralRedirect
				red, err = r.Redirect(actor, care.ReferralChange{Reason: step.Reason, Note: step.Note, At: at,
					Target: care.ReferralLink{ReferralID: next, ServiceID: target.ID, TeamID: target.TeamID, OrgID: ids.teamOrgs[target.TeamID]}})
				if err == nil {
					r, rec = red.Original, red.OriginalChange
					nextStart := red.Next
					nextStart.Status, nextStart.SentAt, nextStart.RedirectedFrom = care.ReferralDraft, time.Time{}, ""
					redirected = append(redirected, store.ReferralImport{Start: nextStart, History: []care.ReferralTransition{red.NextChange}})
				}
			default:
				c := care.ReferralChange{To: step.To, Reason: step.Reason, Note: step.Note, Alternative: step.Alternative,
					Outcome: step.Outcome, At: at}
				r, rec, err = r.Transition(actor, side, c)
				if err == nil && step.To == care.ReferralOnHold && step.Reason == string(care.HoldInformationRequested) {
					in.Messages = append(in.Messages, store.ImportedMessage{At: at, Side: side, Kind: care.MessageQuestion, Author: actor, Body: step.Note})
				}
			}
			if err != nil {
				return nil, fmt.Errorf("referral story %d step %d: %w", i+1, j+1, err)
			}
			in.History = append(in.History, rec)
		}
		out = append(out, in)
	}
	return append(out, redirected...), nil
}

// loadReferrals registers the referral people and imports the referrals,
// then escalates whatever is overdue, as the running job would have.
func loadReferrals(ctx context.Context, st *store.Store, ds Dataset, actors map[care.Role]care.Actor,
	practiceIDs, laOf map[string]string, services map[string]care.Service, teamOrgs map[string]string) error {
	sys := care.SystemActor("demo loader")
	people := make([]care.Person, len(ds.ReferralPeople))
	for i, p := range ds.ReferralPeople {
		people[i] = care.Person{NHSNumber: p.NHSNumber, GivenName: p.GivenName, FamilyName: p.FamilyName, DateOfBirth: p.DateOfBirth,
			Postcode: p.Postcode, Address: p.Address, Phone: p.Phone, ContactPreference: care.ContactPhone, Language: "English",
			RegisteredPracticeID: practiceIDs[p.PracticeODS], LocalAuthorityGSS: laOf[p.PracticeODS]}
	}
	imported, err := st.ImportPeople(ctx, sys, people)
	if err != nil {
		return fmt.Errorf("referral people: %w", err)
	}
	ids := referralIDs{actors: actors, services: services, teamOrgs: teamOrgs}
	for _, p := range imported {
		ids.people = append(ids.people, p.ID)
	}
	list, err := buildReferrals(ds.Referrals, ids, st.Calendar(), time.Now().UTC())
	if err != nil {
		return err
	}
	if err := st.ImportReferrals(ctx, sys, list, store.ImportOptions{Timeline: true}); err != nil {
		return fmt.Errorf("referrals: %w", err)
	}
	_, err = st.EscalateOverdueReferrals(ctx)
	return err
}
