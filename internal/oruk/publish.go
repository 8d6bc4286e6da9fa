package oruk

import (
	"strings"
	"time"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/directory"
)

// This file maps the directory to HSDS for publishing.

// NeedsTaxonomyID is the id of the needs taxonomy.
func NeedsTaxonomyID() string { return derivedID("taxonomy", care.NeedsVocabulary) }

// TermID is the id of a need's taxonomy term.
func TermID(code string) string { return derivedID("need", code) }

// needsTaxonomy describes the needs taxonomy.
func needsTaxonomy() Taxonomy {
	return Taxonomy{ID: NeedsTaxonomyID(), Name: care.NeedsVocabulary, Version: "1",
		Description: "The needs a person may need help with that a service in the joinedup directory can meet."}
}

// term is a need as an HSDS taxonomy term.
func term(n care.Need) TaxonomyTerm {
	t := TaxonomyTerm{ID: TermID(n.Code), Code: n.Code, Name: n.Label, Description: n.Description,
		Taxonomy: care.NeedsVocabulary, Language: "eng"}
	if n.Parent != "" {
		t.ParentID = TermID(n.Parent)
	}
	return t
}

// weekdayCode is the iCalendar code HSDS schedules use for a day.
func weekdayCode(d time.Weekday) string { return strings.ToUpper(d.String()[:2]) }

// publishService maps a listing to an HSDS service. areaName names council
// areas, describe names catchment areas, and need finds a need by code (from
// the index's table: building the taxonomy for every service would cost
// more than the rest of the mapping).
func publishService(l directory.Listing, areaName func(string) string, describe func(care.CatchmentArea) string,
	need func(string) (care.Need, bool)) Service {
	sv, org := l.Service, l.Organisation
	out := Service{
		ID: sv.ID, OrganizationID: org.ID, Name: sv.Name, Description: sv.Description, URL: sv.Website,
		Email: sv.Referral.Email, Status: "active", WaitTime: sv.TypicalWait,
		EligibilityDescription: sv.Eligibility.Text, LastModified: sv.UpdatedAt.UTC().Format(time.RFC3339),
		Organization: &Organization{ID: org.ID, Name: org.Name, Description: org.Description, Website: org.Website},
	}
	if sv.Status != care.ServiceActive {
		out.Status = "inactive"
	}
	if sv.Eligibility.MinAge > 0 {
		a := float64(sv.Eligibility.MinAge)
		out.MinimumAge = &a
	}
	if sv.Eligibility.MaxAge > 0 {
		a := float64(sv.Eligibility.MaxAge)
		out.MaximumAge = &a
	}
	if !sv.Verified.At.IsZero() {
		out.AssuredDate = sv.Verified.At.UTC().Format("2006-01-02")
	}
	if sv.Capacity.State != care.CapacityAccepting {
		out.Alert = sv.Capacity.Summary() + "."
	}
	var how []string
	for _, m := range sv.Referral.Methods {
		how = append(how, m.Label())
	}
	out.ApplicationProcess = "How to refer: " + strings.Join(how, "; ") + "."
	if sv.Referral.FormURL != "" {
		out.ApplicationProcess += " Referral form: " + sv.Referral.FormURL + "."
	}
	if sv.Referral.MustInclude != "" {
		out.ApplicationProcess += " A referral must include: " + sv.Referral.MustInclude
	}
	if sv.Referral.Phone != "" {
		out.Phones = append(out.Phones, Phone{ID: derivedID("service-phone", sv.ID), Number: sv.Referral.Phone,
			Type: "voice", Description: "Referrals"})
	}
	for d := range 7 {
		day := sv.Hours.Days[(d+1)%7] // Monday first
		if !day.Open {
			continue
		}
		wd := weekdayCode(time.Weekday((d + 1) % 7))
		interval := 1
		note := "Closed on bank holidays in England and Wales."
		if sv.Hours.BankHolidays == care.BankHolidaysOpen {
			note = "Open on bank holidays in England and Wales."
		}
		out.Schedules = append(out.Schedules, Schedule{ID: derivedID("schedule", sv.ID, wd), Freq: "WEEKLY", Wkst: "MO",
			Interval: &interval, Byday: wd, OpensAt: care.FormatClock(day.Opens), ClosesAt: care.FormatClock(day.Closes), Notes: note})
	}
	for _, a := range sv.Catchment {
		area := ServiceArea{ID: derivedID("service-area", sv.ID, a.String()), Name: describe(a), Extent: a.Code}
		switch a.Kind {
		case care.CatchLocalAuthority, care.CatchWard:
			area.ExtentType = "ons_gss_code"
			area.URI = "https://statistics.data.gov.uk/id/statistical-geography/" + a.Code
		case care.CatchOutcode:
			area.ExtentType = "postcode_district"
		case care.CatchSector:
			area.ExtentType = "postcode_sector"
		case care.CatchPractice:
			area.ExtentType = "gp_practice_ods_code"
		}
		out.ServiceAreas = append(out.ServiceAreas, area)
	}
	for _, c := range l.DutyLines {
		pc := Contact{ID: c.ID, Title: c.Role, Email: c.Email}
		if c.Phone != "" {
			pc.Phones = []Phone{{ID: derivedID("contact-phone", c.ID), Number: c.Phone, Type: "voice", Description: c.Hours}}
		}
		out.Contacts = append(out.Contacts, pc)
	}
	for _, code := range sv.Needs {
		n, ok := need(code)
		if !ok {
			continue
		}
		t := term(n)
		out.Attributes = append(out.Attributes, Attribute{ID: derivedID("attribute", sv.ID, code), LinkID: sv.ID,
			LinkType: "service", LinkEntity: "service", TaxonomyTermID: t.ID, TaxonomyTerm: &t})
	}
	if loc := publishLocation(l, areaName); loc != nil {
		out.ServiceAtLocations = []ServiceAtLocation{{ID: derivedID("service-at-location", sv.ID), ServiceID: sv.ID,
			LocationID: loc.ID, Location: loc}}
	}
	return out
}

// publishLocation is where a service is based, if known.
func publishLocation(l directory.Listing, areaName func(string) string) *Location {
	postcode := l.Service.Postcode
	if postcode == "" {
		postcode = l.Organisation.Postcode
	}
	if postcode == "" && !l.HasPosition {
		return nil
	}
	loc := &Location{ID: derivedID("location", l.Service.ID), LocationType: "physical", Name: l.Organisation.Name}
	if l.HasPosition {
		lat, lon := l.Position.Lat, l.Position.Lon
		loc.Latitude, loc.Longitude = &lat, &lon
	}
	if postcode != "" {
		address := l.Organisation.Address
		if address == "" {
			address = l.Organisation.Name
		}
		city := ""
		if l.Organisation.LocalAuthorityGSS != "" {
			city = areaName(l.Organisation.LocalAuthorityGSS)
		}
		loc.Addresses = []Address{{ID: derivedID("address", l.Service.ID), Address1: address, City: city,
			StateProvince: "", PostalCode: postcode, Country: "GB", AddressType: "physical"}}
	}
	return loc
}
