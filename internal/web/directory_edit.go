package web

import (
	"context"
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

// entryPages is what the handlers every kind of entry shares need to know
// about one kind.
type entryPages[E any] struct {
	typ          string // store.EntryService and the rest
	resourceType string // as the audit trail names it
	load         func(ctx context.Context, id string) (E, error)
	save         func(ctx context.Context, actor care.Actor, e E) (E, error)
	// owner is the organisation whose managers look after the entry.
	owner func(E) string
	id    func(E) string
	// saved is where to go once the entry is saved.
	saved func(E) string
}

func (s *Server) organisationPages() entryPages[care.Organisation] {
	return entryPages[care.Organisation]{typ: store.EntryOrganisation, resourceType: "Organization",
		load: s.store.Organisation, save: s.store.UpdateOrganisationDetails,
		owner: func(o care.Organisation) string { return o.ID }, id: func(o care.Organisation) string { return o.ID },
		saved: func(o care.Organisation) string { return "/directory/organisations/" + o.ID + "?done=saved" }}
}

func (s *Server) teamPages() entryPages[care.Team] {
	return entryPages[care.Team]{typ: store.EntryTeam, resourceType: "Team", load: s.store.Team, save: s.store.UpdateTeamDetails,
		owner: func(t care.Team) string { return t.OrganisationID }, id: func(t care.Team) string { return t.ID },
		saved: func(t care.Team) string { return "/directory/teams/" + t.ID + "?done=saved" }}
}

func (s *Server) servicePages() entryPages[care.Service] {
	return entryPages[care.Service]{typ: store.EntryService, resourceType: "HealthcareService", load: s.store.Service,
		save: s.store.UpdateService, owner: func(sv care.Service) string { return sv.OrganisationID },
		id: func(sv care.Service) string { return sv.ID }, saved: func(sv care.Service) string { return "/directory/services/" + sv.ID + "?done=saved" }}
}

// contactPages: a contact has no page of its own; it is shown on its team's.
func (s *Server) contactPages() entryPages[care.Contact] {
	return entryPages[care.Contact]{typ: store.EntryContact, resourceType: "PractitionerRole", load: s.store.Contact,
		save: s.store.UpdateContact, owner: func(c care.Contact) string { return c.OrganisationID },
		id: func(c care.Contact) string { return c.ID }, saved: func(c care.Contact) string { return "/directory/teams/" + c.TeamID + "?done=contact-saved" }}
}

// manageable loads the entry the address names, for someone who looks
// after it; anyone else is refused, and the refusal audited as the action
// directory.<kind>.<verb>.
func manageable[E any](s *Server, w http.ResponseWriter, r *http.Request, actor care.Actor, k entryPages[E], verb string) (E, bool) {
	e, err := k.load(r.Context(), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return e, false
	}
	return e, s.mayManage(w, r, actor, k.owner(e), "directory."+k.typ+"."+verb, k.resourceType, k.id(e))
}

// saveEntry is the one handler that saves an edited entry, of any kind.
// form reads what was posted over the saved entry (and fills the page's
// view as it does); the result is saved over the version the form was made
// from, the search index refreshed, and the browser sent on. When someone
// else saved first, show renders the form again beside latest, the entry
// as it is saved now, so that saving again is a deliberate choice; when
// what was typed has problems, show renders them at their fields, with
// latest nil.
func saveEntry[E any](s *Server, w http.ResponseWriter, r *http.Request, actor care.Actor, k entryPages[E],
	form func(cur E) (E, error), show func(status int, errs care.FieldErrors, latest *E)) {
	cur, ok := manageable(s, w, r, actor, k, "update")
	if !ok || !s.parseForm(w, r) {
		return
	}
	next, err := form(cur)
	if err == nil {
		var saved E
		if saved, err = k.save(r.Context(), actor, next); err == nil {
			s.refreshIndex(r, store.EntryRef{Type: k.typ, ID: k.id(saved)})
			http.Redirect(w, r, k.saved(saved), http.StatusSeeOther)
			return
		}
	}
	switch errs := care.FieldsOf(err); {
	case len(errs) > 0:
		show(http.StatusBadRequest, errs, nil)
	case care.IsKind(err, care.KindConflict):
		latest, err := k.load(r.Context(), k.id(cur))
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		show(http.StatusConflict, nil, &latest)
	default:
		s.renderError(w, r, err)
	}
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
	sv, ok := manageable(s, w, r, actor, s.servicePages(), "edit")
	if !ok {
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
	var v serviceEditView
	saveEntry(s, w, r, actor, s.servicePages(), func(cur care.Service) (care.Service, error) {
		org, err := s.store.Organisation(r.Context(), cur.OrganisationID)
		if err != nil {
			return cur, err
		}
		v = serviceEditView{Page: s.page(r, "Change "+cur.Name), Organisation: org, Service: cur,
			Form: readServiceForm(r.PostForm), Action: "/directory/services/" + cur.ID}
		sv, errs := v.Form.service(cur, s.dir)
		return sv, errs.Err()
	}, func(status int, errs care.FieldErrors, latest *care.Service) {
		if latest != nil {
			// Show what is saved now beside what they typed.
			saved := serviceView{Service: *latest}
			if err := s.fillServiceView(r, &saved); err != nil {
				s.renderError(w, r, err)
				return
			}
			v.Conflict, v.Form.Version = &saved, strconv.Itoa(latest.Version)
			v.Title = "Conflict: " + v.Title
		}
		v.Errors = errs
		s.renderServiceForm(w, r, status, v)
	})
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
	t, ok := manageable(s, w, r, actor, s.teamPages(), "edit")
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "directory-team-edit", teamEditView{Page: s.page(r, "Change "+t.Name), Team: t, Form: teamFormOf(t, s.dir)})
}

func (s *Server) updateTeam(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	var v teamEditView
	saveEntry(s, w, r, actor, s.teamPages(), func(cur care.Team) (care.Team, error) {
		v = teamEditView{Page: s.page(r, "Change "+cur.Name), Team: cur, Form: readTeamForm(r.PostForm)}
		t, errs := v.Form.team(cur, s.dir)
		return t, errs.Err()
	}, func(status int, errs care.FieldErrors, latest *care.Team) {
		if latest != nil {
			v.Conflict, v.Form.Version, v.Title = latest, strconv.Itoa(latest.Version), "Conflict: "+v.Title
		} else {
			v.Errors, v.Title = errs, "Error: "+v.Title
		}
		s.render(w, r, status, "directory-team-edit", v)
	})
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
	c, ok := manageable(s, w, r, actor, s.contactPages(), "edit")
	if !ok {
		return
	}
	t, err := s.store.Team(r.Context(), c.TeamID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.renderContactForm(w, r, http.StatusOK, contactEditView{Page: s.page(r, "Change a contact"), Team: t, Contact: c,
		Form: contactFormOf(c, s.dir), Action: "/directory/contacts/" + c.ID})
}

func (s *Server) updateContact(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	var v contactEditView
	saveEntry(s, w, r, actor, s.contactPages(), func(cur care.Contact) (care.Contact, error) {
		t, err := s.store.Team(r.Context(), cur.TeamID)
		if err != nil {
			return cur, err
		}
		v = contactEditView{Page: s.page(r, "Change a contact"), Team: t, Contact: cur, Form: readContactForm(r.PostForm),
			Action: "/directory/contacts/" + cur.ID}
		c, errs := v.Form.contact(cur, s.dir)
		return c, errs.Err()
	}, func(status int, errs care.FieldErrors, latest *care.Contact) {
		if latest != nil {
			v.Conflict, v.Form.Version, v.Contact = true, strconv.Itoa(latest.Version), *latest
		}
		v.Errors = errs
		s.renderContactForm(w, r, status, v)
	})
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
	o, ok := manageable(s, w, r, actor, s.organisationPages(), "edit")
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "directory-organisation-edit", organisationEditView{Page: s.page(r, "Change "+o.Name),
		Organisation: o, Form: organisationFormOf(o)})
}

func (s *Server) updateOrganisation(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	var v organisationEditView
	saveEntry(s, w, r, actor, s.organisationPages(), func(cur care.Organisation) (care.Organisation, error) {
		v = organisationEditView{Page: s.page(r, "Change "+cur.Name), Organisation: cur, Form: readOrganisationForm(r.PostForm)}
		o, errs := v.Form.organisation(cur)
		return o, errs.Err()
	}, func(status int, errs care.FieldErrors, latest *care.Organisation) {
		if latest != nil {
			v.Conflict, v.Form.Version, v.Organisation = true, strconv.Itoa(latest.Version), *latest
			v.Title = "Conflict: " + v.Title
		} else {
			v.Errors, v.Title = errs, "Error: "+v.Title
		}
		s.render(w, r, status, "directory-organisation-edit", v)
	})
}

func (s *Server) verifyOrganisation(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	s.confirmEntry(w, r, store.EntryOrganisation, "/directory/organisations/", func(id string, version int) (string, error) {
		e, err := s.store.VerifyOrganisation(r.Context(), actor, id, version)
		return e.ID, err
	})
}
