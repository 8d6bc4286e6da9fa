package care

import "fmt"

// Role is what a user does in a team. A user may hold different roles in
// different teams; the role in force is the one of the team they are acting for.
type Role string

const (
	RoleAdmin                 Role = "admin"
	RoleOrgAdmin              Role = "org_admin"
	RoleGP                    Role = "gp"
	RolePracticeManager       Role = "practice_manager"
	RolePracticeStaff         Role = "practice_staff"
	RoleSocialWorker          Role = "social_worker"
	RoleTeamManager           Role = "team_manager"
	RoleNurse                 Role = "nurse"
	RoleOccupationalTherapist Role = "occupational_therapist"
	RoleCareNavigator         Role = "care_navigator"
	RoleMDTCoordinator        Role = "mdt_coordinator"
	RolePrivacyOfficer        Role = "privacy_officer"
	RoleAnalyst               Role = "analyst"
)

// Roles lists every role in the order they are shown to people.
var Roles = []Role{
	RoleGP, RolePracticeManager, RolePracticeStaff, RoleSocialWorker, RoleTeamManager,
	RoleNurse, RoleOccupationalTherapist, RoleCareNavigator, RoleMDTCoordinator,
	RolePrivacyOfficer, RoleAnalyst, RoleOrgAdmin, RoleAdmin,
}

var roleLabels = map[Role]string{
	RoleAdmin:                 "System administrator",
	RoleOrgAdmin:              "Organisation administrator",
	RoleGP:                    "GP",
	RolePracticeManager:       "Practice manager",
	RolePracticeStaff:         "Practice staff",
	RoleSocialWorker:          "Social worker",
	RoleTeamManager:           "Team manager",
	RoleNurse:                 "Nurse",
	RoleOccupationalTherapist: "Occupational therapist",
	RoleCareNavigator:         "Care navigator",
	RoleMDTCoordinator:        "MDT coordinator",
	RolePrivacyOfficer:        "Privacy officer",
	RoleAnalyst:               "Analyst",
}

// Label is the role's name as people say it.
func (r Role) Label() string {
	if l, ok := roleLabels[r]; ok {
		return l
	}
	return string(r)
}

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool {
	_, ok := roleLabels[r]
	return ok
}

// ParseRole accepts a role's code, such as "social_worker".
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if !r.Valid() {
		return "", Errorf(KindInvalid, "%q is not a role; use one of %v", s, Roles)
	}
	return r, nil
}

// IsPractice reports whether the role works inside a GP practice.
func (r Role) IsPractice() bool {
	return r == RoleGP || r == RolePracticeManager || r == RolePracticeStaff
}

// String implements fmt.Stringer.
func (r Role) String() string { return string(r) }

var _ fmt.Stringer = Role("")
