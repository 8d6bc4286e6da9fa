package care

import "time"

// EventType names a kind of timeline event. Each capability adds its own
// types; the timeline shows any type it is given, using the event's summary,
// so adding a type needs no change here beyond its constant.
type EventType string

const (
	EventPersonRegistered   EventType = "person.registered"
	EventPersonUpdated      EventType = "person.updated"
	EventCarerAdded         EventType = "carer.added"
	EventCarerRemoved       EventType = "carer.removed"
	EventAlertAdded         EventType = "alert.added"
	EventAlertEnded         EventType = "alert.ended"
	EventObjectionRecorded  EventType = "objection.recorded"
	EventObjectionWithdrawn EventType = "objection.withdrawn"
	EventMemberAdded        EventType = "care_team.added"
	EventMemberRemoved      EventType = "care_team.removed"
	EventCoordinatorNamed   EventType = "care_team.coordinator"
	EventPlanChanged        EventType = "plan.changed"
	EventActionAdded        EventType = "plan.action_added"
	EventActionChanged      EventType = "plan.action_changed"
	EventBreakGlass         EventType = "break_glass.started"
)

// TimelineEvent is one thing that happened in a person's care, written in
// the same transaction as the change it describes. Summary is a short
// sentence for people; it is stored with the record, never logged.
type TimelineEvent struct {
	ID         string
	PersonID   string
	At         time.Time
	Type       EventType
	Summary    string
	ActorName  string
	ActorTeam  string
	Visibility Visibility
	// Link, when set, is a page of joinedup that shows the event in full.
	Link string
}

// auditActionLabels says in plain words what each audited action was, for
// "who has accessed this record", which the person will one day read.
var auditActionLabels = map[string]string{
	"person.read":            "Looked at the record",
	"person.read.plan":       "Looked at the care and support plan",
	"person.read.history":    "Looked at the history of the plan",
	"person.read.timeline":   "Looked at the timeline",
	"person.read.care_team":  "Looked at the care team",
	"person.search.listed":   "Found the record in a search",
	"person.register":        "Registered the record",
	"person.update":          "Changed the person's details",
	"person.duplicate_warn":  "Was warned of a possible duplicate while registering someone",
	"person.objection":       "Recorded or withdrew an objection to sharing",
	"carer.add":              "Added a carer",
	"carer.remove":           "Removed a carer",
	"alert.add":              "Added an alert",
	"alert.end":              "Ended an alert",
	"care_team.add":          "Added someone to the care team",
	"care_team.remove":       "Removed someone from the care team",
	"care_team.coordinator":  "Named the care coordinator",
	"plan.section":           "Changed the care and support plan",
	"plan.action":            "Changed an action in the plan",
	"mdt.item.add":           "Put the person on an MDT meeting's agenda",
	"mdt.agenda.listed":      "Saw the person named on an MDT meeting's agenda",
	"mdt.pack.read":          "Read the person's MDT pre-read pack",
	"mdt.outcome":            "Recorded what an MDT meeting discussed and decided",
	"mdt.outcome.send":       "Sent an MDT meeting's outcome to the registered practice",
	"mdt.item.carry":         "Carried the person over to the next MDT meeting",
	"mdt.action.add":         "Agreed an action at an MDT meeting",
	"mdt.action.listed":      "Saw an MDT action about the person in their list of actions",
	"mdt.action.read":        "Looked at an MDT action",
	"mdt.action.update":      "Updated an MDT action",
	"referral.send":          "Sent a referral about the person",
	"referral.read":          "Looked at a referral about the person",
	"referral.listed":        "Saw the person named in a list of referrals",
	"referral.change":        "Moved a referral about the person on",
	"referral.redirect":      "Redirected a referral about the person to another service",
	"referral.assign":        "Changed who holds a referral about the person",
	"referral.message":       "Wrote in the message thread of a referral about the person",
	"referral.attachment":    "Opened a file attached to a referral about the person",
	"referral.feedback":      "Recorded what a referral about the person was missing",
	"referral.escalate":      "Told a team's managers that a referral about the person was overdue",
	"referral.import":        "Brought a referral about the person into joinedup",
	"break_glass.start":      "Used emergency access",
	"break_glass.review":     "Reviewed a use of emergency access",
	"person.access_log":      "Looked at who has accessed the record",
	"person.access_log.find": "Looked up the record to see who has accessed it",
	"relationship.grant":     "Was given a relationship with the person",
	"relationship.end":       "Ended a relationship with the person",
	"person.create":          "Created the record",
	"break_glass.listed":     "Saw the record named in the emergency access review queue",
	"break_glass.read":       "Opened a use of emergency access to review it",
}

// DescribeAuditAction says in plain words what an audited action was.
func DescribeAuditAction(action string) string {
	if l, ok := auditActionLabels[action]; ok {
		return l
	}
	return "Did something with the record (" + action + ")"
}

// AccessEvent is one line of "who has accessed this record": who, acting
// for which team, did what, when, and whether they were let in. It names
// people and organisations rather than ids, so the person can read it.
type AccessEvent struct {
	At       time.Time
	UserName string
	Role     Role
	TeamName string
	OrgName  string
	What     string
	Parts    string
	Reason   string
	Denied   bool
	Via      string
}
