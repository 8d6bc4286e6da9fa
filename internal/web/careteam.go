package web

import (
	"net/http"

	"github.com/joinedup/joinedup/internal/care"
)

type careTeamView struct {
	Page
	Rec care.PersonRecord
	// Query is the colleague search; Colleagues what it found.
	Query      string
	Searched   bool
	Colleagues choiceField
	// The forms' values, kept when they come back with problems.
	Responsibility, UserPhone string
	Contact                   care.CareTeamMember
}

func (s *Server) careTeamPage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	rec, err := s.store.CareTeam(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		s.renderPersonError(w, r, actor, err)
		return
	}
	if !rec.Full() {
		s.forbidPerson(w, r, actor, "person.read.care_team", rec.Person.ID,
			"This person has objected to sharing their record, so you cannot see their care team. Contact their GP practice.")
		return
	}
	v := careTeamView{Page: s.page(r, "Care team"), Rec: rec, Query: r.URL.Query().Get("q")}
	switch r.URL.Query().Get("done") {
	case "added":
		v.Notice = "They have been added to the care team."
	case "coordinator":
		v.Notice = "The care coordinator has been changed."
	case "removed":
		v.Notice = "They have been removed from the care team."
	}
	if err := s.findColleagues(r, actor, &v, ""); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "care-team", v)
}

// findColleagues fills in the colleague search for the add form.
func (s *Server) findColleagues(r *http.Request, actor care.Actor, v *careTeamView, selected string) error {
	if !v.Rec.CanManageCareTeam() || v.Query == "" {
		return nil
	}
	found, err := s.store.FindColleagues(r.Context(), actor, v.Query)
	if err != nil {
		return err
	}
	v.Searched = true
	v.Colleagues = choiceField{Name: "membership", Legend: "Choose who to add", Kind: "radios", Error: v.Errors.Message("membership")}
	for _, c := range found {
		v.Colleagues.Choices = append(v.Colleagues.Choices, choice{Value: c.MembershipID, Label: c.Name + ", " + c.Role.Label(),
			Hint: c.TeamName + ", " + c.OrgName + " (" + c.Email + ")", Checked: c.MembershipID == selected})
	}
	return nil
}

// renderCareTeamProblem shows the care team page again with a form's
// problems and what was typed.
func (s *Server) renderCareTeamProblem(w http.ResponseWriter, r *http.Request, actor care.Actor, fail error, fill func(*careTeamView)) {
	rec, err := s.store.CareTeam(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		s.renderPersonError(w, r, actor, err)
		return
	}
	v := careTeamView{Page: s.page(r, "Error: Care team"), Rec: rec}
	v.Errors = care.FieldsOf(fail)
	fill(&v)
	if err := s.findColleagues(r, actor, &v, r.PostForm.Get("membership")); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusBadRequest, "care-team", v)
}

func (s *Server) careTeamAddUser(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.parseForm(w, r) {
		return
	}
	id, f := r.PathValue("id"), r.PostForm
	_, err := s.store.AddCareTeamUser(r.Context(), actor, id, f.Get("membership"), f.Get("responsibility"), f.Get("user_phone"))
	switch {
	case err == nil:
		http.Redirect(w, r, "/people/"+id+"/care-team?done=added", http.StatusSeeOther)
	case formProblem(err):
		s.renderCareTeamProblem(w, r, actor, err, func(v *careTeamView) {
			v.Query, v.Responsibility, v.UserPhone = f.Get("q"), f.Get("responsibility"), f.Get("user_phone")
		})
	default:
		s.renderPersonError(w, r, actor, err)
	}
}

func (s *Server) careTeamAddContact(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.parseForm(w, r) {
		return
	}
	id, f := r.PathValue("id"), r.PostForm
	m := care.CareTeamMember{Name: f.Get("member_name"), RoleLabel: f.Get("member_role"), OrganisationName: f.Get("member_organisation"),
		Phone: f.Get("member_phone"), Email: f.Get("member_email"), Responsibility: f.Get("member_responsibility")}
	_, err := s.store.AddCareTeamContact(r.Context(), actor, id, m)
	switch {
	case err == nil:
		http.Redirect(w, r, "/people/"+id+"/care-team?done=added", http.StatusSeeOther)
	case formProblem(err):
		s.renderCareTeamProblem(w, r, actor, err, func(v *careTeamView) { v.Contact = m })
	default:
		s.renderPersonError(w, r, actor, err)
	}
}

func (s *Server) careTeamCoordinator(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	id := r.PathValue("id")
	if err := s.store.NameCoordinator(r.Context(), actor, id, r.PathValue("member")); err != nil {
		s.renderPersonError(w, r, actor, err)
		return
	}
	http.Redirect(w, r, "/people/"+id+"/care-team?done=coordinator", http.StatusSeeOther)
}

func (s *Server) careTeamRemove(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	id := r.PathValue("id")
	if err := s.store.RemoveCareTeamMember(r.Context(), actor, id, r.PathValue("member")); err != nil {
		s.renderPersonError(w, r, actor, err)
		return
	}
	http.Redirect(w, r, "/people/"+id+"/care-team?done=removed", http.StatusSeeOther)
}
