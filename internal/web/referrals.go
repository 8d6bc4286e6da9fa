package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/store"
)

// This file serves the referral's own page: its details, where it is, what
// each side can do next, its message thread and its history. The form that
// makes a referral is in referral_send.go, moving it on and redirecting it
// in referral_moves.go, the worklists in referral_lists.go.

// requireReferralRole refuses, and audits the refusal, for roles that take
// no part in referrals.
func (s *Server) requireReferralRole(w http.ResponseWriter, r *http.Request, actor care.Actor) bool {
	if care.CanRefer(actor) {
		return true
	}
	if err := s.store.RecordDenied(r.Context(), actor, "referral.page", "Page", r.URL.Path, "", r.Method); err != nil {
		s.renderError(w, r, err)
		return false
	}
	s.renderError(w, r, care.Errorf(care.KindForbidden, "Your role does not make or handle referrals."))
	return false
}

// Uploads: at most this many files in one form, each checked by content.
const maxFormFiles = 5

// ---- The referral's page ----

// moveAction is something one side can do next, as a button or a link.
type moveAction struct {
	To    care.ReferralStatus
	Label string
	// Direct moves need nothing more than a click; the others open a form.
	Direct    bool
	Secondary bool
	Warning   bool
}

// moveLabel is the button for a move, from the point of view of whoever
// makes it.
func moveLabel(r care.ReferralTask, to care.ReferralStatus) string {
	if r.Status == care.ReferralOnHold && to == r.HeldFrom {
		return "Take off hold"
	}
	switch to {
	case care.ReferralReceived:
		return "Acknowledge"
	case care.ReferralAccepted:
		return "Accept"
	case care.ReferralInProgress:
		return "Start work"
	case care.ReferralOnHold:
		return "Ask the referrer a question or put on hold"
	case care.ReferralRejected:
		return "Decline"
	case care.ReferralRedirected:
		return "Redirect to another service"
	case care.ReferralCompleted:
		return "Complete and send the outcome"
	case care.ReferralFailed:
		return "Close as unable to complete"
	case care.ReferralCancelled:
		return "Cancel this referral"
	case care.ReferralEnteredInError:
		return "Mark as entered in error"
	}
	return to.Label()
}

func movesFor(r care.ReferralTask, actor care.Actor, side care.ReferralSide) []moveAction {
	var out []moveAction
	for _, to := range r.Moves(actor, side) {
		m := moveAction{To: to, Label: moveLabel(r, to)}
		switch {
		case r.Status == care.ReferralOnHold && to == r.HeldFrom, to == care.ReferralReceived, to == care.ReferralAccepted,
			to == care.ReferralInProgress:
			m.Direct = true
		case to == care.ReferralCancelled, to == care.ReferralEnteredInError, to == care.ReferralFailed:
			m.Warning = true
		default:
			m.Secondary = true
		}
		out = append(out, m)
	}
	return out
}

type referralView struct {
	Page
	V               store.ReferralView
	Ref             string
	Need            string
	Sides           []sideView
	Side            care.ReferralSide
	Overdue         []string
	Escalated       bool
	AckBy, DecideBy string
	Paused          bool
	Wait            string
	Body            string
	Reply           string
	Pending         []store.Attachment
	Feedback        choiceField
	Receiver        bool
	CanAssign       bool
	Assignees       []choice
	AssignTake      bool
	AssignRelease   bool
	QuestionOpen    bool
	History         []historyLine
	PersonLink      bool
	StatusLabel     string
	ReasonText      string
	MessageLabel    string
}

type sideView struct {
	Label string
	Moves []moveAction
}

type historyLine struct {
	At      time.Time
	What    string
	Who     string
	Reason  string
	Note    string
	Link    string
	LinkTxt string
}

func (s *Server) referralView(r *http.Request, actor care.Actor, id string) (referralView, error) {
	rv, err := s.store.Referral(r.Context(), actor, id)
	if err != nil {
		return referralView{}, err
	}
	t := rv.Task
	v := referralView{Page: s.page(r, "Referral to "+rv.ServiceName), V: rv, Ref: care.ReferralReference(t.ID)}
	if n, ok := care.NeedByCode(t.NeedCode); ok {
		v.Need = n.Label
	}
	sides := t.SidesOf(actor)
	v.Side = sides[0]
	v.StatusLabel = t.Status.LabelFor(v.Side)
	for _, side := range sides {
		label := "What you can do"
		if len(sides) > 1 {
			label = "As the " + strings.ToLower(side.Label())
		}
		if moves := movesFor(t, actor, side); len(moves) > 0 {
			v.Sides = append(v.Sides, sideView{Label: label, Moves: moves})
		}
		if side == care.ReceiverSide {
			v.Receiver = true
		}
	}
	for _, step := range rv.Overdue {
		v.Overdue = append(v.Overdue, step.Missed())
	}
	v.Escalated = len(rv.Escalations) > 0 && len(rv.Overdue) > 0
	if rv.HasDeadlines {
		v.AckBy = rv.Deadlines.AcknowledgeBy.In(s.loc).Format("Monday 2 January 2006 at 15:04")
		v.DecideBy = rv.Deadlines.DecideBy.In(s.loc).Format("Monday 2 January 2006 at 15:04")
		v.Paused = rv.Deadlines.DecidePaused
	}
	v.Wait = rv.Wait.String()
	v.QuestionOpen = t.Status == care.ReferralOnHold && t.StatusReason == string(care.HoldInformationRequested)
	if v.Receiver {
		v.Feedback = choiceField{Name: "missing", Legend: "What did this referral not tell you that you needed?", Kind: "checkboxes",
			Hint: "Your answers are counted, without names, on the service's page, so referrers learn what to include."}
		for _, c := range care.ReferralMissingInfoCategories() {
			v.Feedback.Choices = append(v.Feedback.Choices, choice{Value: c.Code, Label: c.Label,
				Checked: slices.Contains(t.MissingInfo, care.ReferralMissingInfo(c.Code))})
		}
		manager := slices.Contains(care.ReferralManagerRoles, actor.Role())
		if t.Status.Open() {
			v.CanAssign = manager
			v.AssignTake = !manager && t.AssignedTo == ""
			v.AssignRelease = !manager && t.AssignedTo == actor.UserID
			v.Assignees = []choice{{Value: "", Label: "Nobody", Checked: t.AssignedTo == ""}}
			for _, m := range rv.Members {
				v.Assignees = append(v.Assignees, choice{Value: m.UserID, Label: m.Name + " (" + m.Role.Label() + ")", Checked: m.UserID == t.AssignedTo})
			}
		}
	}
	for _, h := range rv.History {
		line := historyLine{At: h.At, What: h.Headline(), Who: h.ActorName, Reason: h.ReasonLabel(), Note: h.Note}
		if h.System {
			line.Who = "joinedup"
		}
		if h.Assignment && h.AssignedName != "" {
			line.What = "Assigned to " + h.AssignedName
		}
		if h.To == care.ReferralCompleted {
			line.Note = ""
		}
		if h.Target.ReferralID != "" {
			line.Link, line.LinkTxt = "/referrals/"+h.Target.ReferralID, "the new referral to "+h.TargetService
		}
		v.History = append(v.History, line)
	}
	v.PersonLink = true
	if t.StatusReason != "" {
		v.ReasonText = care.ReasonLabel(t.Status, t.StatusReason)
	}
	v.MessageLabel = "Write a message to " + rv.ToTeamName
	if v.Side == care.ReceiverSide {
		v.MessageLabel = "Write a message to " + rv.ReferrerName + " (" + rv.FromTeamName + ")"
	}
	if v.QuestionOpen && v.Side == care.ReferrerSide {
		v.MessageLabel = "Your answer to the team's question"
	}
	return v, nil
}

func (s *Server) referralPage(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireReferralRole(w, r, actor) {
		return
	}
	v, err := s.referralView(r, actor, r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	switch r.URL.Query().Get("done") {
	case "sent":
		v.Notice = "Your referral has been sent to " + v.V.ServiceName + ". You will be told in your inbox when they respond."
	case "moved":
		v.Notice = "Done: this referral is now " + strings.ToLower(v.StatusLabel) + "."
	case "message":
		v.Notice = "Your message has been sent."
	case "assigned":
		v.Notice = "Who holds this referral has been changed."
	case "feedback":
		v.Notice = "Thank you: your feedback has been recorded."
	}
	s.render(w, r, http.StatusOK, "referral", v)
}

// ---- The thread, assignment and feedback ----

func (s *Server) messageSubmit(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireReferralRole(w, r, actor) {
		return
	}
	id := r.PathValue("id")
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	ids, uploadErrs, err := s.readUploads(r, actor)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	f := formValues(r)
	body := strings.TrimSpace(f.Get("body"))
	if len(uploadErrs) == 0 {
		err = s.store.PostReferralMessage(r.Context(), actor, id, body, ids)
		if err == nil {
			http.Redirect(w, r, "/referrals/"+id+"?done=message#messages", http.StatusSeeOther)
			return
		}
		if !formProblem(err) {
			s.renderError(w, r, err)
			return
		}
	}
	v, verr := s.referralView(r, actor, id)
	if verr != nil {
		s.renderError(w, r, verr)
		return
	}
	v.Errors = append(care.FieldsOf(err), uploadErrs...)
	v.Title = "Error: " + v.Title
	v.Reply = f.Get("body")
	if v.Pending, err = s.store.PendingAttachments(r.Context(), actor, ids); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusBadRequest, "referral", v)
}

func (s *Server) assignSubmit(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireReferralRole(w, r, actor) || !s.parseForm(w, r) {
		return
	}
	id := r.PathValue("id")
	version, err := strconv.Atoi(r.PostForm.Get("version"))
	if err != nil {
		s.renderError(w, r, care.Errorf(care.KindInvalid, "The form could not be read: go back to the referral and try again."))
		return
	}
	err = s.store.AssignReferral(r.Context(), actor, id, r.PostForm.Get("assignee"), version)
	if err != nil {
		if fe := care.FieldsOf(err); len(fe) > 0 {
			err = care.Errorf(care.KindInvalid, "%s.", fe[0].Message)
		}
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/referrals/"+id+"?done=assigned", http.StatusSeeOther)
}

func (s *Server) feedbackSubmit(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireReferralRole(w, r, actor) || !s.parseForm(w, r) {
		return
	}
	id := r.PathValue("id")
	var cats []care.ReferralMissingInfo
	for _, c := range r.PostForm["missing"] {
		cats = append(cats, care.ReferralMissingInfo(c))
	}
	if err := s.store.RecordMissingInfo(r.Context(), actor, id, cats); err != nil {
		if fe := care.FieldsOf(err); len(fe) > 0 {
			err = care.Errorf(care.KindInvalid, "%s.", fe[0].Message)
		}
		s.renderError(w, r, err)
		return
	}
	http.Redirect(w, r, "/referrals/"+id+"?done=feedback", http.StatusSeeOther)
}

// attachmentDownload sends a file as a download, never to be shown inline:
// even a type checked by content is safer opened by the user's own viewer.
func (s *Server) attachmentDownload(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireReferralRole(w, r, actor) {
		return
	}
	a, err := s.store.ReferralAttachment(r.Context(), actor, r.PathValue("id"), r.PathValue("file"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", a.ContentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+care.CleanFilename(a.Filename)+`"`)
	w.Header().Set("Content-Length", strconv.Itoa(len(a.Content)))
	w.Write(a.Content)
}
