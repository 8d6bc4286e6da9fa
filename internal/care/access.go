package care

import (
	"slices"
	"time"
)

// Actions that depend only on the actor's role: they decide which pages a
// role may open at all. What a user may do with one person also depends on
// their relationship with that person (see PersonAllowed).
const (
	// ActionSearchPeople covers finding people by NHS number or by name and
	// date of birth.
	ActionSearchPeople Action = "person.search"
	// ActionRegisterPerson covers creating a new person record.
	ActionRegisterPerson Action = "person.register"
	// ActionBreakGlass covers emergency access to a record without a
	// relationship, with a stated reason.
	ActionBreakGlass Action = "person.break_glass"
	// ActionReviewBreakGlass covers the privacy officer's review queue.
	ActionReviewBreakGlass Action = "break_glass.review"
	// ActionViewAccessLog covers "who has accessed this record".
	ActionViewAccessLog Action = "person.access_log"
)

// CareRoles are the roles that work directly with people. Only they can hold
// a relationship with a person; other roles (analysts, administrators,
// privacy officers) never see a record's content, however they are related.
var CareRoles = []Role{
	RoleGP, RolePracticeManager, RolePracticeStaff, RoleSocialWorker, RoleTeamManager,
	RoleNurse, RoleOccupationalTherapist, RoleCareNavigator, RoleMDTCoordinator,
}

// RegisterRoles may create person records: the practice, where people are
// registered, and social care, who often meet people first.
var RegisterRoles = []Role{RoleGP, RolePracticeManager, RolePracticeStaff, RoleSocialWorker, RoleTeamManager}

// PlanRoles may change a care and support plan: the professionals who agree
// it with the person. Practice administrative staff read it but do not
// change it.
var PlanRoles = []Role{
	RoleGP, RoleSocialWorker, RoleTeamManager, RoleNurse, RoleOccupationalTherapist,
	RoleCareNavigator, RoleMDTCoordinator,
}

// SensitiveAlertRoles may read sensitive alerts: registered professionals
// with a duty to act on safeguarding concerns.
var SensitiveAlertRoles = []Role{RoleGP, RoleSocialWorker, RoleTeamManager, RoleNurse, RoleOccupationalTherapist}

// BreakGlassDuration is how long emergency access lasts before it must be
// asked for again with a new reason.
const BreakGlassDuration = 4 * time.Hour

// IsCareRole reports whether the role works directly with people.
func (r Role) IsCareRole() bool { return slices.Contains(CareRoles, r) }

// GrantKind is a relationship that another part of joinedup grants, for a
// while, by writing a row: a referral, an MDT meeting, break-glass.
type GrantKind string

const (
	// GrantOpenReferral: the actor's team holds an open referral for the
	// person. Written by referrals; ends when the referral closes.
	GrantOpenReferral GrantKind = "open_referral"
	// GrantMDTAttendee: the actor attends an MDT meeting with the person on
	// its agenda. Written by MDT meetings; ends a while after the meeting.
	GrantMDTAttendee GrantKind = "mdt_attendee"
	// GrantBreakGlass: the actor asked for emergency access with a reason.
	GrantBreakGlass GrantKind = "break_glass"
)

// Grant is one row that may give a relationship: what kind, and when it
// applies. Until is zero for a grant with no end yet (an open referral).
type Grant struct {
	Kind  GrantKind
	From  time.Time
	Until time.Time
}

// ActiveAt reports whether the grant applies at now: from its start,
// up to but not including its end.
func (g Grant) ActiveAt(now time.Time) bool {
	return !now.Before(g.From) && (g.Until.IsZero() || now.Before(g.Until))
}

// Relationships is what joins an actor to one person at one moment. The
// store works out the facts; the rules below decide what they allow.
type Relationships struct {
	// Practice: the actor is acting for a team of the person's registered
	// practice.
	Practice bool
	// CareTeam: the actor is a member of the person's care team.
	CareTeam   bool
	Referral   bool
	MDT        bool
	BreakGlass bool
}

// RelationshipsAt combines the standing relationships (practice and care
// team, which last as long as the data says so) with the grants that are
// active at now. Grants that have ended, or not yet begun, give nothing.
func RelationshipsAt(now time.Time, practice, careTeam bool, grants []Grant) Relationships {
	r := Relationships{Practice: practice, CareTeam: careTeam}
	for _, g := range grants {
		if !g.ActiveAt(now) {
			continue
		}
		switch g.Kind {
		case GrantOpenReferral:
			r.Referral = true
		case GrantMDTAttendee:
			r.MDT = true
		case GrantBreakGlass:
			r.BreakGlass = true
		}
	}
	return r
}

// Any reports whether there is any relationship at all.
func (r Relationships) Any() bool {
	return r.Practice || r.CareTeam || r.Referral || r.MDT || r.BreakGlass
}

// Names lists the relationships for the audit trail and for pages, most
// enduring first.
func (r Relationships) Names() []string {
	var out []string
	for _, x := range []struct {
		on   bool
		name string
	}{
		{r.Practice, "registered-practice"}, {r.CareTeam, "care-team"}, {r.Referral, "open-referral"},
		{r.MDT, "mdt-attendee"}, {r.BreakGlass, "break-glass"},
	} {
		if x.on {
			out = append(out, x.name)
		}
	}
	return out
}

// PersonFacts is what the rules need to know about the record itself.
type PersonFacts struct {
	Objection Objection
}

// AccessLevel is how much of a record an actor may see.
type AccessLevel int

const (
	// AccessNone: not even that the record exists.
	AccessNone AccessLevel = iota
	// AccessExistence: that a record exists, the person's identity, and
	// whom to contact; the person has objected to sharing the rest.
	AccessExistence
	// AccessFull: the whole record, less any sensitive alerts the actor's
	// role may not read.
	AccessFull
)

func (l AccessLevel) String() string {
	switch l {
	case AccessExistence:
		return "existence"
	case AccessFull:
		return "full"
	}
	return "none"
}

// PersonAccess decides how much of a person's record the actor may see.
// Deny by default: only a care role with a relationship sees anything. When
// the person has objected to sharing, only registered-practice staff and
// care-team members acting for the organisation that recorded the objection
// see the details; everyone else with a relationship, including break-glass,
// sees that a record exists and whom to ask.
func PersonAccess(a Actor, rel Relationships, p PersonFacts) AccessLevel {
	if !a.SignedIn() || a.System || !a.Role().IsCareRole() || !rel.Any() {
		return AccessNone
	}
	if p.Objection.Recorded && !rel.Practice && !(rel.CareTeam && a.Acting.OrgID == p.Objection.OrgID) {
		return AccessExistence
	}
	return AccessFull
}

// PersonAction is something done to one person's record.
type PersonAction string

const (
	PersonView PersonAction = "view"
	// PersonEdit covers the person's details, carers, alerts and objection.
	PersonEdit PersonAction = "edit"
	// PersonManageCareTeam covers adding and removing members and naming
	// the coordinator.
	PersonManageCareTeam PersonAction = "care_team"
	// PersonEditPlan covers every section of the care and support plan.
	PersonEditPlan PersonAction = "plan"
)

// PersonAllowed decides whether the actor may take the action on the record.
// Seeing needs any relationship (see PersonAccess for how much); changing
// needs a standing one — the registered practice or the care team — because
// referral teams, MDT attendees and break-glass users are there to read.
// Changing the plan is for the professionals in PlanRoles.
func PersonAllowed(a Actor, rel Relationships, p PersonFacts, action PersonAction) bool {
	level := PersonAccess(a, rel, p)
	switch action {
	case PersonView:
		return level >= AccessExistence
	case PersonEdit, PersonManageCareTeam:
		return level == AccessFull && (rel.Practice || rel.CareTeam)
	case PersonEditPlan:
		return level == AccessFull && (rel.Practice || rel.CareTeam) && slices.Contains(PlanRoles, a.Role())
	}
	return false
}

// CanSeeAlert decides whether the actor's role may read an alert of this
// sensitivity, once they may see the record at all.
func CanSeeAlert(a Actor, s Sensitivity) bool {
	switch s {
	case SensitivityStandard:
		return true
	case SensitivitySensitive:
		return slices.Contains(SensitiveAlertRoles, a.Role())
	}
	return false
}

// Visibility decides who sees a timeline event, given that they may see the
// record. Later capabilities add their events with one of these.
type Visibility string

const (
	// VisibleToRecord: everyone who may see the record's details.
	VisibleToRecord Visibility = "record"
	// VisibleToSensitive: only the roles that may read sensitive alerts.
	VisibleToSensitive Visibility = "sensitive"
)

// CanSeeEvent decides whether the actor sees a timeline event.
func CanSeeEvent(a Actor, level AccessLevel, v Visibility) bool {
	if level != AccessFull {
		return false
	}
	switch v {
	case VisibleToRecord:
		return true
	case VisibleToSensitive:
		return slices.Contains(SensitiveAlertRoles, a.Role())
	}
	return false
}
