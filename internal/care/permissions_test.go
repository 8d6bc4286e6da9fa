package care

import "testing"

func TestAllowed(t *testing.T) {
	t.Parallel()
	actions := []Action{ActionManageUsers, ActionViewAudit, ActionViewOperations, ActionEditDirectory, ActionViewServiceGaps, Action("made.up")}
	// want lists, per role, the actions it may take; every other pair is denied.
	want := map[Role][]Action{
		RoleAdmin:          {ActionManageUsers, ActionViewAudit, ActionViewOperations},
		RoleOrgAdmin:       {ActionManageUsers, ActionEditDirectory, ActionViewServiceGaps},
		RolePrivacyOfficer: {ActionViewAudit},
		RoleTeamManager:    {ActionEditDirectory},
		RoleAnalyst:        {ActionViewServiceGaps},
	}
	for _, role := range Roles {
		for _, action := range actions {
			expect := false
			for _, a := range want[role] {
				expect = expect || a == action
			}
			actor := Actor{UserID: "u1", Acting: Membership{Role: role}}
			if got := Allowed(actor, action); got != expect {
				t.Errorf("Allowed(%s, %s) = %v, want %v", role, action, got, expect)
			}
		}
	}
	for _, action := range actions {
		if Allowed(Actor{Acting: Membership{Role: RoleAdmin}}, action) {
			t.Errorf("a signed-out actor claiming admin may %s", action)
		}
		if !Allowed(SystemActor("test"), action) {
			t.Errorf("the system actor may not %s", action)
		}
	}
}

func TestParseRole(t *testing.T) {
	t.Parallel()
	for _, r := range Roles {
		if got, err := ParseRole(string(r)); err != nil || got != r || r.Label() == string(r) {
			t.Errorf("ParseRole(%q) = %q, %v (label %q)", r, got, err, r.Label())
		}
	}
	if _, err := ParseRole("superuser"); !IsKind(err, KindInvalid) {
		t.Errorf("ParseRole(superuser) = %v", err)
	}
	if len(Roles) != 13 {
		t.Errorf("%d roles, want the 13 of the foundation", len(Roles))
	}
}

func TestOrganisationValidate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		org   Organisation
		field string
	}{
		{Organisation{Name: "Hackney", Kind: OrgLocalAuthority, GSSCode: "E09000012"}, ""},
		{Organisation{Name: "Practice", Kind: OrgGPPractice, ODSCode: "F84003"}, ""},
		{Organisation{Name: " ", Kind: OrgGPPractice}, "name"},
		{Organisation{Name: "X", Kind: "shop"}, "kind"},
		{Organisation{Name: "X", Kind: OrgGPPractice, ODSCode: "f84003"}, "ods_code"},
		{Organisation{Name: "X", Kind: OrgLocalAuthority, GSSCode: "E0900001"}, "gss_code"},
	}
	for _, c := range cases {
		err := c.org.Validate()
		if c.field == "" && err != nil || c.field != "" && FieldsOf(err).Message(c.field) == "" {
			t.Errorf("Validate(%+v) = %v, want a problem with %q", c.org, err, c.field)
		}
	}
}

func TestFieldErrorsKeepFirstProblemInOrder(t *testing.T) {
	t.Parallel()
	var errs FieldErrors
	if errs.Err() != nil {
		t.Fatal("no problems gave an error")
	}
	errs.Add("b", "first b")
	errs.Add("a", "first a")
	errs.Add("b", "second b")
	err := errs.Err()
	got := FieldsOf(err)
	if len(got) != 2 || got[0].Field != "b" || got.Message("b") != "first b" || !IsKind(err, KindInvalid) {
		t.Fatalf("fields = %+v", got)
	}
}

func TestValidateNewUser(t *testing.T) {
	t.Parallel()
	cases := map[[2]string]string{
		{"a@b.nhs.uk", "A Person"}: "",
		{"", "A Person"}:           "email",
		{"no-at-sign", "A Person"}: "email",
		{"a@", "A Person"}:         "email",
		{"a b@c.uk", "A Person"}:   "email",
		{"a@b.uk", "  "}:           "name",
	}
	for in, field := range cases {
		err := ValidateNewUser(in[0], in[1])
		if field == "" && err != nil || field != "" && FieldsOf(err).Message(field) == "" {
			t.Errorf("ValidateNewUser(%q, %q) = %v, want a problem with %q", in[0], in[1], err, field)
		}
	}
}
