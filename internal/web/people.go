package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/geo"
)

// choice is one option of a radio group, checkbox group or select.
type choice struct {
	Value, Label, Hint string
	Checked            bool
}

// choiceGroup is a labelled group of options in a select.
type choiceGroup struct {
	Label   string
	Choices []choice
}

// choiceField is what the personChoices and personSelect partials show.
type choiceField struct {
	Name, Legend, Hint, Error string
	Kind                      string // "radios" or "checkboxes"
	Inline                    bool
	Choices                   []choice
	Groups                    []choiceGroup
}

// dateField is what the personDate partial shows: three boxes whose first
// has the field's own id, so the error summary can link to it.
type dateField struct {
	Name, Legend, Hint, Error string
	Parts                     []datePart
}

type datePart struct {
	ID, Name, Label, Value string
	Width                  int
}

// newDateField builds the three boxes for a date; prefix names the form
// values (prefix_day, prefix_month, prefix_year).
func newDateField(name, prefix, legend, errMsg, day, month, year string) dateField {
	return dateField{Name: name, Legend: legend, Error: errMsg, Parts: []datePart{
		{ID: name, Name: prefix + "_day", Label: "Day", Value: day, Width: 2},
		{ID: name + "-month", Name: prefix + "_month", Label: "Month", Value: month, Width: 2},
		{ID: name + "-year", Name: prefix + "_year", Label: "Year", Value: year, Width: 4},
	}}
}

func yesNo(name, legend, hint, errMsg, value string) choiceField {
	return choiceField{Name: name, Legend: legend, Hint: hint, Error: errMsg, Kind: "radios", Inline: true, Choices: []choice{
		{Value: "yes", Label: "Yes", Checked: value == "yes"},
		{Value: "no", Label: "No", Checked: value == "no"},
	}}
}

// parseForm reads a posted form, or renders the error and reports false.
func (s *Server) parseForm(w http.ResponseWriter, r *http.Request) bool {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, care.Errorf(care.KindInvalid, "The form could not be read."))
		return false
	}
	return true
}

// formProblem reports whether err should re-render the form with its
// problems at the fields, rather than show an error page.
func formProblem(err error) bool {
	return care.IsKind(err, care.KindInvalid) && len(care.FieldsOf(err)) > 0 ||
		care.IsKind(err, care.KindConflict) && len(care.FieldsOf(err)) > 0
}

// forbidPerson refuses a page about a person the actor may not use in this
// way, auditing the refusal.
func (s *Server) forbidPerson(w http.ResponseWriter, r *http.Request, actor care.Actor, action, personID, message string) {
	if err := s.store.RecordDenied(r.Context(), actor, action, "Patient", personID, personID, r.Method+" "+r.Pattern); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.renderError(w, r, care.Errorf(care.KindForbidden, "%s", message))
}

// ---- Search ----

type peopleView struct {
	Page
	NHSNumber, GivenName, FamilyName string
	DOB                              dateField
	Searched                         bool
	ByNHS                            bool
	Results                          []care.PersonSummary
	// Mine lists the people whose care team the user is in, shown when
	// they have not searched.
	Mine          []care.PersonSummary
	CanRegister   bool
	CanBreakGlass bool
}

func (s *Server) peoplePage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireAction(w, r, actor, care.ActionSearchPeople) {
		return
	}
	q := r.URL.Query()
	v := peopleView{Page: s.page(r, "Find a person"), NHSNumber: q.Get("nhs_number"), GivenName: q.Get("given_name"),
		FamilyName: q.Get("family_name"), CanRegister: care.Allowed(actor, care.ActionRegisterPerson),
		CanBreakGlass: care.Allowed(actor, care.ActionBreakGlass)}
	day, month, year := q.Get("dob_day"), q.Get("dob_month"), q.Get("dob_year")
	status := http.StatusOK
	if q.Has("nhs_number") || q.Has("family_name") {
		query, errs := care.ParsePersonQuery(v.NHSNumber, v.GivenName, v.FamilyName, day, month, year)
		if len(errs) > 0 {
			v.Errors, v.Title, status = errs, "Error: Find a person", http.StatusBadRequest
		} else {
			results, err := s.store.SearchPeople(r.Context(), actor, query)
			if err != nil {
				s.renderError(w, r, err)
				return
			}
			v.Searched, v.ByNHS, v.Results = true, query.ByNHSNumber(), results
			v.NHSNumber = string(query.NHSNumber)
		}
	}
	v.DOB = newDateField("date_of_birth", "dob", "Date of birth", v.Errors.Message("date_of_birth"), day, month, year)
	if !v.Searched && status == http.StatusOK {
		mine, err := s.store.MyPeople(r.Context(), actor)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		v.Mine = mine
	}
	s.render(w, r, status, "people", v)
}

// ---- Registering and changing a person ----

type personFormView struct {
	Page
	Editing bool
	Action  string
	Person  care.Person
	// Practice and LocalAuthority are the chosen values, which may be what
	// was typed rather than a valid choice.
	DOB            dateField
	Practices      choiceField
	Authorities    choiceField
	Contact        choiceField
	Interpreter    choiceField
	Formats        choiceField
	AboutMe        []formField
	ConfirmWarning string
	Confirm        choiceField
}

// personFromForm reads a person's details from a posted form.
func personFromForm(f url.Values) (care.Person, string) {
	p := care.Person{
		NHSNumber: care.NHSNumber(f.Get("nhs_number")), GivenName: f.Get("given_name"), FamilyName: f.Get("family_name"),
		PreferredName: f.Get("preferred_name"), Address: f.Get("address"), Postcode: f.Get("postcode"),
		LocalAuthorityGSS: f.Get("local_authority"), RegisteredPracticeID: f.Get("registered_practice"),
		Phone: f.Get("phone"), Email: f.Get("email"), ContactPreference: care.ContactMethod(f.Get("contact_preference")),
		ContactNotes: f.Get("contact_notes"), Language: f.Get("language"), Interpreter: f.Get("interpreter") == "yes",
		CommunicationNotes: f.Get("communication_notes"),
	}
	formats, ok := care.ParseAccessibleFormats(f["accessible_formats"])
	if !ok {
		formats = []care.AccessibleFormat{"unknown"}
	}
	p.AccessibleFormats = formats
	dob, msg := care.ParseDate(f.Get("dob_day"), f.Get("dob_month"), f.Get("dob_year"))
	if msg == "Enter a date" {
		msg = ""
	}
	if msg != "" {
		msg = "Date of birth: " + strings.ToLower(msg[:1]) + msg[1:]
	}
	p.DateOfBirth = dob
	return p, msg
}

// localAuthorityFor works out the council for a postcode: from the postcode
// directory when one is loaded, otherwise from the postcode district's town,
// when exactly one council is named after it. "" means the user must choose.
func (s *Server) localAuthorityFor(postcode string, councils []care.Organisation) string {
	pc, err := geo.ParsePostcode(postcode)
	if err != nil {
		return ""
	}
	if la := s.dir.LocalAuthorityOf(pc); la != "" {
		for _, c := range councils {
			if c.GSSCode == la {
				return c.GSSCode
			}
		}
	}
	place, ok := geo.LookupOutcode(pc.Outcode())
	if !ok || place.Town == "" {
		return ""
	}
	match := ""
	for _, c := range councils {
		if c.Name == place.Town || strings.HasSuffix(c.Name, " "+place.Town) {
			if match != "" {
				return ""
			}
			match = c.GSSCode
		}
	}
	return match
}

// personForm builds the registration or change form around p.
func (s *Server) personForm(r *http.Request, actor care.Actor, title string, p care.Person, aboutMe map[string]string, errs care.FieldErrors) (personFormView, error) {
	v := personFormView{Page: s.page(r, title), Person: p}
	v.Errors = errs
	if len(errs) > 0 {
		v.Title = "Error: " + title
	}
	practices, err := s.store.OrganisationsOfKind(r.Context(), care.OrgGPPractice)
	if err != nil {
		return v, err
	}
	councils, err := s.store.OrganisationsOfKind(r.Context(), care.OrgLocalAuthority)
	if err != nil {
		return v, err
	}
	councilName := map[string]string{}
	for _, c := range councils {
		councilName[c.GSSCode] = c.Name
	}
	selected := p.RegisteredPracticeID
	if selected == "" && slices.ContainsFunc(practices, func(o care.Organisation) bool { return o.ID == actor.Acting.OrgID }) {
		selected = actor.Acting.OrgID
	}
	v.Practices = choiceField{Name: "registered_practice", Legend: "Registered GP practice", Error: errs.Message("registered_practice"),
		Hint: "Practices are grouped by the council area they are in.", Choices: []choice{{Value: "", Label: "Choose a practice"}}}
	groups := map[string]int{}
	for _, o := range practices {
		label := councilName[o.LocalAuthorityGSS]
		if label == "" {
			label = "Other areas"
		}
		i, ok := groups[label]
		if !ok {
			i = len(v.Practices.Groups)
			groups[label] = i
			v.Practices.Groups = append(v.Practices.Groups, choiceGroup{Label: label})
		}
		name := o.Name
		if o.ODSCode != "" {
			name += " (" + o.ODSCode + ")"
		}
		v.Practices.Groups[i].Choices = append(v.Practices.Groups[i].Choices, choice{Value: o.ID, Label: name, Checked: o.ID == selected})
	}
	slices.SortFunc(v.Practices.Groups, func(a, b choiceGroup) int { return strings.Compare(a.Label, b.Label) })
	v.Authorities = choiceField{Name: "local_authority", Legend: "Local authority", Error: errs.Message("local_authority"),
		Hint:    "The council responsible for their social care. Leave it to be worked out from the postcode, or choose it.",
		Choices: []choice{{Value: "", Label: "Work it out from the postcode", Checked: p.LocalAuthorityGSS == ""}}}
	for _, c := range councils {
		v.Authorities.Choices = append(v.Authorities.Choices, choice{Value: c.GSSCode, Label: c.Name, Checked: c.GSSCode == p.LocalAuthorityGSS})
	}
	v.Contact = choiceField{Name: "contact_preference", Legend: "How they prefer to be contacted", Kind: "radios",
		Error: errs.Message("contact_preference")}
	for _, m := range care.ContactMethods {
		v.Contact.Choices = append(v.Contact.Choices, choice{Value: string(m), Label: m.Label(), Checked: p.ContactPreference == m})
	}
	interp := ""
	if p.Language != "" || p.Interpreter {
		interp = map[bool]string{true: "yes", false: "no"}[p.Interpreter]
	}
	v.Interpreter = yesNo("interpreter", "Do they need an interpreter?", "", errs.Message("interpreter"), interp)
	v.Formats = choiceField{Name: "accessible_formats", Legend: "Information they need in another format",
		Hint: "Select all that apply.", Kind: "checkboxes", Error: errs.Message("accessible_formats")}
	for _, f := range care.AccessibleFormats {
		v.Formats.Choices = append(v.Formats.Choices, choice{Value: string(f), Label: f.Label(), Checked: slices.Contains(p.AccessibleFormats, f)})
	}
	if aboutMe != nil {
		spec, _ := care.SectionFor(care.SectionAboutMe)
		for _, f := range spec.Fields {
			v.AboutMe = append(v.AboutMe, formField{Name: f.Name, Label: f.Label, Hint: f.Hint, Value: aboutMe[f.Name], Error: errs.Message(f.Name)})
		}
	}
	day, month, year := care.DateParts(p.DateOfBirth)
	if r.Method == http.MethodPost {
		day, month, year = r.PostForm.Get("dob_day"), r.PostForm.Get("dob_month"), r.PostForm.Get("dob_year")
	}
	v.DOB = newDateField("date_of_birth", "dob", "Date of birth", errs.Message("date_of_birth"), day, month, year)
	if msg := errs.Message("confirm_duplicate"); msg != "" {
		v.ConfirmWarning = msg
		v.Confirm = choiceField{Name: "confirm_duplicate", Legend: "Is this a different person?", Kind: "checkboxes",
			Choices: []choice{{Value: "yes", Label: "I have checked: this is a different person from the one already registered"}}}
	}
	return v, nil
}

func (s *Server) personNewPage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireAction(w, r, actor, care.ActionRegisterPerson) {
		return
	}
	v, err := s.personForm(r, actor, "Register a person", care.Person{}, map[string]string{}, nil)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v.Action = "/people"
	s.render(w, r, http.StatusOK, "person-form", v)
}

func (s *Server) personCreate(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireAction(w, r, actor, care.ActionRegisterPerson) || !s.parseForm(w, r) {
		return
	}
	p, dobMsg := personFromForm(r.PostForm)
	aboutMe := map[string]string{}
	spec, _ := care.SectionFor(care.SectionAboutMe)
	for _, f := range spec.Fields {
		aboutMe[f.Name] = r.PostForm.Get(f.Name)
	}
	p, errs, err := s.checkPersonForm(r, p, dobMsg)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if len(errs) == 0 {
		created, err := s.store.RegisterPerson(r.Context(), actor, p, aboutMe, r.PostForm.Get("confirm_duplicate") == "yes")
		if err == nil {
			http.Redirect(w, r, "/people/"+created.ID+"?done=registered", http.StatusSeeOther)
			return
		}
		if !formProblem(err) {
			s.renderError(w, r, err)
			return
		}
		errs = care.FieldsOf(err)
	}
	v, err := s.personForm(r, actor, "Register a person", p, aboutMe, errs)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v.Action = "/people"
	s.render(w, r, http.StatusBadRequest, "person-form", v)
}

// checkPersonForm adds the problems only the form can see (a date typed in
// boxes, a council that could not be worked out) to the domain's own
// checks, so every problem is shown at once.
func (s *Server) checkPersonForm(r *http.Request, p care.Person, dobMsg string) (care.Person, care.FieldErrors, error) {
	var errs care.FieldErrors
	if dobMsg != "" {
		errs.Add("date_of_birth", dobMsg)
	}
	if p.LocalAuthorityGSS == "" && strings.TrimSpace(p.Postcode) != "" {
		councils, err := s.store.OrganisationsOfKind(r.Context(), care.OrgLocalAuthority)
		if err != nil {
			return p, nil, err
		}
		p.LocalAuthorityGSS = s.localAuthorityFor(p.Postcode, councils)
		if _, err := geo.ParsePostcode(p.Postcode); err == nil && p.LocalAuthorityGSS == "" {
			errs.Add("local_authority", "We could not work out the local authority from this postcode. Choose it from the list")
		}
	}
	for _, e := range care.ValidatePerson(care.NormalisePerson(p), time.Now()) {
		errs.Add(e.Field, e.Message)
	}
	if strings.TrimSpace(p.Postcode) != "" {
		if _, err := geo.ParsePostcode(p.Postcode); err != nil {
			errs.Add("postcode", care.MessageOf(err))
		}
	}
	// Keep the problems in the order the form asks the questions.
	order := []string{"nhs_number", "given_name", "family_name", "preferred_name", "date_of_birth", "address", "postcode",
		"local_authority", "registered_practice", "phone", "email", "contact_preference", "contact_notes", "language",
		"interpreter", "accessible_formats", "communication_notes"}
	slices.SortStableFunc(errs, func(a, b care.FieldError) int {
		return slices.Index(order, a.Field) - slices.Index(order, b.Field)
	})
	return p, errs, nil
}

// ---- The person page ----

type personView struct {
	Page
	Rec       care.PersonRecord
	Age       int
	AboutSpec care.SectionSpec
}

// ageOn is the age in whole years on a date, from a YYYY-MM-DD birth date.
func ageOn(dob string, today time.Time) int {
	b, err := time.Parse(time.DateOnly, dob)
	if err != nil {
		return 0
	}
	age := today.Year() - b.Year()
	if today.Month() < b.Month() || today.Month() == b.Month() && today.Day() < b.Day() {
		age--
	}
	return age
}

func (s *Server) personPage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	rec, err := s.store.PersonRecord(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		s.renderPersonError(w, r, actor, err)
		return
	}
	v := personView{Page: s.page(r, rec.Person.FullName()), Rec: rec, Age: ageOn(rec.Person.DateOfBirth, time.Now().In(s.loc))}
	v.AboutSpec, _ = care.SectionFor(care.SectionAboutMe)
	if !rec.Full() {
		s.render(w, r, http.StatusOK, "person-restricted", v)
		return
	}
	switch r.URL.Query().Get("done") {
	case "registered":
		v.Notice = "The person has been registered. Add the people who support them to the care team, and name a care coordinator."
	case "updated":
		v.Notice = "Their details have been saved."
	case "carer":
		v.Notice = "The carer has been added."
	case "carer-removed":
		v.Notice = "The carer has been removed."
	case "alert":
		v.Notice = "The alert has been added."
	case "alert-ended":
		v.Notice = "The alert has been ended."
	case "objection":
		v.Notice = "The objection to sharing has been saved."
	case "related":
		v.Notice = "You already have a care relationship with this person, so emergency access was not needed."
	}
	s.render(w, r, http.StatusOK, "person", v)
}

// renderPersonError shows a refusal to see a person's record with what the
// user can do next; other errors as usual.
func (s *Server) renderPersonError(w http.ResponseWriter, r *http.Request, actor care.Actor, err error) {
	if !care.IsKind(err, care.KindForbidden) || !care.Allowed(actor, care.ActionBreakGlass) {
		s.renderError(w, r, err)
		return
	}
	v := personDeniedView{Page: s.page(r, "You do not have access to this record"), Message: care.MessageOf(err), CanBreakGlass: true}
	s.render(w, r, http.StatusForbidden, "person-denied", v)
}

type personDeniedView struct {
	Page
	Message       string
	CanBreakGlass bool
}

// recordFor loads the record for a page that changes it, refusing (and
// auditing the refusal) when the actor may not.
func (s *Server) recordFor(w http.ResponseWriter, r *http.Request, actor care.Actor, can func(care.PersonRecord) bool, action, message string) (care.PersonRecord, bool) {
	rec, err := s.store.PersonRecord(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		s.renderPersonError(w, r, actor, err)
		return rec, false
	}
	if !can(rec) {
		s.forbidPerson(w, r, actor, action, rec.Person.ID, message)
		return rec, false
	}
	return rec, true
}

func (s *Server) personEditPage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	rec, ok := s.recordFor(w, r, actor, care.PersonRecord.CanEdit, "person.update", "You cannot change this person's details.")
	if !ok {
		return
	}
	v, err := s.personForm(r, actor, "Change "+rec.Person.FullName()+"’s details", rec.Person, nil, nil)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v.Editing, v.Action = true, "/people/"+rec.Person.ID
	s.render(w, r, http.StatusOK, "person-form", v)
}

func (s *Server) personUpdate(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.parseForm(w, r) {
		return
	}
	// Whether they may change it comes first, so a refusal is a refusal
	// whatever was typed.
	rec, ok := s.recordFor(w, r, actor, care.PersonRecord.CanEdit, "person.update", "You cannot change this person's details.")
	if !ok {
		return
	}
	p, dobMsg := personFromForm(r.PostForm)
	p.ID, p.NHSNumber = rec.Person.ID, rec.Person.NHSNumber
	p.Version, _ = strconv.Atoi(r.PostForm.Get("version"))
	checked, errs, err := s.checkPersonForm(r, p, dobMsg)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if len(errs) == 0 {
		_, err := s.store.UpdatePerson(r.Context(), actor, checked)
		if err == nil {
			http.Redirect(w, r, "/people/"+p.ID+"?done=updated", http.StatusSeeOther)
			return
		}
		if !formProblem(err) {
			s.renderPersonError(w, r, actor, err)
			return
		}
		errs = care.FieldsOf(err)
	}
	p.LocalAuthorityGSS = r.PostForm.Get("local_authority")
	v, err := s.personForm(r, actor, "Change "+rec.Person.FullName()+"’s details", p, nil, errs)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v.Editing, v.Action = true, "/people/"+p.ID
	s.render(w, r, http.StatusBadRequest, "person-form", v)
}

func (s *Server) personObjection(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.parseForm(w, r) {
		return
	}
	if _, ok := s.recordFor(w, r, actor, care.PersonRecord.CanEdit, "person.objection", "You cannot record an objection for this person."); !ok {
		return
	}
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	objects := r.PostForm.Get("objects")
	if objects != "yes" && objects != "no" {
		s.renderError(w, r, care.Errorf(care.KindInvalid, "Say whether the person objects to sharing."))
		return
	}
	if err := s.store.SetObjection(r.Context(), actor, r.PathValue("id"), objects == "yes", version); err != nil {
		s.renderPersonError(w, r, actor, err)
		return
	}
	http.Redirect(w, r, "/people/"+r.PathValue("id")+"?done=objection", http.StatusSeeOther)
}

// ---- Carers ----

type carerFormView struct {
	Page
	Rec                              care.PersonRecord
	Name, Relationship, Phone, Email string
	MayBeTold                        choiceField
}

func (s *Server) carerNewPage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	rec, ok := s.recordFor(w, r, actor, care.PersonRecord.CanEdit, "carer.add", "You cannot change this person's carers.")
	if !ok {
		return
	}
	v := carerFormView{Page: s.page(r, "Add a carer"), Rec: rec,
		MayBeTold: yesNo("may_be_told", "Does the person agree that staff may tell this carer about their care?", "Ask the person. If they cannot decide, follow your organisation's guidance on best interests.", "", "")}
	s.render(w, r, http.StatusOK, "carer-form", v)
}

func (s *Server) carerCreate(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.parseForm(w, r) {
		return
	}
	f := r.PostForm
	told := f.Get("may_be_told")
	c := care.Carer{Name: f.Get("carer_name"), Relationship: f.Get("carer_relationship"), Phone: f.Get("carer_phone"),
		Email: f.Get("carer_email"), MayBeTold: told == "yes"}
	id := r.PathValue("id")
	_, err := s.store.AddCarer(r.Context(), actor, id, c, told == "yes" || told == "no")
	if err == nil {
		http.Redirect(w, r, "/people/"+id+"?done=carer#carers", http.StatusSeeOther)
		return
	}
	if !formProblem(err) {
		s.renderPersonError(w, r, actor, err)
		return
	}
	rec, recErr := s.store.PersonRecord(r.Context(), actor, id)
	if recErr != nil {
		s.renderPersonError(w, r, actor, recErr)
		return
	}
	errs := care.FieldsOf(err)
	v := carerFormView{Page: s.page(r, "Error: Add a carer"), Rec: rec, Name: c.Name, Relationship: c.Relationship, Phone: c.Phone, Email: c.Email,
		MayBeTold: yesNo("may_be_told", "Does the person agree that staff may tell this carer about their care?", "Ask the person. If they cannot decide, follow your organisation's guidance on best interests.", errs.Message("may_be_told"), told)}
	v.Errors = errs
	s.render(w, r, http.StatusBadRequest, "carer-form", v)
}

func (s *Server) carerRemove(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	id := r.PathValue("id")
	if err := s.store.RemoveCarer(r.Context(), actor, id, r.PathValue("carer")); err != nil {
		s.renderPersonError(w, r, actor, err)
		return
	}
	http.Redirect(w, r, "/people/"+id+"?done=carer-removed#carers", http.StatusSeeOther)
}

// ---- Alerts ----

type alertFormView struct {
	Page
	Rec         care.PersonRecord
	Kind        choiceField
	Sensitivity choiceField
	Description string
}

func alertChoices(actor care.Actor, kind care.AlertKind, sens care.Sensitivity, errs care.FieldErrors) (choiceField, choiceField) {
	k := choiceField{Name: "alert_kind", Legend: "What is the alert about?", Kind: "radios", Error: errs.Message("alert_kind")}
	for _, x := range care.AlertKinds {
		k.Choices = append(k.Choices, choice{Value: string(x), Label: x.Label(), Checked: x == kind})
	}
	sv := choiceField{Name: "sensitivity", Legend: "Who may see it?", Kind: "radios", Error: errs.Message("sensitivity"),
		Hint: "A risk to staff is always seen by everyone who can see the record."}
	for _, x := range care.Sensitivities {
		if x == care.SensitivitySensitive && !care.CanSeeAlert(actor, x) {
			continue
		}
		sv.Choices = append(sv.Choices, choice{Value: string(x), Label: x.Label(), Checked: x == sens})
	}
	return k, sv
}

func (s *Server) alertNewPage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	rec, ok := s.recordFor(w, r, actor, care.PersonRecord.CanEdit, "alert.add", "You cannot add alerts to this record.")
	if !ok {
		return
	}
	v := alertFormView{Page: s.page(r, "Add an alert"), Rec: rec}
	v.Kind, v.Sensitivity = alertChoices(actor, "", care.SensitivityStandard, nil)
	s.render(w, r, http.StatusOK, "alert-form", v)
}

func (s *Server) alertCreate(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.parseForm(w, r) {
		return
	}
	id := r.PathValue("id")
	al := care.Alert{Kind: care.AlertKind(r.PostForm.Get("alert_kind")), Sensitivity: care.Sensitivity(r.PostForm.Get("sensitivity")),
		Description: r.PostForm.Get("alert_description")}
	_, err := s.store.AddAlert(r.Context(), actor, id, al)
	if err == nil {
		http.Redirect(w, r, "/people/"+id+"?done=alert", http.StatusSeeOther)
		return
	}
	if !formProblem(err) {
		s.renderPersonError(w, r, actor, err)
		return
	}
	rec, recErr := s.store.PersonRecord(r.Context(), actor, id)
	if recErr != nil {
		s.renderPersonError(w, r, actor, recErr)
		return
	}
	errs := care.FieldsOf(err)
	v := alertFormView{Page: s.page(r, "Error: Add an alert"), Rec: rec, Description: al.Description}
	v.Errors = errs
	v.Kind, v.Sensitivity = alertChoices(actor, al.Kind, al.Sensitivity, errs)
	s.render(w, r, http.StatusBadRequest, "alert-form", v)
}

func (s *Server) alertEnd(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	id := r.PathValue("id")
	if err := s.store.EndAlert(r.Context(), actor, id, r.PathValue("alert")); err != nil {
		s.renderPersonError(w, r, actor, err)
		return
	}
	http.Redirect(w, r, "/people/"+id+"?done=alert-ended", http.StatusSeeOther)
}

// personNav lists the pages of a person's record, marking the current one,
// for the navigation at the top of each.
func personNav(personID, current string) []navItem {
	base := "/people/" + personID
	items := []navItem{
		{Label: "Record", Href: base},
		{Label: "Care team", Href: base + "/care-team"},
		{Label: "Care and support plan", Href: base + "/plan"},
		{Label: "Plan history", Href: base + "/plan/history"},
		{Label: "Timeline", Href: base + "/timeline"},
	}
	for i := range items {
		items[i].Current = items[i].Href == current
	}
	return items
}
