package notify

import (
	"fmt"
	"time"
)

// Kinds of notification MDT meetings send.
const (
	// KindMDTAgenda: a meeting's agenda has closed and is ready to read.
	KindMDTAgenda Kind = "mdt.agenda"
	// KindMDTOutcomes: a meeting the user was invited to has finished.
	KindMDTOutcomes Kind = "mdt.outcomes"
	// KindMDTPracticeOutcome: a meeting discussed someone registered with
	// the user's practice.
	KindMDTPracticeOutcome Kind = "mdt.practice_outcome"
	// KindMDTAction: the user, or their team, owns a new action.
	KindMDTAction Kind = "mdt.action"
)

// Meeting names an MDT meeting in a message: the series' title (which the
// coordinator chose, and which names a place, never a person), its start,
// and its page. Messages about meetings never name the people on the agenda
// or say anything about them: those are on the pages the link leads to,
// behind joinedup's access rules.
type Meeting struct {
	ID    string
	Title string
	Start time.Time
}

func (m Meeting) when(loc *time.Location) string {
	return m.Start.In(loc).Format("Monday 2 January 2006 at 15:04")
}

func (m Meeting) link() string { return "/mdt/meetings/" + m.ID }

func people(n int) string {
	if n == 1 {
		return "1 person"
	}
	return fmt.Sprintf("%d people", n)
}

// AgendaReady tells an invitee the agenda has closed. Its key is the
// meeting, so the job that sends it can run again without sending twice.
func AgendaReady(userID string, m Meeting, items int, loc *time.Location) Message {
	return Message{
		UserID:  userID,
		Kind:    KindMDTAgenda,
		Subject: "Agenda ready: " + m.Title,
		Body: fmt.Sprintf("The agenda for %s on %s has closed with %s to discuss. "+
			"Read each pre-read pack before the meeting, and say whether you will be there.", m.Title, m.when(loc), people(items)),
		Link:      m.link(),
		DedupeKey: "mdt-agenda:" + m.ID,
	}
}

// MeetingOutcomes tells an invitee a meeting has finished and where its
// outcomes are.
func MeetingOutcomes(userID string, m Meeting, discussed, carried, actions int, loc *time.Location) Message {
	body := fmt.Sprintf("%s on %s has finished: %s discussed and %d actions agreed.", m.Title, m.when(loc), people(discussed), actions)
	if carried > 0 {
		body += fmt.Sprintf(" %s not reached, carried to the next meeting.", people(carried))
	}
	return Message{
		UserID:    userID,
		Kind:      KindMDTOutcomes,
		Subject:   "Outcomes: " + m.Title,
		Body:      body + " Your own actions are in My actions.",
		Link:      m.link(),
		DedupeKey: "mdt-outcomes:" + m.ID,
	}
}

// PracticeOutcome tells someone at a person's registered practice that a
// meeting discussed one of their patients, linking to the person's timeline
// where the outcome is, so the message itself names nobody.
func PracticeOutcome(userID string, m Meeting, itemID, personID string, loc *time.Location) Message {
	return Message{
		UserID:  userID,
		Kind:    KindMDTPracticeOutcome,
		Subject: "MDT outcome for one of your patients",
		Body: fmt.Sprintf("%s on %s discussed a patient registered with your practice. "+
			"The outcome, decisions and actions are on their timeline.", m.Title, m.when(loc)),
		Link:      "/people/" + personID + "/timeline",
		DedupeKey: "mdt-outcome:" + itemID,
	}
}

// ActionAssigned tells an owner (or each member of an owning team) about a
// new action.
func ActionAssigned(userID string, m Meeting, actionID, due string) Message {
	return Message{
		UserID:    userID,
		Kind:      KindMDTAction,
		Subject:   "New action from " + m.Title,
		Body:      "You have a new action from " + m.Title + ", due by " + due + ". It is in My actions.",
		Link:      "/mdt/actions/" + actionID,
		DedupeKey: "mdt-action:" + actionID,
	}
}
