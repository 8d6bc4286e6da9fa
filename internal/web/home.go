package web

import (
	"fmt"
	"net/http"

	"github.com/joinedup/joinedup/internal/care"
)

// task is something the user can do today, shown as a card on the home page.
type task struct {
	Title       string
	Href        string
	Description string
}

type homeView struct {
	Page
	Tasks []task
}

// tasksFor lists only features that exist and that this actor may use.
// Each capability adds its own tasks here as it is built.
func tasksFor(actor care.Actor) []task {
	var tasks []task
	tasks = append(tasks, task{Title: "Find a service", Href: "/directory",
		Description: "Search the directory by need and postcode for who to contact, how to refer and how long people wait."})
	switch r := actor.Role(); {
	case r.IsPractice():
		tasks = append(tasks, task{Title: "Who covers your practice?", Href: "/directory/practices/" + actor.Acting.OrgID,
			Description: "Your linked social work teams, the single point of access, named link workers and duty lines."})
	case r == care.RoleSocialWorker || r == care.RoleTeamManager || r == care.RoleNurse ||
		r == care.RoleOccupationalTherapist || r == care.RoleCareNavigator:
		tasks = append(tasks, task{Title: "Which practices does your team cover?", Href: "/directory/teams/" + actor.Acting.TeamID + "/practices",
			Description: "The GP practices linked to " + actor.Acting.TeamName + ", and who in your team is named for each."})
	}
	if care.Allowed(actor, care.ActionViewServiceGaps) {
		tasks = append(tasks, task{Title: "See gaps in service", Href: "/directory/gaps",
			Description: "Needs that searches of the directory could not find a service for, by area."})
	}
	if care.Allowed(actor, care.ActionViewAudit) {
		tasks = append(tasks, task{Title: "Check the audit trail", Href: "/audit",
			Description: "See who did what and when, including refused attempts, and check that the trail has not been tampered with."})
	}
	if care.Allowed(actor, care.ActionSearchPeople) {
		tasks = append(tasks, task{Title: "Find a person", Href: "/people",
			Description: "Find someone you care for by NHS number, or by name and date of birth, and see their record, care team and plan."})
	}
	if care.Allowed(actor, care.ActionRegisterPerson) {
		tasks = append(tasks, task{Title: "Register a person", Href: "/people/new",
			Description: "Create the one shared record for someone who is not in joinedup yet."})
	}
	if care.CanUseMDT(actor) {
		tasks = append(tasks, task{Title: "MDT meetings and my actions", Href: "/mdt",
			Description: "Your multidisciplinary team meetings, their agendas and pre-read packs, and the actions you own."})
	}
	if care.CanCoordinateMDT(actor) {
		tasks = append(tasks, task{Title: "Set up an MDT meeting series", Href: "/mdt/series/new",
			Description: "Find protected time around clinic sessions and bank holidays, and invite the core members."})
	}
	if care.CanRefer(actor) {
		tasks = append(tasks, task{Title: "Referrals to your team", Href: "/referrals/incoming",
			Description: "New and overdue referrals to " + actor.Acting.TeamName + ": acknowledge them, ask questions, decide and send the outcome back."},
			task{Title: "Referrals your team has sent", Href: "/referrals/sent",
				Description: "Where each referral your team made has got to, how long it has waited, and its outcome. To make one, find the service in the directory."})
	}
	if care.Allowed(actor, care.ActionReviewBreakGlass) {
		tasks = append(tasks, task{Title: "Review emergency access", Href: "/privacy/break-glass",
			Description: "Check each use of break-glass against its reason, and see who has accessed a person's record."})
	}
	tasks = append(tasks, task{Title: "Manage your account", Href: "/account",
		Description: "Change your password, or choose which of your teams you are working for."})
	return tasks
}

func (s *Server) home(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	v := homeView{Page: s.page(r, "What you can do today"), Tasks: tasksFor(actor)}
	unread, err := s.store.UnreadNotifications(r.Context(), actor)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	inbox := task{Title: "Your inbox", Href: "/inbox", Description: "Reminders and messages for you."}
	switch {
	case unread == 1:
		inbox.Description = "You have 1 unread message."
	case unread > 1:
		inbox.Description = fmt.Sprintf("You have %d unread messages.", unread)
	}
	if unread > 0 {
		v.Tasks = append([]task{inbox}, v.Tasks...)
	} else {
		v.Tasks = append(v.Tasks, inbox)
	}
	if err := s.countReferralTasks(r, actor, v.Tasks); err != nil {
		s.renderError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "home", v)
}
