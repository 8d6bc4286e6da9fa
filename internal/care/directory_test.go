package care

import (
	"strings"
	"testing"
	"time"
)

func TestFreshnessAt(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	cases := []struct {
		name     string
		verified time.Time
		want     Freshness
	}{
		{"never verified", time.Time{}, FreshnessStale},
		{"just now", now, FreshnessFresh},
		{"in the future (clock skew)", now.Add(time.Hour), FreshnessFresh},
		{"89 days", now.Add(-89 * day), FreshnessFresh},
		{"a second short of 90 days", now.Add(-90*day + time.Second), FreshnessFresh},
		{"exactly 90 days", now.Add(-90 * day), FreshnessDue},
		{"120 days", now.Add(-120 * day), FreshnessDue},
		{"a second short of 180 days", now.Add(-180*day + time.Second), FreshnessDue},
		{"exactly 180 days", now.Add(-180 * day), FreshnessStale},
		{"two years", now.Add(-730 * day), FreshnessStale},
	}
	for _, c := range cases {
		if got := FreshnessAt(c.verified, now); got != c.want {
			t.Errorf("%s: FreshnessAt = %s, want %s", c.name, got, c.want)
		}
		v := Verification{At: c.verified}
		if got := v.State(now); got != c.want {
			t.Errorf("%s: Verification.State = %s, want %s", c.name, got, c.want)
		}
	}
	for _, f := range []Freshness{FreshnessFresh, FreshnessDue, FreshnessStale} {
		if f.Label() == "" || !strings.HasPrefix(f.TagClass(), "nhsuk-tag--") {
			t.Errorf("%s has no label or tag", f)
		}
	}
	if got := (Verification{At: now}).DueAt(); !got.Equal(now.Add(FreshFor)) {
		t.Errorf("DueAt = %v", got)
	}
}

// TestCanManageDirectoryEntry is the role × relationship table for editing
// and verifying directory entries.
func TestCanManageDirectoryEntry(t *testing.T) {
	t.Parallel()
	const own, other = "org-own", "org-other"
	for _, role := range Roles {
		for _, rel := range []struct {
			name     string
			actingIn string
			owner    string
		}{
			{"own organisation", own, own},
			{"another organisation", own, other},
			{"entry with no owner", own, ""},
		} {
			actor := Actor{UserID: "u1", Acting: Membership{Role: role, OrgID: rel.actingIn},
				Memberships: []Membership{{Role: role, OrgID: rel.actingIn}, {Role: RoleGP, OrgID: other}}}
			want := (role == RoleTeamManager || role == RoleOrgAdmin) && rel.owner == own
			if got := CanManageDirectoryEntry(actor, rel.owner); got != want {
				t.Errorf("%s, %s: CanManageDirectoryEntry = %v, want %v", role, rel.name, got, want)
			}
		}
	}
	if CanManageDirectoryEntry(Actor{Acting: Membership{Role: RoleOrgAdmin, OrgID: own}}, own) {
		t.Error("a signed-out actor claiming to be an org admin may edit")
	}
	if !CanManageDirectoryEntry(SystemActor("import"), own) {
		t.Error("the system actor may not edit")
	}
}

func validService() Service {
	return Service{
		OrganisationID: "org1", Name: "Reablement", Description: "Short-term help at home.",
		Status: ServiceActive, Needs: []string{"personal-care/washing-and-dressing"},
		Eligibility: Eligibility{MinAge: 18},
		Catchment:   []CatchmentArea{{CatchLocalAuthority, "E09000012"}},
		Referral:    Referral{Methods: []ReferralMethod{ReferThroughJoinedup, ReferByPhone}, Phone: "020 7946 0100"},
		Capacity:    Capacity{State: CapacityAccepting},
	}
}

func TestServiceValidate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		edit  func(*Service)
		field string
	}{
		{"valid", func(*Service) {}, ""},
		{"no name", func(s *Service) { s.Name = "  " }, "name"},
		{"long name", func(s *Service) { s.Name = strings.Repeat("x", 201) }, "name"},
		{"no description", func(s *Service) { s.Description = "" }, "description"},
		{"no organisation", func(s *Service) { s.OrganisationID = "" }, "organisation"},
		{"bad status", func(s *Service) { s.Status = "paused" }, "status"},
		{"no needs", func(s *Service) { s.Needs = nil }, "needs"},
		{"no needs but imported", func(s *Service) { s.Needs, s.ExternalID = nil, "oruk:1" }, ""},
		{"unknown need", func(s *Service) { s.Needs = []string{"personal-care/juggling"} }, "needs"},
		{"unknown required need", func(s *Service) { s.Eligibility.RequiredNeeds = []string{"x"} }, "required_needs"},
		{"negative age", func(s *Service) { s.Eligibility.MinAge = -1 }, "min_age"},
		{"max below min", func(s *Service) { s.Eligibility.MaxAge = 17 }, "max_age"},
		{"max too high", func(s *Service) { s.Eligibility.MaxAge = 121 }, "max_age"},
		{"no catchment", func(s *Service) { s.Catchment = nil }, "catchment"},
		{"bad GSS code", func(s *Service) { s.Catchment = []CatchmentArea{{CatchLocalAuthority, "Hackney"}} }, "catchment"},
		{"bad kind", func(s *Service) { s.Catchment = []CatchmentArea{{"county", "E09000012"}} }, "catchment"},
		{"outcode", func(s *Service) { s.Catchment = []CatchmentArea{{CatchOutcode, "E8"}} }, ""},
		{"lower-case outcode", func(s *Service) { s.Catchment = []CatchmentArea{{CatchOutcode, "e8"}} }, "catchment"},
		{"sector", func(s *Service) { s.Catchment = []CatchmentArea{{CatchSector, "E8 1"}} }, ""},
		{"sector without digit", func(s *Service) { s.Catchment = []CatchmentArea{{CatchSector, "E8 A"}} }, "catchment"},
		{"practice", func(s *Service) { s.Catchment = []CatchmentArea{{CatchPractice, "F84003"}} }, ""},
		{"ward", func(s *Service) { s.Catchment = []CatchmentArea{{CatchWard, "E05009367"}} }, ""},
		{"no referral method", func(s *Service) { s.Referral.Methods = nil }, "referral_methods"},
		{"phone method without phone", func(s *Service) { s.Referral.Phone = "" }, "referral_phone"},
		{"bad phone", func(s *Service) { s.Referral.Phone = "call us" }, "referral_phone"},
		{"email method without email", func(s *Service) { s.Referral.Methods = append(s.Referral.Methods, ReferByEmail) }, "referral_email"},
		{"bad email", func(s *Service) { s.Referral.Email = "team at nhs" }, "referral_email"},
		{"form without address", func(s *Service) { s.Referral.Methods = []ReferralMethod{ReferByForm} }, "referral_form_url"},
		{"form over http", func(s *Service) {
			s.Referral.Methods, s.Referral.FormURL = []ReferralMethod{ReferByForm}, "http://example.org/refer"
		}, "referral_form_url"},
		{"javascript website", func(s *Service) { s.Website = "javascript:alert(1)" }, "website"},
		{"no capacity", func(s *Service) { s.Capacity.State = "" }, "capacity"},
		{"waitlist without band", func(s *Service) { s.Capacity.State = CapacityWaitlist }, "wait_band"},
		{"waitlist with band", func(s *Service) { s.Capacity = Capacity{State: CapacityWaitlist, WaitBand: Wait2To6Weeks} }, ""},
	}
	for _, c := range cases {
		s := validService()
		c.edit(&s)
		err := s.Validate()
		if c.field == "" {
			if err != nil {
				t.Errorf("%s: unexpected error %v", c.name, err)
			}
			continue
		}
		if !IsKind(err, KindInvalid) || FieldsOf(err).Message(c.field) == "" {
			t.Errorf("%s: error %v has no problem for %q", c.name, err, c.field)
		}
	}
}

func TestEligibility(t *testing.T) {
	t.Parallel()
	cases := []struct {
		e       Eligibility
		rule    string
		allowed map[int]bool
	}{
		{Eligibility{}, "", map[int]bool{0: true, 17: true, 100: true}},
		{Eligibility{MinAge: 18}, "18+ only", map[int]bool{17: false, 18: true, 90: true}},
		{Eligibility{MinAge: 18, MaxAge: 64}, "18 to 64 only", map[int]bool{17: false, 18: true, 64: true, 65: false}},
		{Eligibility{MaxAge: 25}, "25 and under only", map[int]bool{10: true, 25: true, 26: false}},
	}
	for _, c := range cases {
		if got := c.e.AgeRule(); got != c.rule {
			t.Errorf("%+v: AgeRule = %q, want %q", c.e, got, c.rule)
		}
		for age, want := range c.allowed {
			if got := c.e.AllowsAge(age); got != want {
				t.Errorf("%+v: AllowsAge(%d) = %v", c.e, age, got)
			}
		}
	}
}

func TestCapacitySummary(t *testing.T) {
	t.Parallel()
	cases := map[Capacity]string{
		{State: CapacityAccepting}:                          "Accepting referrals",
		{State: CapacityWaitlist, WaitBand: Wait6To12Weeks}: "Waiting list: 6 to 12 weeks",
		{State: CapacityClosed}:                             "Not accepting referrals",
	}
	for c, want := range cases {
		if got := c.Summary(); got != want {
			t.Errorf("%+v: %q, want %q", c, got, want)
		}
	}
}

func TestContactValidate(t *testing.T) {
	t.Parallel()
	ok := Contact{TeamID: "t1", Name: "Funmi Adebayo", Role: "Duty coordinator", Phone: "020 7946 0100"}
	cases := []struct {
		name  string
		edit  func(*Contact)
		field string
	}{
		{"valid", func(*Contact) {}, ""},
		{"duty line without a name", func(c *Contact) { c.Name, c.Duty = "", true }, ""},
		{"person without a name", func(c *Contact) { c.Name = "" }, "name"},
		{"no role", func(c *Contact) { c.Role = "" }, "role"},
		{"no way to reach", func(c *Contact) { c.Phone = "" }, "phone"},
		{"email only", func(c *Contact) { c.Phone, c.Email = "", "duty@nhs.net" }, ""},
		{"bad email", func(c *Contact) { c.Email = "duty" }, "email"},
		{"bad phone", func(c *Contact) { c.Phone = "0207<script>" }, "phone"},
		{"no team", func(c *Contact) { c.TeamID = "" }, "team"},
	}
	for _, c := range cases {
		contact := ok
		c.edit(&contact)
		err := contact.Validate()
		if c.field == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		if FieldsOf(err).Message(c.field) == "" {
			t.Errorf("%s: error %v has no problem for %q", c.name, err, c.field)
		}
	}
	if got := (Contact{Role: "Duty line", Duty: true}).Title(); got != "Duty line" {
		t.Errorf("duty title %q", got)
	}
	if got := ok.Title(); got != "Funmi Adebayo, Duty coordinator" {
		t.Errorf("title %q", got)
	}
}

func TestTeamAndOrganisationDirectoryValidation(t *testing.T) {
	t.Parallel()
	if err := (Team{Name: "Reablement", Phone: "020 7946 0100", Email: "x@nhs.net"}).Validate(); err != nil {
		t.Errorf("valid team: %v", err)
	}
	if FieldsOf((Team{Name: ""}).Validate()).Message("name") == "" {
		t.Error("team without a name accepted")
	}
	if FieldsOf((Team{Name: "T", Email: "nope"}).Validate()).Message("email") == "" {
		t.Error("team with a bad email accepted")
	}
	o := Organisation{Name: "Hackney", Kind: OrgLocalAuthority, Website: "http://x"}
	if FieldsOf(o.Validate()).Message("website") == "" {
		t.Error("organisation with an http website accepted")
	}
	if !OrgStatus("").Active() || OrgClosed.Active() || OrgClosed.Label() != "Closed" {
		t.Error("organisation status")
	}
}
