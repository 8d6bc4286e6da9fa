package web

import (
	"net/http"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/notify"
)

// This file serves the in-app inbox: reminders now, and the messages later
// capabilities send.

type inboxView struct {
	Page
	Notifications []notify.Notification
	Unread        int
}

func (s *Server) inboxPage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	list, unread, err := s.store.Inbox(r.Context(), actor, 100)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := inboxView{Page: s.page(r, "Your inbox"), Notifications: list, Unread: unread}
	if r.URL.Query().Get("done") == "read" {
		v.Notice = "Marked as read."
	}
	s.render(w, r, http.StatusOK, "inbox", v)
}

func (s *Server) markNotificationRead(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if err := s.store.MarkNotificationRead(r.Context(), actor, r.PathValue("id")); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/inbox?done=read", http.StatusSeeOther)
}

func (s *Server) markAllNotificationsRead(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if err := s.store.MarkAllNotificationsRead(r.Context(), actor); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/inbox?done=read", http.StatusSeeOther)
}
