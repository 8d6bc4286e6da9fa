package oruk

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/directory"
	"github.com/joinedup/joinedup/internal/geo"
)

// Paging limits. per_page above MaxPerPage is capped to it.
const (
	DefaultPerPage = 50
	MaxPerPage     = 100
	// DefaultProximity and MaxProximity bound /service_at_locations, in
	// metres.
	DefaultProximity = 5_000
	MaxProximity     = 100_000
)

// API serves the Open Referral UK endpoints from the directory's index. It
// needs no session and writes nothing.
type API struct {
	dir *directory.Index
	log *slog.Logger
	mux *http.ServeMux
}

// NewAPI builds the API. prefix is where it is mounted, such as
// "/api/oruk"; routes are matched under it.
func NewAPI(dir *directory.Index, log *slog.Logger, prefix string) *API {
	a := &API{dir: dir, log: log, mux: http.NewServeMux()}
	prefix = strings.TrimSuffix(prefix, "/")
	a.mux.HandleFunc("GET "+prefix+"/{$}", a.root)
	a.mux.HandleFunc("GET "+prefix+"/services", a.services)
	a.mux.HandleFunc("GET "+prefix+"/services/{id}", a.service)
	a.mux.HandleFunc("GET "+prefix+"/service_at_locations", a.serviceAtLocations)
	a.mux.HandleFunc("GET "+prefix+"/taxonomies", a.taxonomies)
	a.mux.HandleFunc("GET "+prefix+"/taxonomy_terms", a.taxonomyTerms)
	a.mux.HandleFunc(prefix+"/", a.notFound)
	return a
}

// Pattern names the route a request matches, for metrics and logs.
func (a *API) Pattern(r *http.Request) string {
	_, p := a.mux.Handler(r)
	return p
}

// ServeHTTP answers every request with JSON that any website may read.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	// Directory data is public, so caches may keep it, briefly.
	h.Set("Cache-Control", "public, max-age=60")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		a.fail(w, http.StatusMethodNotAllowed, "This API is read-only: use GET.")
		return
	}
	a.mux.ServeHTTP(w, r)
}

// problem is the JSON error body.
type problem struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (a *API) fail(w http.ResponseWriter, status int, message string) {
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(problem{Code: status, Message: message})
}

func (a *API) write(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		a.log.Error("oruk: encoding a response", "err", err)
		a.fail(w, http.StatusInternalServerError, "Something went wrong on our side.")
		return
	}
	w.Write(b)
}

func (a *API) notFound(w http.ResponseWriter, r *http.Request) {
	a.fail(w, http.StatusNotFound, "There is nothing at this address.")
}

type rootInfo struct {
	Version     string `json:"version"`
	Profile     string `json:"profile"`
	Description string `json:"description"`
	MaxPerPage  int    `json:"max_per_page"`
}

func (a *API) root(w http.ResponseWriter, r *http.Request) {
	a.write(w, rootInfo{Version: "3.0", Profile: "Open Referral UK",
		Description: "The joinedup directory of health, social care and community services, published as Open Referral UK (HSDS 3.0).",
		MaxPerPage:  MaxPerPage})
}

// paging reads page and per_page, or says what is wrong.
func paging(r *http.Request) (page, perPage int, msg string) {
	q := r.URL.Query()
	page, perPage = 1, DefaultPerPage
	if s := q.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return 0, 0, "page must be a whole number from 1."
		}
		page = n
	}
	if s := q.Get("per_page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return 0, 0, "per_page must be a whole number from 1 (at most " + strconv.Itoa(MaxPerPage) + " are returned)."
		}
		perPage = min(n, MaxPerPage)
	}
	if page > 1_000_000 {
		return 0, 0, "page is too large."
	}
	return page, perPage, ""
}

func envelope[T any](total, page, perPage int, contents []T) Page[T] {
	pages := (total + perPage - 1) / perPage
	if contents == nil {
		contents = []T{}
	}
	return Page[T]{TotalItems: total, TotalPages: pages, PageNumber: page, Size: perPage,
		FirstPage: page == 1, LastPage: page >= pages, Empty: len(contents) == 0, Contents: contents}
}

// needFilter reads taxonomy_term_id, which must name a need.
func needFilter(r *http.Request) (string, string) {
	id := r.URL.Query().Get("taxonomy_term_id")
	if id == "" {
		return "", ""
	}
	for _, n := range care.Needs() {
		if TermID(n.Code) == id {
			return n.Code, ""
		}
	}
	return "", "taxonomy_term_id must be the id of a term in /taxonomy_terms."
}

func (a *API) publish(l directory.Listing) Service {
	return publishService(l, a.dir.AreaName, a.dir.DescribeArea, a.dir.Need)
}

func (a *API) services(w http.ResponseWriter, r *http.Request) {
	page, perPage, msg := paging(r)
	need, msg2 := needFilter(r)
	if msg == "" {
		msg = msg2
	}
	text := r.URL.Query().Get("text")
	if len(text) > 200 {
		msg = "text must be 200 characters or fewer."
	}
	if msg != "" {
		a.fail(w, http.StatusBadRequest, msg)
		return
	}
	total, list := a.dir.Listings(directory.ListingQuery{Text: text, Need: need, Offset: (page - 1) * perPage, Limit: perPage})
	out := make([]Service, len(list))
	for i, l := range list {
		out[i] = a.publish(l)
	}
	a.write(w, envelope(total, page, perPage, out))
}

func (a *API) service(w http.ResponseWriter, r *http.Request) {
	l, ok := a.dir.Listing(r.PathValue("id"))
	if !ok {
		a.fail(w, http.StatusNotFound, "There is no service with that id.")
		return
	}
	a.write(w, a.publish(l))
}

func (a *API) serviceAtLocations(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, perPage, msg := paging(r)
	need, msg2 := needFilter(r)
	if msg == "" {
		msg = msg2
	}
	lq := directory.ListingQuery{Text: q.Get("text"), Need: need, Offset: (page - 1) * perPage, Limit: perPage}
	if pc := q.Get("postcode"); pc != "" && msg == "" {
		place, err := geo.ParsePostcodeOrOutcode(pc)
		if err != nil {
			msg = "postcode: " + care.MessageOf(err) + "."
		} else if at, ok := a.dir.Locate(place); !ok {
			msg = "postcode: " + place.String() + " is not a place the directory knows."
		} else {
			lq.Near, lq.Within = at, DefaultProximity
		}
	}
	if s := q.Get("proximity"); s != "" && msg == "" {
		n, err := strconv.Atoi(s)
		switch {
		case q.Get("postcode") == "":
			msg = "proximity needs a postcode to measure from."
		case err != nil || n < 1 || n > MaxProximity:
			msg = "proximity must be a whole number of metres from 1 to " + strconv.Itoa(MaxProximity) + "."
		default:
			lq.Within = float64(n)
		}
	}
	if msg != "" {
		a.fail(w, http.StatusBadRequest, msg)
		return
	}
	total, list := a.dir.Listings(lq)
	out := make([]ServiceAtLocation, 0, len(list))
	for _, l := range list {
		sv := a.publish(l)
		sal := ServiceAtLocation{ID: derivedID("service-at-location", sv.ID), ServiceID: sv.ID}
		if len(sv.ServiceAtLocations) > 0 {
			sal = sv.ServiceAtLocations[0]
		}
		if sal.Location != nil {
			sal.LocationID = sal.Location.ID
		}
		sv.ServiceAtLocations = nil
		sal.Service = &sv
		out = append(out, sal)
	}
	a.write(w, envelope(total, page, perPage, out))
}

func (a *API) taxonomies(w http.ResponseWriter, r *http.Request) {
	page, perPage, msg := paging(r)
	if msg != "" {
		a.fail(w, http.StatusBadRequest, msg)
		return
	}
	var out []Taxonomy
	if page == 1 {
		out = []Taxonomy{needsTaxonomy()}
	}
	a.write(w, envelope(1, page, perPage, out))
}

func (a *API) taxonomyTerms(w http.ResponseWriter, r *http.Request) {
	page, perPage, msg := paging(r)
	if id := r.URL.Query().Get("taxonomy_id"); id != "" && id != NeedsTaxonomyID() && msg == "" {
		msg = "taxonomy_id must be the id of a taxonomy in /taxonomies."
	}
	if msg != "" {
		a.fail(w, http.StatusBadRequest, msg)
		return
	}
	all := care.Needs()
	start := min((page-1)*perPage, len(all))
	end := min(start+perPage, len(all))
	out := make([]TaxonomyTerm, 0, end-start)
	for _, n := range all[start:end] {
		out = append(out, term(n))
	}
	a.write(w, envelope(len(all), page, perPage, out))
}
