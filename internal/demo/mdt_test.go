package demo

import (
	"context"
	"testing"
	"time"
	_ "time/tzdata" // as in the binary: the tests never depend on the machine's zone database

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/store"
	"github.com/joinedup/joinedup/internal/store/storetest"
)

// TestLoadMakesTheMDTJourneyPossible loads the demo and checks what the MDT
// journey needs: clinic sessions for the assistant to avoid, and the demo
// practice's MDT with a person on its next agenda whose needed occupational
// therapist is not invited.
func TestLoadMakesTheMDTJourneyPossible(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, testLoadMakesTheMDTJourneyPossible)
}

func testLoadMakesTheMDTJourneyPossible(t *testing.T, st *store.Store) {
	ctx := context.Background()
	if err := Load(ctx, st, Generate(1), func(string) (string, error) { return "not-a-real-hash", nil }); err != nil {
		t.Fatal(err)
	}
	actor := func(r care.Role) care.Actor {
		u, err := st.UserByEmail(ctx, DemoEmail(r))
		if err != nil {
			t.Fatal(err)
		}
		return care.Actor{UserID: u.ID, Name: u.Name, Acting: u.Memberships[0], Memberships: u.Memberships}
	}
	blocked, err := st.BlockedTimes(ctx, actor(care.RoleGP))
	if err != nil || len(blocked) != 8 {
		t.Fatalf("the GP has %d blocked times (%v)", len(blocked), err)
	}
	coordinator := actor(care.RoleMDTCoordinator)
	list, err := st.MDTSeriesList(ctx, coordinator)
	if err != nil || len(list) != 1 || list[0].Series.Title != DemoMDTTitle || !list[0].Coordinator {
		t.Fatalf("series = %+v (%v)", list, err)
	}
	mine, err := st.MyMDTMeetings(ctx, actor(care.RoleSocialWorker))
	if err != nil || len(mine) == 0 || mine[0].Items != 1 || !mine[0].Start.After(time.Now().Add(48*time.Hour)) {
		t.Fatalf("the social worker's meetings = %+v (%v)", mine, err)
	}
	m, err := st.MDTMeeting(ctx, coordinator, mine[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Items) != 1 || m.Items[0].PersonName != "Dorothy Hartley" || len(m.Items[0].Warnings) != 1 ||
		m.Items[0].Warnings[0].Need.Role != care.RoleOccupationalTherapist {
		t.Errorf("agenda = %+v", m.Items)
	}
	// The first meeting, at lunchtime on a Thursday, is protected time
	// for the GP and the nurse, whose clinics are in the morning.
	if local := m.Start.In(st.Calendar().Location()); local.Weekday() != time.Thursday || local.Hour() != 13 {
		t.Errorf("the first meeting is at %v", local)
	}
}
