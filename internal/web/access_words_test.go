package web

import "testing"

func TestDescribeParts(t *testing.T) {
	for _, c := range []struct{ parts, want string }{
		{"", ""},
		{"identity, contact, communication, carers, alerts 0 shown 0 withheld, care team, about me",
			"Their identity, contact details, communication needs, carers, no alerts, the care team and “About me”."},
		{"identity, contact, communication, carers, alerts 1 shown 2 withheld, care team, about me",
			"Their identity, contact details, communication needs, carers, 1 alert (2 more withheld from them), the care team and “About me”."},
		{"identity, contact to ask", "Their identity and who to ask for access."},
		{"timeline 19 shown 0 withheld", "19 timeline events."},
		{"timeline 1 shown 3 withheld", "1 timeline event (3 more withheld from them)."},
		{"plan", "The care and support plan."},
		{"plan history 3", "3 earlier versions of the plan."},
		{"identity, break glass reason", "Their identity and the reason given for emergency access."},
		{"plan, referrals, actions, timeline", "The care and support plan, open referrals, open actions and recent events."},
		// Words it does not know are kept, not hidden.
		{"identity, x ray images", "Their identity and x ray images."},
		{"alerts 2 shown 1", "Alerts 2 shown 1."},
	} {
		if got := describeParts(c.parts); got != c.want {
			t.Errorf("describeParts(%q) = %q, want %q", c.parts, got, c.want)
		}
	}
}

func TestDescribeVia(t *testing.T) {
	for _, c := range []struct{ via, want string }{
		{"", ""},
		{"registered practice", "Through the person's GP practice."},
		{"registered practice, care team, mdt attendee", "Through the person's GP practice, the care team and an MDT meeting."},
		{"open referral", "Through an open referral."},
		{"break glass", "Through emergency access."},
		{"system", "Through joinedup itself."},
	} {
		if got := describeVia(c.via); got != c.want {
			t.Errorf("describeVia(%q) = %q, want %q", c.via, got, c.want)
		}
	}
}

func TestTeamOf(t *testing.T) {
	for _, c := range []struct{ org, team, want string }{
		{"London Borough of Hackney", "Hackney Reablement Service", "London Borough of Hackney – Hackney Reablement Service"},
		{"Hackney Community Health Services", "Hackney Community Health Services – District Nursing Team", "Hackney Community Health Services – District Nursing Team"},
		{"Lower Clapton Group Practice", "Lower Clapton Group Practice team", "Lower Clapton Group Practice team"},
		{"Lower Clapton Group Practice", "", "Lower Clapton Group Practice"},
		{"", "Reablement", "Reablement"},
	} {
		if got := teamOf(c.org, c.team); got != c.want {
			t.Errorf("teamOf(%q, %q) = %q, want %q", c.org, c.team, got, c.want)
		}
	}
}
