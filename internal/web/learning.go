package web

import (
	"net/http"
	"strings"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/learning"
)

// This file serves the role profiles and the glossary: what each profession
// does and needs, and what the acronyms mean. The content is in the
// learning package; the directory links here from teams and services.

type sectorGroup struct {
	Sector   string
	Heading  string
	Profiles []learning.RoleProfile
}

type rolesView struct {
	Page
	Groups []sectorGroup
}

func (s *Server) rolesPage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	v := rolesView{Page: s.page(r, "What each role does")}
	for _, p := range learning.Profiles() {
		if n := len(v.Groups); n == 0 || v.Groups[n-1].Sector != p.Sector {
			heading := capitalFirst(p.Sector)
			if p.Sector == learning.SectorVoluntary {
				heading = "Voluntary and community sector"
			}
			v.Groups = append(v.Groups, sectorGroup{Sector: p.Sector, Heading: heading})
		}
		g := &v.Groups[len(v.Groups)-1]
		g.Profiles = append(g.Profiles, p)
	}
	s.render(w, r, http.StatusOK, "learning-roles", v)
}

type roleView struct {
	Page
	Profile learning.RoleProfile
}

func (s *Server) rolePage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	p, ok := learning.ProfileBySlug(r.PathValue("slug"))
	if !ok {
		s.renderError(w, r, care.Errorf(care.KindNotFound, "There is no such role profile."))
		return
	}
	s.render(w, r, http.StatusOK, "learning-role", roleView{Page: s.page(r, p.Title), Profile: p})
}

type glossaryTerm struct {
	learning.Term
	SeeAlso []learning.Term
}

type glossaryView struct {
	Page
	Query string
	Terms []glossaryTerm
	All   int
}

func (s *Server) glossaryPage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	v := glossaryView{Page: s.page(r, "Glossary"), Query: q, All: len(learning.Glossary())}
	for _, t := range learning.SearchGlossary(q) {
		gt := glossaryTerm{Term: t}
		for _, slug := range t.SeeAlso {
			if other, ok := learning.TermBySlug(slug); ok {
				gt.SeeAlso = append(gt.SeeAlso, other)
			}
		}
		v.Terms = append(v.Terms, gt)
	}
	s.render(w, r, http.StatusOK, "learning-glossary", v)
}

// profileForTeam is the role profile that explains the people in a team of
// the given kind, or "" when none fits.
func profileForTeam(kind string) string {
	switch kind {
	case care.TeamLocalitySocialWork, care.TeamDutySPA:
		return "social-worker"
	case "reablement":
		return "reablement-worker"
	case "occupational_therapy":
		return "occupational-therapist"
	case "district_nursing":
		return "district-nurse"
	case "social_prescribing":
		return "social-prescribing-link-worker"
	}
	return ""
}
