package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/store"
)

// This file gives the demo MDT meetings to explore: the professionals'
// recurring clinic sessions, so the scheduling assistant has something to
// work around, and the demo practice's fortnightly frailty MDT with one
// person on the agenda of its next meeting.

// demoBlockedTime is one recurring blocked time of the demo user in a role.
type demoBlockedTime struct {
	Role     care.Role
	Label    string
	Days     []time.Weekday
	From, To time.Duration
	Clinical bool
}

var weekdaysMonToFri = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}

func demoBlockedTimes() []demoBlockedTime {
	h := func(hour, min int) time.Duration {
		return time.Duration(hour)*time.Hour + time.Duration(min)*time.Minute
	}
	return []demoBlockedTime{
		{care.RoleGP, "Morning surgery", weekdaysMonToFri, h(8, 30), h(12, 30), true},
		{care.RoleGP, "Afternoon surgery", []time.Weekday{time.Monday, time.Wednesday, time.Friday}, h(15, 30), h(18, 30), true},
		{care.RoleNurse, "Home visits", weekdaysMonToFri, h(9, 0), h(12, 0), true},
		{care.RoleSocialWorker, "Team allocation meeting", []time.Weekday{time.Wednesday}, h(9, 30), h(11, 0), false},
	}
}

// DemoMDTTitle is the demo practice's meeting series.
const DemoMDTTitle = "Lower Clapton frailty MDT"

// loadMDT adds the blocked times and the demo practice's MDT, whose first
// meeting is the first Thursday at least three days after now, so its
// agenda is still open when the demo starts.
func loadMDT(ctx context.Context, st *store.Store, actors map[care.Role]care.Actor, now time.Time, firstPersonNHS care.NHSNumber) error {
	for _, b := range demoBlockedTimes() {
		actor, ok := actors[b.Role]
		if !ok {
			continue
		}
		for _, d := range b.Days {
			if _, err := st.AddBlockedTime(ctx, actor, care.BlockedTime{Label: b.Label, Weekday: d, Start: b.From, End: b.To,
				Repeat: care.MDTWeekly, Clinical: b.Clinical}); err != nil {
				return fmt.Errorf("blocked time of the %s: %w", b.Role.Label(), err)
			}
		}
	}
	coordinator, ok := actors[care.RoleMDTCoordinator]
	if !ok {
		return nil
	}
	first := st.Calendar().Date(now).AddDays(3)
	for first.Weekday() != time.Thursday {
		first = first.AddDays(1)
	}
	var core []string
	for _, r := range []care.Role{care.RoleGP, care.RoleSocialWorker, care.RoleNurse} {
		if a, ok := actors[r]; ok {
			core = append(core, a.Acting.ID)
		}
	}
	series, err := st.CreateMDTSeries(ctx, coordinator, store.NewMDTSeries{Series: care.MDTSeries{
		Title: DemoMDTTitle, Scope: care.MDTScopePractice,
		Cadence:   care.MDTCadence{Repeat: care.MDTFortnightly, Weekday: time.Thursday},
		FirstDate: first, StartTime: 13 * time.Hour, Duration: time.Hour,
		Place: "Lower Clapton Group Practice, meeting room 1", RemoteLink: "https://meet.demo.joinedup.test/lower-clapton-frailty",
	}, CoreMemberships: core})
	if err != nil {
		return err
	}
	sv, err := st.MDTSeriesPage(ctx, coordinator, series.ID)
	if err != nil {
		return err
	}
	if len(sv.Meetings) == 0 || firstPersonNHS == "" {
		return nil
	}
	// The occupational therapist the item needs is not invited, so the
	// agenda shows the warning a coordinator acts on.
	_, err = st.AddAgendaItem(ctx, coordinator, sv.Meetings[0].ID, string(firstPersonNHS),
		"Two falls in a month and her daughter is worried: is it time for more care at home, and does she need equipment?",
		[]care.MDTNeed{{Role: care.RoleSocialWorker}, {Role: care.RoleOccupationalTherapist}})
	return err
}
