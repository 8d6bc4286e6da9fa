package demo

import (
	"context"
	"testing"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/notify"
	"github.com/joinedup/joinedup/internal/store"
	"github.com/joinedup/joinedup/internal/store/storetest"
)

// TestDemoReferralsFillTheQueues loads the demo and checks what a new user
// of it should find: the north locality team's queue with new, waiting and
// overdue work, the overdue referral escalated to the team manager, the
// GP's sent referrals at every stage, and enough referrals for the team's
// response figures.
func TestDemoReferralsFillTheQueues(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, testDemoReferralsFillTheQueues)
}

func testDemoReferralsFillTheQueues(t *testing.T, st *store.Store) {
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
	sw, tm, gp := actor(care.RoleSocialWorker), actor(care.RoleTeamManager), actor(care.RoleGP)
	overdue, err := st.IncomingReferrals(ctx, sw, store.IncomingOverdue)
	if err != nil {
		t.Fatal(err)
	}
	if len(overdue.Rows) != 1 || !overdue.Rows[0].Escalated || overdue.Rows[0].PersonName != "Harold Pemberton" {
		t.Fatalf("overdue = %+v", overdue.Rows)
	}
	if overdue.Counts[store.IncomingNew] != 2 || overdue.Counts[store.IncomingMine] != 2 || overdue.Counts[store.IncomingOpen] != 4 {
		t.Errorf("counts = %v", overdue.Counts)
	}
	inbox, _, err := st.Inbox(ctx, tm, 50)
	if err != nil {
		t.Fatal(err)
	}
	escalated := false
	for _, n := range inbox {
		escalated = escalated || n.Kind == notify.KindReferralOverdue && n.Link == "/referrals/"+overdue.Rows[0].ID
	}
	if !escalated {
		t.Error("the team manager was not told of the overdue referral")
	}
	sent, err := st.SentReferrals(ctx, gp, "")
	if err != nil {
		t.Fatal(err)
	}
	statuses := map[care.ReferralStatus]int{}
	for _, r := range append(sent.Open, sent.Closed...) {
		statuses[r.Status]++
	}
	for _, want := range []care.ReferralStatus{care.ReferralRequested, care.ReferralOnHold, care.ReferralInProgress,
		care.ReferralCompleted, care.ReferralRejected, care.ReferralRedirected} {
		if statuses[want] == 0 {
			t.Errorf("the GP has no %s referral: %v", want, statuses)
		}
	}
	if !sent.Open[0].Overdue {
		t.Error("the overdue referral is not first in the GP's list")
	}
	v, err := st.Referral(ctx, gp, overdue.Rows[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	service, err := st.ReferralFigures(ctx, []string{v.Task.ServiceID})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := service[v.Task.ServiceID].Decide.Value(); !ok {
		t.Errorf("the north locality service has too few referrals for figures: %+v", service[v.Task.ServiceID])
	}
	if v.Wait.WorkingDays < 2 || v.Wait.WorkingDays > 3 || !v.Wait.Waiting {
		t.Errorf("the overdue referral has waited %+v", v.Wait)
	}

	// The main services have enough history for every response figure;
	// another borough's have none, so the demo shows both.
	d, err := st.DirectorySnapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]string{}
	var ids []string
	for _, sv := range d.Services {
		byName[sv.Name] = sv.ID
		ids = append(ids, sv.ID)
	}
	figures, err := st.ReferralFigures(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Hackney Adult Social Care – assessment and support", "Hackney Reablement",
		"Hackney Occupational Therapy – equipment and adaptations", "Hackney Adult Social Care – North Locality social work",
		"Hackney District Nursing", "Hackney Social Prescribing", "Hackney Carers' Hub"} {
		f, ok := figures[byName[name]]
		_, ack := f.Acknowledge.Value()
		_, dec := f.Decide.Value()
		_, acc := f.Accepted.Value()
		if !ok || !ack || !dec || !acc {
			t.Errorf("%s shows not enough data: %+v", name, f)
		}
	}
	if _, ok := figures[byName["Croydon Reablement"]].Decide.Value(); ok {
		t.Error("Croydon Reablement has response figures, so the demo never shows \"Not enough data\"")
	}
}

func TestHistoryReferralsAreClosedAndEnough(t *testing.T) {
	d := Generate(1)
	first := len(referralPeople(""))
	perService := map[string]int{}
	for _, s := range d.Referrals {
		if s.Person >= first {
			perService[s.ServiceKey]++
			last := s.Steps[len(s.Steps)-1].To
			if last != care.ReferralCompleted && last != care.ReferralRejected {
				t.Errorf("a history referral to %s ends %s, still open", s.ServiceKey, last)
			}
		}
	}
	for _, sv := range historyServices() {
		if perService[sv.key] < care.ReferralFiguresMinimum {
			t.Errorf("%s has %d history referrals", sv.key, perService[sv.key])
		}
	}
}
