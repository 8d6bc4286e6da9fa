package web

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/directory"
	"github.com/joinedup/joinedup/internal/store"
	"github.com/joinedup/joinedup/internal/store/storetest"
)

// referralEnv is the demo area with one more person registered at the demo
// practice, for referral journeys over HTTP.
type referralEnv struct {
	*testEnv
	socialWork, reablement string
	nhs                    string
}

func newReferralEnv(t *testing.T, st *store.Store) *referralEnv {
	t.Helper()
	env := &referralEnv{testEnv: newDirectoryEnv(t, st), nhs: "9999999905"}
	find := func(name string) string {
		_, list := env.app.dir.Listings(directory.ListingQuery{Text: name, Limit: 50})
		for _, l := range list {
			if l.Service.Name == name {
				return l.Service.ID
			}
		}
		t.Fatalf("no service %q", name)
		return ""
	}
	env.socialWork = find("Hackney Adult Social Care – North Locality social work")
	env.reablement = find("Hackney Reablement")
	practice, err := env.store.OrganisationByCode(context.Background(), "F84003")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := env.store.RegisterPerson(context.Background(), care.SystemActor("test"), care.Person{NHSNumber: care.NHSNumber(env.nhs),
		GivenName: "Iris", FamilyName: "Webb", DateOfBirth: "1936-08-02", Address: "4 Test Street", Postcode: "E5 0PQ",
		RegisteredPracticeID: practice.ID}, nil, true); err != nil {
		t.Fatal(err)
	}
	return env
}

// multipartPost sends a form with files, as a browser does.
func (c *client) multipartPost(path string, form url.Values, files map[string][]byte) response {
	c.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for name, content := range files {
		w, err := mw.CreateFormFile("attachments", name)
		if err != nil {
			c.t.Fatal(err)
		}
		w.Write(content)
	}
	mw.Close()
	req, err := http.NewRequest(http.MethodPost, c.env.srv.URL+path, &buf)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Origin", c.env.srv.URL)
	res, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, location: res.Header.Get("Location"), body: string(b), header: res.Header}
}

var hiddenAttachment = regexp.MustCompile(`name="attachment" type="checkbox" value="([^"]+)"`)

func referForm(nhs string) url.Values {
	return url.Values{"nhs_number": {nhs}, "need": {"personal-care/washing-and-dressing"},
		"wants": {"Help getting washed and dressed"}, "urgency": {"routine"}, "legal_basis": {"consent"},
		"contact": {"Phone her son first"}, "access_needs": {"Hard of hearing"}}
}

func TestReferJourneyOverHTTP(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, testReferJourneyOverHTTP)
}

func testReferJourneyOverHTTP(t *testing.T, st *store.Store) {
	env := newReferralEnv(t, st)
	gp := env.client(t).signInAs(care.RoleGP)
	path := "/directory/services/" + env.socialWork + "/refer"

	// The service page offers the way in, and the form shows how to refer.
	if res := gp.get("/directory/services/" + env.socialWork); !strings.Contains(res.body, `href="`+path+`"`) {
		t.Fatal("the service page has no way to refer")
	}
	res := gp.get(path)
	for _, want := range []string{"How to refer to this service", "A referral must include", "acknowledge in 1 working day", `href="/people/new"`} {
		if !strings.Contains(res.body, want) {
			t.Errorf("the form lacks %q", want)
		}
	}

	// A form with problems keeps what was typed and the file, and says so
	// at each field; a file that is not a document or a picture is refused
	// by its content, whatever its name says.
	bad := referForm(env.nhs)
	bad.Set("legal_basis", "safeguarding")
	bad.Del("contact")
	pdf := []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\n")
	res = gp.multipartPost(path, bad, map[string][]byte{"letter.pdf": pdf, "photo.png": []byte("<html><script>alert(1)</script>")})
	if res.status != http.StatusBadRequest {
		t.Fatalf("bad form = %d", res.status)
	}
	for _, want := range []string{"Explain why sharing without the person", "Say how to contact the person", "The file photo.png must be a PDF",
		`value="9999999905"`, "Help getting washed and dressed", "letter.pdf", `href="#justification"`} {
		if !strings.Contains(res.body, want) {
			t.Errorf("the failed form lacks %q", want)
		}
	}
	kept := hiddenAttachment.FindStringSubmatch(res.body)
	if kept == nil {
		t.Fatal("the uploaded file was not kept")
	}

	// Someone the GP cannot see is "not found", whatever the reason.
	other := referForm("9999999891")
	if res := gp.multipartPost(path, other, nil); res.status != 400 || !strings.Contains(res.body, "someone whose record you can see") {
		t.Errorf("unknown person = %d", res.status)
	}

	// Sending to a service whose catchment does not cover the person warns
	// first, keeping the file, and sends once confirmed.
	good := referForm(env.nhs)
	good.Set("attachment", kept[1])
	croydonPath := "/directory/services/" + env.reablement + "/refer"
	res = gp.multipartPost(path, good, nil)
	if res.status != http.StatusSeeOther || !strings.HasPrefix(res.location, "/referrals/") {
		t.Fatalf("send = %d %q\n%s", res.status, res.location, res.body)
	}
	refPath := strings.TrimSuffix(res.location, "?done=sent")
	page := gp.get(res.location)
	for _, want := range []string{"Your referral has been sent", "Iris Webb", "letter.pdf", "Sent", "Cancel this referral"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("the referral page lacks %q", want)
		}
	}
	// The same person again: a warning about the open referral.
	again := referForm(env.nhs)
	res = gp.multipartPost(path, again, nil)
	if res.status != 200 || !strings.Contains(res.body, "Check before you send") || !strings.Contains(res.body, "already has an open referral") {
		t.Fatalf("duplicate = %d", res.status)
	}
	_ = croydonPath

	// The social worker sees it as new, acknowledges it, asks a question;
	// the GP answers; the social worker accepts and completes it.
	sw := env.client(t).signInAs(care.RoleSocialWorker)
	if res := sw.get("/referrals/incoming"); !strings.Contains(res.body, "Iris Webb") {
		t.Fatal("the referral is not in the incoming queue")
	}
	version := func(c *client) string {
		m := regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(c.get(refPath).body)
		if m == nil {
			r := c.get(refPath)
			t.Fatalf("no version on the referral page: %d %s", r.status, r.body[strings.Index(r.body, "<main"):])
		}
		return m[1]
	}
	post := func(c *client, to string, form url.Values) response {
		form.Set("version", version(c))
		return c.post(refPath+"/move/"+to, form)
	}
	if res := post(sw, "received", url.Values{}); res.status != http.StatusSeeOther {
		t.Fatalf("acknowledge = %d", res.status)
	}
	if res := post(sw, "on-hold", url.Values{"reason": {"information-requested"}}); res.status != 400 ||
		!strings.Contains(res.body, "Say what information you need from the referrer") {
		t.Fatalf("question without words = %d", res.status)
	}
	if res := post(sw, "on-hold", url.Values{"reason": {"information-requested"}, "note": {"Is there a key safe?"}}); res.status != http.StatusSeeOther {
		t.Fatalf("question = %d", res.status)
	}
	page = gp.get(refPath)
	if !strings.Contains(page.body, "Is there a key safe?") || !strings.Contains(page.body, "Your answer to the team") {
		t.Fatal("the GP does not see the question")
	}
	if res := gp.multipartPost(refPath+"/messages", url.Values{"body": {"Yes: code 1234, ask her son."}}, nil); res.status != http.StatusSeeOther {
		t.Fatalf("answer = %d", res.status)
	}
	// The thread shows the GP read the question.
	if res := sw.get(refPath); !strings.Contains(res.body, "Answer from") || !strings.Contains(res.body, "Read by Amara Okafor") {
		t.Error("the answer or the read receipt is missing")
	}
	stale := version(sw)
	if res := post(sw, "accepted", url.Values{}); res.status != http.StatusSeeOther {
		t.Fatalf("accept = %d", res.status)
	}
	// A second click from a page shown before the acceptance is a conflict.
	if res := sw.post(refPath+"/move/accepted", url.Values{"version": {stale}}); res.status != http.StatusConflict ||
		!strings.Contains(res.body, "has changed since you opened it") {
		t.Errorf("stale accept = %d", res.status)
	}
	if res := post(sw, "completed", url.Values{"outcome": {"assessment-arranged"}, "note": {"Assessment visit on Thursday."}}); res.status != http.StatusSeeOther {
		t.Fatalf("complete = %d", res.status)
	}
	page = gp.get(refPath)
	if !strings.Contains(page.body, "Outcome: Assessment arranged") || !strings.Contains(page.body, "Assessment visit on Thursday.") {
		t.Error("the GP does not see the outcome")
	}
	// Marking it entered in error is a quiet link to a page that asks
	// first, never a button.
	eie := refPath + "/move/entered-in-error"
	if !strings.Contains(page.body, `<a class="app-link-warning" href="`+eie+`">Mark it as entered in error</a>`) ||
		regexp.MustCompile(`class="nhsuk-button[^"]*"[^>]*href="`+regexp.QuoteMeta(eie)+`"`).MatchString(page.body) {
		t.Error("entered in error is not offered as a quiet link")
	}
	if res := gp.get(eie); res.status != 200 || !strings.Contains(res.body, "It cannot be undone.") ||
		!strings.Contains(res.body, `class="nhsuk-button nhsuk-button--warning"`) {
		t.Errorf("the entered in error page = %d, want a warning and a warning button", res.status)
	}
	// An illegal move is refused with a clear message.
	if res := sw.post(refPath+"/move/rejected", url.Values{"version": {"5"}, "reason": {"other"}, "note": {"x"}}); res.status != 400 ||
		!strings.Contains(res.body, "has been completed, so it can no longer be changed") {
		t.Errorf("decline after completion = %d", res.status)
	}
	if res := gp.get("/inbox"); !strings.Contains(res.body, "Referral "+care.ReferralReference(strings.TrimPrefix(refPath, "/referrals/"))) {
		t.Error("the GP's inbox does not have the updates")
	}
	// The file is there for the team, as a download.
	m := regexp.MustCompile(`href="(/referrals/[^"]+/attachments/[^"]+)"`).FindStringSubmatch(sw.get(refPath).body)
	if m == nil {
		t.Fatal("no file link")
	}
	dl := sw.get(m[1])
	if dl.status != 200 || dl.header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(dl.header.Get("Content-Disposition"), "attachment") ||
		dl.body != string(pdf) {
		t.Errorf("download = %d %v", dl.status, dl.header)
	}
	// Somebody with no side in it is refused, and the refusal audited.
	nurse := env.client(t).signInAs(care.RoleNurse)
	if res := nurse.get(refPath); res.status != http.StatusForbidden {
		t.Errorf("nurse = %d", res.status)
	}
	if res := nurse.get(m[1]); res.status != http.StatusForbidden {
		t.Errorf("nurse download = %d", res.status)
	}
}

func TestRedirectAndDeclineOverHTTP(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, testRedirectAndDeclineOverHTTP)
}

func testRedirectAndDeclineOverHTTP(t *testing.T, st *store.Store) {
	env := newReferralEnv(t, st)
	gp := env.client(t).signInAs(care.RoleGP)
	res := gp.multipartPost("/directory/services/"+env.socialWork+"/refer", referForm(env.nhs), nil)
	if res.status != http.StatusSeeOther {
		t.Fatalf("send = %d", res.status)
	}
	refPath := strings.TrimSuffix(res.location, "?done=sent")
	sw := env.client(t).signInAs(care.RoleSocialWorker)
	form := sw.get(refPath + "/redirect")
	if form.status != 200 || !strings.Contains(form.body, "Hackney Reablement") {
		t.Fatalf("redirect form = %d", form.status)
	}
	if res := sw.post(refPath+"/redirect", url.Values{"version": {"1"}, "reason": {"wrong-service"}}); res.status != 400 ||
		!strings.Contains(res.body, "Choose the service to redirect this referral to") {
		t.Fatalf("redirect without a target = %d", res.status)
	}
	if res := sw.post(refPath+"/redirect", url.Values{"version": {"1"}, "reason": {"wrong-service"}, "target": {env.reablement}}); res.status != http.StatusSeeOther {
		t.Fatalf("redirect = %d", res.status)
	}
	page := gp.get(refPath)
	if !strings.Contains(page.body, "Redirected to Hackney Reablement") || !strings.Contains(page.body, "See the referral to Hackney Reablement") {
		t.Fatal("the GP does not see where it went")
	}
	// The GP's sent list shows the new referral, and the original closed.
	sent := gp.get("/referrals/sent")
	if !strings.Contains(sent.body, "Hackney Reablement") || !strings.Contains(sent.body, "Redirected") {
		t.Error("the sent list does not show the redirect")
	}
	// A decline needs a reason and, for the wrong service, an alternative.
	res = gp.multipartPost("/directory/services/"+env.socialWork+"/refer", referForm(env.nhs), nil)
	second := strings.TrimSuffix(res.location, "?done=sent")
	if r := sw.post(second+"/move/rejected", url.Values{"version": {"1"}, "reason": {"wrong-service"}}); r.status != 400 ||
		!strings.Contains(r.body, "Suggest where the person could be referred instead") {
		t.Fatalf("decline without an alternative = %d", r.status)
	}
	if r := sw.post(second+"/move/rejected", url.Values{"version": {"1"}, "reason": {"wrong-service"}, "alternative": {"Hackney Social Prescribing"}}); r.status != http.StatusSeeOther {
		t.Fatalf("decline = %d", r.status)
	}
	if page := gp.get(second); !strings.Contains(page.body, "Suggested instead:") || !strings.Contains(page.body, "Hackney Social Prescribing") {
		t.Error("the GP does not see the suggested alternative")
	}
}

// TestReferralRoutesMatrix checks referral pages by the relationship to the
// referral as well as the role: the referrer's team, the receiving team,
// and a care role with no side in it.
func TestReferralRoutesMatrix(t *testing.T) {
	t.Parallel()
	env := newReferralEnv(t, storetest.SQLite(t))
	gp := env.client(t).signInAs(care.RoleGP)
	res := gp.multipartPost("/directory/services/"+env.socialWork+"/refer", referForm(env.nhs), nil)
	refPath := strings.TrimSuffix(res.location, "?done=sent")
	tests := []struct {
		role       care.Role
		page, move int
	}{
		{care.RoleGP, 200, 403},            // referrer: sees it, cannot accept it
		{care.RolePracticeStaff, 200, 403}, // the referrer's team
		{care.RoleSocialWorker, 200, 303},  // the receiving team
		{care.RoleTeamManager, 200, 303},   // the receiving team
		{care.RoleNurse, 403, 403},         // no side in it
		{care.RoleOccupationalTherapist, 403, 403},
		{care.RolePrivacyOfficer, 403, 403}, // not a referral role
		{care.RoleAnalyst, 403, 403},
	}
	for _, tt := range tests {
		t.Run(string(tt.role), func(t *testing.T) {
			c := env.client(t).signInAs(tt.role)
			if res := c.get(refPath); res.status != tt.page {
				t.Errorf("page = %d, want %d", res.status, tt.page)
			}
			// Acknowledging is idempotent-safe to try: only the first
			// receiving-side attempt changes it, the second conflicts.
			res := c.post(refPath+"/move/received", url.Values{"version": {"0"}})
			want := tt.move
			if tt.role == care.RoleTeamManager {
				want = http.StatusConflict
			}
			if res.status != want {
				t.Errorf("acknowledge = %d, want %d", res.status, want)
			}
		})
	}
}
