package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/joinedup/joinedup/internal/care"
)

func TestPostcodesUpsertIsIdempotent(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		sys := care.SystemActor("test")
		rows := []PostcodeRow{
			{Postcode: "E8 1DY", HasPosition: true, LatE6: 51545000, LonE6: -55000, LocalAuthority: "E09000012", Ward: "E05009372"},
			{Postcode: "CR0 1EA", LocalAuthority: "E09000008"},
			{Postcode: "E8 1DY", HasPosition: true, LatE6: 51545001, LonE6: -55001, LocalAuthority: "E09000012", Ward: "E05009372"},
		}
		// More rows than two statements carry, to cover the prepared
		// statement and the shorter one after it.
		const letters = "ABDEFGHJLNPQRSTUWXYZ"
		for i := range 2*postcodeChunk + 100 {
			rows = append(rows, PostcodeRow{Postcode: fmt.Sprintf("ZZ%d %d%c%c", i/4000, i/400%10, letters[i/20%20], letters[i%20])})
		}
		for range 2 {
			if err := s.UpsertPostcodes(ctx, sys, rows); err != nil {
				t.Fatal(err)
			}
		}
		n, err := s.CountPostcodes(ctx)
		if err != nil || n != 2+2*postcodeChunk+100 {
			t.Fatalf("count = %d, %v", n, err)
		}
		got := map[string]PostcodeRow{}
		if err := s.EachPostcode(ctx, func(r PostcodeRow) error { got[r.Postcode] = r; return nil }); err != nil {
			t.Fatal(err)
		}
		if r := got["E8 1DY"]; !r.HasPosition || r.LatE6 != 51545001 || r.Ward != "E05009372" {
			t.Errorf("E8 1DY = %+v (the later duplicate should win)", r)
		}
		if r := got["CR0 1EA"]; r.HasPosition || r.LocalAuthority != "E09000008" {
			t.Errorf("CR0 1EA = %+v", r)
		}
		if id, err := s.LatestPostcodeImport(ctx); err != nil || id != "" {
			t.Fatalf("latest before any import = %q, %v", id, err)
		}
		if err := s.RecordPostcodeImport(ctx, sys, n); err != nil {
			t.Fatal(err)
		}
		if id, err := s.LatestPostcodeImport(ctx); err != nil || id == "" {
			t.Fatalf("latest = %q, %v", id, err)
		}
		f := newDirFixture(t, s)
		if err := s.UpsertPostcodes(ctx, f.manager, rows[:1]); !care.IsKind(err, care.KindForbidden) {
			t.Fatalf("a person imported postcodes: %v", err)
		}
	})
}

func TestSetVerification(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		f := newDirFixture(t, s)
		at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
		if err := s.SetVerification(ctx, care.SystemActor("test"), EntryRef{EntryOrganisation, f.practice.ID},
			care.Verification{At: at, ByName: "NHS ODS import"}); err != nil {
			t.Fatal(err)
		}
		o, err := s.Organisation(ctx, f.practice.ID)
		if err != nil || !o.Verified.At.Equal(at) || o.Verified.ByName != "NHS ODS import" || o.Version != 2 {
			t.Fatalf("organisation = %+v, %v", o, err)
		}
		if err := s.SetVerification(ctx, f.manager, EntryRef{EntryTeam, f.team.ID}, care.Verification{At: at}); !care.IsKind(err, care.KindForbidden) {
			t.Fatalf("a person set a verification: %v", err)
		}
	})
}
