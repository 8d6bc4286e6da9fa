package web

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestNoticesShowOnce drives the notices middleware as a browser would:
// a form's redirect carries its notice to the page once, and never in the
// address.
func TestNoticesShowOnce(t *testing.T) {
	s := &Server{}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /things/{id}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/things/"+r.PathValue("id")+"?tab=all&done="+r.FormValue("done")+"#messages", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /things/{id}", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "done="+r.URL.Query().Get("done")+" tab="+r.URL.Query().Get("tab"))
	})
	mux.HandleFunc("GET /things/{id}/more", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "done="+r.URL.Query().Get("done"))
	})
	srv := httptest.NewServer(s.notices(mux))
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	do := func(method, path, form string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(form))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}

	res, _ := do("POST", "/things/1", "done=message")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/things/1?tab=all#messages" {
		t.Fatalf("redirect = %d %q, want the address without the notice", res.StatusCode, res.Header.Get("Location"))
	}
	if _, body := do("GET", "/things/1?tab=all", ""); body != "done=message tab=all" {
		t.Errorf("the page after the form = %q, want its notice", body)
	}
	if _, body := do("GET", "/things/1?tab=all", ""); body != "done= tab=all" {
		t.Errorf("the page reloaded = %q, want no notice", body)
	}
	if _, body := do("GET", "/things/1?done=message", ""); body != "done= tab=" {
		t.Errorf("a notice in the address = %q, want it ignored", body)
	}

	// A notice waits only for its own page, and goes when another is seen.
	do("POST", "/things/2", "done=saved")
	if _, body := do("GET", "/things/1", ""); body != "done= tab=" {
		t.Errorf("another page = %q, want no notice", body)
	}
	if _, body := do("GET", "/things/2", ""); body != "done=saved tab=" {
		t.Errorf("its page = %q, want the notice still waiting", body)
	}
	// A page beneath it neither shows the notice nor leaves it for later.
	do("POST", "/things/4", "done=saved")
	if _, body := do("GET", "/things/4/more", ""); body != "done=" {
		t.Errorf("a page beneath = %q, want no notice", body)
	}
	if _, body := do("GET", "/things/4", ""); body != "done= tab=" {
		t.Errorf("the page after another = %q, want the notice gone", body)
	}
	// Anything but a short code stays out of the cookie and the page.
	res, _ = do("POST", "/things/3", "done=%3Cscript%3E")
	if strings.Contains(res.Header.Get("Set-Cookie"), noticeCookie) {
		t.Errorf("a strange code was kept: %q", res.Header.Get("Set-Cookie"))
	}
}
