package web

import (
	"net/http"
	"strings"

	"github.com/joinedup/joinedup/internal/oruk"
)

// route is one entry of the web surface.
type route struct {
	pattern string
	handler http.Handler
}

// routeTable lists every route of the web surface. Each route is either
// public (sign-in, operations, static files) or wrapped by s.signedIn, which
// denies by default; handlers that need a particular role check
// care.Allowed. The authorisation matrix test fails for any route here that
// it does not cover.
func (s *Server) routeTable() []route {
	return []route{
		// Operations: no session, no personal data.
		{"GET /healthz", http.HandlerFunc(s.healthz)},
		{"GET /readyz", http.HandlerFunc(s.readyz)},
		{"GET /metrics", s.metricsPage},
		{"GET /static/", s.assets.handler()},

		// Signing in and out.
		{"GET /sign-in", http.HandlerFunc(s.signInPage)},
		{"POST /sign-in", http.HandlerFunc(s.signIn)},
		{"POST /sign-out", s.signedIn(s.signOut)},

		// Every signed-in user.
		{"GET /{$}", s.signedIn(s.home)},
		{"GET /account", s.signedIn(s.accountPage)},
		{"POST /account/password", s.signedIn(s.changePassword)},
		{"POST /account/team", s.signedIn(s.switchTeam)},

		// Privacy officers and administrators.
		{"GET /audit", s.signedIn(s.auditPage)},
		{"POST /audit/verify", s.signedIn(s.auditVerify)},

		// The directory: every signed-in user searches it; the gaps it finds
		// are for organisation administrators and analysts.
		{"GET /directory", s.signedIn(s.directorySearch)},
		{"GET /directory/gaps", s.signedIn(s.directoryGaps)},
		{"GET /directory/services/{id}", s.signedIn(s.directoryService)},
		{"GET /directory/teams/{id}", s.signedIn(s.directoryTeam)},
		{"GET /directory/teams/{id}/practices", s.signedIn(s.directoryTeamPractices)},
		{"GET /directory/organisations/{id}", s.signedIn(s.directoryOrganisation)},
		{"GET /directory/practices", s.signedIn(s.directoryPractices)},
		{"GET /directory/practices/{id}", s.signedIn(s.directoryPractice)},
		{"GET /directory/services/{id}/history", s.signedIn(s.serviceHistory)},

		// Keeping the directory current: team managers and organisation
		// administrators of the organisation that owns each entry.
		{"GET /directory/services/{id}/edit", s.signedIn(s.editServicePage)},
		{"POST /directory/services/{id}", s.signedIn(s.updateService)},
		{"POST /directory/services/{id}/verify", s.signedIn(s.verifyService)},
		{"GET /directory/organisations/{id}/services/new", s.signedIn(s.newServicePage)},
		{"POST /directory/organisations/{id}/services", s.signedIn(s.createService)},
		{"GET /directory/teams/{id}/edit", s.signedIn(s.editTeamPage)},
		{"POST /directory/teams/{id}", s.signedIn(s.updateTeam)},
		{"POST /directory/teams/{id}/verify", s.signedIn(s.verifyTeam)},
		{"GET /directory/teams/{id}/contacts/new", s.signedIn(s.newContactPage)},
		{"POST /directory/teams/{id}/contacts", s.signedIn(s.createContact)},
		{"GET /directory/contacts/{id}/edit", s.signedIn(s.editContactPage)},
		{"POST /directory/contacts/{id}", s.signedIn(s.updateContact)},
		{"POST /directory/contacts/{id}/remove", s.signedIn(s.removeContact)},
		{"GET /directory/organisations/{id}/edit", s.signedIn(s.editOrganisationPage)},
		{"POST /directory/organisations/{id}", s.signedIn(s.updateOrganisation)},
		{"POST /directory/organisations/{id}/verify", s.signedIn(s.verifyOrganisation)},

		// Role profiles and the glossary, for every signed-in user.
		{"GET /learning/roles", s.signedIn(s.rolesPage)},
		{"GET /learning/roles/{slug}", s.signedIn(s.rolePage)},
		{"GET /learning/glossary", s.signedIn(s.glossaryPage)},

		// The in-app inbox: each user's own.
		{"GET /inbox", s.signedIn(s.inboxPage)},
		{"POST /inbox/{id}/read", s.signedIn(s.markNotificationRead)},
		{"POST /inbox/read-all", s.signedIn(s.markAllNotificationsRead)},

		// People and their records (C3, C4). Handlers gate by role; the
		// store checks the actor's relationship with the person again inside
		// each transaction, and audits every read and refusal.
		{"GET /people", s.signedIn(s.peoplePage)},
		{"GET /people/new", s.signedIn(s.personNewPage)},
		{"POST /people", s.signedIn(s.personCreate)},
		{"GET /people/{id}", s.signedIn(s.personPage)},
		{"GET /people/{id}/edit", s.signedIn(s.personEditPage)},
		{"POST /people/{id}", s.signedIn(s.personUpdate)},
		{"POST /people/{id}/objection", s.signedIn(s.personObjection)},
		{"GET /people/{id}/carers/new", s.signedIn(s.carerNewPage)},
		{"POST /people/{id}/carers", s.signedIn(s.carerCreate)},
		{"POST /people/{id}/carers/{carer}/remove", s.signedIn(s.carerRemove)},
		{"GET /people/{id}/alerts/new", s.signedIn(s.alertNewPage)},
		{"POST /people/{id}/alerts", s.signedIn(s.alertCreate)},
		{"POST /people/{id}/alerts/{alert}/end", s.signedIn(s.alertEnd)},
		{"GET /people/{id}/care-team", s.signedIn(s.careTeamPage)},
		{"POST /people/{id}/care-team", s.signedIn(s.careTeamAddUser)},
		{"POST /people/{id}/care-team/contacts", s.signedIn(s.careTeamAddContact)},
		{"POST /people/{id}/care-team/{member}/coordinator", s.signedIn(s.careTeamCoordinator)},
		{"POST /people/{id}/care-team/{member}/remove", s.signedIn(s.careTeamRemove)},
		{"GET /people/{id}/plan", s.signedIn(s.planPage)},
		{"GET /people/{id}/plan/history", s.signedIn(s.planHistoryPage)},
		{"GET /people/{id}/plan/sections/{section}/edit", s.signedIn(s.planSectionEditPage)},
		{"POST /people/{id}/plan/sections/{section}", s.signedIn(s.planSectionSave)},
		{"GET /people/{id}/plan/actions/new", s.signedIn(s.planActionPage)},
		{"POST /people/{id}/plan/actions", s.signedIn(s.planActionSave)},
		{"GET /people/{id}/plan/actions/{action}/edit", s.signedIn(s.planActionPage)},
		{"POST /people/{id}/plan/actions/{action}", s.signedIn(s.planActionSave)},
		{"GET /people/{id}/timeline", s.signedIn(s.timelinePage)},
		{"GET /people/{id}/access", s.signedIn(s.accessLogPage)},

		// Break-glass: emergency access with a reason, and its review.
		{"GET /break-glass", s.signedIn(s.breakGlassPage)},
		{"POST /break-glass", s.signedIn(s.breakGlassStart)},
		{"GET /privacy/break-glass", s.signedIn(s.reviewQueuePage)},
		{"GET /privacy/break-glass/{use}", s.signedIn(s.reviewPage)},
		{"POST /privacy/break-glass/{use}", s.signedIn(s.reviewSave)},
		{"GET /privacy/access", s.signedIn(s.accessFindPage)},

		// MDT meetings (C5). Handlers gate by role (care.CanUseMDT,
		// care.CanCoordinateMDT); the store checks the actor's relation with
		// the meeting, and with each person on its agenda, again inside each
		// transaction.
		{"GET /mdt", s.signedIn(s.mdtHome)},
		{"GET /mdt/series/new", s.signedIn(s.mdtSeriesNewPage)},
		{"POST /mdt/series", s.signedIn(s.mdtSeriesCreate)},
		{"GET /mdt/series/{id}", s.signedIn(s.mdtSeriesPage)},
		{"GET /mdt/blocked-times", s.signedIn(s.blockedTimesPage)},
		{"POST /mdt/blocked-times", s.signedIn(s.blockedTimeAdd)},
		{"POST /mdt/blocked-times/{id}/remove", s.signedIn(s.blockedTimeRemove)},
		{"GET /mdt/meetings/{id}", s.signedIn(s.meetingPage)},
		{"GET /mdt/meetings/{id}/meeting.ics", s.signedIn(s.meetingCalendarFile)},
		{"POST /mdt/meetings/{id}/items", s.signedIn(s.meetingAddItem)},
		{"POST /mdt/meetings/{id}/invitees", s.signedIn(s.meetingInvite)},
		{"POST /mdt/meetings/{id}/response", s.signedIn(s.meetingRespond)},
		{"POST /mdt/meetings/{id}/attendance", s.signedIn(s.meetingAttendance)},
		{"POST /mdt/meetings/{id}/start", s.signedIn(s.meetingStart)},
		{"POST /mdt/meetings/{id}/finish", s.signedIn(s.meetingFinish)},
		{"GET /mdt/meetings/{id}/items/{item}", s.signedIn(s.meetingItemPage)},
		{"GET /mdt/meetings/{id}/items/{item}/pack", s.signedIn(s.meetingPackPage)},
		{"POST /mdt/meetings/{id}/items/{item}/outcome", s.signedIn(s.meetingItemOutcome)},
		{"POST /mdt/meetings/{id}/items/{item}/actions", s.signedIn(s.meetingItemAction)},
		{"POST /mdt/meetings/{id}/items/{item}/move", s.signedIn(s.meetingMoveItem)},
		{"GET /mdt/actions", s.signedIn(s.myActionsPage)},
		{"GET /mdt/actions/{id}", s.signedIn(s.actionPage)},
		{"POST /mdt/actions/{id}", s.signedIn(s.actionSave)},
		{"GET /mdt/actions/{id}/refer", s.signedIn(s.actionReferPage)},
		{"GET /mdt/calendar", s.signedIn(s.calendarPage)},
		{"POST /mdt/calendar", s.signedIn(s.calendarNewLink)},
		// A calendar subscription: no session, the secret token in the URL
		// is the key, and the feed holds meeting details only.
		{"GET /calendar/{token}", http.HandlerFunc(s.calendarFeed)},

		// Referrals (C2) and their threads (C6): care roles, and then only
		// the referral's two sides, which the store checks again.
		{"GET /directory/services/{id}/refer", s.signedIn(s.referFormPage)},
		{"POST /directory/services/{id}/refer", s.signedIn(s.referSubmit)},
		{"GET /directory/services/{id}/targets", s.signedIn(s.targetsPage)},
		{"POST /directory/services/{id}/targets", s.signedIn(s.targetsSave)},
		{"GET /referrals/sent", s.signedIn(s.sentPage)},
		{"GET /referrals/incoming", s.signedIn(s.incomingPage)},
		{"GET /referrals/{id}", s.signedIn(s.referralPage)},
		{"GET /referrals/{id}/move/{to}", s.signedIn(s.movePage)},
		{"POST /referrals/{id}/move/{to}", s.signedIn(s.moveSubmit)},
		{"GET /referrals/{id}/redirect", s.signedIn(s.redirectPage)},
		{"POST /referrals/{id}/redirect", s.signedIn(s.redirectSubmit)},
		{"POST /referrals/{id}/messages", s.signedIn(s.messageSubmit)},
		{"POST /referrals/{id}/assign", s.signedIn(s.assignSubmit)},
		{"POST /referrals/{id}/feedback", s.signedIn(s.feedbackSubmit)},
		{"GET /referrals/{id}/attachments/{file}", s.signedIn(s.attachmentDownload)},

		// Anything else is a page that does not exist.
		{"/", http.HandlerFunc(s.notFound)},
	}
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	s.mux = mux
	for _, rt := range s.routeTable() {
		mux.Handle(rt.pattern, rt.handler)
	}
	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(s.crossOriginDenied))
	web := s.securityHeaders(s.withOrigin(csrf.Handler(s.loadSession(s.notices(mux)))))
	// The Open Referral UK API is public, read-only and sets no cookies, so
	// it sits outside the session and cross-origin middleware: any website
	// may read the directory through it.
	s.oruk = oruk.NewAPI(s.dir, s.log, orukPrefix)
	return s.observe(s.recoverPanics(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isORUK(r.URL.Path) {
			s.oruk.ServeHTTP(w, r)
			return
		}
		web.ServeHTTP(w, r)
	})))
}

// orukPrefix is where the Open Referral UK API is mounted.
const orukPrefix = "/api/oruk"

func isORUK(path string) bool { return path == orukPrefix || strings.HasPrefix(path, orukPrefix+"/") }
