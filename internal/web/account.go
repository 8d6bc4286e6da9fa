package web

import (
	"net/http"

	"github.com/joinedup/joinedup/internal/care"
)

type accountView struct {
	Page
}

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	v := accountView{Page: s.page(r, "Your account")}
	switch r.URL.Query().Get("done") {
	case "team":
		v.Notice = "You are now working for " + actor.Acting.TeamName + "."
	}
	s.render(w, r, http.StatusOK, "account", v)
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, care.Errorf(care.KindInvalid, "The form could not be read."))
		return
	}
	err := s.auth.ChangePassword(r.Context(), actor, r.PostForm.Get("current"), r.PostForm.Get("password"), r.PostForm.Get("confirm"))
	if care.IsKind(err, care.KindInvalid) {
		v := accountView{Page: s.page(r, "Error: Your account")}
		v.Errors = care.FieldsOf(err)
		s.render(w, r, http.StatusBadRequest, "account", v)
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	// Changing the password ended every session, this one included.
	s.clearSessionCookie(w)
	http.Redirect(w, r, "/sign-in?signed-out=1", http.StatusSeeOther)
}

func (s *Server) switchTeam(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, care.Errorf(care.KindInvalid, "The form could not be read."))
		return
	}
	if _, err := s.auth.SwitchTeam(r.Context(), actor, stateFrom(r).token, r.PostForm.Get("membership")); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/account?done=team", http.StatusSeeOther)
}
