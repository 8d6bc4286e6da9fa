package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/store"
)

// planSectionView is one section of the plan page.
type planSectionView struct {
	Spec    care.SectionSpec
	Section care.PlanSection
}

type planView struct {
	Page
	Rec      care.PersonRecord
	Sections []planSectionView
	Actions  []care.PlanAction
	// ActionsSection says who last changed the actions.
	ActionsSection care.PlanSection
}

func (s *Server) planPage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	pv, err := s.store.Plan(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		s.renderPersonError(w, r, actor, err)
		return
	}
	v := planView{Page: s.page(r, "Care and support plan"), Rec: pv.Record, Actions: pv.Plan.Actions,
		ActionsSection: pv.Plan.Section(care.SectionActions)}
	for _, spec := range care.PlanSections() {
		if spec.Key != care.SectionActions {
			v.Sections = append(v.Sections, planSectionView{Spec: spec, Section: pv.Plan.Section(spec.Key)})
		}
	}
	switch r.URL.Query().Get("done") {
	case "section":
		v.Notice = "The plan has been saved."
	case "action":
		v.Notice = "The action has been saved."
	}
	s.render(w, r, http.StatusOK, "plan", v)
}

// planFieldView is one field of the section form: a textarea or a date.
type planFieldView struct {
	Field formField
	Date  *dateField
}

type planSectionFormView struct {
	Page
	Rec     care.PersonRecord
	Spec    care.SectionSpec
	Version int
	Fields  []planFieldView
	// Conflict is set when someone else saved first: Theirs is what they
	// saved, Diff how yours differs from it.
	Conflict bool
	Theirs   care.PlanSection
	Diff     []care.DiffLine
}

// sectionForm builds the form for a section from its values; dates come
// as YYYY-MM-DD or, after a post, as the boxes typed.
func sectionForm(spec care.SectionSpec, values map[string]string, posted url.Values, errs care.FieldErrors) []planFieldView {
	var out []planFieldView
	for _, f := range spec.Fields {
		if f.Kind == care.FieldDate {
			day, month, year := care.DateParts(values[f.Name])
			if posted != nil {
				day, month, year = posted.Get(f.Name+"_day"), posted.Get(f.Name+"_month"), posted.Get(f.Name+"_year")
			}
			d := newDateField(f.Name, f.Name, f.Label, errs.Message(f.Name), day, month, year)
			d.Hint = "For example, 27 3 2026. Leave it empty if no date is set."
			out = append(out, planFieldView{Date: &d})
			continue
		}
		out = append(out, planFieldView{Field: formField{Name: f.Name, Label: f.Label, Hint: f.Hint, Value: values[f.Name],
			Error: errs.Message(f.Name), Width: "6"}})
	}
	return out
}

// sectionFromForm reads a section's fields from a posted form. A date typed
// wrongly is reported at its field.
func sectionFromForm(spec care.SectionSpec, f url.Values) (map[string]string, care.FieldErrors) {
	var errs care.FieldErrors
	values := map[string]string{}
	for _, field := range spec.Fields {
		if field.Kind != care.FieldDate {
			values[field.Name] = f.Get(field.Name)
			continue
		}
		d, msg := care.ParseDate(f.Get(field.Name+"_day"), f.Get(field.Name+"_month"), f.Get(field.Name+"_year"))
		switch msg {
		case "":
			values[field.Name] = d
		case "Enter a date":
		default:
			errs.Add(field.Name, field.Label+": "+strings.ToLower(msg[:1])+msg[1:])
		}
	}
	return values, errs
}

// editableSection finds the section named in the path; actions are edited
// one by one, not as a section.
func editableSection(r *http.Request) (care.SectionSpec, bool) {
	spec, ok := care.SectionFor(care.SectionKey(r.PathValue("section")))
	return spec, ok && spec.Key != care.SectionActions
}

func (s *Server) planSectionEditPage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	spec, ok := editableSection(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	pv, err := s.store.Plan(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		s.renderPersonError(w, r, actor, err)
		return
	}
	if !pv.Record.CanEditPlan() {
		s.forbidPerson(w, r, actor, "plan.section", pv.Record.Person.ID, "You cannot change this person's care and support plan.")
		return
	}
	sec := pv.Plan.Section(spec.Key)
	v := planSectionFormView{Page: s.page(r, "Change the plan: "+spec.Title), Rec: pv.Record, Spec: spec, Version: sec.Version,
		Fields: sectionForm(spec, sec.Fields, nil, nil)}
	s.render(w, r, http.StatusOK, "plan-section", v)
}

func (s *Server) planSectionSave(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	spec, ok := editableSection(r)
	if !ok {
		s.notFound(w, r)
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	id := r.PathValue("id")
	base, _ := strconv.Atoi(r.PostForm.Get("version"))
	values, errs := sectionFromForm(spec, r.PostForm)
	var err error
	if len(errs) == 0 {
		err = s.store.SavePlanSection(r.Context(), actor, id, spec.Key, values, base)
		if err == nil {
			http.Redirect(w, r, "/people/"+id+"/plan?done=section#"+string(spec.Key), http.StatusSeeOther)
			return
		}
		if !formProblem(err) && !care.IsKind(err, care.KindConflict) {
			s.renderPersonError(w, r, actor, err)
			return
		}
		errs = care.FieldsOf(err)
	}
	// Show the form again with everything typed. The plan is read again so
	// a refusal is a refusal even when the form also had problems.
	pv, readErr := s.store.Plan(r.Context(), actor, id)
	if readErr != nil {
		s.renderPersonError(w, r, actor, readErr)
		return
	}
	if !pv.Record.CanEditPlan() {
		s.forbidPerson(w, r, actor, "plan.section", id, "You cannot change this person's care and support plan.")
		return
	}
	theirs := pv.Plan.Section(spec.Key)
	v := planSectionFormView{Page: s.page(r, "Error: Change the plan: "+spec.Title), Rec: pv.Record, Spec: spec, Version: base,
		Fields: sectionForm(spec, values, r.PostForm, errs)}
	v.Errors = errs
	status := http.StatusBadRequest
	if care.IsKind(err, care.KindConflict) {
		// Someone saved first. Nothing typed is lost: the form keeps it,
		// now based on their version, so saving again is a deliberate
		// choice made with both in view.
		status, v.Conflict, v.Theirs, v.Version = http.StatusConflict, true, theirs, theirs.Version
		v.Title = "Someone else changed this section: " + spec.Title
		v.Diff = care.DiffLines(care.SectionText(spec, theirs.Fields), care.SectionText(spec, care.NormaliseSection(spec, values)))
	}
	s.render(w, r, status, "plan-section", v)
}

type planHistoryView struct {
	Page
	Rec     care.PersonRecord
	Changes []care.PlanChange
}

func (s *Server) planHistoryPage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	rec, changes, err := s.store.PlanHistory(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		s.renderPersonError(w, r, actor, err)
		return
	}
	s.render(w, r, http.StatusOK, "plan-history", planHistoryView{Page: s.page(r, "History of the plan"), Rec: rec, Changes: changes})
}

type planActionView struct {
	Page
	Rec         care.PersonRecord
	Action      care.PlanAction
	Owner       choiceField
	Due         dateField
	Status      choiceField
	Description formField
	// Theirs is the saved action when someone else changed it first.
	Conflict bool
	Theirs   care.PlanAction
}

func actionForm(v *planActionView, owners []care.ActionOwner, a care.PlanAction, ownerValue string, posted url.Values, errs care.FieldErrors) {
	v.Owner = choiceField{Name: "owner", Legend: "Who will do it", Error: errs.Message("owner"),
		Hint: "The person, a carer, someone in the care team or one of their teams.", Choices: []choice{{Value: "", Label: "Choose who"}}}
	for _, o := range owners {
		v.Owner.Choices = append(v.Owner.Choices, choice{Value: o.Value(), Label: o.Label, Checked: o.Value() == ownerValue})
	}
	day, month, year := care.DateParts(a.DueDate)
	if posted != nil {
		day, month, year = posted.Get("due_date_day"), posted.Get("due_date_month"), posted.Get("due_date_year")
	}
	v.Due = newDateField("due_date", "due_date", "When it is due", errs.Message("due_date"), day, month, year)
	v.Due.Hint = "For example, 27 3 2026."
	v.Status = choiceField{Name: "status", Legend: "How far it has got", Kind: "radios", Error: errs.Message("status")}
	for _, st := range care.ActionStatuses {
		v.Status.Choices = append(v.Status.Choices, choice{Value: string(st), Label: st.Label(), Checked: st == a.Status})
	}
	v.Description = formField{Name: "description", Label: "What will be done", Value: a.Description, Error: errs.Message("description"), Width: "3"}
}

// planForAction loads the plan for an action form, refusing those who may
// not change it.
func (s *Server) planForAction(w http.ResponseWriter, r *http.Request, actor care.Actor) (store.PlanView, bool) {
	pv, err := s.store.Plan(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		s.renderPersonError(w, r, actor, err)
		return pv, false
	}
	if !pv.Record.CanEditPlan() {
		s.forbidPerson(w, r, actor, "plan.action", pv.Record.Person.ID, "You cannot change this person's care and support plan.")
		return pv, false
	}
	return pv, true
}

func findAction(pv store.PlanView, id string) (care.PlanAction, bool) {
	for _, a := range pv.Plan.Actions {
		if a.ID == id {
			return a, true
		}
	}
	return care.PlanAction{}, false
}

func (s *Server) planActionPage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	pv, ok := s.planForAction(w, r, actor)
	if !ok {
		return
	}
	a := care.PlanAction{Status: care.StatusNotStarted}
	title := "Add an action"
	if id := r.PathValue("action"); id != "" {
		if a, ok = findAction(pv, id); !ok {
			s.notFound(w, r)
			return
		}
		title = "Change an action"
	}
	v := planActionView{Page: s.page(r, title), Rec: pv.Record, Action: a}
	actionForm(&v, pv.Owners, a, string(a.OwnerKind)+":"+a.OwnerRef, nil, nil)
	if a.ID == "" {
		v.Owner.Choices[0].Checked = true
	}
	s.render(w, r, http.StatusOK, "plan-action", v)
}

func (s *Server) planActionSave(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.parseForm(w, r) {
		return
	}
	id, f := r.PathValue("id"), r.PostForm
	a := care.PlanAction{ID: r.PathValue("action"), Description: f.Get("description"), Status: care.ActionStatus(f.Get("status"))}
	a.Version, _ = strconv.Atoi(f.Get("version"))
	due, msg := care.ParseDate(f.Get("due_date_day"), f.Get("due_date_month"), f.Get("due_date_year"))
	var errs care.FieldErrors
	if msg != "" && msg != "Enter a date" {
		errs.Add("due_date", "Due date: "+strings.ToLower(msg[:1])+msg[1:])
	}
	a.DueDate = due
	var err error
	if len(errs) == 0 {
		_, err = s.store.SavePlanAction(r.Context(), actor, id, a, f.Get("owner"))
		if err == nil {
			http.Redirect(w, r, "/people/"+id+"/plan?done=action#actions", http.StatusSeeOther)
			return
		}
		if !formProblem(err) && !care.IsKind(err, care.KindConflict) {
			s.renderPersonError(w, r, actor, err)
			return
		}
		errs = care.FieldsOf(err)
	}
	pv, ok := s.planForAction(w, r, actor)
	if !ok {
		return
	}
	title := "Add an action"
	if a.ID != "" {
		title = "Change an action"
	}
	v := planActionView{Page: s.page(r, "Error: "+title), Rec: pv.Record, Action: a}
	v.Errors = errs
	actionForm(&v, pv.Owners, a, f.Get("owner"), f, errs)
	status := http.StatusBadRequest
	if care.IsKind(err, care.KindConflict) {
		theirs, _ := findAction(pv, a.ID)
		status, v.Conflict, v.Theirs, v.Action.Version = http.StatusConflict, true, theirs, theirs.Version
		v.Title = "Someone else changed this action"
	}
	s.render(w, r, status, "plan-action", v)
}
