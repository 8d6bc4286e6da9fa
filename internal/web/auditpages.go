package web

import (
	"errors"
	"net/http"

	"github.com/joinedup/joinedup/internal/audit"
	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/store"
)

type auditView struct {
	Page
	Rows     []audit.Row
	UserID   string
	PersonID string
	Verified *audit.Result
	Broken   string
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireAction(w, r, actor, care.ActionViewAudit) {
		return
	}
	s.renderAudit(w, r, actor, auditView{Page: s.page(r, "Audit trail")})
}

func (s *Server) renderAudit(w http.ResponseWriter, r *http.Request, actor care.Actor, v auditView) {
	q := r.URL.Query()
	v.UserID, v.PersonID = q.Get("user"), q.Get("person")
	rows, err := s.store.ListAudit(r.Context(), actor, store.AuditFilter{UserID: v.UserID, PersonID: v.PersonID, Limit: 100})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v.Rows = rows
	s.render(w, r, http.StatusOK, "audit", v)
}

// auditVerify checks the whole chain on request. It is a POST because it
// can take a while on a large trail and should not be triggered by a crawler
// or a prefetch.
func (s *Server) auditVerify(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireAction(w, r, actor, care.ActionViewAudit) {
		return
	}
	v := auditView{Page: s.page(r, "Audit trail")}
	res, err := s.store.VerifyAudit(r.Context(), s.cfg.AuditMaxUnsealed)
	var problem *audit.Problem
	switch {
	case errors.As(err, &problem):
		v.Broken = problem.Error()
	case err != nil:
		s.renderError(w, r, err)
		return
	default:
		v.Verified = &res
	}
	s.renderAudit(w, r, actor, v)
}
