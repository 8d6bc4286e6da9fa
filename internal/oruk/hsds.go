// Package oruk publishes the directory as Open Referral UK: the HSDS 3.0
// API (GET /, /services, /services/{id}, /service_at_locations,
// /taxonomies, /taxonomy_terms) with its paged envelope, and reads HSDS 3.0
// service and organisation JSON for import.
//
// The API is public and read-only and serves directory data only. In
// particular it never names people: a team's named contacts are left out
// and only its duty lines are published, and who last verified an entry is
// not shown. The domain (package care) stays the model; HSDS is mapped at
// this edge.
package oruk

import (
	"github.com/google/uuid"
)

// The HSDS 3.0 objects joinedup reads and writes. Field names and shapes
// follow the compiled schemas of the openreferral/specification repository;
// fields joinedup has nothing for are left out of what it writes and
// ignored in what it reads.

// Service is an HSDS service.
type Service struct {
	ID                     string              `json:"id"`
	OrganizationID         string              `json:"organization_id,omitempty"`
	Name                   string              `json:"name"`
	Description            string              `json:"description,omitempty"`
	URL                    string              `json:"url,omitempty"`
	Email                  string              `json:"email,omitempty"`
	Status                 string              `json:"status"`
	ApplicationProcess     string              `json:"application_process,omitempty"`
	WaitTime               string              `json:"wait_time,omitempty"`
	EligibilityDescription string              `json:"eligibility_description,omitempty"`
	MinimumAge             *float64            `json:"minimum_age,omitempty"`
	MaximumAge             *float64            `json:"maximum_age,omitempty"`
	AssuredDate            string              `json:"assured_date,omitempty"`
	Alert                  string              `json:"alert,omitempty"`
	LastModified           string              `json:"last_modified,omitempty"`
	Phones                 []Phone             `json:"phones,omitempty"`
	Schedules              []Schedule          `json:"schedules,omitempty"`
	ServiceAreas           []ServiceArea       `json:"service_areas,omitempty"`
	ServiceAtLocations     []ServiceAtLocation `json:"service_at_locations,omitempty"`
	Organization           *Organization       `json:"organization,omitempty"`
	Contacts               []Contact           `json:"contacts,omitempty"`
	Attributes             []Attribute         `json:"attributes,omitempty"`
}

// Organization is an HSDS organization.
type Organization struct {
	ID                      string                   `json:"id"`
	Name                    string                   `json:"name"`
	Description             string                   `json:"description"`
	Email                   string                   `json:"email,omitempty"`
	Website                 string                   `json:"website,omitempty"`
	Phones                  []Phone                  `json:"phones,omitempty"`
	Locations               []Location               `json:"locations,omitempty"`
	OrganizationIdentifiers []OrganizationIdentifier `json:"organization_identifiers,omitempty"`
	Services                []Service                `json:"services,omitempty"`
}

// OrganizationIdentifier is a third-party identifier, such as an ODS code.
type OrganizationIdentifier struct {
	ID               string `json:"id"`
	IdentifierType   string `json:"identifier_type"`
	Identifier       string `json:"identifier"`
	IdentifierScheme string `json:"identifier_scheme,omitempty"`
}

// Phone is an HSDS phone.
type Phone struct {
	ID          string `json:"id"`
	Number      string `json:"number"`
	Type        string `json:"type,omitempty"`
	Description string `json:"description,omitempty"`
}

// Schedule is an HSDS schedule: here one weekly opening per day.
type Schedule struct {
	ID          string `json:"id"`
	Freq        string `json:"freq,omitempty"`
	Wkst        string `json:"wkst,omitempty"`
	Interval    *int   `json:"interval,omitempty"`
	Byday       string `json:"byday,omitempty"`
	OpensAt     string `json:"opens_at,omitempty"`
	ClosesAt    string `json:"closes_at,omitempty"`
	Description string `json:"description,omitempty"`
	Notes       string `json:"notes,omitempty"`
}

// ServiceArea is an HSDS service area.
type ServiceArea struct {
	ID          string `json:"id"`
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
	Extent      string `json:"extent,omitempty"`
	ExtentType  string `json:"extent_type,omitempty"`
	URI         string `json:"uri,omitempty"`
}

// ServiceAtLocation is an HSDS service at a location.
type ServiceAtLocation struct {
	ID          string    `json:"id"`
	ServiceID   string    `json:"service_id,omitempty"`
	LocationID  string    `json:"location_id,omitempty"`
	Description string    `json:"description,omitempty"`
	Location    *Location `json:"location,omitempty"`
	Service     *Service  `json:"service,omitempty"`
}

// Location is an HSDS location.
type Location struct {
	ID           string    `json:"id"`
	LocationType string    `json:"location_type"`
	Name         string    `json:"name,omitempty"`
	Latitude     *float64  `json:"latitude,omitempty"`
	Longitude    *float64  `json:"longitude,omitempty"`
	Addresses    []Address `json:"addresses,omitempty"`
}

// Address is an HSDS address. The schema requires every one of these
// fields to be present.
type Address struct {
	ID            string `json:"id"`
	Address1      string `json:"address_1"`
	City          string `json:"city"`
	StateProvince string `json:"state_province"`
	PostalCode    string `json:"postal_code"`
	Country       string `json:"country"`
	AddressType   string `json:"address_type"`
}

// Contact is an HSDS contact. joinedup publishes only duty lines, so Name
// stays empty and Title says what the line is.
type Contact struct {
	ID     string  `json:"id"`
	Name   string  `json:"name,omitempty"`
	Title  string  `json:"title,omitempty"`
	Email  string  `json:"email,omitempty"`
	Phones []Phone `json:"phones,omitempty"`
}

// Attribute links a service to a taxonomy term.
type Attribute struct {
	ID             string        `json:"id"`
	LinkID         string        `json:"link_id,omitempty"`
	TaxonomyTermID string        `json:"taxonomy_term_id,omitempty"`
	LinkType       string        `json:"link_type,omitempty"`
	LinkEntity     string        `json:"link_entity,omitempty"`
	Value          string        `json:"value,omitempty"`
	TaxonomyTerm   *TaxonomyTerm `json:"taxonomy_term,omitempty"`
}

// TaxonomyTerm is an HSDS taxonomy term: here, a need.
type TaxonomyTerm struct {
	ID          string `json:"id"`
	Code        string `json:"code,omitempty"`
	Name        string `json:"name"`
	Description string `json:"description"`
	ParentID    string `json:"parent_id,omitempty"`
	Taxonomy    string `json:"taxonomy,omitempty"`
	Language    string `json:"language,omitempty"`
}

// Taxonomy is an HSDS taxonomy.
type Taxonomy struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	URI         string `json:"uri,omitempty"`
	Version     string `json:"version,omitempty"`
}

// Page is the paged envelope every list endpoint returns.
type Page[T any] struct {
	TotalItems int  `json:"total_items"`
	TotalPages int  `json:"total_pages"`
	PageNumber int  `json:"page_number"`
	Size       int  `json:"size"`
	FirstPage  bool `json:"first_page"`
	LastPage   bool `json:"last_page"`
	Empty      bool `json:"empty"`
	Contents   []T  `json:"contents"`
}

// namespace is joinedup's UUID namespace (0e6c184d-4d4c-48d7-9839-
// 8950d76c7d41): ids of things that have no row of their own (a need's
// taxonomy term, a service's phone) are derived from it with UUIDv5, so they
// are the same in every release and installation.
func namespace() uuid.UUID {
	return uuid.UUID{0x0e, 0x6c, 0x18, 0x4d, 0x4d, 0x4c, 0x4d, 0xc8, 0x98, 0x39, 0x89, 0x50, 0xd7, 0x6c, 0x7d, 0x41}
}

// derivedID is a stable UUID for a thing named by parts.
func derivedID(parts ...string) string {
	b := []byte{}
	for i, p := range parts {
		if i > 0 {
			b = append(b, 0)
		}
		b = append(b, p...)
	}
	return uuid.NewSHA1(namespace(), b).String()
}
