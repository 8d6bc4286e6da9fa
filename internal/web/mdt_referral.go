package web

import (
	"net/http"
	"net/url"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/store"
)

// This file turns an MDT action into a referral in one step: the owner
// chooses a service, and the ordinary referral form opens prefilled with
// the person and the action; sending it records the referral on the action.

type actionReferView struct {
	Page
	A       store.MDTActionView
	Service choiceField
}

// takesReferrals reports whether a service can be referred to through
// joinedup at all.
func takesReferrals(sv care.Service) bool {
	return sv.Status == care.ServiceActive && sv.TeamID != "" && sv.Referral.Has(care.ReferThroughJoinedup)
}

// actionReferPage asks which service the referral goes to; with a service
// chosen, it opens the referral form for it, carrying the action.
func (s *Server) actionReferPage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireReferralRole(w, r, actor) {
		return
	}
	ctx, id := r.Context(), r.PathValue("id")
	ar, err := s.store.ActionToRefer(ctx, actor, id)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	chosen := r.URL.Query().Get("service")
	var errs care.FieldErrors
	if _, asked := r.URL.Query()["service"]; asked {
		sv, err := s.store.Service(ctx, chosen)
		switch {
		case chosen != "" && err == nil && takesReferrals(sv):
			http.Redirect(w, r, "/directory/services/"+url.PathEscape(sv.ID)+"/refer?action="+url.QueryEscape(id), http.StatusSeeOther)
			return
		case err != nil && !care.IsKind(err, care.KindNotFound) && !care.IsKind(err, care.KindInvalid):
			s.renderError(w, r, err)
			return
		}
		errs.Add("service", "Choose a service that takes referrals through joinedup")
	}
	title := "Make a referral from this action"
	status := http.StatusOK
	if len(errs) > 0 {
		title, status = "Error: "+title, http.StatusBadRequest
	}
	v := actionReferView{Page: s.page(r, title), A: ar.Action}
	v.Errors = errs
	v.Service = choiceField{Name: "service", Legend: "Which service should the referral go to?", Error: errs.Message("service"),
		Hint:    "Services that cover where " + ar.Person.FullName() + " lives come first. Next you will check the referral before it is sent.",
		Choices: []choice{{Value: "", Label: "Choose a service"}}}
	v.Service.Groups = serviceChoices(s.dir.ReferralTargets(s.referralPerson(ar.Person), "", maxServiceChoices), "", chosen,
		"Services that cover where the person lives", "Other services that take referrals through joinedup")
	s.render(w, r, status, "mdt-action-refer", v)
}
