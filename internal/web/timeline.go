package web

import (
	"net/http"

	"github.com/joinedup/joinedup/internal/care"
)

type timelineView struct {
	Page
	Rec    care.PersonRecord
	Events []care.TimelineEvent
}

// timelinePage shows, newest first, everything about the person the viewer
// may see. Each capability writes its own events with a visibility; this
// page shows any type it is given.
func (s *Server) timelinePage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	rec, events, err := s.store.Timeline(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		s.renderPersonError(w, r, actor, err)
		return
	}
	s.render(w, r, http.StatusOK, "timeline", timelineView{Page: s.page(r, "Timeline"), Rec: rec, Events: events})
}
