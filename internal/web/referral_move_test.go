package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/store/storetest"
)

// TestMovingAReferralLeavesTheThreadUnread checks that a move is made
// without reading the referral's page: the receiving team's messages stay
// unread until someone in it opens the referral, whether the move is saved
// or shown again with its problems.
func TestMovingAReferralLeavesTheThreadUnread(t *testing.T) {
	env := newReferralEnv(t, storetest.SQLite(t))
	gp := env.client(t).signInAs(care.RoleGP)
	res := gp.multipartPost("/directory/services/"+env.socialWork+"/refer", referForm(env.nhs), nil)
	if res.status != http.StatusSeeOther {
		t.Fatalf("send = %d", res.status)
	}
	refPath := strings.TrimSuffix(res.location, "?done=sent")
	if res := gp.multipartPost(refPath+"/messages", url.Values{"body": {"Her son has a key."}}, nil); res.status != http.StatusSeeOther {
		t.Fatalf("message = %d", res.status)
	}
	unread := func(when string) {
		t.Helper()
		page := gp.get(refPath)
		if !strings.Contains(page.body, "Not read yet by the other side") || strings.Contains(page.body, "Read by") {
			t.Errorf("%s, the GP's message is shown as read", when)
		}
	}

	sw := env.client(t).signInAs(care.RoleSocialWorker)
	if res := sw.post(refPath+"/move/received", url.Values{"version": {"1"}}); res.status != http.StatusSeeOther {
		t.Fatalf("acknowledge = %d", res.status)
	}
	unread("after the team acknowledged it")
	if res := sw.post(refPath+"/move/on-hold", url.Values{"version": {"2"}, "reason": {"information-requested"}}); res.status != http.StatusBadRequest ||
		!strings.Contains(res.body, "Say what information you need from the referrer") || !strings.Contains(res.body, "Iris Webb") {
		t.Fatalf("question without words = %d", res.status)
	}
	unread("after a move shown again with its problems")
	if res := sw.get(refPath + "/move/accepted"); res.status != http.StatusOK {
		t.Fatalf("accept form = %d", res.status)
	}
	unread("after the team opened a move's form")

	// Opening the referral itself is what marks the thread read.
	if res := sw.get(refPath); res.status != http.StatusOK {
		t.Fatalf("referral page = %d", res.status)
	}
	if page := gp.get(refPath); !strings.Contains(page.body, "Read by") {
		t.Error("opening the referral did not mark the GP's message read")
	}
}

// TestMoveSubmitRefusals checks what a move made without a side, to no
// status, or from an unreadable form is told.
func TestMoveSubmitRefusals(t *testing.T) {
	env := newReferralEnv(t, storetest.SQLite(t))
	gp := env.client(t).signInAs(care.RoleGP)
	res := gp.multipartPost("/directory/services/"+env.socialWork+"/refer", referForm(env.nhs), nil)
	refPath := strings.TrimSuffix(res.location, "?done=sent")
	sw := env.client(t).signInAs(care.RoleSocialWorker)
	nurse := env.client(t).signInAs(care.RoleNurse)
	for _, c := range []struct {
		name string
		who  *client
		path string
		form url.Values
		want int
	}{
		{"no side in it", nurse, refPath + "/move/received", url.Values{"version": {"1"}}, http.StatusForbidden},
		{"a move only the team makes", gp, refPath + "/move/accepted", url.Values{"version": {"1"}}, http.StatusForbidden},
		{"not a status", sw, refPath + "/move/approved", url.Values{"version": {"1"}}, http.StatusNotFound},
		{"redirecting is its own form", sw, refPath + "/move/redirected", url.Values{"version": {"1"}}, http.StatusNotFound},
		{"no version", sw, refPath + "/move/received", url.Values{}, http.StatusBadRequest},
		{"no such referral", sw, "/referrals/no-such-referral/move/received", url.Values{"version": {"1"}}, http.StatusNotFound},
	} {
		if res := c.who.post(c.path, c.form); res.status != c.want {
			t.Errorf("%s = %d, want %d", c.name, res.status, c.want)
		}
	}
	if page := gp.get(refPath); !strings.Contains(page.body, "Sent") {
		t.Error("a refused move changed the referral")
	}
}
