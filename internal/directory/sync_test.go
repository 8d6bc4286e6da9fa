package directory

import (
	"context"
	"testing"
	"time"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/demo"
	"github.com/joinedup/joinedup/internal/store"
	"github.com/joinedup/joinedup/internal/store/storetest"
)

// TestSyncCatchesUpOnceWithChangesMadeElsewhere plays two instances sharing
// a database: a change saved by one reaches the other's index on its next
// sync, and a sync with nothing new reloads nothing.
func TestSyncCatchesUpOnceWithChangesMadeElsewhere(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, testSyncCatchesUpOnceWithChangesMadeElsewhere)
}

func testSyncCatchesUpOnceWithChangesMadeElsewhere(t *testing.T, st *store.Store) {
	ctx := context.Background()
	if err := demo.Load(ctx, st, demo.Generate(1), func(string) (string, error) { return "x", nil }); err != nil {
		t.Fatal(err)
	}
	ix := New(Options{Location: testLondon()})
	if err := ix.LoadAll(ctx, st); err != nil {
		t.Fatal(err)
	}
	// The first sync sees the loading's changes, made just before, once.
	if err := ix.Sync(ctx, st); err != nil {
		t.Fatal(err)
	}
	first := ix.reloaded
	for range 2 {
		if err := ix.Sync(ctx, st); err != nil {
			t.Fatal(err)
		}
	}
	if ix.reloaded != first {
		t.Fatalf("syncs with nothing new reloaded %d entries", ix.reloaded-first)
	}

	_, list := ix.Listings(ListingQuery{Text: "Hackney Reablement", Limit: 1})
	sv := list[0].Service
	sv.TypicalWait = "Changed elsewhere"
	if _, err := st.UpdateService(ctx, care.SystemActor("other instance"), sv); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Millisecond)
	if err := ix.Sync(ctx, st); err != nil {
		t.Fatal(err)
	}
	if ix.reloaded != first+1 {
		t.Errorf("the change reloaded %d entries, want 1", ix.reloaded-first)
	}
	if l, _ := ix.Listing(sv.ID); l.Service.TypicalWait != "Changed elsewhere" {
		t.Errorf("the index still has %q", l.Service.TypicalWait)
	}
}
