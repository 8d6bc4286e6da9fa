package web

import "net/http"

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
		{"GET /metrics", http.HandlerFunc(s.serveMetrics)},
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
	return s.observe(s.recoverPanics(s.securityHeaders(s.withOrigin(csrf.Handler(s.loadSession(mux))))))
}
