package directory

import (
	"cmp"
	"slices"
	"strings"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/geo"
)

// TeamContacts is a team with the contacts to show for it.
type TeamContacts struct {
	Team         care.Team
	Organisation care.Organisation
	Contacts     []care.Contact
}

// LinkedContact is a contact named for one practice, with their team.
type LinkedContact struct {
	Contact      care.Contact
	Team         care.Team
	Organisation care.Organisation
}

// Coverage answers "who covers this practice?".
type Coverage struct {
	Practice care.Organisation
	// LocalAuthority is the GSS code of the practice's council area.
	LocalAuthority string
	// Locality are the social work locality teams linked to the practice.
	Locality []TeamContacts
	// SinglePoint are the council's single points of access (duty desks)
	// for the practice's area, with their duty lines.
	SinglePoint []TeamContacts
	// Named are the people named for this practice: link social workers,
	// link workers, named nurses.
	Named []LinkedContact
	// Others are the other teams that cover the practice, such as district
	// nursing and social prescribing.
	Others []TeamContacts
}

// PracticeCoverage says who covers the GP practice with organisation id.
func (ix *Index) PracticeCoverage(id string) (Coverage, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	p, ok := ix.orgs[id]
	if !ok || p.Kind != care.OrgGPPractice {
		return Coverage{}, false
	}
	cov := Coverage{Practice: p, LocalAuthority: ix.practiceArea(p)}
	for _, teamID := range ix.practiceTeams[id] {
		t, ok := ix.teams[teamID]
		if !ok {
			continue
		}
		tc := ix.contactsOfTeam(t, true)
		if t.Kind == care.TeamLocalitySocialWork {
			cov.Locality = append(cov.Locality, tc)
		} else {
			cov.Others = append(cov.Others, tc)
		}
	}
	if cov.LocalAuthority != "" {
		for _, t := range ix.teams {
			if t.Kind == care.TeamDutySPA && ix.orgs[t.OrganisationID].GSSCode == cov.LocalAuthority {
				cov.SinglePoint = append(cov.SinglePoint, ix.contactsOfTeam(t, false))
			}
		}
	}
	for _, cid := range ix.practiceContacts[id] {
		c := ix.contacts[cid]
		cov.Named = append(cov.Named, LinkedContact{Contact: c, Team: ix.teams[c.TeamID], Organisation: ix.orgs[c.OrganisationID]})
	}
	for _, list := range [][]TeamContacts{cov.Locality, cov.SinglePoint, cov.Others} {
		slices.SortFunc(list, func(a, b TeamContacts) int { return cmp.Compare(a.Team.Name, b.Team.Name) })
	}
	slices.SortFunc(cov.Named, func(a, b LinkedContact) int {
		return cmp.Or(cmp.Compare(a.Team.Name, b.Team.Name), cmp.Compare(a.Contact.Name, b.Contact.Name))
	})
	return cov, true
}

// practiceArea is the council area of a practice: as recorded, or else
// where its postcode is.
func (ix *Index) practiceArea(p care.Organisation) string {
	if p.LocalAuthorityGSS != "" {
		return p.LocalAuthorityGSS
	}
	if pc, err := geo.ParsePostcode(p.Postcode); err == nil {
		loc, _ := ix.gaz.Locate(pc)
		return loc.LocalAuthority
	}
	return ""
}

// contactsOfTeam lists a team's contacts for a coverage page: all its
// team-wide contacts, or only its duty contacts unless all is set. Contacts
// named for one practice or one service are listed elsewhere.
func (ix *Index) contactsOfTeam(t care.Team, all bool) TeamContacts {
	tc := TeamContacts{Team: t, Organisation: ix.orgs[t.OrganisationID]}
	for _, cid := range ix.teamContacts[t.ID] {
		c := ix.contacts[cid]
		if c.PracticeID != "" || c.ServiceID != "" || (!all && !c.Duty) {
			continue
		}
		tc.Contacts = append(tc.Contacts, c)
	}
	return tc
}

// PracticesCoveredBy lists the practices a team covers, by name, with the
// team's contacts named for each.
func (ix *Index) PracticesCoveredBy(teamID string) (care.Team, []LinkedPractice, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	t, ok := ix.teams[teamID]
	if !ok {
		return t, nil, false
	}
	var out []LinkedPractice
	for _, pid := range t.Practices {
		lp := LinkedPractice{Practice: ix.orgs[pid]}
		for _, cid := range ix.practiceContacts[pid] {
			if c := ix.contacts[cid]; c.TeamID == teamID {
				lp.Named = append(lp.Named, c)
			}
		}
		out = append(out, lp)
	}
	slices.SortFunc(out, func(a, b LinkedPractice) int {
		return cmp.Or(cmp.Compare(a.Practice.Name, b.Practice.Name), cmp.Compare(a.Practice.ID, b.Practice.ID))
	})
	return t, out, true
}

// LinkedPractice is a practice a team covers, with who in the team is
// named for it.
type LinkedPractice struct {
	Practice care.Organisation
	Named    []care.Contact
}

// FindPractices finds GP practices whose name contains q or whose ODS code
// starts with it, ignoring case; open practices first, then by name.
func (ix *Index) FindPractices(q string, limit int) []care.Organisation {
	q = strings.ToLower(strings.Join(strings.Fields(q), " "))
	if q == "" {
		return nil
	}
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var out []care.Organisation
	for _, o := range ix.orgs {
		if o.Kind != care.OrgGPPractice {
			continue
		}
		if strings.HasPrefix(strings.ToLower(o.ODSCode), q) || strings.Contains(strings.ToLower(o.Name), q) ||
			strings.EqualFold(strings.ReplaceAll(o.Postcode, " ", ""), strings.ReplaceAll(q, " ", "")) {
			out = append(out, o)
		}
	}
	slices.SortFunc(out, func(a, b care.Organisation) int {
		if a.Status.Active() != b.Status.Active() {
			if a.Status.Active() {
				return -1
			}
			return 1
		}
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	return out[:min(len(out), limit)]
}

// Team returns a team from the index.
func (ix *Index) Team(id string) (care.Team, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	t, ok := ix.teams[id]
	return t, ok
}

// DescribeArea names a catchment area for people.
func (ix *Index) DescribeArea(a care.CatchmentArea) string {
	switch a.Kind {
	case care.CatchLocalAuthority:
		return ix.areaName(a.Code) + " (council area)"
	case care.CatchWard:
		return "Council ward " + a.Code
	case care.CatchOutcode:
		return "Postcode district " + a.Code
	case care.CatchSector:
		return "Postcode sector " + a.Code
	case care.CatchPractice:
		ix.mu.RLock()
		o, ok := ix.orgs[ix.orgByODS[a.Code]]
		ix.mu.RUnlock()
		if ok {
			return "Patients registered with " + o.Name + " (" + a.Code + ")"
		}
		return "Patients registered with the practice " + a.Code
	}
	return a.Code
}
