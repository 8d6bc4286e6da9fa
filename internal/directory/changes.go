package directory

import (
	"slices"

	"github.com/joinedup/joinedup/internal/care"
)

// ServiceChanges names, in words, what differs between two versions of a
// service, for its history page. Verification is left out: the history says
// so by the kind of change.
func ServiceChanges(prev, next care.Service) []string {
	var out []string
	add := func(changed bool, what string) {
		if changed {
			out = append(out, what)
		}
	}
	add(prev.Name != next.Name, "name")
	add(prev.Description != next.Description, "description")
	add(prev.TeamID != next.TeamID, "team")
	add(prev.Status != next.Status, "whether it is running")
	add(!sameSet(prev.Needs, next.Needs), "needs it helps with")
	add(prev.Eligibility.Text != next.Eligibility.Text || !sameSet(prev.Eligibility.RequiredNeeds, next.Eligibility.RequiredNeeds), "eligibility")
	add(prev.Eligibility.MinAge != next.Eligibility.MinAge || prev.Eligibility.MaxAge != next.Eligibility.MaxAge, "ages")
	add(!sameAreas(prev.Catchment, next.Catchment), "areas covered")
	add(!sameMethods(prev.Referral.Methods, next.Referral.Methods), "ways to refer")
	add(prev.Referral.Phone != next.Referral.Phone || prev.Referral.Email != next.Referral.Email || prev.Referral.FormURL != next.Referral.FormURL, "referral contact details")
	add(prev.Referral.MustInclude != next.Referral.MustInclude, "what a referral must include")
	add(prev.TypicalWait != next.TypicalWait, "typical wait")
	add(prev.Capacity.State != next.Capacity.State || prev.Capacity.WaitBand != next.Capacity.WaitBand, "capacity")
	add(prev.Hours != next.Hours, "opening hours")
	add(prev.Postcode != next.Postcode, "postcode")
	add(prev.Website != next.Website, "website")
	return out
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

func sameAreas(a, b []care.CatchmentArea) bool {
	as, bs := make([]string, len(a)), make([]string, len(b))
	for i, x := range a {
		as[i] = x.String()
	}
	for i, x := range b {
		bs[i] = x.String()
	}
	return sameSet(as, bs)
}

func sameMethods(a, b []care.ReferralMethod) bool {
	as, bs := make([]string, len(a)), make([]string, len(b))
	for i, x := range a {
		as[i] = string(x)
	}
	for i, x := range b {
		bs[i] = string(x)
	}
	return sameSet(as, bs)
}
