package web

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/joinedup/joinedup/internal/audit"
	"github.com/joinedup/joinedup/internal/care"
)

// sessionCookie holds the random session token; the server keeps only its hash.
const sessionCookie = "joinedup_session"

// contentSecurityPolicy allows only joinedup's own files: no inline script,
// no inline style, no framing, and forms may only post back to joinedup.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
		if s.secureCookies() {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			// Pages can hold personal data: never keep them in a shared or
			// back-button cache.
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

// clientIP is the address audit events and throttling record.
func (s *Server) clientIP(r *http.Request) string {
	if s.cfg.TrustProxy {
		if fwd := r.Header.Get("X-Forwarded-For"); fwd != "" {
			parts := strings.Split(fwd, ",")
			// The proxy appends the address it saw, so the last entry is
			// the one nobody but the proxy could have written.
			return strings.TrimSpace(parts[len(parts)-1])
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *Server) withOrigin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := audit.WithOrigin(r.Context(), audit.Origin{IP: s.clientIP(r)})
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic serving request", "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				s.renderError(w, r, care.Internal(fmt.Errorf("panic: %v", v)))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// requestState is what loadSession learnt about the request's session.
type requestState struct {
	actor care.Actor
	token string
	// ended says the browser presented a session that has since ended, so
	// the sign-in page can say why.
	ended string
}

type stateKey struct{}

func stateFrom(r *http.Request) *requestState {
	st, _ := r.Context().Value(stateKey{}).(*requestState)
	if st == nil {
		return &requestState{}
	}
	return st
}

// loadSession recognises the session cookie. It never refuses a request
// itself: signedIn decides what needs a session.
func (s *Server) loadSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := &requestState{}
		if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" && !strings.HasPrefix(r.URL.Path, "/static/") {
			actor, err := s.auth.Authenticate(r.Context(), c.Value)
			switch {
			case err == nil:
				st.actor, st.token = actor, c.Value
			case care.IsKind(err, care.KindUnauthenticated):
				st.ended = care.MessageOf(err)
				s.clearSessionCookie(w)
			default:
				s.renderError(w, r, err)
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), stateKey{}, st)))
	})
}

func (s *Server) setSessionCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		Secure: s.secureCookies(), SameSite: http.SameSiteLaxMode,
		MaxAge: int(s.auth.Config().AbsoluteTimeout / time.Second)})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true,
		Secure: s.secureCookies(), SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// actorHandler is a handler that needs a signed-in user.
type actorHandler func(w http.ResponseWriter, r *http.Request, actor care.Actor)

// signedIn lets signed-in users through and sends everyone else to sign in,
// remembering where they were going.
func (s *Server) signedIn(h actorHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := stateFrom(r)
		if !st.actor.SignedIn() {
			q := url.Values{}
			if r.Method == http.MethodGet && r.URL.Path != "/" {
				q.Set("next", r.URL.RequestURI())
			}
			if st.ended != "" {
				q.Set("ended", "1")
			}
			target := "/sign-in"
			if len(q) > 0 {
				target += "?" + q.Encode()
			}
			http.Redirect(w, r, target, http.StatusSeeOther)
			return
		}
		h(w, r, st.actor)
	})
}

// requireAction refuses, and audits the refusal, when the actor's role does
// not allow the action.
func (s *Server) requireAction(w http.ResponseWriter, r *http.Request, actor care.Actor, action care.Action) bool {
	if care.Allowed(actor, action) {
		return true
	}
	if err := s.store.RecordDenied(r.Context(), actor, string(action), "Page", r.URL.Path, "", r.Method); err != nil {
		s.renderError(w, r, err)
		return false
	}
	s.renderError(w, r, care.Errorf(care.KindForbidden, "Your role does not give you access to this page."))
	return false
}

func (s *Server) crossOriginDenied(w http.ResponseWriter, r *http.Request) {
	s.log.Warn("cross-origin request refused", "method", r.Method, "path", r.URL.Path)
	s.renderError(w, r, care.Errorf(care.KindForbidden, "This form was sent from another website, so joinedup did not accept it. Go back to joinedup and try again."))
}

// safeNext accepts only a path on this site as a place to return to, so a
// sign-in link cannot send someone to another website.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}
