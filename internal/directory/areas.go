package directory

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"strings"
)

//go:embed data/local-authority-districts.csv
var localAuthorityCSV string

// parseLocalAuthorities reads the embedded ONS list of local authority
// districts into GSS code → name.
func parseLocalAuthorities(data string) (map[string]string, error) {
	recs, err := csv.NewReader(strings.NewReader(data)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("local authority list: %w", err)
	}
	if len(recs) == 0 || strings.Join(recs[0], ",") != "gss_code,name" {
		return nil, fmt.Errorf("local authority list: unexpected header")
	}
	names := make(map[string]string, len(recs)-1)
	for i, r := range recs[1:] {
		if len(r) != 2 || len(r[0]) != 9 || r[1] == "" {
			return nil, fmt.Errorf("local authority list row %d: %q", i+2, r)
		}
		names[r[0]] = r[1]
	}
	return names, nil
}

// localAuthorityNames is the embedded list. It is compiled in and checked
// by the tests, so failing to parse it is a broken build, not bad input.
func localAuthorityNames() map[string]string {
	names, err := parseLocalAuthorities(localAuthorityCSV)
	if err != nil {
		panic(err)
	}
	return names
}

// LocalAuthorityCodes returns the embedded list as lower-case name → GSS
// code, for reading areas that other directories name in words.
func LocalAuthorityCodes() map[string]string {
	byName := map[string]string{}
	for code, name := range localAuthorityNames() {
		byName[strings.ToLower(name)] = code
	}
	return byName
}
