package directory

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/demo"
	"github.com/joinedup/joinedup/internal/store"
)

// TestSyncCatchesUpOnceWithChangesMadeElsewhere plays two instances sharing
// a database: a change saved by one reaches the other's index on its next
// sync, and a sync with nothing new reloads nothing.
func TestSyncCatchesUpOnceWithChangesMadeElsewhere(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "sync.db"), store.Options{Calendar: testCalendar(t)})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
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
