package oruk

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/directory"
	"github.com/joinedup/joinedup/internal/geo"
)

// This file reads HSDS 3.0 JSON from other directories for import: a list
// of services or organisations, one object, or a paged envelope of them,
// streamed item by item so a feed of any size fits in memory.

// FeedItem is one organisation or service read from a feed, mapped to the
// domain. Exactly one of Organisation and Service is set.
type FeedItem struct {
	// Number counts items from 1 in file order, services nested in an
	// organisation included, so a rejected item can be found.
	Number       int
	Organisation *care.Organisation
	Service      *ImportedService
}

// ImportedService is a service from a feed and what comes with it.
type ImportedService struct {
	Service care.Service
	// Organisation is the external id of the organisation that runs it.
	Organisation string
	// EmbeddedOrganisation is set when the feed gave the organisation in
	// full inside the service.
	EmbeddedOrganisation *care.Organisation
	Contacts             []care.Contact
}

// FeedReport counts what happened to every item of a feed.
type FeedReport struct {
	Items, Organisations, Services int
	RejectedCount                  int
	Rejected                       []directory.RejectedRow
	// Warnings note items imported with something left out, such as a
	// service with no need joinedup recognises.
	Warnings []directory.RejectedRow
}

func (r *FeedReport) reject(n int, format string, args ...any) {
	r.RejectedCount++
	if len(r.Rejected) < directory.MaxRejectedListed {
		r.Rejected = append(r.Rejected, directory.RejectedRow{Row: n, Reason: fmt.Sprintf(format, args...)})
	}
}

func (r *FeedReport) warn(n int, format string, args ...any) {
	if len(r.Warnings) < directory.MaxRejectedListed {
		r.Warnings = append(r.Warnings, directory.RejectedRow{Row: n, Reason: fmt.Sprintf(format, args...)})
	}
}

// maxItemBytes bounds one item, so a broken feed cannot exhaust memory.
const maxItemBytes = 4 << 20

// ReadFeed streams HSDS items from r to fn. An item that cannot be mapped is
// counted and listed with its number and reason, and skipped; a feed that is
// not JSON, or an error from fn, stops the read.
func ReadFeed(r io.Reader, fn func(FeedItem) error) (FeedReport, error) {
	fr := &feedReader{dec: json.NewDecoder(r), fn: fn, las: directory.LocalAuthorityCodes(),
		gss: regexp.MustCompile(`\b[ENSW]\d{8}\b`)}
	err := fr.top()
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		err = care.Errorf(care.KindInvalid, "The feed ends part-way through an item.")
	}
	return fr.rep, err
}

type feedReader struct {
	dec *json.Decoder
	fn  func(FeedItem) error
	rep FeedReport
	las map[string]string
	// gss finds ONS codes in text.
	gss *regexp.Regexp
}

func (fr *feedReader) top() error {
	tok, err := fr.dec.Token()
	if err != nil {
		return care.Errorf(care.KindInvalid, "The feed is not JSON.")
	}
	switch tok {
	case json.Delim('['):
		return fr.array()
	case json.Delim('{'):
		// Either an envelope with "contents" or a single item: collect the
		// fields, streaming "contents" if it comes.
		fields := map[string]json.RawMessage{}
		for fr.dec.More() {
			kt, err := fr.dec.Token()
			if err != nil {
				return syntaxError(err)
			}
			key, _ := kt.(string)
			if key == "contents" {
				if t, err := fr.dec.Token(); err != nil || t != json.Delim('[') {
					return care.Errorf(care.KindInvalid, "The feed's contents is not a list.")
				}
				if err := fr.array(); err != nil {
					return err
				}
				fields["contents"] = nil
				continue
			}
			var v json.RawMessage
			if err := fr.dec.Decode(&v); err != nil {
				return syntaxError(err)
			}
			fields[key] = v
		}
		if _, ok := fields["contents"]; ok {
			return nil
		}
		raw, err := json.Marshal(fields)
		if err != nil {
			return err
		}
		return fr.item(raw)
	default:
		return care.Errorf(care.KindInvalid, "The feed must be a JSON list or object.")
	}
}

func (fr *feedReader) array() error {
	for fr.dec.More() {
		var raw json.RawMessage
		if err := fr.dec.Decode(&raw); err != nil {
			return syntaxError(err)
		}
		if err := fr.item(raw); err != nil {
			return err
		}
	}
	_, err := fr.dec.Token() // the closing ]
	return err
}

func syntaxError(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return care.Errorf(care.KindInvalid, "The feed is not valid JSON at byte %d.", se.Offset)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return err
	}
	return care.Errorf(care.KindInvalid, "The feed cannot be read: %v", err)
}

func (fr *feedReader) item(raw json.RawMessage) error {
	fr.rep.Items++
	n := fr.rep.Items
	if len(raw) > maxItemBytes {
		fr.rep.reject(n, "the item is larger than %d MB", maxItemBytes>>20)
		return nil
	}
	var probe map[string]json.RawMessage
	if err := json.Unmarshal(raw, &probe); err != nil {
		fr.rep.reject(n, "it is not a JSON object")
		return nil
	}
	if _, isService := probe["status"]; isService {
		var s Service
		if err := json.Unmarshal(raw, &s); err != nil {
			fr.rep.reject(n, "a field has the wrong type: %s", typeProblem(err))
			return nil
		}
		return fr.service(n, s, "")
	}
	var o Organization
	if err := json.Unmarshal(raw, &o); err != nil {
		fr.rep.reject(n, "a field has the wrong type: %s", typeProblem(err))
		return nil
	}
	org, reason := fr.organisation(o)
	if reason != "" {
		fr.rep.reject(n, "%s", reason)
		return nil
	}
	fr.rep.Organisations++
	if err := fr.fn(FeedItem{Number: n, Organisation: &org}); err != nil {
		return err
	}
	for _, s := range o.Services {
		fr.rep.Items++
		if err := fr.service(fr.rep.Items, s, org.ExternalID); err != nil {
			return err
		}
	}
	return nil
}

func typeProblem(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("%s should be a %s", te.Field, te.Type.Kind())
	}
	return "the item cannot be read"
}

// externalID is how an imported entry is matched on the next import.
func externalID(id string) string { return "oruk:" + id }

func cleanPhone(s string) string { return strings.Trim(strings.TrimSpace(s), `"'`) }

func (fr *feedReader) organisation(o Organization) (care.Organisation, string) {
	if strings.TrimSpace(o.ID) == "" {
		return care.Organisation{}, "the organisation has no id"
	}
	org := care.Organisation{Name: strings.TrimSpace(o.Name), Kind: care.OrgVCS, Description: strings.TrimSpace(o.Description),
		Status: care.OrgActive, ExternalID: externalID(o.ID)}
	if strings.HasPrefix(o.Website, "https://") {
		org.Website = o.Website
	}
	for _, p := range o.Phones {
		if n := cleanPhone(p.Number); n != "" {
			org.Phone = n
			break
		}
	}
	for _, id := range o.OrganizationIdentifiers {
		if strings.Contains(strings.ToLower(id.IdentifierType+id.IdentifierScheme), "ods") {
			org.ODSCode = strings.ToUpper(strings.TrimSpace(id.Identifier))
		}
	}
	for _, l := range o.Locations {
		for _, a := range l.Addresses {
			if p, err := geo.ParsePostcode(a.PostalCode); err == nil && org.Postcode == "" {
				org.Postcode = p.String()
				org.Address = strings.TrimSpace(a.Address1)
			}
		}
	}
	if err := org.Validate(); err != nil {
		// A bad phone number or website should not stop the organisation.
		fields := care.FieldsOf(err)
		org.Phone, org.Website = dropIf(fields, "phone", org.Phone), dropIf(fields, "website", org.Website)
		if err := org.Validate(); err != nil {
			return org, "the organisation " + firstProblem(err)
		}
	}
	return org, ""
}

func dropIf(fields care.FieldErrors, name, v string) string {
	if fields.Message(name) != "" {
		return ""
	}
	return v
}

func firstProblem(err error) string {
	if f := care.FieldsOf(err); len(f) > 0 {
		return "is not valid: " + strings.ToLower(f[0].Message[:1]) + f[0].Message[1:]
	}
	return "is not valid: " + care.MessageOf(err)
}

// areas reads a service area: ONS codes in its extent or address, a council
// named in words, or postcode districts.
func (fr *feedReader) areas(a ServiceArea) []care.CatchmentArea {
	var out []care.CatchmentArea
	for _, code := range fr.gss.FindAllString(a.Extent+" "+a.URI+" "+a.Name, -1) {
		kind := care.CatchLocalAuthority
		if strings.HasPrefix(code, "E05") || strings.HasPrefix(code, "W05") || strings.HasPrefix(code, "S13") {
			kind = care.CatchWard
		}
		out = append(out, care.CatchmentArea{Kind: kind, Code: code})
	}
	if len(out) > 0 {
		return out
	}
	for _, text := range []string{a.Name, a.Extent} {
		if code, ok := fr.las[strings.ToLower(strings.TrimSpace(text))]; ok {
			return []care.CatchmentArea{{Kind: care.CatchLocalAuthority, Code: code}}
		}
		if areas, err := directory.ParsePostcodeAreas(text); err == nil && len(areas) > 0 {
			return areas
		}
	}
	return nil
}

func (fr *feedReader) service(n int, s Service, orgExternal string) error {
	is, reason := fr.mapService(n, s, orgExternal)
	if reason != "" {
		fr.rep.reject(n, "%s", reason)
		return nil
	}
	fr.rep.Services++
	return fr.fn(FeedItem{Number: n, Service: is})
}

func (fr *feedReader) mapService(n int, s Service, orgExternal string) (*ImportedService, string) {
	if strings.TrimSpace(s.ID) == "" {
		return nil, "the service has no id"
	}
	is := &ImportedService{Organisation: orgExternal}
	if s.Organization != nil && s.Organization.ID != "" {
		org, reason := fr.organisation(*s.Organization)
		if reason != "" {
			return nil, reason
		}
		is.EmbeddedOrganisation, is.Organisation = &org, org.ExternalID
	} else if s.OrganizationID != "" {
		is.Organisation = externalID(s.OrganizationID)
	}
	if is.Organisation == "" {
		return nil, fmt.Sprintf("the service %q does not say which organisation runs it", clip(s.Name))
	}
	sv := care.Service{Name: strings.TrimSpace(s.Name), Description: strings.TrimSpace(s.Description),
		Status: care.ServiceActive, ExternalID: externalID(s.ID), TypicalWait: strings.TrimSpace(s.WaitTime),
		Capacity: care.Capacity{State: care.CapacityAccepting}}
	if sv.Description == "" {
		sv.Description = sv.Name
	}
	if s.Status != "active" {
		sv.Status = care.ServiceInactive
	}
	if strings.HasPrefix(s.URL, "https://") {
		sv.Website = s.URL
	}
	sv.Eligibility.Text = strings.TrimSpace(s.EligibilityDescription)
	if s.MinimumAge != nil && *s.MinimumAge >= 0 && *s.MinimumAge <= 120 {
		sv.Eligibility.MinAge = int(*s.MinimumAge)
	}
	if s.MaximumAge != nil && *s.MaximumAge >= 0 && *s.MaximumAge <= 120 {
		sv.Eligibility.MaxAge = int(*s.MaximumAge)
	}
	for _, p := range s.Phones {
		if num := cleanPhone(p.Number); num != "" && sv.Referral.Phone == "" {
			sv.Referral.Phone = num
			sv.Referral.Methods = append(sv.Referral.Methods, care.ReferByPhone)
		}
	}
	if s.Email != "" {
		sv.Referral.Email = strings.TrimSpace(s.Email)
		sv.Referral.Methods = append(sv.Referral.Methods, care.ReferByEmail)
	}
	if len(sv.Referral.Methods) == 0 && sv.Website != "" {
		sv.Referral.Methods, sv.Referral.FormURL = []care.ReferralMethod{care.ReferByForm}, sv.Website
	}
	if len(sv.Referral.Methods) == 0 {
		return nil, fmt.Sprintf("the service %q gives no phone, email or https web address to refer by", clip(sv.Name))
	}
	sv.Referral.MustInclude = strings.TrimSpace(s.ApplicationProcess)
	if t, err := time.Parse("2006-01-02", s.AssuredDate); err == nil {
		sv.Verified = care.Verification{At: t, ByName: "Open Referral UK feed (assured date)"}
	}
	for _, a := range s.ServiceAreas {
		sv.Catchment = append(sv.Catchment, fr.areas(a)...)
	}
	if len(sv.Catchment) == 0 {
		return nil, fmt.Sprintf("the service %q has no service area joinedup understands: give an ONS code, a council's name or postcode districts", clip(sv.Name))
	}
	for _, at := range s.Attributes {
		if t := at.TaxonomyTerm; t != nil {
			if need, ok := needOf(*t); ok && !contains(sv.Needs, need) {
				sv.Needs = append(sv.Needs, need)
			}
		}
	}
	if len(sv.Needs) == 0 {
		fr.rep.warn(n, "the service %q names no need in the %s taxonomy, so only a search of its words will find it", clip(sv.Name), care.NeedsVocabulary)
	}
	for _, sal := range s.ServiceAtLocations {
		if sal.Location == nil {
			continue
		}
		for _, a := range sal.Location.Addresses {
			if p, err := geo.ParsePostcode(a.PostalCode); err == nil && sv.Postcode == "" {
				sv.Postcode = p.String()
			}
		}
	}
	sv.Hours = hoursOf(s.Schedules)
	for _, c := range s.Contacts {
		contact := care.Contact{Name: strings.TrimSpace(c.Name), Role: strings.TrimSpace(c.Title), Email: strings.TrimSpace(c.Email)}
		for _, p := range c.Phones {
			if num := cleanPhone(p.Number); num != "" && contact.Phone == "" {
				contact.Phone = num
			}
		}
		if contact.Role == "" {
			contact.Role = "Contact"
		}
		contact.Duty = contact.Name == ""
		contact.TeamID = "to be set" // the importer places it in the organisation's team
		if contact.Validate() != nil {
			fr.rep.warn(n, "a contact of %q was left out: it has no valid phone number or email address", clip(sv.Name))
			continue
		}
		contact.TeamID = ""
		is.Contacts = append(is.Contacts, contact)
	}
	is.Service = sv
	check := sv
	check.OrganisationID = "to be set"
	if err := check.Validate(); err != nil {
		return nil, fmt.Sprintf("the service %q %s", clip(sv.Name), firstProblem(err))
	}
	return is, ""
}

// needOf recognises a need from a taxonomy term: by code in joinedup's own
// vocabulary, or by its label in any.
func needOf(t TaxonomyTerm) (string, bool) {
	if n, ok := care.NeedByCode(t.Code); ok && !n.Deprecated {
		return n.Code, true
	}
	for _, n := range care.Needs() {
		if !n.Deprecated && strings.EqualFold(n.Label, strings.TrimSpace(t.Name)) {
			return n.Code, true
		}
	}
	return "", false
}

// hoursOf reads weekly schedules with opening times into opening hours.
func hoursOf(schedules []Schedule) care.OpeningHours {
	var parts []string
	seen := map[string]bool{}
	for _, s := range schedules {
		if s.Freq != "" && s.Freq != "WEEKLY" {
			continue
		}
		opens, closes := clockOf(s.OpensAt), clockOf(s.ClosesAt)
		if opens == "" || closes == "" {
			continue
		}
		for _, d := range strings.Split(s.Byday, ",") {
			day := map[string]string{"MO": "mon", "TU": "tue", "WE": "wed", "TH": "thu", "FR": "fri", "SA": "sat", "SU": "sun"}[strings.TrimSpace(d)]
			if day == "" || seen[day] {
				continue
			}
			seen[day] = true
			parts = append(parts, day+" "+opens+"-"+closes)
		}
	}
	h, err := care.ParseOpeningHours(strings.Join(parts, "; "))
	if err != nil {
		return care.OpeningHours{}
	}
	return h
}

// clockOf turns "10:00:00" or "10:00" into "10:00".
func clockOf(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 5 && s[2] == ':' {
		if _, err := care.ParseClock(s[:5]); err == nil {
			return s[:5]
		}
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}
