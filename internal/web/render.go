package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/joinedup/joinedup/internal/care"
)

//go:embed templates/*.html
var templateFiles embed.FS

// pages holds one parsed template set per page, each made of the layout plus
// the page's own file, so pages cannot clash over block names.
type pages struct {
	byName map[string]*template.Template
}

// parsePages parses every page's templates. loc is the zone people read
// times in.
func parsePages(as *assets, loc *time.Location) (*pages, error) {
	funcs := template.FuncMap{
		"asset": as.path,
		"date": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(loc).Format("2 Jan 2006")
		},
		"datetime": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(loc).Format("2 Jan 2006 at 15:04")
		},
		"fieldError": func(errs care.FieldErrors, name string) string { return errs.Message(name) },
		"field":      field,
		// Person record: dates kept as YYYY-MM-DD, and text kept as lines.
		"readableDate": care.ReadableDate,
		"lines":        func(s string) []string { return strings.Split(s, "\n") },
		"personNav":    personNav,
		// MDT meetings: a meeting's day and hours, and a time of day.
		"mdtWhen": func(start, end time.Time) string { return mdtWhen(start, end, loc) },
		"clock":   clockText,
		// Directory: a team with its organisation, named once.
		"teamOf": teamOf,
	}
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFiles, "templates/layout.html")
	if err != nil {
		return nil, err
	}
	entries, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{byName: map[string]*template.Template{}}
	for _, path := range entries {
		name := strings.TrimSuffix(strings.TrimPrefix(path, "templates/"), ".html")
		if name == "layout" || strings.HasPrefix(name, "_") {
			continue
		}
		t, err := layout.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := t.ParseFS(templateFiles, path, "templates/_*.html"); err != nil {
			return nil, fmt.Errorf("parsing %s: %w", path, err)
		}
		p.byName[name] = t
	}
	return p, nil
}

// Page is what the layout needs; every view struct embeds it.
type Page struct {
	Title string
	Actor care.Actor
	// Errors fill the error summary at the top of the page, each linking to
	// its field.
	Errors care.FieldErrors
	// Notice is a success message shown in a banner.
	Notice string
	Nav    []navItem
	Path   string
}

type navItem struct {
	Label   string
	Href    string
	Current bool
}

// page starts a view for the request: its title, the actor and navigation.
func (s *Server) page(r *http.Request, title string) Page {
	actor := stateFrom(r).actor
	p := Page{Title: title, Actor: actor, Path: r.URL.Path}
	if actor.SignedIn() {
		for _, item := range s.navigation(actor) {
			item.Current = item.Href == r.URL.Path
			p.Nav = append(p.Nav, item)
		}
	}
	return p
}

// navigation lists the areas this actor may use.
func (s *Server) navigation(actor care.Actor) []navItem {
	items := []navItem{{Label: "Home", Href: "/"}}
	if care.Allowed(actor, care.ActionSearchPeople) {
		items = append(items, navItem{Label: "People", Href: "/people"})
	}
	if care.CanRefer(actor) {
		items = append(items, navItem{Label: "Referrals", Href: referralsHome(actor)})
	}
	items = append(items, navItem{Label: "Find a service", Href: "/directory"}, navItem{Label: "Inbox", Href: "/inbox"},
		navItem{Label: "Roles and terms", Href: "/learning/roles"})
	if care.CanUseMDT(actor) {
		items = append(items, navItem{Label: "MDT meetings", Href: "/mdt"})
	}
	if care.Allowed(actor, care.ActionReviewBreakGlass) {
		items = append(items, navItem{Label: "Emergency access", Href: "/privacy/break-glass"})
	}
	if care.Allowed(actor, care.ActionViewAudit) {
		items = append(items, navItem{Label: "Audit trail", Href: "/audit"})
	}
	return append(items, navItem{Label: "Your account", Href: "/account"})
}

// render writes a page. It renders into a buffer first, so a template error
// becomes a clean error page rather than half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, view any) {
	t, ok := s.pages.byName[name]
	if !ok {
		s.renderError(w, r, care.Internal(fmt.Errorf("no template %q", name)))
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", view); err != nil {
		s.log.Error("rendering page", "page", name, "err", err)
		if name != "error" {
			s.renderError(w, r, care.Internal(err))
			return
		}
		http.Error(w, "Something went wrong on our side.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

type errorView struct {
	Page
	Status  int
	Heading string
	Message string
	Advice  string
}

// renderError maps a domain error to a plain-English error page. Internal
// detail is logged, never shown.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	v := errorView{Page: s.page(r, "")}
	switch care.KindOf(err) {
	case care.KindInvalid:
		v.Status, v.Heading = http.StatusBadRequest, "There is a problem with your request"
		v.Message = care.MessageOf(err)
		v.Advice = "Go back, check what was entered and try again."
	case care.KindNotFound:
		v.Status, v.Heading = http.StatusNotFound, "Page not found"
		v.Message = "If you typed the web address, check it is correct. If you pasted it, check you copied the whole address."
		v.Advice = "The record may also have been removed."
	case care.KindForbidden:
		v.Status, v.Heading = http.StatusForbidden, "You do not have access to this page"
		v.Message = care.MessageOf(err)
		v.Advice = "This attempt has been recorded. If you need access for someone's care, speak to your team manager or your organisation's administrator."
	case care.KindConflict:
		v.Status, v.Heading = http.StatusConflict, "Someone else changed this at the same time"
		v.Message = care.MessageOf(err)
		v.Advice = "Go back, reload the page to see the latest version, and make your change again."
	case care.KindUnauthenticated:
		http.Redirect(w, r, "/sign-in", http.StatusSeeOther)
		return
	case care.KindTooManyRequests:
		v.Status, v.Heading = http.StatusTooManyRequests, "Too many attempts"
		v.Message = care.MessageOf(err)
	default:
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		v.Status, v.Heading = http.StatusInternalServerError, "Sorry, there is a problem with joinedup"
		v.Message = "Something went wrong on our side. Nothing you did caused it, and anything you were saving has not been saved."
		v.Advice = "Try again in a few minutes. If it keeps happening, contact your IT service desk and tell them the time it happened."
	}
	v.Title = v.Heading
	s.render(w, r, v.Status, "error", v)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, care.Errorf(care.KindNotFound, "Page not found"))
}

// formField is what the textField partial needs.
type formField struct {
	Name, Label, Value, Error string
	Type, Autocomplete, Hint  string
	Width                     string
}

// field builds a formField in a template: name, label, value, error, then
// optional "key=value" settings (type, autocomplete, hint, width).
func field(name, label, value, errMsg string, opts ...string) formField {
	f := formField{Name: name, Label: label, Value: value, Error: errMsg}
	for _, o := range opts {
		k, v, _ := strings.Cut(o, "=")
		switch k {
		case "type":
			f.Type = v
		case "autocomplete":
			f.Autocomplete = v
		case "hint":
			f.Hint = v
		case "width":
			f.Width = v
		}
	}
	return f
}

// teamOf names a team with the organisation it belongs to, "Hackney
// Community Health Services – District Nursing Team", without saying the
// organisation twice when the team's name already starts with it.
func teamOf(org, team string) string {
	switch {
	case team == "":
		return org
	case org == "" || strings.HasPrefix(team, org):
		return team
	}
	return org + " – " + team
}
