package web

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/directory"
	"github.com/joinedup/joinedup/internal/learning"
)

// This file serves the directory's entry pages: services, teams,
// organisations, and who covers each GP practice.

type areaView struct {
	Kind string
	Name string
}

type serviceView struct {
	Page
	Service      care.Service
	Organisation care.Organisation
	Team         care.Team
	Contacts     []contactView
	Needs        []care.Need
	Required     []care.Need
	Areas        []string
	Referral     []string
	HoursLines   []string
	OpenStatus   string
	BankHoliday  string
	Freshness    care.Freshness
	Verified     string
	DueOn        string
	CanManage    bool
	AgeRule      string
	Profile      learning.RoleProfile
	Referrals    serviceReferrals
}

func (s *Server) directoryService(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	ctx := r.Context()
	sv, err := s.store.Service(ctx, r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := serviceView{Page: s.page(r, sv.Name), Service: sv, CanManage: care.CanManageDirectoryEntry(actor, sv.OrganisationID)}
	if err := s.fillServiceView(r, &v); err != nil {
		s.renderError(w, r, err)
		return
	}
	if v.Referrals, err = s.fillServiceReferrals(r, actor, sv); err != nil {
		s.renderError(w, r, err)
		return
	}
	switch r.URL.Query().Get("done") {
	case "targets":
		v.Notice = "The response targets have been saved."
	case "verified":
		v.Notice = "You confirmed these details are still correct."
	case "saved":
		v.Notice = "Your changes have been saved."
	}
	s.render(w, r, http.StatusOK, "directory-service", v)
}

// fillServiceView adds what a service page shows beside the service itself.
func (s *Server) fillServiceView(r *http.Request, v *serviceView) error {
	ctx := r.Context()
	sv := v.Service
	org, err := s.store.Organisation(ctx, sv.OrganisationID)
	if err != nil {
		return err
	}
	v.Organisation = org
	if sv.TeamID != "" {
		if v.Team, err = s.store.Team(ctx, sv.TeamID); err != nil {
			return err
		}
		v.Profile, _ = learning.ProfileBySlug(profileForTeam(v.Team.Kind))
		contacts, err := s.store.ContactsOfTeam(ctx, sv.TeamID)
		if err != nil {
			return err
		}
		var own, team []care.Contact
		for _, c := range contacts {
			switch {
			case c.ServiceID == sv.ID:
				own = append(own, c)
			case c.ServiceID == "" && c.PracticeID == "":
				team = append(team, c)
			}
		}
		v.Contacts = viewContacts(append(own, team...))
	}
	// In taxonomy order, so related needs sit together.
	for _, n := range care.Needs() {
		if slices.Contains(sv.Needs, n.Code) {
			v.Needs = append(v.Needs, n)
		}
	}
	for _, code := range sv.Eligibility.RequiredNeeds {
		if n, ok := s.dir.Need(code); ok {
			v.Required = append(v.Required, n)
		}
	}
	for _, a := range sv.Catchment {
		v.Areas = append(v.Areas, s.dir.DescribeArea(a))
	}
	for _, m := range sv.Referral.Methods {
		v.Referral = append(v.Referral, m.Label())
	}
	now := time.Now().In(s.loc)
	v.HoursLines, v.OpenStatus = sv.Hours.Lines(), sv.Hours.StatusAt(now)
	if !sv.Hours.IsZero() {
		hol := care.NextBankHoliday(now)
		what := "closed"
		if sv.Hours.BankHolidays == care.BankHolidaysOpen {
			what = "open as usual for the day of the week"
		}
		v.BankHoliday = "The next bank holiday is " + hol.Name + " on " + hol.Date.In(s.loc).Format("Monday 2 January") + ": " + what + "."
	}
	v.Freshness, v.Verified = sv.Verified.State(now), verifiedText(sv.Verified, s.loc)
	if due := sv.Verified.DueAt(); !due.IsZero() {
		v.DueOn = due.In(s.loc).Format("2 January 2006")
	}
	v.AgeRule = sv.Eligibility.AgeRule()
	return nil
}

type teamView struct {
	Page
	Team         care.Team
	Organisation care.Organisation
	Contacts     []contactView
	Services     []care.Service
	Practices    int
	HoursLines   []string
	Freshness    care.Freshness
	Verified     string
	CanManage    bool
	Tel          contactView
	Profile      learning.RoleProfile
}

func (s *Server) directoryTeam(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	ctx := r.Context()
	t, err := s.store.Team(ctx, r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := teamView{Page: s.page(r, t.Name), Team: t, Practices: len(t.Practices), HoursLines: t.Hours.Lines(),
		Freshness: t.Verified.State(time.Now()), Verified: verifiedText(t.Verified, s.loc),
		CanManage: care.CanManageDirectoryEntry(actor, t.OrganisationID),
		Tel:       viewContact(care.Contact{Phone: t.Phone, Email: t.Email})}
	v.Profile, _ = learning.ProfileBySlug(profileForTeam(t.Kind))
	if v.Organisation, err = s.store.Organisation(ctx, t.OrganisationID); err != nil {
		s.renderError(w, r, err)
		return
	}
	contacts, err := s.store.ContactsOfTeam(ctx, t.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v.Contacts = viewContacts(contacts)
	if v.Services, err = s.store.ServicesOf(ctx, t.OrganisationID, t.ID); err != nil {
		s.renderError(w, r, err)
		return
	}
	switch r.URL.Query().Get("done") {
	case "verified":
		v.Notice = "You confirmed the team's details are still correct."
	case "saved":
		v.Notice = "Your changes have been saved."
	case "contact-added":
		v.Notice = "The contact has been added."
	case "contact-saved":
		v.Notice = "The contact has been changed."
	case "contact-removed":
		v.Notice = "The contact has been removed."
	}
	s.render(w, r, http.StatusOK, "directory-team", v)
}

type teamPracticesView struct {
	Page
	Team      care.Team
	Practices []practiceRow
}

type practiceRow struct {
	directory.LinkedPractice
	Named []contactView
}

func (s *Server) directoryTeamPractices(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	t, list, ok := s.dir.PracticesCoveredBy(r.PathValue("id"))
	if !ok {
		s.renderError(w, r, care.Errorf(care.KindNotFound, "That team is not in the directory."))
		return
	}
	v := teamPracticesView{Page: s.page(r, "Practices covered by "+t.Name), Team: t}
	for _, lp := range list {
		v.Practices = append(v.Practices, practiceRow{LinkedPractice: lp, Named: viewContacts(lp.Named)})
	}
	s.render(w, r, http.StatusOK, "directory-team-practices", v)
}

type organisationView struct {
	Page
	Organisation care.Organisation
	Teams        []care.Team
	Services     []care.Service
	Freshness    care.Freshness
	Verified     string
	CanManage    bool
	Area         string
	Tel          contactView
}

func (s *Server) directoryOrganisation(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	ctx := r.Context()
	o, err := s.store.Organisation(ctx, r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := organisationView{Page: s.page(r, o.Name), Organisation: o, Freshness: o.Verified.State(time.Now()),
		Verified: verifiedText(o.Verified, s.loc), CanManage: care.CanManageDirectoryEntry(actor, o.ID),
		Tel: viewContact(care.Contact{Phone: o.Phone})}
	if o.LocalAuthorityGSS != "" {
		v.Area = s.dir.AreaName(o.LocalAuthorityGSS)
	}
	if v.Teams, err = s.store.TeamsOfOrganisation(ctx, o.ID); err != nil {
		s.renderError(w, r, err)
		return
	}
	if v.Services, err = s.store.ServicesOf(ctx, o.ID, ""); err != nil {
		s.renderError(w, r, err)
		return
	}
	switch r.URL.Query().Get("done") {
	case "verified":
		v.Notice = "You confirmed the organisation's details are still correct."
	case "saved":
		v.Notice = "Your changes have been saved."
	}
	s.render(w, r, http.StatusOK, "directory-organisation", v)
}

type practicesView struct {
	Page
	Query  string
	Found  []care.Organisation
	Own    care.Organisation
	Looked bool
}

// maxPracticesListed bounds the practice finder's list; a more specific
// search narrows it.
const maxPracticesListed = 50

func (s *Server) directoryPractices(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	v := practicesView{Page: s.page(r, "Who covers a GP practice?"), Query: q, Looked: q != ""}
	if o, ok := s.dir.Organisation(actor.Acting.OrgID); ok && o.Kind == care.OrgGPPractice {
		v.Own = o
	}
	if q != "" {
		v.Found = s.dir.FindPractices(q, maxPracticesListed)
	}
	s.render(w, r, http.StatusOK, "directory-practices", v)
}

type practiceView struct {
	Page
	Coverage    directory.Coverage
	Area        string
	Locality    []teamContactsView
	SinglePoint []teamContactsView
	Others      []teamContactsView
	Named       []linkedContactView
	Tel         contactView
}

type teamContactsView struct {
	directory.TeamContacts
	Contacts []contactView
}

type linkedContactView struct {
	directory.LinkedContact
	Contact contactView
}

func teamContactViews(list []directory.TeamContacts) []teamContactsView {
	out := make([]teamContactsView, len(list))
	for i, tc := range list {
		out[i] = teamContactsView{TeamContacts: tc, Contacts: viewContacts(tc.Contacts)}
	}
	return out
}

func (s *Server) directoryPractice(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	cov, ok := s.dir.PracticeCoverage(r.PathValue("id"))
	if !ok {
		s.renderError(w, r, care.Errorf(care.KindNotFound, "That GP practice is not in the directory."))
		return
	}
	v := practiceView{Page: s.page(r, "Who covers "+cov.Practice.Name), Coverage: cov,
		Locality: teamContactViews(cov.Locality), SinglePoint: teamContactViews(cov.SinglePoint),
		Others: teamContactViews(cov.Others), Tel: viewContact(care.Contact{Phone: cov.Practice.Phone})}
	if cov.LocalAuthority != "" {
		v.Area = s.dir.AreaName(cov.LocalAuthority)
	}
	for _, lc := range cov.Named {
		v.Named = append(v.Named, linkedContactView{LinkedContact: lc, Contact: viewContact(lc.Contact)})
	}
	s.render(w, r, http.StatusOK, "directory-practice", v)
}
