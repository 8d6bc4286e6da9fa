package care

import (
	"strings"
	"testing"
)

func TestPlanSectionsFollowTheStandard(t *testing.T) {
	t.Parallel()
	var keys []SectionKey
	for _, s := range PlanSections() {
		keys = append(keys, s.Key)
		if s.Title == "" {
			t.Errorf("%s has no title", s.Key)
		}
		if _, ok := SectionFor(s.Key); !ok {
			t.Errorf("SectionFor(%s) fails", s.Key)
		}
	}
	want := []SectionKey{SectionAboutMe, SectionGoals, SectionNeeds, SectionActions, SectionContingency, SectionReview}
	if strings.Join(toStrings(keys), ",") != strings.Join(toStrings(want), ",") {
		t.Errorf("sections %v, want %v", keys, want)
	}
	if _, ok := SectionFor("gossip"); ok {
		t.Error("an unknown section was found")
	}
}

func toStrings[T ~string](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

func TestNormaliseAndValidateSection(t *testing.T) {
	t.Parallel()
	review, _ := SectionFor(SectionReview)
	got := NormaliseSection(review, map[string]string{"review_date": " 2026-06-01 ", "review_notes": "a\r\nb", "other": "dropped"})
	if len(got) != 2 || got["review_notes"] != "a\nb" || got["review_date"] != "2026-06-01" {
		t.Errorf("NormaliseSection = %v", got)
	}
	if errs := ValidateSection(review, got); len(errs) != 0 {
		t.Errorf("valid review: %+v", errs)
	}
	if errs := ValidateSection(review, map[string]string{"review_date": "2026-02-30"}); errs.Message("review_date") == "" {
		t.Error("an impossible review date was accepted")
	}
	goals, _ := SectionFor(SectionGoals)
	if errs := ValidateSection(goals, map[string]string{"goals": strings.Repeat("x", 4001)}); errs.Message("goals") == "" {
		t.Error("an over-long section was accepted")
	}
	actions, _ := SectionFor(SectionActions)
	if errs := ValidateSection(actions, map[string]string{}); len(errs) == 0 {
		t.Error("the actions section was accepted as a form of fields")
	}
}

func TestSectionText(t *testing.T) {
	t.Parallel()
	spec, _ := SectionFor(SectionReview)
	got := SectionText(spec, map[string]string{"review_date": "2026-06-01", "review_notes": "Home visit"})
	want := "Review date:\n1 June 2026\n\nHow the review will happen:\nHome visit\n"
	if got != want {
		t.Errorf("SectionText = %q, want %q", got, want)
	}
	if SectionText(spec, nil) != "" {
		t.Error("an empty section has text")
	}
}

func TestValidateAction(t *testing.T) {
	t.Parallel()
	ok := PlanAction{Description: "Arrange a grab rail", DueDate: "2026-04-01", Status: StatusNotStarted}
	cases := []struct {
		a       PlanAction
		ownerOK bool
		field   string
	}{
		{ok, true, ""},
		{ok, false, "owner"},
		{PlanAction{DueDate: "2026-04-01", Status: StatusDone}, true, "description"},
		{PlanAction{Description: "x", Status: StatusDone}, true, "due_date"},
		{PlanAction{Description: "x", DueDate: "2026-13-01", Status: StatusDone}, true, "due_date"},
		{PlanAction{Description: "x", DueDate: "2026-04-01", Status: "stuck"}, true, "status"},
	}
	for _, c := range cases {
		errs := ValidateAction(c.a, c.ownerOK)
		if c.field == "" && len(errs) > 0 || c.field != "" && errs.Message(c.field) == "" {
			t.Errorf("ValidateAction(%+v) = %+v, want a problem with %q", c.a, errs, c.field)
		}
	}
	owners := []ActionOwner{{Kind: OwnerPerson, Label: "Ada"}, {Kind: OwnerUser, Ref: "u1", Label: "Dr Okafor"}}
	if o, found := FindOwner(owners, "user:u1"); !found || o.Label != "Dr Okafor" {
		t.Errorf("FindOwner = %+v, %v", o, found)
	}
	if _, found := FindOwner(owners, "user:someone-else"); found {
		t.Error("an owner that was not offered was found")
	}
	if !StatusInProgress.Open() || StatusDone.Open() {
		t.Error("Open is wrong")
	}
}

func TestDiffLines(t *testing.T) {
	t.Parallel()
	cases := []struct {
		before, after string
		want          string
	}{
		{"", "", ""},
		{"a\nb\n", "a\nb", "=a =b"},
		{"", "a\nb", "+a +b"},
		{"a\nb", "", "-a -b"},
		{"a\nb\nc", "a\nc", "=a -b =c"},
		{"a\nc", "a\nb\nc", "=a +b =c"},
		{"walk to the shop\nsee my grandson", "walk to the park\nsee my grandson", "-walk to the shop +walk to the park =see my grandson"},
		{"x\ny\nz", "z\ny\nx", "-x -y =z +y +x"},
	}
	for _, c := range cases {
		var parts []string
		for _, l := range DiffLines(c.before, c.after) {
			parts = append(parts, string(l.Op)+l.Text)
		}
		if got := strings.Join(parts, " "); got != c.want {
			t.Errorf("DiffLines(%q, %q) = %q, want %q", c.before, c.after, got, c.want)
		}
	}
}

func TestDiffLinesBoundsItsWork(t *testing.T) {
	t.Parallel()
	a := strings.Repeat("a\n", 3000)
	b := strings.Repeat("b\n", 3000)
	d := DiffLines(a, b)
	if len(d) != 6000 || d[0].Op != DiffRemove || d[5999].Op != DiffAdd {
		t.Fatalf("large diff has %d lines", len(d))
	}
}

// reconstruct returns the two texts a diff describes.
func reconstruct(d []DiffLine) (before, after []string) {
	for _, l := range d {
		if l.Op != DiffAdd {
			before = append(before, l.Text)
		}
		if l.Op != DiffRemove {
			after = append(after, l.Text)
		}
	}
	return before, after
}

func FuzzDiffLines(f *testing.F) {
	f.Add("a\nb\nc", "a\nc\nd")
	f.Add("", "x")
	f.Add("same", "same")
	f.Add("a\r\nb", "a\nb\n")
	f.Fuzz(func(t *testing.T, a, b string) {
		d := DiffLines(a, b)
		before, after := reconstruct(d)
		if strings.Join(before, "\n") != strings.Join(splitLines(a), "\n") || len(before) != len(splitLines(a)) {
			t.Fatalf("the diff does not rebuild the old text")
		}
		if strings.Join(after, "\n") != strings.Join(splitLines(b), "\n") || len(after) != len(splitLines(b)) {
			t.Fatalf("the diff does not rebuild the new text")
		}
		if a == b {
			for _, l := range d {
				if l.Op != DiffKeep {
					t.Fatalf("identical texts differ")
				}
			}
		}
	})
}
