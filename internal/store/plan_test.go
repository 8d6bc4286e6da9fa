package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/joinedup/joinedup/internal/audit"
	"github.com/joinedup/joinedup/internal/care"
)

func TestPlanSectionsKeepWhoChangedWhatAndWhen(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		a := newArea(t, s)
		p := a.register(t, "9990000026", "Ada", "Lovelace")
		if err := s.SavePlanSection(ctx, a.gp, p.ID, care.SectionGoals, map[string]string{"goals": "Walk to the shop\nSee my grandson"}, 0); err != nil {
			t.Fatal(err)
		}
		a.clock.Add(60_000_000_000)
		if err := s.SavePlanSection(ctx, a.gp, p.ID, care.SectionGoals, map[string]string{"goals": "Walk to the park\nSee my grandson"}, 1); err != nil {
			t.Fatal(err)
		}
		// A stale version is a conflict and changes nothing.
		if err := s.SavePlanSection(ctx, a.gp, p.ID, care.SectionGoals, map[string]string{"goals": "Lost?"}, 1); !care.IsKind(err, care.KindConflict) {
			t.Fatalf("stale save: %v", err)
		}
		// Practice staff read the plan but may not change it.
		if err := s.SavePlanSection(ctx, a.practiceStaff, p.ID, care.SectionGoals, map[string]string{"goals": "x"}, 2); !care.IsKind(err, care.KindForbidden) {
			t.Errorf("practice staff changing the plan: %v", err)
		}
		if err := s.SavePlanSection(ctx, a.gp, p.ID, care.SectionReview, map[string]string{"review_date": "2026-02-30"}, 0); care.FieldsOf(err).Message("review_date") == "" {
			t.Errorf("impossible review date: %v", err)
		}
		if err := s.SavePlanSection(ctx, a.gp, p.ID, "gossip", map[string]string{}, 0); !care.IsKind(err, care.KindNotFound) {
			t.Errorf("unknown section: %v", err)
		}
		v, err := s.Plan(ctx, a.practiceStaff, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		goals := v.Plan.Section(care.SectionGoals)
		if goals.Version != 2 || goals.Value("goals") != "Walk to the park\nSee my grandson" || goals.UpdatedBy != a.gp.Name ||
			goals.UpdatedIn != "Practice team, Lower Clapton Group Practice" || !goals.UpdatedAt.Equal(a.clock.Now()) {
			t.Errorf("goals = %+v", goals)
		}
		if v.Record.CanEditPlan() {
			t.Error("practice staff are offered plan changes")
		}
		_, history, err := s.PlanHistory(ctx, a.gp, p.ID)
		if err != nil || len(history) != 2 {
			t.Fatalf("history = %+v, %v", history, err)
		}
		var diff []string
		for _, l := range history[0].Diff() {
			diff = append(diff, string(l.Op)+l.Text)
		}
		if got := strings.Join(diff, "|"); got != "=Goals in my own words:|-Walk to the shop|+Walk to the park|=See my grandson" {
			t.Errorf("diff = %q", got)
		}
		if history[0].ChangedBy != a.gp.Name || history[0].Title != "My goals" {
			t.Errorf("history entry = %+v", history[0])
		}
		if !hasAuditAction(auditRows(t, s, p.ID), "person.read.history") || !hasAuditAction(auditRows(t, s, p.ID), "plan.section") {
			t.Error("the history read or the change is not audited")
		}
	})
}

func hasAuditAction(rows []audit.Row, action string) bool {
	return slices.ContainsFunc(rows, func(r audit.Row) bool { return r.Action == action })
}

// TestConcurrentPlanEditsLoseNothing runs real concurrent editors against
// one section. Each reads the section, adds its own line and saves on the
// version it read; on a conflict it reads again and retries, as a person
// shown the conflict page would. Every line must survive.
func TestConcurrentPlanEditsLoseNothing(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		a := newArea(t, s)
		p := a.register(t, "9990000026", "Ada", "Lovelace")
		editors := []care.Actor{a.gp, a.socialWorker}
		if _, err := s.AddCareTeamUser(ctx, a.practiceManager, p.ID, a.socialWorker.Acting.ID, "Assessment", ""); err != nil {
			t.Fatal(err)
		}
		const workers, each = 8, 5
		var wg sync.WaitGroup
		var mu sync.Mutex
		conflicts := 0
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				actor := editors[w%len(editors)]
				for i := range each {
					line := fmt.Sprintf("goal %d-%d", w, i)
					for {
						v, err := s.Plan(ctx, actor, p.ID)
						if err != nil {
							t.Error(err)
							return
						}
						sec := v.Plan.Section(care.SectionGoals)
						text := strings.TrimSpace(sec.Value("goals") + "\n" + line)
						err = s.SavePlanSection(ctx, actor, p.ID, care.SectionGoals, map[string]string{"goals": text}, sec.Version)
						if care.IsKind(err, care.KindConflict) {
							mu.Lock()
							conflicts++
							mu.Unlock()
							continue
						}
						if err != nil {
							t.Error(err)
							return
						}
						break
					}
				}
			}()
		}
		wg.Wait()
		v, err := s.Plan(ctx, a.gp, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		sec := v.Plan.Section(care.SectionGoals)
		lines := strings.Split(sec.Value("goals"), "\n")
		if len(lines) != workers*each || sec.Version != workers*each {
			t.Fatalf("%d lines at version %d after %d saves", len(lines), sec.Version, workers*each)
		}
		for w := range workers {
			for i := range each {
				if !slices.Contains(lines, fmt.Sprintf("goal %d-%d", w, i)) {
					t.Errorf("goal %d-%d was lost", w, i)
				}
			}
		}
		_, history, _ := s.PlanHistory(ctx, a.gp, p.ID)
		if len(history) != workers*each {
			t.Errorf("%d history entries for %d saves", len(history), workers*each)
		}
		t.Logf("%d saves, %d conflicts resolved by re-reading", workers*each, conflicts)
	})
}

// TestConcurrentFirstSavesOfASection races the first save of a section,
// which inserts rather than updates: one wins, the others are conflicts.
func TestConcurrentFirstSavesOfASection(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		a := newArea(t, s)
		p := a.register(t, "9990000026", "Ada", "Lovelace")
		var wg sync.WaitGroup
		results := make([]error, 6)
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				results[i] = s.SavePlanSection(ctx, a.gp, p.ID, care.SectionNeeds, map[string]string{"needs": fmt.Sprintf("need %d", i)}, 0)
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range results {
			switch {
			case err == nil:
				won++
			case !care.IsKind(err, care.KindConflict):
				t.Errorf("first save: %v", err)
			}
		}
		if won != 1 {
			t.Errorf("%d first saves won", won)
		}
	})
}

func TestPlanActions(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		a := newArea(t, s)
		p := a.register(t, "9990000026", "Ada", "Lovelace")
		carer, err := s.AddCarer(ctx, a.gp, p.ID, care.Carer{Name: "Sam", Relationship: "son", Phone: "07700 900123", MayBeTold: true}, true)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddCareTeamUser(ctx, a.practiceManager, p.ID, a.socialWorker.Acting.ID, "Assessment", ""); err != nil {
			t.Fatal(err)
		}
		v, _ := s.Plan(ctx, a.gp, p.ID)
		var values []string
		for _, o := range v.Owners {
			values = append(values, o.Value())
		}
		for _, want := range []string{"person:", "carer:" + carer.ID, "user:" + a.socialWorker.UserID, "team:" + a.councilTeam.ID, "team:" + a.practiceTeam.ID} {
			if !slices.Contains(values, want) {
				t.Errorf("owners %v lack %s", values, want)
			}
		}
		act, err := s.SavePlanAction(ctx, a.socialWorker, p.ID, care.PlanAction{Description: "Order a grab rail", DueDate: "2026-04-01",
			Status: care.StatusNotStarted}, "carer:"+carer.ID)
		if err != nil {
			t.Fatal(err)
		}
		if act.OwnerLabel != "Sam (son)" || act.Version != 1 {
			t.Errorf("action = %+v", act)
		}
		if _, err := s.SavePlanAction(ctx, a.socialWorker, p.ID, care.PlanAction{Description: "x", DueDate: "2026-04-01",
			Status: care.StatusNotStarted}, "user:someone-unconnected"); care.FieldsOf(err).Message("owner") == "" {
			t.Errorf("an owner who was not offered: %v", err)
		}
		act.Status = care.StatusDone
		stale := act
		if act, err = s.SavePlanAction(ctx, a.gp, p.ID, act, "carer:"+carer.ID); err != nil || act.Version != 2 {
			t.Fatalf("update = %+v, %v", act, err)
		}
		stale.Status = care.StatusInProgress
		if _, err := s.SavePlanAction(ctx, a.socialWorker, p.ID, stale, "carer:"+carer.ID); !care.IsKind(err, care.KindConflict) {
			t.Errorf("a stale action update: %v", err)
		}
		v, _ = s.Plan(ctx, a.gp, p.ID)
		if len(v.Plan.Actions) != 1 || v.Plan.Actions[0].Status != care.StatusDone {
			t.Errorf("actions = %+v", v.Plan.Actions)
		}
		if sec := v.Plan.Section(care.SectionActions); sec.Version != 2 || sec.UpdatedBy != a.gp.Name {
			t.Errorf("actions section = %+v", sec)
		}
		_, history, _ := s.PlanHistory(ctx, a.gp, p.ID)
		if len(history) != 2 || !strings.Contains(history[0].After, "Status: Done") || !strings.Contains(history[0].Before, "Status: Not started") {
			t.Errorf("action history = %+v", history)
		}
	})
}
