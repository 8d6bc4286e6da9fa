package web

import (
	"cmp"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/ical"
	"github.com/joinedup/joinedup/internal/store"
)

// attendanceRow is one invitee in the attendance form.
type attendanceRow struct {
	Member store.MDTMember
	Field  choiceField
}

type mdtMeetingView struct {
	Page
	M       store.MDTMeetingView
	Mine    store.MDTMember
	Invited bool
	CanRun  bool
	CanAdd  bool
	Started bool
	// The forms' fields, with what was typed when they come back.
	NHS        formField
	Question   formField
	Needs      choiceField
	Invite     choiceField
	Attendance []attendanceRow
}

// meetingView loads a meeting and builds its page; fill sets what a form
// sent back with problems.
func (s *Server) meetingView(r *http.Request, actor care.Actor, title string, posted url.Values, errs care.FieldErrors) (mdtMeetingView, error) {
	m, err := s.store.MDTMeeting(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return mdtMeetingView{}, err
	}
	if title == "" {
		title = m.Title
	}
	v := mdtMeetingView{Page: s.page(r, title), M: m, CanRun: care.MeetingAllowed(actor, m.Rel, care.MeetingRun),
		CanAdd: care.MeetingAllowed(actor, m.Rel, care.MeetingAddItem) && !m.Finished(), Started: m.Started(m.Now)}
	v.Errors = errs
	v.Mine, v.Invited = m.MyInvitation(actor.UserID)
	get := func(k string) string {
		if posted == nil {
			return ""
		}
		return posted.Get(k)
	}
	v.NHS = formField{Name: "nhs_number", Label: "NHS number", Hint: "The 10-digit NHS number of someone you work with.",
		Value: get("nhs_number"), Error: errs.Message("nhs_number"), Width: "10"}
	v.Question = formField{Name: "question", Label: "The question for the team", Hint: "What do you need the meeting to decide or advise?",
		Value: get("question"), Error: errs.Message("question"), Width: "4"}
	v.Needs = choiceField{Name: "needs", Legend: "Who needs to be there for this person", Kind: "checkboxes", Error: errs.Message("needs"),
		Hint: "The agenda warns you if nobody in a role you choose is coming."}
	for _, role := range care.CareRoles {
		checked := false
		if posted != nil {
			for _, n := range posted["needs"] {
				checked = checked || n == string(role)
			}
		}
		v.Needs.Choices = append(v.Needs.Choices, choice{Value: string(role), Label: role.Label(), Checked: checked})
	}
	if v.CanRun && !m.Finished() {
		colleagues, err := s.store.MDTColleagues(r.Context(), actor)
		if err != nil {
			return v, err
		}
		v.Invite = choiceField{Name: "membership", Legend: "Invite someone to this meeting", Error: errs.Message("membership"),
			Hint: "For example, the professional a person on the agenda needs.", Choices: []choice{{Value: "", Label: "Choose a colleague"}}}
		for _, c := range colleagues {
			if _, invited := invitedUser(m.Invitees, c.UserID); invited {
				continue
			}
			v.Invite.Choices = append(v.Invite.Choices, choice{Value: c.MembershipID, Label: c.Name + ", " + c.Role.Label() + ", " + c.TeamName,
				Checked: get("membership") == c.MembershipID})
		}
		if v.Started {
			for _, inv := range m.Invitees {
				row := attendanceRow{Member: inv, Field: choiceField{Name: "attendance-" + inv.UserID, Legend: "How " + inv.Name + " attended",
					Error: errs.Message("attendance-" + inv.UserID)}}
				for _, st := range care.AttendanceStates {
					if st == inv.State || inv.State.CanChangeTo(st, true) {
						row.Field.Choices = append(row.Field.Choices, choice{Value: string(st), Label: st.Label(), Checked: st == inv.State})
					}
				}
				v.Attendance = append(v.Attendance, row)
			}
		}
	}
	return v, nil
}

func invitedUser(list []store.MDTMember, userID string) (store.MDTMember, bool) {
	for _, m := range list {
		if m.UserID == userID {
			return m, true
		}
	}
	return store.MDTMember{}, false
}

func (s *Server) meetingPage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireMDT(w, r, actor, false) {
		return
	}
	v, err := s.meetingView(r, actor, "", nil, nil)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	q := r.URL.Query()
	switch q.Get("done") {
	case "added":
		v.Notice = "The person has been added to the agenda. Everyone invited can now read their pre-read pack."
	case "invited":
		v.Notice = "They have been invited, and can read the pre-read packs."
	case "accepted":
		v.Notice = "You have accepted. Read each pre-read pack before the meeting."
	case "declined":
		v.Notice = "You have declined. The coordinator can see that, and you no longer have access to the people on the agenda."
	case "attendance":
		v.Notice = "Attendance has been saved."
	case "started":
		v.Notice = "The meeting has started. Record who attended, then the discussion of each person."
	case "moved":
		v.Notice = "The item has been moved to the next meeting's agenda."
	case "finished":
		v.Notice = "The meeting has been finished. Its outcomes are on each person's timeline and have been sent to the attendees and the practices."
	}
	s.render(w, r, http.StatusOK, "mdt-meeting", v)
}

// renderMeetingProblem shows the meeting page again with a form's problems.
func (s *Server) renderMeetingProblem(w http.ResponseWriter, r *http.Request, actor care.Actor, fail error) {
	v, err := s.meetingView(r, actor, "", r.PostForm, care.FieldsOf(fail))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v.Title = "Error: " + v.M.Title
	s.render(w, r, http.StatusBadRequest, "mdt-meeting", v)
}

// meetingDone redirects back to the meeting page with a notice, or shows
// the error.
func (s *Server) meetingDone(w http.ResponseWriter, r *http.Request, actor care.Actor, err error, done string) {
	switch {
	case err == nil:
		http.Redirect(w, r, "/mdt/meetings/"+r.PathValue("id")+"?done="+done, http.StatusSeeOther)
	case formProblem(err):
		s.renderMeetingProblem(w, r, actor, err)
	default:
		s.renderError(w, r, err)
	}
}

func (s *Server) meetingAddItem(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireMDT(w, r, actor, false) || !s.parseForm(w, r) {
		return
	}
	f := r.PostForm
	var needs []care.MDTNeed
	for _, n := range f["needs"] {
		needs = append(needs, care.MDTNeed{Role: care.Role(n)})
	}
	_, err := s.store.AddAgendaItem(r.Context(), actor, r.PathValue("id"), f.Get("nhs_number"), f.Get("question"), needs)
	s.meetingDone(w, r, actor, err, "added")
}

func (s *Server) meetingInvite(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireMDT(w, r, actor, false) || !s.parseForm(w, r) {
		return
	}
	err := s.store.InviteToMeeting(r.Context(), actor, r.PathValue("id"), r.PostForm.Get("membership"))
	s.meetingDone(w, r, actor, err, "invited")
}

func (s *Server) meetingRespond(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireMDT(w, r, actor, false) || !s.parseForm(w, r) {
		return
	}
	answer := care.AttendanceState(r.PostForm.Get("answer"))
	err := s.store.RespondToMeeting(r.Context(), actor, r.PathValue("id"), answer)
	s.meetingDone(w, r, actor, err, string(answer))
}

func (s *Server) meetingAttendance(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireMDT(w, r, actor, false) || !s.parseForm(w, r) {
		return
	}
	states := map[string]care.AttendanceState{}
	for k, vals := range r.PostForm {
		if user, ok := strings.CutPrefix(k, "attendance-"); ok && len(vals) > 0 {
			states[user] = care.AttendanceState(vals[0])
		}
	}
	if len(states) == 0 {
		s.renderError(w, r, care.Errorf(care.KindInvalid, "The form did not say how anyone attended."))
		return
	}
	err := s.store.RecordAttendance(r.Context(), actor, r.PathValue("id"), states)
	s.meetingDone(w, r, actor, err, "attendance")
}

// earlyStartGrace is how early a meeting may be started without being asked
// first: people gather a few minutes before the hour.
const earlyStartGrace = 15 * time.Minute

type mdtStartEarlyView struct {
	Page
	M     store.MDTMeetingView
	Until string
}

// meetingStart starts a meeting. Starting closes the agenda and sends it,
// so a meeting started before its time, perhaps days early by mistake,
// first gets a page that says so and asks again.
func (s *Server) meetingStart(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireMDT(w, r, actor, false) || !s.parseForm(w, r) {
		return
	}
	if r.PostForm.Get("early") != "yes" {
		m, err := s.store.MDTMeeting(r.Context(), actor, r.PathValue("id"))
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		if !m.Started(m.Now) && !m.Finished() && m.Now.Before(m.Start.Add(-earlyStartGrace)) &&
			care.MeetingAllowed(actor, m.Rel, care.MeetingRun) {
			s.render(w, r, http.StatusOK, "mdt-start-early", mdtStartEarlyView{Page: s.page(r, "Start the meeting early? "+m.Title),
				M: m, Until: timeUntil(m.Now, m.Start, s.loc)})
			return
		}
	}
	s.meetingDone(w, r, actor, s.store.StartMeeting(r.Context(), actor, r.PathValue("id")), "started")
}

// timeUntil says how far off a time is, as people say it: "in 40
// minutes", "later today", "tomorrow", "in 6 days", counting days in loc.
func timeUntil(now, then time.Time, loc *time.Location) string {
	d := then.Sub(now)
	if d < time.Hour {
		return "in " + strconv.Itoa(int(d.Round(time.Minute)/time.Minute)) + " minutes"
	}
	today, day := care.CivilDateOf(now.In(loc)), care.CivilDateOf(then.In(loc))
	switch days := int(day.In(time.UTC).Sub(today.In(time.UTC)) / (24 * time.Hour)); {
	case days <= 0:
		return "later today"
	case days == 1:
		return "tomorrow"
	default:
		return "in " + strconv.Itoa(days) + " days"
	}
}

func (s *Server) meetingFinish(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireMDT(w, r, actor, false) || !s.parseForm(w, r) {
		return
	}
	version, err := strconv.Atoi(r.PostForm.Get("version"))
	if err != nil {
		s.renderError(w, r, care.Errorf(care.KindInvalid, "The form could not be read."))
		return
	}
	_, err = s.store.FinishMeeting(r.Context(), actor, r.PathValue("id"), version)
	s.meetingDone(w, r, actor, err, "finished")
}

func (s *Server) meetingMoveItem(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireMDT(w, r, actor, false) {
		return
	}
	_, err := s.store.MoveItem(r.Context(), actor, r.PathValue("id"), r.PathValue("item"))
	s.meetingDone(w, r, actor, err, "moved")
}

// ---- One item: the discussion and its actions ----

type mdtItemView struct {
	Page
	M         store.MDTMeetingView
	Item      store.MDTItemView
	CanRun    bool
	Started   bool
	Outcome   formField
	Decisions formField
	Action    formField
	Owner     choiceField
	Due       dateField
}

func (s *Server) itemView(r *http.Request, actor care.Actor, posted url.Values, errs care.FieldErrors) (mdtItemView, error) {
	m, err := s.store.MDTMeeting(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return mdtItemView{}, err
	}
	var item store.MDTItemView
	found := false
	for _, it := range m.Items {
		if it.Item.ID == r.PathValue("item") {
			item, found = it, true
		}
	}
	if !found {
		return mdtItemView{}, care.Errorf(care.KindNotFound, "That item is not on this meeting's agenda.")
	}
	title := "Discussion: " + m.Title
	if len(errs) > 0 {
		title = "Error: " + title
	}
	v := mdtItemView{Page: s.page(r, title), M: m, Item: item, CanRun: care.MeetingAllowed(actor, m.Rel, care.MeetingRun), Started: m.Started(m.Now)}
	v.Errors = errs
	outcome, decisions := item.Outcome, item.Decisions
	if posted != nil && posted.Has("outcome") {
		outcome, decisions = posted.Get("outcome"), posted.Get("decisions")
	}
	get := func(k string) string {
		if posted == nil {
			return ""
		}
		return posted.Get(k)
	}
	v.Outcome = formField{Name: "outcome", Label: "What was discussed", Value: outcome, Error: errs.Message("outcome"), Width: "5"}
	v.Decisions = formField{Name: "decisions", Label: "What was decided", Value: decisions, Error: errs.Message("decisions"), Width: "4"}
	v.Action = formField{Name: "description", Label: "What needs to be done", Value: get("description"), Error: errs.Message("description"), Width: "3"}
	v.Owner = choiceField{Name: "owner", Legend: "Who owns it", Hint: "Someone at the meeting, or one of their teams.", Error: errs.Message("owner"),
		Choices: []choice{{Value: "", Label: "Choose who"}}}
	for _, o := range m.Owners {
		v.Owner.Choices = append(v.Owner.Choices, choice{Value: o.Value, Label: o.Label, Checked: o.Value == get("owner")})
	}
	v.Due = newDateField("due", "due", "Due by", errs.Message("due"), get("due_day"), get("due_month"), get("due_year"))
	v.Due.Hint = "For example, " + m.Now.In(s.loc).AddDate(0, 0, 14).Format("2 1 2006") + "."
	return v, nil
}

func (s *Server) meetingItemPage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireMDT(w, r, actor, false) {
		return
	}
	v, err := s.itemView(r, actor, nil, nil)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	switch r.URL.Query().Get("done") {
	case "outcome":
		v.Notice = "The discussion has been saved."
	case "action":
		v.Notice = "The action has been added, and its owner told."
	}
	s.render(w, r, http.StatusOK, "mdt-item", v)
}

func (s *Server) itemDone(w http.ResponseWriter, r *http.Request, actor care.Actor, err error, done string) {
	switch {
	case err == nil:
		http.Redirect(w, r, "/mdt/meetings/"+r.PathValue("id")+"/items/"+r.PathValue("item")+"?done="+done, http.StatusSeeOther)
	case formProblem(err):
		v, verr := s.itemView(r, actor, r.PostForm, care.FieldsOf(err))
		if verr != nil {
			s.renderError(w, r, verr)
			return
		}
		s.render(w, r, http.StatusBadRequest, "mdt-item", v)
	default:
		s.renderError(w, r, err)
	}
}

func (s *Server) meetingItemOutcome(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireMDT(w, r, actor, false) || !s.parseForm(w, r) {
		return
	}
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	err := s.store.RecordOutcome(r.Context(), actor, r.PathValue("id"), r.PathValue("item"), r.PostForm.Get("outcome"),
		r.PostForm.Get("decisions"), version)
	s.itemDone(w, r, actor, err, "outcome")
}

func (s *Server) meetingItemAction(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireMDT(w, r, actor, false) || !s.parseForm(w, r) {
		return
	}
	f := r.PostForm
	var due care.CivilDate
	d, msg := care.ParseDate(f.Get("due_day"), f.Get("due_month"), f.Get("due_year"))
	if msg != "" && msg != "Enter a date" {
		s.itemDone(w, r, actor, care.FieldErrors{{Field: "due", Message: "Due by: " + strings.ToLower(msg[:1]) + msg[1:]}}.Err(), "")
		return
	}
	if t, err := time.Parse(time.DateOnly, d); err == nil {
		due = care.CivilDateOf(t)
	}
	_, err := s.store.AddMDTAction(r.Context(), actor, r.PathValue("id"), r.PathValue("item"), f.Get("description"), f.Get("owner"), due)
	s.itemDone(w, r, actor, err, "action")
}

// ---- Pre-read pack ----

type mdtPackView struct {
	Page
	Pack    care.PreReadPack
	Meeting store.MDTMeetingSummary
}

func (s *Server) meetingPackPage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireMDT(w, r, actor, false) {
		return
	}
	pack, m, err := s.store.MDTPack(r.Context(), actor, r.PathValue("id"), r.PathValue("item"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "mdt-pack", mdtPackView{Page: s.page(r, "Pre-read pack: "+pack.Person.FullName()), Pack: pack, Meeting: m})
}

// ---- Calendar file of one meeting ----

// baseURL is where links in calendar files point: the configured base URL,
// or the address the request came to.
func (s *Server) baseURL(r *http.Request) string {
	if s.cfg.BaseURL != "" {
		return strings.TrimSuffix(s.cfg.BaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// calendarEvent describes a meeting for a calendar: its details only, never
// its agenda, because a calendar leaves joinedup's access controls behind.
func (s *Server) calendarEvent(r *http.Request, m store.MDTMeetingSummary) ical.Event {
	host := r.Host
	if u, err := url.Parse(s.cfg.BaseURL); err == nil && u.Host != "" {
		host = u.Host
	}
	if h, _, ok := strings.Cut(host, ":"); ok {
		host = h
	}
	e := ical.Event{UID: m.ID + "@" + cmp.Or(host, "joinedup"), Start: m.Start, End: m.End, Title: m.Title, Place: m.Place,
		RemoteLink: m.RemoteLink, URL: s.baseURL(r) + "/mdt/meetings/" + m.ID,
		Description: "The agenda and pre-read packs are in joinedup."}
	if !m.FinishedAt.IsZero() {
		e.Description = "This meeting has finished; its outcomes are in joinedup."
	}
	return e
}

func (s *Server) writeCalendar(w http.ResponseWriter, r *http.Request, cal ical.Calendar, filename string) {
	body, err := ical.Marshal(cal)
	if err != nil {
		s.renderError(w, r, care.Internal(err))
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	if filename != "" {
		w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	}
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}

const calendarProdID = "-//joinedup//MDT meetings//EN"

func (s *Server) meetingCalendarFile(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireMDT(w, r, actor, false) {
		return
	}
	m, err := s.store.MDTMeeting(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.writeCalendar(w, r, ical.Calendar{ProdID: calendarProdID, Stamp: time.Now(), Events: []ical.Event{s.calendarEvent(r, m.MDTMeetingSummary)}},
		"mdt-meeting-"+m.Date.String()+".ics")
}
