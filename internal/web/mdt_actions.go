package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/ical"
	"github.com/joinedup/joinedup/internal/store"
)

// This file serves "My actions", one action's page, and calendar
// subscriptions.

type mdtActionsView struct {
	Page
	Open, Done []store.MDTActionView
	Overdue    int
}

func (s *Server) myActionsPage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireMDT(w, r, actor, false) {
		return
	}
	list, err := s.store.MyMDTActions(r.Context(), actor)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := mdtActionsView{Page: s.page(r, "My actions")}
	for _, a := range list {
		if a.Action.Status == care.MDTActionOpen {
			v.Open = append(v.Open, a)
			if a.Overdue {
				v.Overdue++
			}
		} else {
			v.Done = append(v.Done, a)
		}
	}
	s.render(w, r, http.StatusOK, "mdt-actions", v)
}

type mdtActionView struct {
	Page
	A        store.MDTActionView
	Status   choiceField
	Due      dateField
	Progress formField
	Conflict bool
	// CanRefer: the action can become a referral, made by this viewer.
	CanRefer    bool
	ReferralRef string
}

func (s *Server) actionView(r *http.Request, actor care.Actor, title string, a store.MDTActionView, posted bool, errs care.FieldErrors) mdtActionView {
	v := mdtActionView{Page: s.page(r, title), A: a}
	if a.Action.ReferralID != "" {
		v.ReferralRef = care.ReferralReference(a.Action.ReferralID)
	}
	v.CanRefer = care.CanRefer(actor) && a.Named && a.Action.Status == care.MDTActionOpen && a.Action.ReferralID == ""
	v.Errors = errs
	status, progress := a.Action.Status, a.Progress
	day, month, year := care.DateParts(a.Action.Due.String())
	if posted {
		f := r.PostForm
		status, progress = care.MDTActionStatus(f.Get("status")), f.Get("progress")
		day, month, year = f.Get("due_day"), f.Get("due_month"), f.Get("due_year")
	}
	v.Status = choiceField{Name: "status", Legend: "Is it done?", Kind: "radios", Error: errs.Message("status"), Choices: []choice{
		{Value: string(care.MDTActionOpen), Label: "Not yet", Checked: status == care.MDTActionOpen},
		{Value: string(care.MDTActionDone), Label: "Yes, it is done", Checked: status == care.MDTActionDone},
	}}
	v.Due = newDateField("due", "due", "Due by", errs.Message("due"), day, month, year)
	v.Due.Hint = "Change it if the meeting agreed a new date."
	v.Progress = formField{Name: "progress", Label: "Progress", Hint: "What has been done so far, for the next meeting's review.",
		Value: progress, Error: errs.Message("progress"), Width: "4"}
	return v
}

func (s *Server) actionPage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireMDT(w, r, actor, false) {
		return
	}
	a, err := s.store.MDTActionPage(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := s.actionView(r, actor, "Action: "+a.Action.Description, a, false, nil)
	if r.URL.Query().Get("done") == "saved" {
		v.Notice = "The action has been saved."
	}
	s.render(w, r, http.StatusOK, "mdt-action", v)
}

func (s *Server) actionSave(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireMDT(w, r, actor, false) || !s.parseForm(w, r) {
		return
	}
	f, id := r.PostForm, r.PathValue("id")
	u := store.MDTActionUpdate{Status: care.MDTActionStatus(f.Get("status")), Progress: f.Get("progress")}
	u.Version, _ = strconv.Atoi(f.Get("version"))
	var errs care.FieldErrors
	due, msg := care.ParseDate(f.Get("due_day"), f.Get("due_month"), f.Get("due_year"))
	if msg != "" {
		errs.Add("due", "Due by: "+strings.ToLower(msg[:1])+msg[1:])
	} else if t, err := time.Parse(time.DateOnly, due); err == nil {
		u.Due = care.CivilDateOf(t)
	}
	var err error
	if len(errs) == 0 {
		err = s.store.UpdateMDTAction(r.Context(), actor, id, u)
		if err == nil {
			http.Redirect(w, r, "/mdt/actions/"+id+"?done=saved", http.StatusSeeOther)
			return
		}
		if !formProblem(err) && !care.IsKind(err, care.KindConflict) {
			s.renderError(w, r, err)
			return
		}
		errs = care.FieldsOf(err)
	}
	a, readErr := s.store.MDTActionPage(r.Context(), actor, id)
	if readErr != nil {
		s.renderError(w, r, readErr)
		return
	}
	v := s.actionView(r, actor, "Error: Action: "+a.Action.Description, a, true, errs)
	status := http.StatusBadRequest
	if care.IsKind(err, care.KindConflict) {
		status, v.Conflict = http.StatusConflict, true
		v.Title = "Someone else changed this action"
	}
	s.render(w, r, status, "mdt-action", v)
}

// ---- Calendar subscription ----

type mdtCalendarView struct {
	Page
	// Link is shown once, just after it is made: only its hash is kept.
	Link    string
	Created time.Time
}

func (s *Server) calendarPage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireMDT(w, r, actor, false) {
		return
	}
	created, err := s.store.CalendarTokenCreated(r.Context(), actor)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "mdt-calendar", mdtCalendarView{Page: s.page(r, "Add your meetings to your calendar"), Created: created})
}

func (s *Server) calendarNewLink(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireMDT(w, r, actor, false) {
		return
	}
	token, err := s.store.NewCalendarToken(r.Context(), actor)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := mdtCalendarView{Page: s.page(r, "Add your meetings to your calendar"), Link: s.baseURL(r) + "/calendar/" + token, Created: time.Now()}
	v.Notice = "Your new calendar link is below. Any link you made before has stopped working."
	s.render(w, r, http.StatusOK, "mdt-calendar", v)
}

// calendarFeed serves a subscription without a session: the token in the
// URL is the only key, and the feed holds meeting details only.
func (s *Server) calendarFeed(w http.ResponseWriter, r *http.Request) {
	token := strings.TrimSuffix(r.PathValue("token"), ".ics")
	meetings, err := s.store.CalendarFeed(r.Context(), token, time.Now())
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	cal := ical.Calendar{ProdID: calendarProdID, Name: "MDT meetings (joinedup)", Refresh: time.Hour, Stamp: time.Now()}
	for _, m := range meetings {
		cal.Events = append(cal.Events, s.calendarEvent(r, m))
	}
	s.writeCalendar(w, r, cal, "")
}
