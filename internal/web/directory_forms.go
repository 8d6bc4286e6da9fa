package web

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/directory"
	"github.com/joinedup/joinedup/internal/geo"
)

// This file turns the directory's edit forms into entries and back. A form
// keeps exactly what was typed, so a page that fails validation shows it
// again with each problem at its field.

// option is one checkbox, radio or select option.
type option struct {
	// ID is the input's id: the first of a group takes the field's name,
	// so the error summary's link lands on it.
	ID           string
	Value, Label string
	Checked      bool
}

// numberOptions gives a group of options ids: name for the first, then
// name-2, name-3 and so on.
func numberOptions(name string, opts []option) {
	for i := range opts {
		opts[i].ID = name
		if i > 0 {
			opts[i].ID = name + "-" + strconv.Itoa(i+1)
		}
	}
}

// optionGroup is a fieldset of options, such as the needs beneath one
// top-level need.
type optionGroup struct {
	ID      string
	Label   string
	Options []option
}

// dayForm is one day's opening hours as typed.
type dayForm struct {
	Code   string // "mon"
	Name   string // "Monday"
	Opens  string
	Closes string
	Error  string
}

// weekOrder is the days of the week as forms list them, Monday first.
func weekOrder() [7]time.Weekday {
	return [7]time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}
}

func hoursForm(h care.OpeningHours) ([7]dayForm, string) {
	var days [7]dayForm
	for i, d := range weekOrder() {
		days[i] = dayForm{Code: strings.ToLower(d.String()[:3]), Name: d.String()}
		if dh := h.Days[d]; dh.Open {
			days[i].Opens, days[i].Closes = care.FormatClock(dh.Opens), care.FormatClock(dh.Closes)
		}
	}
	bank := string(h.BankHolidays)
	if bank == "" {
		bank = string(care.BankHolidaysClosed)
	}
	return days, bank
}

func readHours(form url.Values) ([7]dayForm, string) {
	days, _ := hoursForm(care.OpeningHours{})
	for i := range days {
		days[i].Opens = strings.TrimSpace(form.Get(days[i].Code + "_opens"))
		days[i].Closes = strings.TrimSpace(form.Get(days[i].Code + "_closes"))
	}
	return days, form.Get("bank_holidays")
}

// parseHours turns the typed hours into OpeningHours, adding a problem for
// each day that does not make sense. A week with no hours at all means the
// hours are not known.
func parseHours(days *[7]dayForm, bank string, errs *care.FieldErrors) care.OpeningHours {
	var h care.OpeningHours
	open := false
	for i := range days {
		d := &days[i]
		if d.Opens == "" && d.Closes == "" {
			continue
		}
		opens, err1 := care.ParseClock(d.Opens)
		closes, err2 := care.ParseClock(d.Closes)
		switch {
		case d.Opens == "" || d.Closes == "":
			d.Error = "Enter both the opening and the closing time for " + d.Name + ", or neither if closed"
		case err1 != nil || err2 != nil:
			d.Error = "Enter times for " + d.Name + " like 09:00 and 17:30"
		case opens >= closes || opens == 24*60:
			d.Error = "On " + d.Name + " the opening time must be before the closing time"
		default:
			h.Days[weekOrder()[i]] = care.DayHours{Open: true, Opens: opens, Closes: closes}
			open = true
			continue
		}
		errs.Add("hours_"+d.Code, d.Error)
	}
	if !open {
		return care.OpeningHours{}
	}
	switch care.BankHolidayRule(bank) {
	case care.BankHolidaysOpen:
		h.BankHolidays = care.BankHolidaysOpen
	default:
		h.BankHolidays = care.BankHolidaysClosed
	}
	return h
}

// serviceForm is the service edit form as typed.
type serviceForm struct {
	Version      string
	Name         string
	Description  string
	Team         string
	Status       string
	Needs        []string
	RequiredNeed string
	Eligibility  string
	MinAge       string
	MaxAge       string
	LAs          []string
	Postcodes    string
	Practices    string
	Wards        string
	Methods      []string
	Phone        string
	Email        string
	FormURL      string
	MustInclude  string
	TypicalWait  string
	Capacity     string
	WaitBand     string
	Days         [7]dayForm
	BankHolidays string
	Postcode     string
	Website      string
}

func ageText(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func serviceFormOf(sv care.Service) serviceForm {
	f := serviceForm{Version: strconv.Itoa(sv.Version), Name: sv.Name, Description: sv.Description, Team: sv.TeamID,
		Status: string(sv.Status), Needs: sv.Needs, Eligibility: sv.Eligibility.Text,
		MinAge: ageText(sv.Eligibility.MinAge), MaxAge: ageText(sv.Eligibility.MaxAge),
		Phone: sv.Referral.Phone, Email: sv.Referral.Email, FormURL: sv.Referral.FormURL, MustInclude: sv.Referral.MustInclude,
		TypicalWait: sv.TypicalWait, Capacity: string(sv.Capacity.State), WaitBand: string(sv.Capacity.WaitBand),
		Postcode: sv.Postcode, Website: sv.Website}
	if len(sv.Eligibility.RequiredNeeds) > 0 {
		f.RequiredNeed = sv.Eligibility.RequiredNeeds[0]
	}
	var postcodes, practices, wards []string
	for _, a := range sv.Catchment {
		switch a.Kind {
		case care.CatchLocalAuthority:
			f.LAs = append(f.LAs, a.Code)
		case care.CatchOutcode, care.CatchSector:
			postcodes = append(postcodes, a.Code)
		case care.CatchPractice:
			practices = append(practices, a.Code)
		case care.CatchWard:
			wards = append(wards, a.Code)
		}
	}
	f.Postcodes, f.Practices, f.Wards = strings.Join(postcodes, ", "), strings.Join(practices, ", "), strings.Join(wards, ", ")
	for _, m := range sv.Referral.Methods {
		f.Methods = append(f.Methods, string(m))
	}
	f.Days, f.BankHolidays = hoursForm(sv.Hours)
	if f.Status == "" {
		f.Status = string(care.ServiceActive)
	}
	if f.Capacity == "" {
		f.Capacity = string(care.CapacityAccepting)
	}
	return f
}

func readServiceForm(form url.Values) serviceForm {
	f := serviceForm{Version: form.Get("version"), Name: strings.TrimSpace(form.Get("name")),
		Description: strings.TrimSpace(form.Get("description")), Team: form.Get("team"), Status: form.Get("status"),
		Needs: form["needs"], RequiredNeed: form.Get("required_need"), Eligibility: strings.TrimSpace(form.Get("eligibility")),
		MinAge: strings.TrimSpace(form.Get("min_age")), MaxAge: strings.TrimSpace(form.Get("max_age")),
		LAs: form["catchment_la"], Postcodes: form.Get("catchment_postcodes"), Practices: form.Get("catchment_practices"),
		Wards: form.Get("catchment_wards"), Methods: form["referral_methods"],
		Phone: strings.TrimSpace(form.Get("referral_phone")), Email: strings.TrimSpace(form.Get("referral_email")),
		FormURL: strings.TrimSpace(form.Get("referral_form_url")), MustInclude: strings.TrimSpace(form.Get("referral_must_include")),
		TypicalWait: strings.TrimSpace(form.Get("typical_wait")), Capacity: form.Get("capacity"), WaitBand: form.Get("wait_band"),
		Postcode: strings.TrimSpace(form.Get("postcode")), Website: strings.TrimSpace(form.Get("website"))}
	f.Days, f.BankHolidays = readHours(form)
	return f
}

// service turns the form into a service based on base (its id and
// organisation), with every problem found. Problems the service's own
// validation finds are added by the store.
func (f *serviceForm) service(base care.Service, dir *directory.Index) (care.Service, care.FieldErrors) {
	var errs care.FieldErrors
	sv := base
	sv.Name, sv.Description, sv.TeamID, sv.Status = f.Name, f.Description, f.Team, care.ServiceStatus(f.Status)
	sv.Version, _ = strconv.Atoi(f.Version)
	sv.Needs = slices.Clone(f.Needs)
	sv.Eligibility = care.Eligibility{Text: f.Eligibility}
	if f.RequiredNeed != "" {
		sv.Eligibility.RequiredNeeds = []string{f.RequiredNeed}
	}
	for _, a := range []struct {
		text  string
		field string
		dst   *int
	}{{f.MinAge, "min_age", &sv.Eligibility.MinAge}, {f.MaxAge, "max_age", &sv.Eligibility.MaxAge}} {
		if a.text == "" {
			continue
		}
		n, err := strconv.Atoi(a.text)
		if err != nil {
			errs.Add(a.field, "Enter the age as a whole number of years, like 18, or leave it blank")
			continue
		}
		*a.dst = n
	}
	sv.Catchment = nil
	for _, la := range f.LAs {
		sv.Catchment = append(sv.Catchment, care.CatchmentArea{Kind: care.CatchLocalAuthority, Code: la})
	}
	if areas, err := directory.ParsePostcodeAreas(f.Postcodes); err != nil {
		errs.Add("catchment_postcodes", care.MessageOf(err))
	} else {
		sv.Catchment = append(sv.Catchment, areas...)
	}
	if codes, err := directory.ParseCodes(f.Practices); err != nil {
		errs.Add("catchment_practices", care.MessageOf(err))
	} else {
		for _, ods := range codes {
			if _, ok := dir.PracticeByODS(ods); !ok {
				errs.Add("catchment_practices", ods+" is not a GP practice in the directory: check the ODS code")
				continue
			}
			sv.Catchment = append(sv.Catchment, care.CatchmentArea{Kind: care.CatchPractice, Code: ods})
		}
	}
	if codes, err := directory.ParseCodes(f.Wards); err != nil {
		errs.Add("catchment_wards", care.MessageOf(err))
	} else {
		for _, w := range codes {
			sv.Catchment = append(sv.Catchment, care.CatchmentArea{Kind: care.CatchWard, Code: w})
		}
	}
	sv.Referral = care.Referral{Phone: f.Phone, Email: f.Email, FormURL: f.FormURL, MustInclude: f.MustInclude}
	for _, m := range f.Methods {
		sv.Referral.Methods = append(sv.Referral.Methods, care.ReferralMethod(m))
	}
	sv.TypicalWait = f.TypicalWait
	sv.Capacity = care.Capacity{State: care.CapacityState(f.Capacity)}
	if sv.Capacity.State == care.CapacityWaitlist {
		sv.Capacity.WaitBand = care.WaitBand(f.WaitBand)
	}
	sv.Hours = parseHours(&f.Days, f.BankHolidays, &errs)
	sv.Postcode, sv.Website = f.Postcode, f.Website
	if f.Postcode != "" {
		if p, err := parsePostcode(f.Postcode); err != nil {
			errs.Add("postcode", care.MessageOf(err))
		} else {
			sv.Postcode = p
		}
	}
	return sv, errs
}

// teamForm is the team edit form as typed.
type teamForm struct {
	Version      string
	Name         string
	Description  string
	Phone        string
	Email        string
	Practices    string
	Days         [7]dayForm
	BankHolidays string
}

func teamFormOf(t care.Team, dir *directory.Index) teamForm {
	f := teamForm{Version: strconv.Itoa(t.Version), Name: t.Name, Description: t.Description, Phone: t.Phone, Email: t.Email}
	var codes []string
	for _, id := range t.Practices {
		if o, ok := dir.Organisation(id); ok {
			codes = append(codes, o.ODSCode)
		}
	}
	slices.Sort(codes)
	f.Practices = strings.Join(codes, ", ")
	f.Days, f.BankHolidays = hoursForm(t.Hours)
	return f
}

func readTeamForm(form url.Values) teamForm {
	f := teamForm{Version: form.Get("version"), Name: strings.TrimSpace(form.Get("name")),
		Description: strings.TrimSpace(form.Get("description")), Phone: strings.TrimSpace(form.Get("phone")),
		Email: strings.TrimSpace(form.Get("email")), Practices: form.Get("practices")}
	f.Days, f.BankHolidays = readHours(form)
	return f
}

func (f *teamForm) team(base care.Team, dir *directory.Index) (care.Team, care.FieldErrors) {
	var errs care.FieldErrors
	t := base
	t.Name, t.Description, t.Phone, t.Email = f.Name, f.Description, f.Phone, f.Email
	t.Version, _ = strconv.Atoi(f.Version)
	t.Practices = nil
	if codes, err := directory.ParseCodes(f.Practices); err != nil {
		errs.Add("practices", care.MessageOf(err))
	} else {
		for _, ods := range codes {
			o, ok := dir.PracticeByODS(ods)
			if !ok {
				errs.Add("practices", ods+" is not a GP practice in the directory: check the ODS code")
				continue
			}
			t.Practices = append(t.Practices, o.ID)
		}
	}
	t.Hours = parseHours(&f.Days, f.BankHolidays, &errs)
	return t, errs
}

// contactForm is the contact form as typed.
type contactForm struct {
	Version  string
	Name     string
	Role     string
	Phone    string
	Email    string
	Hours    string
	Duty     bool
	Service  string
	Practice string
}

func contactFormOf(c care.Contact, dir *directory.Index) contactForm {
	f := contactForm{Version: strconv.Itoa(c.Version), Name: c.Name, Role: c.Role, Phone: c.Phone, Email: c.Email,
		Hours: c.Hours, Duty: c.Duty, Service: c.ServiceID}
	if o, ok := dir.Organisation(c.PracticeID); ok {
		f.Practice = o.ODSCode
	}
	return f
}

func readContactForm(form url.Values) contactForm {
	return contactForm{Version: form.Get("version"), Name: strings.TrimSpace(form.Get("name")),
		Role: strings.TrimSpace(form.Get("role")), Phone: strings.TrimSpace(form.Get("phone")),
		Email: strings.TrimSpace(form.Get("email")), Hours: strings.TrimSpace(form.Get("hours")),
		Duty: form.Get("duty") == "yes", Service: form.Get("service"), Practice: strings.TrimSpace(form.Get("practice"))}
}

func (f contactForm) contact(base care.Contact, dir *directory.Index) (care.Contact, care.FieldErrors) {
	var errs care.FieldErrors
	c := base
	c.Name, c.Role, c.Phone, c.Email, c.Hours, c.Duty, c.ServiceID = f.Name, f.Role, f.Phone, f.Email, f.Hours, f.Duty, f.Service
	c.Version, _ = strconv.Atoi(f.Version)
	c.PracticeID = ""
	if f.Practice != "" {
		o, ok := dir.PracticeByODS(f.Practice)
		if !ok {
			errs.Add("practice", "Enter the ODS code of a GP practice in the directory, like F84003, or leave it blank")
		}
		c.PracticeID = o.ID
	}
	return c, errs
}

// organisationForm is the organisation details form as typed.
type organisationForm struct {
	Version     string
	Name        string
	Address     string
	Postcode    string
	Phone       string
	Website     string
	Description string
}

func organisationFormOf(o care.Organisation) organisationForm {
	return organisationForm{Version: strconv.Itoa(o.Version), Name: o.Name, Address: o.Address, Postcode: o.Postcode,
		Phone: o.Phone, Website: o.Website, Description: o.Description}
}

func readOrganisationForm(form url.Values) organisationForm {
	return organisationForm{Version: form.Get("version"), Name: strings.TrimSpace(form.Get("name")),
		Address: strings.TrimSpace(form.Get("address")), Postcode: strings.TrimSpace(form.Get("postcode")),
		Phone: strings.TrimSpace(form.Get("phone")), Website: strings.TrimSpace(form.Get("website")),
		Description: strings.TrimSpace(form.Get("description"))}
}

func (f organisationForm) organisation(base care.Organisation) (care.Organisation, care.FieldErrors) {
	var errs care.FieldErrors
	o := base
	o.Name, o.Address, o.Phone, o.Website, o.Description = f.Name, f.Address, f.Phone, f.Website, f.Description
	o.Version, _ = strconv.Atoi(f.Version)
	o.Postcode = ""
	if f.Postcode != "" {
		p, err := parsePostcode(f.Postcode)
		if err != nil {
			errs.Add("postcode", care.MessageOf(err))
		}
		o.Postcode = p
	}
	return o, errs
}

// parsePostcode normalises a postcode typed into a form.
func parsePostcode(s string) (string, error) {
	p, err := geo.ParsePostcode(s)
	return p.String(), err
}
