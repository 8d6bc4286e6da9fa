package directory

import (
	"cmp"
	"slices"
	"strings"

	"github.com/joinedup/joinedup/internal/care"
	"github.com/joinedup/joinedup/internal/geo"
)

// maxListItems bounds a typed list of areas or codes: a service covering
// more postcode districts than this should name its council areas instead.
const maxListItems = 500

// ParsePostcodeAreas reads postcode districts ("E8") and sectors ("E8 1"),
// one per line or separated by commas, in any case and spacing, as people
// type them into a form.
func ParsePostcodeAreas(text string) ([]care.CatchmentArea, error) {
	var out []care.CatchmentArea
	for _, item := range splitList(text, ",;\n\r") {
		if len(out) == maxListItems {
			return nil, care.Errorf(care.KindInvalid, "List at most %d postcode districts or sectors", maxListItems)
		}
		if o, err := geo.ParseOutcode(item); err == nil {
			out = append(out, care.CatchmentArea{Kind: care.CatchOutcode, Code: o})
			continue
		}
		fields := strings.Fields(item)
		if len(fields) == 2 && len(fields[1]) == 1 && fields[1][0] >= '0' && fields[1][0] <= '9' {
			if o, err := geo.ParseOutcode(fields[0]); err == nil {
				out = append(out, care.CatchmentArea{Kind: care.CatchSector, Code: o + " " + fields[1]})
				continue
			}
		}
		return nil, care.Errorf(care.KindInvalid, "%q is not a postcode district like E8 or a sector like E8 1", clip(item))
	}
	return out, nil
}

// ParseCodes reads a list of codes (ODS or GSS codes) separated by commas,
// spaces or new lines, upper-cased and with repeats removed.
func ParseCodes(text string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, item := range splitList(text, ", \t;\n\r") {
		item = strings.ToUpper(item)
		if seen[item] {
			continue
		}
		if len(out) == maxListItems {
			return nil, care.Errorf(care.KindInvalid, "List at most %d codes", maxListItems)
		}
		seen[item] = true
		out = append(out, item)
	}
	return out, nil
}

func splitList(text, seps string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune(seps, r) }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func clip(s string) string {
	if len(s) > 20 {
		return s[:20] + "…"
	}
	return s
}

// PracticeByODS finds a GP practice by its ODS code.
func (ix *Index) PracticeByODS(ods string) (care.Organisation, bool) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	o, ok := ix.orgs[ix.orgByODS[strings.ToUpper(strings.TrimSpace(ods))]]
	return o, ok && o.Kind == care.OrgGPPractice
}

// LocalAuthorities lists the councils that are organisations in the
// directory, by name, for forms that choose a council area.
func (ix *Index) LocalAuthorities() []care.Organisation {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	var out []care.Organisation
	for _, o := range ix.orgs {
		if o.Kind == care.OrgLocalAuthority && o.GSSCode != "" {
			out = append(out, o)
		}
	}
	slices.SortFunc(out, func(a, b care.Organisation) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

// LocalAuthorityOf names the council of a full postcode: from the imported
// postcode directory, or else when the postcode district lies in exactly one
// council. "" means it is not known, and the person asking must choose.
func (ix *Index) LocalAuthorityOf(p geo.Postcode) string {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.gaz != nil {
		if loc, prec := ix.gaz.Locate(p); prec == geo.PrecisionPostcode && loc.LocalAuthority != "" {
			return loc.LocalAuthority
		}
	}
	if las := ix.outcodeLAs[p.Outcode()]; len(las) == 1 {
		return las[0]
	}
	return ""
}
