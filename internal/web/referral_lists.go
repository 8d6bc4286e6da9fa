package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/store"
)

// This file serves the referral worklists, the sent list and the incoming
// queue, and the page where a service sets its response targets.

// referralTab is a link in the worklists' own navigation.
type referralTab struct {
	Label   string
	Href    string
	Count   int
	Current bool
	Warn    bool
}

type rowView struct {
	store.ReferralRow
	Ref    string
	Status string
	Due    string
}

func viewRows(rows []store.ReferralRow, side care.ReferralSide, loc *time.Location) []rowView {
	out := make([]rowView, len(rows))
	for i, x := range rows {
		out[i] = rowView{ReferralRow: x, Ref: care.ReferralReference(x.ID), Status: x.Status.LabelFor(side)}
		if !x.DueAt.IsZero() {
			out[i].Due = x.DueAt.In(loc).Format("2 Jan 2006 at 15:04")
		}
	}
	return out
}

// tabsNav is a labelled row of worklist links.
type tabsNav struct {
	Label string
	Tabs  []referralTab
}

// referralSwitch links the two worklists.
func referralSwitch(current string) tabsNav {
	return tabsNav{Label: "Referral worklists", Tabs: []referralTab{
		{Label: "Incoming to your team", Href: "/referrals/incoming", Count: -1, Current: current == "incoming"},
		{Label: "Sent by your team", Href: "/referrals/sent", Count: -1, Current: current == "sent"},
	}}
}

type sentView struct {
	Page
	Switch  tabsNav
	Filters tabsNav
	Open    []rowView
	Closed  []rowView
	Status  care.ReferralStatus
	Overdue int
}

func (s *Server) sentPage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireReferralRole(w, r, actor) {
		return
	}
	status := care.ReferralStatus(r.URL.Query().Get("status"))
	l, err := s.store.SentReferrals(r.Context(), actor, status)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := sentView{Page: s.page(r, "Referrals sent by your team"), Switch: referralSwitch("sent"), Status: l.Status,
		Open: viewRows(l.Open, care.ReferrerSide, s.loc), Closed: viewRows(l.Closed, care.ReferrerSide, s.loc)}
	total := 0
	for _, n := range l.Counts {
		total += n
	}
	v.Filters.Label = "Sent referrals by status"
	v.Filters.Tabs = append(v.Filters.Tabs, referralTab{Label: "All open", Href: "/referrals/sent", Count: total, Current: l.Status == ""})
	for _, st := range care.ReferralStatuses {
		if st.Open() {
			v.Filters.Tabs = append(v.Filters.Tabs, referralTab{Label: st.Label(), Href: "/referrals/sent?status=" + url.QueryEscape(string(st)),
				Count: l.Counts[st], Current: l.Status == st})
		}
	}
	for _, st := range []care.ReferralStatus{care.ReferralCompleted, care.ReferralRejected, care.ReferralRedirected, care.ReferralCancelled} {
		v.Filters.Tabs = append(v.Filters.Tabs, referralTab{Label: st.Label() + " recently", Href: "/referrals/sent?status=" + url.QueryEscape(string(st)),
			Count: -1, Current: l.Status == st})
	}
	for _, x := range l.Open {
		if x.Overdue {
			v.Overdue++
		}
	}
	s.render(w, r, http.StatusOK, "referrals-sent", v)
}

type incomingView struct {
	Page
	Switch   tabsNav
	Tabs     tabsNav
	View     string
	ViewName string
	Rows     []rowView
	More     int
	TeamName string
}

var incomingLabels = map[string]string{
	store.IncomingNew:        "New",
	store.IncomingOverdue:    "Overdue",
	store.IncomingMine:       "Held by you",
	store.IncomingUnassigned: "Not held by anyone",
	store.IncomingOpen:       "All open",
}

func (s *Server) incomingPage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireReferralRole(w, r, actor) {
		return
	}
	q, err := s.store.IncomingReferrals(r.Context(), actor, r.URL.Query().Get("view"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v := incomingView{Page: s.page(r, "Referrals to your team"), Switch: referralSwitch("incoming"), View: q.View,
		ViewName: incomingLabels[q.View], Rows: viewRows(q.Rows, care.ReceiverSide, s.loc), More: q.More, TeamName: actor.Acting.TeamName}
	v.Tabs.Label = "Incoming referrals by view"
	for _, view := range store.IncomingViews {
		v.Tabs.Tabs = append(v.Tabs.Tabs, referralTab{Label: incomingLabels[view], Href: "/referrals/incoming?view=" + view, Count: q.Counts[view],
			Current: view == q.View, Warn: view == store.IncomingOverdue && q.Counts[view] > 0})
	}
	s.render(w, r, http.StatusOK, "referrals-incoming", v)
}

// ---- A service's response targets ----

type targetField struct {
	Name, Legend, Hint, Error string
	Amount                    string
	Units                     []choice
}

type targetsView struct {
	Page
	Service care.Service
	Version int
	Groups  []targetGroup
}

type targetGroup struct {
	Label  string
	Fields []targetField
}

var targetUrgencies = []struct {
	name    string
	urgency care.ReferralUrgency
}{{"routine", care.UrgencyRoutine}, {"urgent", care.UrgencyUrgent}, {"same_day", care.UrgencySameDay}}

func targetPeriods(tg *care.ReferralTargets, name string) (ack, decide *care.TargetPeriod) {
	switch name {
	case "routine":
		return &tg.Routine.Acknowledge, &tg.Routine.Decide
	case "urgent":
		return &tg.Urgent.Acknowledge, &tg.Urgent.Decide
	}
	return &tg.SameDay.Acknowledge, &tg.SameDay.Decide
}

func (s *Server) targetsForm(r *http.Request, sv care.Service, tg care.ReferralTargets, version int, f url.Values, errs care.FieldErrors) targetsView {
	title := "Response targets for " + sv.Name
	if len(errs) > 0 {
		title = "Error: " + title
	}
	v := targetsView{Page: s.page(r, title), Service: sv, Version: version}
	v.Errors = errs
	def := care.DefaultReferralTargets()
	for _, u := range targetUrgencies {
		g := targetGroup{Label: u.urgency.Label() + " referrals"}
		ack, dec := targetPeriods(&tg, u.name)
		dAck, dDec := targetPeriods(&def, u.name)
		for _, step := range []struct {
			key, legend string
			p, d        *care.TargetPeriod
		}{{"acknowledge", "Acknowledge within", ack, dAck}, {"decide", "Decide within", dec, dDec}} {
			name := u.name + "_" + step.key
			amount, unit := "", string(care.TargetWorkingDays)
			if !step.p.IsZero() {
				amount, unit = strconv.Itoa(step.p.Amount), string(step.p.Unit)
			}
			if f != nil {
				amount, unit = f.Get(name), f.Get(name+"_unit")
			}
			tf := targetField{Name: name, Legend: step.legend, Error: errs.Message(name), Amount: amount,
				Hint: "Leave blank for the default: " + step.d.String() + "."}
			for _, c := range []struct{ u, label string }{{string(care.TargetWorkingDays), "working days"}, {string(care.TargetWorkingHours), "working hours"}} {
				tf.Units = append(tf.Units, choice{Value: c.u, Label: c.label, Checked: unit == c.u})
			}
			g.Fields = append(g.Fields, tf)
		}
		v.Groups = append(v.Groups, g)
	}
	return v
}

func (s *Server) loadTargetsService(w http.ResponseWriter, r *http.Request, actor care.Actor) (care.Service, bool) {
	sv, err := s.store.Service(r.Context(), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return sv, false
	}
	if !care.CanManageDirectoryEntry(actor, sv.OrganisationID) {
		if err := s.store.RecordDenied(r.Context(), actor, "service.targets", "HealthcareService", sv.ID, "", r.Method); err != nil {
			s.renderError(w, r, err)
			return sv, false
		}
		s.renderError(w, r, care.Errorf(care.KindForbidden, "Only the team managers and administrators of the organisation that runs this service can change its targets."))
		return sv, false
	}
	return sv, true
}

func (s *Server) targetsPage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	sv, ok := s.loadTargetsService(w, r, actor)
	if !ok {
		return
	}
	tg, version, err := s.store.ServiceReferralTargets(r.Context(), sv.ID)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "referral-targets", s.targetsForm(r, sv, tg, version, nil, nil))
}

func (s *Server) targetsSave(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.parseForm(w, r) {
		return
	}
	sv, ok := s.loadTargetsService(w, r, actor)
	if !ok {
		return
	}
	var tg care.ReferralTargets
	var errs care.FieldErrors
	for _, u := range targetUrgencies {
		ack, dec := targetPeriods(&tg, u.name)
		for _, step := range []struct {
			key string
			p   *care.TargetPeriod
		}{{"acknowledge", ack}, {"decide", dec}} {
			name := u.name + "_" + step.key
			text := strings.TrimSpace(r.PostForm.Get(name))
			if text == "" {
				continue
			}
			n, err := strconv.Atoi(text)
			if err != nil {
				errs.Add(name, "Enter a whole number, like 2")
				continue
			}
			*step.p = care.TargetPeriod{Amount: n, Unit: care.TargetUnit(r.PostForm.Get(name + "_unit"))}
		}
	}
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	err := errs.Err()
	if err == nil {
		err = s.store.SetServiceReferralTargets(r.Context(), actor, sv.ID, tg, version)
	}
	if formProblem(err) {
		s.render(w, r, http.StatusBadRequest, "referral-targets", s.targetsForm(r, sv, tg, version, r.PostForm, care.FieldsOf(err)))
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/directory/services/"+sv.ID+"?done=targets", http.StatusSeeOther)
}

// referralsHome is the worklist someone starts from: practices mostly send
// referrals, everyone else mostly receives them.
func referralsHome(actor care.Actor) string {
	if actor.Role().IsPractice() {
		return "/referrals/sent"
	}
	return "/referrals/incoming"
}

// countReferralTasks puts the team's new and overdue referrals into the
// home page's task about them, so an overdue referral is seen at once.
func (s *Server) countReferralTasks(r *http.Request, actor care.Actor, tasks []task) error {
	if !care.CanRefer(actor) {
		return nil
	}
	newCount, overdue, err := s.store.IncomingSummary(r.Context(), actor)
	if err != nil {
		return err
	}
	if newCount == 0 && overdue == 0 {
		return nil
	}
	for i := range tasks {
		if tasks[i].Href == "/referrals/incoming" {
			tasks[i].Description = strconv.Itoa(newCount) + " new and " + strconv.Itoa(overdue) + " overdue. " + tasks[i].Description
			if overdue > 0 {
				tasks[i].Href = "/referrals/incoming?view=" + store.IncomingOverdue
			}
		}
	}
	return nil
}
