package care

import (
	"slices"
	"time"
)

// This file holds who may do what with MDT meetings. Like the person
// record's rules (access.go), they are pure: the store works out the facts
// (is the actor a coordinator of the series, are they invited) inside its
// transaction, and these rules decide what the facts allow.

// MDTCoordinatorRoles may set up meeting series and run the meetings of
// their organisation's series: MDT coordinators, and the managers who often
// run the meeting where there is none.
var MDTCoordinatorRoles = []Role{RoleMDTCoordinator, RolePracticeManager, RoleTeamManager}

// CanUseMDT reports whether the actor's role takes part in MDT meetings at
// all: only the roles that work with people do, because an agenda names
// people.
func CanUseMDT(a Actor) bool {
	return a.SignedIn() && !a.System && a.Role().IsCareRole()
}

// CanCoordinateMDT reports whether the actor's role may set up meeting series
// for the organisation they act for.
func CanCoordinateMDT(a Actor) bool {
	return CanUseMDT(a) && slices.Contains(MDTCoordinatorRoles, a.Role())
}

// MDTRelation is how an actor stands to one meeting.
type MDTRelation struct {
	// Coordinator: the actor's role coordinates meetings and they act for
	// the organisation that owns the series.
	Coordinator bool
	// Invited: the actor is on the meeting's list of invitees; Declined
	// when they have said they will not come.
	Invited  bool
	Declined bool
}

// MeetingRelation works out the relation from the facts: the organisation
// that owns the series, and the actor's invitation if they have one.
func MeetingRelation(a Actor, ownerOrgID string, invitation *MDTInvitee) MDTRelation {
	rel := MDTRelation{Coordinator: CanCoordinateMDT(a) && ownerOrgID != "" && a.Acting.OrgID == ownerOrgID}
	if invitation != nil && invitation.UserID == a.UserID {
		rel.Invited, rel.Declined = true, invitation.State == AttendanceDeclined
	}
	return rel
}

// MeetingAction is something done with one meeting.
type MeetingAction string

const (
	// MeetingView covers the meeting page: its details, invitees and the
	// agenda, which names the people to be discussed.
	MeetingView MeetingAction = "view"
	// MeetingReadPack covers opening an item's pre-read pack.
	MeetingReadPack MeetingAction = "read_pack"
	// MeetingRespond covers accepting or declining one's own invitation.
	MeetingRespond MeetingAction = "respond"
	// MeetingAddItem covers putting a person on the agenda.
	MeetingAddItem MeetingAction = "add_item"
	// MeetingRun covers inviting people, starting the meeting, recording
	// attendance, outcomes and actions, moving items and finishing it.
	MeetingRun MeetingAction = "run"
)

// MeetingAllowed decides whether the actor may take the action on a meeting.
// Deny by default: only care roles, and only invitees and the series'
// coordinators see a meeting at all, because its agenda names people. An
// invitee who declined still sees the meeting (they may change their mind)
// but no longer reads packs or adds people, because their relationship with
// the people on the agenda ended when they declined.
func MeetingAllowed(a Actor, rel MDTRelation, action MeetingAction) bool {
	if !CanUseMDT(a) {
		return false
	}
	attending := rel.Invited && !rel.Declined
	switch action {
	case MeetingView:
		return rel.Coordinator || rel.Invited
	case MeetingReadPack, MeetingAddItem:
		return rel.Coordinator || attending
	case MeetingRespond:
		return rel.Invited
	case MeetingRun:
		return rel.Coordinator && CanCoordinateMDT(a)
	}
	return false
}

// CanPutOnAgenda decides whether someone with these relationships to a
// person may put them on an MDT agenda. Being on an agenda gives every
// attendee a relationship with the person, so only a standing reason to
// work with them gives the right to bring them: the registered practice,
// the care team, or a team holding an open referral. Attending another
// meeting about them, or emergency access, does not.
func CanPutOnAgenda(rel Relationships) bool {
	return rel.Practice || rel.CareTeam || rel.Referral
}

// CanUpdateMDTAction decides whether the actor may update or close an
// action: its owner (the user, or anyone acting for the owning team) and the
// coordinators of the meeting that raised it.
func CanUpdateMDTAction(a Actor, act MDTAction, coordinator bool) bool {
	if !CanUseMDT(a) {
		return false
	}
	switch {
	case act.OwnerUserID != "" && act.OwnerUserID == a.UserID:
		return true
	case act.OwnerTeamID != "" && act.OwnerTeamID == a.Acting.TeamID:
		return true
	}
	return coordinator && CanCoordinateMDT(a)
}

// MDTAttendeeAccessAfter is how long after a meeting ends its attendees keep
// their relationship with the people on its agenda: long enough to write up
// and act on what was decided, short enough that the relationship ends on
// its own.
const MDTAttendeeAccessAfter = 7 * 24 * time.Hour

// MDTAttendeeAccessUntil returns when an attendee's relationship with a
// person on the agenda of a meeting ending at meetingEnd ends.
func MDTAttendeeAccessUntil(meetingEnd time.Time) time.Time {
	return meetingEnd.Add(MDTAttendeeAccessAfter)
}

// Timeline events MDT meetings write on the records of the people they
// discuss.
const (
	// EventMDTOutcome: the person was discussed; the summary holds the
	// outcome, the decisions and the actions.
	EventMDTOutcome EventType = "mdt.outcome"
	// EventMDTCarriedOver: the person was on the agenda but not reached,
	// and is on the next meeting's agenda.
	EventMDTCarriedOver EventType = "mdt.carried_over"
	// EventMDTActionDone: an action a meeting agreed was done.
	EventMDTActionDone EventType = "mdt.action_done"
)
