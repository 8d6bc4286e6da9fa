package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/directory"
	"github.com/joinedup/joinedup/internal/store"
)

// This file serves directory search and the list of gaps in service.

// contactView is a contact with its links ready for a page. Phone numbers
// and addresses were validated when saved, so the links are safe.
type contactView struct {
	care.Contact
	Tel    template.URL
	Mailto template.URL
}

func viewContact(c care.Contact) contactView {
	v := contactView{Contact: c}
	if c.Phone != "" {
		v.Tel = template.URL("tel:" + strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' || r == '+' {
				return r
			}
			return -1
		}, c.Phone))
	}
	if c.Email != "" {
		v.Mailto = template.URL("mailto:" + url.PathEscape(c.Email))
	}
	return v
}

func viewContacts(cs []care.Contact) []contactView {
	out := make([]contactView, len(cs))
	for i, c := range cs {
		out[i] = viewContact(c)
	}
	return out
}

// hitView is a search result as the page shows it.
type hitView struct {
	directory.Hit
	Contacts  []contactView
	Distance  string
	Referral  []string
	AgeRule   string
	Verified  string
	NeedNames string
	Figures   figuresView
}

// distanceText writes a distance in miles, as people in England measure
// them, and says when it is approximate.
func distanceText(h directory.Hit) string {
	if !h.HasDistance {
		return ""
	}
	miles := h.Distance / 1609.344
	var s string
	switch {
	case miles < 0.1:
		s = "less than 0.1 miles"
	case miles < 10:
		s = fmt.Sprintf("%.1f miles", miles)
	default:
		s = fmt.Sprintf("%.0f miles", miles)
	}
	if h.DistanceApprox {
		s = "about " + s
	}
	return s
}

func verifiedText(v care.Verification, loc *time.Location) string {
	if v.At.IsZero() {
		return "Never checked"
	}
	s := "Last checked " + v.At.In(loc).Format("2 January 2006")
	if v.ByName != "" {
		s += " by " + v.ByName
	}
	return s
}

func viewHit(h directory.Hit, loc *time.Location) hitView {
	v := hitView{Hit: h, Contacts: viewContacts(h.Contacts), Distance: distanceText(h),
		AgeRule: h.Service.Eligibility.AgeRule(), Verified: verifiedText(h.Service.Verified, loc)}
	for _, m := range h.Service.Referral.Methods {
		v.Referral = append(v.Referral, m.Label())
	}
	var names []string
	for _, n := range h.Matched {
		names = append(names, n.Label)
	}
	v.NeedNames = strings.Join(names, ", ")
	return v
}

type searchView struct {
	Page
	Query directory.Query
	// NeedGroups are the options of the need list, built here rather than
	// in the template: the page is the busiest in joinedup.
	NeedGroups   []optionGroup
	Searched     bool
	Result       directory.Result
	Eligible     []hitView
	NotAvailable []hitView
	Notices      []string
	Looking      string
	GapRecorded  bool
}

func (s *Server) directorySearch(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	q := r.URL.Query()
	v := searchView{Page: s.page(r, "Find a service"),
		Query: directory.Query{Need: q.Get("need"), Text: q.Get("text"), Postcode: q.Get("postcode"),
			Practice: q.Get("practice"), Age: q.Get("age")}}
	for _, group := range s.dir.NeedGroups() {
		g := optionGroup{Label: group[0].Label}
		for _, n := range group {
			label := n.Label
			if n.TopLevel() {
				label += " (any)"
			}
			g.Options = append(g.Options, option{Value: n.Code, Label: label, Checked: n.Code == v.Query.Need})
		}
		v.NeedGroups = append(v.NeedGroups, g)
	}
	v.Searched = q.Has("postcode") || q.Has("text") || q.Has("need")
	if !v.Searched {
		// Someone working in a GP practice usually searches for its own
		// patients, so their practice is filled in for them.
		if o, ok := s.dir.Organisation(actor.Acting.OrgID); ok && o.Kind == care.OrgGPPractice {
			v.Query.Practice = o.ODSCode
		}
		s.render(w, r, http.StatusOK, "directory-search", v)
		return
	}
	res, err := s.dir.Search(v.Query)
	if care.IsKind(err, care.KindInvalid) {
		v.Title = "Error: Find a service"
		v.Errors = care.FieldsOf(err)
		v.Searched = false
		s.render(w, r, http.StatusBadRequest, "directory-search", v)
		return
	}
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v.Result = res
	if res.Gap != nil {
		if err := s.store.RecordServiceGap(r.Context(), *res.Gap); err != nil {
			s.renderError(w, r, err)
			return
		}
		v.GapRecorded = true
	}
	for _, h := range res.Eligible {
		v.Eligible = append(v.Eligible, viewHit(h, s.loc))
	}
	for _, h := range res.NotAvailable {
		v.NotAvailable = append(v.NotAvailable, viewHit(h, s.loc))
	}
	if err := s.fillHitFigures(r.Context(), v.Eligible, v.NotAvailable); err != nil {
		s.renderError(w, r, err)
		return
	}
	pl := res.Place
	switch {
	case pl.FellBack:
		v.Notices = append(v.Notices, fmt.Sprintf("We could not find the postcode %s, so these results are for the %s area. Check the postcode, and check the person lives in each service's area.", pl.Typed, pl.Outcode))
	case !pl.Full:
		v.Notices = append(v.Notices, fmt.Sprintf("You entered the postcode district %s, so distances are from the middle of it. Enter the full postcode for exact results.", pl.Outcode))
	case pl.Approximate:
		v.Notices = append(v.Notices, fmt.Sprintf("Distances are from the middle of the %s area.", pl.Outcode))
	}
	var looking []string
	for _, n := range res.Needs {
		looking = append(looking, n.Need.Label)
	}
	v.Looking = strings.Join(looking, ", ")
	v.Title = "Find a service: results"
	s.render(w, r, http.StatusOK, "directory-search", v)
}

type gapRow struct {
	store.GapSummary
	Need string
	Area string
}

type gapsView struct {
	Page
	Days  string
	Area  string
	Areas []care.Organisation
	Rows  []gapRow
	From  string
	To    string
}

func (s *Server) directoryGaps(w http.ResponseWriter, r *http.Request, actor care.Actor) {
	if !s.requireAction(w, r, actor, care.ActionViewServiceGaps) {
		return
	}
	q := r.URL.Query()
	v := gapsView{Page: s.page(r, "Gaps in service"), Days: q.Get("days"), Area: q.Get("area")}
	days := map[string]int{"30": 30, "90": 90, "365": 365}[v.Days]
	if days == 0 {
		v.Days, days = "90", 90
	}
	today := time.Now().In(s.loc)
	v.From, v.To = today.AddDate(0, 0, -days+1).Format("2006-01-02"), today.Format("2006-01-02")
	areas, err := s.store.OrganisationsOfKind(r.Context(), care.OrgLocalAuthority)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	v.Areas = areas
	list, err := s.store.ServiceGaps(r.Context(), actor, store.GapFilter{From: v.From, To: v.To, LocalAuthority: v.Area})
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	for _, g := range list {
		row := gapRow{GapSummary: g, Need: "Not matched to a need", Area: "Not known"}
		if n, ok := s.dir.Need(g.NeedCode); ok {
			row.Need = n.Label
		}
		if g.LocalAuthority != "" {
			row.Area = s.dir.AreaName(g.LocalAuthority)
		}
		v.Rows = append(v.Rows, row)
	}
	s.render(w, r, http.StatusOK, "directory-gaps", v)
}
