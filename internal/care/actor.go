package care

// Membership is a user's place in a team, with the role they hold there.
type Membership struct {
	ID       string
	TeamID   string
	TeamName string
	OrgID    string
	OrgName  string
	Role     Role
}

// Actor is whoever is doing something: a signed-in user acting for one of
// their teams. Every permission rule takes an Actor, so the same rule applies
// to the web pages, the APIs and the command line.
type Actor struct {
	UserID string
	Name   string
	// Acting is the membership the user is working under right now; its role
	// is the one permissions are checked against.
	Acting Membership
	// Memberships lists every team the user belongs to, including Acting.
	Memberships []Membership
	// System marks joinedup acting on its own behalf or on an operator's at
	// the command line, who already holds the database's keys.
	System bool
}

// Role is the role the actor is acting in.
func (a Actor) Role() Role { return a.Acting.Role }

// SignedIn reports whether the actor is a real user rather than nobody.
func (a Actor) SignedIn() bool { return a.UserID != "" }

// InTeam reports whether the actor belongs to the team, in any role.
func (a Actor) InTeam(teamID string) bool {
	for _, m := range a.Memberships {
		if m.TeamID == teamID {
			return true
		}
	}
	return false
}

// InOrg reports whether the actor belongs to any team of the organisation.
func (a Actor) InOrg(orgID string) bool {
	for _, m := range a.Memberships {
		if m.OrgID == orgID {
			return true
		}
	}
	return false
}

// SystemActor is the actor for work joinedup does by itself (scheduled jobs,
// the demo loader) or on an operator's command; what names who it was.
func SystemActor(what string) Actor { return Actor{Name: what, System: true} }
