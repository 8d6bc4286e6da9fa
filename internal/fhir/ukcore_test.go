package fhir

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/joinedup/joinedup/internal/care"
)

var ukCoreExamples = []string{"UKCore-Patient-RichardSmith-Example", "UKCore-Patient-BabyPatient-Example"}

// TestUKCoreJSONMatchesXML checks that the JSON copies of the official UK
// Core examples hold exactly the values of the XML the guide publishes: the
// same paths with the same values, as many times each. The narrative
// (text.div) is left out, being XHTML rather than data.
func TestUKCoreJSONMatchesXML(t *testing.T) {
	for _, name := range ukCoreExamples {
		t.Run(name, func(t *testing.T) {
			fromXML := flattenXML(t, "testdata/ukcore/"+name+".xml")
			fromJSON := flattenJSON(t, "testdata/ukcore/"+name+".json")
			if len(fromXML) < 20 {
				t.Fatalf("only %d values read from the XML", len(fromXML))
			}
			if !slices.Equal(fromXML, fromJSON) {
				for _, v := range fromXML {
					if !slices.Contains(fromJSON, v) {
						t.Errorf("only in XML: %s", v)
					}
				}
				for _, v := range fromJSON {
					if !slices.Contains(fromXML, v) {
						t.Errorf("only in JSON: %s", v)
					}
				}
				t.Fatalf("the JSON copy differs from the XML (%d values against %d)", len(fromJSON), len(fromXML))
			}
		})
	}
}

// flattenXML lists "path=value" for every value attribute (and extension
// url) in a FHIR XML resource, sorted.
func flattenXML(t *testing.T, path string) []string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d := xml.NewDecoder(f)
	var stack, out []string
	skip := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			if skip > 0 || el.Name.Local == "div" {
				skip++
				continue
			}
			stack = append(stack, el.Name.Local)
			p := strings.Join(stack[1:], ".")
			for _, a := range el.Attr {
				switch a.Name.Local {
				case "value":
					out = append(out, p+"="+a.Value)
				case "url":
					out = append(out, p+".url="+a.Value)
				}
			}
		case xml.EndElement:
			if skip > 0 {
				skip--
				continue
			}
			stack = stack[:len(stack)-1]
		}
	}
	slices.Sort(out)
	return out
}

// flattenJSON lists "path=value" for every value in a FHIR JSON resource,
// sorted, reading a primitive's _name extensions as the XML nests them.
func flattenJSON(t *testing.T, path string) []string {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	var out []string
	var walk func(p string, v any)
	walk = func(p string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, child := range v {
				if p == "" && k == "resourceType" || p == "text" && k == "div" {
					continue
				}
				k = strings.TrimPrefix(k, "_")
				if p != "" {
					k = p + "." + k
				}
				walk(k, child)
			}
		case []any:
			for _, child := range v {
				walk(p, child)
			}
		default:
			out = append(out, fmt.Sprintf("%s=%v", p, v))
		}
	}
	walk("", doc)
	slices.Sort(out)
	return out
}

func readExample(t *testing.T, name string) Patient {
	data, err := os.ReadFile("testdata/ukcore/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var p Patient
	if err := json.Unmarshal(data, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestPersonFromUKCoreExamples maps the official examples. Neither names a
// registered practice, and the baby's NHS number fails its check digit, so
// each is refused for exactly those reasons; given a practice, Richard
// Smith is imported with every detail in place.
func TestPersonFromUKCoreExamples(t *testing.T) {
	richard := readExample(t, "UKCore-Patient-RichardSmith-Example")
	reg, err := PersonFromPatient(richard)
	if !care.IsKind(err, care.KindInvalid) || !strings.Contains(care.MessageOf(err), "names no registered GP practice") ||
		strings.Contains(care.MessageOf(err), ";") {
		t.Errorf("Richard Smith without a practice: %v", err)
	}
	richard.GeneralPractitioner = []Reference{{Type: "Organization", Identifier: &Identifier{System: ODSOrganizationCodeSystem, Value: "B86011"}}}
	reg, err = PersonFromPatient(richard)
	if err != nil {
		t.Fatalf("Richard Smith with a practice: %v", err)
	}
	want := care.Person{NHSNumber: "9912003888", GivenName: "Richard", FamilyName: "SMITH", DateOfBirth: "1970-09-11",
		Address: "4 Sandmoor Drive\nLEEDS", Postcode: "LS17 7DF", Phone: "01131231234"}
	if !samePerson(reg.Person, want) || reg.PracticeODS != "B86011" {
		t.Errorf("Richard Smith = %+v %q, want %+v", reg.Person, reg.PracticeODS, want)
	}
	if errs := care.ValidatePerson(withPractice(reg.Person), today); len(errs) > 0 {
		t.Errorf("Richard Smith fails the domain's checks: %v", errs)
	}

	baby := readExample(t, "UKCore-Patient-BabyPatient-Example")
	reg, err = PersonFromPatient(baby)
	msg := care.MessageOf(err)
	if !strings.Contains(msg, "NHS number: This is not a valid NHS number") || !strings.Contains(msg, "names no registered GP practice") {
		t.Errorf("baby: %v", err)
	}
	if reg.Person.FamilyName != "JONES" || reg.Person.DateOfBirth != "2021-02-11" || reg.Person.Postcode != "LS8 3DR" {
		t.Errorf("baby read as %+v", reg.Person)
	}
}

func samePerson(a, b care.Person) bool {
	return a.NHSNumber == b.NHSNumber && a.GivenName == b.GivenName && a.FamilyName == b.FamilyName &&
		a.DateOfBirth == b.DateOfBirth && a.Address == b.Address && a.Postcode == b.Postcode && a.Phone == b.Phone &&
		a.Email == b.Email
}

func withPractice(p care.Person) care.Person {
	p.RegisteredPracticeID = "a practice"
	return p
}
