package web

import (
	"net/http"

	"github.com/joinedup/joinedup/internal/auth"
	"github.com/joinedup/joinedup/internal/care"
)

type signInView struct {
	Page
	Email   string
	Next    string
	Problem string
}

func (s *Server) signInPage(w http.ResponseWriter, r *http.Request) {
	if stateFrom(r).actor.SignedIn() {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	v := signInView{Page: s.page(r, "Sign in"), Next: safeNext(r.URL.Query().Get("next"))}
	switch {
	case r.URL.Query().Get("signed-out") == "1":
		v.Notice = "You have signed out."
	case r.URL.Query().Get("ended") == "1" || stateFrom(r).ended != "":
		v.Notice = "You were signed out because you had not used joinedup for a while, or your session had reached its time limit. Sign in again to carry on."
	}
	s.render(w, r, http.StatusOK, "sign-in", v)
}

func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.renderError(w, r, care.Errorf(care.KindInvalid, "The form could not be read."))
		return
	}
	email, password := r.PostForm.Get("email"), r.PostForm.Get("password")
	v := signInView{Page: s.page(r, "Sign in"), Email: email, Next: safeNext(r.PostForm.Get("next"))}
	var errs care.FieldErrors
	if care.NormaliseEmail(email) == "" {
		errs.Add("email", "Enter your email address")
	}
	if password == "" {
		errs.Add("password", "Enter your password")
	}
	if len(errs) > 0 {
		v.Errors = errs
		v.Title = "Error: Sign in"
		s.render(w, r, http.StatusBadRequest, "sign-in", v)
		return
	}
	token, _, err := s.auth.SignIn(r.Context(), auth.Attempt{Email: email, Password: password,
		IP: s.clientIP(r), UserAgent: r.UserAgent()})
	switch {
	case err == nil:
		s.setSessionCookie(w, token)
		http.Redirect(w, r, v.Next, http.StatusSeeOther)
	case care.IsKind(err, care.KindUnauthenticated), care.IsKind(err, care.KindTooManyRequests):
		// The message is the same whether or not the account exists.
		v.Problem = care.MessageOf(err)
		v.Errors = care.FieldErrors{{Field: "email", Message: v.Problem}}
		v.Title = "Error: Sign in"
		status := http.StatusUnauthorized
		if care.IsKind(err, care.KindTooManyRequests) {
			status = http.StatusTooManyRequests
		}
		s.render(w, r, status, "sign-in", v)
	default:
		s.renderError(w, r, err)
	}
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if err := s.auth.SignOut(r.Context(), actor, stateFrom(r).token); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.clearSessionCookie(w)
	http.Redirect(w, r, "/sign-in?signed-out=1", http.StatusSeeOther)
}
