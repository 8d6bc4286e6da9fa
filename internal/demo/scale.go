package demo

import (
	"context"
	"fmt"
	"iter"
	"math/rand/v2"
	"time"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/store"
)

// This file generates referrals at scale for benchmarks: years of
// referrals across every service of the demo area, most long closed and a
// few percent still open, as an area's queues look after joinedup has run
// for a while. Like People, it is seeded and deterministic.

// referralStream is the PCG stream for generated referrals, apart from
// the people's own.
const referralStream = 0x726566657272616c // "referral"

// ScaleArea is what the referral generator draws on: the ids of an area
// that has been loaded.
type ScaleArea struct {
	People []string
	// Services are the services that take referrals through joinedup,
	// with their teams.
	Services []care.Service
	TeamOrgs map[string]string
	// Referrers make the referrals, in turn.
	Referrers []care.Actor
	// Receivers act for each receiving team, by team id; a team with none
	// is acted for by joinedup itself.
	Receivers map[string]care.Actor
	// Now is the end of the period referrals are sent in; Span its length.
	Now  time.Time
	Span time.Duration
	// Calendar counts the working time between their steps: the store's.
	Calendar *care.Calendar
}

// ScaleReferrals streams n referrals for the area, each with the history
// that explains its state. Referrals sent in the last fortnight are mostly
// still open; older ones are mostly completed, declined or cancelled.
func ScaleReferrals(seed uint64, n int, a ScaleArea) iter.Seq[store.ReferralImport] {
	return func(yield func(store.ReferralImport) bool) {
		r := rand.New(rand.NewPCG(seed, referralStream))
		cal := a.Calendar
		sys := care.SystemActor("referral generator")
		needs := []string{"personal-care", "personal-care/washing-and-dressing", "carers-support/carers-assessment",
			"home-care-and-reablement/reablement", "equipment-and-adaptations/daily-living-equipment",
			"loneliness-and-isolation/social-prescribing", "nursing-care/wound-and-pressure-care"}
		for i := range n {
			sent := a.Now.Add(-time.Duration(r.Int64N(int64(a.Span))))
			sv := a.Services[r.IntN(len(a.Services))]
			by := a.Referrers[i%len(a.Referrers)]
			recv, ok := a.Receivers[sv.TeamID]
			if !ok {
				recv = sys
			}
			start, err := care.StartReferral(by, fmt.Sprintf("%08x-0000-7000-8002-%012x", uint32(seed), i), sent)
			if err != nil {
				panic(err)
			}
			start.PersonID, start.NeedCode = a.People[r.IntN(len(a.People))], needs[r.IntN(len(needs))]
			start.Wants, start.Contact = "Help at home", "Phone the person"
			start.Urgency = care.UrgencyRoutine
			switch k := r.IntN(20); {
			case k < 1:
				start.Urgency = care.UrgencySameDay
			case k < 6:
				start.Urgency = care.UrgencyUrgent
			}
			start.LegalBasis = care.LegalBasisConsent
			start.ServiceID, start.ToTeamID, start.ToOrgID = sv.ID, sv.TeamID, a.TeamOrgs[sv.TeamID]
			task, rec, err := start.Transition(by, care.ReferrerSide, care.ReferralChange{To: care.ReferralRequested, At: sent})
			if err != nil {
				panic(err)
			}
			in := store.ReferralImport{Start: start, History: []care.ReferralTransition{rec}}
			at := sent
			step := func(actor care.Actor, side care.ReferralSide, hours int, c care.ReferralChange) bool {
				next := cal.AddWorkingHours(at, time.Duration(hours)*time.Hour)
				if next.After(a.Now) {
					return false
				}
				c.At = next
				t, rec, err := task.Transition(actor, side, c)
				if err != nil {
					panic(err)
				}
				task, at = t, next
				in.History = append(in.History, rec)
				return true
			}
			// How far it got depends on how long ago it was sent and on
			// chance; a step that would fall after Now does not happen.
			fate := r.IntN(100)
			switch {
			case fate < 3:
				step(by, care.ReferrerSide, 1+r.IntN(8), care.ReferralChange{To: care.ReferralCancelled, Reason: string(care.CancelNoLongerNeeded)})
			case !step(recv, care.ReceiverSide, 1+r.IntN(12), care.ReferralChange{To: care.ReferralReceived}):
			case fate < 8:
				step(recv, care.ReceiverSide, 1+r.IntN(8), care.ReferralChange{To: care.ReferralOnHold,
					Reason: string(care.HoldInformationRequested), Note: "Please tell us more."})
			case fate < 25:
				step(recv, care.ReceiverSide, 1+r.IntN(30), care.ReferralChange{To: care.ReferralRejected,
					Reason: string(care.RejectNotEligible), Alternative: "Another service"})
			case !step(recv, care.ReceiverSide, 1+r.IntN(30), care.ReferralChange{To: care.ReferralAccepted}):
			case fate < 35:
			case !step(recv, care.ReceiverSide, 1+r.IntN(20), care.ReferralChange{To: care.ReferralInProgress}):
			default:
				step(recv, care.ReceiverSide, 8+r.IntN(200), care.ReferralChange{To: care.ReferralCompleted,
					Outcome: care.OutcomeServiceProvided, Note: "Support arranged."})
			}
			if !yield(in) {
				return
			}
		}
	}
}

// LoadScale adds people and referrals at scale to a store the demo area
// has been loaded into (see Load): people more people from the demo's
// generator, and referrals from ScaleReferrals over the two years before
// now, to every service that takes referrals through joinedup, from the
// demo's users. progress, when not nil, is told how many referrals are in.
func LoadScale(ctx context.Context, st *store.Store, seed uint64, people, referrals int, progress func(int)) error {
	sys := care.SystemActor("scale loader")
	practices := map[string]string{}
	const batch = 2000
	var ids []string
	var pending []care.Person
	flush := func() error {
		saved, err := st.ImportPeople(ctx, sys, pending)
		if err != nil {
			return err
		}
		for _, p := range saved {
			ids = append(ids, p.ID)
		}
		pending = pending[:0]
		return nil
	}
	skip := DemoPeople
	for p := range People(seed, DemoPeople+people) {
		if skip > 0 {
			skip--
			continue
		}
		id, ok := practices[p.PracticeODS]
		if !ok {
			o, err := st.OrganisationByCode(ctx, p.PracticeODS)
			if err != nil {
				return fmt.Errorf("practice %s: %w", p.PracticeODS, err)
			}
			id, practices[p.PracticeODS] = o.ID, o.ID
		}
		pending = append(pending, care.Person{NHSNumber: p.NHSNumber, GivenName: p.GivenName, FamilyName: p.FamilyName,
			DateOfBirth: p.DateOfBirth, Postcode: p.Postcode, RegisteredPracticeID: id})
		if len(pending) == batch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	d, err := st.DirectorySnapshot(ctx)
	if err != nil {
		return err
	}
	a := ScaleArea{People: ids, TeamOrgs: map[string]string{}, Receivers: map[string]care.Actor{},
		Now: time.Now().UTC(), Span: 2 * 365 * 24 * time.Hour, Calendar: st.Calendar()}
	for _, t := range d.Teams {
		a.TeamOrgs[t.ID] = t.OrganisationID
	}
	for _, sv := range d.Services {
		if sv.TeamID != "" && sv.Referral.Has(care.ReferThroughJoinedup) && sv.Status == care.ServiceActive {
			a.Services = append(a.Services, sv)
		}
	}
	for _, r := range care.Roles {
		u, err := st.UserByEmail(ctx, DemoEmail(r))
		if err != nil {
			continue
		}
		actor := care.Actor{UserID: u.ID, Name: u.Name, Acting: u.Memberships[0], Memberships: u.Memberships}
		if !care.CanRefer(actor) {
			continue
		}
		a.Referrers = append(a.Referrers, actor)
		if _, ok := a.Receivers[actor.Acting.TeamID]; !ok {
			a.Receivers[actor.Acting.TeamID] = actor
		}
	}
	if len(a.People) == 0 || len(a.Services) == 0 || len(a.Referrers) == 0 {
		return fmt.Errorf("the demo area must be loaded before the scale data")
	}
	var list []store.ReferralImport
	done := 0
	for in := range ScaleReferrals(seed, referrals, a) {
		list = append(list, in)
		if len(list) == batch {
			if err := st.ImportReferrals(ctx, sys, list, store.ImportOptions{}); err != nil {
				return err
			}
			done += len(list)
			list = list[:0]
			if progress != nil {
				progress(done)
			}
		}
	}
	if len(list) > 0 {
		if err := st.ImportReferrals(ctx, sys, list, store.ImportOptions{}); err != nil {
			return err
		}
		if progress != nil {
			progress(done + len(list))
		}
	}
	_, err = st.SealAudit(ctx)
	return err
}
