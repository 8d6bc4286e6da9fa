package web

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	goical "github.com/emersion/go-ical"

	"github.com/joinedup/joinedup/internal/auth"
	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/store"
	"github.com/joinedup/joinedup/internal/store/storetest"
)

// mdtWorld is the test practice's MDT: a weekly meeting series set up by the
// practice's MDT coordinator, with the council's social worker and nurse as
// core members beside the practice GP. The nurse has declined every
// meeting. started is the first meeting, already under way, with the test
// person on its agenda and an action for the social worker; waiting is the
// one after, not yet started.
type mdtWorld struct {
	env                        *testEnv
	coordinator, gp, sw, nurse care.Actor
	outsider                   care.Actor // the council's GP: a care role, not invited
	series                     care.MDTSeries
	started, waiting           string
	item, action               string
}

const (
	mdtCouncilSW    = "council-sw@example.gov.uk"
	mdtCouncilNurse = "council-nurse@example.gov.uk"
	mdtCouncilGP    = "council-gp@example.gov.uk"
)

func actorFor(t *testing.T, st *store.Store, email string) care.Actor {
	t.Helper()
	u, err := st.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return care.Actor{UserID: u.ID, Name: u.Name, Acting: u.Memberships[0], Memberships: u.Memberships}
}

// nextWeekday is the first day at least two days from now that falls on a
// weekday and is not a bank holiday.
func nextWeekday(now time.Time, loc *time.Location) care.CivilDate {
	d := care.CivilDateOf(now.In(loc)).AddDays(2)
	for {
		_, holiday := care.HolidayOn(d)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday && !holiday {
			return d
		}
		d = d.AddDays(1)
	}
}

func newMDTWorld(t *testing.T, st *store.Store) *mdtWorld {
	t.Helper()
	env := newTestEnv(t, st)
	ctx := context.Background()
	sys := care.SystemActor("test")
	council, err := st.CreateOrganisation(ctx, sys, care.Organisation{Name: "London Borough of Hackney", Kind: care.OrgLocalAuthority, GSSCode: "E09000012"})
	if err != nil {
		t.Fatal(err)
	}
	team, err := st.CreateTeam(ctx, sys, care.Team{OrganisationID: council.ID, Name: "North Locality Team", Kind: "locality"})
	if err != nil {
		t.Fatal(err)
	}
	hash, _ := auth.HashPassword(testPassword, auth.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1})
	for email, role := range map[string]care.Role{mdtCouncilSW: care.RoleSocialWorker, mdtCouncilNurse: care.RoleNurse, mdtCouncilGP: care.RoleGP} {
		if _, err := st.CreateUser(ctx, sys, store.NewUser{Email: email, Name: "Council " + role.Label(), PasswordHash: hash,
			Memberships: []store.NewMembership{{TeamID: team.ID, Role: role}}}); err != nil {
			t.Fatal(err)
		}
	}
	w := &mdtWorld{env: env, coordinator: actorFor(t, st, emailFor(care.RoleMDTCoordinator)), gp: actorFor(t, st, emailFor(care.RoleGP)),
		sw: actorFor(t, st, mdtCouncilSW), nurse: actorFor(t, st, mdtCouncilNurse), outsider: actorFor(t, st, mdtCouncilGP)}
	first := nextWeekday(time.Now(), env.app.loc)
	w.series, err = st.CreateMDTSeries(ctx, w.coordinator, store.NewMDTSeries{Series: care.MDTSeries{Title: "Test practice MDT",
		Scope: care.MDTScopePractice, Cadence: care.MDTCadence{Repeat: care.MDTWeekly, Weekday: first.Weekday()}, FirstDate: first,
		StartTime: 13 * time.Hour, Duration: time.Hour, Place: "Meeting room", RemoteLink: "https://meet.example.nhs.uk/test"},
		CoreMemberships: []string{w.gp.Acting.ID, w.sw.Acting.ID, w.nurse.Acting.ID}})
	if err != nil {
		t.Fatal(err)
	}
	sv, err := st.MDTSeriesPage(ctx, w.coordinator, w.series.ID)
	if err != nil || len(sv.Meetings) < 2 {
		t.Fatalf("series meetings: %v", err)
	}
	w.started, w.waiting = sv.Meetings[0].ID, sv.Meetings[1].ID
	person, err := st.PersonRecord(ctx, sys, env.ids["{person}"])
	if err != nil {
		t.Fatal(err)
	}
	item, err := st.AddAgendaItem(ctx, w.coordinator, w.started, string(person.Person.NHSNumber), "How can we keep her at home?", nil)
	if err != nil {
		t.Fatal(err)
	}
	w.item = item.ID
	for _, m := range []string{w.started, w.waiting} {
		if err := st.RespondToMeeting(ctx, w.nurse, m, care.AttendanceDeclined); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.StartMeeting(ctx, w.coordinator, w.started); err != nil {
		t.Fatal(err)
	}
	action, err := st.AddMDTAction(ctx, w.coordinator, w.started, w.item, "Care Act assessment", "user:"+w.sw.UserID, first.AddDays(14))
	if err != nil {
		t.Fatal(err)
	}
	w.action = action.ID
	env.ids["{series}"], env.ids["{started}"], env.ids["{waiting}"] = w.series.ID, w.started, w.waiting
	env.ids["{item}"], env.ids["{action}"] = w.item, w.action
	return w
}

// meetingRelation is how a test user stands to the world's meetings.
type meetingRelation string

const (
	relCoordinator meetingRelation = "coordinator"
	relInvitee     meetingRelation = "invitee and action owner"
	relDeclined    meetingRelation = "invitee who declined"
	relOutsider    meetingRelation = "care role, not invited"
)

// mdtRoutes lists every route about one meeting, series or action, with a
// request that changes nothing lasting, and the status each relation gets:
// an expectation written out independently of the rules in care.
var mdtRoutes = []struct {
	pattern string
	path    string
	form    url.Values
	want    map[meetingRelation]int
}{
	{"GET /mdt/series/{id}", "/mdt/series/{series}", nil, statuses(200, 200, 200, 403)},
	{"GET /mdt/meetings/{id}", "/mdt/meetings/{started}", nil, statuses(200, 200, 200, 403)},
	{"GET /mdt/meetings/{id}/meeting.ics", "/mdt/meetings/{started}/meeting.ics", nil, statuses(200, 200, 200, 403)},
	{"POST /mdt/meetings/{id}/items", "/mdt/meetings/{waiting}/items", url.Values{}, statuses(400, 400, 403, 403)},
	{"POST /mdt/meetings/{id}/invitees", "/mdt/meetings/{waiting}/invitees", url.Values{}, statuses(400, 403, 403, 403)},
	{"POST /mdt/meetings/{id}/response", "/mdt/meetings/{waiting}/response", url.Values{"answer": {"maybe"}}, statuses(400, 400, 400, 403)},
	{"POST /mdt/meetings/{id}/attendance", "/mdt/meetings/{started}/attendance", url.Values{"attendance-nobody": {"declined"}}, statuses(303, 403, 403, 403)},
	{"POST /mdt/meetings/{id}/start", "/mdt/meetings/{started}/start", url.Values{}, statuses(303, 403, 403, 403)},
	{"POST /mdt/meetings/{id}/finish", "/mdt/meetings/{started}/finish", url.Values{"version": {"0"}}, statuses(409, 403, 403, 403)},
	{"GET /mdt/meetings/{id}/items/{item}", "/mdt/meetings/{started}/items/{item}", nil, statuses(200, 200, 200, 403)},
	{"GET /mdt/meetings/{id}/items/{item}/pack", "/mdt/meetings/{started}/items/{item}/pack", nil, statuses(200, 200, 403, 403)},
	{"POST /mdt/meetings/{id}/items/{item}/outcome", "/mdt/meetings/{started}/items/{item}/outcome", url.Values{}, statuses(400, 403, 403, 403)},
	{"POST /mdt/meetings/{id}/items/{item}/actions", "/mdt/meetings/{started}/items/{item}/actions", url.Values{}, statuses(400, 403, 403, 403)},
	{"POST /mdt/meetings/{id}/items/{item}/move", "/mdt/meetings/{started}/items/none/move", url.Values{}, statuses(404, 403, 403, 403)},
	{"GET /mdt/actions/{id}", "/mdt/actions/{action}", nil, statuses(200, 200, 403, 403)},
	{"POST /mdt/actions/{id}", "/mdt/actions/{action}", url.Values{"status": {"done"}, "due_day": {"31"}, "due_month": {"2"}, "due_year": {"2030"}}, statuses(400, 400, 403, 403)},
	{"GET /mdt/actions/{id}/refer", "/mdt/actions/{action}/refer", nil, statuses(200, 200, 403, 403)},
}

func statuses(coordinator, invitee, declined, outsider int) map[meetingRelation]int {
	return map[meetingRelation]int{relCoordinator: coordinator, relInvitee: invitee, relDeclined: declined, relOutsider: outsider}
}

func TestEveryMDTRouteIsInTheMDTMatrix(t *testing.T) {
	t.Parallel()
	s := &Server{assets: &assets{}}
	covered := map[string]bool{}
	for _, r := range mdtRoutes {
		covered[r.pattern] = true
	}
	for _, rt := range s.routeTable() {
		_, path, _ := strings.Cut(rt.pattern, " ")
		if strings.Contains(path, "{") && strings.HasPrefix(path, "/mdt/") && !strings.HasPrefix(path, "/mdt/blocked-times/") && !covered[rt.pattern] {
			t.Errorf("MDT route %q is not in mdtRoutes", rt.pattern)
		}
	}
}

// TestMDTRoutesMatrix requests every meeting route in every relation to the
// meeting and checks the status, then checks every refusal was audited.
func TestMDTRoutesMatrix(t *testing.T) {
	t.Parallel()
	w := newMDTWorld(t, storetest.SQLite(t))
	users := map[meetingRelation]string{relCoordinator: emailFor(care.RoleMDTCoordinator), relInvitee: mdtCouncilSW,
		relDeclined: mdtCouncilNurse, relOutsider: mdtCouncilGP}
	for rel, email := range users {
		c := w.env.client(t)
		if res := c.signIn(email, testPassword); res.status != http.StatusSeeOther {
			t.Fatalf("sign in %s: %d", email, res.status)
		}
		for _, route := range mdtRoutes {
			method, _, _ := strings.Cut(route.pattern, " ")
			res := c.do(method, w.env.expand(route.path), route.form, nil)
			if want := route.want[rel]; res.status != want {
				t.Errorf("%s as %s: %d, want %d", route.pattern, rel, res.status, want)
			}
		}
	}
	rows, err := w.env.store.ListAudit(context.Background(), care.SystemActor("test"), store.AuditFilter{UserID: w.outsider.UserID, Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	denied := 0
	for _, r := range rows {
		if r.Outcome == "denied" {
			denied++
		}
	}
	if denied < len(mdtRoutes) {
		t.Errorf("%d refusals of the outsider audited, want at least %d", denied, len(mdtRoutes))
	}
}

// formFor builds the series form a coordinator fills in.
func seriesFormValues(w *mdtWorld, from care.CivilDate, step string) url.Values {
	return url.Values{"title": {"Journey MDT"}, "scope": {"practice"}, "core_members": {w.gp.Acting.ID, w.sw.Acting.ID},
		"repeat": {"weekly"}, "duration": {"60"}, "place": {"Room 2"}, "remote_link": {"https://meet.example.nhs.uk/journey"},
		"from_day": {strconv.Itoa(from.Day)}, "from_month": {strconv.Itoa(int(from.Month))}, "from_year": {strconv.Itoa(from.Year)},
		"weeks": {"2"}, "preferred": {"lunchtime"}, "step": {step}}
}

var (
	slotPattern    = regexp.MustCompile(`name="slot" type="radio" value="([^"]+)"`)
	meetingPattern = regexp.MustCompile(`href="/mdt/meetings/([0-9a-f-]{36})"`)
)

func TestMDTSeriesFormFindsTimesAroundBlockedTimes(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, testMDTSeriesFormFindsTimesAroundBlockedTimes)
}

func testMDTSeriesFormFindsTimesAroundBlockedTimes(t *testing.T, st *store.Store) {
	w := newMDTWorld(t, st)
	c := w.env.client(t).mustSignIn(care.RoleMDTCoordinator)
	gp := w.env.client(t).mustSignIn(care.RoleGP)
	// The GP blocks every weekday lunchtime.
	for _, d := range []string{"1", "2", "3", "4", "5"} {
		res := gp.post("/mdt/blocked-times", url.Values{"label": {"Lunchtime clinic"}, "weekday": {d}, "start_time": {"12:00"},
			"end_time": {"14:00"}, "repeat": {"weekly"}, "clinical": {"yes"}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("blocked time: %d\n%s", res.status, res.body)
		}
	}
	if res := gp.post("/mdt/blocked-times", url.Values{"weekday": {"9"}, "start_time": {"noon"}, "end_time": {"11:00"}, "repeat": {"fortnightly"},
		"label": {"Keep me"}}); res.status != http.StatusBadRequest || !strings.Contains(res.body, "Enter a start time") ||
		!strings.Contains(res.body, `value="Keep me"`) || !strings.Contains(res.body, "Choose a day of the week") {
		t.Errorf("a bad blocked time: %d", res.status)
	}
	from := nextWeekday(time.Now(), w.env.app.loc)
	res := c.post("/mdt/series", seriesFormValues(w, from, "find"))
	if res.status != http.StatusOK {
		t.Fatalf("find times: %d\n%s", res.status, res.body)
	}
	slots := slotPattern.FindAllStringSubmatch(res.body, -1)
	if len(slots) == 0 {
		t.Fatalf("no times proposed:\n%s", res.body)
	}
	for _, m := range slots {
		start, err := time.Parse(time.RFC3339, m[1])
		if err != nil {
			t.Fatal(err)
		}
		local := start.In(w.env.app.loc)
		mins := local.Hour()*60 + local.Minute()
		if mins+60 > 12*60 && mins < 14*60 {
			t.Errorf("proposed %v, inside the GP's blocked lunchtime", local)
		}
		if _, holiday := care.HolidayOn(care.CivilDateOf(local)); holiday || local.Weekday() == time.Saturday || local.Weekday() == time.Sunday {
			t.Errorf("proposed %v, not a working day", local)
		}
	}
	if !strings.Contains(res.body, "Protected time") {
		t.Error("protected time is not marked")
	}
	// Creating without choosing a time keeps everything typed.
	res = c.post("/mdt/series", seriesFormValues(w, from, "create"))
	if res.status != http.StatusBadRequest || !strings.Contains(res.body, "Choose a time from the proposals") || !strings.Contains(res.body, `value="Journey MDT"`) {
		t.Fatalf("create without a time: %d", res.status)
	}
	// A time that is not among the proposals is refused.
	form := seriesFormValues(w, from, "create")
	form.Set("slot", time.Date(from.Year, from.Month, from.Day, 12, 0, 0, 0, w.env.app.loc).UTC().Format(time.RFC3339))
	if res = c.post("/mdt/series", form); res.status != http.StatusBadRequest || !strings.Contains(res.body, "no longer free") {
		t.Errorf("a blocked time was accepted: %d", res.status)
	}
	form.Set("slot", slots[0][1])
	res = c.post("/mdt/series", form)
	if res.status != http.StatusSeeOther || !strings.HasPrefix(res.location, "/mdt/series/") {
		t.Fatalf("create: %d %s\n%s", res.status, res.location, res.body)
	}
	page := c.get(res.location)
	if page.status != http.StatusOK || !strings.Contains(page.body, "Journey MDT") || !strings.Contains(page.body, "Every ") {
		t.Errorf("series page: %d", page.status)
	}
	// A GP does not set up series.
	if res := gp.post("/mdt/series", form); res.status != http.StatusForbidden {
		t.Errorf("a GP set up a series: %d", res.status)
	}
}

// TestMDTMeetingJourney runs a meeting through its pages: two people on
// the agenda, a pack read, attendance, an outcome with actions for a GP
// and a social worker, one person carried over, and the outcome on the
// timeline the practice sees.
func TestMDTMeetingJourney(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, testMDTMeetingJourney)
}

func testMDTMeetingJourney(t *testing.T, st *store.Store) {
	w := newMDTWorld(t, st)
	ctx := context.Background()
	coord := w.env.client(t).mustSignIn(care.RoleMDTCoordinator)
	sw := w.env.client(t)
	sw.signIn(mdtCouncilSW, testPassword)
	m := w.waiting

	// A second person, registered at the practice.
	second, err := st.RegisterPerson(ctx, care.SystemActor("test"), care.Person{NHSNumber: "9990000026", GivenName: "Second",
		FamilyName: "Person", DateOfBirth: "1938-02-03", Address: "2 Test Road", Postcode: "E8 1AA", RegisteredPracticeID: w.gp.Acting.OrgID}, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	first, _ := st.PersonRecord(ctx, care.SystemActor("test"), w.env.ids["{person}"])

	// Bad input is shown at its fields, keeping what was typed.
	res := coord.post("/mdt/meetings/"+m+"/items", url.Values{"nhs_number": {"123"}, "question": {"Keep this question"}})
	if res.status != http.StatusBadRequest || !strings.Contains(res.body, "Keep this question") || !strings.Contains(res.body, `href="#nhs_number"`) {
		t.Fatalf("bad item: %d", res.status)
	}
	for _, p := range []care.NHSNumber{first.Person.NHSNumber, second.NHSNumber} {
		res := coord.post("/mdt/meetings/"+m+"/items", url.Values{"nhs_number": {string(p)}, "question": {"What next?"}, "needs": {"social_worker"}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("add item: %d\n%s", res.status, res.body)
		}
	}
	// The nurse declined, but a social worker is coming: no warning.
	page := coord.get("/mdt/meetings/" + m)
	if !strings.Contains(page.body, "Second Person") || strings.Contains(page.body, "will not be there") {
		t.Errorf("agenda:\n%s", page.body)
	}
	view, err := st.MDTMeeting(ctx, w.coordinator, m)
	if err != nil {
		t.Fatal(err)
	}
	itemFirst, itemSecond := view.Items[0].Item.ID, view.Items[1].Item.ID

	// The social worker reads the first pack; the agenda counts it.
	pack := sw.get("/mdt/meetings/" + m + "/items/" + itemFirst + "/pack")
	if pack.status != http.StatusOK || !strings.Contains(pack.body, "Open actions") || !strings.Contains(pack.body, "Recent events") ||
		!strings.Contains(pack.body, "What next?") {
		t.Fatalf("pack: %d\n%s", pack.status, pack.body)
	}
	if page := coord.get("/mdt/meetings/" + m); !strings.Contains(page.body, "read by 1 of 3") {
		t.Errorf("pre-read rate not shown")
	}

	// Running the meeting. It is a week or more away: starting it early,
	// which closes and sends the agenda, is asked about first.
	res = coord.post("/mdt/meetings/"+m+"/start", url.Values{})
	if res.status != http.StatusOK || !strings.Contains(res.body, "This meeting is not due to start yet") ||
		!strings.Contains(res.body, "closes the agenda") || !strings.Contains(res.body, `name="early" value="yes"`) {
		t.Fatalf("early start = %d, want a page asking first", res.status)
	}
	if v, err := st.MDTMeeting(ctx, w.coordinator, m); err != nil || !v.StartedAt.IsZero() || !v.AgendaSentAt.IsZero() {
		t.Fatalf("asking first started the meeting or sent the agenda: %+v, %v", v.MDTMeetingSummary, err)
	}
	if res := coord.post("/mdt/meetings/"+m+"/start", url.Values{"early": {"yes"}}); res.status != http.StatusSeeOther {
		t.Fatalf("start: %d", res.status)
	}
	if page := coord.get("/mdt/meetings/" + m); !strings.Contains(page.body, "The meeting has started.") {
		t.Error("no notice that the meeting has started")
	}
	res = coord.post("/mdt/meetings/"+m+"/attendance", url.Values{"attendance-" + w.gp.UserID: {"attended_in_person"},
		"attendance-" + w.sw.UserID: {"attended_remotely"}, "attendance-" + w.coordinator.UserID: {"attended_in_person"}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("attendance: %d\n%s", res.status, res.body)
	}
	item := "/mdt/meetings/" + m + "/items/" + itemFirst
	if res := coord.post(item+"/outcome", url.Values{"outcome": {""}, "decisions": {""}, "version": {"1"}}); res.status != http.StatusBadRequest {
		t.Errorf("empty outcome: %d", res.status)
	}
	if res := coord.post(item+"/outcome", url.Values{"outcome": {"Struggling with stairs."}, "decisions": {"Occupational therapy assessment."}, "version": {"1"}}); res.status != http.StatusSeeOther {
		t.Fatalf("outcome: %d", res.status)
	}
	due := time.Now().In(w.env.app.loc).AddDate(0, 0, 10)
	dueForm := func(desc, owner string) url.Values {
		return url.Values{"description": {desc}, "owner": {owner}, "due_day": {strconv.Itoa(due.Day())},
			"due_month": {strconv.Itoa(int(due.Month()))}, "due_year": {strconv.Itoa(due.Year())}}
	}
	if res := coord.post(item+"/actions", dueForm("Nobody owns this", "")); res.status != http.StatusBadRequest ||
		!strings.Contains(res.body, "Choose who owns the action") || !strings.Contains(res.body, "Nobody owns this") {
		t.Errorf("an action without an owner: %d", res.status)
	}
	for _, a := range []url.Values{dueForm("Review medication", "user:"+w.gp.UserID), dueForm("Care Act assessment", "user:"+w.sw.UserID)} {
		if res := coord.post(item+"/actions", a); res.status != http.StatusSeeOther {
			t.Fatalf("action: %d\n%s", res.status, res.body)
		}
	}
	view, _ = st.MDTMeeting(ctx, w.coordinator, m)
	res = coord.post("/mdt/meetings/"+m+"/finish", url.Values{"version": {strconv.Itoa(view.Version)}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("finish: %d\n%s", res.status, res.body)
	}
	finished := coord.get("/mdt/meetings/" + m)
	next := meetingPattern.FindAllStringSubmatch(finished.body[strings.Index(finished.body, "Go to the next meeting")-120:], 1)
	if len(next) == 0 {
		t.Fatalf("no link to the next meeting:\n%s", finished.body)
	}
	nextPage := coord.get("/mdt/meetings/" + next[0][1])
	if !strings.Contains(nextPage.body, "Second Person") || !strings.Contains(nextPage.body, "Carried over from") ||
		!strings.Contains(nextPage.body, "Review medication") || !strings.Contains(nextPage.body, "Open actions to review") {
		t.Errorf("next meeting's agenda:\n%s", nextPage.body)
	}
	_ = itemSecond

	// The practice sees the outcome on the person's timeline, and in its inbox.
	staff := w.env.client(t).mustSignIn(care.RolePracticeStaff)
	timeline := staff.get("/people/" + first.Person.ID + "/timeline")
	if !strings.Contains(timeline.body, "Occupational therapy assessment.") || !strings.Contains(timeline.body, "Review medication") {
		t.Errorf("timeline:\n%s", timeline.body)
	}
	if inbox := staff.get("/inbox"); !strings.Contains(inbox.body, "MDT outcome for one of your patients") {
		t.Error("the practice was not told")
	}

	// My actions: the GP closes theirs.
	gp := w.env.client(t).mustSignIn(care.RoleGP)
	mine := gp.get("/mdt/actions")
	if !strings.Contains(mine.body, "Review medication") {
		t.Fatalf("GP's actions:\n%s", mine.body)
	}
	actions, _ := st.MyMDTActions(ctx, w.gp)
	a := actions[0].Action
	res = gp.post("/mdt/actions/"+a.ID, url.Values{"status": {"done"}, "due_day": {strconv.Itoa(a.Due.Day)}, "due_month": {strconv.Itoa(int(a.Due.Month))},
		"due_year": {strconv.Itoa(a.Due.Year)}, "progress": {"Stopped the sedative."}, "version": {strconv.Itoa(a.Version)}})
	if res.status != http.StatusSeeOther {
		t.Fatalf("close: %d\n%s", res.status, res.body)
	}
	res = gp.post("/mdt/actions/"+a.ID, url.Values{"status": {"open"}, "due_day": {"1"}, "due_month": {"1"}, "due_year": {"2030"}, "version": {strconv.Itoa(a.Version)}})
	if res.status != http.StatusConflict || !strings.Contains(res.body, "Someone else changed this action") {
		t.Errorf("a stale update: %d", res.status)
	}
}

// TestMDTCalendarFeedParsesAndNamesNobody checks a subscription feed with
// an independent iCalendar parser, and that it holds meeting details only.
func TestMDTCalendarFeedParsesAndNamesNobody(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, testMDTCalendarFeedParsesAndNamesNobody)
}

func testMDTCalendarFeedParsesAndNamesNobody(t *testing.T, st *store.Store) {
	w := newMDTWorld(t, st)
	sw := w.env.client(t)
	sw.signIn(mdtCouncilSW, testPassword)
	res := sw.post("/mdt/calendar", url.Values{})
	link := regexp.MustCompile(`value="(http[^"]+/calendar/[A-Za-z0-9_-]+)"`).FindStringSubmatch(res.body)
	if res.status != http.StatusOK || link == nil {
		t.Fatalf("calendar link: %d\n%s", res.status, res.body)
	}
	u, _ := url.Parse(link[1])
	feed := w.env.client(t).get(u.Path) // no session
	if feed.status != http.StatusOK || !strings.HasPrefix(feed.header.Get("Content-Type"), "text/calendar") {
		t.Fatalf("feed: %d %s", feed.status, feed.header.Get("Content-Type"))
	}
	cal, err := goical.NewDecoder(bytes.NewReader([]byte(feed.body))).Decode()
	if err != nil {
		t.Fatalf("the feed does not parse: %v\n%s", err, feed.body)
	}
	events := cal.Events()
	if len(events) < 2 {
		t.Fatalf("%d events", len(events))
	}
	summary, _ := events[0].Props.Text(goical.PropSummary)
	start, err := events[0].DateTimeStart(nil)
	if summary != "Test practice MDT" || err != nil || start.In(w.env.app.loc).Hour() != 13 {
		t.Errorf("first event: %q at %v (%v)", summary, start, err)
	}
	for _, personal := range []string{"Test Person", "9999999999", "999 999 9999", "How can we keep her", "Care Act"} {
		if strings.Contains(feed.body, personal) {
			t.Errorf("the feed holds %q", personal)
		}
	}
	// One meeting's file parses too, and is only for its invitees.
	file := sw.get("/mdt/meetings/" + w.started + "/meeting.ics")
	if _, err := goical.NewDecoder(strings.NewReader(file.body)).Decode(); err != nil || strings.Contains(file.body, "Test Person") {
		t.Errorf("meeting file: %v", err)
	}
	// A new link stops the old one.
	sw.post("/mdt/calendar", url.Values{})
	if res := w.env.client(t).get(u.Path); res.status != http.StatusNotFound {
		t.Errorf("the old link still works: %d", res.status)
	}
}

func TestMDTDeclinedNeedIsShownSoTheItemCanBeMoved(t *testing.T) {
	t.Parallel()
	storetest.Engines(t, testMDTDeclinedNeedIsShownSoTheItemCanBeMoved)
}

func testMDTDeclinedNeedIsShownSoTheItemCanBeMoved(t *testing.T, st *store.Store) {
	w := newMDTWorld(t, st)
	ctx := context.Background()
	second, err := st.RegisterPerson(ctx, care.SystemActor("test"), care.Person{NHSNumber: "9990000026", GivenName: "Second",
		FamilyName: "Person", DateOfBirth: "1938-02-03", Address: "2 Test Road", Postcode: "E8 1AA", RegisteredPracticeID: w.gp.Acting.OrgID}, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	item, err := st.AddAgendaItem(ctx, w.coordinator, w.waiting, string(second.NHSNumber), "Wound care", []care.MDTNeed{{Role: care.RoleNurse}})
	if err != nil {
		t.Fatal(err)
	}
	coord := w.env.client(t).mustSignIn(care.RoleMDTCoordinator)
	page := coord.get("/mdt/meetings/" + w.waiting)
	if !strings.Contains(page.body, "A needed professional will not be there") || !strings.Contains(page.body, "Council Nurse declined") {
		t.Fatalf("no warning:\n%s", page.body)
	}
	if res := coord.post("/mdt/meetings/"+w.waiting+"/items/"+item.ID+"/move", url.Values{}); res.status != http.StatusSeeOther {
		t.Fatalf("move: %d", res.status)
	}
	if page := coord.get("/mdt/meetings/" + w.waiting); !strings.Contains(page.body, "Carried over") {
		t.Error("the moved item is not marked")
	}
}

func TestTimeUntil(t *testing.T) {
	t.Parallel()
	london := storetest.Calendar(t).Location()
	now := time.Date(2026, 12, 4, 9, 0, 0, 0, london)
	for _, c := range []struct {
		then time.Time
		want string
	}{
		{now.Add(40 * time.Minute), "in 40 minutes"},
		{now.Add(4 * time.Hour), "later today"},
		{time.Date(2026, 12, 5, 8, 0, 0, 0, london), "tomorrow"},
		{time.Date(2026, 12, 10, 13, 0, 0, 0, london), "in 6 days"},
	} {
		if got := timeUntil(now, c.then, london); got != c.want {
			t.Errorf("timeUntil(%v) = %q, want %q", c.then, got, c.want)
		}
	}
}
