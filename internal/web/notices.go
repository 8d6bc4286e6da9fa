package web

import (
	"net/http"
	"net/url"
	"strings"
)

// This file makes a success notice ("Your message has been sent") show
// once. A handler asks for one as it always has, by redirecting after a
// successful form to its page with ?done=CODE, and reads the code back from
// the query. Between the two, the notices middleware moves the code out of
// the address into a short-lived cookie for that one page: the browser
// lands on the plain address, the page shows the notice, and the cookie is
// cleared, so reloading the page, bookmarking it or coming back to it later
// shows no notice. It needs no JavaScript. A code typed or bookmarked into
// an address is ignored.

// noticeCookie carries the code of the notice waiting for a page, with the
// page's path: CODE@PATH.
const noticeCookie = "joinedup_notice"

// noticeMaxAge is how long a notice waits for its page, in seconds: long
// enough for a slow redirect, short enough that a notice never turns up
// on a later visit.
const noticeMaxAge = 60

// noticeCode reports whether c can be a notice code: the short words
// handlers use, like "message" or "carer-removed".
func noticeCode(c string) bool {
	if c == "" || len(c) > 40 {
		return false
	}
	for _, r := range c {
		if (r < 'a' || r > 'z') && r != '-' {
			return false
		}
	}
	return true
}

// notices carries notices from redirects to the pages they lead to; see
// the top of this file.
func (s *Server) notices(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/static/") {
			next.ServeHTTP(w, r)
			return
		}
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			q := r.URL.Query()
			_, inAddress := q["done"]
			q.Del("done")
			if c, err := r.Cookie(noticeCookie); err == nil {
				code, path, _ := strings.Cut(c.Value, "@")
				if path == r.URL.Path && noticeCode(code) {
					q.Set("done", code)
				}
				s.setNoticeCookie(w, "", path, -1)
				inAddress = true
			}
			if inAddress {
				r = r.Clone(r.Context())
				r.URL.RawQuery = q.Encode()
			}
		}
		next.ServeHTTP(&noticeWriter{ResponseWriter: w, s: s}, r)
	})
}

func (s *Server) setNoticeCookie(w http.ResponseWriter, value, path string, maxAge int) {
	if path == "" || !strings.HasPrefix(path, "/") {
		path = "/"
	}
	http.SetCookie(w, &http.Cookie{Name: noticeCookie, Value: value, Path: path, MaxAge: maxAge,
		HttpOnly: true, Secure: s.secureCookies(), SameSite: http.SameSiteLaxMode})
}

// noticeWriter takes the notice out of a redirect's address and puts it
// in the cookie.
type noticeWriter struct {
	http.ResponseWriter
	s *Server
}

func (w *noticeWriter) WriteHeader(status int) {
	if status == http.StatusSeeOther || status == http.StatusFound {
		h := w.Header()
		if to, err := url.Parse(h.Get("Location")); err == nil && !to.IsAbs() && to.Host == "" {
			q := to.Query()
			if code := q.Get("done"); noticeCode(code) {
				q.Del("done")
				to.RawQuery = q.Encode()
				h.Set("Location", to.String())
				w.s.setNoticeCookie(w, code+"@"+to.Path, to.Path, noticeMaxAge)
			}
		}
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *noticeWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
