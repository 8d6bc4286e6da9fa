package learning

import "github.com/joinedup/joinedup/internal/care"

// Sectors group professions and terms by where people work, so a page can say
// "this is a health role" to a social worker and the other way round.
const (
	SectorHealth         = "health"
	SectorSocialCare     = "social care"
	SectorVoluntary      = "voluntary and community"
	SectorHealthAndCare  = "health and social care"
	SectorDataAndSystems = "data and technology"
)

// RoleProfile explains one profession to people who work in the other sector:
// what they do and don't do, when to involve them, and what they need from
// you so that a referral isn't bounced back.
type RoleProfile struct {
	// Slug identifies the profile in web addresses; it never changes.
	Slug  string
	Title string
	// Sector is SectorHealth, SectorSocialCare, SectorVoluntary, or
	// SectorHealthAndCare for roles found in both.
	Sector string
	// Summary is one sentence.
	Summary string
	// WhatTheyDo includes what they can't or don't do, because knowing the
	// limits of a role is what stops referrals going to the wrong door.
	WhatTheyDo              []string
	WhenToInvolve           []string
	WhatTheyNeedInAReferral []string
	WhereYouFindThem        string
	// Role is the joinedup role people in this profession usually hold, or ""
	// when the profession has no joinedup role of its own.
	Role care.Role
}

// Profiles returns every role profile in the order pages show them: the GP
// practice, community health, social care, the voluntary sector, then the
// roles that organise joint working and run joinedup itself.
func Profiles() []RoleProfile { return roleProfiles() }

// ProfileBySlug finds a profile by its slug.
func ProfileBySlug(slug string) (RoleProfile, bool) {
	for _, p := range roleProfiles() {
		if p.Slug == slug {
			return p, true
		}
	}
	return RoleProfile{}, false
}

// ProfileForRole returns the profiles of professions that use role r in
// joinedup, in display order. Some roles cover several professions: the nurse
// role covers practice nurses, district nurses and community matrons.
func ProfileForRole(r care.Role) []RoleProfile {
	var out []RoleProfile
	for _, p := range roleProfiles() {
		if r != "" && p.Role == r {
			out = append(out, p)
		}
	}
	return out
}
