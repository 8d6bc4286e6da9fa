package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/directory"
	"github.com/joinedup/joinedup/internal/store"
)

// This file serves the directory's edit and verification pages. Only team
// managers and administrators of the organisation that owns an entry may
// change it (care.CanManageDirectoryEntry); the store checks again inside
// its transaction. Every form carries the version it was made from, so an
// edit made after someone else's is refused as a conflict and shown again
// with nothing lost.

// mayManage refuses, and audits the refusal, when the actor does not look
// after the organisation that owns an entry.
func (s *Server) mayManage(w http.ResponseWriter, r *http.Request, actor care.Actor, orgID, action, resourceType, id string) bool {
	if care.CanManageDirectoryEntry(actor, orgID) {
		return true
	}
	if err := s.store.RecordDenied(r.Context(), actor, action, resourceType, id, "", r.Method); err != nil {
		s.renderError(w, r, err)
		return false
	}
	s.renderError(w, r, care.Errorf(care.KindForbidden, "Only team managers and administrators of the organisation that owns this entry can change it."))
	return false
}

// refreshIndex brings the search index up to date after a change made here.
// The change is already saved; if this fails the next sync catches up.
func (s *Server) refreshIndex(r *http.Request, refs ...store.EntryRef) {
	if err := s.dir.Refresh(r.Context(), s.store, refs...); err != nil {
		s.log.Error("refreshing the directory index", "err", err)
	}
}

// confirmEntry marks an entry verified ("these details are still correct"),
// refreshes the search index and returns to the entry's page.
func (s *Server) confirmEntry(w http.ResponseWriter, r *http.Request, kind, pagePath string, verify func(id string, version int) (string, error)) {
	if !s.parseForm(w, r) {
		return
	}
	id, err := verify(r.PathValue("id"), formVersion(r))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.refreshIndex(r, store.EntryRef{Type: kind, ID: id})
	http.Redirect(w, r, pagePath+id+"?done=verified", http.StatusSeeOther)
}

func formVersion(r *http.Request) int {
	v, _ := strconv.Atoi(r.PostForm.Get("version"))
	return v
}

// ---- Services ----

type serviceEditView struct {
	Page
	Organisation care.Organisation
	Service      care.Service
	Form         serviceForm
	New          bool
	Action       string
	Teams        []option
	NeedGroups   []optionGroup
	Required     []option
	LAs          []option
	Methods      []option
	Statuses     []option
	Capacities   []option
	WaitBands    []option
	// Conflict holds the saved details when someone else saved first.
	Conflict *serviceView
}

func checked(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// serviceOptions fills the choices of the service form from what was typed.
func (s *Server) serviceOptions(r *http.Request, v *serviceEditView) error {
	teams, err := s.store.TeamsOfOrganisation(r.Context(), v.Organisation.ID)
	if err != nil {
		return err
	}
	v.Teams = []option{{Value: "", Label: "No particular team", Checked: v.Form.Team == ""}}
	for _, t := range teams {
		v.Teams = append(v.Teams, option{Value: t.ID, Label: t.Name, Checked: t.ID == v.Form.Team})
	}
	v.Required = []option{{Value: "", Label: "Anyone who needs what the service helps with", Checked: v.Form.RequiredNeed == ""}}
	for _, group := range s.dir.NeedGroups() {
		top := group[0]
		g := optionGroup{ID: "needs-" + top.Code, Label: top.Label}
		for _, n := range group {
			label := n.Label
			if n.TopLevel() {
				label += " (all of it)"
			}
			g.Options = append(g.Options, option{Value: n.Code, Label: label, Checked: checked(v.Form.Needs, n.Code)})
		}
		v.NeedGroups = append(v.NeedGroups, g)
		v.Required = append(v.Required, option{Value: top.Code, Label: top.Label, Checked: v.Form.RequiredNeed == top.Code})
	}
	for _, la := range s.dir.LocalAuthorities() {
		v.LAs = append(v.LAs, option{Value: la.GSSCode, Label: s.dir.AreaName(la.GSSCode), Checked: checked(v.Form.LAs, la.GSSCode)})
	}
	for _, m := range care.ReferralMethods {
		v.Methods = append(v.Methods, option{Value: string(m), Label: m.Label(), Checked: checked(v.Form.Methods, string(m))})
	}
	v.Statuses = []option{
		{Value: string(care.ServiceActive), Label: "Running", Checked: v.Form.Status == string(care.ServiceActive)},
		{Value: string(care.ServiceInactive), Label: "Not running (hidden from search)", Checked: v.Form.Status == string(care.ServiceInactive)},
	}
	for _, c := range []care.CapacityState{care.CapacityAccepting, care.CapacityWaitlist, care.CapacityClosed} {
		v.Capacities = append(v.Capacities, option{Value: string(c), Label: c.Label(), Checked: v.Form.Capacity == string(c)})
	}
	v.WaitBands = []option{{Value: "", Label: "Choose how long", Checked: v.Form.WaitBand == ""}}
	for _, b := range care.WaitBands {
		v.WaitBands = append(v.WaitBands, option{Value: string(b), Label: capitalFirst(b.Label()), Checked: v.Form.WaitBand == string(b)})
	}
	// The needs are numbered across their groups, so only the very first
	// checkbox is "needs".
	n := 0
	for gi := range v.NeedGroups {
		for oi := range v.NeedGroups[gi].Options {
			n++
			v.NeedGroups[gi].Options[oi].ID = "needs"
			if n > 1 {
				v.NeedGroups[gi].Options[oi].ID = "needs-" + strconv.Itoa(n)
			}
		}
	}
	numberOptions("catchment", v.LAs)
	numberOptions("referral_methods", v.Methods)
	numberOptions("status", v.Statuses)
	numberOptions("capacity", v.Capacities)
	return nil
}

func capitalFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (s *Server) renderServiceForm(w http.ResponseWriter, r *http.Request, status int, v serviceEditView) {
	if err := s.serviceOptions(r, &v); err != nil {
		s.renderError(w, r, err)
		return
	}
	if len(v.Errors) > 0 {
		v.Title = "Error: " + v.Title
	}
	s.render(w, r, status, "directory-service-edit", v)
}

func (s *Server) editServicePage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	sv, err := s.store.Service(r.Context(), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if !s.mayManage(w, r, actor, sv.OrganisationID, "directory.service.edit", "HealthcareService", sv.ID) {
		return
	}
	org, err := s.store.Organisation(r.Context(), sv.OrganisationID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.renderServiceForm(w, r, http.StatusOK, serviceEditView{Page: s.page(r, "Change "+sv.Name), Organisation: org,
		Service: sv, Form: serviceFormOf(sv), Action: "/directory/services/" + sv.ID})
}

func (s *Server) updateService(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	ctx := r.Context()
	cur, err := s.store.Service(ctx, r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if !s.mayManage(w, r, actor, cur.OrganisationID, "directory.service.update", "HealthcareService", cur.ID) || !s.parseForm(w, r) {
		return
	}
	org, err := s.store.Organisation(ctx, cur.OrganisationID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := serviceEditView{Page: s.page(r, "Change "+cur.Name), Organisation: org, Service: cur,
		Form: readServiceForm(r.PostForm), Action: "/directory/services/" + cur.ID}
	sv, errs := v.Form.service(cur, s.dir)
	if len(errs) == 0 {
		var saved care.Service
		saved, err = s.store.UpdateService(ctx, actor, sv)
		if err == nil {
			s.refreshIndex(r, store.EntryRef{Type: store.EntryService, ID: saved.ID})
			http.Redirect(w, r, "/directory/services/"+saved.ID+"?done=saved", http.StatusSeeOther)
			return
		}
		errs = care.FieldsOf(err)
	}
	switch {
	case len(errs) > 0:
		v.Errors = errs
		s.renderServiceForm(w, r, http.StatusBadRequest, v)
	case care.IsKind(err, care.KindConflict):
		// Show what is saved now beside what they typed, and take the form
		// to the saved version so that saving again is a deliberate choice.
		latest, lerr := s.store.Service(ctx, cur.ID)
		if lerr != nil {
			s.renderError(w, r, lerr)
			return
		}
		saved := serviceView{Service: latest}
		if err := s.fillServiceView(r, &saved); err != nil {
			s.renderError(w, r, err)
			return
		}
		v.Conflict, v.Form.Version = &saved, strconv.Itoa(latest.Version)
		v.Title = "Conflict: " + v.Title
		s.renderServiceForm(w, r, http.StatusConflict, v)
	default:
		s.renderError(w, r, err)
	}
}

func (s *Server) newServicePage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	org, err := s.store.Organisation(r.Context(), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if !s.mayManage(w, r, actor, org.ID, "directory.service.create", "HealthcareService", "") {
		return
	}
	base := care.Service{OrganisationID: org.ID, Status: care.ServiceActive, Capacity: care.Capacity{State: care.CapacityAccepting}}
	if tm, ok := s.dir.Team(actor.Acting.TeamID); ok && tm.OrganisationID == org.ID {
		base.TeamID = tm.ID
	}
	s.renderServiceForm(w, r, http.StatusOK, serviceEditView{Page: s.page(r, "Add a service"), Organisation: org,
		Form: serviceFormOf(base), New: true, Action: "/directory/organisations/" + org.ID + "/services"})
}

func (s *Server) createService(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	ctx := r.Context()
	org, err := s.store.Organisation(ctx, r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if !s.mayManage(w, r, actor, org.ID, "directory.service.create", "HealthcareService", "") || !s.parseForm(w, r) {
		return
	}
	v := serviceEditView{Page: s.page(r, "Add a service"), Organisation: org, Form: readServiceForm(r.PostForm), New: true,
		Action: "/directory/organisations/" + org.ID + "/services"}
	sv, errs := v.Form.service(care.Service{OrganisationID: org.ID}, s.dir)
	if len(errs) == 0 {
		created, err := s.store.CreateService(ctx, actor, sv)
		if err == nil {
			s.refreshIndex(r, store.EntryRef{Type: store.EntryService, ID: created.ID})
			http.Redirect(w, r, "/directory/services/"+created.ID+"?done=saved", http.StatusSeeOther)
			return
		}
		if errs = care.FieldsOf(err); len(errs) == 0 {
			s.renderError(w, r, err)
			return
		}
	}
	v.Errors = errs
	s.renderServiceForm(w, r, http.StatusBadRequest, v)
}

func (s *Server) verifyService(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	s.confirmEntry(w, r, store.EntryService, "/directory/services/", func(id string, version int) (string, error) {
		e, err := s.store.VerifyService(r.Context(), actor, id, version)
		return e.ID, err
	})
}

type historyRow struct {
	store.EntryVersion
	What    string
	Changed []string
}

type historyView struct {
	Page
	Service care.Service
	Rows    []historyRow
}

func (s *Server) serviceHistory(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	ctx := r.Context()
	sv, err := s.store.Service(ctx, r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	versions, err := s.store.EntryHistory(ctx, store.EntryService, sv.ID, 50)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := historyView{Page: s.page(r, "History of "+sv.Name), Service: sv}
	for _, ver := range versions {
		row := historyRow{EntryVersion: ver, What: map[string]string{
			store.ChangeCreate: "Added", store.ChangeEdit: "Changed", store.ChangeVerify: "Confirmed as still correct",
			store.ChangeImport: "Imported",
		}[ver.Change]}
		if ver.Change == store.ChangeEdit && ver.PreviousState != nil {
			var prev, next care.Service
			if json.Unmarshal(ver.PreviousState, &prev) == nil && json.Unmarshal(ver.Snapshot, &next) == nil {
				row.Changed = directory.ServiceChanges(prev, next)
			}
		}
		v.Rows = append(v.Rows, row)
	}
	s.render(w, r, http.StatusOK, "directory-history", v)
}

// ---- Teams and contacts ----

type teamEditView struct {
	Page
	Team         care.Team
	Organisation care.Organisation
	Form         teamForm
	Conflict     *care.Team
}

func (s *Server) editTeamPage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	t, err := s.store.Team(r.Context(), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if !s.mayManage(w, r, actor, t.OrganisationID, "directory.team.edit", "Team", t.ID) {
		return
	}
	s.render(w, r, http.StatusOK, "directory-team-edit", teamEditView{Page: s.page(r, "Change "+t.Name), Team: t, Form: teamFormOf(t, s.dir)})
}

func (s *Server) updateTeam(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	ctx := r.Context()
	cur, err := s.store.Team(ctx, r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if !s.mayManage(w, r, actor, cur.OrganisationID, "directory.team.update", "Team", cur.ID) || !s.parseForm(w, r) {
		return
	}
	v := teamEditView{Page: s.page(r, "Change "+cur.Name), Team: cur, Form: readTeamForm(r.PostForm)}
	t, errs := v.Form.team(cur, s.dir)
	if len(errs) == 0 {
		saved, err := s.store.UpdateTeamDetails(ctx, actor, t)
		if err == nil {
			s.refreshIndex(r, store.EntryRef{Type: store.EntryTeam, ID: saved.ID})
			http.Redirect(w, r, "/directory/teams/"+saved.ID+"?done=saved", http.StatusSeeOther)
			return
		}
		if care.IsKind(err, care.KindConflict) {
			latest, lerr := s.store.Team(ctx, cur.ID)
			if lerr != nil {
				s.renderError(w, r, lerr)
				return
			}
			v.Conflict, v.Form.Version = &latest, strconv.Itoa(latest.Version)
			v.Title = "Conflict: " + v.Title
			s.render(w, r, http.StatusConflict, "directory-team-edit", v)
			return
		}
		if errs = care.FieldsOf(err); len(errs) == 0 {
			s.renderError(w, r, err)
			return
		}
	}
	v.Errors, v.Title = errs, "Error: "+v.Title
	s.render(w, r, http.StatusBadRequest, "directory-team-edit", v)
}

func (s *Server) verifyTeam(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	s.confirmEntry(w, r, store.EntryTeam, "/directory/teams/", func(id string, version int) (string, error) {
		e, err := s.store.VerifyTeam(r.Context(), actor, id, version)
		return e.ID, err
	})
}

type contactEditView struct {
	Page
	Team     care.Team
	Contact  care.Contact
	Form     contactForm
	Services []option
	New      bool
	Action   string
	Conflict bool
}

func (s *Server) renderContactForm(w http.ResponseWriter, r *http.Request, status int, v contactEditView) {
	services, err := s.store.ServicesOf(r.Context(), v.Team.OrganisationID, v.Team.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v.Services = []option{{Value: "", Label: "The whole team", Checked: v.Form.Service == ""}}
	for _, sv := range services {
		v.Services = append(v.Services, option{Value: sv.ID, Label: sv.Name, Checked: sv.ID == v.Form.Service})
	}
	if len(v.Errors) > 0 {
		v.Title = "Error: " + v.Title
	}
	s.render(w, r, status, "directory-contact-edit", v)
}

func (s *Server) newContactPage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	t, err := s.store.Team(r.Context(), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if !s.mayManage(w, r, actor, t.OrganisationID, "directory.contact.create", "PractitionerRole", "") {
		return
	}
	s.renderContactForm(w, r, http.StatusOK, contactEditView{Page: s.page(r, "Add a contact to "+t.Name), Team: t, New: true,
		Action: "/directory/teams/" + t.ID + "/contacts"})
}

func (s *Server) createContact(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	ctx := r.Context()
	t, err := s.store.Team(ctx, r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if !s.mayManage(w, r, actor, t.OrganisationID, "directory.contact.create", "PractitionerRole", "") || !s.parseForm(w, r) {
		return
	}
	v := contactEditView{Page: s.page(r, "Add a contact to "+t.Name), Team: t, New: true, Form: readContactForm(r.PostForm),
		Action: "/directory/teams/" + t.ID + "/contacts"}
	c, errs := v.Form.contact(care.Contact{TeamID: t.ID}, s.dir)
	if len(errs) == 0 {
		if errs = care.FieldsOf(c.Validate()); len(errs) == 0 {
			created, err := s.store.CreateContact(ctx, actor, c)
			if err == nil {
				s.refreshIndex(r, store.EntryRef{Type: store.EntryContact, ID: created.ID})
				http.Redirect(w, r, "/directory/teams/"+t.ID+"?done=contact-added", http.StatusSeeOther)
				return
			}
			if errs = care.FieldsOf(err); len(errs) == 0 {
				s.renderError(w, r, err)
				return
			}
		}
	}
	v.Errors = errs
	s.renderContactForm(w, r, http.StatusBadRequest, v)
}

func (s *Server) editContactPage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	ctx := r.Context()
	c, err := s.store.Contact(ctx, r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if !s.mayManage(w, r, actor, c.OrganisationID, "directory.contact.edit", "PractitionerRole", c.ID) {
		return
	}
	t, err := s.store.Team(ctx, c.TeamID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.renderContactForm(w, r, http.StatusOK, contactEditView{Page: s.page(r, "Change a contact"), Team: t, Contact: c,
		Form: contactFormOf(c, s.dir), Action: "/directory/contacts/" + c.ID})
}

func (s *Server) updateContact(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	ctx := r.Context()
	cur, err := s.store.Contact(ctx, r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if !s.mayManage(w, r, actor, cur.OrganisationID, "directory.contact.update", "PractitionerRole", cur.ID) || !s.parseForm(w, r) {
		return
	}
	t, err := s.store.Team(ctx, cur.TeamID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := contactEditView{Page: s.page(r, "Change a contact"), Team: t, Contact: cur, Form: readContactForm(r.PostForm),
		Action: "/directory/contacts/" + cur.ID}
	c, errs := v.Form.contact(cur, s.dir)
	if len(errs) == 0 {
		saved, err := s.store.UpdateContact(ctx, actor, c)
		if err == nil {
			s.refreshIndex(r, store.EntryRef{Type: store.EntryContact, ID: saved.ID})
			http.Redirect(w, r, "/directory/teams/"+t.ID+"?done=contact-saved", http.StatusSeeOther)
			return
		}
		if care.IsKind(err, care.KindConflict) {
			latest, lerr := s.store.Contact(ctx, cur.ID)
			if lerr != nil {
				s.renderError(w, r, lerr)
				return
			}
			v.Conflict, v.Form.Version, v.Contact = true, strconv.Itoa(latest.Version), latest
			s.renderContactForm(w, r, http.StatusConflict, v)
			return
		}
		if errs = care.FieldsOf(err); len(errs) == 0 {
			s.renderError(w, r, err)
			return
		}
	}
	v.Errors = errs
	s.renderContactForm(w, r, http.StatusBadRequest, v)
}

func (s *Server) removeContact(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.parseForm(w, r) {
		return
	}
	c, err := s.store.RemoveContact(r.Context(), actor, r.PathValue("id"), formVersion(r))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.refreshIndex(r, store.EntryRef{Type: store.EntryContact, ID: c.ID})
	http.Redirect(w, r, "/directory/teams/"+c.TeamID+"?done=contact-removed", http.StatusSeeOther)
}

// ---- Organisations ----

type organisationEditView struct {
	Page
	Organisation care.Organisation
	Form         organisationForm
	Conflict     bool
}

func (s *Server) editOrganisationPage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	o, err := s.store.Organisation(r.Context(), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if !s.mayManage(w, r, actor, o.ID, "directory.organisation.edit", "Organization", o.ID) {
		return
	}
	s.render(w, r, http.StatusOK, "directory-organisation-edit", organisationEditView{Page: s.page(r, "Change "+o.Name),
		Organisation: o, Form: organisationFormOf(o)})
}

func (s *Server) updateOrganisation(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	ctx := r.Context()
	cur, err := s.store.Organisation(ctx, r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if !s.mayManage(w, r, actor, cur.ID, "directory.organisation.update", "Organization", cur.ID) || !s.parseForm(w, r) {
		return
	}
	v := organisationEditView{Page: s.page(r, "Change "+cur.Name), Organisation: cur, Form: readOrganisationForm(r.PostForm)}
	o, errs := v.Form.organisation(cur)
	if len(errs) == 0 {
		saved, err := s.store.UpdateOrganisationDetails(ctx, actor, o)
		if err == nil {
			s.refreshIndex(r, store.EntryRef{Type: store.EntryOrganisation, ID: saved.ID})
			http.Redirect(w, r, "/directory/organisations/"+saved.ID+"?done=saved", http.StatusSeeOther)
			return
		}
		if care.IsKind(err, care.KindConflict) {
			latest, lerr := s.store.Organisation(ctx, cur.ID)
			if lerr != nil {
				s.renderError(w, r, lerr)
				return
			}
			v.Conflict, v.Form.Version, v.Organisation = true, strconv.Itoa(latest.Version), latest
			v.Title = "Conflict: " + v.Title
			s.render(w, r, http.StatusConflict, "directory-organisation-edit", v)
			return
		}
		if errs = care.FieldsOf(err); len(errs) == 0 {
			s.renderError(w, r, err)
			return
		}
	}
	v.Errors, v.Title = errs, "Error: "+v.Title
	s.render(w, r, http.StatusBadRequest, "directory-organisation-edit", v)
}

func (s *Server) verifyOrganisation(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	s.confirmEntry(w, r, store.EntryOrganisation, "/directory/organisations/", func(id string, version int) (string, error) {
		e, err := s.store.VerifyOrganisation(r.Context(), actor, id, version)
		return e.ID, err
	})
}
