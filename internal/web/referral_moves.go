package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/store"
)

// This file serves moving a referral on (acknowledging, accepting,
// declining, holding, completing and the rest) and redirecting it to
// another service.

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
