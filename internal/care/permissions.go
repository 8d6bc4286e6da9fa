package care

// Action names something a user may try to do. Rules about a particular
// person, referral or meeting live beside those types; the actions here are
// the coarse ones that depend only on the actor's role.
type Action string

const (
	// ActionManageUsers covers adding, disabling and resetting accounts.
	ActionManageUsers Action = "users.manage"
	// ActionViewAudit covers reading the audit trail of the whole system.
	ActionViewAudit Action = "audit.view"
	// ActionViewOperations covers the operational pages for administrators.
	ActionViewOperations Action = "operations.view"
)

// roleActions is the allow-list: an action not listed for a role is denied.
var roleActions = map[Role][]Action{
	RoleAdmin:          {ActionManageUsers, ActionViewAudit, ActionViewOperations},
	RoleOrgAdmin:       {ActionManageUsers, ActionEditDirectory, ActionViewServiceGaps},
	RolePrivacyOfficer: {ActionViewAudit, ActionReviewBreakGlass, ActionViewAccessLog},
	RoleAnalyst:        {ActionViewServiceGaps},
	// The roles that work with people (CareRoles) find them, and may use
	// break-glass; RegisterRoles may also register them.
	RoleGP:                    {ActionSearchPeople, ActionBreakGlass, ActionRegisterPerson},
	RolePracticeManager:       {ActionSearchPeople, ActionBreakGlass, ActionRegisterPerson},
	RolePracticeStaff:         {ActionSearchPeople, ActionBreakGlass, ActionRegisterPerson},
	RoleSocialWorker:          {ActionSearchPeople, ActionBreakGlass, ActionRegisterPerson},
	RoleTeamManager:           {ActionSearchPeople, ActionBreakGlass, ActionRegisterPerson, ActionEditDirectory},
	RoleNurse:                 {ActionSearchPeople, ActionBreakGlass},
	RoleOccupationalTherapist: {ActionSearchPeople, ActionBreakGlass},
	RoleCareNavigator:         {ActionSearchPeople, ActionBreakGlass},
	RoleMDTCoordinator:        {ActionSearchPeople, ActionBreakGlass},
}

// Allowed reports whether the actor's role permits the action. Anything not
// explicitly allowed is denied, including every action for a signed-out actor.
// The system actor may do everything: only the command line and scheduled
// jobs can make one.
func Allowed(a Actor, action Action) bool {
	if a.System {
		return true
	}
	if !a.SignedIn() {
		return false
	}
	for _, allowed := range roleActions[a.Role()] {
		if allowed == action {
			return true
		}
	}
	return false
}
