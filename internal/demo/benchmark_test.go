package demo

import (
	"reflect"
	"testing"

	"github.com/joinedup/joinedup/internal/geo"
)

func TestGenerateBenchmark(t *testing.T) {
	t.Parallel()
	a := GenerateBenchmark(3, 2000, 5000)
	if !reflect.DeepEqual(a.Queries, GenerateBenchmark(3, 2000, 5000).Queries) {
		t.Fatal("the same seed gave different searches")
	}
	if len(a.Directory.Services) != 2000 || len(a.Postcodes) != 5000 || len(a.Queries) != 1000 {
		t.Fatalf("sizes: %d services, %d postcodes, %d queries", len(a.Directory.Services), len(a.Postcodes), len(a.Queries))
	}
	for i, sv := range a.Directory.Services {
		if err := sv.Validate(); err != nil {
			t.Fatalf("service %d is not valid: %v", i, err)
		}
	}
	seen := map[string]bool{}
	for _, p := range a.Postcodes {
		if seen[p.Postcode] {
			t.Fatalf("postcode %s twice", p.Postcode)
		}
		seen[p.Postcode] = true
		if _, err := geo.ParsePostcode(p.Postcode); err != nil {
			t.Fatalf("postcode %q: %v", p.Postcode, err)
		}
	}
	for _, o := range a.Directory.Organisations {
		if err := o.Validate(); err != nil {
			t.Fatalf("organisation %s: %v", o.Name, err)
		}
	}
	for _, c := range a.Directory.Contacts {
		if err := c.Validate(); err != nil {
			t.Fatalf("contact: %v", err)
		}
	}
}
