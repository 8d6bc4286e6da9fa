package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/store"
)

// This file serves MDT meetings' hub, meeting series with the scheduling
// assistant, and each user's blocked times. Meetings are in mdt_meeting.go,
// actions and calendars in mdt_actions.go.

// requireMDT refuses, and audits the refusal, when the actor's role takes
// no part in MDT meetings (or, with coordinate, does not set them up).
func (s *Server) requireMDT(w http.ResponseWriter, r *http.Request, actor care.Actor, coordinate bool) bool {
	ok, action := care.CanUseMDT(actor), "mdt.use"
	if coordinate {
		ok, action = care.CanCoordinateMDT(actor), "mdt.coordinate"
	}
	if ok {
		return true
	}
	if err := s.store.RecordDenied(r.Context(), actor, action, "Page", r.URL.Path, "", r.Method); err != nil {
		s.renderError(w, r, err)
		return false
	}
	s.renderError(w, r, care.Errorf(care.KindForbidden, "Your role does not give you access to this page."))
	return false
}

type mdtHomeView struct {
	Page
	Meetings      []store.MDTMeetingSummary
	Series        []store.MDTSeriesView
	CanCoordinate bool
}

func (s *Server) mdtHome(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireMDT(w, r, actor, false) {
		return
	}
	v := mdtHomeView{Page: s.page(r, "MDT meetings"), CanCoordinate: care.CanCoordinateMDT(actor)}
	var err error
	if v.Meetings, err = s.store.MyMDTMeetings(r.Context(), actor); err != nil {
		s.renderError(w, r, err)
		return
	}
	if v.Series, err = s.store.MDTSeriesList(r.Context(), actor); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "mdt", v)
}

// ---- Setting up a series ----

// preferredHours are the choices of when in the day a meeting would best be.
var preferredHours = []struct {
	Value, Label string
	From, To     time.Duration
}{
	{"any", "Any time in working hours", 0, 0},
	{"morning", "Morning, 09:00 to 12:30", 9 * time.Hour, 12*time.Hour + 30*time.Minute},
	{"lunchtime", "Lunchtime, 12:00 to 14:00", 12 * time.Hour, 14 * time.Hour},
	{"afternoon", "Afternoon, 13:30 to 17:00", 13*time.Hour + 30*time.Minute, 17 * time.Hour},
}

var mdtDurations = []int{30, 45, 60, 90, 120}

type slotChoice struct {
	Value   string
	Label   string
	Hint    string
	Checked bool
}

type mdtSeriesFormView struct {
	Page
	Title, ScopeName formField
	Place, Link      formField
	Scope            choiceField
	Core             choiceField
	Repeat           choiceField
	Duration         choiceField
	Preferred        choiceField
	From             dateField
	Weeks            choiceField
	// Slots are the scheduling assistant's proposals, once asked for.
	Searched bool
	Slots    []slotChoice
	SlotErr  string
}

// seriesForm is what the series form sent.
type seriesForm struct {
	title, scope, scopeName, repeat, place, link string
	core                                         []string
	duration                                     int
	preferred, weeks, slot                       string
	fromDay, fromMonth, fromYear                 string
}

func readSeriesForm(f url.Values) seriesForm {
	sf := seriesForm{title: f.Get("title"), scope: f.Get("scope"), scopeName: f.Get("scope_id"), repeat: f.Get("repeat"),
		place: f.Get("place"), link: f.Get("remote_link"), core: f["core_members"], preferred: f.Get("preferred"),
		weeks: f.Get("weeks"), slot: f.Get("slot"), fromDay: f.Get("from_day"), fromMonth: f.Get("from_month"), fromYear: f.Get("from_year")}
	sf.duration, _ = strconv.Atoi(f.Get("duration"))
	return sf
}

// slotRequest turns the form's search into a request to the assistant.
// Dates and times are read in loc.
func (sf seriesForm) slotRequest(loc *time.Location) (care.SlotRequest, care.FieldErrors) {
	var errs care.FieldErrors
	req := care.SlotRequest{Duration: time.Duration(sf.duration) * time.Minute, Limit: 10, PerDay: 2}
	from, msg := care.ParseDate(sf.fromDay, sf.fromMonth, sf.fromYear)
	if msg != "" {
		errs.Add("from", "Search from: "+strings.ToLower(msg[:1])+msg[1:])
	} else {
		d, _ := time.ParseInLocation(time.DateOnly, from, loc)
		weeks, err := strconv.Atoi(sf.weeks)
		if err != nil || weeks < 1 || weeks > 12 {
			weeks = 4
		}
		req.From, req.To = d, d.AddDate(0, 0, 7*weeks)
	}
	for _, p := range preferredHours {
		if p.Value == sf.preferred {
			req.PreferredStart, req.PreferredEnd = p.From, p.To
		}
	}
	if sf.duration == 0 {
		errs.Add("duration", "Choose how long the meeting lasts")
	}
	return req, errs
}

func (s *Server) seriesFormView(r *http.Request, actor care.Actor, title string, sf seriesForm, errs care.FieldErrors) (mdtSeriesFormView, error) {
	v := mdtSeriesFormView{Page: s.page(r, title)}
	v.Errors = errs
	v.Title = formField{Name: "title", Label: "Name of the meeting", Hint: "For example, Lower Clapton frailty MDT. Do not name anyone receiving care.",
		Value: sf.title, Error: errs.Message("title")}
	v.Scope = choiceField{Name: "scope", Legend: "Who the meeting is for", Kind: "radios", Error: errs.Message("scope")}
	for _, sc := range care.MDTScopes {
		label := sc.Label()
		if sc == care.MDTScopePractice {
			label = "Your practice or organisation: " + actor.Acting.OrgName
		}
		v.Scope.Choices = append(v.Scope.Choices, choice{Value: string(sc), Label: label, Checked: string(sc) == sf.scope})
	}
	v.ScopeName = formField{Name: "scope_id", Label: "Name of the network or neighbourhood (not needed for a practice)",
		Value: sf.scopeName, Error: errs.Message("scope_id")}
	colleagues, err := s.store.MDTColleagues(r.Context(), actor)
	if err != nil {
		return v, err
	}
	v.Core = choiceField{Name: "core_members", Legend: "Core members", Kind: "checkboxes", Error: errs.Message("core_members"),
		Hint: "The people every meeting needs. You are a core member as the coordinator. The assistant avoids their blocked times."}
	for _, c := range colleagues {
		if c.UserID == actor.UserID {
			continue
		}
		v.Core.Choices = append(v.Core.Choices, choice{Value: c.MembershipID, Label: c.Name + ", " + c.Role.Label(),
			Hint: c.TeamName + ", " + c.OrgName, Checked: slices.Contains(sf.core, c.MembershipID)})
	}
	v.Repeat = choiceField{Name: "repeat", Legend: "How often it meets", Kind: "radios", Error: errs.Message("repeat"),
		Hint: "A monthly meeting keeps the week of the month of the time you choose, such as the second Tuesday."}
	for _, rp := range care.MDTRepeats {
		label := map[care.MDTRepeat]string{care.MDTWeekly: "Every week", care.MDTFortnightly: "Every other week", care.MDTMonthly: "Once a month"}[rp]
		v.Repeat.Choices = append(v.Repeat.Choices, choice{Value: string(rp), Label: label, Checked: string(rp) == sf.repeat})
	}
	v.Duration = choiceField{Name: "duration", Legend: "How long it lasts", Error: errs.Message("duration"),
		Choices: []choice{{Value: "", Label: "Choose a length"}}}
	for _, d := range mdtDurations {
		v.Duration.Choices = append(v.Duration.Choices, choice{Value: strconv.Itoa(d), Label: minutesLabel(d), Checked: d == sf.duration})
	}
	v.Place = formField{Name: "place", Label: "Where it meets", Hint: "A room and building. Leave it empty for a meeting held only online.",
		Value: sf.place, Error: errs.Message("place")}
	v.Link = formField{Name: "remote_link", Label: "Link to join online", Hint: "The full link, starting https://", Type: "url",
		Value: sf.link, Error: errs.Message("remote_link")}
	v.Preferred = choiceField{Name: "preferred", Legend: "When in the day would suit best", Kind: "radios", Error: errs.Message("preferred")}
	for _, p := range preferredHours {
		v.Preferred.Choices = append(v.Preferred.Choices, choice{Value: p.Value, Label: p.Label, Checked: p.Value == sf.preferred || sf.preferred == "" && p.Value == "any"})
	}
	v.From = newDateField("from", "from", "Look for times from", errs.Message("from"), sf.fromDay, sf.fromMonth, sf.fromYear)
	v.From.Hint = "For example, " + time.Now().In(s.loc).AddDate(0, 0, 7).Format("2 1 2006") + "."
	v.Weeks = choiceField{Name: "weeks", Legend: "Look over the next", Error: errs.Message("to")}
	for _, n := range []int{2, 4, 8, 12} {
		v.Weeks.Choices = append(v.Weeks.Choices, choice{Value: strconv.Itoa(n), Label: strconv.Itoa(n) + " weeks",
			Checked: strconv.Itoa(n) == sf.weeks || sf.weeks == "" && n == 4})
	}
	return v, nil
}

func minutesLabel(m int) string {
	switch {
	case m < 60:
		return strconv.Itoa(m) + " minutes"
	case m == 60:
		return "1 hour"
	case m%60 == 0:
		return strconv.Itoa(m/60) + " hours"
	}
	return strconv.Itoa(m/60) + " hour " + strconv.Itoa(m%60) + " minutes"
}

func (s *Server) mdtSeriesNewPage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireMDT(w, r, actor, true) {
		return
	}
	start := time.Now().In(s.loc).AddDate(0, 0, 2)
	sf := seriesForm{scope: string(care.MDTScopePractice), repeat: string(care.MDTWeekly), duration: 60,
		fromDay: strconv.Itoa(start.Day()), fromMonth: strconv.Itoa(int(start.Month())), fromYear: strconv.Itoa(start.Year())}
	v, err := s.seriesFormView(r, actor, "Set up a meeting series", sf, nil)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "mdt-series-new", v)
}

// proposals asks the assistant for times and turns them into choices.
func (s *Server) proposals(r *http.Request, actor care.Actor, sf seriesForm) ([]care.ProposedSlot, []slotChoice, care.FieldErrors, error) {
	req, errs := sf.slotRequest(s.loc)
	if len(errs) > 0 {
		return nil, nil, errs, nil
	}
	slots, err := s.store.ProposeMDTSlots(r.Context(), actor, sf.core, req)
	if care.IsKind(err, care.KindInvalid) {
		return nil, nil, care.FieldsOf(err), nil
	}
	if err != nil {
		return nil, nil, nil, err
	}
	var out []slotChoice
	for _, sl := range slots {
		c := slotChoice{Value: sl.Start.UTC().Format(time.RFC3339), Checked: sl.Start.UTC().Format(time.RFC3339) == sf.slot,
			Label: sl.Start.In(s.loc).Format("Monday 2 January 2006, 15:04") + " to " + sl.End.In(s.loc).Format("15:04")}
		var hints []string
		if sl.Protected {
			hints = append(hints, "Protected time: nobody has to leave a clinic")
		} else {
			hints = append(hints, "Overlaps someone's clinical session")
		}
		if sl.Preferred {
			hints = append(hints, "in your preferred hours")
		}
		c.Hint = strings.Join(hints, ", ")
		out = append(out, c)
	}
	return slots, out, nil, nil
}

func (s *Server) mdtSeriesCreate(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireMDT(w, r, actor, true) || !s.parseForm(w, r) {
		return
	}
	sf := readSeriesForm(r.PostForm)
	slots, choices, errs, err := s.proposals(r, actor, sf)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	status, title := http.StatusOK, "Set up a meeting series"
	if r.PostForm.Get("step") == "create" && len(errs) == 0 {
		var chosen *care.ProposedSlot
		for i := range slots {
			if slots[i].Start.UTC().Format(time.RFC3339) == sf.slot {
				chosen = &slots[i]
			}
		}
		if chosen == nil {
			msg := "Choose a time from the proposals"
			if sf.slot != "" {
				msg = "That time is no longer free. Choose another from the proposals"
			}
			errs.Add("slot", msg)
		} else {
			start := chosen.Start.In(s.loc)
			first := care.CivilDateOf(start)
			series := care.MDTSeries{Title: sf.title, Scope: care.MDTScope(sf.scope), ScopeID: sf.scopeName,
				Cadence:   care.MDTCadence{Repeat: care.MDTRepeat(sf.repeat), Weekday: start.Weekday(), WeekOfMonth: weekOfMonth(first)},
				FirstDate: first, StartTime: time.Duration(start.Hour())*time.Hour + time.Duration(start.Minute())*time.Minute,
				Duration: time.Duration(sf.duration) * time.Minute, Place: sf.place, RemoteLink: sf.link}
			created, err := s.store.CreateMDTSeries(r.Context(), actor, store.NewMDTSeries{Series: series, CoreMemberships: sf.core, ScopeName: sf.scopeName})
			if err == nil {
				http.Redirect(w, r, "/mdt/series/"+created.ID+"?done=created", http.StatusSeeOther)
				return
			}
			if !formProblem(err) {
				s.renderError(w, r, err)
				return
			}
			errs = care.FieldsOf(err)
		}
	}
	if len(errs) > 0 {
		status, title = http.StatusBadRequest, "Error: Set up a meeting series"
	}
	v, err := s.seriesFormView(r, actor, title, sf, errs)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v.Searched, v.Slots, v.SlotErr = errs.Message("from") == "" && errs.Message("duration") == "" && errs.Message("to") == "", choices, errs.Message("slot")
	s.render(w, r, status, "mdt-series-new", v)
}

// weekOfMonth is which weekday of its month d is, for a monthly series:
// 1 to 4, or the last when it is the fifth.
func weekOfMonth(d care.CivilDate) int {
	n := (d.Day-1)/7 + 1
	if n > 4 {
		return care.LastWeekOfMonth
	}
	return n
}

type mdtSeriesView struct {
	Page
	V        store.MDTSeriesView
	Length   string
	Deadline string
}

func (s *Server) mdtSeriesPage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireMDT(w, r, actor, false) {
		return
	}
	sv, err := s.store.MDTSeriesPage(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := mdtSeriesView{Page: s.page(r, sv.Series.Title), V: sv, Length: minutesLabel(int(sv.Series.Duration / time.Minute)),
		Deadline: minutesLabel(int(sv.Series.Deadline() / time.Minute))}
	if r.URL.Query().Get("done") == "created" {
		v.Notice = "The meeting series has been set up and its core members invited to each meeting."
	}
	s.render(w, r, http.StatusOK, "mdt-series", v)
}

// ---- Blocked times ----

type blockedTimesView struct {
	Page
	Times    []care.BlockedTime
	Label    formField
	Weekday  choiceField
	Start    formField
	End      formField
	Repeat   choiceField
	Anchor   dateField
	Clinical choiceField
}

var weekdays = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

func (s *Server) blockedTimesView(r *http.Request, actor care.Actor, title string, f url.Values, errs care.FieldErrors) (blockedTimesView, error) {
	v := blockedTimesView{Page: s.page(r, title)}
	v.Errors = errs
	var err error
	if v.Times, err = s.store.BlockedTimes(r.Context(), actor); err != nil {
		return v, err
	}
	get := func(k string) string {
		if f == nil {
			return ""
		}
		return f.Get(k)
	}
	v.Label = formField{Name: "label", Label: "What it is for", Hint: "For example, Morning surgery. Do not name anyone receiving care.",
		Value: get("label"), Error: errs.Message("label")}
	v.Weekday = choiceField{Name: "weekday", Legend: "Day", Error: errs.Message("weekday"), Choices: []choice{{Value: "", Label: "Choose a day"}}}
	for _, d := range weekdays {
		v.Weekday.Choices = append(v.Weekday.Choices, choice{Value: strconv.Itoa(int(d)), Label: d.String(), Checked: get("weekday") == strconv.Itoa(int(d))})
	}
	v.Start = formField{Name: "start_time", Label: "From", Hint: "For example, 08:30", Value: get("start_time"), Error: errs.Message("start_time"), Width: "5"}
	v.End = formField{Name: "end_time", Label: "To", Hint: "For example, 12:00", Value: get("end_time"), Error: errs.Message("end_time"), Width: "5"}
	v.Repeat = choiceField{Name: "repeat", Legend: "How often", Kind: "radios", Error: errs.Message("repeat"), Choices: []choice{
		{Value: string(care.MDTWeekly), Label: "Every week", Checked: get("repeat") == string(care.MDTWeekly) || get("repeat") == ""},
		{Value: string(care.MDTFortnightly), Label: "Every other week", Checked: get("repeat") == string(care.MDTFortnightly)},
	}}
	v.Anchor = newDateField("anchor_date", "anchor_date", "For every other week: the date of one day it happens", errs.Message("anchor_date"),
		get("anchor_date_day"), get("anchor_date_month"), get("anchor_date_year"))
	v.Anchor.Hint = "So we know which weeks. Leave it empty for every week."
	v.Clinical = choiceField{Name: "clinical", Legend: "Is it a clinical session?", Kind: "checkboxes", Choices: []choice{
		{Value: "yes", Label: "Yes, a surgery, clinic or home visits", Hint: "Meetings are placed outside clinical sessions so they are protected time.",
			Checked: get("clinical") == "yes"},
	}}
	return v, nil
}

func (s *Server) blockedTimesPage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireMDT(w, r, actor, false) {
		return
	}
	v, err := s.blockedTimesView(r, actor, "Your blocked times", nil, nil)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	switch r.URL.Query().Get("done") {
	case "added":
		v.Notice = "Your blocked time has been added."
	case "removed":
		v.Notice = "Your blocked time has been removed."
	}
	s.render(w, r, http.StatusOK, "mdt-blocked-times", v)
}

// parseClock reads a time of day typed as 08:30 or 8.30.
func parseClock(s string) (time.Duration, bool) {
	m, err := care.ParseClock(strings.ReplaceAll(strings.TrimSpace(s), ".", ":"))
	if err != nil {
		return 0, false
	}
	return time.Duration(m) * time.Minute, true
}

func (s *Server) blockedTimeAdd(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireMDT(w, r, actor, false) || !s.parseForm(w, r) {
		return
	}
	f := r.PostForm
	var errs care.FieldErrors
	b := care.BlockedTime{Label: f.Get("label"), Repeat: care.MDTRepeat(f.Get("repeat")), Clinical: f.Get("clinical") == "yes", Weekday: -1}
	if d, err := strconv.Atoi(f.Get("weekday")); err == nil {
		b.Weekday = time.Weekday(d)
	}
	var ok bool
	if b.Start, ok = parseClock(f.Get("start_time")); !ok {
		errs.Add("start_time", "Enter a start time, like 08:30")
	}
	if b.End, ok = parseClock(f.Get("end_time")); !ok && f.Get("end_time") != "24:00" {
		errs.Add("end_time", "Enter an end time, like 12:00")
	} else if f.Get("end_time") == "24:00" {
		b.End = 24 * time.Hour
	}
	if b.Repeat == care.MDTFortnightly {
		anchor, msg := care.ParseDate(f.Get("anchor_date_day"), f.Get("anchor_date_month"), f.Get("anchor_date_year"))
		if msg != "" && msg != "Enter a date" {
			errs.Add("anchor_date", "Date: "+strings.ToLower(msg[:1])+msg[1:])
		}
		if t, err := time.Parse(time.DateOnly, anchor); err == nil {
			b.Anchor = care.CivilDateOf(t)
		}
	}
	if len(errs) > 0 {
		// Report every problem at once, the domain's checks included.
		b.UserID = actor.UserID
		for _, f := range care.FieldsOf(b.Validate()) {
			errs.Add(f.Field, f.Message)
		}
	} else {
		_, err := s.store.AddBlockedTime(r.Context(), actor, b)
		if err == nil {
			http.Redirect(w, r, "/mdt/blocked-times?done=added", http.StatusSeeOther)
			return
		}
		if !formProblem(err) {
			s.renderError(w, r, err)
			return
		}
		errs = care.FieldsOf(err)
	}
	v, err := s.blockedTimesView(r, actor, "Error: Your blocked times", f, errs)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusBadRequest, "mdt-blocked-times", v)
}

func (s *Server) blockedTimeRemove(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireMDT(w, r, actor, false) {
		return
	}
	if err := s.store.RemoveBlockedTime(r.Context(), actor, r.PathValue("id")); err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/mdt/blocked-times?done=removed", http.StatusSeeOther)
}

// clock formats a time of day held as the time since midnight.
func clockText(d time.Duration) string { return care.FormatClock(int(d / time.Minute)) }

// mdtWhen says when a meeting is, in loc, such as "Tuesday 3 March 2026,
// 13:00 to 14:00".
func mdtWhen(start, end time.Time, loc *time.Location) string {
	if start.IsZero() {
		return ""
	}
	return start.In(loc).Format("Monday 2 January 2006, 15:04") + " to " + end.In(loc).Format("15:04")
}
