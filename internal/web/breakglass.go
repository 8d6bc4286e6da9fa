package web

import (
	"net/http"
	"strconv"

	"github.com/joinedup/joinedup/internal/care"
)

type breakGlassView struct {
	Page
	NHSNumber string
	Category  choiceField
	Reason    string
	Hours     int
}

func breakGlassForm(r *http.Request, title, nhs string, category care.BreakGlassReason, reason string, errs care.FieldErrors) breakGlassView {
	v := breakGlassView{NHSNumber: nhs, Reason: reason, Hours: int(care.BreakGlassDuration.Hours())}
	v.Category = choiceField{Name: "category", Legend: "Why do you need this record now?", Kind: "radios", Error: errs.Message("category")}
	for _, c := range care.BreakGlassReasons {
		v.Category.Choices = append(v.Category.Choices, choice{Value: string(c), Label: c.Label(), Checked: c == category})
	}
	return v
}

func (s *Server) breakGlassPage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireAction(w, r, actor, care.ActionBreakGlass) {
		return
	}
	v := breakGlassForm(r, "", r.URL.Query().Get("nhs_number"), "", "", nil)
	v.Page = s.page(r, "Emergency access to a record")
	s.render(w, r, http.StatusOK, "break-glass", v)
}

func (s *Server) breakGlassStart(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireAction(w, r, actor, care.ActionBreakGlass) || !s.parseForm(w, r) {
		return
	}
	f := r.PostForm
	category := care.BreakGlassReason(f.Get("category"))
	id, already, err := s.store.StartBreakGlass(r.Context(), actor, f.Get("nhs_number"), category, f.Get("reason"))
	switch {
	case err == nil && already:
		http.Redirect(w, r, "/people/"+id+"?done=related", http.StatusSeeOther)
	case err == nil:
		http.Redirect(w, r, "/people/"+id+"?done=break-glass", http.StatusSeeOther)
	case formProblem(err):
		errs := care.FieldsOf(err)
		v := breakGlassForm(r, "", f.Get("nhs_number"), category, f.Get("reason"), errs)
		v.Page = s.page(r, "Error: Emergency access to a record")
		v.Errors = errs
		s.render(w, r, http.StatusBadRequest, "break-glass", v)
	default:
		s.renderError(w, r, err)
	}
}

type reviewQueueView struct {
	Page
	Reviewed bool
	Uses     []care.BreakGlass
}

func (s *Server) reviewQueuePage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireAction(w, r, actor, care.ActionReviewBreakGlass) {
		return
	}
	reviewed := r.URL.Query().Get("reviewed") == "1"
	uses, err := s.store.BreakGlassQueue(r.Context(), actor, reviewed)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := reviewQueueView{Page: s.page(r, "Emergency access to review"), Reviewed: reviewed, Uses: uses}
	if r.URL.Query().Get("done") == "reviewed" {
		v.Notice = "Your review has been saved."
	}
	s.render(w, r, http.StatusOK, "break-glass-queue", v)
}

type reviewView struct {
	Page
	Use     care.BreakGlass
	Outcome choiceField
	Note    string
}

func reviewForm(b care.BreakGlass, outcome care.ReviewOutcome, errs care.FieldErrors) choiceField {
	c := choiceField{Name: "outcome", Legend: "Was this access appropriate?", Kind: "radios", Error: errs.Message("outcome")}
	for _, o := range []care.ReviewOutcome{care.ReviewAppropriate, care.ReviewInappropriate} {
		c.Choices = append(c.Choices, choice{Value: string(o), Label: o.Label(), Checked: o == outcome})
	}
	return c
}

func (s *Server) reviewPage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireAction(w, r, actor, care.ActionReviewBreakGlass) {
		return
	}
	b, err := s.store.BreakGlassUse(r.Context(), actor, r.PathValue("use"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := reviewView{Page: s.page(r, "Review emergency access"), Use: b, Outcome: reviewForm(b, b.Outcome, nil)}
	s.render(w, r, http.StatusOK, "break-glass-review", v)
}

func (s *Server) reviewSave(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireAction(w, r, actor, care.ActionReviewBreakGlass) || !s.parseForm(w, r) {
		return
	}
	id, f := r.PathValue("use"), r.PostForm
	version, _ := strconv.Atoi(f.Get("version"))
	outcome := care.ReviewOutcome(f.Get("outcome"))
	err := s.store.ReviewBreakGlass(r.Context(), actor, id, outcome, f.Get("note"), version)
	if err == nil {
		http.Redirect(w, r, "/privacy/break-glass?done=reviewed", http.StatusSeeOther)
		return
	}
	if !formProblem(err) {
		s.renderError(w, r, err)
		return
	}
	b, readErr := s.store.BreakGlassUse(r.Context(), actor, id)
	if readErr != nil {
		s.renderError(w, r, readErr)
		return
	}
	errs := care.FieldsOf(err)
	v := reviewView{Page: s.page(r, "Error: Review emergency access"), Use: b, Outcome: reviewForm(b, outcome, errs), Note: f.Get("note")}
	v.Errors = errs
	s.render(w, r, http.StatusBadRequest, "break-glass-review", v)
}

type accessLogView struct {
	Page
	Person care.PersonSummary
	Events []accessLine
}

// accessLine is one access, with what it showed and why it was allowed
// written for people (see access_words.go).
type accessLine struct {
	care.AccessEvent
	Shown, Through string
}

func (s *Server) accessLogPage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireAction(w, r, actor, care.ActionViewAccessLog) {
		return
	}
	who, events, err := s.store.PersonAccessLog(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := accessLogView{Page: s.page(r, "Who has accessed this record"), Person: who}
	for _, e := range events {
		v.Events = append(v.Events, accessLine{AccessEvent: e, Shown: describeParts(e.Parts), Through: describeVia(e.Via)})
	}
	s.render(w, r, http.StatusOK, "access-log", v)
}

type accessFindView struct {
	Page
	NHSNumber string
}

// accessFindPage lets a privacy officer find a person's access log by NHS
// number, as a complaint or a subject access request would give it.
func (s *Server) accessFindPage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireAction(w, r, actor, care.ActionViewAccessLog) {
		return
	}
	v := accessFindView{Page: s.page(r, "Who has accessed a record"), NHSNumber: r.URL.Query().Get("nhs_number")}
	if !r.URL.Query().Has("nhs_number") {
		s.render(w, r, http.StatusOK, "access-find", v)
		return
	}
	n, err := care.ParseNHSNumber(v.NHSNumber)
	if err == nil {
		var id string
		if id, err = s.store.FindPersonForAccessLog(r.Context(), actor, n); err == nil {
			http.Redirect(w, r, "/people/"+id+"/access", http.StatusSeeOther)
			return
		}
		if !formProblem(err) {
			s.renderError(w, r, err)
			return
		}
		v.Errors = care.FieldsOf(err)
	} else {
		v.Errors = care.FieldErrors{{Field: "nhs_number", Message: care.MessageOf(err)}}
	}
	v.Title = "Error: " + v.Title
	s.render(w, r, http.StatusBadRequest, "access-find", v)
}
