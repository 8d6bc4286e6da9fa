package store

import (
	"context"
	"testing"

	"github.com/joinedup/joinedup/internal/care"
)

func TestServiceGaps(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		f := newDirFixture(t, s)
		day := func(d int) care.CivilDate { return care.CivilDate{Year: 2026, Month: 5, Day: d} }
		for _, g := range []care.ServiceGap{
			{Day: day(1), NeedCode: "personal-care/washing-and-dressing", Outcode: "EC1A", LocalAuthority: "E09000001"},
			{Day: day(3), NeedCode: "personal-care/washing-and-dressing", Outcode: "EC1A", LocalAuthority: "E09000001"},
			{Day: day(2), NeedCode: "", Outcode: "E8", LocalAuthority: ""},
			{Day: day(30), NeedCode: "substance-use/alcohol", Outcode: "E8", LocalAuthority: "E09000012"},
		} {
			if err := s.RecordServiceGap(ctx, g); err != nil {
				t.Fatal(err)
			}
		}
		analyst := f.gp
		analyst.Acting.Role = care.RoleAnalyst
		list, err := s.ServiceGaps(ctx, analyst, GapFilter{From: "2026-05-01", To: "2026-05-10"})
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].Searches != 2 || list[0].First != "2026-05-01" || list[0].Last != "2026-05-03" || list[0].Outcode != "EC1A" {
			t.Fatalf("gaps = %+v", list)
		}
		list, err = s.ServiceGaps(ctx, analyst, GapFilter{From: "2026-01-01", To: "2026-12-31", LocalAuthority: "E09000012"})
		if err != nil || len(list) != 1 || list[0].NeedCode != "substance-use/alcohol" {
			t.Fatalf("Hackney gaps = %+v, %v", list, err)
		}
		if _, err := s.ServiceGaps(ctx, f.gp, GapFilter{From: "2026-01-01", To: "2026-12-31"}); !care.IsKind(err, care.KindForbidden) {
			t.Fatalf("a GP listed gaps: %v", err)
		}
		if !contains(auditActions(t, s, "denied"), "directory.gaps.list") {
			t.Error("the refusal was not audited")
		}
	})
}
