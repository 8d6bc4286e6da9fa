package demo

import (
	"context"
	"strings"
	"testing"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/store"
	"github.com/joinedup/joinedup/internal/store/storetest"
)

// TestLoadMakesTheDirectoryJourneyPossible loads the demo and checks what the
// directory's demo journey needs: Hackney's reablement service meets washing
// and dressing with a named duty contact, Croydon's covers Croydon only, and
// entries show each freshness state.
func TestLoadMakesTheDirectoryJourneyPossible(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, testLoadMakesTheDirectoryJourneyPossible)
}

func testLoadMakesTheDirectoryJourneyPossible(t *testing.T, st *store.Store) {
	ctx := context.Background()
	ds := Generate(1)
	if err := Load(ctx, st, ds, func(string) (string, error) { return "not-a-real-hash", nil }); err != nil {
		t.Fatal(err)
	}
	d, err := st.DirectorySnapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Services) != len(ds.Directory.Services) || len(d.Contacts) != len(ds.Directory.Contacts) {
		t.Fatalf("loaded %d services and %d contacts, want %d and %d", len(d.Services), len(d.Contacts),
			len(ds.Directory.Services), len(ds.Directory.Contacts))
	}
	byName := map[string]care.Service{}
	for _, sv := range d.Services {
		byName[sv.Name] = sv
	}
	hackney, ok := byName["Hackney Reablement"]
	if !ok || !strings.Contains(strings.Join(hackney.Needs, " "), "personal-care/washing-and-dressing") {
		t.Fatalf("Hackney Reablement = %+v", hackney)
	}
	named := false
	for _, c := range d.Contacts {
		if c.TeamID == hackney.TeamID && c.Duty && c.Name != "" {
			named = true
		}
	}
	if !named {
		t.Error("Hackney Reablement's team has no named duty contact")
	}
	croydon := byName["Croydon Reablement"]
	if len(croydon.Catchment) != 1 || croydon.Catchment[0] != (care.CatchmentArea{Kind: care.CatchLocalAuthority, Code: gssCroydon}) {
		t.Errorf("Croydon Reablement covers %v", croydon.Catchment)
	}
	states := map[care.Freshness]int{}
	for _, sv := range d.Services {
		states[sv.Verified.State(hackney.Verified.At.AddDate(0, 0, 12))]++
	}
	if states[care.FreshnessFresh] == 0 || states[care.FreshnessDue] == 0 || states[care.FreshnessStale] == 0 {
		t.Errorf("freshness of demo services = %v, want some of each", states)
	}
	n, err := st.CountPostcodes(ctx)
	if err != nil || n == 0 {
		t.Errorf("postcodes = %d, %v", n, err)
	}
}
