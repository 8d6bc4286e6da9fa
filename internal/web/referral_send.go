package web

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/directory"
	"github.com/joinedup/joinedup/internal/store"
)

// This file serves the referral form: making a referral from a directory
// service, with its uploads, warnings and confirmation.

// maxFormBytes bounds a referral or message form with its files.
const maxFormBytes = maxFormFiles*care.MaxAttachmentBytes + 1<<20

// readUploads parses a multipart form and keeps each new file as an
// upload of the actor's, returning the ids of every file the form now
// carries: those kept from an earlier try (the "attachment" values still
// ticked) and the new ones. A file that is refused is a field problem at
// "attachments"; the others are kept.
func (s *Server) readUploads(r *http.Request, actor care.Actor) ([]string, care.FieldErrors, error) {
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		if errors.Is(err, http.ErrNotMultipart) {
			if err := r.ParseForm(); err != nil {
				return nil, nil, care.Errorf(care.KindInvalid, "The form could not be read.")
			}
			return r.PostForm["attachment"], nil, nil
		}
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, care.FieldErrors{{Field: "attachments", Message: "The files together must be smaller than 50 MB"}}, nil
		}
		return nil, nil, care.Errorf(care.KindInvalid, "The form could not be read.")
	}
	ids := slices.Clone(r.MultipartForm.Value["attachment"])
	var errs care.FieldErrors
	files := r.MultipartForm.File["attachments"]
	if len(ids)+len(files) > maxFormFiles {
		errs.Add("attachments", "Attach at most "+strconv.Itoa(maxFormFiles)+" files")
		return ids, errs, nil
	}
	for _, fh := range files {
		if fh.Filename == "" && fh.Size == 0 {
			continue
		}
		content, detected, err := readUpload(fh)
		if err != nil {
			return ids, errs, err
		}
		a, err := s.store.UploadAttachment(r.Context(), actor, fh.Filename, detected, content)
		if care.IsKind(err, care.KindInvalid) {
			errs = append(errs, care.FieldsOf(err)...)
			continue
		}
		if err != nil {
			return ids, errs, err
		}
		ids = append(ids, a.ID)
	}
	return ids, errs, nil
}

// readUpload reads a file, at most one byte past the limit, and finds its
// type from its content, never from its name or what the browser said.
func readUpload(fh *multipart.FileHeader) ([]byte, string, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	content, err := io.ReadAll(io.LimitReader(f, care.MaxAttachmentBytes+1))
	if err != nil {
		return nil, "", err
	}
	detected := http.DetectContentType(content)
	return content, detected, nil
}

// ---- Making a referral ----

type referFormView struct {
	Page
	Service      care.Service
	Organisation care.Organisation
	Team         care.Team
	Contacts     []contactView
	Areas        []string
	Eligibility  string
	Targets      []targetLine
	NHSNumber    string
	Need         choiceField
	Wants        string
	Urgency      choiceField
	LegalBasis   choiceField
	Justify      string
	Contact      string
	AccessNeeds  string
	Attachments  []store.Attachment
	Warnings     []string
	OpenReferral string
	PersonName   string
	Confirm      choiceField
	Accepts      bool
	// FromAction is the MDT action the referral is made from, if any.
	FromAction     string
	FromActionText string
}

// targetLine is one urgency's response targets, as the form explains them.
type targetLine struct {
	Urgency string
	Text    string
}

func targetLines(tg care.ReferralTargets) []targetLine {
	var out []targetLine
	for _, u := range care.ReferralUrgencies {
		t := tg.For(u)
		out = append(out, targetLine{Urgency: u.Label(), Text: "acknowledge in " + t.Acknowledge.String() + ", decide in " + t.Decide.String()})
	}
	return out
}

func (s *Server) referForm(r *http.Request, actor care.Actor, sv care.Service, f url.Values, errs care.FieldErrors) (referFormView, error) {
	ctx := r.Context()
	title := "Refer to " + sv.Name
	if len(errs) > 0 {
		title = "Error: " + title
	}
	v := referFormView{Page: s.page(r, title), Service: sv, NHSNumber: f.Get("nhs_number"), Wants: f.Get("wants"),
		Justify: f.Get("justification"), Contact: f.Get("contact"), AccessNeeds: f.Get("access_needs"),
		Accepts: sv.Status == care.ServiceActive && sv.TeamID != "" && sv.Referral.Has(care.ReferThroughJoinedup)}
	v.Errors = errs
	if id := f.Get("from_action"); id != "" {
		ar, err := s.store.ActionToRefer(ctx, actor, id)
		if err != nil {
			return v, err
		}
		v.FromAction, v.FromActionText = id, ar.Action.Action.Description
		if r.Method == http.MethodGet {
			v.NHSNumber, v.Wants = ar.Person.NHSNumber.Formatted(), ar.Action.Action.Description
		}
	}
	org, err := s.store.Organisation(ctx, sv.OrganisationID)
	if err != nil {
		return v, err
	}
	v.Organisation = org
	if sv.TeamID != "" {
		if v.Team, err = s.store.Team(ctx, sv.TeamID); err != nil {
			return v, err
		}
		contacts, err := s.store.ContactsOfTeam(ctx, sv.TeamID)
		if err != nil {
			return v, err
		}
		var duty []care.Contact
		for _, c := range contacts {
			if c.Duty && (c.ServiceID == "" || c.ServiceID == sv.ID) && c.PracticeID == "" {
				duty = append(duty, c)
			}
		}
		v.Contacts = viewContacts(duty)
	}
	for _, a := range sv.Catchment {
		v.Areas = append(v.Areas, s.dir.DescribeArea(a))
	}
	v.Eligibility = sv.Eligibility.Text
	tg, _, err := s.store.ServiceReferralTargets(ctx, sv.ID)
	if err != nil {
		return v, err
	}
	v.Targets = targetLines(tg)
	need := f.Get("need")
	if need == "" && len(sv.Needs) == 1 {
		need = sv.Needs[0]
	}
	v.Need = choiceField{Name: "need", Legend: "What does the person need help with?", Error: errs.Message("need"),
		Hint:    "Choose from the needs the directory uses, so the team can see at once whether they can help.",
		Choices: []choice{{Value: "", Label: "Choose a need"}}}
	for _, g := range s.dir.NeedGroups() {
		grp := choiceGroup{Label: g[0].Label}
		for _, n := range g {
			label := n.Label
			if slices.Contains(sv.Needs, n.Code) {
				label += " (this service helps with this)"
			}
			grp.Choices = append(grp.Choices, choice{Value: n.Code, Label: label, Checked: n.Code == need})
		}
		v.Need.Groups = append(v.Need.Groups, grp)
	}
	urgency := f.Get("urgency")
	if urgency == "" {
		urgency = string(care.UrgencyRoutine)
	}
	v.Urgency = choiceField{Name: "urgency", Legend: "How urgent is it?", Kind: "radios", Error: errs.Message("urgency"),
		Hint: "Anything that cannot wait for working hours needs a phone call to the duty line, or 999 in an emergency."}
	for i, u := range care.ReferralUrgencies {
		v.Urgency.Choices = append(v.Urgency.Choices, choice{Value: string(u), Label: u.Label(), Checked: urgency == string(u),
			Hint: "The team's targets: " + v.Targets[i].Text + "."})
	}
	v.LegalBasis = choiceField{Name: "legal_basis", Legend: "On what basis are you sharing the person's information?", Kind: "radios",
		Error: errs.Message("legal_basis")}
	for _, b := range care.LegalBases {
		c := choice{Value: string(b), Label: b.Label(), Checked: f.Get("legal_basis") == string(b)}
		if b.NeedsJustification() {
			c.Hint = "Say below why sharing without consent is justified."
		}
		v.LegalBasis.Choices = append(v.LegalBasis.Choices, c)
	}
	if ids := f["attachment"]; len(ids) > 0 {
		if v.Attachments, err = s.store.PendingAttachments(ctx, actor, ids); err != nil {
			return v, err
		}
	}
	v.Confirm = choiceField{Name: "confirm", Legend: "Do you still want to send this referral?", Kind: "checkboxes",
		Error: errs.Message("confirm"), Choices: []choice{{Value: "yes", Label: "Yes, I have read the warnings and still want to send it"}}}
	return v, nil
}

func (s *Server) referFormPage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireReferralRole(w, r, actor) {
		return
	}
	sv, err := s.store.Service(r.Context(), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := url.Values{"nhs_number": {r.URL.Query().Get("nhs_number")}}
	if id := r.URL.Query().Get("action"); id != "" {
		// Made from an MDT action: the person and what the action asks for
		// start the form, and sending it links the two.
		f.Set("from_action", id)
	}
	v, err := s.referForm(r, actor, sv, f, nil)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "referral-form", v)
}

func referralFromForm(f url.Values, serviceID string, attachments []string) store.NewReferral {
	return store.NewReferral{NHSNumber: f.Get("nhs_number"), ServiceID: serviceID, NeedCode: f.Get("need"), Wants: f.Get("wants"),
		Urgency: care.ReferralUrgency(f.Get("urgency")), LegalBasis: care.LegalBasis(f.Get("legal_basis")),
		Justify: f.Get("justification"), Contact: f.Get("contact"), AccessNeeds: f.Get("access_needs"), Attachments: attachments,
		ConfirmDuplicate: f.Get("confirm") == "yes", FromAction: f.Get("from_action")}
}

// referSubmit sends a referral. Files are kept as soon as they arrive, so
// a form with a problem never asks for them again; then the form is
// checked; then, if the directory or the person's other referrals give
// reasons to think again, the referrer is warned and asked to confirm;
// only then is it sent.
func (s *Server) referSubmit(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireReferralRole(w, r, actor) {
		return
	}
	ctx := r.Context()
	sv, err := s.store.Service(ctx, r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	ids, uploadErrs, err := s.readUploads(r, actor)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := formValues(r)
	f["attachment"] = ids
	n := referralFromForm(f, sv.ID, ids)
	check, err := s.store.CheckReferral(ctx, actor, n)
	errs := append(care.FieldsOf(err), uploadErrs...)
	if err != nil && len(care.FieldsOf(err)) == 0 {
		s.renderError(w, r, err)
		return
	}
	if len(errs) > 0 {
		v, err := s.referForm(r, actor, sv, f, errs)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		s.render(w, r, http.StatusBadRequest, "referral-form", v)
		return
	}
	var warnings []string
	if check.OpenReferral != "" {
		warnings = append(warnings, "This person already has an open referral to this service")
	}
	p := check.Person
	rp := directory.ReferralPerson{Postcode: p.Postcode}
	if o, ok := s.dir.Organisation(p.RegisteredPracticeID); ok {
		rp.PracticeODS = o.ODSCode
	}
	if p.DateOfBirth != "" {
		rp.Age, rp.HasAge = ageOn(p.DateOfBirth, time.Now().In(s.loc)), true
	}
	warnings = append(warnings, s.dir.ReferralWarnings(sv.ID, n.NeedCode, rp)...)
	if len(warnings) > 0 && f.Get("confirm") != "yes" {
		v, err := s.referForm(r, actor, sv, f, nil)
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		v.Warnings, v.OpenReferral, v.PersonName = warnings, check.OpenReferral, p.FullName()
		v.Title = "Check before sending: " + v.Title
		s.render(w, r, http.StatusOK, "referral-form", v)
		return
	}
	sent, err := s.store.SendReferral(ctx, actor, n)
	if formProblem(err) {
		v, verr := s.referForm(r, actor, sv, f, care.FieldsOf(err))
		if verr != nil {
			s.renderError(w, r, verr)
			return
		}
		s.render(w, r, http.StatusBadRequest, "referral-form", v)
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/referrals/"+sent.ID+"?done=sent", http.StatusSeeOther)
}

// formValues is the posted form, whether it came as multipart or not.
func formValues(r *http.Request) url.Values {
	if r.MultipartForm != nil {
		return url.Values(r.MultipartForm.Value)
	}
	return r.PostForm
}
