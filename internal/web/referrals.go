package web

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/directory"
	"github.com/joinedup/joinedup/internal/store"
)

// This file serves making a referral from a directory service and the
// referral's own page: its details, where it is, what each side can do
// next, its message thread and its history. The worklists are in
// referral_lists.go.

// requireReferralRole refuses, and audits the refusal, for roles that take
// no part in referrals.
func (s *Server) requireReferralRole(w http.ResponseWriter, r *http.Request, actor care.Actor) bool {
	if care.CanRefer(actor) {
		return true
	}
	if err := s.store.RecordDenied(r.Context(), actor, "referral.page", "Page", r.URL.Path, "", r.Method); err != nil {
		s.renderError(w, r, err)
		return false
	}
	s.renderError(w, r, care.Errorf(care.KindForbidden, "Your role does not make or handle referrals."))
	return false
}

// Uploads: at most this many files in one form, each checked by content.
const maxFormFiles = 5

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

// ---- The referral's page ----

// moveAction is something one side can do next, as a button or a link.
type moveAction struct {
	To    care.ReferralStatus
	Label string
	// Direct moves need nothing more than a click; the others open a form.
	Direct    bool
	Secondary bool
	Warning   bool
}

// moveLabel is the button for a move, from the point of view of whoever
// makes it.
func moveLabel(r care.ReferralTask, to care.ReferralStatus) string {
	if r.Status == care.ReferralOnHold && to == r.HeldFrom {
		return "Take off hold"
	}
	switch to {
	case care.ReferralReceived:
		return "Acknowledge"
	case care.ReferralAccepted:
		return "Accept"
	case care.ReferralInProgress:
		return "Start work"
	case care.ReferralOnHold:
		return "Ask the referrer a question or put on hold"
	case care.ReferralRejected:
		return "Decline"
	case care.ReferralRedirected:
		return "Redirect to another service"
	case care.ReferralCompleted:
		return "Complete and send the outcome"
	case care.ReferralFailed:
		return "Close as unable to complete"
	case care.ReferralCancelled:
		return "Cancel this referral"
	case care.ReferralEnteredInError:
		return "Mark as entered in error"
	}
	return to.Label()
}

func movesFor(r care.ReferralTask, actor care.Actor, side care.ReferralSide) []moveAction {
	var out []moveAction
	for _, to := range r.Moves(actor, side) {
		m := moveAction{To: to, Label: moveLabel(r, to)}
		switch {
		case r.Status == care.ReferralOnHold && to == r.HeldFrom, to == care.ReferralReceived, to == care.ReferralAccepted,
			to == care.ReferralInProgress:
			m.Direct = true
		case to == care.ReferralCancelled, to == care.ReferralEnteredInError, to == care.ReferralFailed:
			m.Warning = true
		default:
			m.Secondary = true
		}
		out = append(out, m)
	}
	return out
}

type referralView struct {
	Page
	V               store.ReferralView
	Ref             string
	Need            string
	Sides           []sideView
	Side            care.ReferralSide
	Overdue         []string
	Escalated       bool
	AckBy, DecideBy string
	Paused          bool
	Wait            string
	Body            string
	Reply           string
	Pending         []store.Attachment
	Feedback        choiceField
	Receiver        bool
	CanAssign       bool
	Assignees       []choice
	AssignTake      bool
	AssignRelease   bool
	QuestionOpen    bool
	History         []historyLine
	PersonLink      bool
	StatusLabel     string
	ReasonText      string
	MessageLabel    string
}

type sideView struct {
	Label string
	Moves []moveAction
}

type historyLine struct {
	At      time.Time
	What    string
	Who     string
	Reason  string
	Note    string
	Link    string
	LinkTxt string
}

func (s *Server) referralView(r *http.Request, actor care.Actor, id string) (referralView, error) {
	rv, err := s.store.Referral(r.Context(), actor, id)
	if err != nil {
		return referralView{}, err
	}
	t := rv.Task
	v := referralView{Page: s.page(r, "Referral to "+rv.ServiceName), V: rv, Ref: care.ReferralReference(t.ID)}
	if n, ok := care.NeedByCode(t.NeedCode); ok {
		v.Need = n.Label
	}
	sides := t.SidesOf(actor)
	v.Side = sides[0]
	v.StatusLabel = t.Status.LabelFor(v.Side)
	for _, side := range sides {
		label := "What you can do"
		if len(sides) > 1 {
			label = "As the " + strings.ToLower(side.Label())
		}
		if moves := movesFor(t, actor, side); len(moves) > 0 {
			v.Sides = append(v.Sides, sideView{Label: label, Moves: moves})
		}
		if side == care.ReceiverSide {
			v.Receiver = true
		}
	}
	for _, step := range rv.Overdue {
		v.Overdue = append(v.Overdue, step.Missed())
	}
	v.Escalated = len(rv.Escalations) > 0 && len(rv.Overdue) > 0
	if rv.HasDeadlines {
		v.AckBy = rv.Deadlines.AcknowledgeBy.In(s.loc).Format("Monday 2 January 2006 at 15:04")
		v.DecideBy = rv.Deadlines.DecideBy.In(s.loc).Format("Monday 2 January 2006 at 15:04")
		v.Paused = rv.Deadlines.DecidePaused
	}
	v.Wait = rv.Wait.String()
	v.QuestionOpen = t.Status == care.ReferralOnHold && t.StatusReason == string(care.HoldInformationRequested)
	if v.Receiver {
		v.Feedback = choiceField{Name: "missing", Legend: "What did this referral not tell you that you needed?", Kind: "checkboxes",
			Hint: "Your answers are counted, without names, on the service's page, so referrers learn what to include."}
		for _, c := range care.ReferralMissingInfoCategories() {
			v.Feedback.Choices = append(v.Feedback.Choices, choice{Value: c.Code, Label: c.Label,
				Checked: slices.Contains(t.MissingInfo, care.ReferralMissingInfo(c.Code))})
		}
		manager := slices.Contains(care.ReferralManagerRoles, actor.Role())
		if t.Status.Open() {
			v.CanAssign = manager
			v.AssignTake = !manager && t.AssignedTo == ""
			v.AssignRelease = !manager && t.AssignedTo == actor.UserID
			v.Assignees = []choice{{Value: "", Label: "Nobody", Checked: t.AssignedTo == ""}}
			for _, m := range rv.Members {
				v.Assignees = append(v.Assignees, choice{Value: m.UserID, Label: m.Name + " (" + m.Role.Label() + ")", Checked: m.UserID == t.AssignedTo})
			}
		}
	}
	for _, h := range rv.History {
		line := historyLine{At: h.At, What: h.Headline(), Who: h.ActorName, Reason: h.ReasonLabel(), Note: h.Note}
		if h.System {
			line.Who = "joinedup"
		}
		if h.Assignment && h.AssignedName != "" {
			line.What = "Assigned to " + h.AssignedName
		}
		if h.To == care.ReferralCompleted {
			line.Note = ""
		}
		if h.Target.ReferralID != "" {
			line.Link, line.LinkTxt = "/referrals/"+h.Target.ReferralID, "the new referral to "+h.TargetService
		}
		v.History = append(v.History, line)
	}
	v.PersonLink = true
	if t.StatusReason != "" {
		v.ReasonText = care.ReasonLabel(t.Status, t.StatusReason)
	}
	v.MessageLabel = "Write a message to " + rv.ToTeamName
	if v.Side == care.ReceiverSide {
		v.MessageLabel = "Write a message to " + rv.ReferrerName + " (" + rv.FromTeamName + ")"
	}
	if v.QuestionOpen && v.Side == care.ReferrerSide {
		v.MessageLabel = "Your answer to the team's question"
	}
	return v, nil
}

func (s *Server) referralPage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireReferralRole(w, r, actor) {
		return
	}
	v, err := s.referralView(r, actor, r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	switch r.URL.Query().Get("done") {
	case "sent":
		v.Notice = "Your referral has been sent to " + v.V.ServiceName + ". You will be told in your inbox when they respond."
	case "moved":
		v.Notice = "Done: this referral is now " + strings.ToLower(v.StatusLabel) + "."
	case "message":
		v.Notice = "Your message has been sent."
	case "assigned":
		v.Notice = "Who holds this referral has been changed."
	case "feedback":
		v.Notice = "Thank you: your feedback has been recorded."
	}
	s.render(w, r, http.StatusOK, "referral", v)
}

// ---- Moving a referral on ----

type moveView struct {
	Page
	Ref         string
	ID          string
	ServiceName string
	PersonName  string
	To          care.ReferralStatus
	Heading     string
	Button      string
	Version     int
	Reason      choiceField
	Outcome     choiceField
	Note        formField
	NeedsNote   bool
	Alternative formField
	Declining   bool
	Completing  bool
	WithReason  bool
	Warning     string
}

func (s *Server) moveForm(r *http.Request, rv store.ReferralView, to care.ReferralStatus, f url.Values, errs care.FieldErrors) moveView {
	t := rv.Task
	label := moveLabel(t, to)
	title := label + ": referral to " + rv.ServiceName
	if len(errs) > 0 {
		title = "Error: " + title
	}
	v := moveView{Page: s.page(r, title), Ref: care.ReferralReference(t.ID), ID: t.ID, ServiceName: rv.ServiceName,
		PersonName: rv.Person.FullName(), To: to, Heading: label, Button: label, Version: t.Version}
	v.Errors = errs
	if f.Get("version") != "" {
		v.Version, _ = strconv.Atoi(f.Get("version"))
	}
	reasons := care.ReferralReasons(to)
	switch to {
	case care.ReferralCompleted:
		v.Completing = true
		v.Outcome = choiceField{Name: "outcome", Legend: "What was the outcome?", Kind: "radios", Error: errs.Message("outcome")}
		for _, o := range reasons {
			v.Outcome.Choices = append(v.Outcome.Choices, choice{Value: o.Code, Label: o.Label, Checked: f.Get("outcome") == o.Code})
		}
		v.Note = field("note", "Summary of the outcome for the referrer", f.Get("note"), errs.Message("note"),
			"hint=This goes back to the person who referred. Say what happened and what happens next.")
		v.NeedsNote = true
	case care.ReferralOnHold:
		v.Heading = "Ask the referrer a question, or put the referral on hold"
		v.Button = "Put on hold"
		v.Note = field("note", "Your question, or why it is on hold", f.Get("note"), errs.Message("note"),
			"hint=If you need information, ask for it here: the referrer is told, and answers in the message thread.")
		v.NeedsNote = true
	default:
		if len(reasons) > 0 {
			v.Note = field("note", "More detail (optional unless you choose another reason)", f.Get("note"), errs.Message("note"))
			v.NeedsNote = true
		}
		if to == care.ReferralEnteredInError {
			v.Note = field("note", "Why was this referral entered in error?", f.Get("note"), errs.Message("note"))
			v.NeedsNote = true
			v.Warning = "A referral marked as entered in error is left out of every figure. It cannot be undone."
		}
	}
	if len(reasons) > 0 && to != care.ReferralCompleted {
		v.WithReason = true
		legend := map[care.ReferralStatus]string{
			care.ReferralRejected: "Why are you declining it?", care.ReferralCancelled: "Why are you cancelling it?",
			care.ReferralOnHold: "Why is it on hold?", care.ReferralFailed: "Why could it not be completed?",
		}[to]
		v.Reason = choiceField{Name: "reason", Legend: legend, Kind: "radios", Error: errs.Message("reason")}
		reason := f.Get("reason")
		if reason == "" && to == care.ReferralOnHold {
			reason = string(care.HoldInformationRequested)
		}
		for _, c := range reasons {
			v.Reason.Choices = append(v.Reason.Choices, choice{Value: c.Code, Label: c.Label, Checked: reason == c.Code})
		}
	}
	if to == care.ReferralRejected {
		v.Declining = true
		v.Alternative = field("alternative", "Where could the person be referred instead?", f.Get("alternative"), errs.Message("alternative"),
			"hint=Needed when the referral is for the wrong service or area, so the referrer is never left with just no.")
	}
	if to == care.ReferralCancelled {
		v.Warning = "The receiving team is told that you have cancelled it."
	}
	return v
}

// moveTo is the status a move page asks for, or false for one that is not
// a move a form makes.
func moveTo(r *http.Request) (care.ReferralStatus, bool) {
	to := care.ReferralStatus(r.PathValue("to"))
	return to, to.Valid() && to != care.ReferralRedirected && to != care.ReferralDraft
}

func (s *Server) movePage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireReferralRole(w, r, actor) {
		return
	}
	rv, err := s.store.ReferralHeading(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	to, ok := moveTo(r)
	if !ok {
		s.renderError(w, r, care.Errorf(care.KindNotFound, "Page not found"))
		return
	}
	if side, allowed := rv.Task.SideFor(actor, to); !allowed {
		// Ask the state machine why, so the refusal says it plainly.
		_, _, err := rv.Task.Transition(actor, side, care.ReferralChange{To: to, At: time.Now()})
		if err == nil || care.IsKind(err, care.KindInvalid) && len(care.FieldsOf(err)) > 0 {
			err = care.Errorf(care.KindInvalid, "This referral cannot be moved that way now.")
		}
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "referral-move", s.moveForm(r, rv, to, url.Values{}, nil))
}

// moveSubmit makes a move in one store transaction, which works out the
// side the actor makes it on. The referral is loaded here only to show the
// form again with its problems; nothing here marks the thread read.
func (s *Server) moveSubmit(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.parseForm(w, r) || !s.requireReferralRole(w, r, actor) {
		return
	}
	id := r.PathValue("id")
	to, ok := moveTo(r)
	if !ok {
		s.renderError(w, r, care.Errorf(care.KindNotFound, "Page not found"))
		return
	}
	version, err := strconv.Atoi(r.PostForm.Get("version"))
	if err != nil {
		s.renderError(w, r, care.Errorf(care.KindInvalid, "The form could not be read: go back to the referral and try again."))
		return
	}
	c := care.ReferralChange{To: to, Reason: r.PostForm.Get("reason"), Note: r.PostForm.Get("note"),
		Alternative: r.PostForm.Get("alternative"), Outcome: care.ReferralOutcome(r.PostForm.Get("outcome"))}
	_, err = s.store.ChangeReferral(r.Context(), actor, id, "", c, version)
	if care.IsKind(err, care.KindInvalid) && len(care.FieldsOf(err)) > 0 {
		rv, verr := s.store.ReferralHeading(r.Context(), actor, id)
		if verr != nil {
			s.renderError(w, r, verr)
			return
		}
		s.render(w, r, http.StatusBadRequest, "referral-move", s.moveForm(r, rv, to, r.PostForm, care.FieldsOf(err)))
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/referrals/"+id+"?done=moved", http.StatusSeeOther)
}

// ---- Redirecting ----

type redirectView struct {
	Page
	Ref         string
	ID          string
	ServiceName string
	Version     int
	Target      choiceField
	Reason      choiceField
	Note        formField
	Searched    string
}

func (s *Server) redirectForm(r *http.Request, rv store.ReferralView, f url.Values, errs care.FieldErrors) redirectView {
	t := rv.Task
	title := "Redirect the referral to " + rv.ServiceName
	if len(errs) > 0 {
		title = "Error: " + title
	}
	v := redirectView{Page: s.page(r, title), Ref: care.ReferralReference(t.ID), ID: t.ID, ServiceName: rv.ServiceName, Version: t.Version}
	v.Errors = errs
	if f.Get("version") != "" {
		v.Version, _ = strconv.Atoi(f.Get("version"))
	}
	v.Target = choiceField{Name: "target", Legend: "Which service should it go to?", Error: errs.Message("target"),
		Hint:    "Services in the directory that take referrals through joinedup and cover where the person lives come first.",
		Choices: []choice{{Value: "", Label: "Choose a service"}}}
	// Services for the same area of need, those covering the person first.
	need := t.NeedCode
	if n, ok := care.NeedByCode(need); ok && n.Parent != "" {
		need = n.Parent
	}
	v.Target.Groups = serviceChoices(s.dir.ReferralTargets(s.referralPerson(rv.Person), need, maxServiceChoices), t.ServiceID, f.Get("target"),
		"Services for this kind of need that cover where the person lives", "Other services for this kind of need")
	v.Reason = choiceField{Name: "reason", Legend: "Why are you redirecting it?", Kind: "radios", Error: errs.Message("reason")}
	for _, c := range care.ReferralReasons(care.ReferralRedirected) {
		v.Reason.Choices = append(v.Reason.Choices, choice{Value: c.Code, Label: c.Label, Checked: f.Get("reason") == c.Code})
	}
	v.Note = field("note", "A note for the new team and the referrer (optional unless you choose another reason)", f.Get("note"), errs.Message("note"))
	return v
}

func (s *Server) redirectPage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireReferralRole(w, r, actor) {
		return
	}
	rv, err := s.store.Referral(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	if _, ok := rv.Task.SideFor(actor, care.ReferralRedirected); !ok {
		_, err := rv.Task.Redirect(actor, care.ReferralChange{At: time.Now(), Reason: string(care.RejectWrongService),
			Target: care.ReferralLink{ReferralID: "x", ServiceID: "x", TeamID: "x"}})
		if err == nil {
			err = care.Errorf(care.KindInvalid, "This referral cannot be redirected now.")
		}
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "referral-redirect", s.redirectForm(r, rv, url.Values{}, nil))
}

func (s *Server) redirectSubmit(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireReferralRole(w, r, actor) || !s.parseForm(w, r) {
		return
	}
	id := r.PathValue("id")
	version, err := strconv.Atoi(r.PostForm.Get("version"))
	if err != nil {
		s.renderError(w, r, care.Errorf(care.KindInvalid, "The form could not be read: go back to the referral and try again."))
		return
	}
	next, err := s.store.RedirectReferral(r.Context(), actor, id, r.PostForm.Get("target"), r.PostForm.Get("reason"), r.PostForm.Get("note"), version)
	if care.IsKind(err, care.KindInvalid) && len(care.FieldsOf(err)) > 0 {
		rv, verr := s.store.Referral(r.Context(), actor, id)
		if verr != nil {
			s.renderError(w, r, verr)
			return
		}
		s.render(w, r, http.StatusBadRequest, "referral-redirect", s.redirectForm(r, rv, r.PostForm, care.FieldsOf(err)))
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	_ = next
	http.Redirect(w, r, "/referrals/"+id+"?done=moved", http.StatusSeeOther)
}

// ---- The thread, assignment and feedback ----

func (s *Server) messageSubmit(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireReferralRole(w, r, actor) {
		return
	}
	id := r.PathValue("id")
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	ids, uploadErrs, err := s.readUploads(r, actor)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := formValues(r)
	body := strings.TrimSpace(f.Get("body"))
	if len(uploadErrs) == 0 {
		err = s.store.PostReferralMessage(r.Context(), actor, id, body, ids)
		if err == nil {
			http.Redirect(w, r, "/referrals/"+id+"?done=message#messages", http.StatusSeeOther)
			return
		}
		if !formProblem(err) {
			s.renderError(w, r, err)
			return
		}
	}
	v, verr := s.referralView(r, actor, id)
	if verr != nil {
		s.renderError(w, r, verr)
		return
	}
	v.Errors = append(care.FieldsOf(err), uploadErrs...)
	v.Title = "Error: " + v.Title
	v.Reply = f.Get("body")
	if v.Pending, err = s.store.PendingAttachments(r.Context(), actor, ids); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusBadRequest, "referral", v)
}

func (s *Server) assignSubmit(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireReferralRole(w, r, actor) || !s.parseForm(w, r) {
		return
	}
	id := r.PathValue("id")
	version, err := strconv.Atoi(r.PostForm.Get("version"))
	if err != nil {
		s.renderError(w, r, care.Errorf(care.KindInvalid, "The form could not be read: go back to the referral and try again."))
		return
	}
	err = s.store.AssignReferral(r.Context(), actor, id, r.PostForm.Get("assignee"), version)
	if err != nil {
		if fe := care.FieldsOf(err); len(fe) > 0 {
			err = care.Errorf(care.KindInvalid, "%s.", fe[0].Message)
		}
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/referrals/"+id+"?done=assigned", http.StatusSeeOther)
}

func (s *Server) feedbackSubmit(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireReferralRole(w, r, actor) || !s.parseForm(w, r) {
		return
	}
	id := r.PathValue("id")
	var cats []care.ReferralMissingInfo
	for _, c := range r.PostForm["missing"] {
		cats = append(cats, care.ReferralMissingInfo(c))
	}
	if err := s.store.RecordMissingInfo(r.Context(), actor, id, cats); err != nil {
		if fe := care.FieldsOf(err); len(fe) > 0 {
			err = care.Errorf(care.KindInvalid, "%s.", fe[0].Message)
		}
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/referrals/"+id+"?done=feedback", http.StatusSeeOther)
}

// attachmentDownload sends a file as a download, never to be shown inline:
// even a type checked by content is safer opened by the user's own viewer.
func (s *Server) attachmentDownload(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireReferralRole(w, r, actor) {
		return
	}
	a, err := s.store.ReferralAttachment(r.Context(), actor, r.PathValue("id"), r.PathValue("file"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", a.ContentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+care.CleanFilename(a.Filename)+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(a.Content)))
	w.Write(a.Content)
}
